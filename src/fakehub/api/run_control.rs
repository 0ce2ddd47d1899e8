//! Re-running, cancelling and approving (a fork's, held) workflow runs.

use std::collections::BTreeSet;

use serde_json::json;

use super::access::{require_write, viewer};
use super::input::parse_object;
use super::reply::{not_found, ApiError, Reply, Req, R};
use super::runs::{visible_job, visible_run};
use crate::fakehub::render::Ctx;
use crate::fakehub::world::{plan_attempt, run_view, Attempt, Job, World};

pub(super) enum Rerun {
    All,
    Failed,
    Job(u64),
}

pub(super) fn rerun(w: &mut World, ri: usize, ctx: &Ctx, req: &Req, run_id: u64, what: Rerun) -> R {
    let login = viewer(ctx)?.to_string();
    require_write(req, &w.repos[ri], &login)?;
    parse_object(req)?;
    let repo = &w.repos[ri];
    let run_id = match what {
        Rerun::Job(job) => visible_job(repo, job, ctx)?.0.id,
        _ => run_id,
    };
    let run = visible_run(repo, run_id, ctx)?;
    let view = run_view(repo, run, ctx.now);
    if view.status != "completed" {
        return Err(ApiError::new(403, "This workflow is already running"));
    }
    let att = run.latest();
    let plans = plan_attempt(repo, att);
    let n = att.jobs.len();
    let mut set: BTreeSet<usize> = match what {
        Rerun::All => (0..n).collect(),
        Rerun::Failed => (0..n)
            .filter(|&k| {
                matches!(
                    plans[k].conclusion,
                    Some("failure" | "cancelled" | "timed_out")
                )
            })
            .collect(),
        Rerun::Job(id) => match att.jobs.iter().position(|j| j.id == id) {
            Some(k) => [k].into_iter().collect(),
            None => {
                return Err(ApiError::new(
                    403,
                    "This job is not part of the latest attempt of its workflow run",
                ))
            }
        },
    };
    if set.is_empty() {
        return Err(ApiError::new(403, "There are no failed jobs to re-run"));
    }
    // Jobs depending on a re-run job run again too.
    for k in 0..n {
        if att.jobs[k].needs.iter().any(|d| set.contains(d)) {
            set.insert(k);
        }
    }
    let mut ids = w.ids.clone();
    let jobs: Vec<Job> = att
        .jobs
        .iter()
        .enumerate()
        .map(|(k, j)| {
            if set.contains(&k) {
                Job {
                    id: {
                        let id = ids.job;
                        ids.job += 1;
                        id
                    },
                    fail: j.fail.clone().filter(|f| !f.flaky),
                    approval: None,
                    carried: None,
                    ..j.clone()
                }
            } else {
                Job {
                    carried: Some(Box::new(plans[k].clone())),
                    ..j.clone()
                }
            }
        })
        .collect();
    let suite = ids.check_suite;
    ids.check_suite += 1;
    let number = att.number + 1;
    w.ids = ids;
    let Some(run) = w.repos[ri].runs.iter_mut().find(|r| r.id == run_id) else {
        return Err(not_found());
    };
    run.attempts.push(Attempt {
        number,
        started_at: ctx.now,
        triggering_actor: login,
        check_suite_id: suite,
        cancelled_at: None,
        jobs,
        held: Vec::new(),
    });
    w.sync_deployments(ri);
    Ok(Reply::json(json!({})).status(201))
}

pub(super) fn cancel(w: &mut World, ri: usize, ctx: &Ctx, req: &Req, run_id: u64) -> R {
    let login = viewer(ctx)?.to_string();
    require_write(req, &w.repos[ri], &login)?;
    let repo = &w.repos[ri];
    let run = visible_run(repo, run_id, ctx)?;
    let view = run_view(repo, run, ctx.now);
    if view.status == "completed" {
        return Err(ApiError::new(
            409,
            "Cannot cancel a workflow run that is completed.",
        ));
    }
    if let Some(run) = w.repos[ri].runs.iter_mut().find(|r| r.id == run_id) {
        if let Some(att) = run.attempts.last_mut() {
            att.cancelled_at.get_or_insert(ctx.now);
        }
    }
    Ok(Reply::json(json!({})).status(202))
}

/// A fork's run that waits for approval starts: its jobs are created now, so it goes queued
/// → in progress like any run. GitHub answers 403 for a run that does not wait.
pub(super) fn approve(w: &mut World, ri: usize, ctx: &Ctx, req: &Req, run_id: u64) -> R {
    let login = viewer(ctx)?.to_string();
    require_write(req, &w.repos[ri], &login)?;
    let run = visible_run(&w.repos[ri], run_id, ctx)?;
    if run.latest().held.is_empty() {
        return Err(ApiError::new(
            403,
            "This workflow run is not waiting for approval",
        ));
    }
    if let Some(att) = w.repos[ri]
        .runs
        .iter_mut()
        .find(|r| r.id == run_id)
        .and_then(|r| r.attempts.last_mut())
    {
        att.jobs = std::mem::take(&mut att.held);
        att.started_at = ctx.now;
    }
    w.sync_deployments(ri);
    Ok(Reply::json(json!({})).status(201))
}
