//! `cockpit --demo`: fakehub on 127.0.0.1 plus a throwaway git repository, wired together so
//! the real dashboard runs against them with no token and no network. Dropping `Demo` stops
//! the server and deletes the repository.

use crate::fakehub::{FakeHub, RemoteWatch, DEMO_REPO, DEMO_TOKEN, DEMO_USER};
use crate::git::{create_demo_repo, DemoRepo};

pub struct Demo {
    pub hub: FakeHub,
    pub repo: DemoRepo,
    /// Turns pushes to the demo's bare remote into pushes on fakehub (with CI runs); stops
    /// when the demo is dropped.
    pub remote_watch: RemoteWatch,
}

impl Demo {
    pub async fn start() -> anyhow::Result<Demo> {
        let hub = FakeHub::start_demo().await?;
        Demo::with_hub(hub).await
    }

    /// Builds the demo repository and tells `hub` the real shas of the pushed branches, so
    /// runs, checks and PR heads point at commits that exist locally, and the history of the
    /// default branch, so what ran and deployed there did on commits `git log` shows. Then fakehub watches the
    /// bare remote: a branch pushed there starts a CI run for its head commit, a merge through
    /// the API lands in it, and alice reviews pull requests opened during the demo.
    pub async fn with_hub(hub: FakeHub) -> anyhow::Result<Demo> {
        let repo = tokio::task::spawn_blocking(create_demo_repo).await??;
        for (branch, sha) in repo.heads.iter().chain([&repo.fork_head]) {
            hub.set_branch_head(branch, sha);
        }
        // What ran and deployed before the demo started happened on these commits.
        hub.adopt_history(&repo.remote)?;
        let remote_watch = hub.watch_remote(&repo.remote, DEMO_USER);
        hub.set_auto_reviewer("alice");
        Ok(Demo {
            hub,
            repo,
            remote_watch,
        })
    }

    pub fn token() -> &'static str {
        DEMO_TOKEN
    }

    pub fn repo_name() -> &'static str {
        DEMO_REPO
    }
}
