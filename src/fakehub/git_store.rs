//! The attached bare repository (`World::git_dir`): what fakehub reads from it and does to it
//! when a pull request is merged or a branch deleted. All synchronous git2; callers hold the
//! world lock only for these short local operations on a small repository.

use std::path::Path;

use git2::{Oid, Repository, Signature};

/// `(branch, sha, first line of the tip's message)` of every branch.
pub(crate) fn heads(dir: &Path) -> Result<Vec<(String, String, String)>, git2::Error> {
    let repo = Repository::open_bare(dir)?;
    let mut out = Vec::new();
    for reference in repo.references_glob("refs/heads/*")? {
        let reference = reference?;
        let (Ok(name), Some(target)) = (reference.name(), reference.target()) else {
            continue;
        };
        let summary = repo
            .find_commit(target)
            .ok()
            .and_then(|c| {
                c.summary_bytes()
                    .map(|b| String::from_utf8_lossy(b).into_owned())
            })
            .unwrap_or_default();
        out.push((
            name.trim_start_matches("refs/heads/").to_string(),
            target.to_string(),
            summary,
        ));
    }
    Ok(out)
}

/// What a pull request changes: commits on head not on base, line counts, files, and the first
/// hunk (path, new-side line, hunk text) for the scripted reviewer to comment on.
#[derive(Debug, Clone, Default)]
pub(crate) struct PullDiff {
    pub commits: u64,
    pub additions: u64,
    pub deletions: u64,
    pub changed_files: u64,
    pub first_hunk: Option<(String, u64, String)>,
}

pub(crate) fn pull_diff(dir: &Path, base: &str, head: &str) -> Result<PullDiff, git2::Error> {
    let repo = Repository::open_bare(dir)?;
    let base_id = repo.refname_to_id(&format!("refs/heads/{base}"))?;
    let head_id = repo.refname_to_id(&format!("refs/heads/{head}"))?;
    let merge_base = repo.merge_base(base_id, head_id).unwrap_or(base_id);
    let (ahead, _) = repo.graph_ahead_behind(head_id, base_id)?;
    let old = repo.find_commit(merge_base)?.tree()?;
    let new = repo.find_commit(head_id)?.tree()?;
    let diff = repo.diff_tree_to_tree(Some(&old), Some(&new), None)?;
    let stats = diff.stats()?;
    let mut first_hunk = None;
    if let Ok(Some(patch)) = git2::Patch::from_diff(&diff, 0) {
        if let Ok((hunk, lines)) = patch.hunk(0) {
            let mut text = String::from_utf8_lossy(hunk.header())
                .trim_end()
                .to_string();
            let mut last_added = None;
            for k in 0..lines.min(12) {
                if let Ok(line) = patch.line_in_hunk(0, k) {
                    text.push('\n');
                    text.push(line.origin());
                    text.push_str(String::from_utf8_lossy(line.content()).trim_end_matches('\n'));
                    if line.origin() == '+' {
                        last_added = line.new_lineno();
                    }
                }
            }
            let path = patch
                .delta()
                .new_file()
                .path()
                .map(|p| p.to_string_lossy().into_owned());
            if let (Some(path), Some(line)) = (path, last_added) {
                first_hunk = Some((path, u64::from(line), text));
            }
        }
    }
    Ok(PullDiff {
        commits: ahead as u64,
        additions: stats.insertions() as u64,
        deletions: stats.deletions() as u64,
        changed_files: stats.files_changed() as u64,
        first_hunk,
    })
}

/// Merges `head` into `base` in the bare repository with GitHub's method and returns the new
/// tip of `base`. `Err` with a message when the branches conflict.
pub(crate) fn merge(
    dir: &Path,
    base: &str,
    head: &str,
    method: &str,
    title: &str,
    who: &str,
) -> Result<String, String> {
    let inner = || -> Result<Result<Oid, String>, git2::Error> {
        let repo = Repository::open_bare(dir)?;
        let base_ref = format!("refs/heads/{base}");
        let base_commit = repo.find_reference(&base_ref)?.peel_to_commit()?;
        let head_commit = repo
            .find_reference(&format!("refs/heads/{head}"))?
            .peel_to_commit()?;
        let sig = Signature::now(who, &format!("{who}@users.noreply.github.com"))?;
        let new_tip = match method {
            "rebase" => {
                // Replay head's own commits onto base, one by one, keeping their authors.
                let mut walk = repo.revwalk()?;
                walk.push(head_commit.id())?;
                walk.hide(base_commit.id())?;
                walk.set_sorting(git2::Sort::TOPOLOGICAL | git2::Sort::REVERSE)?;
                let mut tip = base_commit.clone();
                for oid in walk {
                    let commit = repo.find_commit(oid?)?;
                    let mut index = repo.cherrypick_commit(&commit, &tip, 0, None)?;
                    if index.has_conflicts() {
                        return Ok(Err("Merge conflict".into()));
                    }
                    let tree = repo.find_tree(index.write_tree_to(&repo)?)?;
                    let id = repo.commit(
                        None,
                        &commit.author(),
                        &sig,
                        &String::from_utf8_lossy(commit.message_bytes()),
                        &tree,
                        &[&tip],
                    )?;
                    tip = repo.find_commit(id)?;
                }
                tip.id()
            }
            _ => {
                let mut index = repo.merge_commits(&base_commit, &head_commit, None)?;
                if index.has_conflicts() {
                    return Ok(Err("Merge conflict".into()));
                }
                let tree = repo.find_tree(index.write_tree_to(&repo)?)?;
                if method == "squash" {
                    repo.commit(None, &sig, &sig, title, &tree, &[&base_commit])?
                } else {
                    repo.commit(
                        None,
                        &sig,
                        &sig,
                        title,
                        &tree,
                        &[&base_commit, &head_commit],
                    )?
                }
            }
        };
        repo.reference(&base_ref, new_tip, true, "fakehub: merge pull request")?;
        Ok(Ok(new_tip))
    };
    match inner() {
        Ok(Ok(oid)) => Ok(oid.to_string()),
        Ok(Err(conflict)) => Err(conflict),
        Err(e) => Err(e.message().to_string()),
    }
}

/// Deletes a branch; a branch that is not there is fine.
pub(crate) fn delete_branch(dir: &Path, branch: &str) -> Result<(), git2::Error> {
    let repo = Repository::open_bare(dir)?;
    let result = match repo.find_reference(&format!("refs/heads/{branch}")) {
        Ok(mut r) => r.delete(),
        Err(e) if e.code() == git2::ErrorCode::NotFound => Ok(()),
        Err(e) => Err(e),
    };
    result
}

/// One commit as the API shows it.
#[derive(Debug, Clone)]
pub(crate) struct CommitInfo {
    pub sha: String,
    pub message: String,
    pub author: String,
    pub time: chrono::DateTime<chrono::Utc>,
}

fn commit_info(c: &git2::Commit) -> CommitInfo {
    CommitInfo {
        sha: c.id().to_string(),
        message: String::from_utf8_lossy(c.message_bytes()).into_owned(),
        author: String::from_utf8_lossy(c.author().name_bytes()).into_owned(),
        time: chrono::DateTime::from_timestamp(c.time().seconds(), 0).unwrap_or_default(),
    }
}

/// The first-parent history of `branch`, newest first.
pub(crate) fn first_parent_line(dir: &Path, branch: &str) -> Result<Vec<CommitInfo>, git2::Error> {
    let repo = Repository::open_bare(dir)?;
    let mut walk = repo.revwalk()?;
    walk.push(repo.refname_to_id(&format!("refs/heads/{branch}"))?)?;
    walk.simplify_first_parent()?;
    walk.map(|oid| repo.find_commit(oid?).map(|c| commit_info(&c)))
        .collect()
}

/// `base...head` in the repository: (ahead, behind, merge base, the commits of head that base
/// lacks, oldest first). `None` when either side is not a commit there.
pub(crate) type Comparison = (usize, usize, String, Vec<CommitInfo>);

pub(crate) fn compare(dir: &Path, base: &str, head: &str) -> Option<Comparison> {
    let repo = Repository::open_bare(dir).ok()?;
    let find = |spec: &str| {
        repo.revparse_single(spec)
            .and_then(|o| o.peel_to_commit())
            .map(|c| c.id())
            .ok()
    };
    let (base, head) = (find(base)?, find(head)?);
    let (ahead, behind) = repo.graph_ahead_behind(head, base).ok()?;
    let merge_base = repo.merge_base(base, head).ok()?;
    let mut walk = repo.revwalk().ok()?;
    walk.push(head).ok()?;
    walk.hide(base).ok()?;
    walk.set_sorting(git2::Sort::TOPOLOGICAL | git2::Sort::REVERSE)
        .ok()?;
    let commits = walk
        .filter_map(|oid| repo.find_commit(oid.ok()?).ok())
        .take(250)
        .map(|c| commit_info(&c))
        .collect();
    Some((ahead, behind, merge_base.to_string(), commits))
}

/// One commit of the repository, by sha (or anything `rev-parse` takes).
pub(crate) fn commit(dir: &Path, spec: &str) -> Option<CommitInfo> {
    let repo = Repository::open_bare(dir).ok()?;
    let c = repo.revparse_single(spec).ok()?.peel_to_commit().ok()?;
    Some(commit_info(&c))
}

/// Points `refs/pull/N/head` at each pull request's head commit, as GitHub keeps it in the base
/// repository (a fork's head included, and after the head branch is deleted). A head whose
/// commit is not in the repository is skipped.
pub(crate) fn write_pull_refs(repo: &Repository, heads: &[(u64, String)]) {
    for (n, sha) in heads {
        let Ok(oid) = Oid::from_str(sha) else {
            continue;
        };
        let name = format!("refs/pull/{n}/head");
        if repo.refname_to_id(&name).ok() == Some(oid) || repo.find_commit(oid).is_err() {
            continue;
        }
        let _ = repo.reference(&name, oid, true, "fakehub: pull request head");
    }
}

/// [`write_pull_refs`] in the bare repository at `dir`.
pub(crate) fn sync_pull_refs(dir: &Path, heads: &[(u64, String)]) {
    if let Ok(repo) = Repository::open_bare(dir) {
        write_pull_refs(&repo, heads);
    }
}
