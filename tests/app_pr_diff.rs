//! A pull request's diff through the real UI against fakehub: files and hunks with their line
//! numbers, review threads under their lines, a new comment on a line that lands there, the
//! comment refused under `--readonly`, and a failing files request that degrades the view.

mod common;

use cockpit::fakehub::{demo, Fault, FaultKind};
use common::{eventually, Harness, Setup};
use ratatui::crossterm::event::KeyCode;

/// Opens the diff of pull request `n` from the Pull requests panel (`d` on its row).
async fn open_diff(h: &mut Harness, n: u64) {
    h.wait_until("the pull requests", |s| s.contains(&format!("#{n} ")))
        .await;
    h.key('3');
    h.key('g');
    let title = format!("#{n} diff");
    for _ in 0..8 {
        h.key('d');
        let s = h
            .wait_until("a diff", |s| {
                s.contains(" diff ") && !s.contains("loading…")
            })
            .await;
        if s.contains(&title) {
            return;
        }
        h.code(KeyCode::Esc);
        h.wait_gone(" diff ").await;
        h.key('j');
    }
    panic!("pull request #{n} not found:\n{}", h.screen());
}

/// The screen line holding `needle`, and the one below it.
fn line_and_next(screen: &str, needle: &str) -> Option<(String, String)> {
    let lines: Vec<&str> = screen.lines().collect();
    let at = lines.iter().position(|l| l.contains(needle))?;
    Some((lines[at].to_string(), lines.get(at + 1)?.to_string()))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_diff_shows_files_hunks_and_threads_on_their_lines() {
    let mut h = Harness::start().await;
    open_diff(&mut h, demo::PR_RETRY).await;
    let s = h.wait_for("jitter(capped)").await;
    // The file list, with counts, beside the diff.
    for f in [
        "src/upload/retry.rs",
        "src/upload/mod.rs",
        "tests/upload.rs",
        "Cargo.toml",
        "docs/backoff.png",
    ] {
        assert!(s.contains(f), "{f} listed:\n{s}");
    }
    assert!(s.contains("@@ -28,9 +28,12 @@ impl RetryPolicy {"), "{s}");
    // Both line numbers; a removed line has only the old one.
    let (removed, _) = line_and_next(&s, "Duration::from_secs(1 << attempt)").expect("removed");
    assert!(removed.contains("   31       -"), "{removed}");
    // alice's thread sits right under line 34, the line it is on.
    let (line, next) = line_and_next(&s, "jitter(capped)").expect("line 34");
    assert!(line.contains("   34 +"), "{line}");
    assert!(next.contains("@alice · resolved"), "{next}");
    assert!(s.contains("Should this cap the backoff?"), "{s}");

    // n: the next file, bob's nit under its line 83.
    h.key('n');
    let s = h.wait_for("nit: `attempts` reads better").await;
    let (line, next) = line_and_next(&s, "+        attempt = 0;").expect("line 83");
    assert!(line.contains("   83 +"), "{line}");
    assert!(next.contains("@bob · unresolved"), "{next}");
    // The outdated thread follows its file, marked; the binary file says why it has no lines.
    h.key('n');
    let s = h.wait_for("on lines this diff no longer shows").await;
    assert!(s.contains("@alice · outdated"), "{s}");
    h.key('G');
    let s = h.wait_for("diff too large or binary").await;
    assert!(s.contains("No newline at end of file"), "{s}");
    assert!(h.cells_are_clean());
    // Esc: back to the list.
    h.code(KeyCode::Esc);
    h.wait_gone(" diff ").await;
    h.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_comment_from_the_diff_lands_on_its_line() {
    let mut h = Harness::start().await;
    open_diff(&mut h, demo::PR_RETRY).await;
    h.wait_for("jitter(capped)").await;
    // The second hunk's second line: new line 53.
    h.key('}');
    h.key('j');
    h.key('j');
    h.key('c');
    h.wait_for("Comment on #43").await;
    h.wait_for("src/upload/retry.rs:53").await;
    h.type_text("What about a 429?");
    h.ctrl('s');
    h.wait_for("Commented on src/upload/retry.rs:53").await;
    let (line, side) = eventually(h.hub(), "the comment on GitHub", |w| {
        let pull = w.repos[0].issues.get(&demo::PR_RETRY)?.pull.as_ref()?;
        let c = pull
            .review_comments
            .iter()
            .find(|c| c.body == "What about a 429?")?;
        (c.path == "src/upload/retry.rs").then(|| (c.line, c.side.clone()))
    })
    .await;
    assert_eq!((line, side.as_str()), (Some(53), "RIGHT"));
    // The diff reads again: the new thread is under the line.
    let s = h.wait_for("What about a 429?").await;
    let (line, next) = line_and_next(&s, "let resp = self.client.put").expect("line 53");
    assert!(line.contains("   53 "), "{line}");
    assert!(next.contains("@octodemo · unresolved"), "{next}");
    h.quit().await;
}

fn review_comments(h: &Harness) -> Option<usize> {
    h.hub().with_world(|w| {
        w.repos[0]
            .issues
            .get(&demo::PR_RETRY)?
            .pull
            .as_ref()
            .map(|p| p.review_comments.len())
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readonly_refuses_a_comment_from_the_diff() {
    let mut h = Harness::with(Setup {
        readonly: true,
        ..Setup::default()
    })
    .await;
    open_diff(&mut h, demo::PR_RETRY).await;
    h.wait_for("jitter(capped)").await;
    let before = review_comments(&h);
    h.key('c');
    h.wait_for("Read-only mode").await;
    assert!(!h.screen().contains("Comment on #43"));
    let after = review_comments(&h);
    assert_eq!(before, after);
    h.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_files_request_says_why() {
    let mut h = Harness::start().await;
    h.hub().set_fault(Fault {
        path_contains: Some("/pulls/43/files".into()),
        kind: FaultKind::Status(502),
        times: None,
    });
    h.wait_until("the pull requests", |s| s.contains("#43 "))
        .await;
    h.key('3');
    h.key('g');
    for _ in 0..8 {
        h.key('d');
        let s = h.wait_for(" diff ").await;
        if s.contains("#43 diff") {
            break;
        }
        h.code(KeyCode::Esc);
        h.wait_gone(" diff ").await;
        h.key('j');
    }
    let s = h.wait_for("Could not read the diff").await;
    assert!(s.contains("#43 diff"), "{s}");
    // The rest of the app still answers: Esc leaves, the list is there.
    h.code(KeyCode::Esc);
    h.wait_for("#44 draft").await;
    h.quit().await;
}
