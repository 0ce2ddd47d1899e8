//! Deployments and their statuses.

use super::paging::{list, query, wrapped_list};
use super::reply::{not_found, ApiError, Reply, Req, R};
use crate::fakehub::render::{self, Ctx};
use crate::fakehub::world::{deployment_created_at, plan_attempt, Deployment, Repo, World};

pub(super) fn deployment_visible(repo: &Repo, d: &Deployment, ctx: &Ctx) -> bool {
    if d.created_at > ctx.now {
        return false;
    }
    match d.source {
        None => true,
        Some(src) => repo
            .run(src.run_id)
            .and_then(|r| r.attempts.get(src.attempt))
            .map(|att| plan_attempt(repo, att))
            .and_then(|plans| plans.get(src.job).cloned())
            .is_some_and(|p| deployment_created_at(&p).is_some()),
    }
}

pub(super) fn visible_deployment<'a>(
    repo: &'a Repo,
    id: u64,
    ctx: &Ctx,
) -> Result<&'a Deployment, ApiError> {
    repo.deployments
        .iter()
        .find(|d| d.id == id)
        .filter(|d| deployment_visible(repo, d, ctx))
        .ok_or_else(not_found)
}

pub(super) fn list_deployments(w: &World, ri: usize, ctx: &Ctx, req: &Req) -> R {
    let repo = &w.repos[ri];
    let env = query(req, "environment");
    let git_ref = query(req, "ref");
    let sha = query(req, "sha");
    let task = query(req, "task");
    let mut v: Vec<&Deployment> = repo
        .deployments
        .iter()
        .filter(|d| deployment_visible(repo, d, ctx))
        .filter(|d| env.is_none_or(|e| d.environment == e))
        .filter(|d| {
            git_ref.is_none_or(|r| d.git_ref == r || format!("refs/heads/{}", d.git_ref) == r)
        })
        .filter(|d| sha.is_none_or(|s| render::deployment_sha(repo, d).eq_ignore_ascii_case(s)))
        .filter(|d| task.is_none_or(|t| d.task == t))
        .collect();
    v.sort_by_key(|d| std::cmp::Reverse((d.created_at, d.id)));
    let items = v
        .into_iter()
        .map(|d| render::deployment_json(w, repo, d, ctx))
        .collect();
    list(ctx, req, items)
}

pub(super) fn deployment(w: &World, ri: usize, ctx: &Ctx, id: u64) -> R {
    let repo = &w.repos[ri];
    let d = visible_deployment(repo, id, ctx)?;
    Ok(Reply::json(render::deployment_json(w, repo, d, ctx)))
}

pub(super) fn statuses(w: &World, ri: usize, ctx: &Ctx, req: &Req, id: u64) -> R {
    let repo = &w.repos[ri];
    let d = visible_deployment(repo, id, ctx)?;
    let mut st = crate::fakehub::world::deployment_statuses(repo, d, ctx.now);
    st.reverse();
    let items = st
        .iter()
        .map(|s| render::deployment_status_json(w, repo, d, s, ctx))
        .collect();
    list(ctx, req, items)
}

pub(super) fn environments(w: &World, ri: usize, ctx: &Ctx, req: &Req) -> R {
    let repo = &w.repos[ri];
    let items = repo
        .environments
        .iter()
        .map(|e| render::environment_json(w, repo, e, ctx))
        .collect();
    wrapped_list(ctx, req, "environments", items)
}

pub(super) fn environment(w: &World, ri: usize, ctx: &Ctx, name: &str) -> R {
    let repo = &w.repos[ri];
    let e = repo.environment(name).ok_or_else(not_found)?;
    Ok(Reply::json(render::environment_json(w, repo, e, ctx)))
}
