//! The pull-request actions people reach for, through the real UI against fakehub and the demo
//! repository: check out a PR (a fork's included), ready / draft, update the branch, edit
//! title and body; and each one refused under `--readonly`.

mod common;

#[allow(unused_imports)]
use common::{eventually, Harness, Setup};
use git2::Repository;
use ratatui::crossterm::event::KeyCode;
use std::path::Path;

fn discard_work_in_progress(dir: &Path) {
    let repo = Repository::open(dir).expect("open");
    let mut co = git2::build::CheckoutBuilder::new();
    co.force();
    repo.checkout_head(Some(&mut co))
        .expect("reset the demo's edit");
}

fn head_of(dir: &Path) -> (String, String) {
    let repo = Repository::open(dir).expect("open");
    let head = repo.head().expect("head");
    (
        head.shorthand().unwrap_or("").to_string(),
        head.target().map(|o| o.to_string()).unwrap_or_default(),
    )
}

/// Opens the detail of pull request `n` from the Pull requests panel.
async fn open_pull(h: &mut Harness, n: u64) {
    h.wait_until("the pull requests", |s| s.contains("#46 ⇄")).await;
    h.key('3');
    h.key('g');
    let title = format!("╭ #{n} ");
    for _ in 0..8 {
        h.code(KeyCode::Enter);
        let s = h
            .wait_until("a pull request's detail", |s| s.contains("Review threads"))
            .await;
        if s.contains(&title) {
            return;
        }
        h.code(KeyCode::Esc);
        h.wait_gone("Review threads").await;
        h.key('j');
    }
    panic!("pull request #{n} not found:\n{}", h.screen());
}

/// Leaves the detail for the list.
async fn back(h: &mut Harness) {
    h.code(KeyCode::Esc);
    h.wait_gone("Review threads").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn check_out_a_fork_pr_and_bring_an_own_branch_up_to_date() {
    let mut h = Harness::start().await;
    let dir = h.demo.repo.workdir.clone();
    discard_work_in_progress(&dir);
    let fork_sha = h.demo.repo.fork_head.1.clone();

    // alice's PR: its head is only at refs/pull/46/head, not a branch of the remote.
    open_pull(&mut h, 46).await;
    h.key(' ');
    h.wait_for("Checked out #46 in a new branch alice/faster-builds")
        .await;
    assert_eq!(
        head_of(&dir),
        ("alice/faster-builds".to_string(), fork_sha.clone())
    );

    // The draft from 37-dark-mode: the local branch tracks it and is behind; it moves forward.
    back(&mut h).await;
    open_pull(&mut h, 44).await;
    h.key(' ');
    h.wait_for("Checked out #44 in 37-dark-mode").await;
    let remote = Repository::open_bare(&h.demo.repo.remote).expect("remote");
    let pushed = remote
        .refname_to_id("refs/heads/37-dark-mode")
        .expect("pushed")
        .to_string();
    assert_eq!(head_of(&dir), ("37-dark-mode".to_string(), pushed));

    // Again on #46: the branch is the PR's and is already there.
    back(&mut h).await;
    open_pull(&mut h, 46).await;
    h.key(' ');
    h.wait_for("Checked out #46 in alice/faster-builds").await;
    assert_eq!(head_of(&dir).1, fork_sha);
    h.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_branch_of_the_same_name_that_is_not_the_prs_is_left_alone() {
    let mut h = Harness::start().await;
    let dir = h.demo.repo.workdir.clone();
    discard_work_in_progress(&dir);
    let repo = Repository::open(&dir).expect("open");
    let main = repo
        .revparse_single("main")
        .and_then(|o| o.peel_to_commit())
        .expect("main");
    repo.branch("alice/faster-builds", &main, false)
        .expect("a branch of mine");
    open_pull(&mut h, 46).await;
    h.key(' ');
    h.wait_for("Checked out #46 in a new branch pr-46").await;
    assert_eq!(head_of(&dir).0, "pr-46");
    let mine = repo
        .refname_to_id("refs/heads/alice/faster-builds")
        .expect("still there");
    assert_eq!(mine, main.id(), "my branch did not move");
    h.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readonly_refuses_the_pull_request_actions() {
    let mut h = Harness::with(Setup {
        readonly: true,
        ..Setup::default()
    })
    .await;
    let dir = h.demo.repo.workdir.clone();
    let before = head_of(&dir);
    open_pull(&mut h, 46).await;
    h.key(' ');
    h.wait_for("Read-only mode").await;
    assert_eq!(head_of(&dir), before);
    h.quit().await;
}
