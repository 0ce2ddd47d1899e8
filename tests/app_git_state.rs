//! The dashboard tells the truth about HEAD: a detached HEAD is said so, in Branches and in
//! CI, and CI shows the runs of the commit checked out (queried by `head_sha`, never the
//! default branch's); a merge stopped on a conflict says "merging" and counts the conflict.

mod common;

use common::{Harness, Setup};
use git2::{Oid, Repository, RepositoryInitOptions};
use std::path::Path;

/// A clone-like repository of acme/rocket (the demo repository fakehub serves).
fn rocket_clone(dir: &Path) -> Repository {
    let repo = Repository::init_opts(dir, RepositoryInitOptions::new().initial_head("main"))
        .expect("init");
    repo.remote("origin", "https://github.com/acme/rocket.git")
        .expect("remote");
    repo
}

fn commit(repo: &Repository, file: &str, content: &str) -> Oid {
    let dir = repo.workdir().expect("workdir");
    Oid::from_str(&common::commit_file(dir, file, content, content)).expect("sha")
}

/// Run-list queries the dashboard sent.
fn run_queries(h: &Harness) -> Vec<String> {
    h.hub()
        .requests()
        .into_iter()
        .map(|r| r.path_and_query)
        .filter(|p| p.contains("/actions/runs?") && !p.contains("status=waiting"))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_detached_clone_without_branches_says_so_and_asks_ci_for_its_commit() {
    let dir = tempfile::tempdir().expect("tempdir");
    let repo = rocket_clone(dir.path());
    let tip = commit(&repo, "a.txt", "one");
    repo.set_head_detached(tip).expect("detach");
    repo.find_branch("main", git2::BranchType::Local)
        .expect("main")
        .delete()
        .expect("delete main");
    let short = &tip.to_string()[..7];
    let mut h = Harness::with(Setup {
        cwd: Some(dir.path().to_path_buf()),
        ..Setup::default()
    })
    .await;
    let s = h.wait_for(&format!("4 CI · detached at {short}")).await;
    let s = if s.contains("No local branches") {
        s
    } else {
        h.wait_for("No local branches").await
    };
    assert!(
        s.contains(&format!("HEAD is detached at {short}")),
        "Branches says why it lists nothing:\n{s}"
    );
    assert!(!s.contains("No branches yet"), "{s}");
    assert!(
        s.contains(&format!("2 Branches · detached at {short}")),
        "{s}"
    );
    h.wait_for("No workflow runs for the commit checked out")
        .await;
    let queries = run_queries(&h);
    assert!(
        queries
            .iter()
            .any(|q| q.contains(&format!("head_sha={tip}"))),
        "{queries:?}"
    );
    assert!(
        queries.iter().all(|q| !q.contains("branch=")),
        "no branch's runs are asked for: {queries:?}"
    );
    h.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn detaching_head_in_the_demo_shows_the_runs_of_that_commit() {
    let mut h = Harness::start().await;
    h.wait_for("4 CI · 42-retry-flaky-uploads").await;
    let (_, sha) = h
        .demo
        .repo
        .heads
        .iter()
        .find(|(b, _)| b == "42-retry-flaky-uploads")
        .cloned()
        .expect("the branch is on the remote");
    let repo = Repository::open(&h.demo.repo.workdir).expect("open");
    repo.set_head_detached(Oid::from_str(&sha).expect("sha"))
        .expect("detach");
    let short = &sha[..7];
    // The count in the title: the runs of that commit have arrived.
    let s = h.wait_for(&format!("4 CI · detached at {short} (1)")).await;
    assert!(s.contains("Retry uploads on 5xx with jitter"), "{s}");
    assert!(
        s.contains(&format!("2 Branches · detached at {short}")),
        "{s}"
    );
    assert!(
        run_queries(&h)
            .iter()
            .any(|q| q.contains(&format!("head_sha={sha}"))),
        "{:?}",
        run_queries(&h)
    );
    h.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_merge_stopped_on_a_conflict_says_merging() {
    let dir = tempfile::tempdir().expect("tempdir");
    let repo = rocket_clone(dir.path());
    common::merge_with_a_conflict(&repo);
    let mut h = Harness::with(Setup {
        cwd: Some(dir.path().to_path_buf()),
        ..Setup::default()
    })
    .await;
    let s = h.wait_for("2 Branches · merging · conflicts: 1").await;
    assert!(!s.contains("0 modified, 0 staged"), "{s}");
    h.quit().await;
}
