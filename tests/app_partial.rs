//! One failing request degrades a view; it never blanks it. Each panel built from several
//! requests is shown with each of those requests failing alone (fakehub faults on one route):
//! the rows stay, the part that could not be read shows `?`, the detail view and the status
//! bar say why, and the row heals once the request answers again.

mod common;

use cockpit::fakehub::{Fault, FaultKind};
use common::Harness;
use ratatui::crossterm::event::KeyCode;

fn loaded(s: &str) -> bool {
    s.contains("42-retry-flaky-uploads")
        && s.contains("production")
        && s.contains("@octodemo")
        && s.contains("#43")
        && !s.contains("loading…")
}

fn fail(h: &Harness, route: &str, status: u16) {
    h.hub().set_fault(Fault {
        path_contains: Some(route.into()),
        kind: FaultKind::Status(status),
        times: None,
    });
}

/// The line of the (zoomed) panel that holds `needle`.
/// The row holding `needle`, with runs of spaces made one: columns are as wide as what they
/// hold, so the spacing between them is not the point.
fn row(screen: &str, needle: &str) -> String {
    let line = screen.lines().find(|l| l.contains(needle)).unwrap_or("");
    line.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Starts the demo, zooms panel `panel` (`'3'` or `'5'`) and waits until it is loaded.
async fn zoomed(panel: char) -> Harness {
    let mut h = Harness::start().await;
    h.wait_until("loaded", loaded).await;
    h.key(panel);
    h.key('z');
    h.wait_for("z unzoom").await;
    h
}

/// The status bar: the panel's freshness carries `?` and the reason is the background error.
fn status_bar(screen: &str) -> &str {
    screen.lines().last().unwrap_or("")
}

// ---- Pull requests: the list, then per pull request the single PR (comment counts), its
// reviews and its head's check runs.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pull_requests_keep_their_rows_when_checks_cannot_be_read() {
    let mut h = zoomed('3').await;
    fail(&h, "/commits/*/check-runs", 500);
    // The reason is the last background error: wait for it too, not only for the row (another
    // poll's error may stand in the status bar at the moment the row is marked).
    let s = h
        .wait_until("checks marked and the reason said", |s| {
            row(s, "#43").contains("? changes") && s.contains("checks of #")
        })
        .await;
    let r = row(&s, "#43");
    assert!(r.contains("Retry uploads on 5xx"), "{s}");
    assert!(
        r.contains("changes 8"),
        "reviews and comments still read:\n{s}"
    );
    assert!(status_bar(&s).contains("PRs now ?"), "{s}");
    // The detail says why.
    h.key('G');
    h.code(KeyCode::Enter);
    // The rest of the detail is there too.
    h.wait_until("the detail saying why", |s| {
        s.contains("? checks unreadable: GitHub had a server error (500)")
            && s.contains("@octodemo")
    })
    .await;
    h.code(KeyCode::Esc);
    // The row heals once the checks answer again.
    h.hub().clear_faults();
    h.wait_until("checks back", |s| row(s, "#43").contains("●3"))
        .await;
    h.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pull_requests_keep_their_rows_when_reviews_cannot_be_read() {
    let mut h = zoomed('3').await;
    fail(&h, "/pulls/*/reviews", 403);
    let s = h
        .wait_until("reviews marked and the reason said", |s| {
            row(s, "#43").contains("●3 ?") && s.contains("reviews of #")
        })
        .await;
    assert!(row(&s, "#43").contains("Retry uploads on 5xx"), "{s}");
    h.key('G');
    h.code(KeyCode::Enter);
    h.wait_until("the detail saying why", |s| {
        s.contains("? reviews unreadable: forbidden (403") && s.contains("decision ?")
    })
    .await;
    h.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pull_requests_keep_their_rows_when_a_pull_request_cannot_be_read() {
    let mut h = zoomed('3').await;
    // The single pull request (its head commit and comment counts), not the search nor its
    // reviews: the row stays, made of what the search said, its checks and comments unread.
    fail(&h, "/pulls/*$", 500);
    let s = h
        .wait_until("checks and comment count marked, the reason said", |s| {
            row(s, "#43").contains("? changes ?") && s.contains("comment count of #")
        })
        .await;
    assert!(
        row(&s, "#44").contains("draft") || row(&s, "#44").contains("Dark mode"),
        "{s}"
    );
    h.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pull_requests_keep_the_last_list_when_the_list_cannot_be_read() {
    let mut h = zoomed('3').await;
    fail(&h, "/search/issues", 502);
    let s = h
        .wait_until("stale and the reason said", |s| {
            s.lines()
                .any(|l| l.contains("3 Pull requests") && l.contains(" stale "))
                && s.contains("server error (502)")
        })
        .await;
    assert!(row(&s, "#43").contains("●3 changes 8"), "{s}");
    h.quit().await;
}

// ---- Deploys: the environments, then runs waiting for approval and their pending
// deployments, then per environment its deployments and their statuses.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deploys_keep_their_rows_when_deployment_statuses_cannot_be_read() {
    let mut h = zoomed('5').await;
    fail(&h, "/deployments/*/statuses", 403);
    let s = h
        .wait_until("states marked and the reason said", |s| {
            row(s, "staging").contains("? ? main@")
                && row(s, "production").contains("? ? main@")
                && s.contains("deployment statuses of ")
        })
        .await;
    assert!(
        row(&s, "production").contains("waits for you"),
        "approvals still read:\n{s}"
    );
    assert!(row(&s, "staging").contains("? deployment statuses"), "{s}");
    assert!(status_bar(&s).contains("deploys now ?"), "{s}");
    h.key('j');
    h.code(KeyCode::Enter);
    // The history is listed, its states unknown.
    h.wait_until("the detail saying why", |s| {
        s.contains("? deployment statuses unreadable: forbidden (403") && s.contains("? unknown")
    })
    .await;
    h.code(KeyCode::Esc);
    h.hub().clear_faults();
    h.wait_until("states back", |s| {
        row(s, "production").contains("✓ main@") && !status_bar(s).contains("deploys now ?")
    })
    .await;
    h.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deploys_keep_their_rows_when_pending_deployments_cannot_be_read() {
    let mut h = zoomed('5').await;
    fail(&h, "/pending_deployments", 500);
    let s = h
        .wait_until("approvals marked", |s| {
            row(s, "production").contains("? waiting approvals")
        })
        .await;
    assert!(row(&s, "production").contains("✓ main@"), "{s}");
    assert!(row(&s, "staging").contains("deploying"), "{s}");
    // `a` says why it cannot tell, instead of "nothing is waiting".
    h.key('j');
    h.key('a');
    h.wait_for("Cannot tell what waits for approval to production")
        .await;
    h.code(KeyCode::Enter);
    h.wait_for("? waiting approvals unreadable: run #").await;
    // The approval queue cannot list what waits either, and says which part GitHub would not
    // give, not a made-up status.
    h.code(KeyCode::Esc);
    h.key('Q');
    let s = h
        .wait_until("the queue says why", |s| {
            s.contains("⚠ acme/rocket: waiting approvals unreadable: run #")
                && s.contains("GitHub had a server error (500)")
        })
        .await;
    assert!(!s.contains("refused the request (0"), "{s}");
    h.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deploys_keep_their_rows_when_waiting_runs_cannot_be_read() {
    let mut h = zoomed('5').await;
    fail(&h, "/actions/runs?status=waiting", 403);
    // The approval queue reads the waiting runs too and fails with its own words: the last
    // error in the status bar is the queue's or the panel's, whichever answered last. Wait
    // for the panel's, not only for its row.
    let s = h
        .wait_until("approvals marked and the reason said", |s| {
            row(s, "production").contains("? waiting approvals")
                && s.contains("waiting approvals of ")
        })
        .await;
    assert!(row(&s, "production").contains("✓ main@"), "{s}");
    h.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deploys_keep_their_rows_when_deployments_cannot_be_read() {
    let mut h = zoomed('5').await;
    fail(&h, "/deployments?environment", 500);
    let s = h
        .wait_until("live marked", |s| row(s, "production").contains("- ?"))
        .await;
    assert!(
        row(&s, "production").contains("waits for you"),
        "approvals still read:\n{s}"
    );
    h.key('j');
    h.code(KeyCode::Enter);
    h.wait_for("? deployments unreadable: GitHub had a server error (500)")
        .await;
    h.quit().await;
}
