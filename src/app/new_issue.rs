//! `n` in the Issues panel: a new issue in the acting repository — title, body, labels and
//! assignees in one form. What is typed is a draft from the first key (saved like the
//! editors' drafts), so Esc, a quit or a failed send never loses it: `n` opens it again.

use super::effect::{Effect, Prepare};
use super::modal::{Field, Form, Modal, Purpose};
use super::mutation::Mutation;
use super::state::{AppState, PanelId};
use crate::github::issues_write::NewIssue;
use crate::github::Slug;
use crate::text::{sanitize_line, Name};
use chrono::{DateTime, Utc};
use serde_json::Value;

const LABEL: &str = "label:";
const ASSIGNEE: &str = "assignee:";

/// The draft of a new issue in `repo` (one at a time per repository).
pub fn draft_key(repo: &str) -> String {
    format!("{repo}/new-issue")
}

/// A saved draft. Text that is not a saved form (edited by hand) is kept as the body.
pub fn decode(text: &str) -> NewIssue {
    serde_json::from_str(text).unwrap_or_else(|_| NewIssue {
        body: text.to_string(),
        ..NewIssue::default()
    })
}

fn is_blank(d: &NewIssue) -> bool {
    d.title.trim().is_empty()
        && d.body.trim().is_empty()
        && d.labels.is_empty()
        && d.assignees.is_empty()
}

/// What the form holds now.
pub fn from_form(form: &Form) -> NewIssue {
    let ticked = |prefix: &str| -> Vec<String> {
        form.fields
            .iter()
            .filter(|f| f.value() == Value::Bool(true))
            .filter_map(|f| f.key.strip_prefix(prefix).map(str::to_string))
            .collect()
    };
    NewIssue {
        title: form.value_str("title").trim().to_string(),
        body: form.value_str("body"),
        labels: ticked(LABEL),
        assignees: ticked(ASSIGNEE),
    }
}

/// `n`: the form, prepared with the repository's labels and assignable users, filled from the
/// draft of last time.
pub fn start(state: &mut AppState) -> Vec<Effect> {
    let Some(repo) = state.acting_repo.clone() else {
        state.toast("No GitHub repository: pass --repo OWNER/NAME", true);
        return Vec::new();
    };
    let key = draft_key(&repo.full_name());
    if state.sent_issue_forms.iter().any(|(k, _)| *k == key) {
        state.toast(
            format!(
                "A new issue in {} is being opened: wait for it",
                repo.full_name()
            ),
            true,
        );
        return Vec::new();
    }
    let draft = state
        .drafts
        .get(&key)
        .map(|t| decode(t))
        .unwrap_or_default();
    vec![state.prepare(Prepare::NewIssue { draft })]
}

/// The form for `repo`. Labels and users that could not be read leave a note, and what the
/// draft had chosen stays offered (and chosen) whatever the repository lists.
pub fn form(
    repo: &Slug,
    draft: NewIssue,
    labels: Result<Vec<Name>, String>,
    users: Result<Vec<Name>, String>,
) -> Form {
    let mut intro = vec![format!(
        "In {}. Tab: next field · Space ticks a label or an assignee · Ctrl-S opens the issue · Esc keeps the draft.",
        repo.full_name()
    )];
    let mut options = |what: &str, got: Result<Vec<Name>, String>, chosen: &[String]| {
        let mut all = got.unwrap_or_else(|e| {
            intro.push(format!(
                "The {what} could not be read ({}); what the draft had is kept.",
                sanitize_line(&e)
            ));
            Vec::new()
        });
        for c in chosen {
            if !all.iter().any(|n| n == c) {
                all.push(Name::from(c));
            }
        }
        all
    };
    let label_names = options("labels", labels, &draft.labels);
    let logins = options("assignable users", users, &draft.assignees);
    let mut fields = vec![
        Field::text("title", "Title", &draft.title).required(true),
        Field::multiline("body", "Body", &draft.body, "markdown: what and why"),
    ];
    fields.extend(label_names.iter().map(|l| {
        Field::toggle(
            &format!("{LABEL}{}", l.raw()),
            &format!("label {}", l.shown()),
            draft.labels.iter().any(|d| l == d),
        )
    }));
    fields.extend(logins.iter().map(|u| {
        Field::toggle(
            &format!("{ASSIGNEE}{}", u.raw()),
            &format!("assign @{}", u.shown()),
            draft.assignees.iter().any(|d| u == d),
        )
    }));
    Form {
        title: format!("New issue in {}", repo.full_name()),
        intro,
        fields,
        focus: 0,
        error: None,
        purpose: Purpose::NewIssue {
            draft_key: draft_key(&repo.full_name()),
        },
    }
}

/// The open new-issue form changed: its draft is saved (an empty one deleted).
pub fn keep_draft(state: &mut AppState) -> Vec<Effect> {
    let Some(Modal::Form(f)) = &state.modal else {
        return Vec::new();
    };
    let Purpose::NewIssue { draft_key } = &f.purpose else {
        return Vec::new();
    };
    save(state, draft_key.clone(), &from_form(f))
}

fn save(state: &mut AppState, key: String, draft: &NewIssue) -> Vec<Effect> {
    if is_blank(draft) {
        return match state.drafts.remove(&key) {
            Some(_) => vec![Effect::DeleteDraft { key }],
            None => Vec::new(),
        };
    }
    let text = serde_json::to_string(draft).unwrap_or_default();
    if state.drafts.get(&key) == Some(&text) {
        return Vec::new();
    }
    state.drafts.insert(key.clone(), text.clone());
    vec![Effect::SaveDraft { key, text }]
}

/// Whether closing `form` leaves a draft behind (the user is told so).
pub fn leaves_draft(form: &Form) -> bool {
    matches!(form.purpose, Purpose::NewIssue { .. }) && !is_blank(&from_form(form))
}

/// The form was submitted (its title is there: the form checked). The form is kept until
/// GitHub answers, to come back with the reason if it refuses.
pub fn submitted(state: &mut AppState, form: Form, draft_key: String) -> Vec<Effect> {
    let new = from_form(&form);
    let mut fx = save(state, draft_key.clone(), &new);
    state
        .sent_issue_forms
        .retain(|(k, _)| *k != draft_key.as_str());
    state
        .sent_issue_forms
        .push((draft_key.clone(), Box::new(form)));
    fx.extend(super::submit::start(
        state,
        Mutation::CreateIssue { new, draft_key },
    ));
    fx
}

/// Opening failed: the form comes back as it was sent, with the reason.
pub fn reopen(state: &mut AppState, draft_key: &str, why: String) {
    let Some(at) = state
        .sent_issue_forms
        .iter()
        .position(|(k, _)| k == draft_key)
    else {
        return;
    };
    let (_, mut form) = state.sent_issue_forms.remove(at);
    form.error = Some(why);
    state.open_modal(Modal::Form(form));
}

/// An issue cockpit opened, to select once the Issues list shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct Created {
    pub repo: Slug,
    pub number: u64,
    /// When the list was last updated before; two answers since without the issue (one may
    /// have been under way already) mean the list does not show it (it is not assigned to
    /// the user): nothing to select then.
    seen: Option<DateTime<Utc>>,
    answers_left: u8,
}

/// GitHub opened it: the form and its draft go, the issues list is refreshed and the new
/// issue selected when it shows.
pub fn opened(state: &mut AppState, repo: Option<Slug>, draft_key: &str, number: Option<u64>) {
    state.sent_issue_forms.retain(|(k, _)| k != draft_key);
    state.select_issue = repo.zip(number).map(|(repo, number)| Created {
        repo,
        number,
        seen: state.issues.updated,
        answers_left: 2,
    });
}

/// After each update: the opened issue is selected as soon as the list has it.
pub fn select_created(state: &mut AppState) {
    let Some(c) = state.select_issue.as_mut() else {
        return;
    };
    if state.issues.updated == c.seen {
        return;
    }
    c.seen = state.issues.updated;
    c.answers_left = c.answers_left.saturating_sub(1);
    let (repo, number, left) = (c.repo.clone(), c.number, c.answers_left);
    let here = state.ctx.repo.clone();
    let at = state.issues.data.as_ref().and_then(|v| {
        v.iter().position(|i| {
            i.number == number && i.repo().or_else(|| here.clone()).as_ref() == Some(&repo)
        })
    });
    if let Some(at) = at {
        super::selection::select_row(state, PanelId::Issues, at);
        state.select_issue = None;
    } else if left == 0 {
        state.select_issue = None;
    }
}
