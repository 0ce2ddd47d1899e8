//! The notifications view (`i`): a list over the dashboard with its own cursor. Enter opens
//! the target in its panel (the pull request, the issue, the run of a CI notification) in the
//! target's own repository and marks the thread read; `r` marks read, `d` done, `u`
//! unsubscribes (after a confirmation), `o` opens it in the browser, Esc closes.

use super::effect::{Effect, Resource};
use super::keymap::{Action, Keymap};
use super::modal::{Confirm, Modal, OnYes};
use super::mutation::Mutation;
use super::resource::{self, Found};
use super::state::{AppState, Cursor, Detail, Loaded, PanelId};
use crate::github::notifications::{Target, Thread, ThreadChange};
use crate::github::{ApiError, Slug};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// The view's state; the threads are polled whether it is open or not (the status bar
/// counts the unread ones).
#[derive(Debug, Default)]
pub struct Inbox {
    pub open: bool,
    pub threads: Loaded<Vec<Thread>>,
    pub cursor: Cursor,
    /// The thread whose target is being looked up (Enter).
    pub opening: Option<String>,
    /// Threads unsubscribed from in this session.
    pub unsubscribed: Vec<String>,
}

impl Inbox {
    pub fn unread(&self) -> usize {
        self.threads
            .data
            .iter()
            .flatten()
            .filter(|t| t.unread)
            .count()
    }

    pub fn selected(&self) -> Option<&Thread> {
        self.threads.data.as_ref()?.get(self.cursor.selected)
    }

    pub(crate) fn len(&self) -> usize {
        self.threads.data.as_ref().map_or(0, Vec::len)
    }
}

/// `i`: opens the view, or closes it.
pub fn toggle(state: &mut AppState) -> Vec<Effect> {
    state.inbox.open = !state.inbox.open;
    if state.inbox.open && !state.ctx.has_token {
        state.inbox.threads.error = Some(ApiError::NoToken.to_string().into());
    }
    Vec::new()
}

pub fn key(state: &mut AppState, keymap: &Keymap, k: KeyEvent) -> Vec<Effect> {
    let plain = !k.modifiers.contains(KeyModifiers::CONTROL);
    match k.code {
        KeyCode::Char('r') if plain => return change(state, ThreadChange::Read),
        KeyCode::Char('d') if plain => return change(state, ThreadChange::Done),
        KeyCode::Char('u') if plain => return change(state, ThreadChange::Unsubscribe),
        _ => {}
    }
    let page = (state.size.1 as isize / 2 - 4).max(1);
    let len = state.inbox.len();
    let cursor = &mut state.inbox.cursor;
    match keymap.lookup_global(&k) {
        Some(Action::Down) => cursor.move_by(1, len),
        Some(Action::Up) => cursor.move_by(-1, len),
        Some(Action::PageDown) => cursor.move_by(page, len),
        Some(Action::PageUp) => cursor.move_by(-page, len),
        Some(Action::Top) => cursor.move_by(isize::MIN / 2, len),
        Some(Action::Bottom) => cursor.move_by(isize::MAX / 2, len),
        Some(Action::Open) => return open(state),
        Some(Action::OpenInBrowser) => {
            if let Some(t) = state.inbox.selected() {
                return vec![Effect::OpenUrl(t.web_url())];
            }
        }
        Some(Action::Back | Action::Notifications) => state.inbox.open = false,
        Some(Action::Help) => state.help = true,
        Some(Action::Quit) => {
            state.should_quit = true;
            return vec![Effect::Quit];
        }
        _ => {}
    }
    Vec::new()
}

/// `r`, `d`, `u` on the selected thread; unsubscribing asks first.
fn change(state: &mut AppState, change: ThreadChange) -> Vec<Effect> {
    let verb = match change {
        ThreadChange::Read => "mark read",
        ThreadChange::Done => "mark done",
        ThreadChange::Unsubscribe => "unsubscribe",
    };
    if state.ctx.readonly {
        state.toast(
            format!("Read-only mode (--readonly): \"{verb}\" is disabled"),
            true,
        );
        return Vec::new();
    }
    let Some(t) = state.inbox.selected() else {
        return Vec::new();
    };
    let Some(thread_id) = t.number() else {
        let why = format!("Cannot {verb}: GitHub gave this thread no numeric id");
        state.toast(why, true);
        return Vec::new();
    };
    if change == ThreadChange::Read && !t.unread {
        state.toast("Already read", false);
        return Vec::new();
    }
    let mutation = Mutation::Thread {
        thread_id,
        change,
        title: t.subject.title.to_string(),
    };
    // The confirmation's yes sends it as the acting repository's: a thread has none.
    state.acting_repo = None;
    if change == ThreadChange::Unsubscribe {
        state.open_modal(Modal::Confirm(Box::new(Confirm {
            title: "Unsubscribe".into(),
            lines: vec![
                format!("{} · {}", t.repository.full_name, t.subject.title),
                "No more notifications from this thread (unless you are mentioned again).".into(),
            ],
            warnings: Vec::new(),
            on_yes: OnYes::Mutate(mutation),
        })));
        return Vec::new();
    }
    start(state, mutation)
}

/// A thread change belongs to the account: its effect names no repository.
fn start(state: &mut AppState, mutation: Mutation) -> Vec<Effect> {
    state.acting_repo = None;
    super::submit::start(state, mutation)
}

/// Enter: look the target up first, so one that is gone says so.
fn open(state: &mut AppState) -> Vec<Effect> {
    let Some(t) = state.inbox.selected().cloned() else {
        return Vec::new();
    };
    let Some(repo) = t.repo() else {
        state.toast(
            "This notification names no repository cockpit can read: o opens it in the browser",
            true,
        );
        return Vec::new();
    };
    if t.target() == Target::Elsewhere {
        state.toast(
            format!(
                "cockpit has no view for a {}: o opens it in the browser",
                t.subject.kind.as_str()
            ),
            true,
        );
        return Vec::new();
    }
    state.inbox.opening = Some(t.id.clone());
    vec![Effect::Poll(Resource::NotificationTarget(
        resource::NotificationTarget { repo, thread: t },
    ))]
}

/// The target of `thread` was looked up: open it in its panel and mark the thread read, or
/// say why it cannot be opened (the thread stays, `d` still marks it done).
pub fn target_found(
    state: &mut AppState,
    repo: Slug,
    thread: Thread,
    found: Result<Found, ApiError>,
) -> Vec<Effect> {
    if state.inbox.opening.as_deref() != Some(thread.id.as_str()) {
        return Vec::new();
    }
    state.inbox.opening = None;
    let title = &thread.subject.title;
    let (panel, detail, poll) = match found {
        Ok(Found::Pull(number)) => {
            let (detail, poll) = super::work::open_pull(repo, number);
            (PanelId::Pulls, detail, poll)
        }
        Ok(Found::Issue(number)) => (
            PanelId::Issues,
            Detail::issue(repo.clone(), number),
            Effect::Poll(Resource::IssueDetail(resource::IssueDetail {
                repo,
                number,
            })),
        ),
        Ok(Found::Run(run_id)) => (
            PanelId::Ci,
            Detail::run(repo.clone(), run_id),
            Effect::Poll(Resource::Jobs(resource::Jobs { repo, run_id })),
        ),
        Ok(Found::NoRun) => {
            state.toast(
                format!("No run of “{title}” is listed any more: o opens the repository's Actions"),
                true,
            );
            return Vec::new();
        }
        Err(ApiError::NotFound { .. } | ApiError::Forbidden { .. }) => {
            state.toast(
                format!(
                    "The target of “{title}” is gone: deleted, moved, or no longer visible to \
                     you. d marks the notification done."
                ),
                true,
            );
            return Vec::new();
        }
        Err(e) => {
            state.toast(format!("Could not open “{title}”: {e}"), true);
            return Vec::new();
        }
    };
    let mut fx = super::update::close_detail(state);
    state.inbox.open = false;
    state.focus = panel;
    state.detail = Some(detail);
    fx.push(poll);
    if thread.unread && !state.ctx.readonly {
        if let Some(thread_id) = thread.number() {
            fx.extend(start(
                state,
                Mutation::Thread {
                    thread_id,
                    change: ThreadChange::Read,
                    title: thread.subject.title.to_string(),
                },
            ));
        }
    }
    fx
}

/// A thread change succeeded: show it at once (the next poll agrees).
pub fn changed(state: &mut AppState, mutation: &Mutation) {
    let Mutation::Thread {
        thread_id, change, ..
    } = mutation
    else {
        return;
    };
    let id = thread_id.to_string();
    let inbox = &mut state.inbox;
    let Some(threads) = inbox.threads.data.as_mut() else {
        return;
    };
    match change {
        ThreadChange::Read => threads
            .iter_mut()
            .filter(|t| t.id == id)
            .for_each(|t| t.unread = false),
        ThreadChange::Done => threads.retain(|t| t.id != id),
        ThreadChange::Unsubscribe => inbox.unsubscribed.push(id),
    }
    let len = inbox.len();
    inbox.cursor.clamp(len);
}

/// The poller to start when there is a token.
pub fn poll() -> Effect {
    Effect::Poll(Resource::Notifications(resource::Notifications))
}
