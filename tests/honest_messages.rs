//! Messages say what is true: an answer that lacks its list is a broken answer, not an empty
//! repository. (That a failed mutation promises no retry is checked in `app_work.rs`.)

mod hostile_support;

use cockpit::github::{ApiError, GitHub, Slug, Token};
use hostile_support::{Answer, Hostile};

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
