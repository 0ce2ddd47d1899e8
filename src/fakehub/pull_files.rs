//! A pull request's changed files and new comments on their lines, as GitHub answers them:
//!
//! | request | answers |
//! |---|---|
//! | `GET …/pulls/{n}/files` | the scenario's files of the pull request, else its diff in the attached git store (base's merge base to head), else none; `patch` left out for a binary file |
//! | `POST …/pulls/{n}/comments` | 201, a new thread on `line` of `path` (`side` RIGHT by default); 422 when `commit_id` is not the head or the line is not in the diff |

use serde::Deserialize;
use serde_json::{json, Value};

use super::api::{
    check_write_scope, list, num, parse_object, unprocessable, validation, visible_pull,
    wrong_type, Reply, Req, R,
};
use super::git_store;
use super::pulls_write::{required_string, viewer};
use super::render::{self, Ctx};
use super::world::{take, Repo, Review, ReviewComment, World};

/// One changed file: in the scenario (`pull.files`) or read from the git store.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct FileChange {
    pub filename: String,
    /// added, removed, modified, renamed, …
    pub status: String,
    /// The hunks; none for a binary file or a diff too large to show.
    #[serde(default)]
    pub patch: Option<String>,
    #[serde(default)]
    pub previous_filename: Option<String>,
}

impl FileChange {
    /// (additions, deletions) as the patch counts them.
    fn counts(&self) -> (usize, usize) {
        let lines = || self.patch.iter().flat_map(|p| p.lines());
        let count = |c: char| lines().filter(|l| l.starts_with(c)).count();
        (count('+'), count('-'))
    }

    /// The hunk text up to the line `line` of `side` (a review comment's `diff_hunk`), if the
    /// patch has that line.
    fn hunk_to(&self, line: u64, left: bool) -> Option<String> {
        let mut hunk: Vec<&str> = Vec::new();
        let (mut old, mut new) = (0u64, 0u64);
        for l in self.patch.as_deref()?.lines() {
            if let Some(rest) = l.strip_prefix("@@ -") {
                let start = |s: &str| s.split(',').next().and_then(|n| n.parse::<u64>().ok());
                let (o, rest) = rest.split_once(" +")?;
                (old, new) = (start(o)?, start(rest.split(' ').next()?)?);
                hunk = vec![l];
                continue;
            }
            hunk.push(l);
            let (on_left, on_right) = match l.chars().next() {
                Some('+') => (None, Some(new)),
                Some('-') => (Some(old), None),
                Some('\\') => (None, None),
                _ => (Some(old), Some(new)),
            };
            if (left && on_left == Some(line)) || (!left && on_right == Some(line)) {
                return Some(hunk.join("\n"));
            }
            old += u64::from(on_left.is_some());
            new += u64::from(on_right.is_some());
        }
        None
    }
}

pub(crate) fn route(w: &mut World, ri: usize, ctx: &Ctx, req: &Req, rest: &[&str]) -> Option<R> {
    Some(match (req.method, rest) {
        ("GET", ["pulls", n, "files"]) => num(n).and_then(|n| files(w, ri, ctx, req, n)),
        ("POST", ["pulls", n, "comments"]) => num(n).and_then(|n| comment(w, ri, ctx, req, n)),
        _ => return None,
    })
}

/// The files of pull request `n`: the scenario's, else the git store's diff.
fn changes(w: &World, ri: usize, n: u64) -> Vec<FileChange> {
    let repo = &w.repos[ri];
    let Some(pull) = repo.issues.get(&n).and_then(|i| i.pull.as_ref()) else {
        return Vec::new();
    };
    if !pull.files.is_empty() {
        return pull.files.clone();
    }
    // The git store is the first repository's.
    match w.git_dir.as_deref().filter(|_| ri == 0) {
        Some(dir) => git_store::pull_files(dir, &pull.base, &pull.head, n).unwrap_or_default(),
        None => Vec::new(),
    }
}

fn file_json(repo: &Repo, head: &str, f: &FileChange, ctx: &Ctx) -> Value {
    let fname = repo.full_name();
    let (additions, deletions) = f.counts();
    let path = render::encode(&f.filename);
    let mut v = json!({
        "sha": git_store::blob_id(f.patch.as_deref().unwrap_or(&f.filename)),
        "filename": f.filename,
        "status": f.status,
        "additions": additions,
        "deletions": deletions,
        "changes": additions + deletions,
        "blob_url": format!("{}/{fname}/blob/{head}/{path}", ctx.web()),
        "raw_url": format!("{}/{fname}/raw/{head}/{path}", ctx.web()),
        "contents_url": format!("{}/repos/{fname}/contents/{path}?ref={head}", ctx.api),
    });
    if let Value::Object(m) = &mut v {
        if let Some(p) = &f.patch {
            m.insert("patch".into(), json!(p));
        }
        if let Some(p) = &f.previous_filename {
            m.insert("previous_filename".into(), json!(p));
        }
    }
    v
}

fn files(w: &World, ri: usize, ctx: &Ctx, req: &Req, n: u64) -> R {
    let repo = &w.repos[ri];
    let issue = visible_pull(repo, n, ctx)?;
    let head = issue
        .pull
        .as_ref()
        .map(|p| repo.branch_sha(&p.head))
        .unwrap_or_default();
    let items = changes(w, ri, n)
        .iter()
        .map(|f| file_json(repo, &head, f, ctx))
        .collect();
    list(ctx, req, items)
}

fn comment(w: &mut World, ri: usize, ctx: &Ctx, req: &Req, n: u64) -> R {
    const RESOURCE: &str = "PullRequestReviewComment";
    let login = viewer(ctx)?;
    check_write_scope(req, &w.repos[ri])?;
    let issue = visible_pull(&w.repos[ri], n, ctx)?;
    let head = issue
        .pull
        .as_ref()
        .map(|p| w.repos[ri].branch_sha(&p.head))
        .unwrap_or_default();
    let body = parse_object(req)?;
    let text = required_string(&body, "body", RESOURCE)?;
    let commit = required_string(&body, "commit_id", RESOURCE)?;
    let path = required_string(&body, "path", RESOURCE)?;
    let line = match body.get("line") {
        Some(Value::Number(l)) => l
            .as_u64()
            .ok_or_else(|| wrong_type("line", &json!(l), "an integer"))?,
        None | Some(Value::Null) => {
            return Err(validation(RESOURCE, "line", "missing_field", None))
        }
        Some(v) => return Err(wrong_type("line", v, "an integer")),
    };
    let side = match body.get("side") {
        None | Some(Value::Null) => "RIGHT".to_string(),
        Some(Value::String(s)) if s == "LEFT" || s == "RIGHT" => s.clone(),
        Some(v) => return Err(wrong_type("side", v, "one of LEFT, RIGHT")),
    };
    if commit != head {
        return Err(unprocessable(
            "Validation Failed: commit_id is not part of the pull request",
        ));
    }
    let hunk = changes(w, ri, n)
        .iter()
        .find(|f| f.filename == path)
        .and_then(|f| f.hunk_to(line, side == "LEFT"))
        .ok_or_else(|| {
            validation(
                RESOURCE,
                "pull_request_review_thread.line",
                "invalid",
                Some(json!(line)),
            )
        })?;
    let (review_id, comment_id) = (take(&mut w.ids.review), take(&mut w.ids.review_comment));
    let Some(issue) = w.repos[ri].issues.get_mut(&n) else {
        return Err(super::api::not_found());
    };
    issue.updated_at = ctx.now;
    if let Some(pull) = issue.pull.as_mut() {
        // GitHub records a lone comment as a one-comment review.
        pull.reviews.push(Review {
            id: review_id,
            user: login.clone(),
            state: "COMMENTED".into(),
            body: String::new(),
            submitted_at: ctx.now,
            commit_id: Some(head),
        });
        pull.review_comments.push(ReviewComment {
            id: comment_id,
            review_id: Some(review_id),
            in_reply_to_id: None,
            user: login,
            body: text,
            created_at: ctx.now,
            updated_at: ctx.now,
            path,
            line: Some(line),
            original_line: line,
            start_line: None,
            side,
            diff_hunk: hunk,
            commit_id: None,
            resolved: false,
        });
    }
    let repo = &w.repos[ri];
    let issue = visible_pull(repo, n, ctx)?;
    let c = issue
        .pull
        .as_ref()
        .and_then(|p| p.review_comments.iter().find(|c| c.id == comment_id))
        .ok_or_else(super::api::not_found)?;
    Ok(Reply::json(render::review_comment_json(w, repo, issue, c, ctx)).status(201))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_comment_finds_its_hunk_on_either_side() {
        let f = FileChange {
            filename: "a.rs".into(),
            status: "modified".into(),
            patch: Some("@@ -10,3 +10,3 @@ fn a() {\n x\n-old\n+new\n y".into()),
            previous_filename: None,
        };
        assert_eq!(f.counts(), (1, 1));
        assert_eq!(
            f.hunk_to(11, false).as_deref(),
            Some("@@ -10,3 +10,3 @@ fn a() {\n x\n-old\n+new")
        );
        assert_eq!(
            f.hunk_to(11, true).as_deref(),
            Some("@@ -10,3 +10,3 @@ fn a() {\n x\n-old")
        );
        assert_eq!(
            f.hunk_to(12, false).as_deref().map(|h| h.lines().count()),
            Some(5)
        );
        assert_eq!(f.hunk_to(13, false), None);
        assert_eq!(f.hunk_to(9, true), None);
    }
}
