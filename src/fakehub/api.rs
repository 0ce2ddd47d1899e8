//! The REST endpoints: routing, query filters, pagination and mutations, all synchronous under
//! the world lock. Authentication, rate limiting, ETags and faults are applied around this by
//! `server.rs`.

use std::collections::{BTreeMap, BTreeSet};

use chrono::DateTime;
use serde_json::{json, Map, Value};

use super::render::{self, Ctx};
use super::world::{
    deployment_created_at, instantiate_jobs, job_annotations, job_view, plan_attempt, run_view,
    waiting_environments, Approval, Attempt, Comment, Deployment, Issue, Job, Label, Repo, Run,
    World,
};

pub(crate) const DOCS: &str = "https://docs.github.com/rest";

/// A request as the router sees it.
pub(crate) struct Req<'a> {
    pub method: &'a str,
    pub path: &'a str,
    pub query: Vec<(String, String)>,
    pub body: &'a [u8],
    pub scopes: Option<&'a [String]>,
    /// The asker's core and search rate-limit windows (for `/rate_limit`).
    pub rate: RateSnapshot,
    pub search: RateSnapshot,
    /// Base URL of the blob listener, and a signer for its URLs.
    pub blob_base: &'a str,
    pub sign: &'a dyn Fn(&str, i64) -> String,
}

#[derive(Clone, Copy, Debug)]
pub(crate) struct RateSnapshot {
    pub limit: u32,
    pub used: u32,
    pub reset: i64,
    pub resource: &'static str,
}

pub(crate) enum Body {
    Json(Value),
    Empty,
}

pub(crate) struct Reply {
    pub status: u16,
    pub body: Body,
    pub headers: Vec<(&'static str, String)>,
}

impl Reply {
    pub(crate) fn json(v: Value) -> Reply {
        Reply {
            status: 200,
            body: Body::Json(v),
            headers: Vec::new(),
        }
    }

    pub(crate) fn status(mut self, s: u16) -> Reply {
        self.status = s;
        self
    }

    pub(crate) fn empty(status: u16) -> Reply {
        Reply {
            status,
            body: Body::Empty,
            headers: Vec::new(),
        }
    }
}

#[derive(Debug)]
pub(crate) struct ApiError {
    pub status: u16,
    pub message: String,
    pub errors: Option<Value>,
}

impl ApiError {
    pub fn new(status: u16, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            message: message.into(),
            errors: None,
        }
    }

    pub fn body(&self) -> Value {
        let mut m = Map::new();
        m.insert("message".into(), json!(self.message));
        if let Some(e) = &self.errors {
            m.insert("errors".into(), e.clone());
        }
        m.insert("documentation_url".into(), json!(DOCS));
        m.insert("status".into(), json!(self.status.to_string()));
        Value::Object(m)
    }
}

pub(crate) fn not_found() -> ApiError {
    ApiError::new(404, "Not Found")
}

pub(crate) fn requires_auth() -> ApiError {
    ApiError::new(401, "Requires authentication")
}

pub(crate) fn problems_parsing() -> ApiError {
    ApiError::new(400, "Problems parsing JSON")
}

pub(crate) fn validation(
    resource: &str,
    field: &str,
    code: &str,
    value: Option<Value>,
) -> ApiError {
    let mut e = json!({"resource": resource, "code": code, "field": field});
    if let (Some(v), Value::Object(m)) = (value, &mut e) {
        m.insert("value".into(), v);
    }
    ApiError {
        status: 422,
        message: "Validation Failed".into(),
        errors: Some(json!([e])),
    }
}

pub(crate) fn unprocessable(message: impl Into<String>) -> ApiError {
    ApiError::new(422, message)
}

pub(crate) fn not_supplied(field: &str) -> ApiError {
    unprocessable(format!("Invalid request.\n\n\"{field}\" wasn't supplied."))
}

pub(crate) fn wrong_type(field: &str, v: &Value, ty: &str) -> ApiError {
    unprocessable(format!(
        "Invalid request.\n\nFor 'properties/{field}', {v} is not {ty}."
    ))
}

pub(crate) type R = Result<Reply, ApiError>;

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

// ---------------------------------------------------------------------------------------------
// Query helpers and pagination

pub(crate) fn query<'a>(req: &'a Req, key: &str) -> Option<&'a str> {
    req.query
        .iter()
        .rev()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
        .filter(|v| !v.is_empty())
}

fn parse_since(req: &Req) -> Result<Option<super::world::Time>, ApiError> {
    match query(req, "since") {
        None => Ok(None),
        Some(s) => DateTime::parse_from_rfc3339(s)
            .map(|d| Some(d.to_utc()))
            .map_err(|_| validation("Issue", "since", "invalid", Some(json!(s)))),
    }
}

fn page_params(req: &Req) -> (usize, usize) {
    let per_page = query(req, "per_page")
        .and_then(|v| v.parse::<usize>().ok())
        .filter(|&n| n > 0)
        .unwrap_or(30)
        .min(100);
    let page = query(req, "page")
        .and_then(|v| v.parse::<usize>().ok())
        .filter(|&n| n > 0)
        .unwrap_or(1);
    (per_page, page)
}

/// Slices `items` to the requested page and builds the `Link` header.
fn paginate(ctx: &Ctx, req: &Req, items: Vec<Value>) -> (Vec<Value>, Option<String>) {
    let (per_page, page) = page_params(req);
    let total = items.len();
    let last = total.div_ceil(per_page).max(1);
    let start = (page - 1).saturating_mul(per_page);
    let slice: Vec<Value> = items.into_iter().skip(start).take(per_page).collect();
    let url_for = |p: usize| {
        let mut pairs: Vec<(String, String)> = Vec::new();
        let mut replaced = false;
        for (k, v) in &req.query {
            if k == "page" {
                if !replaced {
                    pairs.push((k.clone(), p.to_string()));
                    replaced = true;
                }
            } else {
                pairs.push((k.clone(), v.clone()));
            }
        }
        if !replaced {
            pairs.push(("page".into(), p.to_string()));
        }
        let q: String = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish();
        format!("{}{}?{q}", ctx.api, req.path)
    };
    let mut links = Vec::new();
    if page > 1 {
        links.push(format!("<{}>; rel=\"prev\"", url_for((page - 1).min(last))));
    }
    if page < last {
        links.push(format!("<{}>; rel=\"next\"", url_for(page + 1)));
        links.push(format!("<{}>; rel=\"last\"", url_for(last)));
    }
    if page > 1 {
        links.push(format!("<{}>; rel=\"first\"", url_for(1)));
    }
    let link = (!links.is_empty()).then(|| links.join(", "));
    (slice, link)
}

pub(crate) fn list(ctx: &Ctx, req: &Req, items: Vec<Value>) -> R {
    let (slice, link) = paginate(ctx, req, items);
    let mut r = Reply::json(Value::Array(slice));
    if let Some(l) = link {
        r.headers.push(("link", l));
    }
    Ok(r)
}

fn wrapped_list(ctx: &Ctx, req: &Req, key: &str, items: Vec<Value>) -> R {
    let total = items.len();
    let (slice, link) = paginate(ctx, req, items);
    let mut m = Map::new();
    m.insert("total_count".into(), json!(total));
    m.insert(key.into(), Value::Array(slice));
    let mut r = Reply::json(Value::Object(m));
    if let Some(l) = link {
        r.headers.push(("link", l));
    }
    Ok(r)
}

fn rate_limit_json(core: RateSnapshot, search: RateSnapshot) -> Value {
    let window = |r: RateSnapshot| {
        json!({
            "limit": r.limit,
            "used": r.used,
            "remaining": r.limit.saturating_sub(r.used),
            "reset": r.reset,
        })
    };
    let other =
        |limit: u32| json!({"limit": limit, "used": 0, "remaining": limit, "reset": core.reset});
    json!({
        "resources": {
            "core": window(core),
            "search": window(search),
            "graphql": other(5000),
            "integration_manifest": other(5000),
            "code_search": other(10),
        },
        "rate": window(core),
    })
}

// ---------------------------------------------------------------------------------------------
// Request bodies

pub(crate) fn parse_object(req: &Req) -> Result<Map<String, Value>, ApiError> {
    if req.body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    match serde_json::from_slice::<Value>(req.body) {
        Ok(Value::Object(m)) => Ok(m),
        _ => Err(problems_parsing()),
    }
}

pub(crate) fn opt_string(
    m: &Map<String, Value>,
    key: &str,
) -> Result<Option<Option<String>>, ApiError> {
    match m.get(key) {
        None => Ok(None),
        Some(Value::Null) => Ok(Some(None)),
        Some(Value::String(s)) => Ok(Some(Some(s.clone()))),
        Some(v) => Err(wrong_type(key, v, "a string")),
    }
}

pub(crate) fn string_list(
    m: &Map<String, Value>,
    key: &str,
) -> Result<Option<Vec<String>>, ApiError> {
    match m.get(key) {
        None => Ok(None),
        Some(Value::Array(a)) => a
            .iter()
            .map(|v| match v {
                Value::String(s) => Ok(s.clone()),
                Value::Object(o) => match o.get("name") {
                    Some(Value::String(s)) => Ok(s.clone()),
                    _ => Err(wrong_type(key, v, "a string")),
                },
                _ => Err(wrong_type(key, v, "a string")),
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Some),
        Some(v) => Err(wrong_type(key, v, "an array")),
    }
}

pub(crate) fn viewer(ctx: &Ctx) -> Result<&str, ApiError> {
    ctx.viewer.as_deref().ok_or_else(requires_auth)
}

/// A classic token needs `repo` (or `public_repo` for a public repository) to write.
pub(crate) fn check_write_scope(req: &Req, repo: &Repo) -> Result<(), ApiError> {
    match req.scopes {
        Some(s) if !s.is_empty() => {
            let ok = s
                .iter()
                .any(|x| x == "repo" || (x == "public_repo" && !repo.private));
            if ok {
                Ok(())
            } else {
                Err(ApiError::new(
                    403,
                    "Resource not accessible by personal access token",
                ))
            }
        }
        _ => Ok(()),
    }
}

pub(crate) fn require_write(req: &Req, repo: &Repo, login: &str) -> Result<(), ApiError> {
    check_write_scope(req, repo)?;
    if repo.can_write(login) {
        Ok(())
    } else {
        Err(ApiError::new(403, "Must have admin rights to Repository."))
    }
}

// ---------------------------------------------------------------------------------------------
// Branches

fn branches(w: &World, ri: usize, ctx: &Ctx, req: &Req) -> R {
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

fn branch(w: &World, ri: usize, ctx: &Ctx, name: &str) -> R {
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

// ---------------------------------------------------------------------------------------------
// Issues

pub(crate) fn visible_issue<'a>(repo: &'a Repo, n: u64, ctx: &Ctx) -> Result<&'a Issue, ApiError> {
    repo.issues
        .get(&n)
        .filter(|i| i.created_at <= ctx.now)
        .ok_or_else(not_found)
}

pub(crate) fn visible_pull<'a>(repo: &'a Repo, n: u64, ctx: &Ctx) -> Result<&'a Issue, ApiError> {
    visible_issue(repo, n, ctx).and_then(|i| {
        if i.pull.is_some() {
            Ok(i)
        } else {
            Err(not_found())
        }
    })
}

struct IssueFilter {
    state: String,
    labels: Vec<String>,
    sort: String,
    asc: bool,
    since: Option<super::world::Time>,
}

fn issue_filter(req: &Req) -> Result<IssueFilter, ApiError> {
    let state = query(req, "state").unwrap_or("open").to_string();
    if !matches!(state.as_str(), "open" | "closed" | "all") {
        return Err(validation("Issue", "state", "invalid", Some(json!(state))));
    }
    let sort = query(req, "sort").unwrap_or("created").to_string();
    if !matches!(sort.as_str(), "created" | "updated" | "comments") {
        return Err(validation("Issue", "sort", "invalid", Some(json!(sort))));
    }
    let direction = query(req, "direction").unwrap_or("desc");
    if !matches!(direction, "asc" | "desc") {
        return Err(validation(
            "Issue",
            "direction",
            "invalid",
            Some(json!(direction)),
        ));
    }
    let labels = query(req, "labels")
        .map(|l| {
            l.split(',')
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect()
        })
        .unwrap_or_default();
    Ok(IssueFilter {
        state,
        labels,
        sort,
        asc: direction == "asc",
        since: parse_since(req)?,
    })
}

impl IssueFilter {
    fn keeps(&self, i: &Issue, ctx: &Ctx) -> bool {
        i.created_at <= ctx.now
            && (self.state == "all" || i.state == self.state)
            && self
                .labels
                .iter()
                .all(|l| i.labels.iter().any(|x| x.eq_ignore_ascii_case(l)))
            && self.since.is_none_or(|s| i.updated_at >= s)
    }

    fn sort(&self, v: &mut [(&Repo, &Issue)]) {
        match self.sort.as_str() {
            "updated" => v.sort_by_key(|(_, i)| (i.updated_at, i.id)),
            "comments" => v.sort_by_key(|(_, i)| (i.comments.len(), i.id)),
            _ => v.sort_by_key(|(_, i)| (i.created_at, i.id)),
        }
        if !self.asc {
            v.reverse();
        }
    }
}

fn repo_issues(w: &World, ri: usize, ctx: &Ctx, req: &Req) -> R {
    let repo = &w.repos[ri];
    let f = issue_filter(req)?;
    let assignee = query(req, "assignee");
    let creator = query(req, "creator");
    let mentioned = query(req, "mentioned");
    let mut v: Vec<(&Repo, &Issue)> = repo
        .issues
        .values()
        .filter(|i| f.keeps(i, ctx))
        .filter(|i| match assignee {
            None => true,
            Some("none") => i.assignees.is_empty(),
            Some("*") => !i.assignees.is_empty(),
            Some(a) => i.assignees.iter().any(|x| x.eq_ignore_ascii_case(a)),
        })
        .filter(|i| creator.is_none_or(|c| i.user.eq_ignore_ascii_case(c)))
        .filter(|i| {
            mentioned.is_none_or(|m| {
                i.body
                    .as_deref()
                    .is_some_and(|b| b.contains(&format!("@{m}")))
            })
        })
        .map(|i| (repo, i))
        .collect();
    f.sort(&mut v);
    let items = v
        .into_iter()
        .map(|(r, i)| render::issue_json(w, r, i, ctx, false))
        .collect();
    list(ctx, req, items)
}

fn user_issues(w: &World, ctx: &Ctx, req: &Req) -> R {
    let login = viewer(ctx)?;
    let f = issue_filter(req)?;
    let filter = query(req, "filter").unwrap_or("assigned");
    if !matches!(
        filter,
        "assigned" | "created" | "mentioned" | "subscribed" | "repos" | "all"
    ) {
        return Err(validation(
            "Issue",
            "filter",
            "invalid",
            Some(json!(filter)),
        ));
    }
    let mut v: Vec<(&Repo, &Issue)> = w
        .repos
        .iter()
        .filter(|r| r.can_read(Some(login)))
        .flat_map(|r| r.issues.values().map(move |i| (r, i)))
        .filter(|(_, i)| f.keeps(i, ctx))
        .filter(|(r, i)| {
            let assigned = i.assignees.iter().any(|a| a == login);
            let created = i.user == login;
            let mentioned = i
                .body
                .as_deref()
                .is_some_and(|b| b.contains(&format!("@{login}")));
            match filter {
                "assigned" => assigned,
                "created" => created,
                "mentioned" => mentioned,
                "subscribed" => {
                    assigned || created || mentioned || i.comments.iter().any(|c| c.user == login)
                }
                _ => r.role(login).is_some() || assigned || created,
            }
        })
        .collect();
    f.sort(&mut v);
    let items = v
        .into_iter()
        .map(|(r, i)| render::issue_json(w, r, i, ctx, true))
        .collect();
    list(ctx, req, items)
}

fn post_comment(w: &mut World, ri: usize, ctx: &Ctx, req: &Req, n: u64) -> R {
    let login = viewer(ctx)?.to_string();
    check_write_scope(req, &w.repos[ri])?;
    visible_issue(&w.repos[ri], n, ctx)?;
    let body = parse_object(req)?;
    let text = match body.get("body") {
        None | Some(Value::Null) => {
            return Err(validation("IssueComment", "body", "missing_field", None))
        }
        Some(Value::String(s)) if s.trim().is_empty() => {
            return Err(validation("IssueComment", "body", "missing_field", None))
        }
        Some(Value::String(s)) => s.clone(),
        Some(v) => return Err(wrong_type("body", v, "a string")),
    };
    if w.repos[ri].issues.get(&n).is_some_and(|i| i.locked) && !w.repos[ri].can_write(&login) {
        return Err(ApiError::new(
            403,
            "Unable to create comment because issue is locked.",
        ));
    }
    let id = w.ids.comment;
    w.ids.comment += 1;
    let repo = &mut w.repos[ri];
    let Some(issue) = repo.issues.get_mut(&n) else {
        return Err(not_found());
    };
    issue.comments.push(Comment {
        id,
        user: login,
        body: text,
        created_at: ctx.now,
        updated_at: ctx.now,
    });
    issue.updated_at = ctx.now;
    let repo = &w.repos[ri];
    let issue = visible_issue(repo, n, ctx)?;
    let c = issue.comments.last().ok_or_else(not_found)?;
    let v = render::comment_json(w, repo, issue, c, ctx);
    let mut r = Reply::json(v).status(201);
    r.headers.push((
        "location",
        format!(
            "{}/repos/{}/issues/comments/{id}",
            ctx.api,
            repo.full_name()
        ),
    ));
    Ok(r)
}

fn patch_issue(w: &mut World, ri: usize, ctx: &Ctx, req: &Req, n: u64) -> R {
    let login = viewer(ctx)?.to_string();
    check_write_scope(req, &w.repos[ri])?;
    let issue = visible_issue(&w.repos[ri], n, ctx)?;
    let author = issue.user == login;
    let body = parse_object(req)?;
    let can_write = w.repos[ri].can_write(&login);
    let touches_meta = ["labels", "assignees", "assignee", "milestone"]
        .iter()
        .any(|k| body.contains_key(*k));
    if !can_write && (touches_meta || !author) {
        return Err(ApiError::new(403, "Must have admin rights to Repository."));
    }

    let title = opt_string(&body, "title")?;
    if let Some(t) = &title {
        if t.as_deref().is_none_or(|t| t.trim().is_empty()) {
            return Err(validation("Issue", "title", "missing_field", None));
        }
    }
    let text = opt_string(&body, "body")?;
    let state = opt_string(&body, "state")?;
    if let Some(s) = &state {
        if !matches!(s.as_deref(), Some("open" | "closed")) {
            return Err(validation("Issue", "state", "invalid", Some(json!(s))));
        }
    }
    let reason = opt_string(&body, "state_reason")?;
    if let Some(Some(r)) = &reason {
        if !matches!(
            r.as_str(),
            "completed" | "not_planned" | "reopened" | "duplicate"
        ) {
            return Err(validation(
                "Issue",
                "state_reason",
                "invalid",
                Some(json!(r)),
            ));
        }
    }
    let labels = string_list(&body, "labels")?;
    let mut assignees = string_list(&body, "assignees")?;
    if assignees.is_none() {
        if let Some(a) = opt_string(&body, "assignee")? {
            assignees = Some(a.into_iter().collect());
        }
    }
    if let Some(a) = &assignees {
        let repo = &w.repos[ri];
        for x in a {
            if w.user(x).is_none() || repo.role(x).is_none() {
                return Err(validation("Issue", "assignees", "invalid", Some(json!(x))));
            }
        }
    }

    // Apply.
    let now = ctx.now;
    if let Some(ls) = &labels {
        for l in ls {
            if !w.repos[ri]
                .labels
                .iter()
                .any(|x| x.name.eq_ignore_ascii_case(l))
            {
                let id = w.ids.label;
                w.ids.label += 1;
                w.repos[ri].labels.push(Label {
                    id,
                    name: l.clone(),
                    color: "ededed".into(),
                    description: None,
                });
            }
        }
    }
    let repo = &mut w.repos[ri];
    let canonical: Option<Vec<String>> = labels.map(|ls| {
        let mut out: Vec<String> = Vec::new();
        for l in ls {
            let name = repo
                .labels
                .iter()
                .find(|x| x.name.eq_ignore_ascii_case(&l))
                .map_or(l, |x| x.name.clone());
            if !out.contains(&name) {
                out.push(name);
            }
        }
        out
    });
    let Some(issue) = repo.issues.get_mut(&n) else {
        return Err(not_found());
    };
    if let Some(Some(t)) = title {
        issue.title = t;
    }
    if let Some(b) = text {
        issue.body = b;
    }
    if let Some(ls) = canonical {
        issue.labels = ls;
    }
    if let Some(a) = assignees {
        let mut uniq: Vec<String> = Vec::new();
        for x in a {
            if !uniq.contains(&x) {
                uniq.push(x);
            }
        }
        issue.assignees = uniq;
    }
    match state.flatten().as_deref() {
        Some("closed") if issue.state != "closed" => {
            issue.state = "closed".into();
            issue.closed_at = Some(now);
            issue.closed_by = Some(login.clone());
            issue.state_reason = Some(
                reason
                    .clone()
                    .flatten()
                    .unwrap_or_else(|| "completed".into()),
            );
        }
        Some("open") if issue.state != "open" => {
            issue.state = "open".into();
            issue.closed_at = None;
            issue.closed_by = None;
            issue.state_reason = Some("reopened".into());
        }
        _ => {
            if let Some(r) = reason {
                if issue.state == "closed" {
                    issue.state_reason = r;
                }
            }
        }
    }
    issue.updated_at = now;
    let repo = &w.repos[ri];
    let issue = visible_issue(repo, n, ctx)?;
    Ok(Reply::json(render::issue_json(w, repo, issue, ctx, false)))
}

// ---------------------------------------------------------------------------------------------
// Pull requests

fn list_pulls(w: &World, ri: usize, ctx: &Ctx, req: &Req) -> R {
    let repo = &w.repos[ri];
    let state = query(req, "state").unwrap_or("open");
    if !matches!(state, "open" | "closed" | "all") {
        return Err(validation(
            "PullRequest",
            "state",
            "invalid",
            Some(json!(state)),
        ));
    }
    let head = query(req, "head").map(|h| {
        h.split_once(':')
            .map_or(h.to_string(), |(_, b)| b.to_string())
    });
    let base = query(req, "base");
    let sort = query(req, "sort").unwrap_or("created");
    let asc = match query(req, "direction") {
        Some(d) => d == "asc",
        None => sort == "long-running",
    };
    let mut v: Vec<&Issue> = repo
        .issues
        .values()
        .filter(|i| i.created_at <= ctx.now)
        .filter(|i| state == "all" || i.state == state)
        .filter(|i| {
            i.pull.as_ref().is_some_and(|p| {
                head.as_deref().is_none_or(|h| p.head == h) && base.is_none_or(|b| p.base == b)
            })
        })
        .collect();
    match sort {
        "updated" => v.sort_by_key(|i| (i.updated_at, i.id)),
        "popularity" => v.sort_by_key(|i| (i.comments.len(), i.id)),
        _ => v.sort_by_key(|i| (i.created_at, i.id)),
    }
    if !asc {
        v.reverse();
    }
    let items = v
        .into_iter()
        .map(|i| render::pull_json(w, repo, i, ctx, false))
        .collect();
    list(ctx, req, items)
}

// ---------------------------------------------------------------------------------------------
// Actions: workflows, runs, jobs

fn find_workflow<'a>(repo: &'a Repo, id: &str) -> Result<&'a super::world::Workflow, ApiError> {
    repo.workflows
        .iter()
        .find(|w| w.id.to_string() == id || w.file == id || w.path() == id)
        .ok_or_else(not_found)
}

fn visible_run<'a>(repo: &'a Repo, id: u64, ctx: &Ctx) -> Result<&'a Run, ApiError> {
    repo.run(id)
        .filter(|r| r.created_at <= ctx.now)
        .ok_or_else(not_found)
}

fn visible_job<'a>(
    repo: &'a Repo,
    id: u64,
    ctx: &Ctx,
) -> Result<(&'a Run, usize, usize), ApiError> {
    repo.find_job(id)
        .filter(|(r, a, _)| r.attempts[*a].started_at <= ctx.now && r.created_at <= ctx.now)
        .ok_or_else(not_found)
}

const RUN_STATUSES: &[&str] = &[
    "completed",
    "in_progress",
    "queued",
    "requested",
    "waiting",
    "pending",
];
const RUN_CONCLUSIONS: &[&str] = &[
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

fn list_runs(w: &World, ri: usize, ctx: &Ctx, req: &Req, workflow: Option<u64>) -> R {
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

fn list_jobs(w: &World, ri: usize, ctx: &Ctx, req: &Req, id: u64) -> R {
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

fn check_runs_for_ref(w: &World, ri: usize, ctx: &Ctx, req: &Req, reference: &str) -> R {
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

/// A job's whole log: 404 until the job completes, as on GitHub (which has no endpoint for a
/// running job's log or a step's).
fn job_logs(w: &World, ri: usize, ctx: &Ctx, req: &Req, id: u64) -> R {
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
pub(crate) fn blob_log(w: &World, now: super::world::Time, job: u64) -> Option<String> {
    for repo in &w.repos {
        let Some((run, a, k)) = repo.find_job(job) else {
            continue;
        };
        let att = &run.attempts[a];
        let plans = plan_attempt(repo, att);
        let plan = plans.get(k)?;
        let j = att.jobs.get(k)?;
        plan.completed_at.filter(|&t| t <= now)?;
        return Some(super::logs::job_log(repo, run, j, plan));
    }
    None
}

enum Rerun {
    All,
    Failed,
    Job(u64),
}

fn rerun(w: &mut World, ri: usize, ctx: &Ctx, req: &Req, run_id: u64, what: Rerun) -> R {
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
    });
    w.sync_deployments(ri);
    Ok(Reply::json(json!({})).status(201))
}

fn cancel(w: &mut World, ri: usize, ctx: &Ctx, req: &Req, run_id: u64) -> R {
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

fn dispatch(w: &mut World, ri: usize, ctx: &Ctx, req: &Req, wf_id: &str) -> R {
    let login = viewer(ctx)?.to_string();
    let repo = &w.repos[ri];
    require_write(req, repo, &login)?;
    let wf = find_workflow(repo, wf_id)?.clone();
    let body = parse_object(req)?;
    let git_ref = match body.get("ref") {
        None | Some(Value::Null) => return Err(not_supplied("ref")),
        Some(Value::String(s)) => s.clone(),
        Some(v) => return Err(wrong_type("ref", v, "a string")),
    };
    let inputs = match body.get("inputs") {
        None | Some(Value::Null) => Map::new(),
        Some(Value::Object(m)) => m.clone(),
        Some(v) => return Err(wrong_type("inputs", v, "an object")),
    };
    let details = match body.get("return_run_details") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(v) => return Err(wrong_type("return_run_details", v, "a boolean")),
    };
    if !wf.has_trigger("workflow_dispatch") {
        return Err(unprocessable(
            "Workflow does not have 'workflow_dispatch' trigger",
        ));
    }
    let branch = git_ref
        .strip_prefix("refs/heads/")
        .unwrap_or(&git_ref)
        .to_string();
    if repo.branch(&branch).is_none() {
        return Err(unprocessable(format!("No ref found for: {git_ref}")));
    }
    let unexpected: Vec<&String> = inputs
        .keys()
        .filter(|k| !wf.inputs.iter().any(|i| &i.name == *k))
        .collect();
    if !unexpected.is_empty() {
        return Err(unprocessable(format!(
            "Unexpected inputs provided: {}",
            json!(unexpected)
        )));
    }
    let mut resolved: BTreeMap<String, Value> = BTreeMap::new();
    for i in &wf.inputs {
        let given = inputs.get(&i.name).filter(|v| !v.is_null());
        let value = match (given, &i.default) {
            (Some(v), _) => v.clone(),
            (None, Some(d)) => d.clone(),
            (None, None) if i.required => {
                return Err(unprocessable(format!(
                    "Required input '{}' not provided",
                    i.name
                )))
            }
            (None, None) => Value::String(String::new()),
        };
        let as_text = match &value {
            Value::String(s) => s.clone(),
            Value::Bool(b) => b.to_string(),
            Value::Number(n) => n.to_string(),
            other => {
                return Err(unprocessable(format!(
                    "Provided value '{other}' for input '{}' is not a string",
                    i.name
                )))
            }
        };
        if i.required && as_text.is_empty() {
            return Err(unprocessable(format!(
                "Required input '{}' not provided",
                i.name
            )));
        }
        let bad = |what: &str| {
            unprocessable(format!(
                "Provided value '{as_text}' for input '{}' {what}",
                i.name
            ))
        };
        let value = match i.kind.as_str() {
            "boolean" => match as_text.as_str() {
                "true" => Value::Bool(true),
                "false" => Value::Bool(false),
                _ => return Err(bad("is not a valid boolean")),
            },
            "choice" => {
                if !i.options.contains(&as_text) {
                    return Err(bad("not in the list of allowed values"));
                }
                Value::String(as_text)
            }
            "environment" => {
                if !as_text.is_empty() && repo.environment(&as_text).is_none() {
                    return Err(bad("is not a valid environment"));
                }
                Value::String(as_text)
            }
            "number" => {
                if !as_text.is_empty() && as_text.parse::<f64>().is_err() {
                    return Err(bad("is not a valid number"));
                }
                Value::String(as_text)
            }
            _ => Value::String(as_text),
        };
        resolved.insert(i.name.clone(), value);
    }
    let run_number = repo
        .runs
        .iter()
        .filter(|r| r.workflow_id == wf.id)
        .map(|r| r.run_number)
        .max()
        .unwrap_or(0)
        + 1;
    let id = w.ids.run;
    w.ids.run += 1;
    let suite = w.ids.check_suite;
    w.ids.check_suite += 1;
    let jobs = instantiate_jobs(&wf, &resolved, &mut w.ids);
    let repo = &mut w.repos[ri];
    repo.runs.push(Run {
        id,
        workflow_id: wf.id,
        run_number,
        branch,
        sha: None,
        event: "workflow_dispatch".into(),
        actor: login.clone(),
        display_title: wf.name.clone(),
        pr: None,
        inputs: resolved,
        created_at: ctx.now,
        attempts: vec![Attempt {
            number: 1,
            started_at: ctx.now,
            triggering_actor: login,
            check_suite_id: suite,
            cancelled_at: None,
            jobs,
        }],
    });
    let full = repo.full_name();
    w.sync_deployments(ri);
    if details {
        return Ok(Reply::json(json!({
            "workflow_run_id": id,
            "run_url": format!("{}/repos/{full}/actions/runs/{id}", ctx.api),
            "html_url": format!("{}/{full}/actions/runs/{id}", ctx.web()),
        })));
    }
    Ok(Reply::empty(204))
}

fn can_approve(repo: &Repo, run: &Run, env: &str, login: Option<&str>) -> bool {
    let Some(login) = login else { return false };
    repo.environment(env).is_some_and(|e| {
        e.reviewers.iter().any(|r| r == login)
            && !(e.prevent_self_review && run.latest().triggering_actor == login)
    })
}

fn pending_deployments(w: &World, ri: usize, ctx: &Ctx, run_id: u64) -> R {
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

fn review_deployments(w: &mut World, ri: usize, ctx: &Ctx, req: &Req, run_id: u64) -> R {
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

// ---------------------------------------------------------------------------------------------
// Deployments

fn deployment_visible(repo: &Repo, d: &Deployment, ctx: &Ctx) -> bool {
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

fn visible_deployment<'a>(repo: &'a Repo, id: u64, ctx: &Ctx) -> Result<&'a Deployment, ApiError> {
    repo.deployments
        .iter()
        .find(|d| d.id == id)
        .filter(|d| deployment_visible(repo, d, ctx))
        .ok_or_else(not_found)
}

fn list_deployments(w: &World, ri: usize, ctx: &Ctx, req: &Req) -> R {
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

// ---------------------------------------------------------------------------------------------
// Contents (only the workflow files exist)

fn contents(w: &World, ri: usize, ctx: &Ctx, req: &Req, path: &str) -> R {
    let repo = &w.repos[ri];
    let git_ref = query(req, "ref")
        .unwrap_or(&repo.default_branch)
        .to_string();
    let known_ref = repo.branch(&git_ref).is_some()
        || (git_ref.len() == 40 && git_ref.bytes().all(|b| b.is_ascii_hexdigit()));
    if !known_ref {
        return Err(ApiError::new(
            404,
            format!("No commit found for the ref {git_ref}"),
        ));
    }
    let full = repo.full_name();
    let api = format!("{}/repos/{full}/contents", ctx.api);
    let entry = |wf: &super::world::Workflow, with_content: bool| {
        let yaml = wf.yaml();
        let sha = super::logs::pseudo_sha(&yaml);
        let p = wf.path();
        let mut v = json!({
            "type": "file",
            "name": wf.file,
            "path": p,
            "sha": sha,
            "size": yaml.len(),
            "url": format!("{api}/{p}?ref={}", render::encode(&git_ref)),
            "html_url": format!("{}/{full}/blob/{git_ref}/{p}", ctx.web()),
            "git_url": format!("{}/repos/{full}/git/blobs/{sha}", ctx.api),
            "download_url": Value::Null,
        });
        if let (true, Value::Object(m)) = (with_content, &mut v) {
            m.insert("encoding".into(), json!("base64"));
            m.insert("content".into(), json!(base64_lines(yaml.as_bytes())));
        }
        v
    };
    let path = path.trim_matches('/');
    if path == ".github/workflows" {
        let items = repo.workflows.iter().map(|wf| entry(wf, false)).collect();
        return Ok(Reply::json(Value::Array(items)));
    }
    let wf = repo
        .workflows
        .iter()
        .find(|wf| wf.path() == path)
        .ok_or_else(not_found)?;
    Ok(Reply::json(entry(wf, true)))
}

/// Base64 with a newline every 60 characters, as GitHub's contents API sends it.
fn base64_lines(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut raw = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for k in 0..4 {
            if k <= chunk.len() {
                raw.push(A[((n >> (18 - 6 * k)) & 63) as usize] as char);
            } else {
                raw.push('=');
            }
        }
    }
    let mut out = String::with_capacity(raw.len() + raw.len() / 60 + 1);
    for (i, c) in raw.chars().enumerate() {
        if i > 0 && i % 60 == 0 {
            out.push('\n');
        }
        out.push(c);
    }
    out.push('\n');
    out
}

// ---------------------------------------------------------------------------------------------
// Search (issues and pull requests)

type IssuePred<'a> = Box<dyn Fn(&Repo, &Issue) -> bool + 'a>;

/// Splits a search query into terms, keeping "quoted values" together.
fn search_terms(q: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    for c in q.chars() {
        match c {
            '"' => quoted = !quoted,
            c if c.is_whitespace() && !quoted => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
            c => cur.push(c),
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

fn search_issues(w: &World, ctx: &Ctx, req: &Req) -> R {
    let Some(q) = query(req, "q") else {
        return Err(ApiError {
            status: 422,
            message: "Validation Failed".into(),
            errors: Some(json!([{"resource": "Search", "field": "q", "code": "missing"}])),
        });
    };
    let me = ctx.viewer.as_deref();
    let mut filters: Vec<IssuePred<'_>> = Vec::new();
    let mut sort = query(req, "sort").map(str::to_string);
    let mut asc = query(req, "order") == Some("asc");
    for term in search_terms(q) {
        let (negate, term) = match term.strip_prefix('-') {
            Some(t) => (true, t.to_string()),
            None => (false, term),
        };
        let Some((key, value)) = term.split_once(':') else {
            let text = term.to_lowercase();
            filters.push(Box::new(move |_, i: &Issue| {
                let hit = i.title.to_lowercase().contains(&text)
                    || i.body
                        .as_deref()
                        .is_some_and(|b| b.to_lowercase().contains(&text));
                hit != negate
            }));
            continue;
        };
        let key = key.to_lowercase();
        let value = value.to_string();
        let who = if value == "@me" {
            me.unwrap_or("").to_string()
        } else {
            value.clone()
        };
        let f: IssuePred<'_> = match (key.as_str(), value.as_str()) {
            ("is" | "type", "pr" | "pull-request") => Box::new(|_, i: &Issue| i.pull.is_some()),
            ("is" | "type", "issue") => Box::new(|_, i: &Issue| i.pull.is_none()),
            ("is" | "state", "open") => Box::new(|_, i: &Issue| i.state == "open"),
            ("is" | "state", "closed") => Box::new(|_, i: &Issue| i.state == "closed"),
            ("is", "merged") => {
                Box::new(|_, i: &Issue| i.pull.as_ref().is_some_and(|p| p.merged_at.is_some()))
            }
            ("is", "unmerged") => Box::new(|_, i: &Issue| {
                i.pull.as_ref().is_some_and(|p| p.merged_at.is_none()) && i.state == "closed"
            }),
            ("is", "draft") | ("draft", "true") => {
                Box::new(|_, i: &Issue| i.pull.as_ref().is_some_and(|p| p.draft))
            }
            ("draft", "false") => {
                Box::new(|_, i: &Issue| i.pull.as_ref().is_some_and(|p| !p.draft))
            }
            ("author", _) => Box::new(move |_, i: &Issue| i.user.eq_ignore_ascii_case(&who)),
            ("assignee", _) => Box::new(move |_, i: &Issue| {
                i.assignees.iter().any(|a| a.eq_ignore_ascii_case(&who))
            }),
            ("mentions", _) => Box::new(move |_, i: &Issue| {
                i.body
                    .as_deref()
                    .is_some_and(|b| b.contains(&format!("@{who}")))
            }),
            ("commenter", _) => Box::new(move |_, i: &Issue| {
                i.comments.iter().any(|c| c.user.eq_ignore_ascii_case(&who))
            }),
            ("involves", _) => Box::new(move |_, i: &Issue| {
                i.user.eq_ignore_ascii_case(&who)
                    || i.assignees.iter().any(|a| a.eq_ignore_ascii_case(&who))
                    || i.comments.iter().any(|c| c.user.eq_ignore_ascii_case(&who))
                    || i.body
                        .as_deref()
                        .is_some_and(|b| b.contains(&format!("@{who}")))
            }),
            ("review-requested", _) => Box::new(move |_, i: &Issue| {
                i.pull.as_ref().is_some_and(|p| {
                    p.requested_reviewers
                        .iter()
                        .any(|r| r.eq_ignore_ascii_case(&who))
                })
            }),
            ("reviewed-by", _) => Box::new(move |_, i: &Issue| {
                i.pull
                    .as_ref()
                    .is_some_and(|p| p.reviews.iter().any(|r| r.user.eq_ignore_ascii_case(&who)))
            }),
            ("repo", _) => Box::new(move |r: &Repo, _| r.full_name().eq_ignore_ascii_case(&value)),
            ("user" | "org", _) => {
                Box::new(move |r: &Repo, _| r.owner.eq_ignore_ascii_case(&value))
            }
            ("label", _) => Box::new(move |_, i: &Issue| {
                value
                    .split(',')
                    .any(|l| i.labels.iter().any(|x| x.eq_ignore_ascii_case(l.trim())))
            }),
            ("no", "assignee") => Box::new(|_, i: &Issue| i.assignees.is_empty()),
            ("no", "label") => Box::new(|_, i: &Issue| i.labels.is_empty()),
            ("sort", s) => {
                let (field, dir) = s.rsplit_once('-').unwrap_or((s, "desc"));
                sort = Some(field.to_string());
                asc = dir == "asc";
                continue;
            }
            // Unknown qualifiers (archived:, in:, ...) do not narrow this simulation.
            _ => continue,
        };
        if negate {
            filters.push(Box::new(move |r: &Repo, i: &Issue| !f(r, i)));
        } else {
            filters.push(f);
        }
    }
    let mut hits: Vec<(&Repo, &Issue)> = w
        .repos
        .iter()
        .filter(|r| r.can_read(me))
        .flat_map(|r| r.issues.values().map(move |i| (r, i)))
        .filter(|(_, i)| i.created_at <= ctx.now)
        .filter(|(r, i)| filters.iter().all(|f| f(r, i)))
        .collect();
    match sort.as_deref() {
        Some("created") => hits.sort_by_key(|(_, i)| (i.created_at, i.id)),
        Some("comments") => hits.sort_by_key(|(_, i)| (i.comments.len(), i.id)),
        _ => hits.sort_by_key(|(_, i)| (i.updated_at, i.id)),
    }
    if !asc {
        hits.reverse();
    }
    let items: Vec<Value> = hits
        .into_iter()
        .map(|(r, i)| {
            let mut v = render::issue_json(w, r, i, ctx, false);
            if let Value::Object(m) = &mut v {
                m.insert("score".into(), json!(1.0));
            }
            v
        })
        .collect();
    let total = items.len();
    let (slice, link) = paginate(ctx, req, items);
    let mut r = Reply::json(json!({
        "total_count": total,
        "incomplete_results": false,
        "search_type": "lexical",
        "items": slice,
    }));
    if let Some(l) = link {
        r.headers.push(("link", l));
    }
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::base64_lines;

    #[test]
    fn base64_matches_the_standard_alphabet() {
        assert_eq!(base64_lines(b""), "\n");
        assert_eq!(base64_lines(b"f"), "Zg==\n");
        assert_eq!(base64_lines(b"fo"), "Zm8=\n");
        assert_eq!(base64_lines(b"foo"), "Zm9v\n");
        assert_eq!(base64_lines(b"foobar"), "Zm9vYmFy\n");
        let long = base64_lines(&[0u8; 60]);
        assert_eq!(long.lines().map(str::len).collect::<Vec<_>>(), [60, 20]);
    }
}
