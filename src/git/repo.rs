//! Finding the repository cockpit runs in.

use std::path::{Path, PathBuf};

use git2::{ErrorCode, Repository};

use super::remote::{redact_url, RemoteError};

/// What cockpit needs to know about the repository it was started in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepoInfo {
    pub workdir: PathBuf,
    pub git_dir: PathBuf,
    /// `None` when HEAD is detached. Set for an unborn branch (a repository without commits).
    pub head_branch: Option<String>,
    /// `None` for a repository without commits.
    pub head_sha: Option<String>,
    /// `(name, url)` in git's order; URLs have credentials removed (see [`redact_url`]), because
    /// this struct is meant to be displayed and logged freely.
    pub remotes: Vec<(String, String)>,
}

/// Finds the repository containing `start`, as `git` does from a working directory.
pub fn discover(start: &Path) -> Result<RepoInfo, RemoteError> {
    if !start.exists() {
        return Err(RemoteError::NoSuchDirectory {
            path: start.to_path_buf(),
        });
    }
    let repo = Repository::discover(start).map_err(|e| open_error(start, e))?;
    let git_dir = repo.path().to_path_buf();
    let workdir = match repo.workdir() {
        Some(dir) if !repo.is_bare() => dir.to_path_buf(),
        _ => return Err(RemoteError::BareRepository { path: git_dir }),
    };
    let (head_branch, head_sha) = head_of(&repo).map_err(|e| open_error(&workdir, e))?;
    let remotes = remotes_of(&repo).map_err(|e| open_error(&workdir, e))?;
    Ok(RepoInfo {
        workdir,
        git_dir,
        head_branch,
        head_sha,
        remotes,
    })
}

fn open_error(path: &Path, error: git2::Error) -> RemoteError {
    let path = path.to_path_buf();
    match error.code() {
        ErrorCode::NotFound => RemoteError::NotARepository { path },
        ErrorCode::Owner => RemoteError::NotOwned { path },
        _ => RemoteError::Open {
            path,
            source: error,
        },
    }
}

fn head_of(repo: &Repository) -> Result<(Option<String>, Option<String>), git2::Error> {
    // Read HEAD itself rather than `repo.head()`: the latter fails on an unborn branch, where
    // the branch name is still known and worth showing.
    let head = repo.find_reference("HEAD")?;
    let branch = head
        .symbolic_target()
        .ok()
        .flatten()
        .and_then(|target| target.strip_prefix("refs/heads/"))
        .map(str::to_string);
    let sha = match head.resolve() {
        Ok(resolved) => resolved.target().map(|oid| oid.to_string()),
        Err(e) if e.code() == ErrorCode::NotFound => None,
        Err(e) => return Err(e),
    };
    Ok((branch, sha))
}

fn remotes_of(repo: &Repository) -> Result<Vec<(String, String)>, git2::Error> {
    let names = repo.remotes()?;
    let mut remotes = Vec::with_capacity(names.len());
    // Remotes whose name or URL is not UTF-8 cannot be GitHub remotes; skip rather than fail.
    for name in names.iter().filter_map(|name| name.ok().flatten()) {
        let Ok(remote) = repo.find_remote(name) else {
            continue;
        };
        if let Ok(url) = remote.url() {
            remotes.push((name.to_string(), redact_url(url)));
        }
    }
    Ok(remotes)
}
