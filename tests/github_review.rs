//! The client's issue, pull request and review calls against fakehub, with assertions on
//! fakehub's world state: what cockpit sends is what GitHub would have recorded.

use chrono::{DateTime, Utc};
use cockpit::fakehub::{Clock, FakeHub, Scenario, DEMO_REPO, DEMO_TOKEN};
use cockpit::github::client::install_crypto_provider;
use cockpit::github::models::{IssueState, ReviewState};
use cockpit::github::{
    ApiError, CloseReason, GitHub, MergeMethod, NewPull, ReviewEvent, Slug, Token,
};
use serde_json::{json, Value};

fn t0() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-22T10:00:00Z")
        .expect("time")
        .to_utc()
}

async fn start() -> (FakeHub, GitHub, Slug) {
    install_crypto_provider();
    let hub = FakeHub::start(Scenario::demo(), Clock::manual(t0()))
        .await
        .expect("fakehub");
    let gh = GitHub::new(&hub.base_url(), Token::new(DEMO_TOKEN)).expect("client");
    let slug = Slug::parse(DEMO_REPO).expect("slug");
    (hub, gh, slug)
}

fn client_status(e: &ApiError) -> Option<(u16, String)> {
    match e {
        ApiError::Client { status, message } => Some((*status, message.clone())),
        _ => None,
    }
}

const SHA_A: &str = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

#[tokio::test]
async fn issue_actions_reach_the_world() {
    let (hub, gh, slug) = start().await;
    let issue = |n: u64| {
        hub.with_world(|w| {
            w.repo(DEMO_REPO)
                .and_then(|r| r.issues.get(&n))
                .cloned()
                .expect("issue")
        })
    };

    let c = gh
        .comment_on_issue(&slug, 47, "Reproduced with `env -u HOME rocket`.")
        .await
        .expect("comment");
    assert_eq!(
        c.body.as_deref(),
        Some("Reproduced with `env -u HOME rocket`.")
    );
    let last = issue(47).comments.last().cloned().expect("comment stored");
    assert_eq!((last.user.as_str(), last.id), ("octodemo", c.id));

    let closed = gh
        .close_issue(&slug, 47, CloseReason::NotPlanned)
        .await
        .expect("close");
    assert_eq!(closed.state, IssueState::Closed);
    assert_eq!(issue(47).state_reason.as_deref(), Some("not_planned"));
    let reopened = gh.reopen_issue(&slug, 47).await.expect("reopen");
    assert_eq!(reopened.state, IssueState::Open);
    assert_eq!(issue(47).state_reason.as_deref(), Some("reopened"));

    let assigned = gh
        .add_assignees(&slug, 48, &["octodemo"])
        .await
        .expect("assign");
    assert!(assigned.assignees.iter().any(|u| u.login == "octodemo"));
    assert!(issue(48).assignees.contains(&"octodemo".to_string()));

    let labels = gh.repo_labels(&slug).await.expect("labels");
    assert_eq!(labels.len(), 12);
    assert!(labels.iter().any(|l| l.name == "priority: high"));

    let now = gh.add_labels(&slug, 47, &["ui"]).await.expect("add label");
    let names: Vec<&str> = now.iter().map(|l| l.name.as_str()).collect();
    assert_eq!(names, ["bug", "priority: high", "ui"]);
    // A name with a space and a colon travels percent-encoded in the path.
    let left = gh
        .remove_label(&slug, 47, "priority: high")
        .await
        .expect("remove label");
    assert_eq!(
        left.iter().map(|l| l.name.as_str()).collect::<Vec<_>>(),
        ["bug", "ui"]
    );
    assert_eq!(issue(47).labels, vec!["bug".to_string(), "ui".to_string()]);
    let err = gh
        .remove_label(&slug, 47, "wontfix")
        .await
        .expect_err("not on the issue");
    assert!(matches!(err, ApiError::NotFound { .. }), "{err:?}");
}

#[tokio::test]
async fn review_threads_reply_and_resolve() {
    let (hub, gh, slug) = start().await;
    let threads = gh.review_threads(&slug, 43).await.expect("threads");
    assert_eq!(threads.len(), 4);
    let summary: Vec<(bool, bool, &str, Option<u64>, usize)> = threads
        .iter()
        .map(|t| {
            (
                t.is_resolved,
                t.is_outdated,
                t.path.as_str(),
                t.line,
                t.comments.len(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            (true, false, "src/upload/retry.rs", Some(34), 2),
            (false, false, "src/upload/retry.rs", Some(56), 2),
            (false, true, "tests/upload.rs", None, 1),
            (false, false, "src/upload/mod.rs", Some(83), 1),
        ]
    );
    let open = &threads[1];
    assert!(open.viewer_can_resolve && !open.viewer_can_unresolve);
    assert!(open.comments[0].diff_hunk.starts_with("@@"));
    assert_eq!(open.comments[0].author.as_deref(), Some("alice"));
    let root_id = open.comments[0].database_id.expect("database id");

    let reply = gh
        .reply_to_thread(&open.id, "Fixed: `Retry-After` is optional now.")
        .await
        .expect("reply");
    assert_eq!(reply.author.as_deref(), Some("octodemo"));
    let stored = hub.with_world(|w| {
        w.repo(DEMO_REPO)
            .and_then(|r| r.issues.get(&43))
            .and_then(|i| i.pull.clone())
            .expect("pull")
            .review_comments
    });
    let new = stored.last().expect("reply stored");
    assert_eq!(new.body, "Fixed: `Retry-After` is optional now.");
    assert_eq!(new.in_reply_to_id, Some(root_id));
    assert_eq!(Some(new.id), reply.database_id);
    assert_eq!(new.path, "src/upload/retry.rs");

    assert!(gh.resolve_thread(&open.id).await.expect("resolve"));
    let resolved = |hub: &FakeHub| {
        hub.with_world(|w| {
            w.repo(DEMO_REPO)
                .and_then(|r| r.issues.get(&43))
                .and_then(|i| i.pull.as_ref())
                .and_then(|p| p.review_comments.iter().find(|c| c.id == root_id))
                .map(|c| c.resolved)
        })
    };
    assert_eq!(resolved(&hub), Some(true));
    let again = gh.review_threads(&slug, 43).await.expect("threads");
    assert!(again[1].is_resolved && again[1].viewer_can_unresolve);
    assert_eq!(again[1].comments.len(), 3);

    assert!(!gh.unresolve_thread(&open.id).await.expect("unresolve"));
    assert_eq!(resolved(&hub), Some(false));
}

#[tokio::test]
async fn graphql_errors_become_api_errors() {
    let (_hub, gh, slug) = start().await;
    let err = gh
        .graphql::<Value>("query Nope { viewer { login } }", json!({}))
        .await
        .expect_err("unknown operation");
    match err {
        ApiError::GraphQl { message } => assert!(message.contains("Nope"), "{message}"),
        other => panic!("unexpected: {other:?}"),
    }
    let err = gh
        .resolve_thread("PRRT_kwDO123456")
        .await
        .expect_err("no such thread");
    assert!(
        matches!(&err, ApiError::GraphQl { message } if message.contains("Could not resolve")),
        "{err:?}"
    );
    let err = gh
        .review_threads(&slug, 9999)
        .await
        .expect_err("no such PR");
    assert!(matches!(err, ApiError::GraphQl { .. }), "{err:?}");

    let anonymous = GitHub::new(&_hub.base_url(), None).expect("client");
    assert_eq!(
        anonymous
            .review_threads(&slug, 43)
            .await
            .expect_err("no token"),
        ApiError::NoToken
    );
}

#[tokio::test]
async fn review_threads_are_paged() {
    let (hub, gh, slug) = start().await;
    // 60 extra threads on the draft PR: two pages of 50.
    hub.with_world_mut(|w| {
        let repo = w.repo_mut(DEMO_REPO).expect("repo");
        let pull = repo
            .issues
            .get_mut(&44)
            .and_then(|i| i.pull.as_mut())
            .expect("pull");
        for k in 0..60u64 {
            pull.review_comments
                .push(cockpit::fakehub::world::ReviewComment {
                    id: 1_700_000_000 + k,
                    review_id: None,
                    in_reply_to_id: None,
                    user: "alice".into(),
                    body: format!("note {k}"),
                    created_at: t0() - chrono::TimeDelta::hours(1),
                    updated_at: t0() - chrono::TimeDelta::hours(1),
                    path: "src/color.rs".into(),
                    line: Some(k + 1),
                    original_line: k + 1,
                    start_line: None,
                    side: "RIGHT".into(),
                    diff_hunk: "@@ -1 +1 @@".into(),
                    commit_id: None,
                    resolved: false,
                });
        }
    });
    let threads = gh.review_threads(&slug, 44).await.expect("threads");
    assert_eq!(threads.len(), 60);
    assert_eq!(threads[59].comments[0].body, "note 59");
    let graphql_calls = hub
        .requests()
        .iter()
        .filter(|r| r.path_and_query == "/graphql")
        .count();
    assert_eq!(graphql_calls, 2);
}

#[tokio::test]
async fn pull_request_creation_and_its_refusals() {
    let (hub, gh, slug) = start().await;
    hub.set_branch_head("47-crash-when-home-is-unset", SHA_A);
    let new = NewPull {
        title: "Crash when HOME is unset".into(),
        body: "Falls back to the passwd entry.\n\nCloses #47".into(),
        head: "47-crash-when-home-is-unset".into(),
        base: "main".into(),
        draft: false,
    };
    let pr = gh.create_pull(&slug, &new).await.expect("create");
    assert_eq!(pr.number, 49);
    assert_eq!(pr.head.sha, SHA_A);
    assert_eq!(pr.base.ref_name, "main");
    let (stored, runs) = hub.with_world(|w| {
        let repo = w.repo(DEMO_REPO).expect("repo");
        let i = repo.issues.get(&49).cloned().expect("stored");
        let runs: Vec<(String, Option<u64>)> = repo
            .runs
            .iter()
            .filter(|r| r.sha.as_deref() == Some(SHA_A))
            .map(|r| (r.event.clone(), r.pr))
            .collect();
        (i, runs)
    });
    assert_eq!(stored.user, "octodemo");
    assert_eq!(stored.body.as_deref(), Some(new.body.as_str()));
    assert_eq!(runs, vec![("pull_request".to_string(), Some(49))]);
    // The CI panel finds that run through the REST API for the head commit.
    let listed = gh
        .runs_for_branch(&slug, "47-crash-when-home-is-unset")
        .await
        .expect("runs");
    assert_eq!(listed.data.len(), 1);
    assert_eq!(listed.data[0].head_sha, SHA_A);

    let err = gh.create_pull(&slug, &new).await.expect_err("duplicate");
    let (status, message) = client_status(&err).expect("client error");
    assert_eq!(status, 422);
    assert!(message.contains("already exists"), "{message}");

    let same = NewPull {
        head: "main".into(),
        ..new.clone()
    };
    let err = gh
        .create_pull(&slug, &same)
        .await
        .expect_err("head == base");
    let (status, message) = client_status(&err).expect("client error");
    assert_eq!(status, 422);
    assert!(
        message.contains("No commits between main and main"),
        "{message}"
    );

    let missing = NewPull {
        head: "no-such-branch".into(),
        ..new
    };
    let err = gh
        .create_pull(&slug, &missing)
        .await
        .expect_err("missing head");
    assert_eq!(client_status(&err).map(|c| c.0), Some(422));
}

#[tokio::test]
async fn reviews_follow_githubs_rules() {
    let (hub, gh, slug) = start().await;
    let err = gh
        .submit_review(&slug, 43, ReviewEvent::Approve, "")
        .await
        .expect_err("own PR");
    let (status, message) = client_status(&err).expect("client error");
    assert_eq!(status, 422);
    assert!(message.contains("own pull request"), "{message}");

    let err = gh
        .submit_review(&slug, 46, ReviewEvent::Comment, " ")
        .await
        .expect_err("comment needs a body");
    assert_eq!(client_status(&err).map(|c| c.0), Some(422));

    let review = gh
        .submit_review(&slug, 46, ReviewEvent::Approve, "Nice speed-up.")
        .await
        .expect("approve");
    assert_eq!(review.state, ReviewState::Approved);
    let stored = hub.with_world(|w| {
        w.repo(DEMO_REPO)
            .and_then(|r| r.issues.get(&46))
            .and_then(|i| i.pull.clone())
            .expect("pull")
    });
    let last = stored.reviews.last().expect("review stored");
    assert_eq!(
        (last.user.as_str(), last.state.as_str(), last.body.as_str()),
        ("octodemo", "APPROVED", "Nice speed-up.")
    );
    assert!(!stored.requested_reviewers.contains(&"octodemo".to_string()));

    let detail = gh.pull_detail(&slug, 46).await.expect("detail");
    assert!(detail.reviews.iter().any(|r| r.id == review.id));
    assert!(!detail.checks.is_empty());
}

#[tokio::test]
async fn merge_with_an_allowed_and_a_disallowed_method() {
    let (hub, gh, slug) = start().await;
    hub.set_branch_head("45-config-docs", SHA_A);
    hub.with_world_mut(|w| {
        w.repo_mut(DEMO_REPO).expect("repo").allow_rebase_merge = false;
    });
    let methods = gh.merge_methods(&slug).await.expect("methods");
    assert_eq!(
        methods.allowed(),
        vec![MergeMethod::Merge, MergeMethod::Squash]
    );

    // release-1.4 is not protected: no review is required.
    let pr = gh
        .create_pull(
            &slug,
            &NewPull {
                title: "Document the config file format".into(),
                body: "Closes #45".into(),
                head: "45-config-docs".into(),
                base: "release-1.4".into(),
                draft: false,
            },
        )
        .await
        .expect("create");

    let err = gh
        .merge_pull(&slug, pr.number, MergeMethod::Rebase, None)
        .await
        .expect_err("rebase not allowed");
    let (status, message) = client_status(&err).expect("client error");
    assert_eq!(status, 405);
    assert!(
        message.contains("Rebase merges are not allowed"),
        "{message}"
    );

    let err = gh
        .merge_pull(
            &slug,
            pr.number,
            MergeMethod::Squash,
            Some("bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"),
        )
        .await
        .expect_err("head moved");
    assert_eq!(client_status(&err).map(|c| c.0), Some(409));

    let merged = gh
        .merge_pull(&slug, pr.number, MergeMethod::Squash, Some(SHA_A))
        .await
        .expect("squash");
    assert!(merged.merged);
    let (pull, state, release_head, push_runs, issue45) = hub.with_world(|w| {
        let repo = w.repo(DEMO_REPO).expect("repo");
        let i = repo.issues.get(&pr.number).expect("pr");
        let push_runs = repo
            .runs
            .iter()
            .filter(|r| r.event == "push" && r.sha.as_deref() == Some(merged.sha.as_str()))
            .count();
        (
            i.pull.clone().expect("pull"),
            i.state.clone(),
            repo.branch_sha("release-1.4"),
            push_runs,
            repo.issues.get(&45).map(|i| i.state.clone()),
        )
    });
    assert_eq!(state, "closed");
    assert_eq!(pull.merge_commit_sha.as_deref(), Some(merged.sha.as_str()));
    assert_eq!(pull.merged_by.as_deref(), Some("octodemo"));
    assert_eq!(release_head, merged.sha);
    assert_eq!(push_runs, 1, "the merge is a push to release-1.4");
    assert_eq!(
        issue45.as_deref(),
        Some("open"),
        "closing keywords only act on merges into the default branch"
    );

    gh.delete_branch(&slug, "45-config-docs")
        .await
        .expect("delete head branch");
    assert!(hub.with_world(|w| w
        .repo(DEMO_REPO)
        .and_then(|r| r.branch("45-config-docs"))
        .is_none()));
    let err = gh
        .delete_branch(&slug, "45-config-docs")
        .await
        .expect_err("gone");
    assert_eq!(client_status(&err).map(|c| c.0), Some(422));
    let err = gh.delete_branch(&slug, "main").await.expect_err("default");
    assert_eq!(client_status(&err).map(|c| c.0), Some(422));
}

#[tokio::test]
async fn protected_base_blocks_the_merge_until_reviews_allow_it() {
    let (_hub, gh, slug) = start().await;
    // PR 43: alice requested changes; main is protected.
    let err = gh
        .merge_pull(&slug, 43, MergeMethod::Squash, None)
        .await
        .expect_err("blocked");
    let (status, message) = client_status(&err).expect("client error");
    assert_eq!(status, 405);
    assert!(
        message.contains("Changes were requested by alice"),
        "{message}"
    );
    // PR 44 is a draft.
    let err = gh
        .merge_pull(&slug, 44, MergeMethod::Merge, None)
        .await
        .expect_err("draft");
    assert!(
        client_status(&err).is_some_and(|(s, m)| s == 405 && m.contains("draft")),
        "{err:?}"
    );
}

/// octocrab's typed calls pass the same layer as cockpit's raw ones: their answers' rate-limit
/// headers are read, and a refusal comes back in GitHub's words.
#[tokio::test]
async fn typed_calls_report_the_rate_limit_and_github_refusals() {
    let (_hub, gh, slug) = start().await;
    assert_eq!(gh.rate_limit(), None);
    gh.comment_on_issue(&slug, 47, "on it")
        .await
        .expect("comment");
    let after_comment = gh.rate_limit().expect("read from the typed call's answer");
    assert!(after_comment.limit > 0);
    let err = gh
        .merge_pull(&slug, 999_999, MergeMethod::Squash, None)
        .await
        .expect_err("no such pull request");
    assert!(matches!(err, ApiError::NotFound { .. }), "{err:?}");
    assert!(!err.to_string().contains(DEMO_TOKEN), "{err}");
}
