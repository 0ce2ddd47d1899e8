//! Where is it live, end to end against fakehub: a merged pull request and an issue closed by
//! a merge say which environments run their commit, a failing comparison says "cannot tell"
//! without blanking the detail, a second look costs no request, and branch rows are marked
//! from the local clone.

mod common;

use cockpit::fakehub::{Fault, FaultKind};
use common::Harness;
use ratatui::crossterm::event::KeyCode;
use std::time::Duration;

/// The staging deploy under way at start finishes: staging runs main's head, production an
/// older commit of main.
async fn staging_runs_main(h: &mut Harness) {
    h.wait_until("deploys loaded", |s| s.contains("production"))
        .await;
    h.clock.advance(Duration::from_secs(600));
    h.wait_until("staging deployed", |s| {
        s.lines()
            .any(|l| l.contains("staging") && l.contains("idle"))
    })
    .await;
}

/// `main~1` of the demo clone: in staging (main's head contains it), not in production.
fn before_main_head(h: &Harness) -> String {
    let repo = git2::Repository::open(&h.demo.repo.workdir).expect("demo repository");
    let commit = repo
        .revparse_single("main~1")
        .expect("main~1")
        .peel_to_commit()
        .expect("a commit");
    commit.id().to_string()
}

/// Marks PR `number` merged by `sha` in the simulation, closing `closes` with it, as a merge
/// of a pull request saying "Closes #n" does on GitHub.
fn merge_in_the_hub(h: &Harness, number: u64, sha: &str, closes: Option<u64>) {
    let now = h.clock.now();
    h.hub().with_world_mut(|w| {
        let repo = &mut w.repos[0];
        if let Some(i) = repo.issues.get_mut(&number) {
            i.state = "closed".into();
            i.closed_at = Some(now);
            i.closed_by = Some("alice".into());
            i.updated_at = now;
            if let Some(p) = i.pull.as_mut() {
                p.merged_at = Some(now);
                p.merged_by = Some("alice".into());
                p.merge_commit_sha = Some(sha.to_string());
            }
        }
        if let Some(k) = closes {
            if let Some(i) = repo.issues.get_mut(&k) {
                i.state = "closed".into();
                i.state_reason = Some("completed".into());
                i.closed_at = Some(now);
                i.closed_by = Some("alice".into());
                i.updated_at = now;
            }
            repo.closing_commits.insert(k, sha.to_string());
        }
    });
}

fn requests_to(h: &Harness, part: &str) -> usize {
    h.hub()
        .requests()
        .iter()
        .filter(|r| r.path_and_query.contains(part))
        .count()
}

/// Opens the detail of the row of the panel `key` that starts with `row` (`#43`), among
/// `rows`, the panel's rows (their order follows the simulation's clock).
async fn open_row(h: &mut Harness, key: char, row: &str, rows: &[&str], ready: &str) {
    h.key(key);
    let s = h.wait_for(row).await;
    let mut order: Vec<(usize, &str)> = Vec::new();
    for (y, line) in s.lines().enumerate() {
        for r in rows {
            if line.contains(&format!("│{r} ")) {
                order.push((y, r));
            }
        }
    }
    order.sort();
    let at = order
        .iter()
        .position(|(_, r)| *r == row)
        .unwrap_or_else(|| panic!("{row} listed: {s}"));
    for _ in 0..at {
        h.key('j');
    }
    h.code(KeyCode::Enter);
    h.wait_for(ready).await;
}

async fn open_retry_pull(h: &mut Harness) {
    let pulls = ["#43", "#44", "#46"];
    open_row(
        h,
        '3',
        "#43",
        &pulls,
        "wants to merge 42-retry-flaky-uploads",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_merged_pull_request_is_live_in_staging_not_yet_in_production() {
    let mut h = Harness::start().await;
    staging_runs_main(&mut h).await;
    open_retry_pull(&mut h).await;
    h.wait_for("Live: not merged yet").await;
    let sha = before_main_head(&h);
    merge_in_the_hub(&h, 43, &sha, Some(42));
    h.wait_until("live in staging, not production", |s| {
        s.contains("Live: #43 in staging (") && s.contains("not yet in production")
    })
    .await;
    h.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_issue_closed_by_a_merge_is_live_where_its_merge_commit_runs() {
    let mut h = Harness::start().await;
    staging_runs_main(&mut h).await;
    let mine = ["#47", "#45", "#42", "#39", "#37", "#31"];
    open_row(&mut h, '1', "#42", &mine, "Issue #42").await;
    h.wait_for("Live: open").await;
    let sha = before_main_head(&h);
    merge_in_the_hub(&h, 43, &sha, Some(42));
    h.wait_until("live in staging, not production", |s| {
        s.contains("Live: #42 in staging (") && s.contains("not yet in production")
    })
    .await;
    assert_eq!(requests_to(&h, "/issues/42/events"), 1, "asked once");
    h.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_comparison_says_cannot_tell_and_keeps_the_detail() {
    let mut h = Harness::start().await;
    staging_runs_main(&mut h).await;
    h.hub().set_fault(Fault {
        path_contains: Some("/compare/".into()),
        kind: FaultKind::Status(502),
        times: None,
    });
    open_retry_pull(&mut h).await;
    let sha = before_main_head(&h);
    merge_in_the_hub(&h, 43, &sha, None);
    let s = h.wait_for("cannot tell for staging").await;
    assert!(s.contains("wants to merge"), "the detail stays: {s}");
    assert!(s.contains("reviews"), "the detail stays: {s}");
    h.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_look_costs_no_request() {
    let mut h = Harness::start().await;
    staging_runs_main(&mut h).await;
    open_retry_pull(&mut h).await;
    let sha = before_main_head(&h);
    merge_in_the_hub(&h, 43, &sha, None);
    h.wait_for("not yet in production").await;
    let compares = requests_to(&h, "/compare/");
    assert!(compares >= 1, "the first look compares");
    // The detail and the deployments are read again and again; the comparisons are not.
    let polls = requests_to(&h, "/pulls/43");
    for _ in 0..3 {
        h.clock.advance(Duration::from_secs(60));
        h.settle().await;
    }
    common::until("the detail polled again", || {
        requests_to(&h, "/pulls/43") > polls
    })
    .await;
    h.wait_for("Live: #43 in staging (").await;
    assert_eq!(requests_to(&h, "/compare/"), compares);
    h.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn branch_rows_are_marked_from_the_local_clone() {
    let mut h = Harness::start().await;
    staging_runs_main(&mut h).await;
    h.key('2');
    let s = h
        .wait_until("main marked live in staging", |s| {
            s.lines()
                .any(|l| l.contains(" main ") && l.contains("▲staging"))
        })
        .await;
    // release-1.4 was merged long ago: production runs it too.
    assert!(
        s.lines()
            .any(|l| l.contains("release-1.4") && l.contains("▲production")),
        "{s}"
    );
    assert!(
        !s.lines()
            .any(|l| l.contains("42-retry-flaky-uploads") && l.contains('▲')),
        "{s}"
    );
    assert_eq!(
        requests_to(&h, "/compare/"),
        0,
        "the clone had every commit"
    );
    h.quit().await;
}

/// The demo's issue #41 was closed by a commit of main: its `closed` event names the commit
/// that was main's head when it closed (in `--demo`, main's head, which the staging deploy
/// under way at start ships and production does not run yet).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_issue_41_names_the_commit_that_closed_it() {
    let h = Harness::start().await;
    let url = format!("{}/repos/acme/rocket/issues/41/events", h.hub().base_url());
    let events: serde_json::Value = reqwest::Client::new()
        .get(url)
        .bearer_auth(cockpit::fakehub::DEMO_TOKEN)
        .send()
        .await
        .expect("events")
        .json()
        .await
        .expect("JSON");
    let closed = events
        .as_array()
        .and_then(|a| a.iter().rev().find(|e| e["event"] == "closed"))
        .expect("a closed event");
    let at = closed["created_at"]
        .as_str()
        .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
        .expect("a time")
        .timestamp();
    let repo = git2::Repository::open(&h.demo.repo.workdir).expect("demo repository");
    let mut walk = repo.revwalk().expect("walk");
    walk.push(repo.revparse_single("main").expect("main").id())
        .expect("push");
    walk.simplify_first_parent().expect("first parent");
    let head_then = walk
        .filter_map(|o| repo.find_commit(o.ok()?).ok())
        .find(|c| c.time().seconds() <= at)
        .expect("a commit before the close");
    assert_eq!(
        closed["commit_id"].as_str(),
        Some(head_then.id().to_string().as_str())
    );
    h.quit().await;
}
