//! Fetching logs from fakehub with the real client: the 404 retry for a job that just
//! completed, the token never sent to the blob host, no step logs (GitHub has none),
//! annotations, and huge and
//! hostile logs set on fakehub going through the viewer.

use std::time::Duration;

use chrono::{DateTime, Utc};
use cockpit::fakehub::{demo, hostile_log, huge_log, Clock, FakeHub, Scenario, DEMO_TOKEN};
use cockpit::github::logs::{AnnotationLevel, LogRetry};
use cockpit::github::{ApiError, GitHub, Slug, Token};
use cockpit::logs::{LogView, LogViewState};
use cockpit::ui::Theme;
use ratatui::backend::TestBackend;
use ratatui::Terminal;

const LIVE_TEST_JOB: u64 = demo::RUN_LIVE_JOBS[1];

fn t0() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-22T10:00:00Z")
        .expect("valid time")
        .to_utc()
}

async fn start() -> (FakeHub, GitHub, Slug) {
    cockpit::github::client::install_crypto_provider();
    let hub = FakeHub::start(Scenario::demo(), Clock::manual(t0()))
        .await
        .expect("fakehub starts");
    let gh = GitHub::new(&hub.base_url(), Token::new(DEMO_TOKEN)).expect("client");
    let slug = Slug::parse("acme/rocket").expect("slug");
    (hub, gh, slug)
}

fn log_path(job: u64) -> String {
    format!("/repos/acme/rocket/actions/jobs/{job}/logs")
}

fn quick(n: usize) -> LogRetry {
    LogRetry {
        delays: vec![Duration::from_millis(150); n],
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_just_completed_job_log_is_fetched_after_404s_without_sending_the_token_to_storage() {
    let (hub, gh, slug) = start().await;
    let fetch = {
        let gh = gh.clone();
        let slug = slug.clone();
        tokio::spawn(async move {
            // Retries enough for a minute: the job completes when the test moves the clock,
            // which a busy machine may do late.
            gh.job_log_when_ready(&slug, LIVE_TEST_JOB, &quick(400))
                .await
        })
    };
    // Wait for the first 404, then let the job complete.
    let path = log_path(LIVE_TEST_JOB);
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while !hub
        .requests()
        .iter()
        .any(|r| r.path_and_query == path && r.status == 404)
    {
        assert!(
            std::time::Instant::now() < deadline,
            "timed out waiting for the first 404"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    hub.clock().advance(Duration::from_secs(150));
    let bytes = fetch.await.expect("task").expect("log");
    assert!(bytes.starts_with("\u{feff}".as_bytes()), "GitHub's BOM");
    let view = LogViewState::from_bytes(bytes);
    assert!(view.store().len() > 20);
    assert!(!view.store().groups().is_empty());

    let reqs = hub.requests();
    let api: Vec<_> = reqs.iter().filter(|r| r.path_and_query == path).collect();
    assert!(api.len() >= 2, "{api:?}");
    assert!(api.iter().any(|r| r.status == 404));
    assert_eq!(api.last().map(|r| r.status), Some(302));
    assert!(api
        .iter()
        .all(|r| r.authorized_as.as_deref() == Some("octodemo")));
    let blob: Vec<_> = reqs
        .iter()
        .filter(|r| r.path_and_query.starts_with("/blob/"))
        .collect();
    assert_eq!(blob.len(), 1);
    assert_eq!(blob[0].status, 200);
    assert!(
        !blob[0].had_authorization_header,
        "the token stays with the API"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn retries_run_out_with_not_found() {
    let (hub, gh, slug) = start().await;
    let started = std::time::Instant::now();
    let r = gh
        .job_log_when_ready(
            &slug,
            LIVE_TEST_JOB,
            &LogRetry {
                delays: vec![Duration::from_millis(10); 3],
            },
        )
        .await;
    assert!(matches!(r, Err(ApiError::NotFound { .. })), "{r:?}");
    assert!(started.elapsed() >= Duration::from_millis(30));
    let tries = hub
        .requests()
        .iter()
        .filter(|r| r.path_and_query == log_path(LIVE_TEST_JOB))
        .count();
    assert_eq!(tries, 4, "one try and three retries");
    assert_eq!(
        LogRetry::default().delays,
        [1, 2, 4].map(Duration::from_secs)
    );
}

/// GitHub serves no step logs (no such operation in its REST API), so neither does fakehub:
/// not for a finished step of a running job, not for a step of a completed one.
#[tokio::test(flavor = "multi_thread")]
async fn there_are_no_step_logs_only_the_whole_log_of_a_completed_job() {
    let (_hub, gh, slug) = start().await;
    for job in [LIVE_TEST_JOB, demo::JOB_FLAKY_TEST] {
        let step = format!("/repos/acme/rocket/actions/jobs/{job}/steps/1/logs");
        assert!(
            matches!(
                gh.download_redirected(&step).await,
                Err(ApiError::NotFound { .. })
            ),
            "{step}"
        );
    }
    assert!(matches!(
        gh.job_log(&slug, LIVE_TEST_JOB).await,
        Err(ApiError::NotFound { .. })
    ));
    assert!(gh.job_log(&slug, demo::JOB_FLAKY_TEST).await.is_ok());
}

#[tokio::test(flavor = "multi_thread")]
async fn annotations_of_a_failed_check_run() {
    let (_hub, gh, slug) = start().await;
    let a = gh
        .annotations(&slug, demo::JOB_DARK_MODE_LINT)
        .await
        .expect("annotations");
    assert!(a.changed);
    let first = &a.data[0];
    assert_eq!(first.path, "src/ui/theme.rs");
    assert_eq!(first.start_line, 42);
    assert_eq!(first.annotation_level, AnnotationLevel::Failure);
    assert_eq!(first.location(), "src/ui/theme.rs:42");
    assert_eq!(a.data[1].annotation_level, AnnotationLevel::Warning);
    // Polling again costs nothing when nothing changed.
    let again = gh
        .annotations(&slug, demo::JOB_DARK_MODE_LINT)
        .await
        .expect("annotations");
    assert!(!again.changed);
    assert_eq!(again.data, a.data);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_set_log_waits_for_the_job_like_a_generated_one() {
    let (hub, gh, slug) = start().await;
    let big = huge_log(30_000);
    hub.set_job_log(LIVE_TEST_JOB, big.clone());
    assert!(matches!(
        gh.job_log(&slug, LIVE_TEST_JOB).await,
        Err(ApiError::NotFound { .. })
    ));
    hub.clock().advance(Duration::from_secs(150));
    let got = gh.job_log(&slug, LIVE_TEST_JOB).await.expect("log");
    assert_eq!(got.len(), big.len());
    assert!(got == big);
    let view = LogViewState::from_bytes(got);
    assert_eq!(view.store().len(), 30_000);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_hostile_log_from_the_server_is_drawn_harmless() {
    let (hub, gh, slug) = start().await;
    hub.set_job_log(demo::JOB_FLAKY_TEST, hostile_log());
    let bytes = gh
        .job_log_when_ready(&slug, demo::JOB_FLAKY_TEST, &quick(0))
        .await
        .expect("log");
    assert_eq!(bytes, hostile_log());
    let mut view = LogViewState::from_bytes(bytes);
    view.unfold_all();
    let theme = Theme::from_env();
    let mut t = Terminal::new(TestBackend::new(100, 30)).expect("terminal");
    t.draw(|f| f.render_widget(LogView::new(&view, theme.log_styles()), f.area()))
        .expect("draw");
    let buf = t.backend().buffer();
    let mut screen = String::new();
    for y in 0..buf.area.height {
        for x in 0..buf.area.width {
            let sym = buf[(x, y)].symbol();
            assert!(!sym.chars().any(|c| c.is_control()), "{sym:?} at {x},{y}");
            screen.push_str(sym);
        }
    }
    assert!(screen.contains("after unterminated: visible"));
    assert!(!screen.contains("pwned"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_whole_job_log_splits_into_the_jobs_steps() {
    let (_hub, gh, slug) = start().await;
    let jobs = gh.jobs(&slug, demo::RUN_FLAKY).await.expect("jobs").data;
    let job = jobs
        .iter()
        .find(|j| j.id == demo::JOB_FLAKY_TEST)
        .expect("the flaky test job");
    let bytes = gh.job_log(&slug, job.id).await.expect("log");
    let mut view = LogViewState::from_bytes(bytes);
    view.set_steps(&cockpit::github::logs::step_infos(job));
    let store = view.store();
    let titles: Vec<&str> = store.steps().iter().map(|s| s.title.as_str()).collect();
    let ran: Vec<&str> = job
        .steps
        .iter()
        .filter(|s| s.started_at.is_some())
        .map(|s| s.name.as_str())
        .collect();
    assert_eq!(titles, ran);
    assert_eq!(store.steps()[0].first_line, 0);
    // Each workflow step's section opens with its `##[group]Run …` header.
    for (k, s) in store.steps().iter().enumerate().skip(1) {
        let first = String::from_utf8_lossy(store.content(s.first_line)).into_owned();
        let last_step = k + 1 == store.steps().len();
        if !last_step {
            assert!(
                store.kind(s.first_line) == cockpit::logs::LineKind::GroupStart,
                "step {} starts with {first:?}",
                s.title
            );
        }
    }
    // The failing step holds the error, and its header counts it.
    let err = *store.problems().last().expect("an error");
    let k = store.step_of(err).expect("in a step");
    assert!(
        store.steps()[k].title.contains("test"),
        "{}",
        store.steps()[k].title
    );
}
