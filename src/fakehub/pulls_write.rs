//! Writing endpoints for pull requests, refs, labels and assignees:
//!
//! | request | answers |
//! |---|---|
//! | `POST /repos/{o}/{r}/pulls` | 201; 422 when head == base, a branch is missing, or an open PR for head exists |
//! | `POST …/pulls/{n}/reviews` | 200; 422 for approving / requesting changes on your own PR, or a missing body |
//! | `POST …/pulls/{n}/comments/{id}/replies` | 201 (threads to the root comment) |
//! | `PUT …/pulls/{n}/merge` | 200; 405 when the method is not allowed or the PR cannot be merged (draft, conflicts, protected base without approval or with failing/pending CI); 409 when `sha` is not the head |
//! | `GET …/pulls/{n}/merge` | 204 merged / 404 |
//! | `DELETE …/git/refs/heads/{branch}` | 204; 422 for a missing, protected or default branch |
//! | `POST …/issues/{n}/labels`, `DELETE …/issues/{n}/labels/{name}` | the issue's labels |
//! | `POST` / `DELETE …/issues/{n}/assignees` | the issue |
//!
//! Error messages follow GitHub's wording where it is known; fakehub's own otherwise.

use std::collections::hash_map::DefaultHasher;
use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};

use serde_json::{json, Value};

use super::api::{
    not_found, num, parse_object, require_write, string_list, unprocessable, validation,
    visible_issue, visible_pull, wrong_type, ApiError, Reply, Req, R,
};
use super::git_store;
use super::render::{self, Ctx};
use super::world::{run_view, take, Issue, Label, Pull, Repo, Review, ReviewComment, Time, World};

pub(crate) fn route(w: &mut World, ri: usize, ctx: &Ctx, req: &Req, rest: &[&str]) -> R {
    match (req.method, rest) {
        ("POST", ["pulls"]) => create_pull(w, ri, ctx, req),
        ("POST", ["pulls", n, "reviews"]) => submit_review(w, ri, ctx, req, num(n)?),
        ("POST", ["pulls", n, "comments", id, "replies"]) => {
            reply_to_comment(w, ri, ctx, req, num(n)?, num(id)?)
        }
        ("PUT", ["pulls", n, "merge"]) => merge(w, ri, ctx, req, num(n)?),
        ("GET", ["pulls", n, "merge"]) => {
            let issue = visible_pull(&w.repos[ri], num(n)?, ctx)?;
            match issue.pull.as_ref().and_then(|p| p.merged_at) {
                Some(_) => Ok(Reply::empty(204)),
                None => Err(not_found()),
            }
        }
        ("DELETE", ["git", "refs", "heads", branch @ ..]) if !branch.is_empty() => {
            delete_ref(w, ri, ctx, req, &branch.join("/"))
        }
        ("POST", ["issues", n, "labels"]) => add_labels(w, ri, ctx, req, num(n)?),
        ("DELETE", ["issues", n, "labels", name]) => remove_label(w, ri, ctx, req, num(n)?, name),
        ("POST", ["issues", n, "assignees"]) => assignees(w, ri, ctx, req, num(n)?, true),
        ("DELETE", ["issues", n, "assignees"]) => assignees(w, ri, ctx, req, num(n)?, false),
        _ => Err(not_found()),
    }
}

pub(crate) fn viewer(ctx: &Ctx) -> Result<String, ApiError> {
    ctx.viewer
        .clone()
        .ok_or_else(|| ApiError::new(401, "Requires authentication"))
}

fn custom_error(resource: &str, message: String) -> ApiError {
    ApiError {
        status: 422,
        message: "Validation Failed".into(),
        errors: Some(json!([{"resource": resource, "code": "custom", "message": message}])),
    }
}

pub(crate) fn required_string(
    m: &serde_json::Map<String, Value>,
    key: &str,
    resource: &str,
) -> Result<String, ApiError> {
    match m.get(key) {
        None | Some(Value::Null) => Err(validation(resource, key, "missing_field", None)),
        Some(Value::String(s)) if s.trim().is_empty() => {
            Err(validation(resource, key, "missing_field", None))
        }
        Some(Value::String(s)) => Ok(s.clone()),
        Some(v) => Err(wrong_type(key, v, "a string")),
    }
}

// ---------------------------------------------------------------------------------------------
// Pull requests

fn create_pull(w: &mut World, ri: usize, ctx: &Ctx, req: &Req) -> R {
    let login = viewer(ctx)?;
    require_write(req, &w.repos[ri], &login)?;
    let body = parse_object(req)?;
    let title = required_string(&body, "title", "PullRequest")?;
    let head = required_string(&body, "head", "PullRequest")?;
    let base = required_string(&body, "base", "PullRequest")?;
    let text = match body.get("body") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(v) => return Err(wrong_type("body", v, "a string")),
    };
    let draft = match body.get("draft") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(v) => return Err(wrong_type("draft", v, "a boolean")),
    };
    // `owner:branch` names a branch of this repository when owner is its owner.
    let repo = &w.repos[ri];
    let head = match head.split_once(':') {
        Some((owner, b)) if owner.eq_ignore_ascii_case(&repo.owner) => b.to_string(),
        Some(_) => return Err(validation("PullRequest", "head", "invalid", None)),
        None => head,
    };
    if head == base {
        return Err(custom_error(
            "PullRequest",
            format!("No commits between {base} and {head}"),
        ));
    }
    let Some(head_branch) = repo.branch(&head) else {
        return Err(validation("PullRequest", "head", "invalid", None));
    };
    if repo.branch(&base).is_none() {
        return Err(validation("PullRequest", "base", "invalid", None));
    }
    if repo
        .issues
        .values()
        .any(|i| i.state == "open" && i.pull.as_ref().is_some_and(|p| p.head == head))
    {
        return Err(custom_error(
            "PullRequest",
            format!("A pull request already exists for {}:{head}.", repo.owner),
        ));
    }
    let head_sha = head_branch.sha.clone();
    let diff = w
        .git_dir
        .as_deref()
        .and_then(|d| git_store::pull_diff(d, &base, &head).ok());
    if diff.as_ref().is_some_and(|d| d.commits == 0) {
        return Err(custom_error(
            "PullRequest",
            format!("No commits between {base} and {head}"),
        ));
    }
    let diff = diff.unwrap_or_default();
    let number = w.repos[ri].issues.keys().max().copied().unwrap_or(0) + 1;
    let issue_id = take(&mut w.ids.issue);
    let pull_id = take(&mut w.ids.pull);
    let now = ctx.now;
    let mut pull = Pull {
        id: pull_id,
        head: head.clone(),
        base: base.clone(),
        draft,
        merged_at: None,
        merged_by: None,
        merge_commit_sha: None,
        requested_reviewers: Vec::new(),
        commits: diff.commits.max(1),
        additions: diff.additions,
        deletions: diff.deletions,
        changed_files: diff.changed_files,
        mergeable: Some(true),
        mergeable_state: String::new(),
        reviews: Vec::new(),
        review_comments: Vec::new(),
        files: Vec::new(),
    };
    pull.mergeable_state = mergeable_state(&w.repos[ri], &pull, now);
    let mut issue = Issue::opened(number, issue_id, title.clone(), text, login.clone(), now);
    issue.pull = Some(pull);
    w.repos[ri].issues.insert(number, issue);
    w.sync_pull_refs();
    // Opening the pull request runs the workflows triggered by `pull_request`.
    let workflows: Vec<u64> = w.repos[ri]
        .workflows
        .iter()
        .filter(|wf| wf.has_trigger("pull_request"))
        .map(|wf| wf.id)
        .collect();
    for wf in workflows {
        let t = crate::fakehub::pushes::RunTrigger {
            branch: &head,
            sha: Some(&head_sha),
            event: "pull_request",
            actor: &login,
            title: &title,
            pr: Some(number),
            inputs: BTreeMap::new(),
        };
        w.start_run(ri, wf, t, now);
    }
    w.schedule_auto_review(ri, number, diff.first_hunk, now);

    let repo = &w.repos[ri];
    let issue = visible_pull(repo, number, ctx)?;
    Ok(Reply::created(
        render::pull_json(w, repo, issue, ctx, true),
        ctx,
        format!("/repos/{}/pulls/{number}", repo.full_name()),
    ))
}

/// Each reviewer's latest verdict at `now` (approved / changes requested; a dismissal withdraws).
fn verdicts(pull: &Pull, now: Time) -> Vec<(String, String)> {
    let mut reviews: Vec<&Review> = pull
        .reviews
        .iter()
        .filter(|r| r.submitted_at <= now)
        .collect();
    reviews.sort_by_key(|r| (r.submitted_at, r.id));
    let mut latest: Vec<(String, String)> = Vec::new();
    for r in reviews {
        if matches!(
            r.state.as_str(),
            "APPROVED" | "CHANGES_REQUESTED" | "DISMISSED"
        ) {
            latest.retain(|(u, _)| *u != r.user);
            latest.push((r.user.clone(), r.state.clone()));
        }
    }
    latest
}

/// Why the pull request cannot be merged at `now`, in GitHub's words where known.
fn merge_blocker(repo: &Repo, pull: &Pull, now: Time) -> Option<String> {
    if pull.draft {
        return Some("Pull Request is still a draft".into());
    }
    if pull.mergeable == Some(false) {
        return Some("Pull Request is not mergeable".into());
    }
    if !repo.branch(&pull.base).is_some_and(|b| b.protected) {
        return None;
    }
    let verdicts = verdicts(pull, now);
    if let Some((who, _)) = verdicts.iter().find(|(_, s)| s == "CHANGES_REQUESTED") {
        return Some(format!(
            "Changes were requested by {who}; a protected branch needs them resolved."
        ));
    }
    if !verdicts.iter().any(|(_, s)| s == "APPROVED") {
        return Some(
            "At least 1 approving review is required by reviewers with write access.".into(),
        );
    }
    let head_sha = repo.branch_sha(&pull.head);
    let mut seen = Vec::new();
    let mut runs: Vec<_> = repo
        .runs
        .iter()
        .filter(|r| r.created_at <= now && repo.run_sha(r) == head_sha)
        .collect();
    runs.sort_by_key(|r| std::cmp::Reverse((r.created_at, r.id)));
    for run in runs {
        if seen.contains(&run.workflow_id) {
            continue;
        }
        seen.push(run.workflow_id);
        let name = repo
            .workflow(run.workflow_id)
            .map(|w| w.name.clone())
            .unwrap_or_default();
        let view = run_view(repo, run, now);
        match (view.status, view.conclusion) {
            ("completed", Some("success" | "skipped" | "neutral")) => {}
            ("completed", _) => {
                return Some(format!("Required status check \"{name}\" is failing."))
            }
            _ => return Some(format!("Required status check \"{name}\" is expected.")),
        }
    }
    None
}

fn mergeable_state(repo: &Repo, pull: &Pull, now: Time) -> String {
    if pull.draft {
        "draft".into()
    } else if pull.mergeable == Some(false) {
        "dirty".into()
    } else if merge_blocker(repo, pull, now).is_some() {
        "blocked".into()
    } else {
        "clean".into()
    }
}

fn submit_review(w: &mut World, ri: usize, ctx: &Ctx, req: &Req, n: u64) -> R {
    let login = viewer(ctx)?;
    let repo = &w.repos[ri];
    if !repo.can_read(Some(&login)) {
        return Err(not_found());
    }
    super::api::check_write_scope(req, repo)?;
    let issue = visible_pull(repo, n, ctx)?;
    let body = parse_object(req)?;
    let event = match body.get("event") {
        Some(Value::String(s)) => s.clone(),
        None | Some(Value::Null) => {
            return Err(unprocessable(
                "Unprocessable Entity: a review needs an event (APPROVE, REQUEST_CHANGES or \
                 COMMENT); fakehub keeps no pending reviews",
            ))
        }
        Some(v) => return Err(wrong_type("event", v, "a string")),
    };
    let text = match body.get("body") {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(v) => return Err(wrong_type("body", v, "a string")),
    };
    let state = match event.as_str() {
        "APPROVE" => "APPROVED",
        "REQUEST_CHANGES" => "CHANGES_REQUESTED",
        "COMMENT" => "COMMENTED",
        _ => {
            return Err(validation(
                "PullRequestReview",
                "event",
                "invalid",
                Some(json!(event)),
            ))
        }
    };
    let own = issue.user == login;
    if own && state == "APPROVED" {
        return Err(unprocessable(
            "Unprocessable Entity: \"Review Can not approve your own pull request\"",
        ));
    }
    if own && state == "CHANGES_REQUESTED" {
        return Err(unprocessable(
            "Unprocessable Entity: \"Review Can not request changes on your own pull request\"",
        ));
    }
    if state != "APPROVED" && text.trim().is_empty() {
        return Err(unprocessable("Unprocessable Entity: \"Body is required\""));
    }
    if issue.state != "open" {
        return Err(unprocessable(
            "Unprocessable Entity: \"Can not review a closed pull request\"",
        ));
    }
    let head_sha = issue
        .pull
        .as_ref()
        .map(|p| repo.branch_sha(&p.head))
        .unwrap_or_default();
    let id = take(&mut w.ids.review);
    let now = ctx.now;
    let repo = &mut w.repos[ri];
    let Some(issue) = repo.issues.get_mut(&n) else {
        return Err(not_found());
    };
    issue.updated_at = now;
    if let Some(p) = issue.pull.as_mut() {
        p.requested_reviewers.retain(|r| *r != login);
        p.reviews.push(Review {
            id,
            user: login,
            state: state.into(),
            body: text,
            submitted_at: now,
            commit_id: Some(head_sha),
        });
    }
    refresh_mergeable_state(w, ri, n, now);
    let repo = &w.repos[ri];
    let issue = visible_pull(repo, n, ctx)?;
    let review = issue
        .pull
        .as_ref()
        .and_then(|p| p.reviews.last())
        .ok_or_else(not_found)?;
    Ok(Reply::json(render::review_json(
        w, repo, issue, review, ctx,
    )))
}

pub(crate) fn refresh_mergeable_state(w: &mut World, ri: usize, n: u64, now: Time) {
    let Some(repo) = w.repos.get(ri) else { return };
    let state = repo
        .issues
        .get(&n)
        .and_then(|i| i.pull.as_ref())
        .map(|p| mergeable_state(repo, p, now));
    if let (Some(state), Some(p)) = (
        state,
        w.repos[ri].issues.get_mut(&n).and_then(|i| i.pull.as_mut()),
    ) {
        p.mergeable_state = state;
    }
}

/// Adds a reply by `login` to the thread whose root is `root_id`, as a one-comment review, the
/// way GitHub records replies. Returns the new comment's id.
pub(crate) fn add_reply(
    w: &mut World,
    ri: usize,
    n: u64,
    root_id: u64,
    login: &str,
    text: &str,
    now: Time,
) -> Option<u64> {
    let review_id = take(&mut w.ids.review);
    let comment_id = take(&mut w.ids.review_comment);
    let repo = w.repos.get_mut(ri)?;
    let head_sha = repo
        .issues
        .get(&n)
        .and_then(|i| i.pull.as_ref())
        .map(|p| repo.branch_sha(&p.head))?;
    let issue = repo.issues.get_mut(&n)?;
    let pull = issue.pull.as_mut()?;
    let root = pull
        .review_comments
        .iter()
        .find(|c| c.id == root_id)?
        .clone();
    pull.reviews.push(Review {
        id: review_id,
        user: login.to_string(),
        state: "COMMENTED".into(),
        body: String::new(),
        submitted_at: now,
        commit_id: Some(head_sha),
    });
    pull.review_comments.push(ReviewComment {
        id: comment_id,
        review_id: Some(review_id),
        in_reply_to_id: Some(root.id),
        user: login.to_string(),
        body: text.to_string(),
        created_at: now,
        updated_at: now,
        resolved: false,
        ..root
    });
    issue.updated_at = now;
    Some(comment_id)
}

/// The root of the thread comment `id` belongs to.
pub(crate) fn thread_root(pull: &Pull, id: u64) -> Option<u64> {
    let mut current = pull.review_comments.iter().find(|c| c.id == id)?;
    for _ in 0..pull.review_comments.len() {
        match current.in_reply_to_id {
            Some(parent) => current = pull.review_comments.iter().find(|c| c.id == parent)?,
            None => return Some(current.id),
        }
    }
    None
}

fn reply_to_comment(w: &mut World, ri: usize, ctx: &Ctx, req: &Req, n: u64, id: u64) -> R {
    let login = viewer(ctx)?;
    super::api::check_write_scope(req, &w.repos[ri])?;
    let issue = visible_pull(&w.repos[ri], n, ctx)?;
    let body = parse_object(req)?;
    let text = required_string(&body, "body", "PullRequestReviewComment")?;
    let root = issue
        .pull
        .as_ref()
        .filter(|p| {
            p.review_comments
                .iter()
                .any(|c| c.id == id && c.created_at <= ctx.now)
        })
        .and_then(|p| thread_root(p, id))
        .ok_or_else(not_found)?;
    let new_id = add_reply(w, ri, n, root, &login, &text, ctx.now).ok_or_else(not_found)?;
    let repo = &w.repos[ri];
    let issue = visible_pull(repo, n, ctx)?;
    let c = issue
        .pull
        .as_ref()
        .and_then(|p| p.review_comments.iter().find(|c| c.id == new_id))
        .ok_or_else(not_found)?;
    Ok(Reply::json(render::review_comment_json(w, repo, issue, c, ctx)).status(201))
}

pub(crate) fn fake_sha(seed: impl Hash) -> String {
    let mut out = String::new();
    for k in 0u8..3 {
        let mut h = DefaultHasher::new();
        (k, &seed).hash(&mut h);
        out.push_str(&format!("{:016x}", h.finish()));
    }
    out.truncate(40);
    out
}

fn merge(w: &mut World, ri: usize, ctx: &Ctx, req: &Req, n: u64) -> R {
    let login = viewer(ctx)?;
    require_write(req, &w.repos[ri], &login)?;
    let repo = &w.repos[ri];
    let issue = visible_pull(repo, n, ctx)?;
    let body = parse_object(req)?;
    let method = match body.get("merge_method") {
        None | Some(Value::Null) => "merge".to_string(),
        Some(Value::String(s)) => s.clone(),
        Some(v) => return Err(wrong_type("merge_method", v, "a string")),
    };
    let allowed = match method.as_str() {
        "merge" => repo.allow_merge_commit,
        "squash" => repo.allow_squash_merge,
        "rebase" => repo.allow_rebase_merge,
        _ => {
            return Err(validation(
                "PullRequest",
                "merge_method",
                "invalid",
                Some(json!(method)),
            ))
        }
    };
    if !allowed {
        let what = match method.as_str() {
            "merge" => "Merge commits are",
            "squash" => "Squash merges are",
            _ => "Rebase merges are",
        };
        return Err(ApiError::new(
            405,
            format!("{what} not allowed on this repository."),
        ));
    }
    let Some(pull) = issue.pull.as_ref() else {
        return Err(not_found());
    };
    if pull.merged_at.is_some() || issue.state != "open" {
        return Err(ApiError::new(405, "Pull Request is not mergeable"));
    }
    let head_sha = repo.branch_sha(&pull.head);
    if let Some(Value::String(sha)) = body.get("sha") {
        if !sha.eq_ignore_ascii_case(&head_sha) {
            return Err(ApiError::new(
                409,
                "Head branch was modified. Review and try the merge again.",
            ));
        }
    }
    if let Some(why) = merge_blocker(repo, pull, ctx.now) {
        return Err(ApiError::new(405, why));
    }
    let title = match (body.get("commit_title"), method.as_str()) {
        (Some(Value::String(t)), _) if !t.trim().is_empty() => t.clone(),
        (_, "squash") => format!("{} (#{n})", issue.title),
        _ => format!(
            "Merge pull request #{n} from {}/{}\n\n{}",
            repo.owner, pull.head, issue.title
        ),
    };
    let (base, head) = (pull.base.clone(), pull.head.clone());
    let closes = closing_references(issue.body.as_deref().unwrap_or_default());
    let sha = match w.git_dir.as_deref() {
        Some(dir) => git_store::merge(dir, &base, &head, &method, &title, &login)
            .map_err(|e| ApiError::new(405, format!("Pull Request is not mergeable: {e}")))?,
        None => fake_sha((n, &head_sha, ctx.now.timestamp_nanos_opt())),
    };
    let now = ctx.now;
    if let Some(issue) = w.repos[ri].issues.get_mut(&n) {
        issue.state = "closed".into();
        issue.closed_at = Some(now);
        issue.closed_by = Some(login.clone());
        issue.updated_at = now;
        if let Some(p) = issue.pull.as_mut() {
            p.merged_at = Some(now);
            p.merged_by = Some(login.clone());
            p.merge_commit_sha = Some(sha.clone());
            p.mergeable = None;
            p.mergeable_state = "unknown".into();
        }
    }
    // GitHub closes the issues a PR into the default branch says it closes.
    if base == w.repos[ri].default_branch {
        for k in closes {
            let repo = &mut w.repos[ri];
            if let Some(i) = repo.issues.get_mut(&k) {
                if i.pull.is_none() && i.state == "open" {
                    repo.closing_commits.insert(k, sha.clone());
                    i.state = "closed".into();
                    i.state_reason = Some("completed".into());
                    i.closed_at = Some(now);
                    i.closed_by = Some(login.clone());
                    i.updated_at = now;
                }
            }
        }
    }
    let message = title.lines().next().unwrap_or_default().to_string();
    w.on_push(ri, &base, &sha, Some(message), &login, now);
    Ok(Reply::json(json!({
        "sha": sha,
        "merged": true,
        "message": "Pull Request successfully merged",
    })))
}

/// Issue numbers after GitHub's closing keywords: "Closes #12", "fixes #3", "Resolved #7".
fn closing_references(body: &str) -> Vec<u64> {
    const KEYWORDS: [&str; 9] = [
        "close", "closes", "closed", "fix", "fixes", "fixed", "resolve", "resolves", "resolved",
    ];
    let words: Vec<String> = body
        .split_whitespace()
        .map(|w| w.trim_end_matches([':', ',', '.']).to_ascii_lowercase())
        .collect();
    let mut out = Vec::new();
    for pair in words.windows(2) {
        if KEYWORDS.contains(&pair[0].as_str()) {
            if let Some(n) = pair[1]
                .strip_prefix('#')
                .and_then(|x| x.parse::<u64>().ok())
            {
                if !out.contains(&n) {
                    out.push(n);
                }
            }
        }
    }
    out
}

fn delete_ref(w: &mut World, ri: usize, ctx: &Ctx, req: &Req, branch: &str) -> R {
    let login = viewer(ctx)?;
    require_write(req, &w.repos[ri], &login)?;
    let repo = &w.repos[ri];
    let Some(b) = repo.branch(branch) else {
        return Err(unprocessable("Reference does not exist"));
    };
    if branch == repo.default_branch {
        return Err(unprocessable("Cannot delete the default branch"));
    }
    if b.protected {
        return Err(unprocessable("Cannot delete a protected branch"));
    }
    if let Some(dir) = w.git_dir.as_deref() {
        git_store::delete_branch(dir, branch)
            .map_err(|e| ApiError::new(500, format!("fakehub git error: {}", e.message())))?;
    }
    w.on_branch_deleted(ri, branch);
    Ok(Reply::empty(204))
}

// ---------------------------------------------------------------------------------------------
// Labels and assignees

fn issue_labels_json(w: &World, ri: usize, n: u64, ctx: &Ctx) -> Result<Value, ApiError> {
    let repo = &w.repos[ri];
    let issue = visible_issue(repo, n, ctx)?;
    Ok(Value::Array(
        issue
            .labels
            .iter()
            .map(|l| render::label_json(repo, l, ctx))
            .collect(),
    ))
}

fn add_labels(w: &mut World, ri: usize, ctx: &Ctx, req: &Req, n: u64) -> R {
    let login = viewer(ctx)?;
    require_write(req, &w.repos[ri], &login)?;
    visible_issue(&w.repos[ri], n, ctx)?;
    // Both `{"labels": [..]}` and a bare array are accepted, as on GitHub.
    let names = match serde_json::from_slice::<Value>(req.body) {
        Ok(Value::Array(_)) => {
            let wrapped =
                json!({ "labels": serde_json::from_slice::<Value>(req.body).unwrap_or_default() });
            let Value::Object(m) = wrapped else {
                return Err(not_found());
            };
            string_list(&m, "labels")?
        }
        _ => string_list(&parse_object(req)?, "labels")?,
    };
    let Some(names) = names.filter(|n| !n.is_empty()) else {
        return Err(validation("Label", "labels", "missing_field", None));
    };
    for name in &names {
        if !w.repos[ri]
            .labels
            .iter()
            .any(|l| l.name.eq_ignore_ascii_case(name))
        {
            let id = take(&mut w.ids.label);
            w.repos[ri].labels.push(Label {
                id,
                name: name.clone(),
                color: "ededed".into(),
                description: None,
            });
        }
    }
    let canonical: Vec<String> = names
        .iter()
        .filter_map(|name| {
            w.repos[ri]
                .labels
                .iter()
                .find(|l| l.name.eq_ignore_ascii_case(name))
                .map(|l| l.name.clone())
        })
        .collect();
    let now = ctx.now;
    if let Some(issue) = w.repos[ri].issues.get_mut(&n) {
        for name in canonical {
            if !issue.labels.contains(&name) {
                issue.labels.push(name);
            }
        }
        issue.updated_at = now;
    }
    Ok(Reply::json(issue_labels_json(w, ri, n, ctx)?))
}

fn remove_label(w: &mut World, ri: usize, ctx: &Ctx, req: &Req, n: u64, name: &str) -> R {
    let login = viewer(ctx)?;
    require_write(req, &w.repos[ri], &login)?;
    visible_issue(&w.repos[ri], n, ctx)?;
    let now = ctx.now;
    let Some(issue) = w.repos[ri].issues.get_mut(&n) else {
        return Err(not_found());
    };
    let before = issue.labels.len();
    issue.labels.retain(|l| !l.eq_ignore_ascii_case(name));
    if issue.labels.len() == before {
        return Err(ApiError::new(404, "Label does not exist"));
    }
    issue.updated_at = now;
    Ok(Reply::json(issue_labels_json(w, ri, n, ctx)?))
}

fn assignees(w: &mut World, ri: usize, ctx: &Ctx, req: &Req, n: u64, add: bool) -> R {
    let login = viewer(ctx)?;
    require_write(req, &w.repos[ri], &login)?;
    visible_issue(&w.repos[ri], n, ctx)?;
    let body = parse_object(req)?;
    let Some(names) = string_list(&body, "assignees")? else {
        return Err(validation("Issue", "assignees", "missing_field", None));
    };
    let now = ctx.now;
    let repo = &mut w.repos[ri];
    // GitHub ignores logins that cannot be assigned rather than failing the request.
    let assignable: Vec<String> = names
        .into_iter()
        .filter(|x| repo.role(x).is_some())
        .collect();
    let Some(issue) = repo.issues.get_mut(&n) else {
        return Err(not_found());
    };
    if add {
        for a in assignable {
            if !issue.assignees.contains(&a) && issue.assignees.len() < 10 {
                issue.assignees.push(a);
            }
        }
    } else {
        issue.assignees.retain(|a| !assignable.contains(a));
    }
    issue.updated_at = now;
    let repo = &w.repos[ri];
    let issue = visible_issue(repo, n, ctx)?;
    let status = if add { 201 } else { 200 };
    Ok(Reply::json(render::issue_json(w, repo, issue, ctx, false)).status(status))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_closing_keywords() {
        assert_eq!(
            closing_references("Retry on 5xx.\n\nCloses #42, fixes #7. Resolved: #42 see #9"),
            vec![42, 7]
        );
        assert!(closing_references("Relates to #3").is_empty());
    }
}
