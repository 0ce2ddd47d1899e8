//! Pushing the current branch and setting its upstream.

use std::path::Path;

use git2::{PackBuilderStage, PushOptions, RemoteCallbacks, Repository};

use super::error::{Doing, GitError, Refusal};
use super::transfer::{classify, rejection_of, Cancel, Progress, RemoteAuth, Throttle};
use super::transport::with_operation;

/// What a successful push did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushOutcome {
    pub remote: String,
    pub branch: String,
    /// The upstream now configured, e.g. `origin/47-crash-when-home-is-unset`.
    pub upstream: String,
    /// The commit pushed.
    pub sha: String,
    /// What the server printed (`remote: …` lines, e.g. GitHub's "Create a pull request …"),
    /// control characters removed.
    pub remote_messages: Vec<String>,
}

/// Pushes the checked-out branch to the same name on `remote` (default: the branch's configured
/// remote, else `origin`) and makes that its upstream, like `git push -u`.
///
/// Never forces. A refusal comes back as [`GitError::PushRejected`] (non-fast-forward, a
/// protected branch, any other `ng` from the server), [`GitError::AuthFailed`] (401/403, ssh
/// key refused), [`GitError::Network`] or [`GitError::Cancelled`]; nothing local changes then.
///
/// Runs on the calling thread; call it from `spawn_blocking`. `progress` gets
/// [`Progress::Packing`] and [`Progress::Sending`] reports.
pub fn push_current_branch(
    repo_path: &Path,
    remote: Option<&str>,
    auth: &RemoteAuth,
    cancel: &Cancel,
    progress: &mut dyn FnMut(Progress),
) -> Result<PushOutcome, GitError> {
    let repo = Repository::discover(repo_path).map_err(|e| GitError::open(repo_path, e))?;
    let head = repo
        .find_reference("HEAD")
        .doing(|| "reading HEAD".to_string())?;
    let branch = head
        .symbolic_target()
        .ok()
        .flatten()
        .and_then(|t| t.strip_prefix("refs/heads/"))
        .map(str::to_string)
        .ok_or(GitError::Refused(Refusal::DetachedHead))?;
    push_branch_in(&repo, &branch, remote, auth, cancel, progress)
}

/// Pushes local branch `branch` (see [`push_current_branch`]).
pub fn push_branch(
    repo_path: &Path,
    branch: &str,
    remote: Option<&str>,
    auth: &RemoteAuth,
    cancel: &Cancel,
    progress: &mut dyn FnMut(Progress),
) -> Result<PushOutcome, GitError> {
    let repo = Repository::discover(repo_path).map_err(|e| GitError::open(repo_path, e))?;
    push_branch_in(&repo, branch, remote, auth, cancel, progress)
}

fn push_branch_in(
    repo: &Repository,
    branch: &str,
    remote: Option<&str>,
    auth: &RemoteAuth,
    cancel: &Cancel,
    progress: &mut dyn FnMut(Progress),
) -> Result<PushOutcome, GitError> {
    let refname = format!("refs/heads/{branch}");
    let sha = match repo.refname_to_id(&refname) {
        Ok(oid) => oid.to_string(),
        Err(_) => {
            return Err(GitError::Refused(Refusal::NoSuchBranch {
                name: branch.to_string(),
            }))
        }
    };
    let config = repo
        .config()
        .doing(|| "reading the repository configuration".to_string())?;
    let remote_name = match remote {
        Some(r) => r.to_string(),
        None => config
            .get_string(&format!("branch.{branch}.remote"))
            .ok()
            .filter(|r| r != ".")
            .unwrap_or_else(|| "origin".to_string()),
    };
    let doing = || format!("pushing '{branch}' to '{remote_name}'");
    let mut git_remote = match repo.find_remote(&remote_name) {
        Ok(r) => r,
        Err(e) if e.code() == git2::ErrorCode::NotFound => {
            return Err(GitError::Refused(Refusal::NoSuchRemote {
                name: remote_name,
            }))
        }
        Err(e) => return Err(e).doing(doing),
    };
    let url = git_remote.url().unwrap_or_default().to_string();

    let mut rejected: Vec<(String, String)> = Vec::new();
    let mut messages = String::new();
    let mut throttle = Throttle::new(progress);
    let throttle = std::cell::RefCell::new(&mut throttle);
    let (result, failure) = with_operation(auth, cancel, || {
        let mut callbacks = RemoteCallbacks::new();
        callbacks.push_update_reference(|refname, status| {
            if let Some(status) = status {
                rejected.push((refname.to_string(), status.to_string()));
            }
            Ok(())
        });
        callbacks.pack_progress(|stage, current, total| {
            if matches!(
                stage,
                PackBuilderStage::AddingObjects | PackBuilderStage::Deltafication
            ) {
                if let Ok(mut t) = throttle.try_borrow_mut() {
                    t.offer(Progress::Packing { current, total });
                }
            }
        });
        callbacks.push_transfer_progress(|current, total, bytes| {
            if let Ok(mut t) = throttle.try_borrow_mut() {
                t.offer(Progress::Sending {
                    current,
                    total,
                    bytes,
                });
            }
        });
        callbacks.sideband_progress(|data| {
            if messages.len() < 16 * 1024 {
                messages.push_str(&String::from_utf8_lossy(data));
            }
            !cancel.is_cancelled()
        });
        callbacks.push_negotiation(|_| {
            if cancel.is_cancelled() {
                Err(git2::Error::from_str("cancelled"))
            } else {
                Ok(())
            }
        });
        let mut options = PushOptions::new();
        options.remote_callbacks(callbacks);
        git_remote.push(&[format!("{refname}:{refname}")], Some(&mut options))
    });
    if let Err(e) = result {
        let mut error = classify(
            e,
            failure,
            cancel.is_cancelled(),
            &remote_name,
            &url,
            doing(),
        );
        if let GitError::PushRejected { branch: b, .. } = &mut error {
            *b = branch.to_string();
        }
        return Err(error);
    }
    if let Some((_, reason)) = rejected.into_iter().next() {
        return Err(GitError::PushRejected {
            branch: branch.to_string(),
            remote: format!("'{remote_name}'"),
            rejection: rejection_of(&reason),
        });
    }

    // `git push -u`: written directly rather than through `Branch::set_upstream`, which needs
    // the remote-tracking ref to exist (it does not when the remote has no fetch refspec).
    let set = || format!("setting the upstream of '{branch}'");
    let mut local = repo
        .config()
        .and_then(|c| c.open_level(git2::ConfigLevel::Local))
        .doing(set)?;
    local
        .set_str(&format!("branch.{branch}.remote"), &remote_name)
        .doing(set)?;
    local
        .set_str(&format!("branch.{branch}.merge"), &refname)
        .doing(set)?;

    let remote_messages = messages
        .split(['\n', '\r'])
        .map(|l| crate::text::sanitize_line(l.trim()))
        .filter(|l| !l.is_empty())
        .collect();
    Ok(PushOutcome {
        upstream: format!("{remote_name}/{branch}"),
        remote: remote_name,
        branch: branch.to_string(),
        sha,
        remote_messages,
    })
}
