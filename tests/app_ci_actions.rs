//! CI actions end to end against fakehub: re-run failed jobs, cancel, dispatch with inputs,
//! the bell when a watched run finishes, and the refusals.

mod common;

use cockpit::fakehub::demo::{RUN_FLAKY, RUN_LIVE, WORKFLOW_CI};
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
    for k in ['R', 'x', 'd'] {
        h.key(k);
        // The first refusal's message stays up: settle so that each key was applied.
        h.settle().await;
        h.wait_for("Read-only mode").await;
    }
    assert!(!cancelled(h.hub(), RUN_LIVE));
    assert_eq!(attempts(h.hub(), RUN_FLAKY), 1);
    h.quit().await;
}
