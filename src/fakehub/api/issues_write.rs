//! Changing issues: opening one, comments and edits (state, title, labels, assignees).

use serde_json::{json, Value};

use super::access::{check_write_scope, viewer};
use super::input::{opt_string, parse_object, string_list};
use super::issues::visible_issue;
use super::reply::{not_found, validation, wrong_type, ApiError, Reply, Req, R};
use crate::fakehub::render::{self, Ctx};
use crate::fakehub::world::{take, Comment, Issue, Label, World};

pub(super) fn post_comment(w: &mut World, ri: usize, ctx: &Ctx, req: &Req, n: u64) -> R {
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
    Ok(Reply::created(
        v,
        ctx,
        format!("/repos/{}/issues/comments/{id}", repo.full_name()),
    ))
}

pub(super) fn patch_issue(w: &mut World, ri: usize, ctx: &Ctx, req: &Req, n: u64) -> R {
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
        check_assignees(w, ri, a)?;
    }

    // Apply.
    let now = ctx.now;
    let canonical = labels.map(|ls| labels_named(w, ri, ls));
    let repo = &mut w.repos[ri];
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

/// Every login must be one the repository's issues can be assigned to.
fn check_assignees(w: &World, ri: usize, logins: &[String]) -> Result<(), ApiError> {
    match logins
        .iter()
        .find(|x| w.user(x).is_none() || w.repos[ri].role(x).is_none())
    {
        Some(x) => Err(validation("Issue", "assignees", "invalid", Some(json!(x)))),
        None => Ok(()),
    }
}

/// The repository's labels of these names (as it spells them), once each; names it does not
/// have become new labels, as GitHub does.
fn labels_named(w: &mut World, ri: usize, names: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for l in names {
        let known = w.repos[ri]
            .labels
            .iter()
            .find(|x| x.name.eq_ignore_ascii_case(&l))
            .map(|x| x.name.clone());
        let name = match known {
            Some(name) => name,
            None => {
                let id = w.ids.label;
                w.ids.label += 1;
                w.repos[ri].labels.push(Label {
                    id,
                    name: l.clone(),
                    color: "ededed".into(),
                    description: None,
                });
                l
            }
        };
        if !out.contains(&name) {
            out.push(name);
        }
    }
    out
}

/// `POST /repos/{owner}/{repo}/issues`. Anyone who can read the repository may open one (a
/// token needs its write scope); labels and assignees of a user without push access are
/// dropped silently, as GitHub does.
pub(super) fn create_issue(w: &mut World, ri: usize, ctx: &Ctx, req: &Req) -> R {
    let login = viewer(ctx)?.to_string();
    check_write_scope(req, &w.repos[ri])?;
    let body = parse_object(req)?;
    let title = match body.get("title") {
        None | Some(Value::Null) => {
            return Err(validation("Issue", "title", "missing_field", None))
        }
        Some(Value::String(s)) if s.trim().is_empty() => {
            return Err(validation("Issue", "title", "missing_field", None))
        }
        Some(Value::String(s)) => s.clone(),
        // GitHub takes a number as a title too.
        Some(Value::Number(n)) => n.to_string(),
        Some(v) => return Err(wrong_type("title", v, "a string or an integer")),
    };
    let text = opt_string(&body, "body")?.flatten();
    let labels = string_list(&body, "labels")?.unwrap_or_default();
    let mut assignees = string_list(&body, "assignees")?.unwrap_or_default();
    if let Some(Some(a)) = opt_string(&body, "assignee")? {
        if !assignees.contains(&a) {
            assignees.push(a);
        }
    }
    let pusher = w.repos[ri].can_write(&login);
    let (labels, assignees) = if pusher {
        check_assignees(w, ri, &assignees)?;
        let mut uniq: Vec<String> = Vec::new();
        for a in assignees {
            if !uniq.contains(&a) && uniq.len() < 10 {
                uniq.push(a);
            }
        }
        (labels_named(w, ri, labels), uniq)
    } else {
        (Vec::new(), Vec::new())
    };
    let number = w.repos[ri].issues.keys().max().copied().unwrap_or(0) + 1;
    let id = take(&mut w.ids.issue);
    let mut issue = Issue::opened(number, id, title, text, login, ctx.now);
    issue.labels = labels;
    issue.assignees = assignees;
    w.repos[ri].issues.insert(number, issue);
    let repo = &w.repos[ri];
    let issue = visible_issue(repo, number, ctx)?;
    Ok(Reply::created(
        render::issue_json(w, repo, issue, ctx, false),
        ctx,
        format!("/repos/{}/issues/{number}", repo.full_name()),
    ))
}

/// `GET /repos/{owner}/{repo}/assignees`: the users its issues can be assigned to.
pub(super) fn assignees(w: &World, ri: usize, ctx: &Ctx, req: &Req) -> R {
    let repo = &w.repos[ri];
    let mut logins: Vec<&str> = std::iter::once(repo.owner.as_str())
        .chain(repo.collaborators.keys().map(String::as_str))
        .filter(|l| w.user(l).is_some_and(|u| !u.organization))
        .collect();
    logins.sort_unstable();
    logins.dedup();
    let items = logins
        .into_iter()
        .map(|l| render::user_json(w, l, ctx))
        .collect();
    super::paging::list(ctx, req, items)
}
