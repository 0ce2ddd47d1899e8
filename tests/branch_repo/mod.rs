//! A repository with many local branches and upstreams, built in one `git fast-import` run so
//! that 5,000 branches take a second rather than minutes. Shared by the branch-listing tests
//! and the branches bench; needs the `git` command line.

#![allow(dead_code)] // each test binary uses its own part

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};

/// Commits on `main` the branches start from.
const MAINLINE: usize = 400;
const EPOCH: i64 = 1_700_000_000;

/// Whether the `git` command line can be run (tests comparing with it skip without it).
pub fn git_available() -> bool {
    Command::new("git")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

pub fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .output()
        .expect("run git");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The format whose figures cockpit's branch listing must match, and whose time it is
/// measured against.
pub const FOR_EACH_REF_FORMAT: &str =
    "--format=%(refname:short) %(upstream:track) %(ahead-behind:main)";

/// Builds, in the empty directory `dir`, a repository with `main` (tracking `origin/main`,
/// which is a few commits ahead) and `branches` other local branches `topic-NNNNN` started
/// from all over `main`'s history. Of every ten branches, one has no upstream, one an upstream
/// whose remote-tracking ref is gone, one points into `main` (merged), one in twenty tracks the
/// local `main`; the rest are in every mix of ahead of and behind their upstream, which some
/// share commits with and some not.
pub fn build(dir: &Path, branches: usize) {
    git(dir, &["init", "-q", "-b", "main", "."]);
    let mut stream = String::new();
    let mut mark = 0usize;
    let mut time = EPOCH;
    let mut commit = |stream: &mut String, refname: &str, from: Option<usize>, msg: &str| {
        mark += 1;
        time += 7;
        let _ = write!(
            stream,
            "commit {refname}\nmark :{mark}\n\
             author Alice <alice@example.com> {time} +0000\n\
             committer Alice <alice@example.com> {time} +0000\n\
             data {}\n{msg}\n",
            msg.len()
        );
        if let Some(from) = from {
            let _ = writeln!(stream, "from :{from}");
        }
        stream.push('\n');
        mark
    };

    let mut mainline = Vec::with_capacity(MAINLINE);
    for i in 0..MAINLINE {
        let parent = mainline.last().copied();
        mainline.push(commit(
            &mut stream,
            "refs/heads/main",
            parent,
            &format!("main {i}"),
        ));
    }
    let main_tip = *mainline.last().expect("mainline");
    let mut origin_main = main_tip;
    for i in 0..3 {
        origin_main = commit(
            &mut stream,
            "refs/remotes/origin/main",
            Some(origin_main),
            &format!("merged on GitHub {i}"),
        );
    }

    let mut config = String::from(
        "[remote \"origin\"]\n\turl = https://git.example.invalid/octo/rocket.git\n\
         \tfetch = +refs/heads/*:refs/remotes/origin/*\n\
         [branch \"main\"]\n\tremote = origin\n\tmerge = refs/heads/main\n",
    );
    for i in 0..branches {
        let name = format!("topic-{i:05}");
        let local = format!("refs/heads/{name}");
        let remote = format!("refs/remotes/origin/{name}");
        // Spread the starting points over the whole history, older ones first.
        let base = mainline[(i * 7919) % MAINLINE];
        let kind = i % 10;
        if kind == 2 {
            let _ = write!(stream, "reset {local}\nfrom :{base}\n\n");
            continue;
        }
        let mut tip = base;
        for k in 0..i % 3 {
            tip = commit(
                &mut stream,
                &local,
                Some(tip),
                &format!("{name} pushed {k}"),
            );
        }
        let pushed = tip;
        for k in 0..(i / 3) % 4 {
            tip = commit(&mut stream, &local, Some(tip), &format!("{name} local {k}"));
        }
        let _ = write!(stream, "reset {local}\nfrom :{tip}\n\n");
        if kind == 0 {
            continue;
        }
        if kind == 3 && (i / 10) % 2 == 0 {
            // Tracking the local main, as `git checkout -b topic main --track` sets up.
            let _ = write!(
                config,
                "[branch \"{name}\"]\n\tremote = .\n\tmerge = refs/heads/main\n"
            );
            continue;
        }
        let _ = write!(
            config,
            "[branch \"{name}\"]\n\tremote = origin\n\tmerge = refs/heads/{name}\n"
        );
        if kind == 1 {
            continue;
        }
        let mut theirs = pushed;
        for k in 0..(i / 12) % 3 {
            theirs = commit(
                &mut stream,
                &remote,
                Some(theirs),
                &format!("{name} theirs {k}"),
            );
        }
        let _ = write!(stream, "reset {remote}\nfrom :{theirs}\n\n");
    }
    let _ = write!(stream, "reset refs/heads/main\nfrom :{main_tip}\n\n");

    let mut child = Command::new("git")
        .args(["fast-import", "--quiet"])
        .current_dir(dir)
        .stdin(Stdio::piped())
        .spawn()
        .expect("git fast-import");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stream.as_bytes())
        .expect("feed fast-import");
    assert!(child.wait().expect("fast-import").success());

    let config_path = dir.join(".git/config");
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .open(&config_path)
        .expect("config");
    file.write_all(config.as_bytes()).expect("write config");
    git(
        dir,
        &[
            "symbolic-ref",
            "refs/remotes/origin/HEAD",
            "refs/remotes/origin/main",
        ],
    );
    // A clone's refs are packed; branches made since are loose. Packing all is the kinder
    // case for neither side, and what a repository with thousands of branches looks like.
    git(dir, &["pack-refs", "--all"]);
}

/// `git for-each-ref` over the local branches with [`FOR_EACH_REF_FORMAT`].
pub fn for_each_ref(dir: &Path) -> String {
    git(dir, &["for-each-ref", FOR_EACH_REF_FORMAT, "refs/heads"])
}
