//! A finished job's log: a redirect to the blob listener, and the text behind it.

use super::reply::{not_found, Reply, Req, R};
use super::runs::visible_job;
use crate::fakehub::render::Ctx;
use crate::fakehub::world::{plan_attempt, World};

/// A job's whole log: 404 until the job completes, as on GitHub (which has no endpoint for a
/// running job's log or a step's).
pub(super) fn job_logs(w: &World, ri: usize, ctx: &Ctx, req: &Req, id: u64) -> R {
    let repo = &w.repos[ri];
    let (run, a, k) = visible_job(repo, id, ctx)?;
    let att = &run.attempts[a];
    let plans = plan_attempt(repo, att);
    let plan = &plans[k];
    if plan.completed_at.is_none_or(|t| t > ctx.now) {
        return Err(not_found());
    }
    let path = format!("/blob/jobs/{id}/logs");
    let exp = ctx.now.timestamp() + 60;
    let sig = (req.sign)(&path, exp);
    let location = format!("{}{path}?se={exp}&sp=r&sig={sig}", req.blob_base);
    let mut r = Reply::empty(302);
    r.headers.push(("location", location));
    Ok(r)
}

/// The log text behind a blob URL (None: no such finished job at `now`).
pub(crate) fn blob_log(w: &World, now: crate::fakehub::world::Time, job: u64) -> Option<String> {
    for repo in &w.repos {
        let Some((run, a, k)) = repo.find_job(job) else {
            continue;
        };
        let att = &run.attempts[a];
        let plans = plan_attempt(repo, att);
        let plan = plans.get(k)?;
        let j = att.jobs.get(k)?;
        plan.completed_at.filter(|&t| t <= now)?;
        return Some(crate::fakehub::logs::job_log(repo, run, j, plan));
    }
    None
}
