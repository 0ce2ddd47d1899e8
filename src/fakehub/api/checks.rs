//! Check runs of a commit.

use std::collections::BTreeSet;

use super::paging::{list, query, wrapped_list};
use super::reply::{unprocessable, Reply, Req, R};
use super::runs::visible_job;
use crate::fakehub::render::{self, Ctx};
use crate::fakehub::world::{job_annotations, job_view, plan_attempt, Attempt, Run, World};

pub(super) fn check_runs_for_ref(w: &World, ri: usize, ctx: &Ctx, req: &Req, reference: &str) -> R {
    let repo = &w.repos[ri];
    let sha = if let Some(b) = repo.branch(reference) {
        b.sha.clone()
    } else if reference.len() >= 7
        && reference.len() <= 40
        && reference.bytes().all(|b| b.is_ascii_hexdigit())
    {
        reference.to_ascii_lowercase()
    } else {
        return Err(unprocessable(format!(
            "No commit found for SHA: {reference}"
        )));
    };
    let check_name = query(req, "check_name");
    let status = query(req, "status");
    let all = query(req, "filter") == Some("all");
    let mut runs: Vec<&Run> = repo
        .runs
        .iter()
        .filter(|r| r.created_at <= ctx.now && repo.run_sha(r).starts_with(&sha))
        .collect();
    runs.sort_by_key(|r| std::cmp::Reverse((r.created_at, r.id)));
    let mut names = BTreeSet::new();
    let mut items = Vec::new();
    for run in runs {
        let attempts: Vec<&Attempt> = if all {
            run.attempts.iter().rev().collect()
        } else {
            vec![run.latest()]
        };
        for att in attempts {
            let plans = plan_attempt(repo, att);
            for (job, plan) in att.jobs.iter().zip(&plans) {
                if check_name.is_some_and(|n| n != job.name) {
                    continue;
                }
                let wf = repo.workflow(run.workflow_id).map(|w| w.id).unwrap_or(0);
                if !all && !names.insert((wf, job.name.clone())) {
                    continue;
                }
                let view = job_view(plan, ctx.now);
                if status.is_some_and(|s| s != view.status) {
                    continue;
                }
                items.push(render::check_run_json(w, repo, run, job, plan, ctx));
            }
        }
    }
    wrapped_list(ctx, req, "check_runs", items)
}

pub(super) fn check_run(w: &World, ri: usize, ctx: &Ctx, id: u64) -> R {
    let repo = &w.repos[ri];
    let (run, a, k) = visible_job(repo, id, ctx)?;
    let att = &run.attempts[a];
    let plans = plan_attempt(repo, att);
    Ok(Reply::json(render::check_run_json(
        w,
        repo,
        run,
        &att.jobs[k],
        &plans[k],
        ctx,
    )))
}

pub(super) fn annotations(w: &World, ri: usize, ctx: &Ctx, req: &Req, id: u64) -> R {
    let repo = &w.repos[ri];
    let (run, a, k) = visible_job(repo, id, ctx)?;
    let att = &run.attempts[a];
    let plans = plan_attempt(repo, att);
    let sha = repo.run_sha(run);
    let items = job_annotations(&att.jobs[k], &plans[k], ctx.now)
        .iter()
        .map(|x| render::annotation_json(repo, x, &sha, ctx))
        .collect();
    list(ctx, req, items)
}
