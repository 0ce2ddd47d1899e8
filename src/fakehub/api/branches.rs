//! Branches of a repository.

use serde_json::json;

use super::paging::list;
use super::reply::{ApiError, Reply, Req, R};
use crate::fakehub::render::{self, Ctx};
use crate::fakehub::world::World;

pub(super) fn branches(w: &World, ri: usize, ctx: &Ctx, req: &Req) -> R {
    let repo = &w.repos[ri];
    let api = format!("{}/repos/{}", ctx.api, repo.full_name());
    let items = repo
        .branches
        .iter()
        .map(|b| {
            json!({
                "name": b.name,
                "commit": {"sha": b.sha, "url": format!("{api}/commits/{}", b.sha)},
                "protected": b.protected,
            })
        })
        .collect();
    list(ctx, req, items)
}

pub(super) fn branch(w: &World, ri: usize, ctx: &Ctx, name: &str) -> R {
    let repo = &w.repos[ri];
    let b = repo
        .branch(name)
        .ok_or_else(|| ApiError::new(404, "Branch not found"))?;
    let api = format!("{}/repos/{}", ctx.api, repo.full_name());
    Ok(Reply::json(json!({
        "name": b.name,
        "commit": {
            "sha": b.sha,
            "url": format!("{api}/commits/{}", b.sha),
            "commit": {"message": b.message.clone().unwrap_or_default()},
        },
        "_links": {
            "self": format!("{api}/branches/{}", render::encode(&b.name)),
            "html": format!("{}/{}/tree/{}", ctx.web(), repo.full_name(), b.name),
        },
        "protected": b.protected,
    })))
}
