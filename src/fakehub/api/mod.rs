//! The REST endpoints: routing, query filters, pagination and mutations, all synchronous under
//! the world lock. Authentication, rate limiting, ETags and faults are applied around this by
//! `server.rs`.

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
mod paging;
mod pulls;
mod reply;
mod run_control;
mod runs;
mod search;
mod users;

use super::render::{self, Ctx};
use super::world::{job_annotations, job_view, plan_attempt, run_view, World};
pub(crate) use access::{check_write_scope, require_write};
use approvals::{pending_deployments, review_deployments};
use branches::{branch, branches};
use checks::check_runs_for_ref;
use contents::contents;
use deployments::{list_deployments, visible_deployment};
use dispatch::dispatch;
pub(crate) use input::{parse_object, string_list};
pub(crate) use issues::visible_issue;
use issues::{repo_issues, user_issues};
use issues_write::{patch_issue, post_comment};
pub(crate) use job_logs::blob_log;
use job_logs::job_logs;
use paging::{list, parse_since, query, wrapped_list};
use pulls::list_pulls;
pub(crate) use pulls::visible_pull;
pub(crate) use reply::{
    not_found, problems_parsing, requires_auth, unprocessable, validation, wrong_type, ApiError,
    Body, RateSnapshot, Reply, Req, R,
};
use run_control::{cancel, rerun, Rerun};
use runs::{find_workflow, list_jobs, list_runs, visible_job, visible_run};
use search::search_issues;
use users::rate_limit_json;

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
        ("GET", ["user"]) => {
            let login = ctx.viewer.as_deref().ok_or_else(requires_auth)?;
            Ok(Reply::json(render::full_user_json(w, login, ctx)))
        }
        ("GET", ["users", login]) => {
            let u = w.user(login).ok_or_else(not_found)?;
            Ok(Reply::json(render::full_user_json(w, &u.login, ctx)))
        }
        ("GET", ["rate_limit"]) => Ok(Reply::json(rate_limit_json(req.rate, req.search))),
        ("GET", ["issues"]) => user_issues(w, ctx, req),
        ("GET", ["search", "issues"]) => search_issues(w, ctx, req),
        ("POST", ["graphql"]) => super::graphql::handle(w, ctx, req),
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
        ("GET", []) => Ok(Reply::json(render::repo_json(w, &w.repos[ri], ctx))),
        ("GET", ["branches"]) => branches(w, ri, ctx, req),
        ("GET", ["branches", name @ ..]) => branch(w, ri, ctx, &name.join("/")),
        ("GET", ["contents", path @ ..]) => contents(w, ri, ctx, req, &path.join("/")),
        ("GET", ["labels"]) => {
            let repo = &w.repos[ri];
            let items = repo
                .labels
                .iter()
                .map(|l| render::label_json(repo, &l.name, ctx))
                .collect();
            list(ctx, req, items)
        }
        ("GET", ["issues"]) => repo_issues(w, ri, ctx, req),
        ("GET", ["issues", n]) => {
            let repo = &w.repos[ri];
            let issue = visible_issue(repo, num(n)?, ctx)?;
            Ok(Reply::json(render::issue_json(w, repo, issue, ctx, false)))
        }
        ("PATCH", ["issues", n]) => patch_issue(w, ri, ctx, req, num(n)?),
        ("GET", ["issues", n, "comments"]) => {
            let repo = &w.repos[ri];
            let issue = visible_issue(repo, num(n)?, ctx)?;
            let since = parse_since(req)?;
            let items = issue
                .comments
                .iter()
                .filter(|c| c.created_at <= ctx.now && since.is_none_or(|s| c.updated_at >= s))
                .map(|c| render::comment_json(w, repo, issue, c, ctx))
                .collect();
            list(ctx, req, items)
        }
        ("POST", ["issues", n, "comments"]) => post_comment(w, ri, ctx, req, num(n)?),
        ("GET", ["pulls"]) => list_pulls(w, ri, ctx, req),
        ("GET", ["pulls", n]) => {
            let repo = &w.repos[ri];
            let issue = visible_pull(repo, num(n)?, ctx)?;
            Ok(Reply::json(render::pull_json(w, repo, issue, ctx, true)))
        }
        ("GET", ["pulls", n, "reviews"]) => {
            let repo = &w.repos[ri];
            let issue = visible_pull(repo, num(n)?, ctx)?;
            let items = issue
                .pull
                .iter()
                .flat_map(|p| p.reviews.iter())
                .filter(|r| r.submitted_at <= ctx.now)
                .map(|r| render::review_json(w, repo, issue, r, ctx))
                .collect();
            list(ctx, req, items)
        }
        ("GET", ["pulls", n, "comments"]) => {
            let repo = &w.repos[ri];
            let issue = visible_pull(repo, num(n)?, ctx)?;
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
        ("GET", ["commits", reference @ .., "check-runs"]) if !reference.is_empty() => {
            check_runs_for_ref(w, ri, ctx, req, &reference.join("/"))
        }
        ("GET", ["check-runs", id]) => {
            let repo = &w.repos[ri];
            let (run, a, k) = visible_job(repo, num(id)?, ctx)?;
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
        ("GET", ["check-runs", id, "annotations"]) => {
            let repo = &w.repos[ri];
            let (run, a, k) = visible_job(repo, num(id)?, ctx)?;
            let att = &run.attempts[a];
            let plans = plan_attempt(repo, att);
            let sha = repo.run_sha(run);
            let items = job_annotations(&att.jobs[k], &plans[k], ctx.now)
                .iter()
                .map(|x| render::annotation_json(repo, x, &sha, ctx))
                .collect();
            list(ctx, req, items)
        }
        ("GET", ["actions", "workflows"]) => {
            let repo = &w.repos[ri];
            let items = repo
                .workflows
                .iter()
                .map(|wf| render::workflow_json(repo, wf, ctx))
                .collect();
            wrapped_list(ctx, req, "workflows", items)
        }
        ("GET", ["actions", "workflows", id]) => {
            let repo = &w.repos[ri];
            let wf = find_workflow(repo, id)?;
            Ok(Reply::json(render::workflow_json(repo, wf, ctx)))
        }
        ("GET", ["actions", "workflows", id, "runs"]) => {
            let wid = find_workflow(&w.repos[ri], id)?.id;
            list_runs(w, ri, ctx, req, Some(wid))
        }
        ("POST", ["actions", "workflows", id, "dispatches"]) => dispatch(w, ri, ctx, req, id),
        ("GET", ["actions", "runs"]) => list_runs(w, ri, ctx, req, None),
        ("GET", ["actions", "runs", id]) => {
            let repo = &w.repos[ri];
            let run = visible_run(repo, num(id)?, ctx)?;
            let view = run_view(repo, run, ctx.now);
            Ok(Reply::json(render::run_json(w, repo, run, &view, ctx)))
        }
        ("GET", ["actions", "runs", id, "jobs"]) => list_jobs(w, ri, ctx, req, num(id)?),
        ("POST", ["actions", "runs", id, "rerun"]) => rerun(w, ri, ctx, req, num(id)?, Rerun::All),
        ("POST", ["actions", "runs", id, "rerun-failed-jobs"]) => {
            rerun(w, ri, ctx, req, num(id)?, Rerun::Failed)
        }
        ("POST", ["actions", "runs", id, "cancel"]) => cancel(w, ri, ctx, req, num(id)?),
        ("GET", ["actions", "runs", id, "pending_deployments"]) => {
            pending_deployments(w, ri, ctx, num(id)?)
        }
        ("POST", ["actions", "runs", id, "pending_deployments"]) => {
            review_deployments(w, ri, ctx, req, num(id)?)
        }
        ("GET", ["actions", "jobs", id]) => {
            let repo = &w.repos[ri];
            let (run, a, k) = visible_job(repo, num(id)?, ctx)?;
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
        ("GET", ["actions", "jobs", id, "logs"]) => job_logs(w, ri, ctx, req, num(id)?),
        ("POST", ["actions", "jobs", id, "rerun"]) => {
            let id = num(id)?;
            rerun(w, ri, ctx, req, 0, Rerun::Job(id))
        }
        ("GET", ["environments"]) => {
            let repo = &w.repos[ri];
            let items = repo
                .environments
                .iter()
                .map(|e| render::environment_json(w, repo, e, ctx))
                .collect();
            wrapped_list(ctx, req, "environments", items)
        }
        ("GET", ["environments", name]) => {
            let repo = &w.repos[ri];
            let e = repo.environment(name).ok_or_else(not_found)?;
            Ok(Reply::json(render::environment_json(w, repo, e, ctx)))
        }
        ("GET", ["compare", spec @ ..]) if !spec.is_empty() => {
            // The attached repository is the first one's.
            let git = w.git_dir.as_deref().filter(|_| ri == 0);
            super::commits::compare_json(w, ctx, &w.repos[ri], git, &spec.join("/"))
                .map(Reply::json)
                .ok_or_else(not_found)
        }
        ("GET", ["deployments"]) => list_deployments(w, ri, ctx, req),
        ("GET", ["deployments", id]) => {
            let repo = &w.repos[ri];
            let d = visible_deployment(repo, num(id)?, ctx)?;
            Ok(Reply::json(render::deployment_json(w, repo, d, ctx)))
        }
        ("GET", ["deployments", id, "statuses"]) => {
            let repo = &w.repos[ri];
            let d = visible_deployment(repo, num(id)?, ctx)?;
            let mut st = super::world::deployment_statuses(repo, d, ctx.now);
            st.reverse();
            let items = st
                .iter()
                .map(|s| render::deployment_status_json(w, repo, d, s, ctx))
                .collect();
            list(ctx, req, items)
        }
        _ => super::pulls_write::route(w, ri, ctx, req, rest),
    }
}
