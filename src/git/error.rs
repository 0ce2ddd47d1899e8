//! Errors of local git work (reading branches, building the demo repository).

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
