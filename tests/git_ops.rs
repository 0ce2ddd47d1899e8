//! Changing branches, fetching and pushing, on the demo repository and its bare remote. Every
//! refusal is checked to leave the repository as it was.

use std::path::Path;

use cockpit::git::{
    branch_from_issue, checkout_branch, create_branch, create_demo_repo, delete_merged_branch,
    fetch, push_current_branch, snapshot, snapshot_with, Cancel, GitError, IssueBranchRequest,
    Progress, PushRejection, Refusal, RemoteAuth, DEMO_BEHIND_BRANCH, DEMO_DEFAULT_BRANCH,
    DEMO_FEATURE_BRANCH, DEMO_LOCAL_ONLY_BRANCH, DEMO_RELEASE_BRANCH,
};
use git2::{Oid, Repository, Signature};

fn head_branch(path: &Path) -> String {
    let repo = Repository::open(path).expect("open");
    let head = repo.head().expect("head");
    head.shorthand().expect("utf-8").to_string()
}

fn read(path: &Path, file: &str) -> String {
    std::fs::read_to_string(path.join(file)).expect("read file")
}

/// A commit on `branch` of repository `repo` (bare or not) adding `file`, made without a
/// checkout — as if someone else pushed it.
fn commit_on(repo: &Repository, branch: &str, file: &str, content: &str) -> Oid {
    let refname = format!("refs/heads/{branch}");
    let parent = repo
        .find_reference(&refname)
        .and_then(|r| r.peel_to_commit())
        .expect("branch tip");
    let mut tree = repo
        .treebuilder(Some(&parent.tree().expect("tree")))
        .expect("treebuilder");
    let blob = repo.blob(content.as_bytes()).expect("blob");
    tree.insert(file, blob, 0o100644).expect("insert");
    let tree = repo
        .find_tree(tree.write().expect("write tree"))
        .expect("tree");
    let sig = Signature::now("alice", "alice@example.com").expect("signature");
    repo.commit(
        Some(&refname),
        &sig,
        &sig,
        &format!("Add {file}"),
        &tree,
        &[&parent],
    )
    .expect("commit")
}

/// Commits everything in the working tree of `path` on the current branch.
fn commit_all(path: &Path, message: &str) -> Oid {
    let repo = Repository::open(path).expect("open");
    let mut index = repo.index().expect("index");
    index
        .add_all(["*"], git2::IndexAddOption::DEFAULT, None)
        .expect("add");
    index.write().expect("write index");
    let tree = repo
        .find_tree(index.write_tree().expect("tree"))
        .expect("tree");
    let parent = repo.head().and_then(|h| h.peel_to_commit()).expect("head");
    let sig = Signature::now("octodemo", "octodemo@example.com").expect("sig");
    repo.commit(Some("HEAD"), &sig, &sig, message, &tree, &[&parent])
        .expect("commit")
}

fn request(number: u64, title: &str) -> IssueBranchRequest {
    IssueBranchRequest {
        number,
        title: title.into(),
        remote: "origin".into(),
        default_branch: DEMO_DEFAULT_BRANCH.into(),
    }
}

fn no_progress(_: Progress) {}

#[test]
fn branch_from_issue_refuses_to_overwrite_work_and_changes_nothing() {
    let demo = create_demo_repo().expect("demo");
    // The demo leaves an edit in src/retry.rs, a file `main` does not have: switching to a
    // branch made from main would delete it.
    let before = read(&demo.workdir, "src/retry.rs");
    let branches_before = snapshot(&demo.workdir, None).expect("snapshot").branches;

    let err = branch_from_issue(
        &demo.workdir,
        &request(47, "Crash when HOME is unset"),
        &RemoteAuth::none(),
        &Cancel::new(),
        &mut no_progress,
    )
    .expect_err("refused");
    match &err {
        GitError::Refused(Refusal::WouldOverwrite { target, paths }) => {
            assert_eq!(target, "47-crash-when-home-is-unset");
            assert_eq!(paths, &vec!["src/retry.rs".to_string()]);
        }
        other => panic!("unexpected: {other:?}"),
    }
    assert!(err.to_string().contains("src/retry.rs"), "{err}");
    assert!(err.to_string().contains("nothing was changed"), "{err}");

    assert_eq!(head_branch(&demo.workdir), DEMO_FEATURE_BRANCH);
    assert_eq!(read(&demo.workdir, "src/retry.rs"), before);
    let after = snapshot(&demo.workdir, None).expect("snapshot").branches;
    let names = |b: &[cockpit::git::BranchInfo]| {
        b.iter()
            .map(|x| (x.name.clone(), x.sha.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(names(&after), names(&branches_before));
}

#[test]
fn branch_from_issue_starts_from_the_freshly_fetched_default_branch() {
    let demo = create_demo_repo().expect("demo");
    // Drop the work in progress that would be overwritten, keep an edit that carries over.
    let repo = Repository::open(&demo.workdir).expect("open");
    repo.checkout_head(Some(git2::build::CheckoutBuilder::new().force()))
        .expect("discard edit");
    // CHANGELOG.md is the same on the topic branch and on main, so its edit can come along.
    std::fs::write(
        demo.workdir.join("CHANGELOG.md"),
        "edited while switching\n",
    )
    .expect("edit");

    // Someone merged into main on the remote since the last fetch.
    let bare = Repository::open_bare(&demo.remote).expect("bare");
    let fresh = commit_on(&bare, DEMO_DEFAULT_BRANCH, "NEWS.md", "fresh\n");

    let mut reports = Vec::new();
    let branch = branch_from_issue(
        &demo.workdir,
        &request(47, "Crash when HOME is unset"),
        &RemoteAuth::none(),
        &Cancel::new(),
        &mut |p| reports.push(p),
    )
    .expect("branch from issue");
    assert_eq!(branch.name, "47-crash-when-home-is-unset");
    assert!(branch.created);
    assert_eq!(branch.sha, fresh.to_string());
    assert_eq!(branch.start_point, "origin/main");
    assert_eq!(head_branch(&demo.workdir), "47-crash-when-home-is-unset");
    assert_eq!(read(&demo.workdir, "NEWS.md"), "fresh\n");
    assert_eq!(
        read(&demo.workdir, "CHANGELOG.md"),
        "edited while switching\n",
        "a change the switch does not touch carries over"
    );

    let snap = snapshot(&demo.workdir, None).expect("snapshot");
    let info = snap
        .branches
        .iter()
        .find(|b| b.name == branch.name)
        .expect("new branch listed");
    assert_eq!(info.issue, Some(47));
    assert!(info.is_head);
    assert_eq!(info.upstream, None, "the upstream is set by the first push");

    // Asking again checks the same branch out rather than making a second one.
    // README.md differs between main and the older topic branch: its edit is in the way.
    std::fs::write(demo.workdir.join("README.md"), "edited again\n").expect("edit");
    checkout_branch(&demo.workdir, DEMO_BEHIND_BRANCH).expect_err("README edit conflicts");
    std::fs::write(
        demo.workdir.join("README.md"),
        read_head(&demo.workdir, "README.md"),
    )
    .expect("undo edit");
    checkout_branch(&demo.workdir, DEMO_BEHIND_BRANCH).expect("checkout");
    let again = branch_from_issue(
        &demo.workdir,
        &request(47, "Crash when $HOME is unset (renamed)"),
        &RemoteAuth::none(),
        &Cancel::new(),
        &mut no_progress,
    )
    .expect("existing branch");
    assert!(!again.created);
    assert_eq!(again.name, "47-crash-when-home-is-unset");
    assert_eq!(head_branch(&demo.workdir), again.name);
}

fn read_head(path: &Path, file: &str) -> String {
    let repo = Repository::open(path).expect("open");
    let tree = repo
        .head()
        .and_then(|h| h.peel_to_tree())
        .expect("head tree");
    let entry = tree.get_path(Path::new(file)).expect("entry");
    let blob = repo.find_blob(entry.id()).expect("blob");
    String::from_utf8_lossy(blob.content()).into_owned()
}

#[test]
fn demo_branches_know_their_issues_and_age() {
    let demo = create_demo_repo().expect("demo");
    let snap = snapshot_with(&demo.workdir, None, Some(30)).expect("snapshot");
    let get = |n: &str| {
        snap.branches
            .iter()
            .find(|b| b.name == n)
            .expect("branch")
            .clone()
    };
    assert_eq!(get(DEMO_FEATURE_BRANCH).issue, Some(42));
    assert_eq!(get(DEMO_BEHIND_BRANCH).issue, Some(37));
    assert_eq!(get(DEMO_DEFAULT_BRANCH).issue, None);
    // release-1.4's last commit is about two months old; main never counts as stale.
    assert!(get(DEMO_RELEASE_BRANCH).stale);
    assert!(!get(DEMO_FEATURE_BRANCH).stale);
    assert!(!get(DEMO_DEFAULT_BRANCH).stale);
    let none = snapshot(&demo.workdir, None).expect("snapshot");
    assert!(none.branches.iter().all(|b| !b.stale));
}

#[test]
fn create_checkout_and_delete_refusals() {
    let demo = create_demo_repo().expect("demo");
    let dir = &demo.workdir;

    let err = create_branch(dir, "bad..name", "main", false).expect_err("invalid");
    assert!(matches!(
        err,
        GitError::Refused(Refusal::InvalidBranchName { .. })
    ));
    let err = create_branch(dir, "main", "main", false).expect_err("exists");
    assert!(matches!(
        err,
        GitError::Refused(Refusal::BranchExists { .. })
    ));
    let err = create_branch(dir, "x", "origin/nope", false).expect_err("no start");
    assert!(matches!(
        err,
        GitError::Refused(Refusal::MissingStartPoint { .. })
    ));

    // Checking out main would delete the edited src/retry.rs: refused, the new branch undone.
    let err = create_branch(dir, "scratch", "main", true).expect_err("conflict");
    assert!(matches!(
        err,
        GitError::Refused(Refusal::WouldOverwrite { .. })
    ));
    let repo = Repository::open(dir).expect("open");
    assert!(repo
        .find_branch("scratch", git2::BranchType::Local)
        .is_err());
    let err = checkout_branch(dir, DEMO_DEFAULT_BRANCH).expect_err("conflict");
    assert!(matches!(
        err,
        GitError::Refused(Refusal::WouldOverwrite { .. })
    ));
    assert_eq!(head_branch(dir), DEMO_FEATURE_BRANCH);
    let err = checkout_branch(dir, "no-such-branch").expect_err("missing");
    assert!(matches!(
        err,
        GitError::Refused(Refusal::NoSuchBranch { .. })
    ));

    // Without a conflicting change the same operations go through.
    let sha = create_branch(dir, "scratch", "origin/main", false).expect("create");
    assert_eq!(
        sha,
        repo.refname_to_id("refs/remotes/origin/main")
            .expect("origin/main")
            .to_string()
    );

    let err = delete_merged_branch(dir, DEMO_FEATURE_BRANCH, None).expect_err("current");
    assert!(matches!(
        err,
        GitError::Refused(Refusal::DeleteCurrent { .. })
    ));
    let err = delete_merged_branch(dir, DEMO_LOCAL_ONLY_BRANCH, None).expect_err("unmerged");
    match &err {
        GitError::Refused(Refusal::NotMerged {
            name,
            default_branch,
        }) => {
            assert_eq!(name, DEMO_LOCAL_ONLY_BRANCH);
            assert_eq!(default_branch, "main");
        }
        other => panic!("unexpected: {other:?}"),
    }
    let err = delete_merged_branch(dir, DEMO_DEFAULT_BRANCH, None).expect_err("default");
    assert!(matches!(
        err,
        GitError::Refused(Refusal::DeleteDefault { .. })
    ));

    delete_merged_branch(dir, DEMO_RELEASE_BRANCH, None).expect("merged release branch");
    delete_merged_branch(dir, "scratch", None).expect("branch with no work of its own");
    assert!(repo
        .find_branch(DEMO_RELEASE_BRANCH, git2::BranchType::Local)
        .is_err());
    assert!(repo
        .find_branch(DEMO_LOCAL_ONLY_BRANCH, git2::BranchType::Local)
        .is_ok());
}

#[test]
fn a_merge_in_progress_blocks_switching() {
    let demo = create_demo_repo().expect("demo");
    std::fs::write(
        demo.workdir.join(".git/MERGE_HEAD"),
        format!("{}\n", "0".repeat(40)),
    )
    .expect("fake merge state");
    let err = checkout_branch(&demo.workdir, DEMO_BEHIND_BRANCH).expect_err("merge in progress");
    assert!(matches!(
        err,
        GitError::Refused(Refusal::OperationInProgress { .. })
    ));
}

#[test]
fn fetch_reports_progress_and_updated_refs() {
    let demo = create_demo_repo().expect("demo");
    let bare = Repository::open_bare(&demo.remote).expect("bare");
    let new_tip = commit_on(&bare, DEMO_DEFAULT_BRANCH, "big.txt", &"x".repeat(100_000));

    let mut reports = Vec::new();
    let outcome = fetch(
        &demo.workdir,
        "origin",
        &RemoteAuth::none(),
        &Cancel::new(),
        &mut |p| reports.push(p),
    )
    .expect("fetch");
    assert!(outcome
        .updated_refs
        .contains(&"refs/remotes/origin/main".to_string()));
    let repo = Repository::open(&demo.workdir).expect("open");
    assert_eq!(
        repo.refname_to_id("refs/remotes/origin/main").expect("ref"),
        new_tip
    );
    assert!(outcome.received_objects > 0);
    assert!(
        reports
            .iter()
            .any(|p| matches!(p, Progress::Receiving { .. })),
        "{reports:?}"
    );

    let err = fetch(
        &demo.workdir,
        "upstream",
        &RemoteAuth::none(),
        &Cancel::new(),
        &mut no_progress,
    )
    .expect_err("no such remote");
    assert!(matches!(
        err,
        GitError::Refused(Refusal::NoSuchRemote { .. })
    ));
}

#[test]
fn cancelled_fetch_changes_nothing() {
    let demo = create_demo_repo().expect("demo");
    let bare = Repository::open_bare(&demo.remote).expect("bare");
    commit_on(&bare, DEMO_DEFAULT_BRANCH, "NEWS.md", "later\n");
    let repo = Repository::open(&demo.workdir).expect("open");
    let before = repo.refname_to_id("refs/remotes/origin/main").expect("ref");
    let cancel = Cancel::new();
    cancel.cancel();
    let err = fetch(
        &demo.workdir,
        "origin",
        &RemoteAuth::none(),
        &cancel,
        &mut no_progress,
    )
    .expect_err("cancelled");
    assert!(matches!(err, GitError::Cancelled { .. }), "{err:?}");
    assert_eq!(
        repo.refname_to_id("refs/remotes/origin/main").expect("ref"),
        before
    );
}

#[test]
fn push_sets_the_upstream_and_refuses_non_fast_forward() {
    let demo = create_demo_repo().expect("demo");
    let dir = &demo.workdir;
    // The feature branch is 2 commits ahead of origin: push them.
    let mut reports = Vec::new();
    let out = push_current_branch(dir, None, &RemoteAuth::none(), &Cancel::new(), &mut |p| {
        reports.push(p)
    })
    .expect("push");
    assert_eq!(out.branch, DEMO_FEATURE_BRANCH);
    assert_eq!(out.upstream, format!("origin/{DEMO_FEATURE_BRANCH}"));
    let bare = Repository::open_bare(&demo.remote).expect("bare");
    assert_eq!(
        bare.refname_to_id(&format!("refs/heads/{DEMO_FEATURE_BRANCH}"))
            .expect("remote branch")
            .to_string(),
        out.sha
    );
    let info = snapshot(dir, None).expect("snapshot");
    let feature = info
        .branches
        .iter()
        .find(|b| b.name == DEMO_FEATURE_BRANCH)
        .expect("feature");
    assert_eq!((feature.ahead, feature.behind), (0, 0));

    // Someone else pushes to the branch; our next commit no longer fast-forwards.
    commit_on(&bare, DEMO_FEATURE_BRANCH, "THEIRS.md", "theirs\n");
    let remote_tip = bare
        .refname_to_id(&format!("refs/heads/{DEMO_FEATURE_BRANCH}"))
        .expect("tip");
    commit_all(dir, "Finish the retry work");
    let err = push_current_branch(
        dir,
        None,
        &RemoteAuth::none(),
        &Cancel::new(),
        &mut no_progress,
    )
    .expect_err("rejected");
    match &err {
        GitError::PushRejected {
            branch, rejection, ..
        } => {
            assert_eq!(branch, DEMO_FEATURE_BRANCH);
            assert_eq!(rejection, &PushRejection::NonFastForward);
        }
        other => panic!("unexpected: {other:?}"),
    }
    assert!(err.to_string().contains("non-fast-forward"), "{err}");
    assert_eq!(
        bare.refname_to_id(&format!("refs/heads/{DEMO_FEATURE_BRANCH}"))
            .expect("tip"),
        remote_tip,
        "the remote is untouched"
    );
}

#[test]
fn push_of_a_new_branch_creates_it_on_the_remote() {
    let demo = create_demo_repo().expect("demo");
    let dir = &demo.workdir;
    let repo = Repository::open(dir).expect("open");
    repo.checkout_head(Some(git2::build::CheckoutBuilder::new().force()))
        .expect("discard edit");
    let branch = branch_from_issue(
        dir,
        &request(45, "Document the config file format"),
        &RemoteAuth::none(),
        &Cancel::new(),
        &mut no_progress,
    )
    .expect("branch");
    std::fs::write(dir.join("CONFIG.md"), "# Config\n").expect("write");
    let sha = commit_all(dir, "Document the config file (#45)");
    let out = push_current_branch(
        dir,
        Some("origin"),
        &RemoteAuth::none(),
        &Cancel::new(),
        &mut no_progress,
    )
    .expect("push");
    assert_eq!(out.sha, sha.to_string());
    let bare = Repository::open_bare(&demo.remote).expect("bare");
    assert_eq!(
        bare.refname_to_id(&format!("refs/heads/{}", branch.name))
            .expect("remote branch"),
        sha
    );
    let snap = snapshot(dir, None).expect("snapshot");
    let info = snap
        .branches
        .iter()
        .find(|b| b.name == branch.name)
        .expect("branch");
    assert_eq!(
        info.upstream.as_deref(),
        Some("origin/45-document-the-config-file-format")
    );
    assert_eq!(info.issue, Some(45));
}
