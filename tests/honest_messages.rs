//! Messages say what is true: a failed mutation does not promise a retry nothing will make, and
//! an answer that lacks its list is a broken answer, not an empty repository.

mod common;
mod hostile_support;

use cockpit::fakehub::{Fault, FaultKind};
use cockpit::github::{ApiError, GitHub, Slug, Token};
use common::Harness;
use hostile_support::{Answer, Hostile};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_comment_does_not_promise_a_retry() {
    let mut h = Harness::start().await;
    h.wait_for("Crash when HOME is unset").await;
    h.hub().set_fault(Fault {
        path_contains: Some("/issues/47/comments".into()),
        kind: FaultKind::Status(502),
        times: None,
    });
    h.key('1');
    h.key('c');
    h.wait_for("Comment on #47").await;
    h.type_text("a comment GitHub will refuse");
    h.ctrl('s');
    let s = h.wait_for("Could not comment on #47").await;
    assert!(s.contains("GitHub had a server error (502)"), "{s}");
    assert!(
        s.lines()
            .filter(|l| l.contains("server error"))
            .all(|l| !l.contains("retry")),
        "nothing retries a mutation:\n{s}"
    );
    h.code(ratatui::crossterm::event::KeyCode::Esc);
    h.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_environments_answer_without_the_list_is_malformed_not_empty() {
    let api = Hostile::start("127.0.0.1", |_| Answer::json(r#"{"total_count":0}"#));
    let gh = GitHub::new(&api.url(), Token::new("t0ken-for-the-stand-in")).expect("client");
    let slug = Slug::parse("acme/rocket").expect("slug");
    let err = gh
        .environments(&slug)
        .await
        .expect_err("not a list of environments");
    assert!(matches!(err, ApiError::Malformed { .. }), "{err:?}");
    assert!(err.to_string().contains("could not read"), "{err}");
    // A real empty list is still "no environments".
    let api = Hostile::start("127.0.0.1", |_| {
        Answer::json(r#"{"total_count":0,"environments":[]}"#)
    });
    let gh = GitHub::new(&api.url(), None).expect("client");
    let empty = gh.environments(&slug).await.expect("an empty list");
    assert!(empty.data.is_empty());
}
