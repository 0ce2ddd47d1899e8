//! Local git work over git2: finding the repository and the GitHub repository its remotes name,
//! reading branches and the working tree, and building the demo repository.
//!
//! `git2::Repository` is not `Sync`, so every function here is synchronous and opens the
//! repository itself from a path: callers run them on `spawn_blocking` or a dedicated thread.

mod branches;
mod demo;
mod error;
mod merged;
mod remote;
mod repo;

pub use branches::{snapshot, BranchInfo, BranchSnapshot, WorkTreeStatus};
pub use demo::{
    create_demo_repo, DemoRepo, DEMO_BEHIND_BRANCH, DEMO_DEFAULT_BRANCH, DEMO_FEATURE_BRANCH,
    DEMO_LOCAL_ONLY_BRANCH, DEMO_RELEASE_BRANCH,
};
pub use error::GitError;
pub use remote::{
    is_github_host, parse_remote_url, pick_github_remote, redact_url, RemoteError, RepoSlug,
};
pub use repo::{discover, RepoInfo};
