//! The compare API over a synthetic commit history. The scenario records deployments, not
//! commits, so the history is derived from them: every deployed sha is a commit on the
//! default branch, carrying one to three commits made in the hours before it was deployed;
//! other branch heads sit off that line. That is enough for what cockpit asks: "is this ref
//! merged into the default branch", "what would ship", and the commit times behind lead time.

use super::render::{self, Ctx};
use super::world::{Repo, Time, World};
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

/// A commit as the compare API lists it (GitHub's `commit` schema).
fn commit_json(w: &World, ctx: &Ctx, repo: &Repo, c: &Made) -> Value {
    let date = c.at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let (sha, author) = (&c.sha, c.author.as_str());
    let u = format!("{}/repos/{}/{}", ctx.api, repo.owner, repo.name);
    let person = json!({
        "name": author,
        "email": format!("{author}@users.noreply.github.com"),
        "date": date,
    });
    json!({
        "url": format!("{u}/commits/{sha}"),
        "sha": sha,
        "node_id": format!("C_kwDO{}", &sha[..sha.len().min(12)]),
        "html_url": format!("{}/{}/{}/commit/{sha}", ctx.web(), repo.owner, repo.name),
        "comments_url": format!("{u}/commits/{sha}/comments"),
        "commit": {
            "url": format!("{u}/git/commits/{sha}"),
            "message": c.message,
            "author": person,
            "committer": person,
            "comment_count": 0,
            "tree": {"sha": pseudo_sha(sha, 99), "url": format!("{u}/git/trees/{}", pseudo_sha(sha, 99))},
        },
        "author": render::user_json(w, author, ctx),
        "committer": render::user_json(w, author, ctx),
        "parents": [],
    })
}

/// A commit before it is rendered.
struct Made {
    sha: String,
    message: String,
    author: String,
    at: Time,
}

/// The commits a mainline point carries: made after the previous point, before it was deployed.
fn carried(line: &[Point], i: usize) -> Vec<Made> {
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
            Made {
                sha,
                message: msg.into(),
                author: p.author.clone(),
                at,
            }
        })
        .collect()
}

/// The compare answer from the attached repository, when both sides are commits there: the
/// demo's history is real, and what cockpit says would ship must be what `git log` says.
fn compare_in_git(
    w: &World,
    ctx: &Ctx,
    repo: &Repo,
    git: &std::path::Path,
    spec: &str,
) -> Option<Value> {
    let (base_name, head_name) = spec.split_once("...")?;
    let (base, head) = (resolve(repo, base_name)?, resolve(repo, head_name)?);
    let (ahead, behind, merge_base, commits) = super::git_store::compare(git, &base, &head)?;
    let status = match (ahead, behind) {
        (0, 0) => "identical",
        (_, 0) => "ahead",
        (0, _) => "behind",
        _ => "diverged",
    };
    let made = |c: &super::git_store::CommitInfo| Made {
        sha: c.sha.clone(),
        message: c.message.clone(),
        author: c.author.clone(),
        at: c.time,
    };
    let base_commit = made(&super::git_store::commit(git, &base)?);
    let merge_base = made(&super::git_store::commit(git, &merge_base)?);
    let commits: Vec<Made> = commits.iter().map(made).collect();
    Some(answer(
        w,
        ctx,
        repo,
        (spec, &head),
        (status, ahead, behind),
        (&base_commit, &merge_base),
        &commits,
    ))
}

/// The compare answer's JSON (GitHub's `commit-comparison`). `total_commits` is `ahead`: the
/// list may be cut, as GitHub's is.
fn answer(
    w: &World,
    ctx: &Ctx,
    repo: &Repo,
    (spec, head): (&str, &str),
    (status, ahead, behind): (&str, usize, usize),
    (base, merge_base): (&Made, &Made),
    commits: &[Made],
) -> Value {
    let web = format!("{}/{}/{}", ctx.web(), repo.owner, repo.name);
    let short = |s: &str| s[..s.len().min(7)].to_string();
    json!({
        "url": format!("{}/repos/{}/{}/compare/{spec}", ctx.api, repo.owner, repo.name),
        "html_url": format!("{web}/compare/{spec}"),
        "permalink_url": format!("{web}/compare/{}...{}", short(&base.sha), short(head)),
        "diff_url": format!("{web}/compare/{spec}.diff"),
        "patch_url": format!("{web}/compare/{spec}.patch"),
        "status": status,
        "ahead_by": ahead,
        "behind_by": behind,
        "total_commits": ahead,
        "base_commit": commit_json(w, ctx, repo, base),
        "merge_base_commit": commit_json(w, ctx, repo, merge_base),
        "commits": commits.iter().map(|c| commit_json(w, ctx, repo, c)).collect::<Vec<_>>(),
    })
}

/// `GET /repos/{o}/{r}/compare/{base}...{head}`; `None` when either side does not resolve.
/// With `git` (the attached repository), commits that exist there are answered from it.
pub(crate) fn compare_json(
    w: &World,
    ctx: &Ctx,
    repo: &Repo,
    git: Option<&std::path::Path>,
    spec: &str,
) -> Option<Value> {
    if let Some(v) = git.and_then(|g| compare_in_git(w, ctx, repo, g, spec)) {
        return Some(v);
    }
    let (base_name, head_name) = spec.split_once("...")?;
    let (base, head) = (resolve(repo, base_name)?, resolve(repo, head_name)?);
    let line = mainline(repo);
    let find = |sha: &str| {
        line.iter()
            .position(|p| p.sha.starts_with(sha) || sha.starts_with(&p.sha))
    };
    let (status, ahead, behind, commits): (&str, usize, usize, Vec<Made>) =
        match (find(&base), find(&head)) {
            (Some(b), Some(h)) if b == h => ("identical", 0, 0, Vec::new()),
            (Some(b), Some(h)) if h > b => {
                let commits: Vec<Made> = (b + 1..=h).flat_map(|i| carried(&line, i)).collect();
                ("ahead", commits.len(), 0, commits)
            }
            (Some(b), Some(h)) => (
                "behind",
                0,
                (h + 1..=b).map(|i| carried(&line, i).len()).sum(),
                Vec::new(),
            ),
            (base_pos, _) => {
                // The head is off the default branch: two commits of its own on top of the tip.
                let at = line.last().map(|p| p.deployed_at).unwrap_or(ctx.now);
                let made = |sha: String, message: &str, hours| Made {
                    sha,
                    message: message.into(),
                    author: "octodemo".into(),
                    at: at + TimeDelta::hours(hours),
                };
                let commits = vec![
                    made(pseudo_sha(&head, 0), "Work in progress", 1),
                    made(head.clone(), "Address review comments", 2),
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
    let base_commit = Made {
        sha: base.clone(),
        message: "Base".into(),
        author: repo.owner.clone(),
        at: line.first().map_or(ctx.now, |p| p.deployed_at),
    };
    Some(answer(
        w,
        ctx,
        repo,
        (spec, &head),
        (status, ahead, behind),
        (&base_commit, &base_commit),
        &commits,
    ))
}
