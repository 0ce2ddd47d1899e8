//! The REST endpoints, all synchronous under the world lock. Authentication, rate limiting,
//! ETags and faults are applied around this by `server.rs`.
//!
//! This file routes a request to its handler; each resource's handlers have their own module
//! (as in `src/github/`): `issues`/`issues_write`, `pulls` (writes in `../pulls_write.rs`),
//! `runs`, `checks`, `job_logs`, `run_control`, `dispatch`, `approvals`, `deployments` (and
//! environments), `repos`, `branches`, `contents`, `search`, `users`. The shared parts:
//! `reply` (answers and GitHub's error bodies), `paging` (query parameters, `Link`
//! pagination), `input` (request bodies) and `access` (who may write).

mod access;
mod approvals;
mod branches;
mod checks;
mod contents;
mod deployments;
mod dispatch;
mod input;
mod issues;
mod issues_write;
mod job_logs;
mod notifications;
mod paging;
mod pulls;
mod reply;
mod repos;
mod run_control;
mod runs;
mod search;
mod users;

use super::render::Ctx;
use super::world::World;
pub(crate) use access::{check_write_scope, require_write, viewer};
use approvals::{pending_deployments, review_deployments};
use branches::{branch, branches};
use checks::check_runs_for_ref;
use contents::contents;
use deployments::list_deployments;
use dispatch::dispatch;
pub(crate) use input::{opt_string, parse_object, string_list};
pub(crate) use issues::visible_issue;
use issues::{repo_issues, user_issues};
use issues_write::{patch_issue, post_comment};
pub(crate) use job_logs::blob_log;
use job_logs::job_logs;
pub(crate) use paging::list;
use pulls::list_pulls;
pub(crate) use pulls::visible_pull;
pub(crate) use reply::{
    not_found, problems_parsing, unprocessable, validation, wrong_type, ApiError, Body,
    RateSnapshot, Reply, Req, R,
};
use run_control::{approve, cancel, rerun, Rerun};
use runs::{list_jobs, list_runs};
use search::search_issues;

// ---------------------------------------------------------------------------------------------
// Routing

fn decode_segment(s: &str) -> String {
    let bytes = s.as_bytes();
    let hex = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push(h * 16 + l);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

pub(crate) fn num(s: &str) -> Result<u64, ApiError> {
    s.parse::<u64>().map_err(|_| not_found())
}

pub(crate) fn route(w: &mut World, ctx: &Ctx, req: &Req) -> R {
    // Only GitHub's own operations are answered (see `routes`).
    if super::routes::operation(req.method, req.path).is_none() {
        return Err(not_found());
    }
    let segs: Vec<String> = req
        .path
        .split('/')
        .filter(|s| !s.is_empty())
        .map(decode_segment)
        .collect();
    let segs: Vec<&str> = segs.iter().map(String::as_str).collect();
    match (req.method, segs.as_slice()) {
        ("GET", ["user"]) => users::signed_in(w, ctx),
        ("GET", ["users", login]) => users::user(w, ctx, login),
        ("GET", ["rate_limit"]) => users::rate_limit(req),
        ("GET", ["issues"]) => user_issues(w, ctx, req),
        ("GET", ["search", "issues"]) => search_issues(w, ctx, req),
        ("POST", ["graphql"]) => super::graphql::handle(w, ctx, req),
        ("GET", ["notifications"]) => notifications::list_threads(w, ctx, req),
        ("PATCH", ["notifications", "threads", id]) => {
            notifications::change_thread(w, ctx, num(id)?, notifications::Change::Read)
        }
        ("DELETE", ["notifications", "threads", id]) => {
            notifications::change_thread(w, ctx, num(id)?, notifications::Change::Done)
        }
        ("DELETE", ["notifications", "threads", id, "subscription"]) => {
            notifications::change_thread(w, ctx, num(id)?, notifications::Change::Unsubscribe)
        }
        (_, ["repos", owner, name, rest @ ..]) => {
            let ri = w.repo_index(owner, name).ok_or_else(not_found)?;
            if !w.repos[ri].can_read(ctx.viewer.as_deref()) {
                return Err(not_found());
            }
            repo_route(w, ri, ctx, req, rest)
        }
        _ => Err(not_found()),
    }
}

fn repo_route(w: &mut World, ri: usize, ctx: &Ctx, req: &Req, rest: &[&str]) -> R {
    let m = req.method;
    match (m, rest) {
        ("GET", []) => repos::repo(w, ri, ctx),
        ("GET", ["branches"]) => branches(w, ri, ctx, req),
        ("GET", ["branches", name @ ..]) => branch(w, ri, ctx, &name.join("/")),
        ("GET", ["contents", path @ ..]) => contents(w, ri, ctx, req, &path.join("/")),
        ("GET", ["labels"]) => repos::labels(w, ri, ctx, req),
        ("GET", ["issues"]) => repo_issues(w, ri, ctx, req),
        ("GET", ["issues", n]) => issues::issue(w, ri, ctx, num(n)?),
        ("PATCH", ["issues", n]) => patch_issue(w, ri, ctx, req, num(n)?),
        ("POST", ["issues"]) => issues_write::create_issue(w, ri, ctx, req),
        ("GET", ["assignees"]) => issues_write::assignees(w, ri, ctx, req),
        ("GET", ["issues", n, "comments"]) => issues::comments(w, ri, ctx, req, num(n)?),
        ("GET", ["issues", n, "events"]) => issues::events(w, ri, ctx, req, num(n)?),
        ("POST", ["issues", n, "comments"]) => post_comment(w, ri, ctx, req, num(n)?),
        ("GET", ["pulls"]) => list_pulls(w, ri, ctx, req),
        ("GET", ["pulls", n]) => pulls::pull(w, ri, ctx, num(n)?),
        ("GET", ["pulls", n, "reviews"]) => pulls::reviews(w, ri, ctx, req, num(n)?),
        ("GET", ["pulls", n, "comments"]) => pulls::review_comments(w, ri, ctx, req, num(n)?),
        ("GET", ["commits", reference @ .., "check-runs"]) if !reference.is_empty() => {
            check_runs_for_ref(w, ri, ctx, req, &reference.join("/"))
        }
        ("GET", ["check-runs", id]) => checks::check_run(w, ri, ctx, num(id)?),
        ("GET", ["check-runs", id, "annotations"]) => {
            checks::annotations(w, ri, ctx, req, num(id)?)
        }
        ("GET", ["actions", "workflows"]) => runs::workflows(w, ri, ctx, req),
        ("GET", ["actions", "workflows", id]) => runs::workflow(w, ri, ctx, id),
        ("GET", ["actions", "workflows", id, "runs"]) => {
            let wid = runs::find_workflow(&w.repos[ri], id)?.id;
            list_runs(w, ri, ctx, req, Some(wid))
        }
        ("POST", ["actions", "workflows", id, "dispatches"]) => dispatch(w, ri, ctx, req, id),
        ("GET", ["actions", "runs"]) => list_runs(w, ri, ctx, req, None),
        ("GET", ["actions", "runs", id]) => runs::run(w, ri, ctx, num(id)?),
        ("GET", ["actions", "runs", id, "jobs"]) => list_jobs(w, ri, ctx, req, num(id)?),
        ("POST", ["actions", "runs", id, "rerun"]) => rerun(w, ri, ctx, req, num(id)?, Rerun::All),
        ("POST", ["actions", "runs", id, "rerun-failed-jobs"]) => {
            rerun(w, ri, ctx, req, num(id)?, Rerun::Failed)
        }
        ("POST", ["actions", "runs", id, "cancel"]) => cancel(w, ri, ctx, req, num(id)?),
        ("POST", ["actions", "runs", id, "approve"]) => approve(w, ri, ctx, req, num(id)?),
        ("GET", ["actions", "runs", id, "pending_deployments"]) => {
            pending_deployments(w, ri, ctx, num(id)?)
        }
        ("POST", ["actions", "runs", id, "pending_deployments"]) => {
            review_deployments(w, ri, ctx, req, num(id)?)
        }
        ("GET", ["actions", "jobs", id]) => runs::job(w, ri, ctx, num(id)?),
        ("GET", ["actions", "jobs", id, "logs"]) => job_logs(w, ri, ctx, req, num(id)?),
        ("POST", ["actions", "jobs", id, "rerun"]) => {
            let id = num(id)?;
            rerun(w, ri, ctx, req, 0, Rerun::Job(id))
        }
        ("GET", ["environments"]) => deployments::environments(w, ri, ctx, req),
        ("GET", ["environments", name]) => deployments::environment(w, ri, ctx, name),
        ("GET", ["compare", spec @ ..]) if !spec.is_empty() => {
            repos::compare(w, ri, ctx, &spec.join("/"))
        }
        ("GET", ["deployments"]) => list_deployments(w, ri, ctx, req),
        ("GET", ["deployments", id]) => deployments::deployment(w, ri, ctx, num(id)?),
        ("GET", ["deployments", id, "statuses"]) => {
            deployments::statuses(w, ri, ctx, req, num(id)?)
        }
        _ => match super::pull_actions::route(w, ri, ctx, req, rest)
            .or_else(|| super::pull_files::route(w, ri, ctx, req, rest))
        {
            Some(r) => r,
            None => super::pulls_write::route(w, ri, ctx, req, rest),
        },
    }
}
