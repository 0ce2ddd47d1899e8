//! cockpit's own git transports against real servers on this machine: fakehub's smart-HTTP
//! endpoint over plain http on 127.0.0.1 (push with a token, 401 without, a protected branch
//! declined, fetch), and ssh through a stand-in `ssh` command that runs git locally.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use cockpit::fakehub::{Clock, FakeHub, Scenario, DEMO_TOKEN};
use cockpit::git::{
    create_demo_repo, fetch, push_branch, push_current_branch, Cancel, DemoRepo, GitError,
    PushRejection, RemoteAuth, DEMO_DEFAULT_BRANCH, DEMO_FEATURE_BRANCH,
};
use cockpit::github::Token;
use git2::{Oid, Repository, Signature};

fn t0() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-22T10:00:00Z")
        .expect("time")
        .to_utc()
}

/// fakehub serving the demo's bare repository over smart HTTP, and the demo clone pointed at
/// it (origin = `http://127.0.0.1:PORT/acme/rocket.git`).
async fn setup() -> (FakeHub, DemoRepo) {
    let hub = FakeHub::start(Scenario::demo(), Clock::manual(t0()))
        .await
        .expect("fakehub");
    let demo = tokio::task::spawn_blocking(create_demo_repo)
        .await
        .expect("join")
        .expect("demo repo");
    for (branch, sha) in &demo.heads {
        hub.set_branch_head(branch, sha);
    }
    hub.attach_git(&demo.remote);
    let url = hub.git_url().expect("git url");
    let repo = Repository::open(&demo.workdir).expect("open");
    repo.remote_set_url("origin", &url).expect("set url");
    (hub, demo)
}

fn auth(hub: &FakeHub, token: &str) -> RemoteAuth {
    RemoteAuth::github(Token::new(token), &hub.base_url())
}

/// A commit on local branch `branch` (no checkout).
fn commit_on(path: &Path, branch: &str, file: &str) -> Oid {
    let repo = Repository::open(path).expect("open");
    let refname = format!("refs/heads/{branch}");
    let parent = repo
        .find_reference(&refname)
        .and_then(|r| r.peel_to_commit())
        .expect("tip");
    let mut tree = repo
        .treebuilder(Some(&parent.tree().expect("tree")))
        .expect("builder");
    let blob = repo.blob(file.as_bytes()).expect("blob");
    tree.insert(file, blob, 0o100644).expect("insert");
    let tree = repo.find_tree(tree.write().expect("write")).expect("tree");
    let sig = Signature::now("octodemo", "octodemo@example.com").expect("sig");
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

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    tokio::task::spawn_blocking(f).await.expect("join")
}

fn remote_tip(remote: &Path, branch: &str) -> Option<Oid> {
    Repository::open_bare(remote)
        .ok()?
        .refname_to_id(&format!("refs/heads/{branch}"))
        .ok()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn push_over_http_needs_a_valid_token() {
    let (hub, demo) = setup().await;
    let dir = demo.workdir.clone();
    let before = remote_tip(&demo.remote, DEMO_FEATURE_BRANCH);

    let d = dir.clone();
    let err = blocking(move || {
        push_current_branch(&d, None, &RemoteAuth::none(), &Cancel::new(), &mut |_| {})
    })
    .await
    .expect_err("no token");
    match &err {
        GitError::AuthFailed { detail, hint, .. } => {
            assert!(detail.contains("401"), "{detail}");
            assert!(hint.contains("no token"), "{hint}");
        }
        other => panic!("unexpected: {other:?}"),
    }

    let d = dir.clone();
    let bad = auth(&hub, "ghp_not_a_real_token_123");
    let err = blocking(move || push_current_branch(&d, None, &bad, &Cancel::new(), &mut |_| {}))
        .await
        .expect_err("bad token");
    assert!(matches!(err, GitError::AuthFailed { .. }), "{err:?}");
    assert!(err.to_string().contains("token may be expired"), "{err}");
    assert!(!err.to_string().contains("ghp_not_a_real_token_123"));
    assert_eq!(remote_tip(&demo.remote, DEMO_FEATURE_BRANCH), before);

    // The token went in a header, never in a URL.
    for r in hub.requests() {
        assert!(!r.path_and_query.contains("ghp_"), "{}", r.path_and_query);
        assert!(
            !r.path_and_query.contains(DEMO_TOKEN),
            "{}",
            r.path_and_query
        );
    }
    assert!(hub
        .requests()
        .iter()
        .any(|r| r.status == 401 && r.had_authorization_header));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn push_over_http_updates_the_remote_and_starts_ci() {
    let (hub, demo) = setup().await;
    let dir = demo.workdir.clone();
    let good = auth(&hub, DEMO_TOKEN);
    let mut reports = Vec::new();
    let out = blocking(move || {
        let mut seen = Vec::new();
        let out = push_current_branch(&dir, None, &good, &Cancel::new(), &mut |p| seen.push(p));
        (out, seen)
    })
    .await;
    let (out, seen) = out;
    reports.extend(seen);
    let out = out.expect("push");
    assert_eq!(out.branch, DEMO_FEATURE_BRANCH);
    assert_eq!(
        remote_tip(&demo.remote, DEMO_FEATURE_BRANCH).map(|o| o.to_string()),
        Some(out.sha.clone())
    );
    assert!(!reports.is_empty(), "progress was reported");

    // fakehub saw the push: the branch moved and CI runs for the pushed commit.
    let (head, runs) = hub.with_world(|w| {
        let repo = w.repo("acme/rocket").expect("repo");
        let head = repo.branch_sha(DEMO_FEATURE_BRANCH);
        let runs: Vec<(String, Option<u64>)> = repo
            .runs
            .iter()
            .filter(|r| r.sha.as_deref() == Some(out.sha.as_str()))
            .map(|r| (r.event.clone(), r.pr))
            .collect();
        (head, runs)
    });
    assert_eq!(head, out.sha);
    assert_eq!(
        runs,
        vec![("pull_request".to_string(), Some(43))],
        "PR 43 is open for the branch, so CI runs as pull_request"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn push_to_a_protected_branch_is_declined() {
    let (hub, demo) = setup().await;
    let dir = demo.workdir.clone();
    commit_on(&dir, DEMO_DEFAULT_BRANCH, "DIRECT.md");
    let before = remote_tip(&demo.remote, DEMO_DEFAULT_BRANCH);
    let good = auth(&hub, DEMO_TOKEN);
    let err = blocking(move || {
        push_branch(
            &dir,
            DEMO_DEFAULT_BRANCH,
            None,
            &good,
            &Cancel::new(),
            &mut |_| {},
        )
    })
    .await
    .expect_err("protected");
    match &err {
        GitError::PushRejected {
            branch, rejection, ..
        } => {
            assert_eq!(branch, DEMO_DEFAULT_BRANCH);
            assert_eq!(
                rejection,
                &PushRejection::Protected {
                    reason: "protected branch hook declined".into()
                }
            );
        }
        other => panic!("unexpected: {other:?}"),
    }
    assert!(err.to_string().contains("protected"), "{err}");
    assert_eq!(remote_tip(&demo.remote, DEMO_DEFAULT_BRANCH), before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn non_fast_forward_over_http() {
    let (hub, demo) = setup().await;
    // Someone else's commit on the remote branch.
    let bare = Repository::open_bare(&demo.remote).expect("bare");
    let refname = format!("refs/heads/{DEMO_FEATURE_BRANCH}");
    let theirs = {
        let parent = bare
            .find_reference(&refname)
            .and_then(|r| r.peel_to_commit())
            .expect("tip");
        let tree = parent.tree().expect("tree");
        let sig = Signature::now("bob", "bob@example.com").expect("sig");
        bare.commit(Some(&refname), &sig, &sig, "theirs", &tree, &[&parent])
            .expect("commit")
    };
    let dir = demo.workdir.clone();
    let good = auth(&hub, DEMO_TOKEN);
    let err = blocking(move || push_current_branch(&dir, None, &good, &Cancel::new(), &mut |_| {}))
        .await
        .expect_err("non-ff");
    assert!(
        matches!(
            &err,
            GitError::PushRejected {
                rejection: PushRejection::NonFastForward,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(remote_tip(&demo.remote, DEMO_FEATURE_BRANCH), Some(theirs));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fetch_over_http() {
    let (hub, demo) = setup().await;
    let bare = Repository::open_bare(&demo.remote).expect("bare");
    let refname = format!("refs/heads/{DEMO_DEFAULT_BRANCH}");
    let new_tip = {
        let parent = bare
            .find_reference(&refname)
            .and_then(|r| r.peel_to_commit())
            .expect("tip");
        let mut tree = bare
            .treebuilder(Some(&parent.tree().expect("tree")))
            .expect("builder");
        let blob = bare.blob(b"news\n").expect("blob");
        tree.insert("NEWS.md", blob, 0o100644).expect("insert");
        let tree = bare.find_tree(tree.write().expect("write")).expect("tree");
        let sig = Signature::now("bob", "bob@example.com").expect("sig");
        bare.commit(Some(&refname), &sig, &sig, "news", &tree, &[&parent])
            .expect("commit")
    };
    let dir = demo.workdir.clone();
    let good = auth(&hub, DEMO_TOKEN);
    let out = blocking(move || fetch(&dir, "origin", &good, &Cancel::new(), &mut |_| {}))
        .await
        .expect("fetch");
    assert!(out
        .updated_refs
        .contains(&"refs/remotes/origin/main".to_string()));
    let repo = Repository::open(&demo.workdir).expect("open");
    assert_eq!(
        repo.refname_to_id("refs/remotes/origin/main").expect("ref"),
        new_tip
    );
    let repo_blob = repo.find_commit(new_tip).expect("commit arrived");
    assert_eq!(repo_blob.summary(), Ok(Some("news")));
}

/// A stand-in for `ssh`: runs the requested git command locally (ignores the host), or fails
/// like ssh does when the key is refused.
fn fake_ssh(dir: &Path, refuse: bool) -> PathBuf {
    let script = dir.join(if refuse { "ssh-refuse" } else { "ssh-local" });
    let body = if refuse {
        "#!/bin/sh\necho 'git@fakehost: Permission denied (publickey).' >&2\nexit 255\n"
    } else {
        // The last argument is the remote command, e.g. git-receive-pack '/path/remote.git'.
        "#!/bin/sh\nfor last; do :; done\nexec sh -c \"$last\"\n"
    };
    std::fs::write(&script, body).expect("write script");
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    script
}

fn git_available() -> bool {
    std::process::Command::new("git-receive-pack")
        .arg("--help")
        .output()
        .is_ok()
}

#[test]
fn push_over_ssh_through_the_ssh_command() {
    if !git_available() {
        eprintln!("skipped: git-receive-pack is not installed");
        return;
    }
    let demo = create_demo_repo().expect("demo");
    let scripts = tempfile::tempdir().expect("tempdir");
    let url = format!("ssh://git@fakehost{}", demo.remote.display());
    Repository::open(&demo.workdir)
        .and_then(|r| r.remote_set_url("origin", &url))
        .expect("set url");

    let ok =
        RemoteAuth::none().with_ssh_command(fake_ssh(scripts.path(), false).display().to_string());
    let out = push_current_branch(&demo.workdir, None, &ok, &Cancel::new(), &mut |_| {})
        .expect("push over ssh");
    assert_eq!(
        remote_tip(&demo.remote, DEMO_FEATURE_BRANCH).map(|o| o.to_string()),
        Some(out.sha)
    );
    fetch(&demo.workdir, "origin", &ok, &Cancel::new(), &mut |_| {}).expect("fetch over ssh");

    let refused =
        RemoteAuth::none().with_ssh_command(fake_ssh(scripts.path(), true).display().to_string());
    commit_on(&demo.workdir, DEMO_FEATURE_BRANCH, "MORE.md");
    let err = push_current_branch(&demo.workdir, None, &refused, &Cancel::new(), &mut |_| {})
        .expect_err("refused");
    match &err {
        GitError::AuthFailed { detail, hint, .. } => {
            assert!(detail.contains("Permission denied"), "{detail}");
            assert!(hint.contains("ssh-add"), "{hint}");
        }
        other => panic!("unexpected: {other:?}"),
    }
}

#[test]
fn an_unreachable_http_remote_is_a_network_error() {
    let demo = create_demo_repo().expect("demo");
    // A port nothing listens on: bind one, then free it.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("port");
    Repository::open(&demo.workdir)
        .and_then(|r| r.remote_set_url("origin", &format!("http://127.0.0.1:{port}/a/b.git")))
        .expect("set url");
    let err = fetch(
        &demo.workdir,
        "origin",
        &RemoteAuth::none(),
        &Cancel::new(),
        &mut |_| {},
    )
    .expect_err("unreachable");
    assert!(matches!(err, GitError::Network { .. }), "{err:?}");
}

/// A server that accepts connections and never answers, until the guard is dropped (not for
/// a fixed time: on a busy machine the test may reach it late).
struct SilentServer(std::sync::Arc<std::sync::atomic::AtomicBool>);

impl Drop for SilentServer {
    fn drop(&mut self) {
        self.0.store(true, std::sync::atomic::Ordering::SeqCst);
    }
}

fn silent_server() -> (u16, SilentServer) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let stopped = stop.clone();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        listener.set_nonblocking(true).expect("nonblocking");
        while !stopped.load(std::sync::atomic::Ordering::SeqCst) {
            if let Ok((socket, _)) = listener.accept() {
                held.push(socket);
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    });
    (port, SilentServer(stop))
}

#[test]
fn a_stalled_transfer_can_be_cancelled_or_times_out() {
    let demo = create_demo_repo().expect("demo");
    let (port, _server) = silent_server();
    Repository::open(&demo.workdir)
        .and_then(|r| r.remote_set_url("origin", &format!("http://127.0.0.1:{port}/a/b.git")))
        .expect("set url");

    let cancel = Cancel::new();
    let trigger = cancel.clone();
    std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(300));
        trigger.cancel();
    });
    let started = std::time::Instant::now();
    let err = fetch(
        &demo.workdir,
        "origin",
        &RemoteAuth::none(),
        &cancel,
        &mut |_| {},
    )
    .expect_err("cancelled");
    assert!(matches!(err, GitError::Cancelled { .. }), "{err:?}");
    assert!(started.elapsed() < std::time::Duration::from_secs(3));

    let impatient = RemoteAuth::none().with_idle_timeout(std::time::Duration::from_millis(300));
    let started = std::time::Instant::now();
    let err = push_current_branch(&demo.workdir, None, &impatient, &Cancel::new(), &mut |_| {})
        .expect_err("timed out");
    match &err {
        GitError::Network { reason, .. } => assert!(reason.contains("no data"), "{reason}"),
        other => panic!("unexpected: {other:?}"),
    }
    assert!(started.elapsed() < std::time::Duration::from_secs(3));
}
