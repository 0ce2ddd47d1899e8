//! The compare API over a synthetic commit history. The scenario records deployments, not
//! commits, so the history is derived from them: every deployed sha is a commit on the
//! default branch, carrying one to three commits made in the hours before it was deployed;
//! other branch heads sit off that line. That is enough for what cockpit asks: "is this ref
//! merged into the default branch", "what would ship", and the commit times behind lead time.

use super::render::Ctx;
use super::world::{Repo, Time};
use chrono::TimeDelta;
use serde_json::{json, Value};
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

struct Point {
    sha: String,
    deployed_at: Time,
    author: String,
}

/// The default branch's history, oldest first: deployed shas in deployment order, then the
/// branch head.
fn mainline(repo: &Repo) -> Vec<Point> {
    let default_head = repo
        .branches
        .iter()
        .find(|b| b.name == repo.default_branch)
        .map(|b| b.sha.clone());
    let mut deps: Vec<&super::world::Deployment> = repo
        .deployments
        .iter()
        .filter(|d| {
            d.git_ref == repo.default_branch || !repo.branches.iter().any(|b| b.name == d.git_ref)
        })
        .collect();
    deps.sort_by_key(|d| d.created_at);
    let mut out: Vec<Point> = Vec::new();
    for d in deps {
        let sha = d
            .sha
            .clone()
            .or_else(|| default_head.clone())
            .unwrap_or_default();
        if sha.is_empty() || out.iter().any(|p| p.sha == sha) {
            continue;
        }
        out.push(Point {
            sha,
            deployed_at: d.created_at,
            author: d.creator.clone(),
        });
    }
    if let Some(head) = default_head {
        if !out.iter().any(|p| p.sha == head) {
            let at = out
                .last()
                .map(|p| p.deployed_at + TimeDelta::hours(6))
                .unwrap_or(repo.created_at);
            out.push(Point {
                sha: head,
                deployed_at: at,
                author: "octodemo".into(),
            });
        }
    }
    out
}

fn resolve(repo: &Repo, name: &str) -> Option<String> {
    if let Some(b) = repo.branches.iter().find(|b| b.name == name) {
        return Some(b.sha.clone());
    }
    if let Some(d) = repo
        .deployments
        .iter()
        .rev()
        .find(|d| d.git_ref == name && d.sha.is_some())
    {
        return d.sha.clone();
    }
    let is_sha = name.len() >= 7 && name.len() <= 40 && name.chars().all(|c| c.is_ascii_hexdigit());
    is_sha.then(|| name.to_ascii_lowercase())
}

fn pseudo_sha(seed: &str, k: usize) -> String {
    let mut out = String::new();
    for part in 0..3u64 {
        let mut h = DefaultHasher::new();
        (seed, k, part).hash(&mut h);
        out.push_str(&format!("{:016x}", h.finish()));
    }
    out.truncate(40);
    out
}

const MESSAGES: [&str; 6] = [
    "Tighten retry budget for uploads",
    "Fix flaky progress bar test",
    "Bump dependencies",
    "Log request ids on upload failures",
    "Handle missing HOME gracefully",
    "Refactor chunk scheduler",
];

fn commit_json(ctx: &Ctx, repo: &Repo, sha: &str, message: &str, author: &str, at: Time) -> Value {
    let date = at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    json!({
        "sha": sha,
        "commit": {
            "message": message,
            "author": {"name": author, "email": format!("{author}@users.noreply.github.com"), "date": date},
            "committer": {"name": author, "email": format!("{author}@users.noreply.github.com"), "date": date},
        },
        "author": {"login": author},
        "html_url": format!("{}/{}/{}/commit/{sha}", ctx.web(), repo.owner, repo.name),
    })
}

/// The commits a mainline point carries: made after the previous point, before it was deployed.
fn carried(ctx: &Ctx, repo: &Repo, line: &[Point], i: usize) -> Vec<Value> {
    let p = &line[i];
    let first = line
        .get(i.wrapping_sub(1))
        .filter(|_| i > 0)
        .map(|q| q.deployed_at);
    let n = 1 + (p.sha.bytes().next().unwrap_or(0) as usize % 3);
    let end = p.deployed_at - TimeDelta::minutes(30);
    let start = first
        .map(|f| f + TimeDelta::minutes(30))
        .unwrap_or(end - TimeDelta::hours(6))
        .min(end);
    let step = (end - start) / (n as i32);
    (0..n)
        .map(|k| {
            let sha = if k + 1 == n {
                p.sha.clone()
            } else {
                pseudo_sha(&p.sha, k)
            };
            let at = start + step * (k as i32 + 1);
            let msg = MESSAGES[(p.sha.len() + k + i) % MESSAGES.len()];
            commit_json(ctx, repo, &sha, msg, &p.author, at)
        })
        .collect()
}

/// The compare answer from the attached repository, when both sides are commits there: the
/// demo's history is real, and what cockpit says would ship must be what `git log` says.
fn compare_in_git(ctx: &Ctx, repo: &Repo, git: &std::path::Path, spec: &str) -> Option<Value> {
    let (base_name, head_name) = spec.split_once("...")?;
    let (base, head) = (resolve(repo, base_name)?, resolve(repo, head_name)?);
    let (ahead, behind, merge_base, commits) = super::git_store::compare(git, &base, &head)?;
    let status = match (ahead, behind) {
        (0, 0) => "identical",
        (_, 0) => "ahead",
        (0, _) => "behind",
        _ => "diverged",
    };
    let commits: Vec<Value> = commits
        .iter()
        .map(|c| commit_json(ctx, repo, &c.sha, &c.message, &c.author, c.time))
        .collect();
    Some(answer(
        ctx,
        repo,
        spec,
        status,
        (ahead, behind),
        (&base, &merge_base),
        commits,
    ))
}

/// The compare answer's JSON; `total_commits` is `ahead` (the list may be cut, as GitHub's is).
fn answer(
    ctx: &Ctx,
    repo: &Repo,
    spec: &str,
    status: &str,
    (ahead, behind): (usize, usize),
    (base, merge_base): (&str, &str),
    commits: Vec<Value>,
) -> Value {
    json!({
        "url": format!("{}/repos/{}/{}/compare/{spec}", ctx.api, repo.owner, repo.name),
        "html_url": format!("{}/{}/{}/compare/{spec}", ctx.web(), repo.owner, repo.name),
        "status": status,
        "ahead_by": ahead,
        "behind_by": behind,
        "total_commits": ahead,
        "base_commit": {"sha": base},
        "merge_base_commit": {"sha": merge_base},
        "commits": commits,
    })
}

/// `GET /repos/{o}/{r}/compare/{base}...{head}`; `None` when either side does not resolve.
/// With `git` (the attached repository), commits that exist there are answered from it.
pub(crate) fn compare_json(
    ctx: &Ctx,
    repo: &Repo,
    git: Option<&std::path::Path>,
    spec: &str,
) -> Option<Value> {
    if let Some(v) = git.and_then(|g| compare_in_git(ctx, repo, g, spec)) {
        return Some(v);
    }
    let (base_name, head_name) = spec.split_once("...")?;
    let (base, head) = (resolve(repo, base_name)?, resolve(repo, head_name)?);
    let line = mainline(repo);
    let find = |sha: &str| {
        line.iter()
            .position(|p| p.sha.starts_with(sha) || sha.starts_with(&p.sha))
    };
    let (status, ahead, behind, commits): (&str, usize, usize, Vec<Value>) =
        match (find(&base), find(&head)) {
            (Some(b), Some(h)) if b == h => ("identical", 0, 0, Vec::new()),
            (Some(b), Some(h)) if h > b => {
                let commits: Vec<Value> = (b + 1..=h)
                    .flat_map(|i| carried(ctx, repo, &line, i))
                    .collect();
                ("ahead", commits.len(), 0, commits)
            }
            (Some(b), Some(h)) => (
                "behind",
                0,
                (h + 1..=b)
                    .map(|i| carried(ctx, repo, &line, i).len())
                    .sum(),
                Vec::new(),
            ),
            (base_pos, _) => {
                // The head is off the default branch: two commits of its own on top of the tip.
                let at = line.last().map(|p| p.deployed_at).unwrap_or(ctx.now);
                let commits = vec![
                    commit_json(
                        ctx,
                        repo,
                        &pseudo_sha(&head, 0),
                        "Work in progress",
                        "octodemo",
                        at + TimeDelta::hours(1),
                    ),
                    commit_json(
                        ctx,
                        repo,
                        &head,
                        "Address review comments",
                        "octodemo",
                        at + TimeDelta::hours(2),
                    ),
                ];
                let behind = base_pos
                    .map(|b| line.len().saturating_sub(b + 1))
                    .unwrap_or(0);
                (
                    if behind == 0 { "ahead" } else { "diverged" },
                    commits.len(),
                    behind,
                    commits,
                )
            }
        };
    Some(answer(
        ctx,
        repo,
        spec,
        status,
        (ahead, behind),
        (&base, &base),
        commits,
    ))
}
