//! Deployments waiting for a reviewer, and the reviews that approve or reject them.

use std::collections::BTreeSet;

use serde_json::{json, Value};

use super::access::{check_write_scope, viewer};
use super::input::parse_object;
use super::reply::{not_found, not_supplied, unprocessable, wrong_type, Reply, Req, R};
use super::runs::visible_run;
use crate::fakehub::render::{self, Ctx};
use crate::fakehub::world::{
    plan_attempt, run_view, waiting_environments, Approval, Repo, Run, World,
};

pub(super) fn can_approve(repo: &Repo, run: &Run, env: &str, login: Option<&str>) -> bool {
    let Some(login) = login else { return false };
    repo.environment(env).is_some_and(|e| {
        e.reviewers.iter().any(|r| r == login)
            && !(e.prevent_self_review && run.latest().triggering_actor == login)
    })
}

pub(super) fn pending_deployments(w: &World, ri: usize, ctx: &Ctx, run_id: u64) -> R {
    let repo = &w.repos[ri];
    let run = visible_run(repo, run_id, ctx)?;
    let view = run_view(repo, run, ctx.now);
    let att = run.latest();
    let plans = plan_attempt(repo, att);
    let mut out = Vec::new();
    for name in waiting_environments(att, &view.jobs) {
        let Some(e) = repo.environment(&name) else {
            continue;
        };
        let since = att
            .jobs
            .iter()
            .zip(&plans)
            .filter(|(j, _)| j.environment.as_deref() == Some(name.as_str()))
            .filter_map(|(_, p)| p.waiting_since)
            .min()
            .unwrap_or(ctx.now);
        out.push(json!({
            "environment": render::environment_min_json(repo, e, ctx),
            "wait_timer": e.wait_timer,
            "wait_timer_started_at": render::ts(since),
            "current_user_can_approve": can_approve(repo, run, &name, ctx.viewer.as_deref()),
            "reviewers": e.reviewers.iter().map(|r| json!({
                "type": "User",
                "reviewer": render::user_json(w, r, ctx),
            })).collect::<Vec<_>>(),
        }));
    }
    Ok(Reply::json(Value::Array(out)))
}

pub(super) fn review_deployments(w: &mut World, ri: usize, ctx: &Ctx, req: &Req, run_id: u64) -> R {
    let login = viewer(ctx)?.to_string();
    check_write_scope(req, &w.repos[ri])?;
    let body = parse_object(req)?;
    let env_ids: Vec<u64> = match body.get("environment_ids") {
        None | Some(Value::Null) => return Err(not_supplied("environment_ids")),
        Some(Value::Array(a)) => a
            .iter()
            .map(|v| {
                v.as_u64()
                    .ok_or_else(|| wrong_type("environment_ids/0", v, "an integer"))
            })
            .collect::<Result<_, _>>()?,
        Some(v) => return Err(wrong_type("environment_ids", v, "an array")),
    };
    let state = match body.get("state") {
        None | Some(Value::Null) => return Err(not_supplied("state")),
        Some(Value::String(s)) if s == "approved" || s == "rejected" => s.clone(),
        Some(v) => {
            return Err(unprocessable(format!(
                "Invalid request.\n\nFor 'properties/state', {v} is not one of [\"approved\", \"rejected\"]."
            )))
        }
    };
    let comment = match body.get("comment") {
        None | Some(Value::Null) => return Err(not_supplied("comment")),
        Some(Value::String(s)) => s.clone(),
        Some(v) => return Err(wrong_type("comment", v, "a string")),
    };
    if env_ids.is_empty() {
        return Err(unprocessable(
            "Invalid request.\n\nNo subschema in \"environment_ids\" matched.",
        ));
    }
    let repo = &w.repos[ri];
    let run = visible_run(repo, run_id, ctx)?;
    let view = run_view(repo, run, ctx.now);
    let waiting = waiting_environments(run.latest(), &view.jobs);
    let mut names = Vec::new();
    for id in &env_ids {
        let env = repo
            .environments
            .iter()
            .find(|e| e.id == *id && waiting.contains(&e.name));
        let Some(env) = env else {
            return Err(unprocessable(format!(
                "Environment {id} is not waiting for a review in this workflow run"
            )));
        };
        if !can_approve(repo, run, &env.name, Some(&login)) {
            return Err(unprocessable(format!(
                "{login} is not a required reviewer for the environment {}",
                env.name
            )));
        }
        names.push(env.name.clone());
    }
    let approved = state == "approved";
    let before: BTreeSet<u64> = repo.deployments.iter().map(|d| d.id).collect();
    let Some(run) = w.repos[ri].runs.iter_mut().find(|r| r.id == run_id) else {
        return Err(not_found());
    };
    if let Some(att) = run.attempts.last_mut() {
        for (job, v) in att.jobs.iter_mut().zip(&view.jobs) {
            if v.waiting && job.environment.as_ref().is_some_and(|e| names.contains(e)) {
                job.approval = Some(Approval {
                    approved,
                    user: login.clone(),
                    at: ctx.now,
                    comment: comment.clone(),
                });
            }
        }
    }
    w.sync_deployments(ri);
    let repo = &w.repos[ri];
    let created: Vec<Value> = repo
        .deployments
        .iter()
        .filter(|d| !before.contains(&d.id))
        .map(|d| render::deployment_json(w, repo, d, ctx))
        .collect();
    Ok(Reply::json(Value::Array(created)))
}
