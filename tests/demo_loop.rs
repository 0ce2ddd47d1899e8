//! The whole backend loop in the demo world, through the APIs the UI calls: issue → branch →
//! commit → push to the demo's bare remote → a CI run for that commit appears → pull request →
//! the scripted reviewer's thread → reply → resolve → approval → merge (in the bare repository,
//! closing the issue) → fetch → the branch is merged and can be deleted.

use std::time::Duration;

mod common;

use chrono::{DateTime, Utc};
use cockpit::demo::Demo;
use cockpit::fakehub::{Clock, FakeHub, Scenario, DEMO_REPO, DEMO_TOKEN};
use cockpit::git::{
    branch_from_issue, delete_merged_branch, fetch, push_current_branch, snapshot, Cancel,
    IssueBranchRequest, RemoteAuth,
};
use cockpit::github::client::install_crypto_provider;
use cockpit::github::models::{IssueState, ReviewState};
use cockpit::github::{GitHub, MergeMethod, NewPull, Slug, Token};
use common::{commit_file, eventually};
use git2::Repository;

fn t0() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-22T10:00:00Z")
        .expect("time")
        .to_utc()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue_to_merged_pull_request() {
    install_crypto_provider();
    let hub = FakeHub::start(Scenario::demo(), Clock::manual(t0()))
        .await
        .expect("fakehub");
    let demo = Demo::with_hub(hub).await.expect("demo");
    let hub = &demo.hub;
    let gh = GitHub::new(&hub.base_url(), Token::new(DEMO_TOKEN)).expect("client");
    let slug = Slug::parse(DEMO_REPO).expect("slug");
    let dir = demo.repo.workdir.clone();

    // The work in progress would be overwritten by the switch; the user commits it elsewhere.
    Repository::open(&dir)
        .and_then(|r| r.checkout_head(Some(git2::build::CheckoutBuilder::new().force())))
        .expect("discard the demo's edit");

    // Issue → branch.
    let d = dir.clone();
    let branch = tokio::task::spawn_blocking(move || {
        branch_from_issue(
            &d,
            &IssueBranchRequest {
                number: 47,
                title: "Crash when HOME is unset".into(),
                remote: "origin".into(),
                default_branch: "main".into(),
            },
            &RemoteAuth::none(),
            &Cancel::new(),
            &mut |_| {},
        )
    })
    .await
    .expect("join")
    .expect("branch from issue");
    assert_eq!(branch.name, "47-crash-when-home-is-unset");

    // A commit, pushed to the bare remote.
    let sha = commit_file(
        &dir,
        "src/home.rs",
        "pub fn home() -> Option<std::path::PathBuf> {\n    std::env::var_os(\"HOME\").map(Into::into)\n}\n",
        "Fall back when HOME is unset (#47)",
    );
    let d = dir.clone();
    let pushed = tokio::task::spawn_blocking(move || {
        push_current_branch(&d, None, &RemoteAuth::none(), &Cancel::new(), &mut |_| {})
    })
    .await
    .expect("join")
    .expect("push");
    assert_eq!(pushed.sha, sha);

    // fakehub notices the push and runs CI for that commit.
    let run = eventually(hub, "a push run", |w| {
        let repo = w.repo(DEMO_REPO)?;
        repo.runs
            .iter()
            .find(|r| r.sha.as_deref() == Some(sha.as_str()))
            .map(|r| (r.event.clone(), r.display_title.clone(), r.branch.clone()))
    })
    .await;
    assert_eq!(
        run,
        (
            "push".to_string(),
            "Fall back when HOME is unset (#47)".to_string(),
            branch.name.clone()
        )
    );
    let runs = gh.runs_for_branch(&slug, &branch.name).await.expect("runs");
    assert_eq!(runs.data[0].head_sha, sha);

    // The pull request.
    let pr = gh
        .create_pull(
            &slug,
            &NewPull {
                title: "Crash when HOME is unset".into(),
                body: "Falls back to the passwd entry.\n\nCloses #47".into(),
                head: branch.name.clone(),
                base: "main".into(),
                draft: false,
            },
        )
        .await
        .expect("create PR");
    let pr_runs = gh.runs_for_branch(&slug, &branch.name).await.expect("runs");
    assert!(pr_runs
        .data
        .iter()
        .any(|r| r.event == "pull_request" && r.head_sha == sha));

    // The scripted reviewer comments on the diff 20 s later.
    assert!(gh
        .review_threads(&slug, pr.number)
        .await
        .expect("threads")
        .is_empty());
    hub.clock().advance(Duration::from_secs(25));
    let threads = gh.review_threads(&slug, pr.number).await.expect("threads");
    assert_eq!(threads.len(), 1);
    let thread = &threads[0];
    assert_eq!(thread.path, "src/home.rs");
    assert!(thread.comments[0].diff_hunk.contains("+pub fn home()"));
    assert_eq!(thread.comments[0].author.as_deref(), Some("alice"));

    // Not mergeable yet: no approval, CI still running.
    let err = gh
        .merge_pull(&slug, pr.number, MergeMethod::Squash, Some(&sha))
        .await
        .expect_err("blocked");
    assert!(err.to_string().contains("approving review"), "{err}");

    gh.reply_to_thread(&thread.id, "Added a test for the unset case.")
        .await
        .expect("reply");
    assert!(gh.resolve_thread(&thread.id).await.expect("resolve"));
    hub.clock().advance(Duration::from_secs(30 * 60));
    let detail = gh.pull_detail(&slug, pr.number).await.expect("detail");
    assert!(detail
        .reviews
        .iter()
        .any(|r| r.state == ReviewState::Approved
            && r.user.as_ref().is_some_and(|u| u.login == "alice")));
    assert!(detail.threads.iter().all(|t| t.is_resolved));
    assert!(!detail.checks.is_empty());

    // Merge: a real commit in the bare remote, the issue closed by "Closes #47".
    let methods = gh.merge_methods(&slug).await.expect("methods");
    assert!(methods.allows(MergeMethod::Merge));
    let merged = gh
        .merge_pull(&slug, pr.number, MergeMethod::Merge, Some(&sha))
        .await
        .expect("merge");
    let bare = Repository::open_bare(&demo.repo.remote).expect("bare");
    let main = bare.refname_to_id("refs/heads/main").expect("main");
    assert_eq!(main.to_string(), merged.sha);
    let merge_commit = bare.find_commit(main).expect("merge commit");
    assert_eq!(merge_commit.parent_count(), 2);
    let issue = gh
        .issue_with_comments(&slug, 47)
        .await
        .expect("issue")
        .data
        .0;
    assert_eq!(issue.state, IssueState::Closed);
    gh.delete_branch(&slug, &branch.name)
        .await
        .expect("delete head branch");
    assert!(bare
        .find_reference(&format!("refs/heads/{}", branch.name))
        .is_err());

    // Back home: fetch, and the branch is merged and may go.
    let d = dir.clone();
    let name = branch.name.clone();
    tokio::task::spawn_blocking(move || {
        fetch(
            &d,
            "origin",
            &RemoteAuth::none(),
            &Cancel::new(),
            &mut |_| {},
        )?;
        cockpit::git::checkout_branch(&d, "main")?;
        let snap = snapshot(&d, Some("main"))?;
        let info = snap
            .branches
            .iter()
            .find(|b| b.name == name)
            .cloned()
            .expect("branch");
        assert!(info.merged_into_default);
        assert!(
            info.upstream_gone,
            "the remote branch was deleted and pruned"
        );
        delete_merged_branch(&d, &name, Some("main"))
    })
    .await
    .expect("join")
    .expect("fetch, checkout, delete");
}
