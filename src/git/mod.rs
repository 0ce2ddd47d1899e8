//! Local git work over git2: finding the repository and the GitHub repository its remotes name,
//! reading branches and the working tree, changing branches, fetching and pushing (over
//! cockpit's own http(s) and ssh transports, see `transport`), and building the demo repository.
//!
//! `git2::Repository` is not `Sync`, so every function here is synchronous and opens the
//! repository itself from a path: callers run them on `spawn_blocking` or a dedicated thread.

mod branches;
mod demo;
mod error;
mod fetch;
mod live;
mod merged;
mod naming;
mod ops;
mod pull;
mod push;
mod remote;
mod repo;
mod sync;
mod transfer;
mod transport;
mod upstream;

pub use branches::{snapshot, snapshot_with, BranchInfo, BranchSnapshot, WorkTreeStatus};
pub use demo::{
    create_demo_repo, DemoRepo, DEMO_BEHIND_BRANCH, DEMO_DEFAULT_BRANCH, DEMO_FEATURE_BRANCH,
    DEMO_FORK_BRANCH, DEMO_FORK_PULL, DEMO_LOCAL_ONLY_BRANCH, DEMO_RELEASE_BRANCH,
};
pub use error::{GitError, PushRejection, Refusal};
pub use fetch::{fetch, FetchOutcome};
pub use live::deployed_contains;
pub use naming::{branch_name_for_issue, is_valid_branch_name};
pub use ops::{
    branch_from_issue, checkout_branch, create_branch, delete_merged_branch, link_branch_to_issue,
    IssueBranch, IssueBranchRequest, ISSUE_CONFIG_KEY,
};
pub use pull::{checkout_pull, PullBranch, PullCheckout, PULL_CONFIG_KEY};
pub use push::{push_branch, push_current_branch, PushOutcome};
pub use remote::{
    is_github_host, parse_remote_url, pick_github_remote, redact_url, RemoteError, RepoSlug,
};
pub use repo::{discover, RepoInfo};
pub use transfer::{Cancel, Progress, RemoteAuth, DEFAULT_IDLE_TIMEOUT};
