//! Finding the repository cockpit was started in.

use std::path::Path;

use cockpit::git::{discover, RemoteError};
use git2::{Repository, RepositoryInitOptions, Signature};

fn init(path: &Path) -> Repository {
    Repository::init_opts(path, RepositoryInitOptions::new().initial_head("main"))
        .expect("init repository")
}

fn commit_file(repo: &Repository, name: &str) -> git2::Oid {
    let workdir = repo.workdir().expect("work tree");
    std::fs::write(workdir.join(name), name).expect("write file");
    let mut index = repo.index().expect("index");
    index.add_path(Path::new(name)).expect("add");
    index.write().expect("write index");
    let tree = repo
        .find_tree(index.write_tree().expect("tree"))
        .expect("find tree");
    let sig = Signature::now("test", "test@example.com").expect("signature");
    let parent = repo.head().ok().and_then(|h| h.peel_to_commit().ok());
    let parents: Vec<_> = parent.iter().collect();
    repo.commit(Some("HEAD"), &sig, &sig, name, &tree, &parents)
        .expect("commit")
}

#[test]
fn outside_a_repository() {
    let dir = tempfile::tempdir().expect("tempdir");
    let err = discover(dir.path()).expect_err("not a repository");
    assert!(matches!(err, RemoteError::NotARepository { .. }), "{err:?}");
    let message = err.to_string();
    assert!(
        message.contains("is not inside a git repository; run cockpit in a clone of a GitHub repository or pass --repo OWNER/NAME"),
        "{message}"
    );
}

#[test]
fn missing_directory() {
    let dir = tempfile::tempdir().expect("tempdir");
    let missing = dir.path().join("nope");
    let err = discover(&missing).expect_err("missing");
    assert!(
        matches!(err, RemoteError::NoSuchDirectory { .. }),
        "{err:?}"
    );
}

#[test]
fn bare_repository() {
    let dir = tempfile::tempdir().expect("tempdir");
    Repository::init_bare(dir.path()).expect("init bare");
    let err = discover(dir.path()).expect_err("bare");
    assert!(matches!(err, RemoteError::BareRepository { .. }), "{err:?}");
    assert!(err.to_string().contains("bare repository"), "{err}");
}

#[test]
fn from_a_subdirectory_with_remotes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let repo = init(dir.path());
    let sha = commit_file(&repo, "README.md");
    repo.remote(
        "origin",
        "https://x-access-token:ghp_secret@github.com/octo/rocket.git",
    )
    .expect("remote");
    repo.remote("upstream", "git@github.com:upstream/rocket.git")
        .expect("remote");
    let sub = dir.path().join("src/deep");
    std::fs::create_dir_all(&sub).expect("mkdir");

    let info = discover(&sub).expect("discover");
    let canonical = |p: &Path| p.canonicalize().expect("canonicalize");
    assert_eq!(canonical(&info.workdir), canonical(dir.path()));
    assert_eq!(
        canonical(&info.git_dir),
        canonical(&dir.path().join(".git"))
    );
    assert_eq!(info.head_branch.as_deref(), Some("main"));
    assert_eq!(info.head_sha, Some(sha.to_string()));
    assert_eq!(
        info.remotes,
        vec![
            (
                "origin".to_string(),
                "https://github.com/octo/rocket.git".to_string()
            ),
            (
                "upstream".to_string(),
                "git@github.com:upstream/rocket.git".to_string()
            ),
        ]
    );
}

#[test]
fn repository_without_commits() {
    let dir = tempfile::tempdir().expect("tempdir");
    init(dir.path());
    let info = discover(dir.path()).expect("discover");
    assert_eq!(info.head_branch.as_deref(), Some("main"));
    assert_eq!(info.head_sha, None);
    assert!(info.remotes.is_empty());
}

#[test]
fn detached_head() {
    let dir = tempfile::tempdir().expect("tempdir");
    let repo = init(dir.path());
    let first = commit_file(&repo, "a");
    commit_file(&repo, "b");
    repo.set_head_detached(first).expect("detach");
    let info = discover(dir.path()).expect("discover");
    assert_eq!(info.head_branch, None);
    assert_eq!(info.head_sha, Some(first.to_string()));
}
