//! The throwaway repository behind `cockpit --demo` and many tests: "rocket", a small upload
//! tool, cloned from a local bare repository that stands in for GitHub.

mod content;

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use git2::build::CheckoutBuilder;
use git2::{
    BranchType, ConfigLevel, Oid, PushOptions, RemoteCallbacks, Repository, RepositoryInitOptions,
    Signature, Time,
};

use super::error::{Doing, GitError};
use content as c;

/// Branch names other parts of cockpit (the demo scenario of the GitHub simulation) refer to.
pub const DEMO_DEFAULT_BRANCH: &str = "main";
pub const DEMO_FEATURE_BRANCH: &str = "42-retry-flaky-uploads";
pub const DEMO_BEHIND_BRANCH: &str = "37-dark-mode";
pub const DEMO_RELEASE_BRANCH: &str = "release-1.4";
pub const DEMO_LOCAL_ONLY_BRANCH: &str = "spike-cache";
/// alice's pull request from her fork: the remote has its head only as `refs/pull/N/head`,
/// as GitHub keeps a fork's head in the base repository.
pub const DEMO_FORK_BRANCH: &str = "alice/faster-builds";
pub const DEMO_FORK_PULL: u64 = 46;

/// A demo clone and its "GitHub" remote, both inside one temporary directory.
#[derive(Debug)]
pub struct DemoRepo {
    /// Owns everything below; dropping the `DemoRepo` deletes it.
    pub dir: tempfile::TempDir,
    /// The working clone (`rocket/`), checked out on `42-retry-flaky-uploads`.
    pub workdir: PathBuf,
    /// The bare repository (`remote.git`) that is the clone's `origin`.
    pub remote: PathBuf,
    /// `(branch, sha)` of every branch on the remote, sorted by branch name.
    pub heads: Vec<(String, String)>,
    /// `(branch, sha)` of the fork's head ([`DEMO_FORK_BRANCH`]), not a branch of the remote.
    pub fork_head: (String, String),
}

/// Builds the demo repository. Commit times are relative to now, so the demo always looks like
/// recent work; everything else is the same on every run.
pub fn create_demo_repo() -> Result<DemoRepo, GitError> {
    // The demo pushes and fetches; keep transport registration ahead of any transport use.
    super::transport::register_once();
    let dir = tempfile::Builder::new()
        .prefix("cockpit-demo-")
        .tempdir()
        .doing(|| "creating a temporary directory for the demo repository".to_string())?;
    let remote = dir.path().join("remote.git");
    let workdir = dir.path().join("rocket");

    let bare = Repository::init_opts(
        &remote,
        RepositoryInitOptions::new()
            .bare(true)
            .initial_head(DEMO_DEFAULT_BRANCH),
    )
    .doing(|| format!("creating the demo remote at {}", remote.display()))?;
    let repo = Repository::init_opts(
        &workdir,
        RepositoryInitOptions::new().initial_head(DEMO_DEFAULT_BRANCH),
    )
    .doing(|| format!("creating the demo repository at {}", workdir.display()))?;
    configure(&repo, &remote)?;

    let history = History::write(&repo)?;
    publish(&repo, &history)?;
    finish_clone(&repo, &history)?;

    let heads = remote_heads(&bare)?;
    Ok(DemoRepo {
        dir,
        workdir,
        remote,
        heads,
        fork_head: (DEMO_FORK_BRANCH.to_string(), history.fork.to_string()),
    })
}

fn configure(repo: &Repository, remote: &Path) -> Result<(), GitError> {
    let doing = || "configuring the demo repository".to_string();
    // The local level only: the demo must never change the user's own git configuration.
    let mut config = repo
        .config()
        .and_then(|c| c.open_level(ConfigLevel::Local))
        .doing(doing)?;
    config.set_str("user.name", "octodemo").doing(doing)?;
    // The topic branches were made from their issues (see `branch_from_issue`).
    for (branch, issue) in [(DEMO_FEATURE_BRANCH, 42), (DEMO_BEHIND_BRANCH, 37)] {
        config
            .set_i64(
                &format!("branch.{branch}.{}", super::ops::ISSUE_CONFIG_KEY),
                issue,
            )
            .doing(doing)?;
    }
    config
        .set_str("user.email", "octodemo@users.noreply.github.com")
        .doing(doing)?;
    let url = remote.to_str().ok_or_else(|| GitError::Other {
        doing: doing(),
        reason: format!("the path {} is not valid UTF-8", remote.display()),
    })?;
    repo.remote("origin", url).doing(doing)?;
    Ok(())
}

/// The commits every branch is built from. Only `main`, `release-1.4` and the pushed parts of
/// the topic branches go to the remote; the rest stays local.
struct History {
    main: Oid,
    release: Oid,
    spike: Oid,
    dark_mode_local: Oid,
    dark_mode_pushed: Oid,
    feature_pushed: Oid,
    feature_local: Oid,
    fork: Oid,
}

struct Author {
    name: &'static str,
    email: &'static str,
    /// Minutes east of UTC: the demo team is spread over time zones, as real ones are.
    utc_offset: i32,
}

const OCTODEMO: Author = Author {
    name: "octodemo",
    email: "octodemo@users.noreply.github.com",
    utc_offset: 0,
};
const ALICE: Author = Author {
    name: "alice",
    email: "alice@example.com",
    utc_offset: 120,
};
const BOB: Author = Author {
    name: "bob",
    email: "bob@example.com",
    utc_offset: -300,
};

const HOUR: i64 = 3600;
const DAY: i64 = 24 * HOUR;

/// Paths and contents of one commit's tree.
type Files<'a> = BTreeMap<&'a str, &'a str>;

struct Writer<'r> {
    repo: &'r Repository,
    now: i64,
}

impl Writer<'_> {
    fn commit(
        &self,
        author: &Author,
        seconds_ago: i64,
        message: &str,
        files: &Files<'_>,
        parents: &[Oid],
    ) -> Result<Oid, GitError> {
        let doing = || format!("writing demo commit '{message}'");
        let time = Time::new(self.now - seconds_ago, author.utc_offset);
        let signature = Signature::new(author.name, author.email, &time).doing(doing)?;
        let entries: Vec<(&str, &str)> = files.iter().map(|(p, c)| (*p, *c)).collect();
        let tree_id = write_tree(self.repo, &entries).doing(doing)?;
        let tree = self.repo.find_tree(tree_id).doing(doing)?;
        let parents = parents
            .iter()
            .map(|id| self.repo.find_commit(*id))
            .collect::<Result<Vec<_>, _>>()
            .doing(doing)?;
        let parents: Vec<_> = parents.iter().collect();
        self.repo
            .commit(None, &signature, &signature, message, &tree, &parents)
            .doing(doing)
    }
}

/// Writes a tree from `(path, content)` pairs, building subdirectories recursively; the
/// commits are made in memory so that no branch has to be checked out while building history.
fn write_tree(repo: &Repository, files: &[(&str, &str)]) -> Result<Oid, git2::Error> {
    let mut builder = repo.treebuilder(None)?;
    let mut subdirs: BTreeMap<&str, Vec<(&str, &str)>> = BTreeMap::new();
    for &(path, content) in files {
        match path.split_once('/') {
            Some((dir, rest)) => subdirs.entry(dir).or_default().push((rest, content)),
            None => {
                let blob = repo.blob(content.as_bytes())?;
                builder.insert(path, blob, 0o100644)?;
            }
        }
    }
    for (dir, entries) in subdirs {
        let subtree = write_tree(repo, &entries)?;
        builder.insert(dir, subtree, 0o040000)?;
    }
    builder.write()
}

/// The workflow files fakehub serves for the demo repository: its commits hold the same files,
/// so the jobs a run shows are the jobs the file in the repository defines.
fn workflow_files() -> Vec<(String, String)> {
    crate::fakehub::Scenario::demo().workflow_files(crate::fakehub::DEMO_REPO)
}

impl History {
    fn write(repo: &Repository) -> Result<History, GitError> {
        let workflows = workflow_files();
        let workflow = |file: &str| {
            workflows
                .iter()
                .find(|(path, _)| path.ends_with(&format!("/{file}")))
                .map(|(path, yaml)| (path.as_str(), yaml.as_str()))
                .ok_or_else(|| GitError::Other {
                    doing: "writing the demo's workflow files".into(),
                    reason: format!("the demo scenario has no {file}"),
                })
        };
        let w = Writer {
            repo,
            now: chrono::Utc::now().timestamp(),
        };

        let mut files = Files::from([
            (".gitignore", c::GITIGNORE),
            ("README.md", c::README_V1),
            ("Cargo.toml", c::CARGO_V1),
            ("src/main.rs", c::MAIN_V1),
            ("src/upload.rs", c::UPLOAD_V1),
        ]);
        let imported = w.commit(
            &OCTODEMO,
            96 * DAY + 5 * HOUR,
            "Import rocket 1.3 from the tools monorepo",
            &files,
            &[],
        )?;
        files.insert("src/upload.rs", c::UPLOAD_V2);
        files.insert("src/main.rs", c::MAIN_V2);
        let chunks = w.commit(
            &ALICE,
            90 * DAY + 2 * HOUR,
            "Upload in 8 MiB chunks, --parallel of them at a time",
            &files,
            &[imported],
        )?;
        files.insert("src/upload.rs", c::UPLOAD_PROGRESS);
        files.insert("src/main.rs", c::MAIN_V3);
        files.insert("src/progress.rs", c::PROGRESS_V1);
        let progress = w.commit(
            &BOB,
            75 * DAY + 7 * HOUR,
            "Show a progress bar while uploading",
            &files,
            &[chunks],
        )?;

        let mut release_files = files.clone();
        release_files.insert("src/progress.rs", c::PROGRESS_V2);
        let overflow_fix = w.commit(
            &BOB,
            66 * DAY + 3 * HOUR,
            "Fix progress bar overflow on files larger than 4 GiB",
            &release_files,
            &[progress],
        )?;
        release_files.insert("Cargo.toml", c::CARGO_V2_RELEASE);
        release_files.insert("CHANGELOG.md", c::CHANGELOG);
        let release = w.commit(
            &OCTODEMO,
            60 * DAY + 4 * HOUR,
            "Release 1.4.0",
            &release_files,
            &[overflow_fix],
        )?;

        files.insert("README.md", c::README_V2);
        let config_docs = w.commit(
            &ALICE,
            70 * DAY + HOUR,
            "Document the config file",
            &files,
            &[progress],
        )?;
        files.insert("src/progress.rs", c::PROGRESS_V2);
        files.insert("Cargo.toml", c::CARGO_V2_RELEASE);
        files.insert("CHANGELOG.md", c::CHANGELOG);
        let merge = w.commit(
            &OCTODEMO,
            59 * DAY + 6 * HOUR,
            "Merge branch 'release-1.4'",
            &files,
            &[config_docs, release],
        )?;
        files.insert("src/upload.rs", c::UPLOAD_V3);
        let resume = w.commit(
            &ALICE,
            45 * DAY + 3 * HOUR,
            "Resume interrupted uploads after the last acknowledged chunk",
            &files,
            &[merge],
        )?;
        let (path, yaml) = workflow("ci.yml")?;
        files.insert(path, yaml);
        let ci = w.commit(
            &BOB,
            33 * DAY + 8 * HOUR,
            "Run clippy and the tests in CI",
            &files,
            &[resume],
        )?;

        let mut spike_files = files.clone();
        spike_files.insert("src/cache.rs", c::CACHE_SPIKE);
        spike_files.insert("src/main.rs", c::MAIN_SPIKE_CACHE);
        let spike = w.commit(
            &BOB,
            20 * DAY + 5 * HOUR,
            "Spike: cache chunk hashes between runs",
            &spike_files,
            &[ci],
        )?;

        for file in ["deploy.yml", "nightly.yml"] {
            let (path, yaml) = workflow(file)?;
            files.insert(path, yaml);
        }
        let deploys = w.commit(
            &OCTODEMO,
            30 * DAY + 6 * HOUR,
            "Deploy to staging and production from Actions; nightly tests",
            &files,
            &[ci],
        )?;
        files.insert("src/main.rs", c::MAIN_V4);
        let throughput = w.commit(
            &OCTODEMO,
            26 * DAY + 2 * HOUR,
            "Log the upload throughput when done",
            &files,
            &[deploys],
        )?;
        files.insert("src/upload.rs", c::UPLOAD_V4);
        let too_many_requests = w.commit(
            &ALICE,
            16 * DAY + 4 * HOUR,
            "Treat HTTP 429 as retryable and honour Retry-After",
            &files,
            &[throughput],
        )?;

        let mut dark_files = files.clone();
        dark_files.insert("src/color.rs", c::COLOR_V1);
        dark_files.insert("src/main.rs", c::MAIN_DARK_MODE);
        let dark_mode_local = w.commit(
            &ALICE,
            12 * DAY + 3 * HOUR,
            "Add --color=auto|always|never",
            &dark_files,
            &[too_many_requests],
        )?;
        dark_files.insert("src/color.rs", c::COLOR_V2);
        let dark_mode_pushed = w.commit(
            &BOB,
            7 * DAY + 6 * HOUR,
            "Dark mode: dimmer progress bar colours",
            &dark_files,
            &[dark_mode_local],
        )?;

        files.insert("Cargo.toml", c::CARGO_V3);
        let bump = w.commit(
            &BOB,
            9 * DAY + 2 * HOUR,
            "Bump reqwest to 0.12",
            &files,
            &[too_many_requests],
        )?;
        files.insert("README.md", c::README_V3);
        let readme = w.commit(
            &OCTODEMO,
            5 * DAY + 5 * HOUR,
            "README: install with cargo install",
            &files,
            &[bump],
        )?;
        // The topic branch started here; main moved on (what staging runs and production not yet).
        let mut topic_files = files.clone();
        files.insert("README.md", c::README_V4);
        let exit_codes = w.commit(
            &ALICE,
            3 * DAY + 2 * HOUR,
            "Document exit codes (#36)",
            &files,
            &[readme],
        )?;
        files.insert("src/config.rs", c::CONFIG_XDG);
        let xdg = w.commit(
            &BOB,
            DAY + 3 * HOUR,
            "Config: read XDG_CONFIG_HOME",
            &files,
            &[exit_codes],
        )?;
        files.insert("src/telemetry.rs", c::TELEMETRY_BATCH);
        let main = w.commit(
            &ALICE,
            4 * HOUR,
            "Telemetry: send events in batches (#41)",
            &files,
            &[xdg],
        )?;

        // alice's fork started where the topic branch did.
        let mut fork_files = topic_files.clone();
        let mut files = std::mem::take(&mut topic_files);
        files.insert("src/retry.rs", c::RETRY_V1);
        files.insert("src/upload.rs", c::UPLOAD_RETRY);
        let feature_pushed = w.commit(
            &OCTODEMO,
            3 * DAY + 4 * HOUR,
            "Retry chunk uploads when the connection resets (#42)",
            &files,
            &[readme],
        )?;
        files.insert("src/retry.rs", c::RETRY_V2);
        files.insert("Cargo.toml", c::CARGO_RETRY_JITTER);
        let jitter = w.commit(
            &OCTODEMO,
            26 * HOUR,
            "Back off exponentially, with jitter, between retries",
            &files,
            &[feature_pushed],
        )?;
        files.insert("src/retry.rs", c::RETRY_V3);
        files.insert("src/main.rs", c::MAIN_RETRY_BUDGET);
        let feature_local = w.commit(
            &OCTODEMO,
            3 * HOUR,
            "Cap the time spent retrying with --retry-budget",
            &files,
            &[jitter],
        )?;

        fork_files.insert(".cargo/config.toml", c::CARGO_CONFIG_FORK);
        let fork = w.commit(
            &ALICE,
            26 * HOUR,
            "CI: cache cargo registry and target dir",
            &fork_files,
            &[readme],
        )?;

        Ok(History {
            fork,
            main,
            release,
            spike,
            dark_mode_local,
            dark_mode_pushed,
            feature_pushed,
            feature_local,
        })
    }
}

fn set_branch(repo: &Repository, branch: &str, target: Oid) -> Result<(), GitError> {
    // A plain ref update rather than `Repository::branch`, which refuses to move the branch HEAD
    // names even before anything is checked out.
    repo.reference(&format!("refs/heads/{branch}"), target, true, "demo setup")
        .map(|_| ())
        .doing(|| format!("pointing demo branch '{branch}' at {target}"))
}

/// Pushes the remote's state of every published branch, then fetches so the clone's
/// remote-tracking refs are exactly what the remote holds.
fn publish(repo: &Repository, history: &History) -> Result<(), GitError> {
    let published = [
        (DEMO_DEFAULT_BRANCH, history.main),
        (DEMO_RELEASE_BRANCH, history.release),
        (DEMO_BEHIND_BRANCH, history.dark_mode_pushed),
        (DEMO_FEATURE_BRANCH, history.feature_pushed),
    ];
    for (branch, target) in published {
        set_branch(repo, branch, target)?;
    }
    let refspecs: Vec<String> = published
        .iter()
        .map(|(branch, _)| format!("+refs/heads/{branch}:refs/heads/{branch}"))
        .collect();
    push(repo, &refspecs)?;
    // The fork's commit reaches the remote as GitHub stores it; no local ref keeps it.
    let scratch = "refs/cockpit-demo/fork";
    repo.reference(scratch, history.fork, true, "demo setup")
        .doing(|| "writing the fork's head".to_string())?;
    push(
        repo,
        &[format!("+{scratch}:refs/pull/{DEMO_FORK_PULL}/head")],
    )?;
    if let Ok(mut r) = repo.find_reference(scratch) {
        let _ = r.delete();
    }

    let doing = || "fetching from the demo remote".to_string();
    let mut origin = repo.find_remote("origin").doing(doing)?;
    origin
        .fetch(&[] as &[&str], None, Some("demo setup"))
        .doing(doing)?;
    Ok(())
}

fn push(repo: &Repository, refspecs: &[String]) -> Result<(), GitError> {
    let doing = || "pushing to the demo remote".to_string();
    let mut origin = repo.find_remote("origin").doing(doing)?;
    let rejected = RefCell::new(Vec::new());
    {
        let mut callbacks = RemoteCallbacks::new();
        // A rejected ref is not an error of `push` itself; it only shows up here.
        callbacks.push_update_reference(|refname, status| {
            if let Some(status) = status {
                rejected.borrow_mut().push(format!("{refname}: {status}"));
            }
            Ok(())
        });
        let mut options = PushOptions::new();
        options.remote_callbacks(callbacks);
        origin.push(refspecs, Some(&mut options)).doing(doing)?;
    }
    let rejected = rejected.into_inner();
    if rejected.is_empty() {
        Ok(())
    } else {
        Err(GitError::Other {
            doing: doing(),
            reason: format!("the remote rejected {}", rejected.join(", ")),
        })
    }
}

/// Moves the topic branches to their local state, sets upstreams and `origin/HEAD`, checks out
/// the feature branch and leaves an uncommitted edit in it.
fn finish_clone(repo: &Repository, history: &History) -> Result<(), GitError> {
    set_branch(repo, DEMO_BEHIND_BRANCH, history.dark_mode_local)?;
    set_branch(repo, DEMO_FEATURE_BRANCH, history.feature_local)?;
    set_branch(repo, DEMO_LOCAL_ONLY_BRANCH, history.spike)?;

    for branch in [
        DEMO_DEFAULT_BRANCH,
        DEMO_RELEASE_BRANCH,
        DEMO_BEHIND_BRANCH,
        DEMO_FEATURE_BRANCH,
    ] {
        let doing = || format!("setting the upstream of demo branch '{branch}'");
        let mut local = repo.find_branch(branch, BranchType::Local).doing(doing)?;
        local
            .set_upstream(Some(&format!("origin/{branch}")))
            .doing(doing)?;
    }
    repo.reference_symbolic(
        "refs/remotes/origin/HEAD",
        &format!("refs/remotes/origin/{DEMO_DEFAULT_BRANCH}"),
        true,
        "demo setup",
    )
    .doing(|| "setting origin/HEAD in the demo repository".to_string())?;

    let doing = || format!("checking out '{DEMO_FEATURE_BRANCH}' in the demo repository");
    repo.set_head(&format!("refs/heads/{DEMO_FEATURE_BRANCH}"))
        .doing(doing)?;
    repo.checkout_head(Some(CheckoutBuilder::new().force()))
        .doing(doing)?;

    let workdir = repo.workdir().ok_or_else(|| GitError::Other {
        doing: doing(),
        reason: "the demo repository has no working tree".to_string(),
    })?;
    let edited = workdir.join("src/retry.rs");
    let edit = || format!("editing {}", edited.display());
    let mut text = std::fs::read_to_string(&edited).doing(edit)?;
    text.push_str(c::RETRY_WORK_IN_PROGRESS);
    std::fs::write(&edited, text).doing(edit)?;
    Ok(())
}

fn remote_heads(bare: &Repository) -> Result<Vec<(String, String)>, GitError> {
    let doing = || "listing the branches of the demo remote".to_string();
    let mut heads = Vec::new();
    for reference in bare.references_glob("refs/heads/*").doing(doing)? {
        let reference = reference.doing(doing)?;
        if let (Ok(name), Some(target)) = (reference.name(), reference.target()) {
            let branch = name.strip_prefix("refs/heads/").unwrap_or(name);
            heads.push((branch.to_string(), target.to_string()));
        }
    }
    heads.sort();
    Ok(heads)
}
