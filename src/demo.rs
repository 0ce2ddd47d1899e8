//! `cockpit --demo`: fakehub on 127.0.0.1 plus a throwaway git repository, wired together so
//! the real dashboard runs against them with no token and no network. Dropping `Demo` stops
//! the server and deletes the repository.

use crate::fakehub::{FakeHub, DEMO_REPO, DEMO_TOKEN};
use crate::git::{create_demo_repo, DemoRepo};

pub struct Demo {
    pub hub: FakeHub,
    pub repo: DemoRepo,
}

impl Demo {
    pub async fn start() -> anyhow::Result<Demo> {
        let hub = FakeHub::start_demo().await?;
        Demo::with_hub(hub).await
    }

    /// Builds the demo repository and tells `hub` the real shas of the pushed branches, so
    /// runs, checks and PR heads point at commits that exist locally.
    pub async fn with_hub(hub: FakeHub) -> anyhow::Result<Demo> {
        let repo = tokio::task::spawn_blocking(create_demo_repo).await??;
        for (branch, sha) in &repo.heads {
            hub.set_branch_head(branch, sha);
        }
        Ok(Demo { hub, repo })
    }

    pub fn token() -> &'static str {
        DEMO_TOKEN
    }

    pub fn repo_name() -> &'static str {
        DEMO_REPO
    }
}
