//! Reading issues: one issue, a repository's list and the signed-in user's list.

use serde_json::json;

use super::access::viewer;
use super::paging::{list, parse_since, query};
use super::reply::{not_found, validation, ApiError, Reply, Req, R};
use crate::fakehub::render::{self, Ctx};
use crate::fakehub::world::{Issue, Repo, World};

pub(crate) fn visible_issue<'a>(repo: &'a Repo, n: u64, ctx: &Ctx) -> Result<&'a Issue, ApiError> {
    repo.issues
        .get(&n)
        .filter(|i| i.created_at <= ctx.now)
        .ok_or_else(not_found)
}

pub(super) struct IssueFilter {
    state: String,
    labels: Vec<String>,
    sort: String,
    asc: bool,
    since: Option<crate::fakehub::world::Time>,
}

pub(super) fn issue_filter(req: &Req) -> Result<IssueFilter, ApiError> {
    let state = query(req, "state").unwrap_or("open").to_string();
    if !matches!(state.as_str(), "open" | "closed" | "all") {
        return Err(validation("Issue", "state", "invalid", Some(json!(state))));
    }
    let sort = query(req, "sort").unwrap_or("created").to_string();
    if !matches!(sort.as_str(), "created" | "updated" | "comments") {
        return Err(validation("Issue", "sort", "invalid", Some(json!(sort))));
    }
    let direction = query(req, "direction").unwrap_or("desc");
    if !matches!(direction, "asc" | "desc") {
        return Err(validation(
            "Issue",
            "direction",
            "invalid",
            Some(json!(direction)),
        ));
    }
    let labels = query(req, "labels")
        .map(|l| {
            l.split(',')
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect()
        })
        .unwrap_or_default();
    Ok(IssueFilter {
        state,
        labels,
        sort,
        asc: direction == "asc",
        since: parse_since(req)?,
    })
}

impl IssueFilter {
    fn keeps(&self, i: &Issue, ctx: &Ctx) -> bool {
        i.created_at <= ctx.now
            && (self.state == "all" || i.state == self.state)
            && self
                .labels
                .iter()
                .all(|l| i.labels.iter().any(|x| x.eq_ignore_ascii_case(l)))
            && self.since.is_none_or(|s| i.updated_at >= s)
    }

    fn sort(&self, v: &mut [(&Repo, &Issue)]) {
        match self.sort.as_str() {
            "updated" => v.sort_by_key(|(_, i)| (i.updated_at, i.id)),
            "comments" => v.sort_by_key(|(_, i)| (i.comments.len(), i.id)),
            _ => v.sort_by_key(|(_, i)| (i.created_at, i.id)),
        }
        if !self.asc {
            v.reverse();
        }
    }
}

pub(super) fn repo_issues(w: &World, ri: usize, ctx: &Ctx, req: &Req) -> R {
    let repo = &w.repos[ri];
    let f = issue_filter(req)?;
    let assignee = query(req, "assignee");
    let creator = query(req, "creator");
    let mentioned = query(req, "mentioned");
    let mut v: Vec<(&Repo, &Issue)> = repo
        .issues
        .values()
        .filter(|i| f.keeps(i, ctx))
        .filter(|i| match assignee {
            None => true,
            Some("none") => i.assignees.is_empty(),
            Some("*") => !i.assignees.is_empty(),
            Some(a) => i.assignees.iter().any(|x| x.eq_ignore_ascii_case(a)),
        })
        .filter(|i| creator.is_none_or(|c| i.user.eq_ignore_ascii_case(c)))
        .filter(|i| {
            mentioned.is_none_or(|m| {
                i.body
                    .as_deref()
                    .is_some_and(|b| b.contains(&format!("@{m}")))
            })
        })
        .map(|i| (repo, i))
        .collect();
    f.sort(&mut v);
    let items = v
        .into_iter()
        .map(|(r, i)| render::issue_json(w, r, i, ctx, false))
        .collect();
    list(ctx, req, items)
}

pub(super) fn user_issues(w: &World, ctx: &Ctx, req: &Req) -> R {
    let login = viewer(ctx)?;
    let f = issue_filter(req)?;
    let filter = query(req, "filter").unwrap_or("assigned");
    if !matches!(
        filter,
        "assigned" | "created" | "mentioned" | "subscribed" | "repos" | "all"
    ) {
        return Err(validation(
            "Issue",
            "filter",
            "invalid",
            Some(json!(filter)),
        ));
    }
    let mut v: Vec<(&Repo, &Issue)> = w
        .repos
        .iter()
        .filter(|r| r.can_read(Some(login)))
        .flat_map(|r| r.issues.values().map(move |i| (r, i)))
        .filter(|(_, i)| f.keeps(i, ctx))
        .filter(|(r, i)| {
            let assigned = i.assignees.iter().any(|a| a == login);
            let created = i.user == login;
            let mentioned = i
                .body
                .as_deref()
                .is_some_and(|b| b.contains(&format!("@{login}")));
            match filter {
                "assigned" => assigned,
                "created" => created,
                "mentioned" => mentioned,
                "subscribed" => {
                    assigned || created || mentioned || i.comments.iter().any(|c| c.user == login)
                }
                _ => r.role(login).is_some() || assigned || created,
            }
        })
        .collect();
    f.sort(&mut v);
    let items = v
        .into_iter()
        .map(|(r, i)| render::issue_json(w, r, i, ctx, true))
        .collect();
    list(ctx, req, items)
}

pub(super) fn issue(w: &World, ri: usize, ctx: &Ctx, n: u64) -> R {
    let repo = &w.repos[ri];
    let issue = visible_issue(repo, n, ctx)?;
    Ok(Reply::json(render::issue_json(w, repo, issue, ctx, false)))
}

pub(super) fn comments(w: &World, ri: usize, ctx: &Ctx, req: &Req, n: u64) -> R {
    let repo = &w.repos[ri];
    let issue = visible_issue(repo, n, ctx)?;
    let since = parse_since(req)?;
    let items = issue
        .comments
        .iter()
        .filter(|c| c.created_at <= ctx.now && since.is_none_or(|s| c.updated_at >= s))
        .map(|c| render::comment_json(w, repo, issue, c, ctx))
        .collect();
    list(ctx, req, items)
}

/// `GET /repos/{o}/{r}/issues/{n}/events`, oldest first: what closed it and with which
/// commit (`closed`; `merged` for a pull request, whose merge commit carries it).
pub(super) fn events(w: &World, ri: usize, ctx: &Ctx, req: &Req, n: u64) -> R {
    let repo = &w.repos[ri];
    let issue = visible_issue(repo, n, ctx)?;
    let mut items = Vec::new();
    let actor = issue.closed_by.as_deref().unwrap_or(&issue.user);
    let mut event = |seq: u64, kind: &str, commit: Option<&str>, at, reason: Option<&str>| {
        let id = issue.id * 16 + seq;
        let mut v = json!({
            "id": id,
            "node_id": format!("CE_kwDO{id:X}"),
            "url": format!("{}/repos/{}/{}/issues/events/{id}", ctx.api, repo.owner, repo.name),
            "actor": render::user_json(w, actor, ctx),
            "event": kind,
            "commit_id": commit,
            "commit_url": commit.map(|c| format!("{}/repos/{}/{}/commits/{c}", ctx.api, repo.owner, repo.name)),
            "created_at": render::ts(at),
            "performed_via_github_app": null,
        });
        if let Some(r) = reason {
            v["state_reason"] = json!(r);
        }
        items.push(v);
    };
    let merged = issue
        .pull
        .as_ref()
        .and_then(|p| Some((p.merged_at?, p.merge_commit_sha.as_deref())));
    if let Some((at, sha)) = merged.filter(|(at, _)| *at <= ctx.now) {
        event(1, "merged", sha, at, None);
    }
    let closed = issue
        .closed_at
        .filter(|at| *at <= ctx.now && issue.state == "closed");
    if let Some(at) = closed {
        let commit = repo.closing_commits.get(&n).map(String::as_str);
        event(2, "closed", commit, at, issue.state_reason.as_deref());
    }
    list(ctx, req, items)
}
