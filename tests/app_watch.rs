//! Watched repositories end to end against fakehub: `W` shows every watched repository with
//! rows that act on their own repository, the approval queue (`Q`) spans repositories, and a
//! watched repository that is archived or gone is said once while the rest keeps working.

mod common;

use cockpit::config::WatchEntry;
use cockpit::fakehub::demo::{RUN_WAITING_DEPLOY, SECOND_REPO, SECOND_REPO_WAITING_DEPLOY};
use cockpit::fakehub::world::Approval;
use cockpit::fakehub::FakeHub;
use common::{Harness, Setup};

fn watching(repos: &[&str]) -> Setup {
    Setup {
        watch: repos
            .iter()
            .map(|r| WatchEntry {
                repo: r.to_string(),
                path: None,
            })
            .collect(),
        ..Setup::default()
    }
}

/// The review recorded on `run_id` of repository `full_name`.
fn approval(hub: &FakeHub, full_name: &str, run_id: u64) -> Option<Approval> {
    hub.with_world(|w| {
        w.repo(full_name)?
            .runs
            .iter()
            .find(|r| r.id == run_id)
            .and_then(|r| r.latest().jobs.iter().find_map(|j| j.approval.clone()))
    })
}

fn loaded(s: &str) -> bool {
    s.contains("production") && s.contains("waits for") && s.contains("42-retry-flaky-uploads")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn w_lists_every_repository_and_an_approval_goes_to_the_rows_own() {
    let mut h = Harness::with(watching(&[SECOND_REPO])).await;
    h.wait_until("deploys loaded", loaded).await;
    h.key('5');
    h.key('z');
    h.key('W');
    let s = h
        .wait_until("both repositories' environments", |s| {
            s.contains("Deploys · 2 repositories") && s.contains("acme/launchpad")
        })
        .await;
    assert!(s.contains("acme/rocket"), "a repository column:\n{s}");
    // The last row is acme/launchpad's production (repositories in the scope's order).
    h.key('G');
    h.key('a');
    h.wait_for("Approve deploy to production in acme/launchpad")
        .await;
    h.ctrl('s');
    let s = h.wait_for("Approve run #").await;
    assert!(s.contains("in acme/launchpad?"), "{s}");
    h.key('y');
    h.wait_for("Approved the deploy to production").await;
    let a = approval(h.hub(), SECOND_REPO, SECOND_REPO_WAITING_DEPLOY).expect("approved there");
    assert!(a.approved);
    assert_eq!(a.user, "octodemo");
    assert!(
        approval(h.hub(), "acme/rocket", RUN_WAITING_DEPLOY).is_none(),
        "the current repository's deploy is untouched"
    );
    // CI lists the newest runs of both, with their repository.
    h.key('4');
    let s = h
        .wait_until("runs of both repositories", |s| {
            s.contains("CI · 2 repositories") && s.contains("acme/launchpad")
        })
        .await;
    assert!(s.contains("Repository"), "{s}");
    // W again: this repository only.
    h.key('W');
    h.wait_until("back to one repository", |s| {
        !s.contains("2 repositories") && !s.contains("acme/launchpad")
    })
    .await;
    h.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_approval_queue_spans_repositories_and_shrinks_after_a_decision() {
    let mut h = Harness::with(watching(&[SECOND_REPO])).await;
    h.wait_for("⏸ 2 waiting for you (Q)").await;
    h.key('Q');
    let s = h
        .wait_for("Approval queue · 2 waiting for you in 2 repositories")
        .await;
    assert!(
        s.contains("acme/rocket") && s.contains("acme/launchpad"),
        "{s}"
    );
    // The longest wait first: acme/launchpad's started 40 minutes ago, rocket's 30.
    h.key('a');
    h.wait_for("Approve deploy to production in acme/launchpad")
        .await;
    h.ctrl('s');
    h.wait_for("Approve run #").await;
    h.key('y');
    h.wait_for("Approval queue · 1 waiting for you").await;
    assert!(approval(h.hub(), SECOND_REPO, SECOND_REPO_WAITING_DEPLOY).is_some_and(|a| a.approved));
    assert!(approval(h.hub(), "acme/rocket", RUN_WAITING_DEPLOY).is_none());
    // Rejecting the other one empties it.
    h.key('A');
    h.wait_for("Reject deploy to production").await;
    h.ctrl('s');
    h.wait_for("Reject run #").await;
    h.key('y');
    h.wait_for("Nothing waits for your approval in 2 repositories")
        .await;
    assert!(approval(h.hub(), "acme/rocket", RUN_WAITING_DEPLOY).is_some_and(|a| !a.approved));
    h.code(ratatui::crossterm::event::KeyCode::Esc);
    h.wait_gone("Approval queue").await;
    h.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readonly_refuses_approvals_from_the_queue() {
    let mut h = Harness::with(Setup {
        readonly: true,
        ..watching(&[SECOND_REPO])
    })
    .await;
    h.key('Q');
    h.wait_for("Approval queue · 2 waiting").await;
    h.key('a');
    h.wait_for("Read-only mode (--readonly): cannot approve")
        .await;
    assert!(approval(h.hub(), SECOND_REPO, SECOND_REPO_WAITING_DEPLOY).is_none());
    h.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_archived_and_a_gone_repository_are_said_once_and_the_rest_works() {
    let mut h = Harness::with(watching(&[SECOND_REPO, "acme/vanished"])).await;
    h.hub().with_world_mut(|w| {
        if let Some(r) = w.repo_mut(SECOND_REPO) {
            r.archived = true;
        }
    });
    h.key('Q');
    let s = h
        .wait_until("both notes", |s| {
            s.contains("acme/vanished: not found — renamed, deleted or no access")
                && s.contains("acme/launchpad: archived — read-only")
        })
        .await;
    assert!(s.contains("in 3 repositories"), "{s}");
    // The archived repository's waiting deploy is listed, but cannot be approved.
    h.wait_until("both waiting deploys", |s| {
        s.contains("2 waiting for you") && s.contains("acme/rocket")
    })
    .await;
    h.key('a');
    h.wait_for("acme/launchpad is archived: GitHub accepts no changes to it")
        .await;
    assert!(approval(h.hub(), SECOND_REPO, SECOND_REPO_WAITING_DEPLOY).is_none());
    // The rest keeps working: the panels in Watched scope list what can be read.
    h.code(ratatui::crossterm::event::KeyCode::Esc);
    h.key('5');
    h.key('z');
    h.key('W');
    let s = h
        .wait_until("the readable repositories' environments", |s| {
            s.contains("Deploys · 3 repositories")
                && s.contains("acme/rocket")
                && !s.contains("loading…")
        })
        .await;
    let rows = s.lines().filter(|l| l.contains("production")).count();
    assert!(rows >= 2, "rocket's and launchpad's production:\n{s}");
    assert!(
        !s.contains("stale"),
        "one repository gone is a note, not a stale panel:\n{s}"
    );
    h.quit().await;
}
