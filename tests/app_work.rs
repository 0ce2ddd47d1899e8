//! The task → branch → pull request loop through the real UI against fakehub and the demo
//! repository: issue → branch → a commit → push → a CI run for the head commit → pull request
//! → reply to the review thread → resolve it. Plus the refusals: a dirty tree, a rejected
//! push, and a failed send that keeps the draft.

mod common;

use cockpit::fakehub::{FakeHub, Fault, FaultKind};
use common::{commit_file, discard_work_in_progress, eventually, Harness, Setup};
use git2::Repository;
use ratatui::crossterm::event::KeyCode;
use std::path::Path;
use std::time::Duration;

const ISSUE_BRANCH: &str = "47-crash-when-home-is-unset";

fn head_branch(dir: &Path) -> String {
    let repo = Repository::open(dir).expect("open");
    let head = repo.head().expect("head");
    head.shorthand().unwrap_or("").to_string()
}

fn loaded(s: &str) -> bool {
    s.contains("Crash when HOME is unset")
        && s.contains("42-retry-flaky-uploads")
        && s.contains("@octodemo")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn from_issue_to_a_resolved_review_thread() {
    let mut h = Harness::start().await;
    h.wait_until("dashboard", loaded).await;
    let dir = h.demo.repo.workdir.clone();
    discard_work_in_progress(&dir);

    // Issue → branch.
    h.key('1');
    h.key('b');
    h.wait_for(&format!("Created and checked out {ISSUE_BRANCH}"))
        .await;
    assert_eq!(head_branch(&dir), ISSUE_BRANCH);

    // A commit (cockpit does not edit code), then push.
    let sha = commit_file(
        &dir,
        "HOME.md",
        "Falls back to the current directory.\n",
        "Fall back when HOME is unset",
    );
    h.key('p');
    h.wait_for(&format!("Pushed {ISSUE_BRANCH}")).await;

    // The push reaches fakehub, which starts CI for that commit; the CI panel follows the branch.
    let run_id = eventually(h.hub(), "a CI run for the pushed commit", |w| {
        w.repos[0]
            .runs
            .iter()
            .find(|r| r.branch == ISSUE_BRANCH && r.sha.as_deref() == Some(sha.as_str()))
            .map(|r| r.id)
    })
    .await;
    assert!(run_id > 0);
    h.wait_until("the run in the CI panel", |s| {
        s.contains(&format!("4 CI · {ISSUE_BRANCH}")) && s.contains("#4")
    })
    .await;

    // Branch → pull request, prefilled from the issue. `g` selects the first row: wait until
    // the branch list has the new commit, which puts its branch there (the list is newest
    // first; the first row is the screen's third line). The CI panel follows sooner.
    let first_row = format!("* {ISSUE_BRANCH}");
    h.wait_until("the pushed branch with the new commit first", |s| {
        s.lines()
            .nth(2)
            .is_some_and(|l| l.contains(&first_row) && !l.contains("local"))
    })
    .await;
    h.key('2');
    h.key('g');
    h.key('P');
    let form = h.wait_for("Open a pull request from").await;
    assert!(
        form.contains("Crash when HOME is unset"),
        "title from the issue:\n{form}"
    );
    assert!(
        form.contains("Closes #47"),
        "body closes the issue:\n{form}"
    );
    // The body starts at the top, above the keyword, and a long line wraps in the field.
    h.code(KeyCode::Tab);
    let why = "Falls back to the current directory when HOME is unset, and says so once on \
               stderr so that scripts which parse stdout keep working as they did before.";
    h.type_text(why);
    let form = h
        .wait_until("the typed body", |s| s.contains("they did before."))
        .await;
    assert!(
        form.contains("Falls back to the current directory"),
        "the start of a long line stays in view:\n{form}"
    );
    assert!(
        form.lines()
            .any(|l| l.contains("Closes #47") && !l.contains("Falls")),
        "the keyword keeps its own line:\n{form}"
    );
    h.ctrl('s');
    h.wait_for("Opened pull request #").await;
    let pr = eventually(h.hub(), "the pull request", |w| {
        w.repos[0]
            .issues
            .values()
            .find(|i| i.pull.as_ref().is_some_and(|p| p.head == ISSUE_BRANCH))
            .map(|i| i.number)
    })
    .await;
    let body = h
        .hub()
        .with_world(|w| w.repos[0].issues.get(&pr).and_then(|i| i.body.clone()))
        .unwrap_or_default();
    assert_eq!(body, format!("{why}\n\nCloses #47"));

    // The demo's reviewer comments on a line a little later.
    h.clock.advance(Duration::from_secs(30));
    h.key('3');
    // Mine: #43, #44 and the new one, selected as it arrives.
    h.wait_until("the new PR listed", |s| {
        s.contains("[Mine] 1/3 · rocket (3)")
    })
    .await;
    h.code(KeyCode::Enter);
    h.wait_until("the reviewer's thread", |s| {
        s.contains("Review threads (1 unresolved of 1)")
    })
    .await;

    // Reply, then resolve.
    h.key('c');
    h.wait_for(&format!("Reply on #{pr}")).await;
    h.type_text("Done: falls back to the current directory now.");
    h.ctrl('s');
    h.wait_for("Replied in the review thread").await;
    let comments = |hub: &FakeHub| {
        hub.with_world(|w| {
            w.repos[0]
                .issues
                .get(&pr)
                .and_then(|i| i.pull.as_ref())
                .map(|p| p.review_comments.clone())
                .unwrap_or_default()
        })
    };
    let c = comments(h.hub());
    assert_eq!(c.len(), 2, "{c:?}");
    assert!(c
        .iter()
        .any(|x| x.body.contains("falls back to the current directory")
            && x.in_reply_to_id.is_some()));
    h.wait_until("the reply on screen", |s| s.contains("Done: falls back"))
        .await;
    h.key('s');
    h.wait_for("Resolved the review thread").await;
    assert!(
        comments(h.hub()).iter().any(|x| x.resolved),
        "resolved in fakehub"
    );
    h.wait_until("resolved on screen", |s| {
        s.contains("Review threads (0 unresolved of 1)")
    })
    .await;
    h.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn branching_with_work_in_the_way_is_refused_and_changes_nothing() {
    let mut h = Harness::start().await;
    h.wait_until("dashboard", loaded).await;
    let dir = h.demo.repo.workdir.clone();
    let before = std::fs::read_to_string(dir.join("src/retry.rs")).expect("read");
    let path = dir.display().to_string();
    assert!(
        h.screen().lines().last().is_some_and(|l| l.contains(&path)),
        "the status bar shows where the demo repository is:\n{}",
        h.screen()
    );
    h.key('1');
    h.key('b');
    let s = h.wait_for("Could not branch from #47").await;
    assert!(s.contains("src/retry.rs"), "{s}");

    assert_eq!(head_branch(&dir), "42-retry-flaky-uploads");
    assert_eq!(
        std::fs::read_to_string(dir.join("src/retry.rs")).expect("read"),
        before,
        "the edit is intact"
    );
    // The refusal says, in the demo, how to get past it.
    let state = h.quit().await;
    let toast = state.toast.map(|t| t.text).unwrap_or_default();
    assert!(toast.contains(&format!("git -C {path} stash")), "{toast}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rejected_push_says_what_happened() {
    let mut h = Harness::start().await;
    h.wait_until("dashboard", loaded).await;
    let dir = h.demo.repo.workdir.clone();
    discard_work_in_progress(&dir);
    // 37-dark-mode is behind its upstream; a local commit on top makes it diverge.
    h.key('2');
    h.wait_for("37-dark-mode").await;
    // Branches by recency: 42-retry-flaky-uploads, main, 37-dark-mode, …
    h.key('g');
    h.key('j');
    h.key('j');
    h.key(' ');
    h.wait_for("Checked out 37-dark-mode").await;
    commit_file(&dir, "DARK.md", "local only\n", "A local change");
    h.key('p');
    let s = h.wait_for("Could not push").await;
    assert!(
        s.contains("rejected") || s.contains("non-fast-forward") || s.contains("fetch"),
        "{s}"
    );
    h.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_send_keeps_the_draft_and_a_restart_brings_it_back() {
    let drafts = tempfile::tempdir().expect("tempdir");
    let setup = || Setup {
        drafts_dir: Some(drafts.path().to_path_buf()),
        ..Setup::default()
    };
    let mut h = Harness::with(setup()).await;
    h.wait_until("dashboard", loaded).await;
    h.hub().set_fault(Fault {
        path_contains: Some("/issues/47/comments".into()),
        kind: FaultKind::Status(502),
        times: None,
    });
    h.key('1');
    h.key('c');
    h.wait_for("Comment on #47").await;
    h.type_text("HOME can be unset in cron too");
    h.ctrl('s');
    let s = h.wait_for("Could not comment on #47").await;
    assert!(
        s.contains("HOME can be unset in cron too"),
        "the editor is back with the text:\n{s}"
    );
    assert!(
        s.lines()
            .filter(|l| l.contains("server error (502)"))
            .all(|l| !l.contains("retry")),
        "nothing retries a mutation, so nothing may promise it:\n{s}"
    );
    let on_disk = std::fs::read_dir(drafts.path())
        .expect("drafts dir")
        .count();
    assert_eq!(on_disk, 1, "the draft is on disk");
    h.code(KeyCode::Esc);
    h.quit().await;

    // A new process (same data directory) finds the draft.
    let mut h = Harness::with(setup()).await;
    h.wait_until("dashboard", loaded).await;
    h.key('1');
    h.key('c');
    h.wait_for("HOME can be unset in cron too").await;
    h.ctrl('s');
    h.wait_for("Commented on #47").await;
    let bodies = h.hub().with_world(|w| {
        w.repos[0]
            .issues
            .get(&47)
            .map(|i| {
                i.comments
                    .iter()
                    .map(|c| c.body.clone())
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    });
    assert!(
        bodies.iter().any(|b| b == "HOME can be unset in cron too"),
        "{bodies:?}"
    );
    // Quitting waits for every draft write: after it the removal is done or never will be.
    h.quit().await;
    assert_eq!(
        std::fs::read_dir(drafts.path())
            .expect("drafts dir")
            .count(),
        0,
        "sent drafts are removed"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue_edits_close_assign_and_labels() {
    let mut h = Harness::start().await;
    h.wait_until("dashboard", loaded).await;
    h.key('1');
    h.code(KeyCode::Enter);
    h.wait_until("issue detail", |s| {
        s.contains("Issue #47") && s.contains("assignees")
    })
    .await;
    // Unassign myself from #47 (it is assigned to me), then assign again.
    h.key('m');
    h.wait_for("Unassigned @octodemo from #47").await;
    let assignees = |h: &Harness| {
        h.hub().with_world(|w| {
            w.repos[0]
                .issues
                .get(&47)
                .map(|i| i.assignees.clone())
                .unwrap_or_default()
        })
    };
    assert!(!assignees(&h).contains(&"octodemo".to_string()));
    h.wait_until("detail refreshed", |s| s.contains("assignees  nobody"))
        .await;
    h.key('m');
    h.wait_for("Assigned @octodemo to #47").await;
    assert!(assignees(&h).contains(&"octodemo".to_string()));
    // Labels: toggle the first one.
    h.key('l');
    h.wait_for("Labels of #47").await;
    let before = h.hub().with_world(|w| {
        w.repos[0]
            .issues
            .get(&47)
            .map(|i| i.labels.clone())
            .unwrap_or_default()
    });
    h.key(' ');
    h.code(KeyCode::Enter);
    h.wait_for("Labels of #47 updated").await;
    let after = h.hub().with_world(|w| {
        w.repos[0]
            .issues
            .get(&47)
            .map(|i| i.labels.clone())
            .unwrap_or_default()
    });
    assert_ne!(before, after);
    // Close as not planned.
    h.key('x');
    h.wait_for("Close #47").await;
    h.code(KeyCode::Right);
    h.code(KeyCode::Enter);
    h.wait_for("Closed #47 as not planned").await;
    let (state, reason) = h.hub().with_world(|w| {
        w.repos[0]
            .issues
            .get(&47)
            .map(|i| (i.state.clone(), i.state_reason.clone()))
            .unwrap_or_default()
    });
    assert_eq!(state, "closed");
    assert_eq!(reason.as_deref(), Some("not_planned"));
    h.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_paste_is_one_edit_and_the_draft_holds_all_of_it() {
    let drafts = tempfile::tempdir().expect("tempdir");
    let mut h = Harness::with(Setup {
        drafts_dir: Some(drafts.path().to_path_buf()),
        ..Setup::default()
    })
    .await;
    h.wait_until("dashboard", loaded).await;
    h.key('1');
    h.key('c');
    h.wait_for("Comment on #47").await;
    // 5 KB as a terminal delivers a bracketed paste: `\r` line ends, plus a stray escape.
    let lines: Vec<String> = (0..120)
        .map(|i| format!("line {i:03} of a long pasted stack trace, padded.."))
        .collect();
    let pasted = format!("{}\x1b[2J", lines.join("\r\n"));
    assert!(pasted.len() > 5_000);
    h.send(ratatui::crossterm::event::Event::Paste(pasted));
    h.wait_for("line 119 of a long pasted stack trace").await;
    let want = lines.join("\n") + "[2J";
    let dir = drafts.path().to_path_buf();
    common::until("the whole paste is the draft on disk", || {
        let found = cockpit::drafts::DraftStore::new(&dir).load_all();
        found.values().any(|d| *d == want)
    })
    .await;
    h.code(KeyCode::Esc);
    h.quit().await;
}

/// After `p`, the runs GitHub starts for the pushed commit are found by `head_sha` at once,
/// not at the CI panel's idle pace (an hour here): the newest is selected in the CI panel, and
/// its end rings the bell.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_push_is_followed_to_its_run_which_rings_when_it_ends() {
    let slow = Duration::from_secs(3600);
    let intervals = cockpit::app::pollers::Intervals {
        runs_idle: slow,
        runs_active: slow,
        ..common::fast_intervals()
    };
    let mut h = Harness::with(Setup {
        intervals: Some(intervals),
        ..Setup::default()
    })
    .await;
    h.wait_until("dashboard", loaded).await;
    h.wait_until("CI loaded", |s| s.contains("#424") && s.contains("#421"))
        .await;
    let dir = h.demo.repo.workdir.clone();
    discard_work_in_progress(&dir);
    // The older run is selected; the pushed commit's run will take the selection.
    h.key('4');
    h.key('j');
    let sha = commit_file(&dir, "BACKOFF.md", "Capped.\n", "Cap the backoff");
    h.key('p');
    h.wait_for("Pushed 42-retry-flaky-uploads").await;
    let number = eventually(h.hub(), "a run for the pushed commit", |w| {
        w.repos[0]
            .runs
            .iter()
            .find(|r| r.sha.as_deref() == Some(sha.as_str()))
            .map(|r| r.run_number)
    })
    .await;
    h.wait_for(&format!("#{number}")).await;
    h.code(KeyCode::Enter);
    h.wait_for(&format!("CI #{number}")).await;
    h.code(KeyCode::Esc);
    // It ends: the bell (recorded by the test opener) and a toast say how.
    h.clock.advance(Duration::from_secs(900));
    h.wait_for("for your push of 42-retry-flaky-uploads").await;
    let rang = h.opened.lock().is_ok_and(|v| {
        v.iter()
            .any(|x| x.starts_with("notify:") && x.contains(&format!("CI #{number}")))
    });
    assert!(rang, "the bell rang for the run");
    h.quit().await;
}
