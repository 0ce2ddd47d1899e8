//! CI actions end to end against fakehub: re-run failed jobs, cancel, dispatch with inputs,
//! approve a fork's run that waits, the bell when a watched run finishes, and the refusals.

mod common;

use cockpit::config::WatchEntry;
use cockpit::fakehub::demo::{RUN_FLAKY, RUN_LIVE, SECOND_REPO, SECOND_REPO_FORK_RUN, WORKFLOW_CI};
use cockpit::fakehub::FakeHub;
use common::{until, Harness, Setup};
use ratatui::crossterm::event::KeyCode;
use serde_json::Value;
use std::time::Duration;

fn ci_loaded(s: &str) -> bool {
    s.contains("#424") && s.contains("#421") && s.contains("@octodemo")
}

fn attempts(hub: &FakeHub, run_id: u64) -> usize {
    hub.with_world(|w| {
        w.repos[0]
            .runs
            .iter()
            .find(|r| r.id == run_id)
            .map_or(0, |r| r.attempts.len())
    })
}

fn cancelled(hub: &FakeHub, run_id: u64) -> bool {
    hub.with_world(|w| {
        w.repos[0]
            .runs
            .iter()
            .find(|r| r.id == run_id)
            .is_some_and(|r| r.latest().cancelled_at.is_some())
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rerun_the_failed_jobs_of_a_finished_run() {
    let mut h = Harness::start().await;
    h.wait_until("CI loaded", ci_loaded).await;
    h.key('4');
    h.key('j');
    h.key('R');
    h.wait_for("Re-run the failed jobs of run #421").await;
    h.key('y');
    h.wait_for("Re-running run #421").await;
    assert_eq!(attempts(h.hub(), RUN_FLAKY), 2);
    h.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancel_a_running_run_and_refuse_to_rerun_it_while_it_runs() {
    let mut h = Harness::start().await;
    h.wait_until("CI loaded", ci_loaded).await;
    h.key('4');
    h.key('R');
    h.wait_for("is still running").await;
    h.key('x');
    h.wait_for("Cancel run #424").await;
    h.key('y');
    // The toast saying the cancel was sent lasts until the refreshed list shows the run
    // cancelled, whose own toast replaces it: under load that can happen before a frame shows
    // the first, so wait for either.
    h.wait_until("the cancel acknowledged", |s| {
        s.contains("Cancelling run #424") || s.contains("CI #424 was cancelled")
    })
    .await;
    assert!(cancelled(h.hub(), RUN_LIVE));
    h.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dispatch_a_workflow_with_inputs_from_its_file() {
    let mut h = Harness::start().await;
    h.wait_until("CI loaded", ci_loaded).await;
    h.key('4');
    h.key('d');
    h.wait_for("Run a workflow").await;
    // The first dispatchable workflow is ci.yml; Enter takes it.
    h.code(KeyCode::Enter);
    let s = h.wait_for("Run CI").await;
    for input in ["log-level", "run-benchmarks", "test-filter"] {
        assert!(s.contains(input), "{input} missing from the form:\n{s}");
    }
    // ref, then log-level: choose the next option (debug); then toggle run-benchmarks.
    h.code(KeyCode::Tab);
    h.code(KeyCode::Right);
    h.code(KeyCode::Tab);
    h.key(' ');
    h.code(KeyCode::Tab);
    h.type_text("upload");
    h.code(KeyCode::Enter);
    h.wait_for("Run CI on 42-retry-flaky-uploads?").await;
    h.key('y');
    h.wait_for("Started: CI on 42-retry-flaky-uploads").await;
    let inputs = h.hub().with_world(|w| {
        w.repos[0]
            .runs
            .iter()
            .filter(|r| {
                r.workflow_id == WORKFLOW_CI
                    && r.event == "workflow_dispatch"
                    && r.created_at >= w.started_at
            })
            .map(|r| r.inputs.clone())
            .collect::<Vec<_>>()
    });
    assert_eq!(inputs.len(), 1, "{inputs:?}");
    assert_eq!(
        inputs[0].get("log-level"),
        Some(&Value::String("debug".into()))
    );
    assert_eq!(inputs[0].get("run-benchmarks"), Some(&Value::Bool(true)));
    assert_eq!(
        inputs[0].get("test-filter"),
        Some(&Value::String("upload".into()))
    );
    h.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_finished_run_rings_the_bell_failures_included() {
    let mut h = Harness::start().await;
    h.wait_until("CI loaded", ci_loaded).await;
    h.clock.advance(Duration::from_secs(3600));
    h.wait_until("run finished", |s| !s.contains("● CI")).await;
    until("a notification for run #424", || {
        h.opened.lock().is_ok_and(|v| {
            v.iter()
                .any(|x| x.starts_with("notify:") && x.contains("CI #424"))
        })
    })
    .await;
    h.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readonly_refuses_ci_actions() {
    let mut h = Harness::with(Setup {
        readonly: true,
        ..Setup::default()
    })
    .await;
    h.wait_until("CI loaded", ci_loaded).await;
    h.key('4');
    for k in ['R', 'x', 'd', 'a'] {
        h.key(k);
        // The first refusal's message stays up: settle so that each key was applied.
        h.settle().await;
        h.wait_for("Read-only mode").await;
    }
    assert!(!cancelled(h.hub(), RUN_LIVE));
    assert_eq!(attempts(h.hub(), RUN_FLAKY), 1);
    assert!(fork_run_waits(h.hub()));
    h.quit().await;
}

/// Whether acme/launchpad's fork run still waits for approval (its jobs held back).
fn fork_run_waits(hub: &FakeHub) -> bool {
    hub.with_world(|w| {
        w.repo(SECOND_REPO)
            .and_then(|r| r.run(SECOND_REPO_FORK_RUN))
            .is_some_and(|r| !r.latest().held.is_empty())
    })
}

/// The CI panel with the watched acme/launchpad too, its fork's run selected.
async fn on_the_fork_run() -> Harness {
    let mut h = Harness::with(Setup {
        watch: vec![WatchEntry {
            repo: SECOND_REPO.to_string(),
            path: None,
        }],
        ..Setup::default()
    })
    .await;
    h.wait_until("CI loaded", ci_loaded).await;
    h.key('4');
    h.key('W');
    // The title column is narrow beside the repository's: the badge is cut there.
    h.wait_for("waits for appro").await;
    h.key('/');
    h.type_text("launch checklist");
    h.code(KeyCode::Enter);
    h.wait_gone("#424").await;
    h
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn approve_a_forks_run_that_waits_and_it_runs() {
    let mut h = on_the_fork_run().await;
    h.key('a');
    h.wait_for("Fix a typo in the launch checklist) by @dave in")
        .await;
    h.key('y');
    h.wait_for("Approved run #").await;
    assert!(!fork_run_waits(h.hub()));
    // Queued, then running, like any run: the row no longer asks for an approval.
    h.clock.advance(Duration::from_secs(30));
    h.wait_gone("waits for appro").await;
    h.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn approving_without_write_access_says_so_and_keeps_the_list() {
    let mut h = on_the_fork_run().await;
    h.hub().with_world_mut(|w| {
        if let Some(r) = w.repo_mut(SECOND_REPO) {
            r.collaborators.insert("octodemo".into(), "read".into());
        }
    });
    h.key('a');
    h.wait_for("Fix a typo in the launch checklist) by @dave in")
        .await;
    h.key('y');
    // The toast wraps: its words are looked for one by one.
    let s = h.wait_for("Could not approve run #").await;
    for words in ["forbidden (403", "needs write access"] {
        assert!(s.contains(words), "{words} missing:\n{s}");
    }
    assert!(s.contains("waits for appro"), "the list stays:\n{s}");
    assert!(fork_run_waits(h.hub()));
    h.quit().await;
}
