//! The real application loop against fakehub and the demo repository: keys in, screen text
//! and server state out.

mod common;

use cockpit::fakehub::{FakeHub, RequestRecord};
use cockpit::fakehub::{Fault, FaultKind};
use common::{until, Harness, Setup};
use ratatui::crossterm::event::{
    Event, KeyCode, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};
use std::collections::HashSet;
use std::time::Duration;

fn loaded(s: &str) -> bool {
    s.contains("42-retry-flaky-uploads")
        && s.contains("production")
        && s.contains("@octodemo")
        && !s.contains("loading…")
}

/// Requests for the CI panel's list of runs.
fn runs_requests(hub: &FakeHub) -> usize {
    hub.requests()
        .iter()
        .filter(|r| r.path_and_query.contains("/actions/runs?branch="))
        .count()
}

/// Pollers have settled when the newest requests, one for each path asked so far, brought
/// nothing new: no path asked for the first time and no answer but 304.
fn settled(requests: &[RequestRecord]) -> bool {
    let paths: HashSet<&str> = requests.iter().map(|r| r.path_and_query.as_str()).collect();
    let Some(from) = requests.len().checked_sub(paths.len()) else {
        return false;
    };
    let (before, newest) = requests.split_at(from);
    let known: HashSet<&str> = before.iter().map(|r| r.path_and_query.as_str()).collect();
    !newest.is_empty()
        && newest
            .iter()
            .all(|r| r.status == 304 && known.contains(r.path_and_query.as_str()))
}

/// Every path asked for more than once before the window was asked again in it (a one-shot
/// resource such as /user is asked once).
fn covers_every_path(before: &[RequestRecord], window: &[RequestRecord]) -> bool {
    let mut seen: HashSet<&str> = HashSet::new();
    let mut polled: HashSet<&str> = HashSet::new();
    for r in before {
        if !seen.insert(r.path_and_query.as_str()) {
            polled.insert(r.path_and_query.as_str());
        }
    }
    let again: HashSet<&str> = window.iter().map(|r| r.path_and_query.as_str()).collect();
    polled.iter().all(|p| again.contains(p))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dashboard_shows_all_five_panels_with_demo_data() {
    let mut h = Harness::start().await;
    let s = h.wait_until("all panels loaded", loaded).await;
    for needle in [
        "1 Issues",
        "2 Branches",
        "3 Pull requests",
        "4 CI",
        "5 Deploys",
        "acme/rocket",
        "API ",
    ] {
        assert!(s.contains(needle), "{needle} missing:\n{s}");
    }
    // Branches: the checked-out one is marked, ahead/behind shown, dirty tree in the title.
    assert!(s.contains("* 42-retry-flaky-uploads"), "{s}");
    assert!(s.contains("↑2"), "{s}");
    assert!(s.contains("↓1"), "{s}");
    assert!(s.contains("dirty"), "{s}");
    // Deploys: the run waiting for approval to production is called out.
    assert!(s.contains("waits for"), "{s}");
    h.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn run_detail_updates_live_as_the_run_progresses() {
    let mut h = Harness::start().await;
    h.wait_until("loaded", loaded).await;
    h.key('4');
    h.code(KeyCode::Enter);
    let before = h
        .wait_until("jobs loaded", |s| {
            s.contains("Esc back") && !s.contains("loading…")
        })
        .await;
    assert!(
        before.contains("●") || before.contains("○"),
        "an active run shows running/queued steps:\n{before}"
    );
    // Move the simulation's clock far ahead: every step finishes; the open view follows.
    h.clock.advance(Duration::from_secs(3600));
    let after = h
        .wait_until("run completed", |s| {
            !s.contains("●") && !s.contains("○") && s.contains("Esc back")
        })
        .await;
    assert!(after.contains("✓") || after.contains("✗"), "{after}");
    h.code(KeyCode::Esc);
    h.wait_gone("Esc back").await;
    h.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn focus_keys_zoom_and_help() {
    let mut h = Harness::start().await;
    h.wait_until("loaded", loaded).await;
    h.key('z');
    let s = h.wait_for("z unzoom").await;
    assert!(
        !s.contains("5 Deploys ·"),
        "zoomed shows one panel only:\n{s}"
    );
    h.key('z');
    h.wait_gone("z unzoom").await;
    h.key('?');
    h.wait_for("cockpit keys").await;
    // Other keys scroll or do nothing in the help; Esc closes it.
    h.key('x');
    h.code(KeyCode::Esc);
    h.wait_gone("cockpit keys").await;
    h.code(KeyCode::Tab);
    h.code(KeyCode::Tab);
    h.key('o');
    // Third panel (pull requests): `o` asks the browser for the PR's URL.
    until("the browser asked for a pull request", || {
        h.opened
            .lock()
            .is_ok_and(|v| v.iter().any(|u| u.contains("/pull/")))
    })
    .await;
    h.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn all_repositories_toggle() {
    let mut h = Harness::start().await;
    h.wait_until("loaded", loaded).await;
    h.key('1');
    h.key('a');
    let s = h.wait_for("launchpad #5").await;
    assert!(s.contains("all repos"), "{s}");
    h.key('a');
    h.wait_gone("launchpad #5").await;
    h.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mouse_click_focuses_and_selects() {
    let mut h = Harness::start().await;
    h.wait_until("loaded", |s| loaded(s) && s.contains("#421"))
        .await;
    // The CI panel starts at the left of the lower half on a 160x45 screen: its border on row
    // 24, the column header on 25, run #424 on 26 and run #421 on 27. Focus starts on Issues,
    // with the first row selected, so Enter alone would open issue #47.
    h.send(Event::Mouse(MouseEvent {
        kind: MouseEventKind::Down(MouseButton::Left),
        column: 10,
        row: 27,
        modifiers: KeyModifiers::NONE,
    }));
    h.code(KeyCode::Enter);
    let s = h
        .wait_until("a detail view", |s| {
            s.contains("Esc back") && !s.contains("loading…")
        })
        .await;
    assert!(s.contains("CI #421"), "the clicked run opens:\n{s}");
    let state = h.quit().await;
    assert_eq!(state.focus, cockpit::app::PanelId::Ci);
    assert_eq!(state.cursor(cockpit::app::PanelId::Ci).selected, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_token_branches_work_and_github_panels_say_how_to_sign_in() {
    let mut h = Harness::with(Setup {
        token: None,
        ..Setup::default()
    })
    .await;
    let s = h
        .wait_until("no-token message", |s| {
            s.contains("GH_TOKEN") && s.contains("42-retry-flaky-uploads")
        })
        .await;
    assert!(s.contains("not signed in"), "{s}");
    h.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_token_is_reported() {
    let mut h = Harness::with(Setup {
        token: Some("revoked-or-made-up".into()),
        ..Setup::default()
    })
    .await;
    let s = h.wait_for("rejected the token").await;
    assert!(
        !s.contains("revoked-or-made-up"),
        "the token itself never reaches the screen:\n{s}"
    );
    h.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unreachable_api_keeps_running_with_a_message() {
    let mut h = Harness::with(Setup {
        api_url: Some("http://127.0.0.1:9".into()),
        ..Setup::default()
    })
    .await;
    let s = h.wait_for("cannot reach").await;
    assert!(
        s.contains("42-retry-flaky-uploads"),
        "local branches still shown:\n{s}"
    );
    h.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_errors_keep_the_last_good_data_and_mark_it_stale() {
    let mut h = Harness::start().await;
    h.wait_until("loaded", loaded).await;
    h.hub().set_fault(Fault {
        path_contains: Some("/environments".into()),
        kind: FaultKind::Status(502),
        times: None,
    });
    let s = h.wait_for("server error (502)").await;
    assert!(
        s.lines()
            .any(|l| l.contains("5 Deploys") && l.contains(" stale ")),
        "{s}"
    );
    assert!(s.contains("production"), "last good deploy data kept:\n{s}");
    h.hub().clear_faults();
    // The Deploys title line loses its stale marker (a branch can be "stale" for other reasons).
    h.wait_until("deploys fresh again", |s| {
        s.lines()
            .any(|l| l.contains("5 Deploys") && !l.contains(" stale "))
    })
    .await;
    h.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_json_is_reported() {
    let mut h = Harness::start().await;
    h.wait_until("loaded", loaded).await;
    h.hub().set_fault(Fault {
        path_contains: Some("/actions/runs?branch".into()),
        kind: FaultKind::MalformedJson,
        times: None,
    });
    h.wait_for("could not read").await;
    h.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exhausted_rate_limit_is_reported_with_its_reset() {
    let mut h = Harness::start().await;
    h.wait_until("loaded", loaded).await;
    h.hub().set_fault(Fault {
        path_contains: None,
        kind: FaultKind::RateLimitExhausted,
        times: None,
    });
    h.wait_for("rate limit exhausted").await;
    h.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tiny_terminal_gets_a_message_and_the_app_keeps_running() {
    let mut h = Harness::with(Setup {
        size: (20, 5),
        ..Setup::default()
    })
    .await;
    h.wait_for("needs at").await;
    // Data keeps arriving and keys keep working underneath the message.
    h.send(Event::Resize(20, 5));
    h.key('4');
    h.wait_for("needs at").await;
    // The runs poller answers and polls again: its first answer is on the app's way by then.
    until("the runs poller polled twice", || {
        runs_requests(h.hub()) >= 2
    })
    .await;
    h.settle().await;
    let state = h.quit().await;
    assert_eq!(state.focus, cockpit::app::PanelId::Ci);
    assert!(
        state.runs.data.is_some(),
        "polling went on while the terminal was too small"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unchanged_resources_cost_no_rate_limit() {
    let mut h = Harness::start().await;
    h.wait_until("loaded", loaded).await;
    // Let every poller settle (each has made its first, charged fetch), then watch a window in
    // which nothing changes on the server.
    until("every poller settled", || settled(&h.hub().requests())).await;
    let start = h.hub().requests().len();
    let remaining_before = h.hub().rate_remaining(cockpit::fakehub::DEMO_TOKEN);
    // The window lasts until every resource was polled again, and more than ten requests.
    until("a round of polls", || {
        let all = h.hub().requests();
        all.len() > start + 10 && covers_every_path(&all[..start], &all[start..])
    })
    .await;
    let window: Vec<_> = h.hub().requests().into_iter().skip(start).collect();
    assert!(
        window.len() > 10,
        "pollers kept polling: {} requests",
        window.len()
    );
    let counted: Vec<_> = window
        .iter()
        .filter(|r| r.counted)
        .map(|r| r.path_and_query.clone())
        .collect();
    assert!(
        counted.is_empty(),
        "unchanged resources were charged: {counted:?}"
    );
    assert_eq!(
        h.hub().rate_remaining(cockpit::fakehub::DEMO_TOKEN),
        remaining_before
    );
    assert!(
        window.iter().all(|r| r.status == 304),
        "all answers were 304"
    );
    h.quit().await;
}
