//! What HEAD and the working tree are doing, as the Branches panel reports it: a detached
//! HEAD (with or without local branches) and a merge stopped on a conflict.

mod common;

use std::path::Path;

use cockpit::git::snapshot;
use git2::{build::CheckoutBuilder, Oid, Repository, RepositoryInitOptions};

fn init(path: &Path) -> Repository {
    Repository::init_opts(path, RepositoryInitOptions::new().initial_head("main"))
        .expect("init repository")
}

/// Writes `file` and commits it on the checked-out branch (HEAD moves).
fn commit(repo: &Repository, file: &str, content: &str) -> Oid {
    let dir = repo.workdir().expect("workdir");
    Oid::from_str(&common::commit_file(dir, file, content, content)).expect("sha")
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
    common::merge_with_a_conflict(&repo);
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
