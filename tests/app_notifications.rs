//! The notifications inbox through the real UI against fakehub: the unread count in the status
//! bar, `i` listing the threads, Enter opening a target in its own repository and marking it
//! read on fakehub, a target that is gone, done, conditional polling (304s cost nothing, never
//! faster than `X-Poll-Interval`), and `--readonly`.

mod common;

use cockpit::fakehub::{FakeHub, DEMO_TOKEN};
use cockpit::github::notifications::{Target, Thread};
use cockpit::github::{GitHub, Token};
use common::{until_some, Harness, Setup};
use ratatui::crossterm::event::KeyCode;
use std::time::{Duration, Instant};

/// The demo's seeded notification whose issue does not exist.
const GONE: &str = "Uploads to the EU bucket time out";

/// The threads as a fresh client reads them now (no conditional cache), in inbox order.
async fn threads(hub: &FakeHub) -> Vec<Thread> {
    let gh = GitHub::new(&hub.base_url(), Token::new(DEMO_TOKEN)).expect("client");
    gh.notifications().await.expect("notifications").threads
}

/// Waits (up to the harness's deadline) until fakehub's threads satisfy `f`.
async fn until_listed(hub: &FakeHub, what: &str, f: impl Fn(&[Thread]) -> bool) {
    let deadline = Instant::now() + common::DEADLINE;
    while !f(&threads(hub).await) {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn notification_requests(hub: &FakeHub) -> Vec<cockpit::fakehub::RequestRecord> {
    hub.requests()
        .into_iter()
        .filter(|r| r.method == "GET" && r.path_and_query.starts_with("/notifications"))
        .collect()
}

fn loaded(s: &str) -> bool {
    s.contains("Crash when HOME is unset") && s.contains("@octodemo")
}

/// Opens the inbox and selects the thread at `index` (inbox order).
async fn select(h: &mut Harness, index: usize) {
    h.key('i');
    h.wait_for("Notifications ·").await;
    h.key('g');
    for _ in 0..index {
        h.key('j');
    }
    h.settle().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_unread_count_shows_and_i_lists_participating_threads_first() {
    let mut h = Harness::start().await;
    h.wait_until("dashboard", loaded).await;
    let all = threads(h.hub()).await;
    let unread = all.iter().filter(|t| t.unread).count();
    assert!(unread > 3, "the demo has unread notifications: {all:?}");
    h.wait_for(&format!("✉ {unread}")).await;
    h.key('i');
    let s = h.wait_for("CI: cache cargo registry and target dir").await;
    assert!(
        s.contains(&format!("Notifications · {unread} unread")),
        "{s}"
    );
    assert!(
        s.contains("review requested") && s.contains("acme/launchpad"),
        "{s}"
    );
    // The one thread cockpit's user only watches comes last.
    let last = all.last().expect("threads");
    assert_eq!(last.reason.as_str(), "subscribed");
    let pos = |needle: &str| s.find(needle).unwrap_or(usize::MAX);
    assert!(
        pos("Add a `rocket doctor` command") > pos("review requested"),
        "{s}"
    );
    h.code(KeyCode::Esc);
    h.wait_gone("Notifications ·").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn enter_opens_the_target_in_its_own_repository_and_marks_it_read() {
    let mut h = Harness::start().await;
    h.wait_until("dashboard", loaded).await;
    let all = threads(h.hub()).await;
    // An issue of acme/launchpad, while the dashboard shows acme/rocket.
    let (index, thread) = all
        .iter()
        .enumerate()
        .find(|(_, t)| t.repository.full_name == "acme/launchpad" && t.target() == Target::Issue(5))
        .expect("the launchpad issue's notification");
    assert!(thread.unread);
    let id = thread.id.clone();
    h.wait_for("✉").await;
    select(&mut h, index).await;
    h.code(KeyCode::Enter);
    h.wait_for("The post-deploy health check times out").await;
    assert!(
        h.hub().requests().iter().any(|r| r
            .path_and_query
            .starts_with("/repos/acme/launchpad/issues/5")),
        "the issue was read from its own repository"
    );
    let hub = h.hub();
    until_listed(hub, "opening to mark the thread read on fakehub", |ts| {
        ts.iter().any(|t| t.id == id && !t.unread)
    })
    .await;
    assert!(
        hub.requests()
            .iter()
            .any(|r| r.method == "PATCH"
                && r.path_and_query == format!("/notifications/threads/{id}"))
    );

    // A pull request's notification opens the Pull requests detail.
    h.code(KeyCode::Esc);
    let pr = all
        .iter()
        .position(|t| t.target() == Target::Pull(46))
        .expect("the review request");
    select(&mut h, pr).await;
    h.code(KeyCode::Enter);
    h.wait_for("#46 CI: cache cargo registry and target dir")
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_gone_target_says_so_and_done_removes_the_notification() {
    let mut h = Harness::start().await;
    h.wait_until("dashboard", loaded).await;
    let all = threads(h.hub()).await;
    let index = all
        .iter()
        .position(|t| t.subject.title == GONE)
        .expect("the seeded notification");
    let id = all[index].id.clone();
    h.wait_for("✉").await;
    select(&mut h, index).await;
    h.code(KeyCode::Enter);
    let s = h.wait_for("is gone").await;
    assert!(s.contains("Notifications ·"), "the inbox stays open: {s}");
    h.key('d');
    h.wait_for("Marked done").await;
    until_listed(h.hub(), "done to remove the thread on fakehub", |ts| {
        !ts.iter().any(|t| t.id == id)
    })
    .await;
    let s = h.screen();
    assert!(!s.contains(GONE), "and from the inbox: {s}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn polling_is_conditional_and_never_faster_than_github_asks() {
    let mut h = Harness::start().await;
    h.wait_until("dashboard", loaded).await;
    h.wait_for("✉").await;
    // GitHub's 60 seconds, with the test's 300 ms interval: one request so far.
    let first = notification_requests(h.hub());
    assert_eq!(first.len(), 1, "{first:?}");
    assert_eq!(first[0].status, 200);

    h.hub().set_notifications_poll_interval(1);
    h.key('r');
    let started = until_some("the refresh", || {
        (notification_requests(h.hub()).len() >= 2).then(Instant::now)
    })
    .await;
    until_some("two more polls", || {
        (notification_requests(h.hub()).len() >= 4).then_some(())
    })
    .await;
    assert!(
        started.elapsed() >= Duration::from_millis(1500),
        "two polls a second apart each took {:?}",
        started.elapsed()
    );
    let polls = notification_requests(h.hub());
    // Nothing changed since the first answer: every later one is a 304, free.
    for r in &polls[1..] {
        assert_eq!(r.status, 304, "{polls:?}");
        assert!(!r.counted, "a 304 costs no rate limit: {r:?}");
    }
    // A change on GitHub's side shows at the next poll.
    let now = threads(h.hub()).await;
    let unread = now.iter().filter(|t| t.unread).count();
    let id = now
        .iter()
        .find(|t| t.unread)
        .expect("an unread thread")
        .id
        .clone();
    let gh = GitHub::new(&h.hub().base_url(), Token::new(DEMO_TOKEN)).expect("client");
    gh.change_thread(
        id.parse().expect("numeric id"),
        cockpit::github::notifications::ThreadChange::Done,
    )
    .await
    .expect("done");
    h.key('i');
    h.wait_for(&format!("Notifications · {} unread", unread - 1))
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readonly_refuses_every_change_to_a_thread() {
    let mut h = Harness::with(Setup {
        readonly: true,
        ..Setup::default()
    })
    .await;
    h.wait_until("dashboard", loaded).await;
    h.wait_for("✉").await;
    select(&mut h, 0).await;
    for key in ['r', 'd', 'u'] {
        h.key(key);
        h.wait_for("Read-only mode").await;
        h.settle().await;
    }
    // Opening still opens, without marking anything read.
    let all = threads(h.hub()).await;
    let pr = all
        .iter()
        .position(|t| t.target() == Target::Pull(46))
        .expect("the review request");
    h.code(KeyCode::Esc);
    select(&mut h, pr).await;
    h.code(KeyCode::Enter);
    h.wait_for("#46 CI: cache cargo registry and target dir")
        .await;
    h.settle().await;
    let changes: Vec<_> = h
        .hub()
        .requests()
        .into_iter()
        .filter(|r| r.path_and_query.starts_with("/notifications/threads"))
        .collect();
    assert!(changes.is_empty(), "{changes:?}");
}
