//! `n` in the Issues panel opens a new issue, through the real UI against fakehub: with labels
//! and an assignee, an empty title refused, a refusal from GitHub that keeps the form, and
//! `--readonly` refusing it.

mod common;

use cockpit::fakehub::Scenario;
use common::{eventually, Harness, Setup};
use ratatui::crossterm::event::KeyCode;

const TITLE: &str = "Uploads stall on a slow network";

/// The number GitHub gives the next issue of acme/rocket.
fn next_number(h: &Harness) -> u64 {
    h.hub()
        .with_world(|w| w.repos[0].issues.keys().max().copied().unwrap_or(0) + 1)
}

async fn open_form(h: &mut Harness) {
    h.wait_until("my issues", |s| s.contains("#47")).await;
    h.key('n');
    h.wait_for("New issue in acme/rocket").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn open_an_issue_with_a_label_and_an_assignee() {
    let mut h = Harness::start().await;
    let n = next_number(&h);
    h.wait_until("my issues", |s| s.contains("#47")).await;
    // Away from the top row: the new issue (the newest, listed first) is selected when it shows.
    h.key('j');
    h.key('j');
    open_form(&mut h).await;
    h.type_text(TITLE);
    // Enter goes on to the body rather than opening an issue without one.
    h.code(KeyCode::Enter);
    h.type_text("Seen twice.");
    h.code(KeyCode::Enter);
    h.type_text("Retry did not help.");
    // The labels follow the body, the repository's first (bug) first; the assignable users
    // end the form, octodemo last.
    h.code(KeyCode::Tab);
    h.key(' ');
    for _ in 0..3 {
        h.code(KeyCode::BackTab);
    }
    h.key(' ');
    h.ctrl('s');
    h.wait_for(&format!("Opened issue #{n}")).await;
    let (title, body, labels, assignees) = h.hub().with_world(|w| {
        let i = &w.repos[0].issues[&n];
        (
            i.title.clone(),
            i.body.clone().unwrap_or_default(),
            i.labels.clone(),
            i.assignees.clone(),
        )
    });
    assert_eq!(title, TITLE);
    assert_eq!(body, "Seen twice.\nRetry did not help.");
    assert_eq!(labels, vec!["bug".to_string()]);
    assert_eq!(assignees, vec!["octodemo".to_string()]);
    // Assigned to me, it is in my issues: the list shows it, selected.
    h.wait_for(&format!("#{n} Uploads stall")).await;
    let state = h.quit().await;
    assert_eq!(
        cockpit::app::selection::issue(&state).map(|i| i.number),
        Some(n)
    );
    assert!(
        !state.drafts.contains_key("acme/rocket/new-issue"),
        "the draft went with the issue opened"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_empty_title_is_refused_and_esc_keeps_the_draft() {
    let mut h = Harness::start().await;
    let n = next_number(&h);
    open_form(&mut h).await;
    h.code(KeyCode::Tab);
    h.type_text("Only a body so far");
    h.ctrl('s');
    let s = h.wait_for("Title is required").await;
    assert!(
        s.contains("Only a body so far"),
        "the body is still there:\n{s}"
    );
    h.code(KeyCode::Esc);
    h.wait_for("Draft kept").await;
    h.wait_gone("New issue in acme/rocket").await;
    // The same key opens it again, as it was.
    h.key('n');
    let s = h.wait_for("New issue in acme/rocket").await;
    assert!(
        s.contains("Only a body so far"),
        "the draft came back:\n{s}"
    );
    assert!(h.hub().with_world(|w| !w.repos[0].issues.contains_key(&n)));
    h.code(KeyCode::Esc);
    h.wait_gone("New issue in acme/rocket").await;
    // It is on disk too: a quit does not lose it.
    let dir = h.demo.repo.dir.path().join("drafts");
    let on_disk = std::fs::read_dir(&dir)
        .expect("drafts dir")
        .flatten()
        .filter_map(|e| std::fs::read_to_string(e.path()).ok())
        .any(|t| t.starts_with("acme/rocket/new-issue\n") && t.contains("Only a body so far"));
    assert!(on_disk, "the draft is saved in {}", dir.display());
    h.quit().await;
}

/// The demo world with a token for octodemo that may read but not write (no `repo` scope).
fn read_only_token() -> (Scenario, String) {
    let mut spec: serde_json::Value =
        serde_json::from_str(include_str!("../assets/demo/scenario.json")).expect("demo JSON");
    let token = "fakehub-read-only-token";
    if let Some(tokens) = spec["tokens"].as_array_mut() {
        tokens
            .push(serde_json::json!({"token": token, "login": "octodemo", "scopes": ["read:org"]}));
    }
    (
        Scenario::from_json(&spec.to_string()).expect("scenario"),
        token.to_string(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refusal_from_github_keeps_the_form_and_says_why() {
    let (scenario, token) = read_only_token();
    let mut h = Harness::with(Setup {
        token: Some(token),
        scenario: Some(scenario),
        ..Setup::default()
    })
    .await;
    let n = next_number(&h);
    open_form(&mut h).await;
    h.type_text(TITLE);
    h.code(KeyCode::Enter);
    h.type_text("Kept whatever happens.");
    h.ctrl('s');
    let s = h
        .wait_until("the form back with the reason", |s| {
            s.contains("Could not open the issue")
                && s.contains("New issue in acme/rocket")
                && s.contains("Resource not accessible")
        })
        .await;
    assert!(s.contains(TITLE), "{s}");
    assert!(s.contains("Kept whatever happens."), "{s}");
    assert!(h.hub().with_world(|w| !w.repos[0].issues.contains_key(&n)));
    // Esc now keeps it as a draft, and n brings it back.
    h.code(KeyCode::Esc);
    h.wait_for("Draft kept").await;
    h.key('n');
    let s = h.wait_for("New issue in acme/rocket").await;
    assert!(s.contains("Kept whatever happens."), "{s}");
    h.code(KeyCode::Esc);
    h.wait_gone("New issue in acme/rocket").await;
    h.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readonly_refuses_a_new_issue() {
    let mut h = Harness::with(Setup {
        readonly: true,
        ..Setup::default()
    })
    .await;
    let before = h.hub().with_world(|w| w.repos[0].issues.len());
    h.wait_until("my issues", |s| s.contains("#47")).await;
    h.key('n');
    h.wait_until("the refusal", |s| {
        s.contains("Read-only mode") && s.contains("is disabled")
    })
    .await;
    assert!(!h.screen().contains("New issue in"), "no form opens");
    h.settle().await;
    eventually(h.hub(), "nothing opened", |w| {
        (w.repos[0].issues.len() == before).then_some(())
    })
    .await;
    h.quit().await;
}
