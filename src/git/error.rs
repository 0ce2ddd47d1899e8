//! Errors of git work: reading branches, changing them, and talking to remotes.
//!
//! Every message is meant for the screen. URLs in them have passed through `redact_url`, and no
//! token ever reaches one: the transports keep the token out of URLs and out of error text.

use std::path::{Path, PathBuf};

/// A failed git operation, saying what cockpit was doing when it failed.
#[derive(Debug, thiserror::Error)]
pub enum GitError {
    #[error("{} is not inside a git repository", path.display())]
    NotARepository { path: PathBuf },

    #[error("could not open the git repository at {}: {}", path.display(), source.message())]
    Open { path: PathBuf, source: git2::Error },

    #[error("{doing}: {}", source.message())]
    Git { doing: String, source: git2::Error },

    #[error("{doing}: {source}")]
    Io {
        doing: String,
        source: std::io::Error,
    },

    #[error("{doing}: {reason}")]
    Other { doing: String, reason: String },

    /// cockpit refused to act because acting could lose work or does not make sense; nothing
    /// was changed.
    #[error("{0}")]
    Refused(Refusal),

    /// The remote refused a pushed branch.
    #[error("push of '{branch}' to {remote} was rejected: {rejection}")]
    PushRejected {
        branch: String,
        remote: String,
        rejection: PushRejection,
    },

    /// The remote did not accept the credentials (or none were available).
    #[error("{remote} refused the credentials ({detail}); {hint}")]
    AuthFailed {
        remote: String,
        detail: String,
        hint: &'static str,
    },

    /// The remote could not be reached or the connection broke.
    #[error("cannot reach {remote}: {reason}")]
    Network { remote: String, reason: String },

    /// The user (or a timeout owned by the caller) cancelled the operation.
    #[error("{doing}: cancelled")]
    Cancelled { doing: String },
}

/// Why cockpit would not change the repository. Each reason reads as a full sentence.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// Checking out would overwrite uncommitted changes (or untracked files) in these paths.
    #[error(
        "cannot switch to '{target}': your uncommitted changes to {} would be overwritten; \
         commit or stash them first (nothing was changed)",
        list_paths(paths)
    )]
    WouldOverwrite { target: String, paths: Vec<String> },

    /// A merge, rebase, cherry-pick… is in progress in the working tree.
    #[error("a {state} is in progress; finish or abort it first (nothing was changed)")]
    OperationInProgress { state: String },

    #[error("there is already a branch named '{name}'")]
    BranchExists { name: String },

    #[error("there is no local branch named '{name}'")]
    NoSuchBranch { name: String },

    #[error("'{name}' is not a valid branch name")]
    InvalidBranchName { name: String },

    #[error("'{name}' is the branch checked out now; switch to another branch before deleting it")]
    DeleteCurrent { name: String },

    #[error(
        "'{name}' has commits that are not in '{default_branch}'; it was not deleted \
         (merge it first, or delete it with git if you mean to drop that work)"
    )]
    NotMerged {
        name: String,
        default_branch: String,
    },

    #[error("'{name}' is the default branch; it is not deleted")]
    DeleteDefault { name: String },

    #[error(
        "no default branch is known for this repository, so cockpit cannot tell what is merged"
    )]
    NoDefaultBranch,

    #[error("HEAD is detached; check out a branch to push it")]
    DetachedHead,

    #[error("the repository has no remote named '{name}'")]
    NoSuchRemote { name: String },

    #[error("'{reference}' was not found; fetch first")]
    MissingStartPoint { reference: String },

    /// A local branch of that name has commits the pull request lacks, and the other way round.
    #[error(
        "your branch '{name}' and {what} have both moved on (force-pushed?); nothing was \
         changed: rename or delete your branch, or merge with git"
    )]
    Diverged { name: String, what: String },
}

fn list_paths(paths: &[String]) -> String {
    const SHOWN: usize = 3;
    let mut out = paths
        .iter()
        .take(SHOWN)
        .map(|p| format!("'{p}'"))
        .collect::<Vec<_>>()
        .join(", ");
    if paths.len() > SHOWN {
        out.push_str(&format!(" and {} more", paths.len() - SHOWN));
    }
    if out.is_empty() {
        out.push_str("some files");
    }
    out
}

/// What the remote said about a rejected branch.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PushRejection {
    /// The remote branch has commits the local one lacks.
    #[error("the remote branch has commits you do not have (non-fast-forward); fetch and merge or rebase, then push again")]
    NonFastForward,
    /// A server-side rule (branch protection, a hook) declined the update; `reason` is the
    /// server's own words from its `ng <ref> <reason>` report.
    #[error("the branch is protected on the server ({reason})")]
    Protected { reason: String },
    /// Any other `ng` report.
    #[error("{reason}")]
    Other { reason: String },
}

impl GitError {
    pub(crate) fn open(path: &Path, source: git2::Error) -> Self {
        let path = path.to_path_buf();
        if source.code() == git2::ErrorCode::NotFound {
            GitError::NotARepository { path }
        } else {
            GitError::Open { path, source }
        }
    }
}

/// Attaches "what we were doing" to git2 and io errors, so messages read
/// "reading branch 'x': object not found" instead of a bare libgit2 message.
pub(crate) trait Doing<T> {
    fn doing(self, doing: impl FnOnce() -> String) -> Result<T, GitError>;
}

impl<T> Doing<T> for Result<T, git2::Error> {
    fn doing(self, doing: impl FnOnce() -> String) -> Result<T, GitError> {
        self.map_err(|source| GitError::Git {
            doing: doing(),
            source,
        })
    }
}

impl<T> Doing<T> for Result<T, std::io::Error> {
    fn doing(self, doing: impl FnOnce() -> String) -> Result<T, GitError> {
        self.map_err(|source| GitError::Io {
            doing: doing(),
            source,
        })
    }
}
