//! The update side of the task → branch → pull request loop: commenting on and editing
//! issues, branching from them, checking out, pushing, opening a pull request, answering its
//! review threads, reviewing and merging. Pure, like the rest of `update`.

use super::effect::{Effect, GitOp, Prepare, Resource};
use super::modal::{
    Confirm, Editor, EditorPurpose, Field, Form, MergeChecked, Modal, OnYes, Purpose,
};
use super::mutation::Mutation;
use super::resource;
use super::state::{AppState, Cursor, Detail, Loaded, PanelId};
use super::submit::{git, git_ready, start};
use crate::github::issues_write::CloseReason;
use crate::github::models::Issue;
use crate::github::pulls::ReviewEvent;
use crate::github::Slug;
use crate::text::{sanitize_line, Name, Safe};

/// The repository the action under way acts in (drafts are kept by it).
fn repo_name(state: &AppState) -> String {
    state
        .acting_repo
        .as_ref()
        .or(state.ctx.repo.as_ref())
        .map(|r| r.full_name())
        .unwrap_or_default()
}

/// The issue the user means: the open detail's, else the selected row's.
fn target_issue(state: &AppState) -> Option<Issue> {
    if let Some(Detail::Issue { data, .. }) = &state.detail {
        if let Some((issue, _)) = &data.data {
            return Some(issue.clone());
        }
    }
    if state.focus != PanelId::Issues || state.detail.is_some() {
        return None;
    }
    super::selection::issue(state).cloned()
}

fn need_issue(state: &mut AppState) -> Option<Issue> {
    let issue = target_issue(state);
    if issue.is_none() {
        state.toast("Select an issue first", true);
    }
    issue
}

pub fn comment_key(repo: &str, number: u64) -> String {
    format!("{repo}#{number}/comment")
}

pub fn thread_key(repo: &str, pull: u64, thread: &str) -> String {
    format!("{repo}#{pull}/thread/{thread}")
}

pub fn review_key(repo: &str, pull: u64) -> String {
    format!("{repo}#{pull}/review")
}

/// `c` on an issue: the comment editor, with the draft from last time.
pub fn comment(state: &mut AppState) -> Vec<Effect> {
    let Some(issue) = need_issue(state) else {
        return Vec::new();
    };
    open_comment_editor(state, issue.number, &issue.title, None);
    Vec::new()
}

pub fn open_comment_editor(state: &mut AppState, number: u64, title: &Safe, error: Option<String>) {
    let key = comment_key(&repo_name(state), number);
    let draft = state.drafts.get(&key).cloned().unwrap_or_default();
    let mut ed = Editor::new(
        format!("Comment on #{number}"),
        vec![title.to_string()],
        key,
        &draft,
        EditorPurpose::IssueComment { number },
    );
    ed.error = error;
    state.open_modal(Modal::Editor(Box::new(ed)));
}

pub fn close_or_reopen(state: &mut AppState) -> Vec<Effect> {
    let Some(issue) = need_issue(state) else {
        return Vec::new();
    };
    if issue.state == crate::github::models::IssueState::Closed {
        state.open_modal(Modal::Confirm(Box::new(Confirm {
            title: "Reopen issue".into(),
            lines: vec![format!("Reopen #{} {}?", issue.number, issue.title)],
            warnings: Vec::new(),
            on_yes: OnYes::Mutate(Mutation::ReopenIssue {
                number: issue.number,
            }),
        })));
        return Vec::new();
    }
    state.open_modal(Modal::Form(Box::new(Form {
        title: format!("Close #{}", issue.number),
        intro: vec![issue.title.to_string()],
        fields: vec![Field::choice(
            "reason",
            "Reason",
            vec!["completed".into(), "not planned".into()],
            0,
        )],
        focus: 0,
        error: None,
        purpose: Purpose::CloseIssue {
            number: issue.number,
        },
    })));
    Vec::new()
}

/// `m`: assign or unassign myself.
pub fn assign_me(state: &mut AppState) -> Vec<Effect> {
    let Some(issue) = need_issue(state) else {
        return Vec::new();
    };
    let Some(login) = state.login.clone() else {
        state.toast("Not signed in: cockpit does not know who you are", true);
        return Vec::new();
    };
    let add = !issue.assignees.iter().any(|u| u.login == login);
    start(
        state,
        Mutation::Assign {
            number: issue.number,
            login,
            add,
        },
    )
}

pub fn labels(state: &mut AppState) -> Vec<Effect> {
    let Some(issue) = need_issue(state) else {
        return Vec::new();
    };
    let current = issue.labels.iter().map(|l| l.name.clone()).collect();
    vec![state.prepare(Prepare::Labels {
        number: issue.number,
        current,
    })]
}

/// `b` on an issue: `<number>-<slug>` from the freshly fetched default branch, checked out.
pub fn branch_from_issue(state: &mut AppState) -> Vec<Effect> {
    let Some(issue) = need_issue(state) else {
        return Vec::new();
    };
    // An issue of another repository branches in that repository's clone, when the config
    // names one (`path`); otherwise there is no clone to branch in.
    let other = state
        .acting_repo
        .clone()
        .filter(|r| Some(r) != state.ctx.repo.as_ref());
    let (dir, default_branch) = match &other {
        None => (None, state.default_branch.clone()),
        Some(other) => {
            let Some(dir) = super::watch::clone_of(state, other) else {
                state.toast(
                    format!(
                        "#{} is in {}: name its clone in the config ([repos] watch = [{{ repo = \"{}\", path = \"~/src/…\" }}]) to branch from it",
                        issue.number,
                        other.full_name(),
                        other.full_name()
                    ),
                    true,
                );
                return Vec::new();
            };
            let default = state
                .repo_defaults
                .iter()
                .find(|(r, _)| r == other)
                .map(|(_, d)| d.clone());
            (Some(dir), default)
        }
    };
    let Some(default_branch) = default_branch else {
        state.toast(
            "The repository's default branch is not known yet; try again in a moment",
            true,
        );
        return Vec::new();
    };
    super::submit::git_in(
        state,
        GitOp::BranchFromIssue {
            number: issue.number,
            title: issue.title.into_string(),
            default_branch,
        },
        dir,
    )
}

fn selected_branch(state: &AppState) -> Option<crate::git::BranchInfo> {
    let snap = state.branches.data.as_ref()?;
    if let Some(Detail::Branch { name }) = &state.detail {
        return snap.branches.iter().find(|b| &b.name == name).cloned();
    }
    if state.focus != PanelId::Branches {
        return snap.branches.iter().find(|b| b.is_head).cloned();
    }
    super::selection::branch(state).cloned()
}

pub fn checkout(state: &mut AppState) -> Vec<Effect> {
    let Some(b) = selected_branch(state) else {
        return Vec::new();
    };
    if b.is_head {
        state.toast(format!("{} is already checked out", b.name.shown()), false);
        return Vec::new();
    }
    git(
        state,
        GitOp::Checkout {
            name: b.name.into_raw(),
        },
    )
}

pub fn new_branch(state: &mut AppState) -> Vec<Effect> {
    if !git_ready(state) {
        return Vec::new();
    }
    let from = state
        .branches
        .data
        .as_ref()
        .and_then(|s| {
            s.branches
                .iter()
                .find(|b| b.is_head)
                .map(|b| b.name.clone())
        })
        .unwrap_or_else(|| "HEAD".into());
    state.open_modal(Modal::Form(Box::new(Form {
        title: "New branch".into(),
        intro: vec!["Created and checked out; uncommitted changes come along.".into()],
        fields: vec![
            Field::text("name", "Name", "").required(true),
            Field::text("start", "From", &from).required(true),
        ],
        focus: 0,
        error: None,
        purpose: Purpose::NewBranch,
    })));
    Vec::new()
}

pub fn delete_branch(state: &mut AppState) -> Vec<Effect> {
    let Some(b) = selected_branch(state) else {
        return Vec::new();
    };
    let name = b.name.shown();
    let default = state
        .default_branch
        .clone()
        .unwrap_or_else(|| "the default branch".into());
    if b.is_head {
        state.toast(
            format!("{name} is checked out: check out another branch before deleting it"),
            true,
        );
        return Vec::new();
    }
    if !b.merged_into_default {
        state.toast(
            format!("{name} is not merged into {default}: cockpit only deletes merged branches"),
            true,
        );
        return Vec::new();
    }
    state.open_modal(Modal::Confirm(Box::new(Confirm {
        title: "Delete branch".into(),
        lines: vec![format!(
            "Delete the local branch {name}? Its commits are in {default}."
        )],
        warnings: Vec::new(),
        on_yes: OnYes::Git(GitOp::DeleteMerged {
            name: b.name.into_raw(),
        }),
    })));
    Vec::new()
}

/// `P` on a branch: the pull request form, prefilled from the branch's issue.
pub fn create_pull(state: &mut AppState) -> Vec<Effect> {
    let Some(b) = selected_branch(state) else {
        state.toast("Select a branch first", true);
        return Vec::new();
    };
    if Some(b.name.raw()) == state.default_branch.as_deref() {
        state.toast(
            format!(
                "{} is the default branch: open a pull request from another branch",
                b.name.shown()
            ),
            true,
        );
        return Vec::new();
    }
    if b.upstream.is_none() || b.upstream_gone {
        state.toast(
            format!("{} is not on GitHub yet: push it first (p)", b.name.shown()),
            true,
        );
        return Vec::new();
    }
    let issue = b.issue.or_else(|| {
        // A branch named like `42-fix-thing` belongs to issue 42 even if cockpit did not make it.
        b.name.split('-').next().and_then(|n| n.parse::<u64>().ok())
    });
    vec![state.prepare(Prepare::NewPull {
        head: b.name.into_raw(),
        issue,
    })]
}

/// `Closes #N` closes the issue only as words of their own: text typed onto its line
/// (`Closes #47Falls back…`) moves to lines of its own, before and after it.
fn keyword_on_its_own_line(body: &str, issue: Option<u64>) -> String {
    let Some(n) = issue else {
        return body.to_string();
    };
    let keyword = format!("Closes #{n}");
    let mut out: Vec<&str> = Vec::new();
    for line in body.split('\n') {
        let split = line.find(&keyword).and_then(|at| {
            let after = &line[at + keyword.len()..];
            // `Closes #470` is another issue.
            let other_number = after.starts_with(|c: char| c.is_ascii_digit());
            (line.trim() != keyword && !other_number).then(|| (&line[..at], after))
        });
        match split {
            Some((before, after)) => {
                out.extend(
                    [before.trim_end(), keyword.as_str(), after.trim_start()]
                        .into_iter()
                        .filter(|p| !p.is_empty()),
                );
            }
            None => out.push(line),
        }
    }
    out.join("\n")
}

/// Enter on a pull request: its detail, with reviews, checks and review threads.
pub fn open_pull(repo: Slug, number: u64) -> (Detail, Effect) {
    (
        Detail::Pull {
            repo: repo.clone(),
            number,
            data: Loaded::pending(),
            cursor: Cursor::default(),
            scroll: Default::default(),
            rules: Box::default(),
        },
        Effect::Poll(Resource::PullDetail(resource::PullDetail { repo, number })),
    )
}

fn selected_thread(state: &AppState) -> Option<(u64, crate::github::graphql::ReviewThread)> {
    let Some(Detail::Pull {
        number,
        data,
        cursor,
        ..
    }) = &state.detail
    else {
        return None;
    };
    let t = data.data.as_ref()?.threads.get(cursor.selected)?.clone();
    Some((*number, t))
}

pub fn reply(state: &mut AppState) -> Vec<Effect> {
    let Some((pull, thread)) = selected_thread(state) else {
        state.toast(
            "Open a pull request (Enter) and select a review thread to reply",
            true,
        );
        return Vec::new();
    };
    if !thread.viewer_can_reply {
        state.toast("GitHub does not let you reply in this thread", true);
        return Vec::new();
    }
    open_reply_editor(state, pull, &thread.id, &thread.path, None);
    Vec::new()
}

pub fn open_reply_editor(
    state: &mut AppState,
    pull: u64,
    thread_id: &str,
    path: &str,
    error: Option<String>,
) {
    let key = thread_key(&repo_name(state), pull, thread_id);
    let draft = state.drafts.get(&key).cloned().unwrap_or_default();
    let mut ed = Editor::new(
        format!("Reply on #{pull}"),
        vec![sanitize_line(path)],
        key,
        &draft,
        EditorPurpose::ThreadReply {
            pull,
            thread_id: thread_id.to_string(),
        },
    );
    ed.error = error;
    state.open_modal(Modal::Editor(Box::new(ed)));
}

pub fn toggle_resolve(state: &mut AppState) -> Vec<Effect> {
    let Some((pull, thread)) = selected_thread(state) else {
        state.toast(
            "Open a pull request (Enter) and select a review thread",
            true,
        );
        return Vec::new();
    };
    let resolve = !thread.is_resolved;
    let allowed = if resolve {
        thread.viewer_can_resolve
    } else {
        thread.viewer_can_unresolve
    };
    if !allowed {
        state.toast(
            format!(
                "GitHub does not let you {} this thread",
                if resolve { "resolve" } else { "unresolve" }
            ),
            true,
        );
        return Vec::new();
    }
    start(
        state,
        Mutation::ResolveThread {
            pull,
            thread_id: thread.id,
            resolve,
        },
    )
}

/// The pull request the user means: the open detail's, else the selected row's.
fn target_pr(state: &AppState) -> Option<crate::github::models::PullRequest> {
    if let Some(Detail::Pull { data, .. }) = &state.detail {
        return data.data.as_ref().map(|d| d.pr.clone());
    }
    if state.focus != PanelId::Pulls {
        return None;
    }
    super::selection::pull(state).map(|row| row.pr.clone())
}

/// `Space` on a pull request: its head fetched from `refs/pull/N/head` and checked out.
pub fn checkout_pull(state: &mut AppState) -> Vec<Effect> {
    let Some(pr) = target_pr(state) else {
        state.toast("Select a pull request first", true);
        return Vec::new();
    };
    let here = repo_name(state);
    let from = pr.head.repo.as_ref().map(|r| r.full_name.clone());
    let fork_owner = match from {
        Some(full) if full.eq_ignore_ascii_case(&here) => None,
        Some(full) => Some(full.split('/').next().unwrap_or_default().to_string()),
        // The fork was deleted; GitHub still has the head. Its owner was the PR's author.
        None => Some(
            pr.user
                .as_ref()
                .map_or("fork", |u| u.login.as_str())
                .to_string(),
        ),
    };
    git(
        state,
        GitOp::CheckoutPull {
            number: pr.number,
            head_ref: pr.head.ref_name.into_raw(),
            fork_owner,
        },
    )
}

/// An open pull request, or why not (merged or closed ones take no action).
fn open_pr(state: &mut AppState) -> Option<crate::github::models::PullRequest> {
    let Some(pr) = target_pr(state) else {
        state.toast("Select a pull request first", true);
        return None;
    };
    if pr.merged_at.is_some() || pr.state == crate::github::models::IssueState::Closed {
        state.toast(
            format!(
                "#{} is {}",
                pr.number,
                if pr.merged_at.is_some() {
                    "merged"
                } else {
                    "closed"
                }
            ),
            true,
        );
        return None;
    }
    Some(pr)
}

/// `R`: ready for review, or back to draft, after a confirmation.
pub fn toggle_draft(state: &mut AppState) -> Vec<Effect> {
    let Some(pr) = open_pr(state) else {
        return Vec::new();
    };
    if pr.node_id.is_empty() {
        state.toast(
            "GitHub did not give this pull request's id; cannot change its draft state",
            true,
        );
        return Vec::new();
    }
    let n = pr.number;
    let (title, line, warnings) = if pr.draft {
        (
            format!("Ready for review #{n}"),
            format!("Mark #{n} {} ready for review?", pr.title),
            vec!["Requested reviewers are notified.".to_string()],
        )
    } else {
        (
            format!("Back to draft #{n}"),
            format!("Convert #{n} {} back to a draft?", pr.title),
            vec!["It cannot be merged until it is marked ready again.".to_string()],
        )
    };
    state.open_modal(Modal::Confirm(Box::new(Confirm {
        title,
        lines: vec![line],
        warnings,
        on_yes: OnYes::Mutate(Mutation::SetDraft {
            pull: n,
            node_id: pr.node_id,
            draft: !pr.draft,
        }),
    })));
    Vec::new()
}

/// `U`: GitHub merges the base into the head branch, if the head is still what the user saw.
pub fn update_branch(state: &mut AppState) -> Vec<Effect> {
    let Some(pr) = open_pr(state) else {
        return Vec::new();
    };
    let n = pr.number;
    state.open_modal(Modal::Confirm(Box::new(Confirm {
        title: format!("Update the branch of #{n}"),
        lines: vec![
            format!(
                "Merge {} into {} on GitHub?",
                pr.base.ref_name.shown(),
                pr.head.ref_name.shown()
            ),
            "A merge commit lands on the pull request's branch; CI runs again.".into(),
        ],
        warnings: Vec::new(),
        on_yes: OnYes::Mutate(Mutation::UpdateBranch {
            pull: n,
            head_sha: pr.head.sha,
        }),
    })));
    Vec::new()
}

pub fn edit_key(repo: &str, pull: u64) -> String {
    format!("{repo}#{pull}/edit")
}

/// `e`: the title in a form, then the body in an editor (its draft kept).
pub fn edit_pull(state: &mut AppState) -> Vec<Effect> {
    let Some(pr) = open_pr(state) else {
        return Vec::new();
    };
    state.open_modal(Modal::Form(Box::new(Form {
        title: format!("Edit #{}", pr.number),
        intro: vec!["Enter: next, the body (an unsent edit is kept as a draft).".into()],
        fields: vec![Field::text("title", "Title", pr.title.as_ref()).required(true)],
        focus: 0,
        error: None,
        purpose: Purpose::EditPull {
            number: pr.number,
            body: pr.body.unwrap_or_default(),
        },
    })));
    Vec::new()
}

pub fn edit_title_submitted(
    state: &mut AppState,
    number: u64,
    body: &str,
    form: &Form,
) -> Vec<Effect> {
    let title = form.value_str("title").trim().to_string();
    open_body_editor(state, number, title, body, None);
    Vec::new()
}

fn open_body_editor(
    state: &mut AppState,
    pull: u64,
    title: String,
    current: &str,
    error: Option<String>,
) {
    let key = edit_key(&repo_name(state), pull);
    let text = state
        .drafts
        .get(&key)
        .cloned()
        .unwrap_or_else(|| current.to_string());
    let mut ed = Editor::new(
        format!("Edit #{pull}: body"),
        vec![sanitize_line(&title)],
        key,
        &text,
        EditorPurpose::EditPull { pull, title },
    );
    ed.error = error;
    state.open_modal(Modal::Editor(Box::new(ed)));
}

pub fn review(state: &mut AppState) -> Vec<Effect> {
    let Some(pr) = target_pr(state) else {
        state.toast("Select a pull request first", true);
        return Vec::new();
    };
    let (number, title) = (pr.number, pr.title);
    state.open_modal(Modal::Form(Box::new(Form {
        title: format!("Review #{number}"),
        intro: vec![
            title.into_string(),
            "Next: the review's text (optional for an approval).".into(),
        ],
        fields: vec![Field::choice(
            "event",
            "Verdict",
            vec!["comment".into(), "approve".into(), "request changes".into()],
            0,
        )],
        focus: 0,
        error: None,
        purpose: Purpose::Review { number },
    })));
    Vec::new()
}

pub fn open_review_editor(
    state: &mut AppState,
    pull: u64,
    event: ReviewEvent,
    error: Option<String>,
) {
    let key = review_key(&repo_name(state), pull);
    let draft = state.drafts.get(&key).cloned().unwrap_or_default();
    let verdict = match event {
        ReviewEvent::Approve => "approve",
        ReviewEvent::RequestChanges => "request changes",
        ReviewEvent::Comment => "comment",
    };
    let mut ed = Editor::new(
        format!("Review #{pull}: {verdict}"),
        Vec::new(),
        key,
        &draft,
        EditorPurpose::Review { pull, event },
    );
    ed.error = error;
    state.open_modal(Modal::Editor(Box::new(ed)));
}

pub fn merge(state: &mut AppState) -> Vec<Effect> {
    let Some(pr) = target_pr(state) else {
        state.toast("Select a pull request first", true);
        return Vec::new();
    };
    vec![state.prepare(Prepare::Merge { number: pr.number })]
}

/// A send that failed: the editor comes back with the text and the reason.
pub fn reopen_after_failure(state: &mut AppState, m: &Mutation, why: String) {
    match m {
        Mutation::CommentOnIssue { number, .. } => {
            let title = state
                .issues
                .data
                .as_ref()
                .and_then(|v| {
                    v.iter()
                        .find(|i| i.number == *number)
                        .map(|i| i.title.clone())
                })
                .unwrap_or_default();
            open_comment_editor(state, *number, &title, Some(why));
        }
        Mutation::ReplyToThread {
            pull, thread_id, ..
        } => open_reply_editor(state, *pull, thread_id, "", Some(why)),
        Mutation::SubmitReview { pull, event, .. } => {
            open_review_editor(state, *pull, *event, Some(why))
        }
        Mutation::EditPull {
            pull, title, body, ..
        } => open_body_editor(state, *pull, title.clone(), body, Some(why)),
        Mutation::LineComment { pull, comment, .. } => super::diffview::open_line_editor(
            state,
            super::modal::EditorPurpose::LineComment {
                pull: *pull,
                commit_id: comment.commit_id.clone(),
                path: comment.path.clone(),
                line: comment.line,
                side: comment.side,
            },
            Some(why),
        ),
        Mutation::CreateIssue { draft_key, .. } => super::new_issue::reopen(state, draft_key, why),
        _ => {}
    }
}

/// The close form: the reason chosen.
pub fn close_submitted(state: &mut AppState, number: u64, form: &Form) -> Vec<Effect> {
    let reason = if form.value_str("reason") == "not planned" {
        CloseReason::NotPlanned
    } else {
        CloseReason::Completed
    };
    start(state, Mutation::CloseIssue { number, reason })
}

/// The label picker: what was ticked or unticked.
pub fn labels_submitted(
    state: &mut AppState,
    number: u64,
    current: &[Name],
    form: &Form,
) -> Vec<Effect> {
    let mut add = Vec::new();
    let mut remove = Vec::new();
    for f in &form.fields {
        let on = f.value() == serde_json::Value::Bool(true);
        let had = current.iter().any(|c| *c == f.key);
        if on && !had {
            add.push(f.key.clone());
        } else if !on && had {
            remove.push(f.key.clone());
        }
    }
    if add.is_empty() && remove.is_empty() {
        state.toast("Labels unchanged", false);
        return Vec::new();
    }
    start(
        state,
        Mutation::Labels {
            number,
            add,
            remove,
        },
    )
}

/// The new-branch form: a valid name is created and checked out; a bad one keeps the form.
pub fn new_branch_submitted(state: &mut AppState, mut form: Form) -> Vec<Effect> {
    let name = form.value_str("name").trim().to_string();
    if !crate::git::is_valid_branch_name(&name) {
        form.error = Some(format!(
            "{} is not a valid branch name",
            sanitize_line(&name)
        ));
        state.open_modal(Modal::Form(Box::new(form)));
        return Vec::new();
    }
    let start_point = form.value_str("start").trim().to_string();
    git(
        state,
        GitOp::CreateBranch {
            name,
            start: start_point,
        },
    )
}

pub fn new_pull_submitted(
    state: &mut AppState,
    head: String,
    issue: Option<u64>,
    form: &Form,
) -> Vec<Effect> {
    let title = form.value_str("title").trim().to_string();
    let new = crate::github::pulls::NewPull {
        title,
        body: keyword_on_its_own_line(&form.value_str("body"), issue),
        head,
        base: form.value_str("base").trim().to_string(),
        draft: form.values().get("draft") == Some(&serde_json::Value::Bool(true)),
    };
    start(state, Mutation::CreatePull { new, issue })
}

/// The review's verdict was chosen: now its text.
pub fn review_submitted(state: &mut AppState, number: u64, form: &Form) -> Vec<Effect> {
    let event = match form.value_str("event").as_str() {
        "approve" => ReviewEvent::Approve,
        "request changes" => ReviewEvent::RequestChanges,
        _ => ReviewEvent::Comment,
    };
    open_review_editor(state, number, event, None);
    Vec::new()
}

/// The merge form: method and branch deletion chosen; the confirmation says all of it.
pub fn merge_submitted(state: &mut AppState, checked: MergeChecked, form: &Form) -> Vec<Effect> {
    let MergeChecked {
        number,
        head_sha,
        head_ref,
        summary,
        warnings,
    } = checked;
    let method = match form.value_str("method").as_str() {
        "squash" => crate::github::pulls::MergeMethod::Squash,
        "rebase" => crate::github::pulls::MergeMethod::Rebase,
        _ => crate::github::pulls::MergeMethod::Merge,
    };
    let delete = form.values().get("delete_branch") == Some(&serde_json::Value::Bool(true));
    let mut lines = vec![format!(
        "Merge #{number} with {} into its base?",
        method.as_str()
    )];
    lines.extend(summary);
    if delete {
        lines.push(format!(
            "Then delete the branch {} on GitHub.",
            head_ref.shown()
        ));
    }
    state.open_modal(Modal::Confirm(Box::new(Confirm {
        title: format!("Merge #{number}"),
        lines,
        warnings,
        on_yes: OnYes::Mutate(Mutation::Merge {
            pull: number,
            method,
            head_sha,
            delete_branch: delete.then_some(head_ref),
        }),
    })));
    Vec::new()
}

#[cfg(test)]
mod tests {
    use super::keyword_on_its_own_line as fix;

    #[test]
    fn the_closing_keyword_keeps_a_line_of_its_own() {
        let n = Some(47);
        assert_eq!(fix("Why.\n\nCloses #47", n), "Why.\n\nCloses #47");
        assert_eq!(
            fix("\n\nCloses #47Falls back to cwd", n),
            "\n\nCloses #47\nFalls back to cwd"
        );
        assert_eq!(fix("See Closes #47 too", n), "See\nCloses #47\ntoo");
        assert_eq!(fix("Closes #470", n), "Closes #470");
        assert_eq!(fix("Closes #47x", None), "Closes #47x");
    }
}
