//! Branch snapshots of hand-made repositories: odd states and many branches.

use std::path::Path;

use cockpit::git::{snapshot, GitError, WorkTreeStatus};
use git2::{BranchType, Oid, Repository, RepositoryInitOptions, Signature, Time};

fn init(path: &Path) -> Repository {
    Repository::init_opts(path, RepositoryInitOptions::new().initial_head("main"))
        .expect("init repository")
}

/// A commit on top of `parent` with the same tree plus one file, `seconds` after the epoch base.
fn commit(repo: &Repository, parent: Option<Oid>, file: &str, seconds: i64) -> Oid {
    let mut builder = match parent {
        Some(p) => {
            let tree = repo
                .find_commit(p)
                .and_then(|c| c.tree())
                .expect("parent tree");
            repo.treebuilder(Some(&tree)).expect("treebuilder")
        }
        None => repo.treebuilder(None).expect("treebuilder"),
    };
    let blob = repo.blob(file.as_bytes()).expect("blob");
    builder.insert(file, blob, 0o100644).expect("insert");
    let tree = repo
        .find_tree(builder.write().expect("write tree"))
        .expect("tree");
    let sig = Signature::new(
        "alice",
        "alice@example.com",
        &Time::new(1_700_000_000 + seconds, 0),
    )
    .expect("signature");
    let parents: Vec<_> = parent
        .map(|p| repo.find_commit(p).expect("parent"))
        .into_iter()
        .collect();
    let parents: Vec<_> = parents.iter().collect();
    repo.commit(None, &sig, &sig, &format!("add {file}"), &tree, &parents)
        .expect("commit")
}

fn set_ref(repo: &Repository, name: &str, target: Oid) {
    repo.reference(name, target, true, "test").expect("ref");
}

fn checkout_main(repo: &Repository) {
    repo.set_head("refs/heads/main").expect("set head");
    repo.checkout_head(Some(git2::build::CheckoutBuilder::new().force()))
        .expect("checkout");
}

#[test]
fn empty_repository() {
    let dir = tempfile::tempdir().expect("tempdir");
    init(dir.path());
    std::fs::write(dir.path().join("notes.txt"), "draft").expect("write");
    let snap = snapshot(dir.path(), None).expect("snapshot of an empty repository");
    assert!(snap.branches.is_empty());
    assert_eq!(snap.default_branch, None);
    assert_eq!(
        snap.status,
        WorkTreeStatus {
            untracked: 1,
            ..WorkTreeStatus::default()
        }
    );
    assert!(!snap.status.is_dirty());
}

#[test]
fn detached_head() {
    let dir = tempfile::tempdir().expect("tempdir");
    let repo = init(dir.path());
    let first = commit(&repo, None, "a", 0);
    let second = commit(&repo, Some(first), "b", 60);
    set_ref(&repo, "refs/heads/main", second);
    checkout_main(&repo);
    repo.set_head_detached(first).expect("detach");

    let snap = snapshot(dir.path(), None).expect("snapshot");
    assert_eq!(snap.branches.len(), 1);
    assert!(!snap.branches[0].is_head);
    assert_eq!(snap.default_branch.as_deref(), Some("main"));
}

#[test]
fn not_a_repository() {
    let dir = tempfile::tempdir().expect("tempdir");
    let err = snapshot(dir.path(), None).expect_err("no repository");
    assert!(matches!(err, GitError::NotARepository { .. }), "{err:?}");
}

#[test]
fn working_tree_counts() {
    let dir = tempfile::tempdir().expect("tempdir");
    let repo = init(dir.path());
    let mut tip = commit(&repo, None, "a", 0);
    tip = commit(&repo, Some(tip), "b", 1);
    tip = commit(&repo, Some(tip), "c", 2);
    set_ref(&repo, "refs/heads/main", tip);
    checkout_main(&repo);

    std::fs::write(dir.path().join("a"), "changed").expect("write");
    std::fs::write(dir.path().join("b"), "staged").expect("write");
    std::fs::write(dir.path().join("new"), "staged new file").expect("write");
    let mut index = repo.index().expect("index");
    index.add_path(Path::new("b")).expect("add");
    index.add_path(Path::new("new")).expect("add");
    index.write().expect("write index");
    std::fs::write(dir.path().join("b"), "staged, then changed again").expect("write");
    std::fs::create_dir(dir.path().join("scratch")).expect("mkdir");
    std::fs::write(dir.path().join("scratch/1"), "").expect("write");
    std::fs::write(dir.path().join("scratch/2"), "").expect("write");

    let status = snapshot(dir.path(), None).expect("snapshot").status;
    assert_eq!(
        status,
        WorkTreeStatus {
            modified: 2,
            staged: 2,
            untracked: 1,
            conflicted: 0
        }
    );
    assert!(status.is_dirty());
}

#[test]
fn upstreams_gone_and_merged_against_remote_tracking_default() {
    let dir = tempfile::tempdir().expect("tempdir");
    let repo = init(dir.path());
    repo.remote("origin", "https://github.com/octo/rocket.git")
        .expect("remote");
    let base = commit(&repo, None, "base", 0);
    let feature = commit(&repo, Some(base), "feature", 10);
    let merged_on_github = commit(&repo, Some(feature), "merge", 20);
    let fresh = commit(&repo, Some(base), "fresh", 30);

    // Local main is stale; origin/main already has the feature (merged on GitHub, fetched).
    set_ref(&repo, "refs/heads/main", base);
    set_ref(&repo, "refs/remotes/origin/main", merged_on_github);
    set_ref(&repo, "refs/heads/feature", feature);
    set_ref(&repo, "refs/remotes/origin/feature", feature);
    set_ref(&repo, "refs/heads/fresh", fresh);
    set_ref(&repo, "refs/heads/just-created", base);
    checkout_main(&repo);
    for (branch, upstream) in [("main", "origin/main"), ("feature", "origin/feature")] {
        repo.find_branch(branch, BranchType::Local)
            .and_then(|mut b| b.set_upstream(Some(upstream)))
            .expect("set upstream");
    }
    // The remote branch was deleted after the merge and pruned locally.
    repo.find_reference("refs/remotes/origin/feature")
        .and_then(|mut r| r.delete())
        .expect("delete remote-tracking ref");

    let snap = snapshot(dir.path(), None).expect("snapshot");
    assert_eq!(snap.default_branch.as_deref(), Some("main"));
    let by_name = |name: &str| {
        snap.branches
            .iter()
            .find(|b| b.name == name)
            .unwrap_or_else(|| panic!("branch {name} missing"))
    };

    let main = by_name("main");
    assert!(main.is_head);
    assert_eq!((main.ahead, main.behind), (0, 2));
    assert!(!main.merged_into_default);

    let feature = by_name("feature");
    assert_eq!(feature.upstream.as_deref(), Some("origin/feature"));
    assert!(feature.upstream_gone);
    assert_eq!((feature.ahead, feature.behind), (0, 0));
    assert!(feature.merged_into_default);

    let fresh = by_name("fresh");
    assert_eq!(fresh.upstream, None);
    assert!(!fresh.upstream_gone);
    assert!(!fresh.merged_into_default);

    // Same commit as main: no work on it yet, so it is not offered for deletion.
    assert!(!by_name("just-created").merged_into_default);

    let names: Vec<_> = snap.branches.iter().map(|b| b.name.as_str()).collect();
    assert_eq!(names, ["fresh", "feature", "just-created", "main"]);
}

#[test]
fn given_default_branch_wins() {
    let dir = tempfile::tempdir().expect("tempdir");
    let repo = init(dir.path());
    let base = commit(&repo, None, "base", 0);
    let develop = commit(&repo, Some(base), "develop", 10);
    let topic = commit(&repo, Some(base), "topic", 5);
    let develop_merge = commit(&repo, Some(develop), "m", 20);
    set_ref(&repo, "refs/heads/main", base);
    set_ref(&repo, "refs/heads/develop", develop_merge);
    set_ref(&repo, "refs/heads/old", develop);
    set_ref(&repo, "refs/heads/topic", topic);
    checkout_main(&repo);

    let snap = snapshot(dir.path(), Some("develop")).expect("snapshot");
    assert_eq!(snap.default_branch.as_deref(), Some("develop"));
    let merged: Vec<_> = snap
        .branches
        .iter()
        .filter(|b| b.merged_into_default)
        .map(|b| b.name.as_str())
        .collect();
    assert_eq!(merged, ["old", "main"]);
}

#[test]
fn three_hundred_branches() {
    let dir = tempfile::tempdir().expect("tempdir");
    let repo = init(dir.path());
    repo.remote("origin", "https://github.com/octo/rocket.git")
        .expect("remote");
    let mut mainline = vec![commit(&repo, None, "f0", 0)];
    for i in 1..40 {
        let parent = mainline[i - 1];
        mainline.push(commit(
            &repo,
            Some(parent),
            &format!("f{i}"),
            i as i64 * 100,
        ));
    }
    let main_tip = *mainline.last().expect("mainline");
    set_ref(&repo, "refs/heads/main", main_tip);
    set_ref(&repo, "refs/remotes/origin/main", main_tip);
    repo.reference_symbolic(
        "refs/remotes/origin/HEAD",
        "refs/remotes/origin/main",
        true,
        "test",
    )
    .expect("origin/HEAD");
    checkout_main(&repo);

    for i in 0..299 {
        let base = mainline[i % 39];
        let name = format!("topic-{i:03}");
        // Every third branch is merged (it points into main's history); the others carry work,
        // half of it pushed and one commit ahead of the push.
        if i % 3 == 0 {
            set_ref(&repo, &format!("refs/heads/{name}"), base);
            continue;
        }
        let pushed = commit(&repo, Some(base), &format!("{name}-1"), 10_000 + i as i64);
        let local = commit(&repo, Some(pushed), &format!("{name}-2"), 20_000 + i as i64);
        set_ref(&repo, &format!("refs/heads/{name}"), local);
        if i % 2 == 0 {
            set_ref(&repo, &format!("refs/remotes/origin/{name}"), pushed);
            repo.find_branch(&name, BranchType::Local)
                .and_then(|mut b| b.set_upstream(Some(&format!("origin/{name}"))))
                .expect("upstream");
        }
    }

    let snap = snapshot(dir.path(), None).expect("snapshot");
    assert_eq!(snap.branches.len(), 300);
    assert_eq!(snap.default_branch.as_deref(), Some("main"));
    assert!(snap
        .branches
        .windows(2)
        .all(|w| w[0].commit_time >= w[1].commit_time));
    let merged = snap
        .branches
        .iter()
        .filter(|b| b.merged_into_default)
        .count();
    assert_eq!(merged, 100);
    let tracked: Vec<_> = snap
        .branches
        .iter()
        .filter(|b| b.upstream.is_some())
        .collect();
    assert_eq!(tracked.len(), 100);
    assert!(tracked.iter().all(|b| (b.ahead, b.behind) == (1, 0)));
}

#[path = "branch_repo/mod.rs"]
mod branch_repo;

/// Upstream ahead/behind, gone upstreams and "merged" agree with git's own for-each-ref on a
/// repository whose branches diverge from their upstreams in every way.
#[test]
fn figures_match_git_for_each_ref() {
    if !branch_repo::git_available() {
        eprintln!("skipped: no git command line");
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    branch_repo::build(dir.path(), 240);
    let snap = snapshot(dir.path(), None).expect("snapshot");
    assert_eq!(snap.default_branch.as_deref(), Some("main"));
    assert_eq!(snap.branches.len(), 241);

    let track = |b: &cockpit::git::BranchInfo| match (&b.upstream, b.upstream_gone) {
        (None, _) => String::new(),
        (Some(_), true) => "[gone]".to_string(),
        (Some(_), false) => match (b.ahead, b.behind) {
            (0, 0) => String::new(),
            (a, 0) => format!("[ahead {a}]"),
            (0, b) => format!("[behind {b}]"),
            (a, b) => format!("[ahead {a}, behind {b}]"),
        },
    };
    let mut ours: Vec<String> = snap
        .branches
        .iter()
        .map(|b| format!("{} {}", b.name.raw(), track(b)))
        .collect();
    ours.sort();
    let theirs = branch_repo::git(
        dir.path(),
        &[
            "for-each-ref",
            "--format=%(refname:short) %(upstream:track)",
            "refs/heads",
        ],
    );
    let mut theirs: Vec<String> = theirs.lines().map(str::to_string).collect();
    theirs.sort();
    assert_eq!(ours, theirs);
    // Every kind of branch the generator makes is there.
    for kind in ["[gone]", "[ahead ", "[behind ", ", behind "] {
        assert!(ours.iter().any(|l| l.contains(kind)), "no {kind} branch");
    }

    let upstreams = branch_repo::git(
        dir.path(),
        &[
            "for-each-ref",
            "--format=%(refname:short) %(upstream:short)",
            "refs/heads",
        ],
    );
    let mut ours: Vec<String> = snap
        .branches
        .iter()
        .map(|b| {
            format!(
                "{} {}",
                b.name.raw(),
                b.upstream.as_deref().unwrap_or_default()
            )
        })
        .collect();
    ours.sort();
    let mut theirs: Vec<String> = upstreams.lines().map(str::to_string).collect();
    theirs.sort();
    assert_eq!(ours, theirs);

    // Merged: reachable from main or origin/main, and not main's own tip.
    let merged = branch_repo::git(
        dir.path(),
        &[
            "for-each-ref",
            "--format=%(refname:short)",
            "--merged=main",
            "--merged=origin/main",
            "--no-contains=main",
            "refs/heads",
        ],
    );
    let mut theirs: Vec<&str> = merged.lines().collect();
    theirs.sort();
    let mut ours: Vec<&str> = snap
        .branches
        .iter()
        .filter(|b| b.merged_into_default)
        .map(|b| b.name.as_str())
        .collect();
    ours.sort();
    assert!(!ours.is_empty());
    assert_eq!(ours, theirs);
}

/// Commits made within the same second (a rebase, a script) give the date-ordered walk no
/// order to go by; the counts must still be git's.
#[test]
fn same_second_commits_count_as_git_counts() {
    if !branch_repo::git_available() {
        eprintln!("skipped: no git command line");
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let repo = init(dir.path());
    repo.remote("origin", "https://git.example.invalid/octo/rocket.git")
        .expect("remote");
    let mut mainline = vec![commit(&repo, None, "m0", 0)];
    for i in 1..30 {
        let parent = mainline[i - 1];
        mainline.push(commit(&repo, Some(parent), &format!("m{i}"), 0));
    }
    set_ref(&repo, "refs/heads/main", mainline[29]);
    checkout_main(&repo);
    let cases = [(3, 5, 2, 4), (0, 20, 1, 0), (7, 7, 0, 3), (25, 2, 6, 1)];
    for (n, &(local_base, remote_base, ours, theirs)) in cases.iter().enumerate() {
        let name = format!("t{n}");
        let mut local = mainline[local_base];
        for k in 0..ours {
            local = commit(&repo, Some(local), &format!("{name}-l{k}"), 0);
        }
        let mut remote = mainline[remote_base];
        for k in 0..theirs {
            remote = commit(&repo, Some(remote), &format!("{name}-r{k}"), 0);
        }
        set_ref(&repo, &format!("refs/heads/{name}"), local);
        set_ref(&repo, &format!("refs/remotes/origin/{name}"), remote);
        repo.find_branch(&name, BranchType::Local)
            .and_then(|mut b| b.set_upstream(Some(&format!("origin/{name}"))))
            .expect("upstream");
    }
    let snap = snapshot(dir.path(), None).expect("snapshot");
    for n in 0..cases.len() {
        let name = format!("t{n}");
        let b = snap
            .branches
            .iter()
            .find(|b| b.name == name)
            .expect("branch");
        let counts = branch_repo::git(
            dir.path(),
            &[
                "rev-list",
                "--left-right",
                "--count",
                &format!("{name}...origin/{name}"),
            ],
        );
        assert_eq!(
            counts.trim(),
            format!("{}\t{}", b.ahead, b.behind),
            "branch {name}"
        );
    }
}
