//! The log viewer in the app: a failed job's log opening at its first error, with search and
//! error jumps; a running job's steps live and its whole log the moment it completes; copying;
//! and a hostile log that never reaches the terminal raw.

mod common;

use cockpit::fakehub::demo::{JOB_FLAKY_TEST, RUN_LIVE_JOBS};
use common::Harness;
use ratatui::crossterm::event::KeyCode;
use std::time::Duration;

fn ci_loaded(s: &str) -> bool {
    s.contains("#424") && s.contains("#421")
}

/// CI panel → the earlier (failed) run, which opens on its failed job → that job's log.
async fn open_failed_test_log(h: &mut Harness) {
    h.wait_until("CI loaded", ci_loaded).await;
    h.key('4');
    h.key('j');
    h.code(KeyCode::Enter);
    h.wait_until("run detail", |s| {
        s.contains("CI #421") && s.contains("test")
    })
    .await;
    h.code(KeyCode::Enter);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_finished_jobs_log_with_search_and_error_jumps() {
    let mut h = Harness::start().await;
    open_failed_test_log(&mut h).await;
    let s = h.wait_for("test · log · complete").await;
    assert!(s.contains("errors"), "error count shown:\n{s}");
    // It opens at the first failing line, not at line 1.
    assert!(
        s.contains("gives_up_after_max_attempts ... FAILED")
            && !s.contains("Current runner version"),
        "opens at the first error:\n{s}"
    );
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

/// CI panel → the running run → the log of its job `job` (0: lint, 1: test).
async fn open_running_job_log(h: &mut Harness, job: usize) -> String {
    h.wait_until("CI loaded", ci_loaded).await;
    h.key('4');
    h.code(KeyCode::Enter);
    h.wait_until("run detail", |s| {
        s.contains("CI #424") && s.contains("lint") && s.contains("test")
    })
    .await;
    for _ in 0..job {
        h.key('j');
    }
    h.code(KeyCode::Enter);
    let name = ["lint", "test"][job];
    h.wait_for(&format!("{name} · log · running")).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_running_jobs_steps_show_live_and_its_log_comes_when_it_completes() {
    let mut h = Harness::start().await;
    let s = open_running_job_log(&mut h, 0).await;
    // What github.com has for a running job: its steps, live; no log text.
    assert!(s.contains("its log comes when the job completes"), "{s}");
    assert!(s.contains("GitHub shows a running job's steps live"), "{s}");
    assert!(s.contains("cargo clippy"), "the steps are listed:\n{s}");
    h.clock.advance(Duration::from_secs(12));
    h.wait_until("a finished step with its time", |s| {
        s.contains("✓ Checkout") && s.contains("lint · log · running")
    })
    .await;
    h.clock.advance(Duration::from_secs(600));
    let s = h.wait_for("lint · log · complete").await;
    assert!(s.contains("lines"), "{s}");
    assert!(
        !h.hub()
            .requests()
            .iter()
            .any(|r| r.path_and_query.contains("/steps/")),
        "no step-log requests"
    );
    let _ = RUN_LIVE_JOBS;
    h.quit().await;
}

/// A running job's annotations show in its log view as the job reports them (they are read
/// with the job's status), not only those known when the log was opened.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn annotations_appear_in_an_open_log_as_the_job_reports_them() {
    let mut h = Harness::start().await;
    let s = open_running_job_log(&mut h, 1).await;
    assert!(!s.contains("src/telemetry/buffer.rs:112"), "{s}");
    h.clock.advance(Duration::from_secs(600));
    h.wait_for("src/telemetry/buffer.rs:112").await;
    // Back in the run, now ended: its summary.
    h.wait_for("test · log · complete").await;
    h.code(KeyCode::Esc);
    h.wait_for("Summary: 3 jobs, 3 succeeded").await;
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
