//! The demo repository: its shape, its consistency with its remote, and how a snapshot sees it.

use chrono::{Duration, Utc};
use cockpit::git::{create_demo_repo, discover, snapshot, BranchInfo, BranchSnapshot};
use git2::{BranchType, ConfigLevel, Repository};

fn branch<'a>(snap: &'a BranchSnapshot, name: &str) -> &'a BranchInfo {
    snap.branches
        .iter()
        .find(|b| b.name == name)
        .unwrap_or_else(|| panic!("branch {name} missing"))
}

#[test]
fn snapshot_of_the_demo_repository() {
    let demo = create_demo_repo().expect("demo repository");
    let snap = snapshot(&demo.workdir, None).expect("snapshot");

    let mut names: Vec<_> = snap.branches.iter().map(|b| b.name.as_str()).collect();
    names.sort_unstable();
    assert_eq!(
        names,
        [
            "37-dark-mode",
            "42-retry-flaky-uploads",
            "main",
            "release-1.4",
            "spike-cache"
        ]
    );
    assert_eq!(snap.default_branch.as_deref(), Some("main"));
    assert!(snap.status.is_dirty());
    assert_eq!(snap.status.modified, 1);
    assert_eq!(snap.status.untracked, 0);

    let heads: Vec<_> = snap.branches.iter().filter(|b| b.is_head).collect();
    assert_eq!(heads.len(), 1);
    assert_eq!(heads[0].name, "42-retry-flaky-uploads");
    // Most recent first: the branch being worked on leads.
    assert_eq!(snap.branches[0].name, "42-retry-flaky-uploads");

    let feature = branch(&snap, "42-retry-flaky-uploads");
    assert_eq!(
        feature.upstream.as_deref(),
        Some("origin/42-retry-flaky-uploads")
    );
    assert_eq!((feature.ahead, feature.behind), (2, 0));
    assert_eq!(feature.author, "octodemo");
    assert!(!feature.merged_into_default);

    let main = branch(&snap, "main");
    assert_eq!(main.upstream.as_deref(), Some("origin/main"));
    assert_eq!((main.ahead, main.behind), (0, 0));
    assert!(!main.merged_into_default);

    let dark = branch(&snap, "37-dark-mode");
    assert_eq!(dark.upstream.as_deref(), Some("origin/37-dark-mode"));
    assert_eq!((dark.ahead, dark.behind), (0, 1));
    assert!(!dark.merged_into_default);

    let spike = branch(&snap, "spike-cache");
    assert_eq!(spike.upstream, None);
    assert!(!spike.upstream_gone);
    assert!(!spike.merged_into_default);
    let spike_age = Utc::now() - spike.commit_time;
    assert!(
        spike_age > Duration::days(15) && spike_age < Duration::days(25),
        "{spike_age}"
    );

    let release = branch(&snap, "release-1.4");
    assert!(release.merged_into_default);
    assert_eq!((release.ahead, release.behind), (0, 0));
    let release_age = Utc::now() - release.commit_time;
    assert!(
        release_age > Duration::days(55) && release_age < Duration::days(65),
        "{release_age}"
    );

    for b in &snap.branches {
        assert!(!b.upstream_gone, "{}", b.name.raw());
        assert!(!b.summary.is_empty(), "{}", b.name.raw());
        assert!(
            ["octodemo", "alice", "bob"].contains(&b.author.as_str()),
            "{}",
            b.author
        );
    }
}

#[test]
fn demo_clone_is_consistent_with_its_remote() {
    let demo = create_demo_repo().expect("demo repository");
    let repo = Repository::open(&demo.workdir).expect("open clone");
    let remote = Repository::open_bare(&demo.remote).expect("open remote");

    let pushed: Vec<_> = demo.heads.iter().map(|(b, _)| b.as_str()).collect();
    assert_eq!(
        pushed,
        [
            "37-dark-mode",
            "42-retry-flaky-uploads",
            "main",
            "release-1.4"
        ]
    );
    for (branch, sha) in &demo.heads {
        let on_remote = remote
            .refname_to_id(&format!("refs/heads/{branch}"))
            .expect("remote branch");
        let tracking = repo
            .refname_to_id(&format!("refs/remotes/origin/{branch}"))
            .expect("remote-tracking ref");
        assert_eq!(on_remote.to_string(), *sha);
        assert_eq!(tracking, on_remote, "{branch}");
        // Every pushed commit is really in the remote's object database.
        remote.find_commit(on_remote).expect("commit on the remote");
    }
    assert!(repo
        .find_branch("origin/spike-cache", BranchType::Remote)
        .is_err());

    let origin_head = repo
        .find_reference("refs/remotes/origin/HEAD")
        .expect("origin/HEAD");
    assert_eq!(
        origin_head.symbolic_target().expect("utf-8"),
        Some("refs/remotes/origin/main")
    );
    assert_eq!(
        remote
            .find_reference("HEAD")
            .expect("remote HEAD")
            .symbolic_target()
            .expect("utf-8"),
        Some("refs/heads/main")
    );

    let local_config = repo
        .config()
        .and_then(|c| c.open_level(ConfigLevel::Local))
        .expect("local config");
    assert_eq!(
        local_config.get_string("user.name").expect("user.name"),
        "octodemo"
    );
    assert!(local_config.get_string("user.email").is_ok());
    assert_eq!(
        local_config
            .get_string("remote.origin.url")
            .expect("origin url"),
        demo.remote.to_str().expect("utf-8 path")
    );

    let commits = {
        let mut walk = repo.revwalk().expect("revwalk");
        walk.push_glob("refs/*").expect("push all refs");
        walk.count()
    };
    assert!((15..=25).contains(&commits), "{commits} commits");
    assert!(demo.workdir.join("src/main.rs").is_file());
    assert!(demo.workdir.join("README.md").is_file());
}

#[test]
fn discover_sees_the_demo_clone() {
    let demo = create_demo_repo().expect("demo repository");
    let info = discover(&demo.workdir.join("src")).expect("discover");
    assert_eq!(info.head_branch.as_deref(), Some("42-retry-flaky-uploads"));
    assert_eq!(info.remotes.len(), 1);
    assert_eq!(info.remotes[0].0, "origin");
}

#[test]
fn dropping_the_demo_deletes_it() {
    let demo = create_demo_repo().expect("demo repository");
    let root = demo.dir.path().to_path_buf();
    assert!(root.join("rocket").is_dir() && root.join("remote.git").is_dir());
    drop(demo);
    assert!(!root.exists());
}

/// The workflow files in the demo repository are the ones fakehub serves and runs: the jobs a
/// run shows are the jobs the file defines.
#[test]
fn the_demo_repository_holds_the_workflows_fakehub_runs() {
    let demo = create_demo_repo().expect("demo repository");
    let served = cockpit::fakehub::Scenario::demo().workflow_files(cockpit::fakehub::DEMO_REPO);
    assert_eq!(served.len(), 3);
    for (path, yaml) in &served {
        let committed = std::fs::read_to_string(demo.workdir.join(path))
            .unwrap_or_else(|e| panic!("{path} is not in the demo repository: {e}"));
        assert_eq!(&committed, yaml, "{path}");
    }
    let ci = std::fs::read_to_string(demo.workdir.join(".github/workflows/ci.yml")).expect("ci");
    for job in ["lint", "test", "build (release)"] {
        assert!(
            ci.contains(&format!("name: '{job}'")),
            "{job} missing:\n{ci}"
        );
    }
}
