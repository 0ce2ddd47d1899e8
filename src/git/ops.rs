//! Changing local branches: create, check out, delete when merged, branch from an issue.
//!
//! The rule throughout is git's own `switch`: uncommitted changes that the new branch does not
//! touch come along; if the switch would overwrite any change (or an untracked file), cockpit
//! refuses with the paths and changes nothing.

use std::cell::RefCell;
use std::path::Path;

use git2::build::CheckoutBuilder;
use git2::{BranchType, CheckoutNotificationType, ErrorCode, Oid, Repository, RepositoryState};

use super::branches::{default_tips, resolve_default_branch};
use super::error::{Doing, GitError, Refusal};
use super::fetch::fetch_in;
use super::merged::reachable_tips;
use super::naming::{branch_name_for_issue, is_valid_branch_name};
use super::transfer::{Cancel, Progress, RemoteAuth};

/// The git config key under which a branch remembers its issue: `branch.<name>.cockpit-issue`.
/// It lives in the branch's section, so git deletes and renames it along with the branch.
pub const ISSUE_CONFIG_KEY: &str = "cockpit-issue";

fn open(repo_path: &Path) -> Result<Repository, GitError> {
    Repository::discover(repo_path).map_err(|e| GitError::open(repo_path, e))
}

/// Checks out local branch `name`, keeping uncommitted changes that do not conflict.
pub fn checkout_branch(repo_path: &Path, name: &str) -> Result<(), GitError> {
    let repo = open(repo_path)?;
    if repo.find_branch(name, BranchType::Local).is_err() {
        return Err(GitError::Refused(Refusal::NoSuchBranch {
            name: name.to_string(),
        }));
    }
    switch_to(&repo, name)
}

/// Creates local branch `name` at `start_point` (a branch, `origin/main`, a sha — anything
/// `git rev-parse` takes) and, if `checkout`, switches to it. Returns the new tip's sha.
///
/// When the switch is refused, the new branch is removed again: nothing changes.
pub fn create_branch(
    repo_path: &Path,
    name: &str,
    start_point: &str,
    checkout: bool,
) -> Result<String, GitError> {
    let repo = open(repo_path)?;
    let start = repo
        .revparse_single(start_point)
        .and_then(|o| o.peel_to_commit())
        .map_err(|_| {
            GitError::Refused(Refusal::MissingStartPoint {
                reference: start_point.to_string(),
            })
        })?;
    let sha = start.id();
    create_at(&repo, name, sha, checkout)?;
    Ok(sha.to_string())
}

fn create_at(repo: &Repository, name: &str, at: Oid, checkout: bool) -> Result<(), GitError> {
    if !is_valid_branch_name(name) {
        return Err(GitError::Refused(Refusal::InvalidBranchName {
            name: name.to_string(),
        }));
    }
    if repo.find_branch(name, BranchType::Local).is_ok() {
        return Err(GitError::Refused(Refusal::BranchExists {
            name: name.to_string(),
        }));
    }
    if checkout {
        ensure_no_operation(repo)?;
    }
    let commit = repo
        .find_commit(at)
        .doing(|| format!("reading commit {at}"))?;
    let mut branch = repo
        .branch(name, &commit, false)
        .doing(|| format!("creating branch '{name}'"))?;
    if checkout {
        if let Err(e) = switch_to(repo, name) {
            // Leave the repository as it was.
            let _ = branch.delete();
            return Err(e);
        }
    }
    Ok(())
}

/// Deletes local branch `name` if everything on it is in the default branch (the local one, its
/// upstream, or `origin/<default>`). Refuses the checked-out branch, the default branch itself,
/// and a branch with unmerged commits.
pub fn delete_merged_branch(
    repo_path: &Path,
    name: &str,
    default_branch: Option<&str>,
) -> Result<(), GitError> {
    let repo = open(repo_path)?;
    let mut branch = repo.find_branch(name, BranchType::Local).map_err(|_| {
        GitError::Refused(Refusal::NoSuchBranch {
            name: name.to_string(),
        })
    })?;
    if branch.is_head() {
        return Err(GitError::Refused(Refusal::DeleteCurrent {
            name: name.to_string(),
        }));
    }
    let default = resolve_default_branch(&repo, default_branch)
        .ok_or(GitError::Refused(Refusal::NoDefaultBranch))?;
    if default == name {
        return Err(GitError::Refused(Refusal::DeleteDefault {
            name: name.to_string(),
        }));
    }
    let tip = branch
        .get()
        .peel_to_commit()
        .doing(|| format!("reading branch '{name}'"))?;
    let tips = default_tips(&repo, Some(&default));
    let merged = tips.contains(&tip.id())
        || reachable_tips(&repo, &tips, &[(tip.id(), tip.time().seconds())])
            .doing(|| format!("checking whether '{name}' is merged"))?
            .contains(&tip.id());
    if !merged {
        return Err(GitError::Refused(Refusal::NotMerged {
            name: name.to_string(),
            default_branch: default,
        }));
    }
    branch
        .delete()
        .doing(|| format!("deleting branch '{name}'"))
}

/// Remembers that local branch `name` works on issue `number`.
pub fn link_branch_to_issue(repo_path: &Path, name: &str, number: u64) -> Result<(), GitError> {
    let repo = open(repo_path)?;
    set_issue(&repo, name, number)
}

fn set_issue(repo: &Repository, name: &str, number: u64) -> Result<(), GitError> {
    let doing = || format!("linking branch '{name}' to issue #{number}");
    let mut config = repo
        .config()
        .and_then(|c| c.open_level(git2::ConfigLevel::Local))
        .doing(doing)?;
    let value = i64::try_from(number).map_err(|_| GitError::Other {
        doing: doing(),
        reason: "issue number out of range".into(),
    })?;
    config
        .set_i64(&format!("branch.{name}.{ISSUE_CONFIG_KEY}"), value)
        .doing(doing)
}

/// The issue a branch was linked to, if any.
pub(crate) fn issue_of(config: &git2::Config, name: &str) -> Option<u64> {
    config
        .get_i64(&format!("branch.{name}.{ISSUE_CONFIG_KEY}"))
        .ok()
        .and_then(|n| u64::try_from(n).ok())
        .filter(|n| *n > 0)
}

/// What `b` on an issue asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssueBranchRequest {
    pub number: u64,
    pub title: String,
    /// The remote to fetch the default branch from, usually `origin`.
    pub remote: String,
    /// The repository's default branch as GitHub reports it.
    pub default_branch: String,
}

/// The branch [`branch_from_issue`] checked out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssueBranch {
    pub name: String,
    pub sha: String,
    /// False when a branch for the issue already existed and was only checked out.
    pub created: bool,
    /// What the branch was created from, e.g. `origin/main` (empty when not created).
    pub start_point: String,
}

/// Creates `<number>-<slug-of-title>` from the freshly fetched `<remote>/<default>` and checks it
/// out, linked to the issue. If a branch for this issue exists already (linked, or with that
/// name and no other link), it is checked out instead and nothing is fetched.
///
/// Refusals ([`GitError::Refused`]): a merge/rebase in progress, changes the checkout would
/// overwrite (the new branch is removed again), a branch of that name linked to another issue.
/// The fetch updates only remote-tracking refs; a failed fetch stops here (cockpit does not
/// silently branch from a stale default branch).
pub fn branch_from_issue(
    repo_path: &Path,
    request: &IssueBranchRequest,
    auth: &RemoteAuth,
    cancel: &Cancel,
    progress: &mut dyn FnMut(Progress),
) -> Result<IssueBranch, GitError> {
    let repo = open(repo_path)?;
    ensure_no_operation(&repo)?;
    let name = branch_name_for_issue(request.number, &request.title);
    let config = repo
        .config()
        .doing(|| "reading the repository configuration".to_string())?;

    if let Some(existing) = existing_issue_branch(&repo, &config, &name, request.number)? {
        switch_to(&repo, &existing)?;
        if issue_of(&config, &existing).is_none() {
            set_issue(&repo, &existing, request.number)?;
        }
        let sha = repo
            .refname_to_id(&format!("refs/heads/{existing}"))
            .map(|o| o.to_string())
            .unwrap_or_default();
        return Ok(IssueBranch {
            name: existing,
            sha,
            created: false,
            start_point: String::new(),
        });
    }

    let default = request
        .default_branch
        .trim()
        .trim_start_matches("refs/heads/");
    let tracking = format!("refs/remotes/{}/{default}", request.remote);
    fetch_in(
        &repo,
        &request.remote,
        &[format!("+refs/heads/{default}:{tracking}")],
        auth,
        cancel,
        progress,
    )?;
    let start = repo.refname_to_id(&tracking).map_err(|_| {
        GitError::Refused(Refusal::MissingStartPoint {
            reference: format!("{}/{default}", request.remote),
        })
    })?;
    create_at(&repo, &name, start, false)?;
    if let Err(e) = set_issue(&repo, &name, request.number).and_then(|_| switch_to(&repo, &name)) {
        if let Ok(mut b) = repo.find_branch(&name, BranchType::Local) {
            let _ = b.delete();
        }
        return Err(e);
    }
    Ok(IssueBranch {
        name,
        sha: start.to_string(),
        created: true,
        start_point: format!("{}/{default}", request.remote),
    })
}

/// A local branch already working on the issue: one linked to it, else one with the derived
/// name (linked to nothing else).
fn existing_issue_branch(
    repo: &Repository,
    config: &git2::Config,
    name: &str,
    number: u64,
) -> Result<Option<String>, GitError> {
    let doing = || "listing local branches".to_string();
    let mut by_name = None;
    for entry in repo.branches(Some(BranchType::Local)).doing(doing)? {
        let (branch, _) = entry.doing(doing)?;
        let Ok(Some(branch_name)) = branch.name() else {
            continue;
        };
        match issue_of(config, branch_name) {
            Some(n) if n == number => return Ok(Some(branch_name.to_string())),
            Some(_) if branch_name == name => {
                return Err(GitError::Refused(Refusal::BranchExists {
                    name: name.to_string(),
                }))
            }
            None if branch_name == name => by_name = Some(branch_name.to_string()),
            _ => {}
        }
    }
    Ok(by_name)
}

pub(crate) fn ensure_no_operation(repo: &Repository) -> Result<(), GitError> {
    let state = match repo.state() {
        RepositoryState::Clean => return Ok(()),
        RepositoryState::Merge => "merge",
        RepositoryState::Revert | RepositoryState::RevertSequence => "revert",
        RepositoryState::CherryPick | RepositoryState::CherryPickSequence => "cherry-pick",
        RepositoryState::Bisect => "bisect",
        RepositoryState::Rebase
        | RepositoryState::RebaseInteractive
        | RepositoryState::RebaseMerge => "rebase",
        RepositoryState::ApplyMailbox | RepositoryState::ApplyMailboxOrRebase => "git am",
    };
    Err(GitError::Refused(Refusal::OperationInProgress {
        state: state.to_string(),
    }))
}

/// `git switch <name>`: a safe checkout (libgit2 works out every conflict before it writes
/// anything, so a refused switch leaves the working tree untouched), then HEAD.
pub(crate) fn switch_to(repo: &Repository, name: &str) -> Result<(), GitError> {
    ensure_no_operation(repo)?;
    let refname = format!("refs/heads/{name}");
    let doing = || format!("checking out '{name}'");
    let commit = repo
        .find_reference(&refname)
        .and_then(|r| r.peel_to_commit())
        .doing(doing)?;
    safe_checkout(repo, name, commit.id())?;
    repo.set_head(&refname).doing(doing)
}

/// Moves the working tree of the checked-out branch `name` to commit `to` (its ref is moved by
/// the caller), refusing with the paths if a change would be overwritten.
pub(crate) fn checkout_commit(repo: &Repository, name: &str, to: Oid) -> Result<(), GitError> {
    ensure_no_operation(repo)?;
    safe_checkout(repo, name, to)
}

fn safe_checkout(repo: &Repository, name: &str, to: Oid) -> Result<(), GitError> {
    let doing = || format!("checking out '{name}'");
    let commit = repo.find_commit(to).doing(doing)?;
    let tree = commit.tree().doing(doing)?;
    let conflicts = RefCell::new(Vec::new());
    let result = {
        let mut checkout = CheckoutBuilder::new();
        checkout
            .safe()
            .notify_on(CheckoutNotificationType::CONFLICT)
            .notify(|_, path, _, _, _| {
                if let Some(p) = path {
                    conflicts
                        .borrow_mut()
                        .push(crate::text::sanitize_line(&p.to_string_lossy()));
                }
                true
            });
        repo.checkout_tree(tree.as_object(), Some(&mut checkout))
    };
    let paths = conflicts.into_inner();
    match result {
        Err(e) if e.code() == ErrorCode::Conflict || !paths.is_empty() => {
            Err(GitError::Refused(Refusal::WouldOverwrite {
                target: name.to_string(),
                paths,
            }))
        }
        Err(e) => Err(e).doing(doing),
        Ok(()) => Ok(()),
    }
}
