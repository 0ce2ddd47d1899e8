//! `POST /graphql`: the operations cockpit sends, recognised by their operation name (from
//! `operationName`, else the query's `query Name` / `mutation Name` header) and answered from
//! the variables — fakehub has no GraphQL parser. An unknown operation gets a GraphQL-shaped
//! error (HTTP 200, `{"errors": [...]}`), as GitHub answers a query it cannot run.
//!
//! | operation | variables | answer |
//! |---|---|---|
//! | `ReviewThreads` | `owner name number first after` | `repository.pullRequest.reviewThreads` with `pageInfo` and `nodes` |
//! | `AddReviewThreadReply` | `threadId body` | `addPullRequestReviewThreadReply.comment` |
//! | `ResolveReviewThread` / `UnresolveReviewThread` | `threadId` | `…ReviewThread.thread { id isResolved }` |
//!
//! A thread is a root review comment (not a reply) and its replies; its id is `PRRT_kwDO` + the
//! root comment's id in hex. Resolution is kept on the root comment.

use serde_json::{json, Map, Value};

use super::api::{check_write_scope, not_found, problems_parsing, ApiError, Reply, Req, R};
use super::pulls_write::{add_reply, refresh_mergeable_state};
use super::render::{ts, Ctx};
use super::world::{Pull, Repo, ReviewComment, World};

const THREAD_PREFIX: &str = "PRRT_kwDO";

pub(crate) fn handle(w: &mut World, ctx: &Ctx, req: &Req) -> R {
    let Some(login) = ctx.viewer.clone() else {
        return Err(ApiError::new(
            401,
            "This endpoint requires you to be authenticated.",
        ));
    };
    let body: Map<String, Value> = match serde_json::from_slice(req.body) {
        Ok(Value::Object(m)) => m,
        _ => return Err(problems_parsing()),
    };
    let query = body
        .get("query")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let vars = match body.get("variables") {
        Some(Value::Object(v)) => v.clone(),
        _ => Map::new(),
    };
    let name = body
        .get("operationName")
        .and_then(Value::as_str)
        .map(str::to_string)
        .or_else(|| operation_name(query));
    let Some(name) = name else {
        return Ok(errors(
            "fakehub needs a named operation (query Name { … }) to know what to answer",
            None,
        ));
    };
    let mutation = name != "ReviewThreads";
    if mutation {
        let Some(ri) = w.repos.iter().position(|r| r.can_read(Some(&login))) else {
            return Err(not_found());
        };
        if let Err(e) = check_write_scope(req, &w.repos[ri]) {
            return Ok(errors(&e.message, Some("FORBIDDEN")));
        }
    }
    Ok(match name.as_str() {
        "ReviewThreads" => review_threads(w, ctx, &login, &vars),
        "AddReviewThreadReply" => reply(w, ctx, &login, &vars),
        "ResolveReviewThread" => set_resolved(w, ctx, &login, &vars, true),
        "UnresolveReviewThread" => set_resolved(w, ctx, &login, &vars, false),
        "MarkPullRequestReadyForReview" => {
            super::pull_actions::set_draft(w, ctx, &login, &vars, false)
        }
        "ConvertPullRequestToDraft" => super::pull_actions::set_draft(w, ctx, &login, &vars, true),
        other => errors(
            &format!("fakehub does not know the operation '{other}'"),
            Some("UNKNOWN_OPERATION"),
        ),
    })
}

/// `query Name(` / `mutation Name {` → `Name`.
fn operation_name(query: &str) -> Option<String> {
    let mut words = query
        .split(|c: char| c.is_whitespace() || c == '(' || c == '{')
        .filter(|w| !w.is_empty());
    match words.next()? {
        "query" | "mutation" => words.next().map(str::to_string),
        _ => None,
    }
}

fn errors(message: &str, kind: Option<&str>) -> Reply {
    let mut e = json!({"message": message, "locations": [{"line": 1, "column": 1}]});
    if let (Some(k), Value::Object(m)) = (kind, &mut e) {
        m.insert("type".into(), json!(k));
    }
    Reply::json(json!({"errors": [e]}))
}

pub(crate) fn field_error(field: &str, kind: &str, message: String) -> Reply {
    Reply::json(json!({
        "data": {field: null},
        "errors": [{"type": kind, "path": [field], "locations": [{"line": 2, "column": 3}], "message": message}],
    }))
}

pub(crate) fn var_str<'a>(vars: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    vars.get(key).and_then(Value::as_str)
}

fn thread_id(root: u64) -> String {
    format!("{THREAD_PREFIX}{root:X}")
}

fn comment_id(id: u64) -> String {
    format!("PRRC_kwDO{id:X}")
}

fn comment_json(c: &ReviewComment) -> Value {
    json!({
        "id": comment_id(c.id),
        "databaseId": c.id,
        "body": c.body,
        "author": {"login": c.user},
        "createdAt": ts(c.created_at),
        "diffHunk": c.diff_hunk,
    })
}

pub(crate) fn can_write_or_author(repo: &Repo, login: &str, author: &str) -> bool {
    repo.can_write(login) || login == author
}

fn thread_json(
    repo: &Repo,
    pull: &Pull,
    author: &str,
    root: &ReviewComment,
    ctx: &Ctx,
    login: &str,
) -> Value {
    let comments: Vec<Value> = pull
        .review_comments
        .iter()
        .filter(|c| c.created_at <= ctx.now)
        .filter(|c| c.id == root.id || super::pulls_write::thread_root(pull, c.id) == Some(root.id))
        .map(comment_json)
        .collect();
    let may = can_write_or_author(repo, login, author);
    json!({
        "id": thread_id(root.id),
        "isResolved": root.resolved,
        "isOutdated": root.line.is_none(),
        "path": root.path,
        "line": root.line,
        "originalLine": root.original_line,
        "diffSide": root.side,
        "viewerCanReply": repo.can_read(Some(login)),
        "viewerCanResolve": may && !root.resolved,
        "viewerCanUnresolve": may && root.resolved,
        "comments": {
            "totalCount": comments.len(),
            "pageInfo": {"hasNextPage": false, "endCursor": null},
            "nodes": comments,
        },
    })
}

fn review_threads(w: &World, ctx: &Ctx, login: &str, vars: &Map<String, Value>) -> Reply {
    let (Some(owner), Some(name)) = (var_str(vars, "owner"), var_str(vars, "name")) else {
        return errors(
            "Variables owner and name are required",
            Some("INVALID_VARIABLES"),
        );
    };
    let Some(number) = vars.get("number").and_then(Value::as_u64) else {
        return errors("Variable number is required", Some("INVALID_VARIABLES"));
    };
    let repo = w
        .repo_index(owner, name)
        .map(|ri| &w.repos[ri])
        .filter(|r| r.can_read(Some(login)));
    let Some(repo) = repo else {
        return field_error(
            "repository",
            "NOT_FOUND",
            format!("Could not resolve to a Repository with the name '{owner}/{name}'."),
        );
    };
    let issue = repo
        .issues
        .get(&number)
        .filter(|i| i.created_at <= ctx.now && i.pull.is_some());
    let Some((issue, pull)) = issue.and_then(|i| i.pull.as_ref().map(|p| (i, p))) else {
        return Reply::json(json!({
            "data": {"repository": {"pullRequest": null}},
            "errors": [{"type": "NOT_FOUND", "path": ["repository", "pullRequest"],
                        "message": format!("Could not resolve to a PullRequest with the number of {number}.")}],
        }));
    };
    let first = vars
        .get("first")
        .and_then(Value::as_u64)
        .unwrap_or(50)
        .clamp(1, 100) as usize;
    let start = var_str(vars, "after")
        .and_then(|c| c.strip_prefix("cursor:"))
        .and_then(|n| n.parse::<usize>().ok())
        .unwrap_or(0);
    let mut roots: Vec<&ReviewComment> = pull
        .review_comments
        .iter()
        .filter(|c| c.in_reply_to_id.is_none() && c.created_at <= ctx.now)
        .collect();
    roots.sort_by_key(|c| (c.created_at, c.id));
    let total = roots.len();
    let page: Vec<Value> = roots
        .iter()
        .skip(start)
        .take(first)
        .map(|root| thread_json(repo, pull, &issue.user, root, ctx, login))
        .collect();
    let end = start + page.len();
    Reply::json(json!({
        "data": {"repository": {"pullRequest": {"reviewThreads": {
            "totalCount": total,
            "pageInfo": {
                "hasNextPage": end < total,
                "endCursor": if page.is_empty() { Value::Null } else { json!(format!("cursor:{end}")) },
            },
            "nodes": page,
        }}}}
    }))
}

/// The repository, pull request number and root comment of a thread id the viewer can see.
fn find_thread(w: &World, ctx: &Ctx, login: &str, id: &str) -> Option<(usize, u64, u64)> {
    let root = u64::from_str_radix(id.strip_prefix(THREAD_PREFIX)?, 16).ok()?;
    w.repos.iter().enumerate().find_map(|(ri, repo)| {
        if !repo.can_read(Some(login)) {
            return None;
        }
        repo.issues.values().find_map(|i| {
            let p = i.pull.as_ref()?;
            p.review_comments
                .iter()
                .any(|c| c.id == root && c.in_reply_to_id.is_none() && c.created_at <= ctx.now)
                .then_some((ri, i.number, root))
        })
    })
}

fn reply(w: &mut World, ctx: &Ctx, login: &str, vars: &Map<String, Value>) -> Reply {
    const FIELD: &str = "addPullRequestReviewThreadReply";
    let id = var_str(vars, "threadId").unwrap_or_default().to_string();
    let body = var_str(vars, "body").unwrap_or_default().to_string();
    if body.trim().is_empty() {
        return field_error(FIELD, "UNPROCESSABLE", "Body can't be blank".into());
    }
    let Some((ri, number, root)) = find_thread(w, ctx, login, &id) else {
        return field_error(
            FIELD,
            "NOT_FOUND",
            format!("Could not resolve to a node with the global id of '{id}'."),
        );
    };
    let Some(new_id) = add_reply(w, ri, number, root, login, &body, ctx.now) else {
        return field_error(FIELD, "NOT_FOUND", "The thread is gone.".into());
    };
    let comment = w.repos[ri]
        .issues
        .get(&number)
        .and_then(|i| i.pull.as_ref())
        .and_then(|p| p.review_comments.iter().find(|c| c.id == new_id))
        .map(comment_json)
        .unwrap_or(Value::Null);
    Reply::json(json!({"data": {FIELD: {"comment": comment}}}))
}

fn set_resolved(
    w: &mut World,
    ctx: &Ctx,
    login: &str,
    vars: &Map<String, Value>,
    resolved: bool,
) -> Reply {
    let field = if resolved {
        "resolveReviewThread"
    } else {
        "unresolveReviewThread"
    };
    let id = var_str(vars, "threadId").unwrap_or_default().to_string();
    let Some((ri, number, root)) = find_thread(w, ctx, login, &id) else {
        return field_error(
            field,
            "NOT_FOUND",
            format!("Could not resolve to a node with the global id of '{id}'."),
        );
    };
    let repo = &w.repos[ri];
    let author = repo
        .issues
        .get(&number)
        .map(|i| i.user.clone())
        .unwrap_or_default();
    if !can_write_or_author(repo, login, &author) {
        let op = if resolved {
            "ResolveReviewThread"
        } else {
            "UnresolveReviewThread"
        };
        return field_error(
            field,
            "FORBIDDEN",
            format!("{login} does not have the correct permissions to execute `{op}`"),
        );
    }
    if let Some(c) = w.repos[ri]
        .issues
        .get_mut(&number)
        .and_then(|i| i.pull.as_mut())
        .and_then(|p| p.review_comments.iter_mut().find(|c| c.id == root))
    {
        c.resolved = resolved;
    }
    if let Some(i) = w.repos[ri].issues.get_mut(&number) {
        i.updated_at = ctx.now;
    }
    if resolved {
        w.after_thread_resolved(ri, number, ctx.now);
    }
    refresh_mergeable_state(w, ri, number, ctx.now);
    Reply::json(json!({"data": {field: {"thread": {"id": id, "isResolved": resolved}}}}))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_operation_names() {
        assert_eq!(
            operation_name("query ReviewThreads($owner: String!) { x }").as_deref(),
            Some("ReviewThreads")
        );
        assert_eq!(
            operation_name("\n  mutation ResolveReviewThread{ x }").as_deref(),
            Some("ResolveReviewThread")
        );
        assert_eq!(operation_name("{ viewer { login } }"), None);
    }
}
