//! Pull-request actions beyond review and merge, as GitHub answers them:
//!
//! | request | answers |
//! |---|---|
//! | `PATCH …/pulls/{n}` | the pull request, with `title` / `body` changed; 422 for an empty title |
//! | `PUT …/pulls/{n}/update-branch` | 202; the base is merged into the head in the git store (a push of the head, with its CI); 422 when `expected_head_sha` is not the head, or the head already has the base |
//! | GraphQL `markPullRequestReadyForReview` / `convertPullRequestToDraft` | the draft flag flips |
//! | `GET …/rules/branches/{branch}` | the rules of a protected branch: one approving review, and the jobs of the `pull_request` workflows as required checks |

use serde_json::{json, Map, Value};

use super::api::{
    num, opt_string, parse_object, require_write, unprocessable, viewer, visible_pull, wrong_type,
    Reply, Req, R,
};
use super::git_store;
use super::graphql::{can_write_or_author, field_error, var_str};
use super::pulls_write::refresh_mergeable_state;
use super::render::{self, Ctx};
use super::world::World;

pub(crate) fn route(w: &mut World, ri: usize, ctx: &Ctx, req: &Req, rest: &[&str]) -> Option<R> {
    Some(match (req.method, rest) {
        ("PATCH", ["pulls", n]) => num(n).and_then(|n| edit(w, ri, ctx, req, n)),
        ("PUT", ["pulls", n, "update-branch"]) => {
            num(n).and_then(|n| update_branch(w, ri, ctx, req, n))
        }
        ("GET", ["rules", "branches", branch @ ..]) if !branch.is_empty() => {
            Ok(rules(w, ri, &branch.join("/")))
        }
        _ => return None,
    })
}

fn edit(w: &mut World, ri: usize, ctx: &Ctx, req: &Req, n: u64) -> R {
    let login = viewer(ctx)?.to_string();
    let author = visible_pull(&w.repos[ri], n, ctx)?.user.clone();
    if author != login {
        require_write(req, &w.repos[ri], &login)?;
    }
    let body = parse_object(req)?;
    let title = opt_string(&body, "title")?;
    let text = opt_string(&body, "body")?;
    if let Some(t) = &title {
        if t.as_deref().is_none_or(|t| t.trim().is_empty()) {
            return Err(unprocessable("Validation Failed: title cannot be blank"));
        }
    }
    if let Some(v) = body.get("state").filter(|v| !v.is_string()) {
        return Err(wrong_type("state", v, "a string"));
    }
    if let Some(issue) = w.repos[ri].issues.get_mut(&n) {
        if let Some(Some(t)) = title {
            issue.title = t;
        }
        if let Some(b) = text {
            issue.body = b;
        }
        issue.updated_at = ctx.now;
    }
    let repo = &w.repos[ri];
    let issue = visible_pull(repo, n, ctx)?;
    Ok(Reply::json(render::pull_json(w, repo, issue, ctx, true)))
}

fn update_branch(w: &mut World, ri: usize, ctx: &Ctx, req: &Req, n: u64) -> R {
    let login = viewer(ctx)?.to_string();
    require_write(req, &w.repos[ri], &login)?;
    let body = parse_object(req)?;
    let repo = &w.repos[ri];
    let issue = visible_pull(repo, n, ctx)?;
    let Some(pull) = issue.pull.as_ref().filter(|_| issue.state == "open") else {
        return Err(unprocessable("Pull request is closed"));
    };
    let (head, base) = (pull.head.clone(), pull.base.clone());
    let head_sha = repo.branch_sha(&head);
    match body.get("expected_head_sha") {
        None | Some(Value::Null) => {}
        Some(Value::String(s)) if s.eq_ignore_ascii_case(&head_sha) => {}
        Some(Value::String(_)) => {
            return Err(unprocessable(
                "expected head sha didn't match current head ref.",
            ))
        }
        Some(v) => return Err(wrong_type("expected_head_sha", v, "a string")),
    }
    let dir = w.git_dir.clone().filter(|_| ri == 0);
    let behind = match &dir {
        Some(d) => git_store::compare(d, &head, &base).map_or(0, |(ahead, ..)| ahead),
        None => usize::from(repo.branch_sha(&base) != head_sha),
    };
    if behind == 0 {
        return Err(unprocessable(
            "There are no new commits on the base branch.",
        ));
    }
    let message = format!("Merge branch '{base}' into {head}");
    let sha = match &dir {
        Some(d) => git_store::merge(d, &head, &base, "merge", &message, &login)
            .map_err(|e| unprocessable(format!("merge conflict between base and head: {e}")))?,
        // Without a git repository the head still moves, as GitHub's merge commit would move it.
        None => super::pulls_write::fake_sha((n, &head_sha, ctx.now.timestamp_nanos_opt())),
    };
    w.on_push(ri, &head, &sha, Some(message), &login, ctx.now);
    w.sync_pull_refs();
    refresh_mergeable_state(w, ri, n, ctx.now);
    let url = format!("{}/{}/pull/{n}", ctx.web(), w.repos[ri].full_name());
    Ok(Reply::json(json!({"message": "Updating pull request branch.", "url": url})).status(202))
}

/// A protected branch's rules as GitHub lists them; an unprotected branch has none.
fn rules(w: &World, ri: usize, branch: &str) -> Reply {
    let repo = &w.repos[ri];
    if !repo.branch(branch).is_some_and(|b| b.protected) {
        return Reply::json(json!([]));
    }
    // A workflow job's check run is named after the job: that is the context a rule requires.
    let checks: Vec<Value> = repo
        .workflows
        .iter()
        .filter(|wf| wf.has_trigger("pull_request"))
        .flat_map(|wf| wf.jobs.iter().map(|j| json!({"context": j.name})))
        .collect();
    let source = |kind: &str, params: Value| {
        let mut m = Map::new();
        m.insert("type".into(), json!(kind));
        m.insert("ruleset_source_type".into(), json!("Repository"));
        m.insert("ruleset_source".into(), json!(repo.full_name()));
        m.insert("ruleset_id".into(), json!(1));
        if !params.is_null() {
            m.insert("parameters".into(), params);
        }
        Value::Object(m)
    };
    Reply::json(json!([
        source("deletion", Value::Null),
        source(
            "pull_request",
            json!({
                "required_approving_review_count": 1,
                "dismiss_stale_reviews_on_push": false,
                "require_code_owner_review": false,
                "require_last_push_approval": false,
                "required_review_thread_resolution": false
            })
        ),
        source(
            "required_status_checks",
            json!({
                "strict_required_status_checks_policy": false,
                "required_status_checks": checks
            })
        ),
    ]))
}

/// The GraphQL draft mutations: `MarkPullRequestReadyForReview`, `ConvertPullRequestToDraft`.
pub(crate) fn set_draft(
    w: &mut World,
    ctx: &Ctx,
    login: &str,
    vars: &Map<String, Value>,
    draft: bool,
) -> Reply {
    let field = if draft {
        "convertPullRequestToDraft"
    } else {
        "markPullRequestReadyForReview"
    };
    let id = var_str(vars, "pullRequestId")
        .unwrap_or_default()
        .to_string();
    let found = w.repos.iter().enumerate().find_map(|(ri, repo)| {
        if !repo.can_read(Some(login)) {
            return None;
        }
        repo.issues.values().find_map(|i| {
            let p = i.pull.as_ref()?;
            (render::node_id("PR", p.id) == id).then_some((ri, i.number, i.user.clone()))
        })
    });
    let error = |kind: &str, message: String| field_error(field, kind, message);
    let Some((ri, n, author)) = found else {
        return error(
            "NOT_FOUND",
            format!("Could not resolve to a node with the global id of '{id}'."),
        );
    };
    if !can_write_or_author(&w.repos[ri], login, &author) {
        return error(
            "FORBIDDEN",
            format!(
                "{login} does not have permission to change the draft state of this pull request"
            ),
        );
    }
    let now = ctx.now;
    if let Some(i) = w.repos[ri].issues.get_mut(&n) {
        if i.state != "open" {
            return error("UNPROCESSABLE", "Pull request is closed".into());
        }
        if let Some(p) = i.pull.as_mut() {
            p.draft = draft;
        }
        i.updated_at = now;
    }
    refresh_mergeable_state(w, ri, n, now);
    Reply::json(json!({"data": {field: {"pullRequest": {"id": id, "isDraft": draft}}}}))
}
