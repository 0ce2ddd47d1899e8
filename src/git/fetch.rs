//! Fetching from a remote, with progress and cancellation.

use std::path::Path;

use git2::{AutotagOption, FetchOptions, FetchPrune, RemoteCallbacks, Repository};

use super::error::{Doing, GitError, Refusal};
use super::transfer::{classify, Cancel, Progress, RemoteAuth, Throttle};
use super::transport::with_operation;

/// What a fetch did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchOutcome {
    pub remote: String,
    /// Remote-tracking refs that moved, appeared or were pruned, e.g. `refs/remotes/origin/main`.
    pub updated_refs: Vec<String>,
    pub received_objects: usize,
    pub received_bytes: usize,
}

/// `git fetch --prune <remote>`: every branch the remote's refspecs name, removing
/// remote-tracking refs whose branch is gone (so the Branches panel can say "upstream gone").
///
/// Runs on the calling thread; call it from `spawn_blocking`. `progress` gets
/// [`Progress::Receiving`] / [`Progress::Resolving`] reports; `cancel` stops it within ~50 ms.
pub fn fetch(
    repo_path: &Path,
    remote: &str,
    auth: &RemoteAuth,
    cancel: &Cancel,
    progress: &mut dyn FnMut(Progress),
) -> Result<FetchOutcome, GitError> {
    let repo = Repository::discover(repo_path).map_err(|e| GitError::open(repo_path, e))?;
    fetch_in(&repo, remote, &[], auth, cancel, progress)
}

/// Fetches `refspecs` (all of the remote's configured ones when empty, then with pruning).
pub(crate) fn fetch_in(
    repo: &Repository,
    remote_name: &str,
    refspecs: &[String],
    auth: &RemoteAuth,
    cancel: &Cancel,
    progress: &mut dyn FnMut(Progress),
) -> Result<FetchOutcome, GitError> {
    let doing = || format!("fetching from '{remote_name}'");
    let mut remote = match repo.find_remote(remote_name) {
        Ok(r) => r,
        Err(e) if e.code() == git2::ErrorCode::NotFound => {
            return Err(GitError::Refused(Refusal::NoSuchRemote {
                name: remote_name.to_string(),
            }))
        }
        Err(e) => return Err(e).doing(doing),
    };
    let url = remote.url().unwrap_or_default().to_string();

    let mut updated = Vec::new();
    let mut throttle = Throttle::new(progress);
    let mut stats = (0usize, 0usize);
    let (result, failure) = with_operation(auth, cancel, || {
        let mut callbacks = RemoteCallbacks::new();
        callbacks.transfer_progress(|s| {
            if cancel.is_cancelled() {
                return false;
            }
            stats = (s.received_objects(), s.received_bytes());
            if s.received_objects() < s.total_objects() || s.total_deltas() == 0 {
                throttle.offer(Progress::Receiving {
                    received_objects: s.received_objects(),
                    total_objects: s.total_objects(),
                    received_bytes: s.received_bytes(),
                });
            } else {
                throttle.offer(Progress::Resolving {
                    indexed_deltas: s.indexed_deltas(),
                    total_deltas: s.total_deltas(),
                });
            }
            true
        });
        callbacks.sideband_progress(|_| !cancel.is_cancelled());
        callbacks.update_tips(|name, _, _| {
            updated.push(name.to_string());
            true
        });
        let mut options = FetchOptions::new();
        options
            .remote_callbacks(callbacks)
            .download_tags(AutotagOption::Auto)
            .prune(if refspecs.is_empty() {
                FetchPrune::On
            } else {
                FetchPrune::Unspecified
            });
        remote.fetch(refspecs, Some(&mut options), Some("cockpit: fetch"))
    });
    match result {
        Ok(()) => Ok(FetchOutcome {
            remote: remote_name.to_string(),
            updated_refs: updated,
            received_objects: stats.0,
            received_bytes: stats.1,
        }),
        Err(e) => Err(classify(
            e,
            failure,
            cancel.is_cancelled(),
            remote_name,
            &url,
            doing(),
        )),
    }
}
