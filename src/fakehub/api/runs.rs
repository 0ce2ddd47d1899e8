//! Workflows, their runs and the runs' jobs.

use std::collections::BTreeSet;

use serde_json::{json, Value};

use super::paging::{query, wrapped_list};
use super::reply::{not_found, validation, ApiError, Reply, Req, R};
use crate::fakehub::render::{self, Ctx};
use crate::fakehub::world::{job_view, plan_attempt, run_view, Attempt, Repo, Run, World};

pub(super) fn find_workflow<'a>(
    repo: &'a Repo,
    id: &str,
) -> Result<&'a crate::fakehub::world::Workflow, ApiError> {
    repo.workflows
        .iter()
        .find(|w| w.id.to_string() == id || w.file == id || w.path() == id)
        .ok_or_else(not_found)
}

pub(super) fn visible_run<'a>(repo: &'a Repo, id: u64, ctx: &Ctx) -> Result<&'a Run, ApiError> {
    repo.run(id)
        .filter(|r| r.created_at <= ctx.now)
        .ok_or_else(not_found)
}

pub(super) fn visible_job<'a>(
    repo: &'a Repo,
    id: u64,
    ctx: &Ctx,
) -> Result<(&'a Run, usize, usize), ApiError> {
    repo.find_job(id)
        .filter(|(r, a, _)| r.attempts[*a].started_at <= ctx.now && r.created_at <= ctx.now)
        .ok_or_else(not_found)
}

pub(super) const RUN_STATUSES: &[&str] = &[
    "completed",
    "in_progress",
    "queued",
    "requested",
    "waiting",
    "pending",
];
pub(super) const RUN_CONCLUSIONS: &[&str] = &[
    "action_required",
    "cancelled",
    "failure",
    "neutral",
    "skipped",
    "stale",
    "success",
    "timed_out",
    "startup_failure",
];

pub(super) fn list_runs(w: &World, ri: usize, ctx: &Ctx, req: &Req, workflow: Option<u64>) -> R {
    let repo = &w.repos[ri];
    let branch = query(req, "branch");
    let head_sha = query(req, "head_sha");
    let event = query(req, "event");
    let actor = query(req, "actor");
    let status = query(req, "status");
    let suite = query(req, "check_suite_id").and_then(|s| s.parse::<u64>().ok());
    if let Some(s) = status {
        if !RUN_STATUSES.contains(&s) && !RUN_CONCLUSIONS.contains(&s) {
            return Err(validation(
                "WorkflowRun",
                "status",
                "invalid",
                Some(json!(s)),
            ));
        }
    }
    let exclude_prs = query(req, "exclude_pull_requests") == Some("true");
    let mut runs: Vec<&Run> = repo
        .runs
        .iter()
        .filter(|r| r.created_at <= ctx.now)
        .filter(|r| workflow.is_none_or(|id| r.workflow_id == id))
        .filter(|r| branch.is_none_or(|b| r.branch == b))
        .filter(|r| head_sha.is_none_or(|s| repo.run_sha(r).eq_ignore_ascii_case(s)))
        .filter(|r| event.is_none_or(|e| r.event == e))
        .filter(|r| actor.is_none_or(|a| r.actor.eq_ignore_ascii_case(a)))
        .filter(|r| suite.is_none_or(|s| r.attempts.iter().any(|a| a.check_suite_id == s)))
        .collect();
    runs.sort_by_key(|r| std::cmp::Reverse((r.created_at, r.id)));
    let mut items = Vec::new();
    for r in runs {
        let view = run_view(repo, r, ctx.now);
        if let Some(s) = status {
            let ok = if RUN_STATUSES.contains(&s) {
                view.status == s
            } else {
                view.conclusion == Some(s)
            };
            if !ok {
                continue;
            }
        }
        let mut v = render::run_json(w, repo, r, &view, ctx);
        if exclude_prs {
            if let Value::Object(m) = &mut v {
                m.insert("pull_requests".into(), json!([]));
            }
        }
        items.push(v);
    }
    wrapped_list(ctx, req, "workflow_runs", items)
}

pub(super) fn list_jobs(w: &World, ri: usize, ctx: &Ctx, req: &Req, id: u64) -> R {
    let repo = &w.repos[ri];
    let run = visible_run(repo, id, ctx)?;
    let filter = query(req, "filter").unwrap_or("latest");
    if !matches!(filter, "latest" | "all") {
        return Err(validation("Job", "filter", "invalid", Some(json!(filter))));
    }
    let attempts: Vec<&Attempt> = if filter == "all" {
        run.attempts.iter().rev().collect()
    } else {
        vec![run.latest()]
    };
    let mut seen = BTreeSet::new();
    let mut items = Vec::new();
    for att in attempts {
        let plans = plan_attempt(repo, att);
        for (job, plan) in att.jobs.iter().zip(&plans) {
            if !seen.insert(job.id) {
                continue;
            }
            let view = job_view(plan, ctx.now);
            items.push(render::job_json(repo, run, att, job, &view, ctx));
        }
    }
    wrapped_list(ctx, req, "jobs", items)
}

pub(super) fn workflows(w: &World, ri: usize, ctx: &Ctx, req: &Req) -> R {
    let repo = &w.repos[ri];
    let items = repo
        .workflows
        .iter()
        .map(|wf| render::workflow_json(repo, wf, ctx))
        .collect();
    wrapped_list(ctx, req, "workflows", items)
}

pub(super) fn workflow(w: &World, ri: usize, ctx: &Ctx, id: &str) -> R {
    let repo = &w.repos[ri];
    let wf = find_workflow(repo, id)?;
    Ok(Reply::json(render::workflow_json(repo, wf, ctx)))
}

pub(super) fn run(w: &World, ri: usize, ctx: &Ctx, id: u64) -> R {
    let repo = &w.repos[ri];
    let run = visible_run(repo, id, ctx)?;
    let view = run_view(repo, run, ctx.now);
    Ok(Reply::json(render::run_json(w, repo, run, &view, ctx)))
}

pub(super) fn job(w: &World, ri: usize, ctx: &Ctx, id: u64) -> R {
    let repo = &w.repos[ri];
    let (run, a, k) = visible_job(repo, id, ctx)?;
    let att = &run.attempts[a];
    let plans = plan_attempt(repo, att);
    let view = job_view(&plans[k], ctx.now);
    Ok(Reply::json(render::job_json(
        repo,
        run,
        att,
        &att.jobs[k],
        &view,
        ctx,
    )))
}
