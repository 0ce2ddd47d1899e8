//! Where the user's "go" lands, routed by purpose in one place: a submitted form, a sent
//! editor, a confirmation's yes. The modules that build the forms (`work`, `deploys`) say what
//! each purpose's next step is; changes on GitHub and local git work start here.

use super::deploys;
use super::effect::{Effect, GitOp};
use super::modal::{Editor, EditorPurpose, Form, OnYes, Purpose};
use super::mutation::Mutation;
use super::state::AppState;
use super::work;

/// A submitted form becomes its next step: a check, a confirmation, another form or a change.
pub fn form(state: &mut AppState, form: Form) -> Vec<Effect> {
    // No catch-all: a new purpose does not compile until it is routed.
    match form.purpose.clone() {
        Purpose::CloseIssue { number } => work::close_submitted(state, number, &form),
        Purpose::Labels { number, current } => {
            work::labels_submitted(state, number, &current, &form)
        }
        Purpose::NewBranch => work::new_branch_submitted(state, form),
        Purpose::NewPull { head, issue } => work::new_pull_submitted(state, head, issue, &form),
        Purpose::Review { number } => work::review_submitted(state, number, &form),
        Purpose::Merge(checked) => work::merge_submitted(state, checked, &form),
        Purpose::ReviewDeployment(waiting) => deploys::review_submitted(state, waiting, &form),
        Purpose::Deploy {
            environment,
            workflow,
        } => deploys::deploy_submitted(state, environment, workflow, &form),
        Purpose::Dispatch {
            workflow,
            workflow_name,
        } => deploys::dispatch_submitted(state, workflow, workflow_name, &form),
        Purpose::EditPull { number, body } => {
            work::edit_title_submitted(state, number, &body, &form)
        }
        Purpose::NewIssue { draft_key } => super::new_issue::submitted(state, form, draft_key),
    }
}

/// Editor sent: its text becomes a mutation (the draft stays until it succeeds).
pub fn editor(state: &mut AppState, ed: Editor) -> Vec<Effect> {
    let body = ed.body();
    let m = match ed.purpose {
        EditorPurpose::IssueComment { number } => Mutation::CommentOnIssue {
            number,
            body,
            draft_key: ed.draft_key,
        },
        EditorPurpose::ThreadReply { pull, thread_id } => Mutation::ReplyToThread {
            pull,
            thread_id,
            body,
            draft_key: ed.draft_key,
        },
        EditorPurpose::Review { pull, event } => Mutation::SubmitReview {
            pull,
            event,
            body,
            draft_key: ed.draft_key,
        },
        EditorPurpose::EditPull { pull, title } => Mutation::EditPull {
            pull,
            title,
            body,
            draft_key: ed.draft_key,
        },
        EditorPurpose::LineComment {
            pull,
            commit_id,
            path,
            line,
            side,
        } => Mutation::LineComment {
            pull,
            comment: crate::github::diff::LineComment {
                commit_id,
                path,
                line,
                side,
                body,
            },
            draft_key: ed.draft_key,
        },
    };
    start(state, m)
}

/// A confirmation's yes.
pub fn confirmed(state: &mut AppState, on_yes: OnYes) -> Vec<Effect> {
    match on_yes {
        OnYes::Mutate(mutation) => start(state, mutation),
        OnYes::Git(op) => git(state, op),
        OnYes::Command(run) => vec![Effect::RunCommand(run)],
    }
}

/// A change on GitHub starts; the status bar shows it until it reports back.
pub fn start(state: &mut AppState, mutation: Mutation) -> Vec<Effect> {
    let id = state.next_id;
    state.next_id += 1;
    state.in_flight.push((id, mutation.describe()));
    vec![Effect::Mutate {
        id,
        repo: state.acting_repo.clone(),
        mutation,
    }]
}

/// Whether local git work can start now (there is a clone, and nothing else runs in it).
pub fn git_ready(state: &mut AppState) -> bool {
    if !state.ctx.has_local_repo {
        state.toast(
            "Not inside a git repository: no local branches to work with",
            true,
        );
        return false;
    }
    if let Some((_, what)) = &state.git_busy {
        let what = what.clone();
        state.toast(format!("Busy: {what} — wait for it to finish"), true);
        return false;
    }
    true
}

/// Local git work starts, one at a time; the status bar shows its progress.
pub fn git(state: &mut AppState, op: GitOp) -> Vec<Effect> {
    git_in(state, op, None)
}

/// [`git`] in the clone at `dir` (a watched repository's), or the current one (`None`).
pub fn git_in(state: &mut AppState, op: GitOp, dir: Option<std::path::PathBuf>) -> Vec<Effect> {
    if dir.is_none() && !git_ready(state) {
        return Vec::new();
    }
    if let Some((_, what)) = &state.git_busy {
        let what = what.clone();
        state.toast(format!("Busy: {what} — wait for it to finish"), true);
        return Vec::new();
    }
    let id = state.next_id;
    state.next_id += 1;
    state.git_busy = Some((id, format!("{}…", op.describe())));
    vec![Effect::Git { id, op, dir }]
}
