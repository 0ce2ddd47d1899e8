//! Local git work over git2: finding the repository and the GitHub repository its remotes name,
//! reading branches and the working tree, and building the demo repository.
//!
//! `git2::Repository` is not `Sync`, so every function here is synchronous and opens the
//! repository itself from a path: callers run them on `spawn_blocking` or a dedicated thread.

mod branches;
mod error;
mod merged;
mod remote;
mod repo;

pub use branches::{snapshot, BranchInfo, BranchSnapshot, WorkTreeStatus};
pub use error::GitError;
pub use remote::{
    is_github_host, parse_remote_url, pick_github_remote, redact_url, RemoteError, RepoSlug,
};
pub use repo::{discover, RepoInfo};
