//! Checking out a pull request as `gh pr checkout` does: GitHub keeps every pull request's
//! head at `refs/pull/N/head` in the base repository, forks included, so one fetch from
//! `origin` brings it whoever owns the head branch.

use std::path::Path;

use git2::{BranchType, Oid, Repository};

use super::error::{Doing, GitError, Refusal};
use super::fetch::fetch_in;
use super::naming::is_valid_branch_name;
use super::transfer::{Cancel, Progress, RemoteAuth};

/// The git config key under which a branch remembers its pull request, like the issue link.
pub const PULL_CONFIG_KEY: &str = "cockpit-pull";

/// What [`checkout_pull`] is asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PullCheckout {
    pub number: u64,
    /// The head branch's name in its repository.
    pub head_ref: String,
    /// The owner of the fork the head branch lives in; `None` for a branch of the base repository.
    pub fork_owner: Option<String>,
    pub remote: String,
}

/// The branch [`checkout_pull`] checked out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PullBranch {
    pub name: String,
    pub sha: String,
    /// False when a branch of this pull request existed (it was brought up to date).
    pub created: bool,
}

impl PullCheckout {
    /// Local names in order of preference: the head ref, `OWNER-REF` for a fork, `pr-N`.
    fn names(&self) -> Vec<String> {
        let mut out = vec![self.head_ref.clone()];
        if let Some(owner) = &self.fork_owner {
            out.push(format!("{owner}-{}", self.head_ref));
        }
        out.push(format!("pr-{}", self.number));
        out.retain(|n| is_valid_branch_name(n));
        out
    }
}

/// Fetches `refs/pull/N/head` and checks it out in a local branch named like gh names it. A
/// local branch that already is this pull request's (linked to it, or a same-repository
/// branch tracking the head branch) is reused and fast-forwarded; one that only shares the
/// name is left alone and the next name is taken. Uncommitted changes come along as with any
/// switch; a conflicting one refuses and changes nothing.
pub fn checkout_pull(
    repo_path: &Path,
    request: &PullCheckout,
    auth: &RemoteAuth,
    cancel: &Cancel,
    progress: &mut dyn FnMut(Progress),
) -> Result<PullBranch, GitError> {
    let repo = Repository::discover(repo_path).map_err(|e| GitError::open(repo_path, e))?;
    super::ops::ensure_no_operation(&repo)?;
    let n = request.number;
    // A private namespace: neither a branch nor a remote-tracking ref, so no panel lists it.
    let scratch = format!("refs/cockpit/pull/{n}");
    fetch_in(
        &repo,
        &request.remote,
        &[format!("+refs/pull/{n}/head:{scratch}")],
        auth,
        cancel,
        progress,
    )?;
    let head = repo.refname_to_id(&scratch).map_err(|_| {
        GitError::Refused(Refusal::MissingStartPoint {
            reference: format!("refs/pull/{n}/head"),
        })
    })?;
    let result = place(&repo, request, head);
    if let Ok(mut r) = repo.find_reference(&scratch) {
        let _ = r.delete();
    }
    result
}

fn place(repo: &Repository, request: &PullCheckout, head: Oid) -> Result<PullBranch, GitError> {
    let config = repo
        .config()
        .and_then(|mut c| c.snapshot())
        .doing(|| "reading the repository configuration".to_string())?;
    for name in request.names() {
        let existing = match repo.find_branch(&name, BranchType::Local) {
            Ok(b) => b,
            Err(_) => return create(repo, request, &name, head),
        };
        if !is_this_pull(&config, request, &name) {
            continue;
        }
        let tip = existing
            .get()
            .peel_to_commit()
            .doing(|| format!("reading branch '{name}'"))?
            .id();
        let is_head = existing.is_head();
        // Local commits on top of the pull request stay: the branch is only moved forward.
        let forward = tip != head && repo.graph_descendant_of(head, tip).unwrap_or(false);
        let behind_local = tip == head || repo.graph_descendant_of(tip, head).unwrap_or(false);
        if !forward && !behind_local {
            return Err(GitError::Refused(Refusal::Diverged {
                name,
                what: format!("pull request #{}", request.number),
            }));
        }
        if forward {
            if is_head {
                // The working tree moves first (refusing if it would lose a change), then the ref.
                super::ops::checkout_commit(repo, &name, head)?;
            }
            repo.reference(
                &format!("refs/heads/{name}"),
                head,
                true,
                "cockpit: update pull request branch",
            )
            .doing(|| format!("updating branch '{name}'"))?;
        }
        if !is_head {
            super::ops::switch_to(repo, &name)?;
        }
        let sha = if forward { head } else { tip };
        return Ok(PullBranch {
            name,
            sha: sha.to_string(),
            created: false,
        });
    }
    Err(GitError::Refused(Refusal::BranchExists {
        name: format!("pr-{}", request.number),
    }))
}

/// Whether local branch `name` already holds this pull request.
fn is_this_pull(config: &git2::Config, request: &PullCheckout, name: &str) -> bool {
    let linked = config
        .get_i64(&format!("branch.{name}.{PULL_CONFIG_KEY}"))
        .ok()
        .and_then(|v| u64::try_from(v).ok());
    if let Some(n) = linked {
        return n == request.number;
    }
    let tracks_head = config
        .get_string(&format!("branch.{name}.merge"))
        .is_ok_and(|m| m == format!("refs/heads/{}", request.head_ref))
        && config
            .get_string(&format!("branch.{name}.remote"))
            .is_ok_and(|r| r == request.remote);
    request.fork_owner.is_none() && tracks_head
}

fn create(
    repo: &Repository,
    request: &PullCheckout,
    name: &str,
    head: Oid,
) -> Result<PullBranch, GitError> {
    let commit = repo
        .find_commit(head)
        .doing(|| format!("reading commit {head}"))?;
    let mut branch = repo
        .branch(name, &commit, false)
        .doing(|| format!("creating branch '{name}'"))?;
    let linked = link(repo, request, name).and_then(|_| super::ops::switch_to(repo, name));
    if let Err(e) = linked {
        let _ = branch.delete();
        return Err(e);
    }
    Ok(PullBranch {
        name: name.to_string(),
        sha: head.to_string(),
        created: true,
    })
}

/// Links the branch to the pull request; a branch of the base repository also tracks its head
/// branch there, so `p` pushes to the pull request (a fork's branch has no such upstream).
fn link(repo: &Repository, request: &PullCheckout, name: &str) -> Result<(), GitError> {
    let doing = || {
        format!(
            "linking branch '{name}' to pull request #{}",
            request.number
        )
    };
    let mut config = repo
        .config()
        .and_then(|c| c.open_level(git2::ConfigLevel::Local))
        .doing(doing)?;
    let n = i64::try_from(request.number).map_err(|_| GitError::Other {
        doing: doing(),
        reason: "pull request number out of range".into(),
    })?;
    config
        .set_i64(&format!("branch.{name}.{PULL_CONFIG_KEY}"), n)
        .doing(doing)?;
    if request.fork_owner.is_none() {
        config
            .set_str(&format!("branch.{name}.remote"), &request.remote)
            .doing(doing)?;
        config
            .set_str(
                &format!("branch.{name}.merge"),
                &format!("refs/heads/{}", request.head_ref),
            )
            .doing(doing)?;
    }
    Ok(())
}
