//! The log viewer in the app: a finished job's log with search and error jumps, a running
//! job's finished steps appearing as the job goes, copying, and a hostile log that never
//! reaches the terminal raw.

mod common;

use cockpit::fakehub::demo::{JOB_FLAKY_TEST, RUN_LIVE_JOBS};
use common::Harness;
use ratatui::crossterm::event::KeyCode;
use std::time::Duration;

fn ci_loaded(s: &str) -> bool {
    s.contains("#424") && s.contains("#421")
}

/// CI panel → the earlier (failed) run → its test job's log.
async fn open_failed_test_log(h: &mut Harness) {
    h.wait_until("CI loaded", ci_loaded).await;
    h.key('4');
    h.key('j');
    h.code(KeyCode::Enter);
    h.wait_until("run detail", |s| {
        s.contains("CI #421") && s.contains("test")
    })
    .await;
    h.key('j');
    h.code(KeyCode::Enter);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_finished_jobs_log_with_search_and_error_jumps() {
    let mut h = Harness::start().await;
    open_failed_test_log(&mut h).await;
    let s = h.wait_for("test · log · complete").await;
    assert!(s.contains("errors"), "error count shown:\n{s}");
    assert!(
        s.contains("tests/upload.rs:88"),
        "annotations above the log:\n{s}"
    );
    h.key('/');
    h.type_text("assert");
    h.code(KeyCode::Enter);
    h.wait_until("search hits", |s| s.contains("/assert: 1/"))
        .await;
    h.key('n');
    h.wait_until("next hit", |s| s.contains("/assert: 2/"))
        .await;
    h.key('y');
    h.wait_for("Copied 1 line").await;
    let copied = h
        .opened
        .lock()
        .map(|v| v.iter().any(|x| x.starts_with("copy: ")))
        .unwrap_or(false);
    assert!(copied, "the copy went to the clipboard path");
    h.code(KeyCode::Esc);
    h.wait_until("back to the run", |s| {
        s.contains("CI #421") && !s.contains("· log ·")
    })
    .await;
    h.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_running_jobs_steps_appear_as_they_finish() {
    let mut h = Harness::start().await;
    h.wait_until("CI loaded", ci_loaded).await;
    h.key('4');
    h.code(KeyCode::Enter);
    h.wait_until("run detail", |s| {
        s.contains("CI #424") && s.contains("lint")
    })
    .await;
    h.code(KeyCode::Enter);
    h.wait_for("lint · log · running").await;
    // Let the lint job finish some steps, then all of them.
    h.clock.advance(Duration::from_secs(12));
    h.wait_until("finished steps shown", |s| {
        s.contains("Checkout") && s.contains("lines")
    })
    .await;
    h.clock.advance(Duration::from_secs(600));
    let s = h.wait_for("lint · log · complete").await;
    assert!(s.contains("cargo clippy"), "{s}");
    let _ = RUN_LIVE_JOBS;
    h.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hostile_log_never_reaches_the_terminal_raw() {
    let mut h = Harness::start().await;
    h.hub()
        .set_job_log(JOB_FLAKY_TEST, cockpit::fakehub::hostile_log());
    open_failed_test_log(&mut h).await;
    h.wait_for("test · log · complete").await;
    // Page through all of it: every frame must be clean.
    for _ in 0..20 {
        assert!(
            h.cells_are_clean(),
            "a control character reached a cell:\n{}",
            h.screen()
        );
        h.code(KeyCode::PageDown);
        h.settle().await;
    }
    h.key('t');
    h.settle().await;
    assert!(h.cells_are_clean(), "{}", h.screen());
    h.quit().await;
}
