//! `checkout_pull` on the demo repository: a fork's head exists only as `refs/pull/N/head` on
//! the remote; the local branch is named like gh names it, and a force-pushed PR never
//! overwrites local work.

use cockpit::git::{
    checkout_pull, create_demo_repo, Cancel, GitError, PullCheckout, Refusal, RemoteAuth,
    DEMO_FORK_BRANCH, DEMO_FORK_PULL,
};
use git2::Repository;

fn request(fork_owner: Option<&str>) -> PullCheckout {
    PullCheckout {
        number: DEMO_FORK_PULL,
        head_ref: DEMO_FORK_BRANCH.to_string(),
        fork_owner: fork_owner.map(str::to_string),
        remote: "origin".into(),
    }
}

fn run(dir: &std::path::Path, req: &PullCheckout) -> Result<cockpit::git::PullBranch, GitError> {
    checkout_pull(dir, req, &RemoteAuth::none(), &Cancel::new(), &mut |_| {})
}

fn discard_edit(repo: &Repository) {
    let mut co = git2::build::CheckoutBuilder::new();
    co.force();
    repo.checkout_head(Some(&mut co)).expect("reset");
}

#[test]
fn a_fork_branch_whose_name_is_taken_becomes_owner_dash_ref_without_an_upstream() {
    let demo = create_demo_repo().expect("demo");
    let repo = Repository::open(&demo.workdir).expect("open");
    discard_edit(&repo);
    let main = repo
        .revparse_single("main")
        .and_then(|o| o.peel_to_commit())
        .expect("main");
    repo.branch(DEMO_FORK_BRANCH, &main, false).expect("mine");

    let b = run(&demo.workdir, &request(Some("alice"))).expect("checked out");
    let expected = format!("alice-{DEMO_FORK_BRANCH}");
    assert_eq!(b.name, expected);
    assert!(b.created);
    assert_eq!(b.sha, demo.fork_head.1);
    let config = repo.config().expect("config").snapshot().expect("snapshot");
    assert!(
        config
            .get_string(&format!("branch.{expected}.merge"))
            .is_err(),
        "a fork's branch has no upstream here"
    );
    assert!(
        repo.find_reference(&format!("refs/cockpit/pull/{DEMO_FORK_PULL}"))
            .is_err(),
        "the scratch ref is gone"
    );
    // Once more: the same branch, reused.
    let again = run(&demo.workdir, &request(Some("alice"))).expect("again");
    assert_eq!((again.name, again.created), (expected, false));
}

#[test]
fn a_force_pushed_pr_does_not_overwrite_local_commits() {
    let demo = create_demo_repo().expect("demo");
    let repo = Repository::open(&demo.workdir).expect("open");
    discard_edit(&repo);
    let b = run(&demo.workdir, &request(None)).expect("checked out");
    // The PR is force-pushed to another commit, while a local commit sits on the old head.
    let bare = Repository::open_bare(&demo.remote).expect("remote");
    let main = bare.refname_to_id("refs/heads/main").expect("main");
    bare.reference(
        &format!("refs/pull/{DEMO_FORK_PULL}/head"),
        main,
        true,
        "force push",
    )
    .expect("force");
    let tip = repo.find_commit(b.sha.parse().expect("oid")).expect("tip");
    let sig = git2::Signature::now("me", "me@example.com").expect("sig");
    let mine = repo
        .commit(
            Some(&format!("refs/heads/{}", b.name)),
            &sig,
            &sig,
            "local work",
            &tip.tree().expect("tree"),
            &[&tip],
        )
        .expect("commit");
    match run(&demo.workdir, &request(None)) {
        Err(GitError::Refused(Refusal::Diverged { name, .. })) => assert_eq!(name, b.name),
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert_eq!(
        repo.refname_to_id(&format!("refs/heads/{}", b.name))
            .expect("branch"),
        mine
    );
}
