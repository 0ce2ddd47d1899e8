//! Without a usable GitHub repository nothing can load in Issues, Pull requests, CI and
//! Deploys: each says what is missing and what to do, never "loading…" forever. Started as
//! `cockpit` would be in each kind of directory, signed in.

mod common;

use common::{flat, Harness, Setup};
use std::path::Path;

fn with_remote(url: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let repo = git2::Repository::init(dir.path()).expect("init");
    repo.remote("origin", url).expect("remote");
    dir
}

/// Starts in `dir` and checks every GitHub panel (zoomed).
async fn says_why(dir: &Path, why: &str) {
    let mut h = Harness::with(Setup {
        cwd: Some(dir.to_path_buf()),
        ..Setup::default()
    })
    .await;
    h.wait_for("@octodemo").await;
    h.key('z');
    // Zoomed: the other panels are gone (their titles show unzoomed too, so waiting for a
    // title alone could read a frame drawn before the key).
    let s = h
        .wait_until("Issues alone says what to do", |s| {
            flat(s).contains("Press a to search all your repositories")
                && !s.contains("╭ 2 Branches")
        })
        .await;
    assert!(flat(&s).contains(why), "Issues says why:\n{s}");
    for (key, title) in [
        ('3', "╭ 3 Pull requests"),
        ('4', "╭ 4 CI"),
        ('5', "╭ 5 Deploys"),
    ] {
        h.key(key);
        let s = h
            .wait_until(title, |s| s.contains(title) && !s.contains("╭ 1 Issues"))
            .await;
        assert!(flat(&s).contains(why), "{title} says why:\n{s}");
        assert!(!s.contains("loading…"), "{title}:\n{s}");
    }
    h.key('z');
    let s = h.wait_for("╭ 1 Issues").await;
    assert!(!s.contains("loading…"), "{s}");
    assert!(
        !s.contains("PRs …"),
        "the status bar does not wait either:\n{s}"
    );
    h.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn outside_a_repository() {
    let dir = tempfile::tempdir().expect("tempdir");
    says_why(dir.path(), "is not inside a git repository").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_a_repository_without_remotes() {
    let dir = tempfile::tempdir().expect("tempdir");
    git2::Repository::init(dir.path()).expect("init");
    says_why(
        dir.path(),
        "has no remotes; add one with `git remote add origin URL`",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_a_bare_repository() {
    let dir = tempfile::tempdir().expect("tempdir");
    git2::Repository::init_bare(dir.path()).expect("init bare");
    says_why(dir.path(), "is a bare repository").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_a_remote_that_is_not_on_github() {
    let dir = with_remote("https://gitlab.com/octo/rocket.git");
    says_why(
        dir.path(),
        "gitlab.com, which cockpit does not know as a GitHub host",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_an_enterprise_host_that_is_not_configured() {
    let dir = with_remote("git@ghe.corp.example:octo/rocket.git");
    says_why(
        dir.path(),
        "add it to the config ([[hosts]] host = \"ghe.corp.example\")",
    )
    .await;
}

/// `a` shows the issues of every repository, and back again says why there are none here.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issues_of_all_repositories_need_no_repository() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut h = Harness::with(Setup {
        cwd: Some(dir.path().to_path_buf()),
        ..Setup::default()
    })
    .await;
    h.wait_for("@octodemo").await;
    h.key('a');
    h.wait_for("launchpad #5").await;
    h.key('a');
    h.wait_until("Issues says what to do", |s| {
        flat(s).contains("Press a to search all")
    })
    .await;
    h.quit().await;
}
