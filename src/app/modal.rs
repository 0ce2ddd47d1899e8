//! Modal layers over the dashboard: forms (text, multi-line, choice, yes/no fields) and
//! confirmations. Key handling here is pure; what a submitted form leads to is decided by
//! `update` from the form's `Purpose`.

use super::mutation::Mutation;
use crate::text::Name;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui_textarea::TextArea;
use serde_json::{Map, Value};

#[derive(Debug, Clone)]
pub enum FieldKind {
    Text(TextArea<'static>),
    Multiline(TextArea<'static>),
    Choice {
        options: Vec<String>,
        selected: usize,
    },
    Toggle(bool),
}

#[derive(Debug, Clone)]
pub struct Field {
    /// Key of the value (an input name for a dispatch).
    pub key: String,
    pub label: String,
    pub help: Option<String>,
    pub required: bool,
    pub kind: FieldKind,
}

/// Where the cursor starts in a text field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Start {
    /// At the top: what the user writes comes before generated text (a PR body's `Closes #N`).
    Top,
    /// After the text: a draft is continued where it was left.
    End,
}

fn text_area(initial: &str, placeholder: &str, start: Start, wrap: bool) -> TextArea<'static> {
    let lines: Vec<String> = if initial.is_empty() {
        vec![String::new()]
    } else {
        initial.lines().map(str::to_string).collect()
    };
    let mut t = TextArea::new(lines);
    t.set_placeholder_text(placeholder.to_string());
    if wrap {
        // Long lines wrap at words (or anywhere in a word longer than the field) instead of
        // scrolling sideways and hiding their beginning.
        t.set_wrap_mode(ratatui_textarea::WrapMode::WordOrGlyph);
    }
    if start == Start::End {
        t.move_cursor(ratatui_textarea::CursorMove::Bottom);
        t.move_cursor(ratatui_textarea::CursorMove::End);
    }
    t
}

impl Field {
    pub fn text(key: &str, label: &str, initial: &str) -> Field {
        Field {
            key: key.into(),
            label: label.into(),
            help: None,
            required: false,
            kind: FieldKind::Text(text_area(initial, "", Start::End, false)),
        }
    }

    pub fn multiline(key: &str, label: &str, initial: &str, placeholder: &str) -> Field {
        Field {
            key: key.into(),
            label: label.into(),
            help: None,
            required: false,
            kind: FieldKind::Multiline(text_area(initial, placeholder, Start::Top, true)),
        }
    }

    pub fn choice(key: &str, label: &str, options: Vec<String>, selected: usize) -> Field {
        let selected = selected.min(options.len().saturating_sub(1));
        Field {
            key: key.into(),
            label: label.into(),
            help: None,
            required: false,
            kind: FieldKind::Choice { options, selected },
        }
    }

    pub fn toggle(key: &str, label: &str, on: bool) -> Field {
        Field {
            key: key.into(),
            label: label.into(),
            help: None,
            required: false,
            kind: FieldKind::Toggle(on),
        }
    }

    pub fn required(mut self, yes: bool) -> Field {
        self.required = yes;
        self
    }

    pub fn help(mut self, text: Option<String>) -> Field {
        self.help = text;
        self
    }

    pub fn value(&self) -> Value {
        match &self.kind {
            FieldKind::Text(t) | FieldKind::Multiline(t) => Value::String(t.lines().join("\n")),
            FieldKind::Choice { options, selected } => {
                Value::String(options.get(*selected).cloned().unwrap_or_default())
            }
            FieldKind::Toggle(b) => Value::Bool(*b),
        }
    }

    fn is_blank(&self) -> bool {
        matches!(self.value(), Value::String(ref s) if s.trim().is_empty())
    }

    fn is_multiline(&self) -> bool {
        matches!(self.kind, FieldKind::Multiline(_))
    }
}

/// What a form is for; `update` turns a submitted form into the next step.
#[derive(Debug, Clone, PartialEq)]
pub enum Purpose {
    ReviewDeployment(WaitingDeploy),
    Deploy {
        environment: Name,
        workflow: Name,
    },
    Dispatch {
        workflow: String,
        workflow_name: String,
    },
    CloseIssue {
        number: u64,
    },
    Labels {
        number: u64,
        current: Vec<Name>,
    },
    NewBranch,
    NewPull {
        head: String,
        issue: Option<u64>,
    },
    Merge(MergeChecked),
    Review {
        number: u64,
    },
    /// A pull request's title (its body comes next, in an editor); `body` is the current one.
    EditPull {
        number: u64,
        body: String,
    },
    /// A new issue; its content is kept under `draft_key` as it is typed.
    NewIssue {
        draft_key: String,
    },
}

impl Purpose {
    /// Forms where Enter moves to the next field: submitting is Ctrl-S only, so an Enter after
    /// the title does not open an issue without its body.
    fn enter_moves_on(&self) -> bool {
        matches!(self, Purpose::NewIssue { .. })
    }
}

/// A run waiting for my approval to deploy, as the approval form shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct WaitingDeploy {
    pub approve: bool,
    pub run_id: u64,
    pub run_number: u64,
    pub environment_id: u64,
    pub environment: Name,
    /// What the run deploys, as shown: `main@9092ce7`.
    pub git_ref: String,
}

/// A pull request checked for merging: what the merge form and its confirmation say.
#[derive(Debug, Clone, PartialEq)]
pub struct MergeChecked {
    pub number: u64,
    pub head_sha: String,
    pub head_ref: Name,
    pub summary: Vec<String>,
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Form {
    pub title: String,
    pub intro: Vec<String>,
    pub fields: Vec<Field>,
    pub focus: usize,
    pub error: Option<String>,
    pub purpose: Purpose,
}

impl Form {
    pub fn values(&self) -> Map<String, Value> {
        self.fields
            .iter()
            .map(|f| (f.key.clone(), f.value()))
            .collect()
    }

    pub fn value_str(&self, key: &str) -> String {
        match self.fields.iter().find(|f| f.key == key).map(Field::value) {
            Some(Value::String(s)) => s,
            Some(other) => other.to_string(),
            None => String::new(),
        }
    }

    fn validate(&self) -> Result<(), String> {
        match self.fields.iter().find(|f| f.required && f.is_blank()) {
            Some(f) => Err(format!("{} is required", f.label)),
            None => Ok(()),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Confirm {
    pub title: String,
    pub lines: Vec<String>,
    /// Warnings shown above the question (unmerged ref, red CI, production).
    pub warnings: Vec<String>,
    pub on_yes: OnYes,
}

/// What a confirmation does when the user says yes: a change on GitHub, or local git work.
#[derive(Debug, Clone, PartialEq)]
pub enum OnYes {
    Mutate(Mutation),
    Git(super::effect::GitOp),
    /// One of the user's commands (`confirm = true`).
    Command(super::commands::CommandRun),
}

#[derive(Debug, Clone)]
pub enum Modal {
    Form(Box<Form>),
    Confirm(Box<Confirm>),
    Editor(Box<Editor>),
}

/// What an editor's text is for; sending it becomes this mutation.
#[derive(Debug, Clone, PartialEq)]
pub enum EditorPurpose {
    IssueComment {
        number: u64,
    },
    ThreadReply {
        pull: u64,
        thread_id: String,
    },
    Review {
        pull: u64,
        event: crate::github::pulls::ReviewEvent,
    },
    /// A pull request's body, after its title was chosen.
    EditPull {
        pull: u64,
        title: String,
    },
    /// A new review comment on one line of the diff.
    LineComment {
        pull: u64,
        commit_id: String,
        path: String,
        line: u32,
        side: crate::github::diff::Side,
    },
}

/// A multi-line editor for comments, replies and reviews. Its text is saved as a draft under
/// `draft_key` as it is typed; Esc closes it and keeps the draft.
#[derive(Debug, Clone)]
pub struct Editor {
    pub title: String,
    pub context: Vec<String>,
    pub draft_key: String,
    pub text: TextArea<'static>,
    pub error: Option<String>,
    pub purpose: EditorPurpose,
}

impl Editor {
    pub fn new(
        title: String,
        context: Vec<String>,
        draft_key: String,
        draft: &str,
        purpose: EditorPurpose,
    ) -> Editor {
        Editor {
            title,
            context,
            draft_key,
            text: text_area(
                draft,
                "Write here · Ctrl-S sends · Esc closes (the draft is kept)",
                Start::End,
                true,
            ),
            error: None,
            purpose,
        }
    }

    pub fn body(&self) -> String {
        self.text.lines().join("\n")
    }
}

#[derive(Debug, PartialEq)]
pub enum EditorOutcome {
    /// The text changed: save the draft.
    Changed,
    Unchanged,
    Close,
    Send,
}

/// Ctrl-S sends (refused while empty), Esc closes, everything else edits.
pub fn editor_key(ed: &mut Editor, ev: KeyEvent) -> EditorOutcome {
    let ctrl = ev.modifiers.contains(KeyModifiers::CONTROL);
    match ev.code {
        KeyCode::Esc => EditorOutcome::Close,
        KeyCode::Char('s') if ctrl => {
            if ed.body().trim().is_empty() {
                ed.error = Some("Nothing to send yet".into());
                EditorOutcome::Unchanged
            } else {
                EditorOutcome::Send
            }
        }
        _ => {
            ed.error = None;
            if ed.text.input(ev) {
                EditorOutcome::Changed
            } else {
                EditorOutcome::Unchanged
            }
        }
    }
}

/// What a paste puts into a text: the terminal's line ends (`\r`, `\r\n`) as newlines, tabs
/// kept, every other control character dropped (a paste is the user's, but a copied log line
/// can carry escapes that have no place in a comment).
pub fn pasted_text(raw: &str) -> String {
    raw.replace("\r\n", "\n")
        .replace('\r', "\n")
        .chars()
        .filter(|c| *c == '\n' || *c == '\t' || !c.is_control())
        .collect()
}

/// A paste into the editor: one edit. False when nothing changed.
pub fn editor_paste(ed: &mut Editor, text: &str) -> bool {
    ed.error = None;
    ed.text.insert_str(text)
}

/// A paste into the focused field of a form; a one-line field gets it on one line.
pub fn form_paste(form: &mut Form, text: &str) {
    let Some(field) = form.fields.get_mut(form.focus) else {
        return;
    };
    match &mut field.kind {
        FieldKind::Text(t) => {
            t.insert_str(text.replace('\n', " "));
        }
        FieldKind::Multiline(t) => {
            t.insert_str(text);
        }
        FieldKind::Choice { .. } | FieldKind::Toggle(_) => return,
    }
    form.error = None;
}

#[derive(Debug, PartialEq)]
pub enum Outcome {
    Continue,
    Cancel,
    Submit,
}

/// Keys in a form: Tab/Shift-Tab move between fields, Ctrl-S submits from anywhere, Enter
/// submits from a one-line field (a newline in a multi-line one), Space or ←/→ change a
/// choice or a toggle, Esc cancels.
pub fn form_key(form: &mut Form, ev: KeyEvent) -> Outcome {
    let ctrl = ev.modifiers.contains(KeyModifiers::CONTROL);
    match ev.code {
        KeyCode::Esc => return Outcome::Cancel,
        KeyCode::Char('s') if ctrl => return submit(form),
        KeyCode::Tab => {
            form.focus = (form.focus + 1) % form.fields.len().max(1);
            return Outcome::Continue;
        }
        KeyCode::BackTab => {
            let n = form.fields.len().max(1);
            form.focus = (form.focus + n - 1) % n;
            return Outcome::Continue;
        }
        _ => {}
    }
    let Some(field) = form.fields.get_mut(form.focus) else {
        return Outcome::Continue;
    };
    if ev.code == KeyCode::Enter && !field.is_multiline() {
        if form.purpose.enter_moves_on() {
            form.focus = (form.focus + 1) % form.fields.len().max(1);
            return Outcome::Continue;
        }
        return submit(form);
    }
    match &mut field.kind {
        FieldKind::Text(t) | FieldKind::Multiline(t) => {
            t.input(ev);
        }
        FieldKind::Choice { options, selected } => match ev.code {
            KeyCode::Right
            | KeyCode::Char(' ')
            | KeyCode::Char('l')
            | KeyCode::Down
            | KeyCode::Char('j') => {
                *selected = (*selected + 1) % options.len().max(1);
            }
            KeyCode::Left | KeyCode::Char('h') | KeyCode::Up | KeyCode::Char('k') => {
                let n = options.len().max(1);
                *selected = (*selected + n - 1) % n;
            }
            _ => {}
        },
        FieldKind::Toggle(b) => {
            if matches!(
                ev.code,
                KeyCode::Char(' ')
                    | KeyCode::Left
                    | KeyCode::Right
                    | KeyCode::Char('y')
                    | KeyCode::Char('n')
            ) {
                *b = match ev.code {
                    KeyCode::Char('y') => true,
                    KeyCode::Char('n') => false,
                    _ => !*b,
                };
            }
        }
    }
    form.error = None;
    Outcome::Continue
}

fn submit(form: &mut Form) -> Outcome {
    match form.validate() {
        Ok(()) => Outcome::Submit,
        Err(e) => {
            form.error = Some(e);
            Outcome::Continue
        }
    }
}

/// `y` or Enter confirms; `n` or Esc cancels.
pub fn confirm_key(ev: KeyEvent) -> Outcome {
    match ev.code {
        KeyCode::Char('y') | KeyCode::Char('Y') | KeyCode::Enter => Outcome::Submit,
        KeyCode::Char('n') | KeyCode::Char('N') | KeyCode::Esc | KeyCode::Char('q') => {
            Outcome::Cancel
        }
        _ => Outcome::Continue,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(c: KeyCode) -> KeyEvent {
        KeyEvent::new(c, KeyModifiers::NONE)
    }

    fn form() -> Form {
        Form {
            title: "t".into(),
            intro: vec![],
            fields: vec![
                Field::multiline("comment", "Comment", "", "why").required(true),
                Field::choice("level", "Level", vec!["info".into(), "debug".into()], 0),
                Field::toggle("dry", "Dry run", false),
            ],
            focus: 0,
            error: None,
            purpose: Purpose::Dispatch {
                workflow: "ci.yml".into(),
                workflow_name: "CI".into(),
            },
        }
    }

    #[test]
    fn typing_tabbing_and_required_fields() {
        let mut f = form();
        assert_eq!(
            form_key(
                &mut f,
                KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL)
            ),
            Outcome::Continue
        );
        assert_eq!(f.error.as_deref(), Some("Comment is required"));
        for c in "ship it".chars() {
            form_key(&mut f, key(KeyCode::Char(c)));
        }
        form_key(&mut f, key(KeyCode::Enter));
        form_key(&mut f, key(KeyCode::Char('!')));
        assert_eq!(f.value_str("comment"), "ship it\n!");
        form_key(&mut f, key(KeyCode::Tab));
        form_key(&mut f, key(KeyCode::Right));
        form_key(&mut f, key(KeyCode::Tab));
        form_key(&mut f, key(KeyCode::Char(' ')));
        let v = f.values();
        assert_eq!(v["level"], Value::String("debug".into()));
        assert_eq!(v["dry"], Value::Bool(true));
        assert_eq!(form_key(&mut f, key(KeyCode::Enter)), Outcome::Submit);
        assert_eq!(form_key(&mut f, key(KeyCode::Esc)), Outcome::Cancel);
    }
}
