//! A repository itself: its description, its labels and comparisons of its commits.

use super::paging::list;
use super::reply::{not_found, Reply, Req, R};
use crate::fakehub::render::{self, Ctx};
use crate::fakehub::world::World;

pub(super) fn repo(w: &World, ri: usize, ctx: &Ctx) -> R {
    Ok(Reply::json(render::repo_json(w, &w.repos[ri], ctx)))
}

pub(super) fn labels(w: &World, ri: usize, ctx: &Ctx, req: &Req) -> R {
    let repo = &w.repos[ri];
    let items = repo
        .labels
        .iter()
        .map(|l| render::label_json(repo, &l.name, ctx))
        .collect();
    list(ctx, req, items)
}

pub(super) fn compare(w: &World, ri: usize, ctx: &Ctx, basehead: &str) -> R {
    // The attached repository is the first one's.
    let git = w.git_dir.as_deref().filter(|_| ri == 0);
    crate::fakehub::commits::compare_json(w, ctx, &w.repos[ri], git, basehead)
        .map(Reply::json)
        .ok_or_else(not_found)
}
