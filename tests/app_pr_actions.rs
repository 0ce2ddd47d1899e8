//! The pull-request actions people reach for, through the real UI against fakehub and the demo
//! repository: check out a PR (a fork's included), ready / draft, update the branch, edit
//! title and body; and each one refused under `--readonly`.

mod common;

use cockpit::app::sections::Tabs;
use cockpit::app::state::AppState;
use cockpit::config::Section;
use common::{discard_work_in_progress, eventually, Harness, Setup};
use git2::Repository;
use ratatui::crossterm::event::KeyCode;
use std::path::Path;

fn head_of(dir: &Path) -> (String, String) {
    let repo = Repository::open(dir).expect("open");
    let head = repo.head().expect("head");
    (
        head.shorthand().unwrap_or("").to_string(),
        head.target().map(|o| o.to_string()).unwrap_or_default(),
    )
}

/// One Pull requests section with every open pull request (the defaults split mine from the
/// fork's #46 that asks for my review).
fn every_open_pull(s: &mut AppState) {
    s.pull_tabs = Tabs::new(vec![Section {
        title: "Open".into(),
        filter: "is:open".into(),
    }]);
}

async fn start() -> Harness {
    Harness::with(Setup {
        state: Some(every_open_pull),
        ..Setup::default()
    })
    .await
}

/// Opens the detail of pull request `n` from the Pull requests panel.
async fn open_pull(h: &mut Harness, n: u64) {
    h.wait_until("the pull requests", |s| s.contains("#46 ⇄"))
        .await;
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
    let mut h = start().await;
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
    let mut h = start().await;
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
        state: Some(every_open_pull),
        ..Setup::default()
    })
    .await;
    let dir = h.demo.repo.workdir.clone();
    let before = head_of(&dir);
    open_pull(&mut h, 46).await;
    h.key(' ');
    h.wait_for("Read-only mode").await;
    assert_eq!(head_of(&dir), before);
    for key in ['R', 'U', 'e'] {
        h.code(KeyCode::Esc);
        h.settle().await;
        open_pull(&mut h, 44).await;
        h.key(key);
        h.wait_until("the refusal", |s| {
            s.contains("Read-only mode") && s.contains("is disabled")
        })
        .await;
        assert!(!h.screen().contains("y yes"), "no confirmation opens");
    }
    assert_eq!(draft_of(&h, 44), Some(true));
    h.quit().await;
}

fn draft_of(h: &Harness, n: u64) -> Option<bool> {
    h.hub()
        .with_world(|w| w.repos[0].issues.get(&n)?.pull.as_ref().map(|p| p.draft))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ready_for_review_and_back_to_draft_flip_the_draft_on_github() {
    let mut h = start().await;
    assert_eq!(draft_of(&h, 44), Some(true));
    open_pull(&mut h, 44).await;
    h.key('R');
    h.wait_for("Mark #44").await;
    h.key('y');
    h.wait_for("#44 is ready for review").await;
    eventually(h.hub(), "#44 ready", |w| {
        (!w.repos[0].issues[&44].pull.as_ref()?.draft).then_some(())
    })
    .await;
    // The detail refreshes; R now offers the way back.
    h.wait_until("the detail without draft", |s| {
        s.contains("╭ #44 ") && !s.contains("draft ·")
    })
    .await;
    h.key('R');
    h.wait_for("back to a draft?").await;
    h.key('y');
    h.wait_for("#44 is a draft again").await;
    assert_eq!(draft_of(&h, 44), Some(true));
    h.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn update_branch_merges_the_base_into_the_head_on_github() {
    let mut h = start().await;
    let remote = h.demo.repo.remote.clone();
    let tip = |name: &str| {
        Repository::open_bare(&remote)
            .expect("remote")
            .refname_to_id(&format!("refs/heads/{name}"))
            .expect("branch")
    };
    let (head_before, main) = (tip("42-retry-flaky-uploads"), tip("main"));
    open_pull(&mut h, 43).await;
    h.key('U');
    h.wait_for("Merge main into 42-retry-flaky-uploads on GitHub?")
        .await;
    h.key('y');
    h.wait_for("Updating the branch of #43").await;
    let repo = Repository::open_bare(&remote).expect("remote");
    let head = tip("42-retry-flaky-uploads");
    assert_ne!(head, head_before);
    let merge = repo.find_commit(head).expect("merge commit");
    let parents: Vec<_> = merge.parent_ids().collect();
    assert_eq!(parents, vec![head_before, main]);
    // The world follows: the PR's head is the merge, and CI runs for it.
    let sha = head.to_string();
    eventually(h.hub(), "a run for the merge", |w| {
        w.repos[0]
            .runs
            .iter()
            .any(|r| r.sha.as_deref() == Some(sha.as_str()))
            .then_some(())
    })
    .await;
    // Up to date now (or, before the detail refreshed, a head the user did not see): GitHub
    // refuses a second update, and the message says so.
    h.key('U');
    h.wait_for("Merge main into").await;
    h.key('y');
    h.wait_for("Could not update the branch of #43").await;
    h.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn edit_title_and_body() {
    let mut h = start().await;
    open_pull(&mut h, 44).await;
    h.key('e');
    h.wait_for("Edit #44").await;
    h.type_text(" (v2)");
    h.code(KeyCode::Enter);
    h.wait_for("Edit #44: body").await;
    h.type_text(" New text.");
    h.ctrl('s');
    h.wait_for("Edited #44").await;
    let (title, body) = h.hub().with_world(|w| {
        let i = &w.repos[0].issues[&44];
        (i.title.clone(), i.body.clone().unwrap_or_default())
    });
    assert!(title.ends_with(" (v2)"), "{title}");
    assert!(body.contains("New text."), "{body}");
    h.quit().await;
}

/// `M` on the open pull request `n`, the merge method taken: the confirmation's screen.
async fn merge_confirmation(h: &mut Harness, n: u64) -> String {
    h.key('M');
    h.wait_for(&format!("Merge #{n}")).await;
    h.code(KeyCode::Enter);
    h.wait_until("the confirmation", |s| s.contains("into its base?"))
        .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_merge_confirmation_names_the_required_checks_or_says_it_cannot_tell() {
    let mut h = start().await;
    open_pull(&mut h, 43).await;
    let s = merge_confirmation(&mut h, 43).await;
    assert!(
        s.contains("Required check build (release) is still running"),
        "the required checks by name:\n{s}"
    );
    assert!(s.contains("A reviewer requested changes"), "{s}");
    h.key('n');
    h.wait_gone("into its base?").await;
    // Rules the token cannot read: the confirmation says it cannot tell.
    h.hub().set_fault(cockpit::fakehub::Fault {
        path_contains: Some("/rules/branches/".into()),
        kind: cockpit::fakehub::FaultKind::Status(403),
        times: None,
    });
    let s = merge_confirmation(&mut h, 43).await;
    assert!(s.contains("Cannot tell which checks"), "{s}");
    h.key('n');
    h.wait_gone("into its base?").await;
    h.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_detail_says_why_github_blocks_the_merge() {
    let mut h = start().await;
    // alice's PR: green checks, but main's rules want an approval it does not have.
    open_pull(&mut h, 46).await;
    let s = h.wait_for("0 of 1 approving review required.").await;
    assert!(
        s.contains("blocked  0 of 1"),
        "the reason says GitHub blocks it:\n{s}"
    );
    back(&mut h).await;
    // The draft: a required check failed, named.
    open_pull(&mut h, 44).await;
    let s = h.wait_for("Required check lint failed.").await;
    assert!(s.contains("It is a draft"), "{s}");
    h.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_detail_says_it_cannot_tell_when_the_rules_are_unreadable() {
    let mut h = start().await;
    h.hub().set_fault(cockpit::fakehub::Fault {
        path_contains: Some("/rules/branches/".into()),
        kind: cockpit::fakehub::FaultKind::Status(403),
        times: None,
    });
    open_pull(&mut h, 46).await;
    let s = h
        .wait_for("Cannot tell which checks and reviews main")
        .await;
    assert!(!s.contains("approving review required"), "{s}");
    h.quit().await;
}
