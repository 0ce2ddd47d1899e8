//! The local branches and the working tree state shown in the Branches panel.

use std::path::Path;

use chrono::{DateTime, Utc};
use git2::{Branch, BranchType, ErrorCode, Oid, Repository, StatusOptions};

use super::error::{Doing, GitError};
use super::merged::reachable_tips;
use super::sync::Graph;
use super::upstream::Upstreams;
use crate::text::{Name, Safe};

/// One local branch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BranchInfo {
    pub name: Name,
    /// The branch checked out in this working tree.
    pub is_head: bool,
    pub sha: String,
    /// Short name of the configured upstream, e.g. `origin/main`.
    pub upstream: Option<Name>,
    /// An upstream is configured but its remote-tracking ref no longer exists (typically: the
    /// remote branch was deleted after its pull request was merged, and then fetched with prune).
    pub upstream_gone: bool,
    /// Commits on the branch that its upstream lacks (0 without an upstream).
    pub ahead: usize,
    /// Commits on the upstream that the branch lacks (0 without an upstream).
    pub behind: usize,
    /// First line of the tip commit's message, with control characters made harmless.
    pub summary: Safe,
    pub commit_time: DateTime<Utc>,
    pub author: Safe,
    /// The tip is reachable from the default branch (local or its remote-tracking ref) and is
    /// not the default branch's tip itself: a branch just created from `main`, with no work on
    /// it yet, is not reported as merged, so "delete merged branches" leaves it alone.
    pub merged_into_default: bool,
    /// The issue this branch works on (`branch.<name>.cockpit-issue`, set by
    /// `branch_from_issue` / `link_branch_to_issue`).
    pub issue: Option<u64>,
    /// No commit for more than the given number of days (see [`snapshot_with`]); never set for
    /// the checked-out branch or the default branch.
    pub stale: bool,
}

/// Counts of changed paths in the working tree, as `git status` groups them. A path that is
/// both staged and changed again in the working tree counts in both groups.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WorkTreeStatus {
    pub modified: usize,
    pub staged: usize,
    pub untracked: usize,
    pub conflicted: usize,
}

impl WorkTreeStatus {
    /// Whether checking out another branch could lose or carry along work. Untracked files do
    /// not count, as for the usual prompt markers.
    pub fn is_dirty(&self) -> bool {
        self.modified + self.staged + self.conflicted > 0
    }
}

impl BranchSnapshot {
    /// What the Branches panel's title says about HEAD and the working tree:
    /// `detached at 1a2b3c4 · merging · conflicts: 1 · dirty: 2 modified, 0 staged`, or
    /// `clean`.
    pub fn summary(&self) -> String {
        let st = &self.status;
        let mut parts = Vec::new();
        if let Some(sha) = &self.detached_at {
            parts.push(format!("detached at {}", sha.get(..7).unwrap_or(sha)));
        }
        if let Some(op) = self.operation {
            parts.push(op.to_string());
        }
        if st.conflicted > 0 {
            parts.push(format!("conflicts: {}", st.conflicted));
        }
        if st.modified + st.staged > 0 {
            parts.push(format!(
                "dirty: {} modified, {} staged",
                st.modified, st.staged
            ));
        }
        if parts.is_empty() {
            "clean".into()
        } else {
            parts.join(" · ")
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BranchSnapshot {
    /// Most recent tip commit first (ties by name); `is_head` marks the checked-out branch.
    pub branches: Vec<BranchInfo>,
    pub status: WorkTreeStatus,
    /// The branch `merged_into_default` was computed against, if one could be determined.
    pub default_branch: Option<String>,
    /// The commit checked out when HEAD is detached (then no branch `is_head`).
    pub detached_at: Option<String>,
    /// An operation under way in the working tree, in `git status`'s words ("merging",
    /// "rebasing", …); conflicts are counted in `status`.
    pub operation: Option<&'static str>,
}

/// Reads all local branches and the working tree status of the repository at (or containing)
/// `repo_path`.
///
/// `default_branch` is what GitHub reports for the repository; without it the default is
/// `origin/HEAD`'s target, else `main` or `master` when such a branch exists.
///
/// Cost: refs and configuration are read once; per branch, one ahead/behind walk against its
/// upstream that stops where the two meet, over commits parsed once for all branches; for all
/// branches together, one walk down the default branch to the oldest branch tip.
pub fn snapshot(
    repo_path: &Path,
    default_branch: Option<&str>,
) -> Result<BranchSnapshot, GitError> {
    snapshot_with(repo_path, default_branch, None)
}

/// [`snapshot`], also flagging branches whose tip commit is older than `stale_after_days`
/// (`None`: no branch is stale).
pub fn snapshot_with(
    repo_path: &Path,
    default_branch: Option<&str>,
    stale_after_days: Option<u32>,
) -> Result<BranchSnapshot, GitError> {
    let repo = Repository::discover(repo_path).map_err(|e| GitError::open(repo_path, e))?;
    let default_branch = resolve_default_branch(&repo, default_branch);
    let default_tips = default_tips(&repo, default_branch.as_deref());

    // Everything per branch is read from these, once: asking git2 per branch for its
    // upstream copies the whole configuration each time (thousands of `branch.*` entries),
    // which made the listing quadratic in the number of branches.
    let config = repo.config().and_then(|mut c| c.snapshot()).ok();
    let head = head_refname(&repo);
    let mut upstreams = Upstreams::new(&repo, config.as_ref());
    let mut graph = Graph::new(&repo);

    let mut branches = Vec::new();
    let iter = repo
        .branches(Some(BranchType::Local))
        .doing(|| "listing local branches".to_string())?;
    for entry in iter {
        let (branch, _) = entry.doing(|| "listing local branches".to_string())?;
        if let Some(info) = branch_info(&branch, head.as_deref(), &mut upstreams, &mut graph)? {
            branches.push(info);
        }
    }
    mark_merged(
        &repo,
        &mut branches,
        default_branch.as_deref(),
        &default_tips,
    )?;
    if let Some(config) = &config {
        for b in &mut branches {
            b.issue = super::ops::issue_of(config, &b.name);
        }
    }
    if let Some(days) = stale_after_days {
        let cutoff = Utc::now() - chrono::TimeDelta::days(i64::from(days));
        for b in &mut branches {
            b.stale = !b.is_head
                && default_branch.as_deref() != Some(b.name.as_str())
                && b.commit_time < cutoff;
        }
    }
    branches.sort_by(|a, b| {
        b.commit_time
            .cmp(&a.commit_time)
            .then_with(|| a.name.cmp(&b.name))
    });

    Ok(BranchSnapshot {
        branches,
        status: work_tree_status(&repo)?,
        default_branch,
        detached_at: detached_at(&repo),
        operation: operation(&repo),
    })
}

fn detached_at(repo: &Repository) -> Option<String> {
    if !repo.head_detached().unwrap_or(false) {
        return None;
    }
    repo.head()
        .ok()
        .and_then(|h| h.target())
        .map(|oid| oid.to_string())
}

fn operation(repo: &Repository) -> Option<&'static str> {
    use git2::RepositoryState as S;
    match repo.state() {
        S::Clean => None,
        S::Merge => Some("merging"),
        S::Revert | S::RevertSequence => Some("reverting"),
        S::CherryPick | S::CherryPickSequence => Some("cherry-picking"),
        S::Bisect => Some("bisecting"),
        S::Rebase | S::RebaseInteractive | S::RebaseMerge => Some("rebasing"),
        S::ApplyMailbox | S::ApplyMailboxOrRebase => Some("applying patches"),
    }
}

pub(crate) fn resolve_default_branch(repo: &Repository, given: Option<&str>) -> Option<String> {
    if let Some(given) = given.map(str::trim).filter(|g| !g.is_empty()) {
        return Some(
            given
                .strip_prefix("refs/heads/")
                .unwrap_or(given)
                .to_string(),
        );
    }
    let from_origin_head = repo
        .find_reference("refs/remotes/origin/HEAD")
        .ok()
        .and_then(|r| {
            r.symbolic_target()
                .ok()
                .flatten()
                .and_then(|t| t.strip_prefix("refs/remotes/origin/"))
                .map(str::to_string)
        });
    if from_origin_head.is_some() {
        return from_origin_head;
    }
    ["main", "master"]
        .into_iter()
        .find(|candidate| {
            repo.refname_to_id(&format!("refs/heads/{candidate}"))
                .is_ok()
                || repo
                    .refname_to_id(&format!("refs/remotes/origin/{candidate}"))
                    .is_ok()
        })
        .map(str::to_string)
}

/// The commits "merged into the default branch" is measured against: the local default branch,
/// its upstream and `origin/<default>`. A pull request merged on GitHub reaches the remote-tracking
/// ref at the next fetch, long before the user updates the local default branch.
pub(crate) fn default_tips(repo: &Repository, default_branch: Option<&str>) -> Vec<Oid> {
    let Some(default) = default_branch else {
        return Vec::new();
    };
    let local = format!("refs/heads/{default}");
    let mut refnames = vec![local.clone(), format!("refs/remotes/origin/{default}")];
    if let Ok(upstream) = repo.branch_upstream_name(&local) {
        if let Ok(upstream) = upstream.as_str() {
            refnames.push(upstream.to_string());
        }
    }
    let mut tips: Vec<Oid> = refnames
        .iter()
        .filter_map(|name| repo.refname_to_id(name).ok())
        .collect();
    tips.sort();
    tips.dedup();
    tips
}

fn branch_info(
    branch: &Branch<'_>,
    head: Option<&str>,
    upstreams: &mut Upstreams<'_>,
    graph: &mut Graph<'_>,
) -> Result<Option<BranchInfo>, GitError> {
    let reference = branch.get();
    let name = String::from_utf8_lossy(branch.name_bytes().unwrap_or(reference.shorthand_bytes()))
        .into_owned();
    // A branch pointing at a missing or non-commit object (a damaged repository) is left out
    // rather than failing the whole panel.
    let Ok(commit) = reference.peel_to_commit() else {
        return Ok(None);
    };
    let tip = commit.id();

    let mut info = BranchInfo {
        is_head: head.is_some() && reference.name().ok() == head,
        sha: tip.to_string(),
        upstream: None,
        upstream_gone: false,
        ahead: 0,
        behind: 0,
        summary: Safe::line(&String::from_utf8_lossy(
            commit.summary_bytes().unwrap_or_default(),
        )),
        commit_time: DateTime::from_timestamp(commit.time().seconds(), 0).unwrap_or_default(),
        author: Safe::line(&String::from_utf8_lossy(commit.author().name_bytes())),
        merged_into_default: false,
        issue: None,
        stale: false,
        name: Name::new(name),
    };

    if let Ok(refname) = reference.name() {
        if let Some(upstream_ref) = upstreams.refname(refname) {
            info.upstream = Some(Name::new(short_refname(&upstream_ref)));
            match upstreams.repo.refname_to_id(&upstream_ref) {
                Ok(upstream_tip) => {
                    let (ahead, behind) = graph.ahead_behind(tip, upstream_tip).doing(|| {
                        format!("comparing branch '{}' with its upstream", info.name.shown())
                    })?;
                    info.ahead = ahead;
                    info.behind = behind;
                }
                Err(e) if e.code() == ErrorCode::NotFound => info.upstream_gone = true,
                Err(e) => {
                    return Err(GitError::Git {
                        doing: format!("reading the upstream of branch '{}'", info.name.shown()),
                        source: e,
                    })
                }
            }
        }
    }

    Ok(Some(info))
}

fn mark_merged(
    repo: &Repository,
    branches: &mut [BranchInfo],
    default_branch: Option<&str>,
    default_tips: &[Oid],
) -> Result<(), GitError> {
    let is_candidate = |b: &BranchInfo, tip: Oid| {
        default_branch != Some(b.name.as_str()) && !default_tips.contains(&tip)
    };
    let candidates: Vec<(Oid, i64)> = branches
        .iter()
        .filter_map(|b| {
            let tip = Oid::from_str(&b.sha).ok()?;
            is_candidate(b, tip).then(|| (tip, b.commit_time.timestamp()))
        })
        .collect();
    let merged = reachable_tips(repo, default_tips, &candidates)
        .doing(|| "finding the branches merged into the default branch".to_string())?;
    for branch in branches {
        if let Ok(tip) = Oid::from_str(&branch.sha) {
            branch.merged_into_default = is_candidate(branch, tip) && merged.contains(&tip);
        }
    }
    Ok(())
}

/// The full ref name of the checked-out branch; `None` when HEAD is detached or unborn.
fn head_refname(repo: &Repository) -> Option<String> {
    if repo.head_detached().unwrap_or(false) {
        return None;
    }
    repo.head().ok()?.name().ok().map(str::to_string)
}

fn short_refname(refname: &str) -> &str {
    refname
        .strip_prefix("refs/remotes/")
        .or_else(|| refname.strip_prefix("refs/heads/"))
        .unwrap_or(refname)
}

/// Commit messages and author names are outside data that ends up on the terminal: an escape
/// sequence in them must not reach it.
fn work_tree_status(repo: &Repository) -> Result<WorkTreeStatus, GitError> {
    if repo.is_bare() {
        return Ok(WorkTreeStatus::default());
    }
    let mut options = StatusOptions::new();
    // An untracked directory counts once, as `git status` shows it; recursing into a large
    // untracked build directory would dominate the snapshot's cost.
    options
        .include_untracked(true)
        .recurse_untracked_dirs(false)
        .include_ignored(false);
    let statuses = repo
        .statuses(Some(&mut options))
        .doing(|| "reading the working tree status".to_string())?;

    let mut status = WorkTreeStatus::default();
    for entry in statuses.iter() {
        let s = entry.status();
        if s.is_conflicted() {
            status.conflicted += 1;
            continue;
        }
        if s.is_index_new()
            || s.is_index_modified()
            || s.is_index_deleted()
            || s.is_index_renamed()
            || s.is_index_typechange()
        {
            status.staged += 1;
        }
        if s.is_wt_modified() || s.is_wt_deleted() || s.is_wt_renamed() || s.is_wt_typechange() {
            status.modified += 1;
        }
        if s.is_wt_new() {
            status.untracked += 1;
        }
    }
    Ok(status)
}
