//! What HEAD and the working tree are doing, as the Branches panel reports it: a detached
//! HEAD (with or without local branches) and a merge stopped on a conflict.

use std::path::Path;

use cockpit::git::snapshot;
use git2::{build::CheckoutBuilder, Oid, Repository, RepositoryInitOptions, Signature};

fn init(path: &Path) -> Repository {
    Repository::init_opts(path, RepositoryInitOptions::new().initial_head("main"))
        .expect("init repository")
}

/// Writes `file` and commits it on the checked-out branch (HEAD moves).
fn commit(repo: &Repository, file: &str, content: &str) -> Oid {
    let workdir = repo.workdir().expect("workdir");
    std::fs::write(workdir.join(file), content).expect("write");
    let mut index = repo.index().expect("index");
    index.add_path(Path::new(file)).expect("add");
    index.write().expect("write index");
    let tree = repo
        .find_tree(index.write_tree().expect("tree"))
        .expect("tree");
    let sig = Signature::now("alice", "alice@example.com").expect("sig");
    let parent = repo.head().ok().and_then(|h| h.peel_to_commit().ok());
    let parents: Vec<_> = parent.iter().collect();
    repo.commit(
        Some("HEAD"),
        &sig,
        &sig,
        &format!("{file}: {content}"),
        &tree,
        &parents,
    )
    .expect("commit")
}

#[test]
fn a_detached_head_is_reported_with_its_commit() {
    let dir = tempfile::tempdir().expect("tempdir");
    let repo = init(dir.path());
    let first = commit(&repo, "a.txt", "one");
    commit(&repo, "a.txt", "two");
    repo.set_head_detached(first).expect("detach");
    repo.checkout_head(Some(CheckoutBuilder::new().force()))
        .expect("checkout");
    let snap = snapshot(dir.path(), None).expect("snapshot");
    assert_eq!(
        snap.detached_at.as_deref(),
        Some(first.to_string().as_str())
    );
    assert!(
        snap.branches.iter().all(|b| !b.is_head),
        "no branch is HEAD"
    );
    let short = &first.to_string()[..7];
    assert_eq!(snap.summary(), format!("detached at {short}"));
}

#[test]
fn a_detached_clone_without_local_branches_is_not_an_empty_repository() {
    let dir = tempfile::tempdir().expect("tempdir");
    let repo = init(dir.path());
    let tip = commit(&repo, "a.txt", "one");
    repo.set_head_detached(tip).expect("detach");
    repo.find_branch("main", git2::BranchType::Local)
        .expect("main")
        .delete()
        .expect("delete main");
    let snap = snapshot(dir.path(), None).expect("snapshot");
    assert!(snap.branches.is_empty());
    assert_eq!(snap.detached_at.as_deref(), Some(tip.to_string().as_str()));
}

#[test]
fn a_merge_stopped_on_a_conflict_says_merging_and_counts_the_conflict() {
    let dir = tempfile::tempdir().expect("tempdir");
    let repo = init(dir.path());
    let base = commit(&repo, "a.txt", "base\n");
    commit(&repo, "a.txt", "main's change\n");
    let base_commit = repo.find_commit(base).expect("base");
    repo.branch("feature", &base_commit, false).expect("branch");
    repo.set_head("refs/heads/feature").expect("head");
    repo.checkout_head(Some(CheckoutBuilder::new().force()))
        .expect("checkout");
    commit(&repo, "a.txt", "feature's change\n");
    repo.set_head("refs/heads/main").expect("head");
    repo.checkout_head(Some(CheckoutBuilder::new().force()))
        .expect("checkout");
    let feature = repo
        .reference_to_annotated_commit(&repo.find_reference("refs/heads/feature").expect("ref"))
        .expect("annotated");
    repo.merge(&[&feature], None, None).expect("merge runs");
    assert!(repo.index().expect("index").has_conflicts());

    let snap = snapshot(dir.path(), None).expect("snapshot");
    assert_eq!(snap.operation, Some("merging"));
    assert_eq!(snap.status.conflicted, 1);
    assert!(snap.status.is_dirty());
    assert_eq!(snap.summary(), "merging · conflicts: 1");
}

#[test]
fn a_clean_tree_and_a_dirty_one_read_as_before() {
    let dir = tempfile::tempdir().expect("tempdir");
    let repo = init(dir.path());
    commit(&repo, "a.txt", "one");
    assert_eq!(
        snapshot(dir.path(), None).expect("snapshot").summary(),
        "clean"
    );
    std::fs::write(dir.path().join("a.txt"), "changed").expect("write");
    assert_eq!(
        snapshot(dir.path(), None).expect("snapshot").summary(),
        "dirty: 1 modified, 0 staged"
    );
}
