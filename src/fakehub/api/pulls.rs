//! Reading pull requests.

use serde_json::json;

use super::issues::visible_issue;
use super::paging::{list, query};
use super::reply::{not_found, validation, ApiError, Reply, Req, R};
use crate::fakehub::render::{self, Ctx};
use crate::fakehub::world::{Issue, Repo, World};

pub(crate) fn visible_pull<'a>(repo: &'a Repo, n: u64, ctx: &Ctx) -> Result<&'a Issue, ApiError> {
    visible_issue(repo, n, ctx).and_then(|i| {
        if i.pull.is_some() {
            Ok(i)
        } else {
            Err(not_found())
        }
    })
}

pub(super) fn list_pulls(w: &World, ri: usize, ctx: &Ctx, req: &Req) -> R {
    let repo = &w.repos[ri];
    let state = query(req, "state").unwrap_or("open");
    if !matches!(state, "open" | "closed" | "all") {
        return Err(validation(
            "PullRequest",
            "state",
            "invalid",
            Some(json!(state)),
        ));
    }
    let head = query(req, "head").map(|h| {
        h.split_once(':')
            .map_or(h.to_string(), |(_, b)| b.to_string())
    });
    let base = query(req, "base");
    let sort = query(req, "sort").unwrap_or("created");
    let asc = match query(req, "direction") {
        Some(d) => d == "asc",
        None => sort == "long-running",
    };
    let mut v: Vec<&Issue> = repo
        .issues
        .values()
        .filter(|i| i.created_at <= ctx.now)
        .filter(|i| state == "all" || i.state == state)
        .filter(|i| {
            i.pull.as_ref().is_some_and(|p| {
                head.as_deref().is_none_or(|h| p.head == h) && base.is_none_or(|b| p.base == b)
            })
        })
        .collect();
    match sort {
        "updated" => v.sort_by_key(|i| (i.updated_at, i.id)),
        "popularity" => v.sort_by_key(|i| (i.comments.len(), i.id)),
        _ => v.sort_by_key(|i| (i.created_at, i.id)),
    }
    if !asc {
        v.reverse();
    }
    let items = v
        .into_iter()
        .map(|i| render::pull_json(w, repo, i, ctx, false))
        .collect();
    list(ctx, req, items)
}

pub(super) fn pull(w: &World, ri: usize, ctx: &Ctx, n: u64) -> R {
    let repo = &w.repos[ri];
    let issue = visible_pull(repo, n, ctx)?;
    Ok(Reply::json(render::pull_json(w, repo, issue, ctx, true)))
}

pub(super) fn reviews(w: &World, ri: usize, ctx: &Ctx, req: &Req, n: u64) -> R {
    let repo = &w.repos[ri];
    let issue = visible_pull(repo, n, ctx)?;
    let items = issue
        .pull
        .iter()
        .flat_map(|p| p.reviews.iter())
        .filter(|r| r.submitted_at <= ctx.now)
        .map(|r| render::review_json(w, repo, issue, r, ctx))
        .collect();
    list(ctx, req, items)
}

pub(super) fn review_comments(w: &World, ri: usize, ctx: &Ctx, req: &Req, n: u64) -> R {
    let repo = &w.repos[ri];
    let issue = visible_pull(repo, n, ctx)?;
    let mut cs: Vec<_> = issue
        .pull
        .iter()
        .flat_map(|p| p.review_comments.iter())
        .filter(|c| c.created_at <= ctx.now)
        .collect();
    let desc = query(req, "direction") == Some("desc");
    cs.sort_by_key(|c| (c.created_at, c.id));
    if desc {
        cs.reverse();
    }
    let items = cs
        .into_iter()
        .map(|c| render::review_comment_json(w, repo, issue, c, ctx))
        .collect();
    list(ctx, req, items)
}
