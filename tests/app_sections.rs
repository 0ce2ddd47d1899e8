//! Sections: the Issues and Pull requests panels as tabs of GitHub searches, against fakehub's
//! search API (its qualifiers, `@me`, and its own rate limit of 30 searches a minute).

mod common;

use cockpit::app::sections::{Section, Tabs};
use cockpit::fakehub::DEMO_TOKEN;
use cockpit::github::{ApiError, GitHub, Token};
use common::{every_panel_loaded, flat, Harness, Setup};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sections_switch_with_brackets_and_show_their_rows() {
    let mut h = Harness::start().await;
    h.wait_until("loaded", every_panel_loaded).await;
    h.key('z');
    let s = h
        .wait_until("Assigned", |s| {
            s.contains("[Assigned]") && s.contains("Crash when HOME is unset")
        })
        .await;
    assert!(s.contains(" Created ") && s.contains(" Mentioned "), "{s}");
    h.key(']');
    let s = h
        .wait_until("Created", |s| {
            s.contains("[Created]") && s.contains("Telemetry: make the endpoint")
        })
        .await;
    assert!(
        !s.contains("Crash when HOME is unset"),
        "only my issues:\n{s}"
    );
    h.key(']');
    h.wait_until("Mentioned", |s| {
        s.contains("[Mentioned]") && s.contains("Question: is it safe")
    })
    .await;
    // Round to the first again: its rows are there at once (and refresh).
    h.key(']');
    h.wait_until("Assigned again", |s| {
        s.contains("[Assigned]") && s.contains("Crash when HOME is unset")
    })
    .await;
    h.key('[');
    h.wait_for("[Mentioned]").await;

    h.key('3');
    let s = h
        .wait_until("Mine", |s| s.contains("[Mine]") && s.contains("#43"))
        .await;
    assert!(!s.contains("#46"), "not mine:\n{s}");
    h.key(']');
    let s = h
        .wait_until("Review requested", |s| {
            s.contains("[Review requested]") && s.contains("#46") && !s.contains("loading…")
        })
        .await;
    assert!(s.contains("⇄ CI: cache cargo registry"), "{s}");
    assert!(!s.contains("#43"), "{s}");
    h.key(']');
    h.wait_until("Involved", |s| {
        s.contains("[Involved]") && s.contains("#46")
    })
    .await;
    // Each search carries the kind and this repository.
    let searches: Vec<String> = h
        .hub()
        .requests()
        .into_iter()
        .filter(|r| r.path_and_query.starts_with("/search/issues"))
        .map(|r| r.path_and_query)
        .collect();
    for q in [
        "q=is%3Aissue+is%3Aopen+assignee%3A%40me+repo%3Aacme%2Frocket",
        "q=is%3Apr+is%3Aopen+involves%3A%40me+-author%3A%40me+repo%3Aacme%2Frocket",
    ] {
        assert!(
            searches.iter().any(|s| s.contains(q)),
            "{q} in {searches:#?}"
        );
    }
    h.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_section_whose_search_finds_nothing_says_so() {
    let mut h = Harness::with(Setup {
        state: Some(|s| {
            s.issue_tabs = Tabs::new(vec![
                Section {
                    title: "p1 bugs".into(),
                    filter: "is:open label:p1".into(),
                },
                Section {
                    title: "Assigned".into(),
                    filter: "is:open assignee:@me".into(),
                },
            ])
        }),
        ..Setup::default()
    })
    .await;
    h.wait_until("loaded", every_panel_loaded_but_issues).await;
    h.key('z');
    let s = h
        .wait_until("the empty section", |s| {
            flat(s).contains(
                "No issues in “p1 bugs”: GitHub's search for is:open label:p1 repo:acme/rocket \
                 found none.",
            )
        })
        .await;
    assert!(s.contains("[p1 bugs]") && s.contains("(0)"), "{s}");
    assert!(
        !s.contains("stale") && !s.contains("⚠") && !s.contains("loading…"),
        "an empty answer is no error:\n{s}"
    );
    h.key(']');
    h.wait_until("the other section", |s| {
        s.contains("[Assigned]") && s.contains("Crash when HOME is unset")
    })
    .await;
    h.quit().await;
}

fn every_panel_loaded_but_issues(s: &str) -> bool {
    s.contains("#424") && s.contains("production") && s.contains("@octodemo") && s.contains("#43")
}

/// Spends the search budget (30 a minute) the way another tool on the same account would,
/// until GitHub refuses.
async fn spend_search_budget(h: &Harness) {
    let gh = GitHub::new(&h.hub().base_url(), Token::new(DEMO_TOKEN)).expect("client");
    for i in 0..40 {
        match gh.search_issues(&format!("is:issue spend{i}")).await {
            Ok(_) => continue,
            Err(ApiError::RateLimited { search: true, .. }) => return,
            Err(e) => panic!("unexpected: {e}"),
        }
    }
    panic!("the search budget never ran out");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_search_limit_running_out_shows_and_the_rows_stay() {
    let mut h = Harness::start().await;
    h.wait_until("loaded", every_panel_loaded).await;
    h.key('z');
    h.wait_for("Crash when HOME is unset").await;
    spend_search_budget(&h).await;
    h.key('r');
    let s = h
        .wait_until("the status bar says so", |s| {
            s.contains("search spent till 10:01:00")
        })
        .await;
    assert!(
        s.contains("Crash when HOME is unset") && s.contains("stale"),
        "the panel keeps its last rows, marked stale:\n{s}"
    );
    // Switching to a section not seen yet asks nothing GitHub would refuse... and says why.
    h.key(']');
    let s = h
        .wait_until("the new section says why", |s| {
            s.contains("[Created]") && flat(s).contains("search rate limit exhausted")
        })
        .await;
    assert!(!s.contains("loading…"), "{s}");
    // A minute later the budget is back: the sections load again and the warning goes.
    h.clock.advance(std::time::Duration::from_secs(61));
    h.key('r');
    h.wait_until("back", |s| {
        s.contains("Telemetry: make the endpoint") && !s.contains("search spent")
    })
    .await;
    h.quit().await;
}

/// A row of another repository (`a`: every repository) is acted on in its own repository:
/// Enter opens it there, and a comment goes there.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_row_of_another_repository_acts_in_its_own_repository() {
    let mut h = Harness::start().await;
    h.wait_until("loaded", every_panel_loaded).await;
    h.key('a');
    let s = h.wait_for("launchpad #5").await;
    assert!(s.contains("Repo"), "a repository column:\n{s}");
    h.key('j');
    h.code(ratatui::crossterm::event::KeyCode::Enter);
    h.wait_for("Flaky deploy health check").await;
    h.key('c');
    h.type_text("seen on staging too");
    h.ctrl('s');
    h.wait_for("Commented on #5").await;
    let posted: Vec<_> = h
        .hub()
        .requests()
        .into_iter()
        .filter(|r| r.method == "POST" && r.path_and_query.contains("/issues/5/comments"))
        .map(|r| r.path_and_query)
        .collect();
    assert_eq!(posted, vec!["/repos/acme/launchpad/issues/5/comments"]);
    h.quit().await;
}
