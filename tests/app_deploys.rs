//! Deploys end to end against fakehub: approve, reject, deploy (with the unmerged-ref
//! warning), roll back, and every refusal — with assertions on the server's state.

mod common;

use cockpit::app::prepare::DeployTarget;
use cockpit::fakehub::demo::{CAROL_TOKEN, ENV_PRODUCTION, RUN_WAITING_DEPLOY, WORKFLOW_DEPLOY};
use cockpit::fakehub::world::Approval;
use cockpit::fakehub::FakeHub;
use common::{until, Harness, Setup};
use serde_json::Value;
use std::collections::BTreeMap;

fn loaded(s: &str) -> bool {
    s.contains("production") && s.contains("waits for") && s.contains("42-retry-flaky-uploads")
}

fn approval(hub: &FakeHub, run_id: u64) -> Option<Approval> {
    hub.with_world(|w| {
        w.repos[0]
            .runs
            .iter()
            .find(|r| r.id == run_id)
            .and_then(|r| r.latest().jobs.iter().find_map(|j| j.approval.clone()))
    })
}

/// Deploy runs started by dispatch: (branch, inputs).
fn dispatched_deploys(hub: &FakeHub) -> Vec<(String, BTreeMap<String, Value>)> {
    hub.with_world(|w| {
        w.repos[0]
            .runs
            .iter()
            .filter(|r| {
                r.workflow_id == WORKFLOW_DEPLOY
                    && r.event == "workflow_dispatch"
                    && r.created_at >= w.started_at
            })
            .map(|r| (r.branch.clone(), r.inputs.clone()))
            .collect()
    })
}

async fn on_production(h: &mut Harness) {
    h.wait_until("deploys loaded", loaded).await;
    h.key('5');
    h.key('j');
}

/// The demo started, the staging deploy under way at start finished and shown, the cursor on
/// production.
async fn staging_deployed() -> Harness {
    let mut h = Harness::start().await;
    h.wait_until("deploys loaded", loaded).await;
    h.clock.advance(std::time::Duration::from_secs(600));
    h.wait_until("staging deployed", |s| {
        s.lines()
            .any(|l| l.contains("staging") && l.contains("idle"))
    })
    .await;
    h.key('5');
    h.key('j');
    h
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn approve_a_waiting_production_deploy() {
    let mut h = Harness::start().await;
    on_production(&mut h).await;
    h.key('a');
    h.wait_for("Approve deploy to production").await;
    h.type_text("smoke tests passed");
    h.ctrl('s');
    let s = h.wait_for("Approve run #").await;
    assert!(
        s.contains("to production"),
        "the confirmation names the environment:\n{s}"
    );
    assert!(
        approval(h.hub(), RUN_WAITING_DEPLOY).is_none(),
        "nothing happens before y"
    );
    h.key('y');
    h.wait_for("Approved the deploy to production").await;
    let a = approval(h.hub(), RUN_WAITING_DEPLOY).expect("approval recorded");
    assert!(a.approved);
    assert_eq!(a.user, "octodemo");
    assert_eq!(a.comment, "smoke tests passed");
    h.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reject_a_waiting_deploy_and_cancel_leaves_it_alone() {
    let mut h = Harness::start().await;
    on_production(&mut h).await;
    // Cancelling at the confirmation changes nothing.
    h.key('A');
    h.wait_for("Reject deploy to production").await;
    h.ctrl('s');
    h.wait_for("Reject run #").await;
    h.key('n');
    h.wait_gone("Reject run #").await;
    assert!(approval(h.hub(), RUN_WAITING_DEPLOY).is_none());
    h.key('A');
    h.wait_for("Reject deploy to production").await;
    h.type_text("not during the freeze");
    h.ctrl('s');
    h.wait_for("Reject run #").await;
    h.key('y');
    h.wait_for("Rejected the deploy to production").await;
    let a = approval(h.hub(), RUN_WAITING_DEPLOY).expect("rejection recorded");
    assert!(!a.approved);
    assert_eq!(a.comment, "not during the freeze");
    h.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deploying_an_unmerged_ref_warns_and_asks_again() {
    let mut h = Harness::start().await;
    h.wait_until("deploys loaded", loaded).await;
    h.key('5');
    h.key('D');
    let s = h.wait_for("Deploy to staging").await;
    assert!(
        s.contains("42-retry-flaky-uploads"),
        "the ref defaults to the checked-out branch:\n{s}"
    );
    h.code(ratatui::crossterm::event::KeyCode::Enter);
    let s = h.wait_for("is not merged into main").await;
    assert!(s.contains("CI is"), "CI state is part of the warning:\n{s}");
    assert!(
        dispatched_deploys(h.hub()).is_empty(),
        "nothing dispatched before y"
    );
    h.key('y');
    h.wait_for("Started: deploy 42-retry-flaky-uploads to staging")
        .await;
    let runs = dispatched_deploys(h.hub());
    assert_eq!(runs.len(), 1, "{runs:?}");
    assert_eq!(runs[0].0, "42-retry-flaky-uploads");
    assert_eq!(
        runs[0].1.get("environment"),
        Some(&Value::String("staging".into()))
    );
    // The panel follows the deploy it started.
    h.wait_until("the deploy followed in the panel", |s| {
        s.contains("● queued #") || s.contains("● in progress #")
    })
    .await;
    h.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn roll_back_redeploys_the_previous_good_commit() {
    let mut h = Harness::start().await;
    on_production(&mut h).await;
    h.key('B');
    let s = h.wait_for("Roll back production").await;
    assert!(s.contains("Rolls production back from"), "{s}");
    h.key('y');
    h.wait_for("Started: roll back production").await;
    let runs = dispatched_deploys(h.hub());
    assert_eq!(runs.len(), 1, "{runs:?}");
    let now = h.clock.now();
    let (live, previous) = h.hub().with_world(|w| {
        let repo = &w.repos[0];
        let mut prod: Vec<_> = repo
            .deployments
            .iter()
            .filter(|d| d.environment == "production")
            .filter(|d| {
                cockpit::fakehub::world::deployment_statuses(repo, d, now)
                    .iter()
                    .any(|s| s.state == "success")
            })
            .collect();
        prod.sort_by_key(|d| std::cmp::Reverse(d.created_at));
        // Redeploys of the live commit are not a step back.
        let live = prod[0].sha.clone();
        let previous = prod.iter().map(|d| d.sha.clone()).find(|s| *s != live);
        (live, previous.flatten())
    });
    let pinned = runs[0]
        .1
        .get("sha")
        .and_then(|v| v.as_str())
        .map(str::to_string);
    assert_eq!(
        pinned, previous,
        "redeploys the deployment before the live one"
    );
    assert_ne!(pinned, live);
    assert_eq!(
        runs[0].1.get("environment"),
        Some(&Value::String("production".into()))
    );
    h.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn someone_who_cannot_approve_is_told_who_can() {
    let mut h = Harness::with(Setup {
        token: Some(CAROL_TOKEN.into()),
        ..Setup::default()
    })
    .await;
    h.wait_until("deploys loaded", |s| {
        s.contains("production") && s.contains("waits for")
    })
    .await;
    h.key('5');
    h.key('j');
    h.key('a');
    let s = h.wait_for("You cannot approve deploys to production").await;
    assert!(s.contains("octodemo") && s.contains("alice"), "{s}");
    assert!(approval(h.hub(), RUN_WAITING_DEPLOY).is_none());
    h.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_workflow_without_workflow_dispatch_is_refused() {
    let mut targets = std::collections::HashMap::new();
    targets.insert(
        "staging".to_string(),
        DeployTarget {
            workflow: "nightly.yml".into(),
            inputs: Default::default(),
        },
    );
    let mut h = Harness::with(Setup {
        deploy_targets: targets,
        ..Setup::default()
    })
    .await;
    h.wait_until("deploys loaded", loaded).await;
    h.key('5');
    h.key('D');
    h.wait_for("has no workflow_dispatch trigger").await;
    assert!(dispatched_deploys(h.hub()).is_empty());
    h.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_environment_with_no_history_has_nothing_to_roll_back() {
    let h0 = Harness::start().await;
    h0.hub().with_world_mut(|w| {
        let created_at = w.started_at;
        w.repos[0]
            .environments
            .push(cockpit::fakehub::world::Environment {
                id: ENV_PRODUCTION + 10,
                name: "qa".into(),
                url: None,
                reviewers: Vec::new(),
                wait_timer: 0,
                prevent_self_review: false,
                created_at,
                production: false,
            });
    });
    let mut h = h0;
    h.wait_until("qa listed", |s| {
        s.contains("qa") && s.contains("nothing deployed")
    })
    .await;
    h.key('5');
    h.key('G');
    h.key('B');
    h.wait_for("qa has no deployment history to roll back to")
        .await;
    h.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readonly_refuses_every_deploy_action() {
    let mut h = Harness::with(Setup {
        readonly: true,
        ..Setup::default()
    })
    .await;
    on_production(&mut h).await;
    for k in ['a', 'A', 'D', 'B'] {
        h.key(k);
        // The first refusal's message stays up: settle so that each key was applied.
        h.settle().await;
        h.wait_for("Read-only mode").await;
    }
    assert!(approval(h.hub(), RUN_WAITING_DEPLOY).is_none());
    assert!(dispatched_deploys(h.hub()).is_empty());
    assert!(h.screen().contains("[readonly]"));
    h.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn environment_detail_shows_metrics_and_what_would_ship() {
    let mut h = Harness::start().await;
    on_production(&mut h).await;
    h.code(ratatui::crossterm::event::KeyCode::Enter);
    let s = h.wait_for("deployment frequency").await;
    for needle in [
        "lead time for changes",
        "change failure rate",
        "time to restore",
        "What would ship: staging → production",
        "History",
    ] {
        assert!(s.contains(needle), "{needle} missing:\n{s}");
    }
    h.quit().await;
}

#[test]
fn metrics_json_from_the_command_line() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_cockpit"))
        .args(["--demo", "metrics", "--json"])
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let envs = v.as_array().expect("array");
    assert_eq!(envs.len(), 2);
    let prod = envs
        .iter()
        .find(|e| e["environment"] == "production")
        .expect("production");
    assert!(prod["deployments"].as_u64().unwrap_or(0) > 5);
    assert!(prod["change_failure_rate"].as_f64().is_some());
    assert!(prod["rollbacks"].as_u64().unwrap_or(0) >= 1);
    assert_eq!(prod["daily_successes"].as_array().map(Vec::len), Some(30));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_waiting_deploy_runs_jobs_are_one_key_away() {
    let mut h = Harness::start().await;
    on_production(&mut h).await;
    h.key('J');
    let s = h
        // The status bar's count of waiting approvals says "waiting" too: wait for the run.
        .wait_until("deploy run detail", |s| {
            s.contains("Esc back") && s.contains("Deploy #")
        })
        .await;
    assert!(s.contains("waiting"), "{s}");
    h.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_deploy_waiting_for_me_notifies() {
    let mut h = Harness::start().await;
    on_production(&mut h).await;
    // Roll back production: the new Deploy run waits for approval (production is protected).
    h.key('B');
    h.wait_for("Roll back production").await;
    h.key('y');
    h.wait_for("Started: roll back production").await;
    // Its deploy job reaches the protected environment a little later. (The dispatched run
    // exists from the dispatch on: one jump past its wait is enough.)
    h.clock.advance(std::time::Duration::from_secs(120));
    until("a notification for the new waiting deploy", || {
        h.opened.lock().is_ok_and(|v| {
            v.iter()
                .any(|x| x.contains("waits for your approval to deploy to production"))
        })
    })
    .await;
    let before: Vec<String> = h.opened.lock().map(|v| v.clone()).unwrap_or_default();
    assert_eq!(
        before.iter().filter(|x| x.contains("run #190")).count(),
        0,
        "the deploy already waiting at start is not news: {before:?}"
    );
    h.quit().await;
}

/// A rollback of a protected environment: `B` says an approval will be needed, the waiting
/// run shows as waiting for me (not as a generic followed run), and the approval names the
/// commit the rollback deploys — the pinned one, not the branch head the run is on — which is
/// what fakehub then deploys.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rollback_waits_for_approval_and_every_step_names_what_deploys() {
    let mut h = Harness::start().await;
    on_production(&mut h).await;
    h.key('B');
    let s = h.wait_for("Roll back production").await;
    assert!(
        s.contains("production needs an approval from octodemo or alice"),
        "B says an approval will be needed:\n{s}"
    );
    h.key('y');
    h.wait_for("Started: roll back production").await;
    let runs = dispatched_deploys(h.hub());
    let pinned = runs[0].1["sha"].as_str().expect("pinned sha").to_string();
    let short = &pinned[..7];
    let head = h
        .demo
        .repo
        .heads
        .iter()
        .find(|(b, _)| b == "main")
        .map(|(_, sha)| sha[..7].to_string())
        .expect("main");
    assert_ne!(short, head, "the demo must tell the two apart");
    // The deploy job reaches the protected environment a little later.
    h.clock.advance(std::time::Duration::from_secs(120));
    let s = h
        .wait_until("the rollback waiting for me", |s| {
            s.lines()
                .any(|l| l.contains("waits for you") && l.contains(&format!("· main@{short}")))
        })
        .await;
    assert!(!s.contains("● waiting"), "{s}");
    h.key('a');
    let s = h.wait_for("Approve deploy to production").await;
    assert!(
        s.contains(&format!("deploys main@{short} to production")),
        "the approval names the pinned commit:\n{s}"
    );
    assert!(
        !s.contains(&format!("deploys main@{head}")),
        "not the branch head the run is on:\n{s}"
    );
    h.ctrl('s');
    let s = h.wait_for("Approve run #").await;
    assert!(
        s.contains(&format!("deploying main@{short} to production")),
        "{s}"
    );
    h.key('y');
    h.wait_for("Approved the deploy to production").await;
    h.clock.advance(std::time::Duration::from_secs(60));
    let deployed = common::eventually(h.hub(), "the rollback's deployment", |w| {
        w.repos[0]
            .deployments
            .iter()
            .filter(|d| d.environment == "production" && d.created_at >= w.started_at)
            .find_map(|d| d.sha.clone())
    })
    .await;
    assert_eq!(deployed, pinned, "what was approved is what deployed");
    h.quit().await;
}

/// The Deploys panel and the approval queue read the waiting runs and their pending
/// deployments through one ETag cache. When the queue reads a new waiting run first, the
/// panel's next poll is all 304s: its rows still become what those 304s stand for, instead of
/// staying as they were until something else changes. (The Deploys poll failing meanwhile
/// makes the queue go first for sure.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_waiting_deploy_the_queue_read_first_shows_in_the_panel() {
    // From now on only the rollback changes what the panel reads.
    let mut h = staging_deployed().await;
    h.key('B');
    h.wait_for("Roll back production").await;
    h.key('y');
    h.wait_for("Started: roll back production").await;
    let (id, number) = h.hub().with_world(|w| {
        w.repos[0]
            .runs
            .iter()
            .find(|r| r.workflow_id == WORKFLOW_DEPLOY && r.created_at >= w.started_at)
            .map(|r| (r.id, r.run_number))
            .expect("the rollback's run")
    });
    h.hub().set_fault(cockpit::fakehub::Fault {
        path_contains: Some("/environments".into()),
        kind: cockpit::fakehub::FaultKind::Status(500),
        times: None,
    });
    // A Deploys poll failed whole: every later one starts after the fault, so none reads the
    // rollback waiting before the queue does.
    h.wait_until("the Deploys poll failing", |s| {
        s.lines()
            .any(|l| l.contains("5 Deploys") && l.contains(" stale "))
    })
    .await;
    h.clock.advance(std::time::Duration::from_secs(120));
    // Only the queue reads it: the Deploys poll fails before it gets that far.
    let pending = format!("/actions/runs/{id}/pending_deployments");
    until("the queue reading what the rollback waits for", || {
        h.hub()
            .requests()
            .iter()
            .any(|r| r.path_and_query.contains(&pending) && r.status == 200)
    })
    .await;
    h.hub().clear_faults();
    let badge = format!("⏸ #{number} waits for you");
    h.wait_until("the rollback waiting in the Deploys panel", |s| {
        s.lines()
            .any(|l| l.contains("production") && l.contains(&badge))
    })
    .await;
    h.quit().await;
}

/// The demo's story is one story: what the environment detail says would ship from staging to
/// production are commits of the demo repository, with the messages `git log` shows, and the
/// workflow file in the repository defines the jobs its runs show.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_would_ship_is_what_git_log_says() {
    // Staging runs main's head.
    let mut h = staging_deployed().await;
    h.code(ratatui::crossterm::event::KeyCode::Enter);
    h.wait_for("What would ship: staging → production").await;
    // Every commit of the demo repository, read before quitting deletes it.
    let repo = git2::Repository::open(&h.demo.repo.workdir).expect("demo repository");
    let mut walk = repo.revwalk().expect("walk");
    walk.push_glob("refs/*").expect("refs");
    let log: std::collections::HashMap<String, String> = walk
        .filter_map(|oid| repo.find_commit(oid.ok()?).ok())
        .map(|c| {
            let summary = c.summary().ok().flatten().unwrap_or("").to_string();
            (c.id().to_string(), summary)
        })
        .collect();
    let state = h.quit().await;
    let Some(cockpit::app::Detail::Environment { insights, .. }) = state.detail else {
        panic!("the environment detail is open");
    };
    let (_, _, cmp) = insights
        .data
        .and_then(|i| i.would_ship)
        .expect("what would ship");
    assert!(!cmp.commits.is_empty(), "main moved on since production");
    for c in &cmp.commits {
        assert_eq!(
            log.get(&c.sha).map(String::as_str),
            Some(c.commit.headline.as_str()),
            "{} is not that commit of the demo repository",
            c.sha
        );
    }
}

/// `--demo` goes before or after `metrics`, the help says so, and an unknown environment is
/// an error naming the ones there are — not an empty table and success.
#[test]
fn metrics_cli_takes_demo_anywhere_and_refuses_an_unknown_environment() {
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_cockpit"))
            .args(args)
            .output()
            .expect("runs")
    };
    let out = run(&["metrics", "--demo", "--environment", "production", "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(v.as_array().map(Vec::len), Some(1));
    let out = run(&["metrics", "--demo", "--environment", "nope"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("no environment named \"nope\"") && err.contains("staging, production"),
        "{err}"
    );
    assert!(
        out.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let help = run(&["metrics", "--help"]);
    let help = String::from_utf8_lossy(&help.stdout);
    assert!(help.contains("--demo"), "{help}");
    let out = run(&["doctor", "--demo"]);
    assert_eq!(out.status.code(), Some(2));
}
