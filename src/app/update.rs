//! The one place state changes. Pure: no I/O, no clock reads, no spawning.

use super::deploys;
use super::effect::{Effect, Resource, ResourceKind};
use super::keymap::{Action, Keymap, Resolution};
use super::layout;
use super::modal::{self, EditorOutcome, Modal, Outcome};
use super::msg::Msg;
use super::resource;
use super::selection;
use super::state::{AppState, Cursor, Detail, Loaded, PanelId};
use super::work;
use crate::github::models::Conclusion;
use crate::github::partial::{summary, Part, Partial};
use crate::github::{ApiError, Fetched};
use crate::text::Name;
use chrono::{DateTime, Utc};
use ratatui::crossterm::event::{Event, KeyCode, KeyEventKind, MouseButton, MouseEventKind};

/// The pollers to start when the dashboard opens.
pub fn init(state: &mut AppState) -> Vec<Effect> {
    let mut fx = Vec::new();
    if state.ctx.has_local_repo {
        fx.push(Effect::Poll(Resource::Branches(resource::Branches)));
    } else {
        let why = state
            .ctx
            .repo_problem
            .as_deref()
            .unwrap_or("Not inside a git repository: local branches are not shown.");
        state.branches.error = Some(why.into());
    }
    if state.ctx.repo.is_some() {
        fx.push(Effect::Poll(Resource::Repo(resource::Repo)));
        fx.extend(super::watch::panel_pollers(state));
    }
    fx.extend(super::watch::queue_poller(state));
    if state.ctx.has_token {
        fx.push(Effect::Poll(Resource::User(resource::User)));
        fx.push(super::inbox::poll());
    } else {
        let why = ApiError::NoToken.to_string();
        state.user_error = Some(why.clone());
        state.issues.error = Some(why.as_str().into());
        state.pulls.error = Some(why.into());
    }
    if state.ctx.repo.is_none() {
        // Nothing will ever load these: each says what is missing instead of "loading…".
        let why = no_repo(state);
        state.pulls.error = Some(why.as_str().into());
        state.runs.error = Some(why.as_str().into());
        state.envs.error = Some(why.into());
        if state.ctx.has_token {
            state.issues.error = Some(super::sections::no_scope(state).into());
            state.pulls.error = Some(super::sections::no_scope(state).into());
        }
    }
    fx
}

/// Why the GitHub panels have no repository, and what to do.
fn no_repo(state: &AppState) -> String {
    state
        .ctx
        .repo_problem
        .clone()
        .unwrap_or_else(|| "No GitHub repository: pass --repo OWNER/NAME.".into())
}

pub fn update(state: &mut AppState, keymap: &Keymap, msg: Msg) -> Vec<Effect> {
    // New data keeps each list's selected row selected, wherever the row moved to.
    let held = selection::hold(state);
    let mut fx = step(state, keymap, msg);
    super::new_issue::select_created(state);
    selection::restore(state, held);
    // What the change brought on screen may need a look where it is live.
    fx.extend(super::live::wanted(state));
    fx
}

fn step(state: &mut AppState, keymap: &Keymap, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::Input(Event::Key(k)) if k.kind != KeyEventKind::Release => {
            state.warnings_dismissed = true;
            if state.modal.is_some() {
                return modal_key(state, k);
            }
            if state.palette.is_some() {
                return super::palette::key(state, keymap, k);
            }
            if state.pager.is_some() {
                return super::pager::key(state, k);
            }
            if state.inbox.open && !state.help {
                return super::inbox::key(state, keymap, k);
            }
            if !state.help {
                if let Some(fx) = super::filter::key(state, k) {
                    return fx;
                }
                if let Some(fx) = super::logview::key(state, k) {
                    return fx;
                }
            }
            if state.help {
                return super::help::key(state, keymap, k);
            }
            if state.queue.open {
                return super::watch::key(state, keymap, k);
            }
            // Esc abandons a half-typed sequence rather than going back.
            if k.code == KeyCode::Esc && !state.pending_keys.is_empty() {
                state.pending_keys.clear();
                return Vec::new();
            }
            match keymap.resolve(&mut state.pending_keys, &k, state.focus) {
                Resolution::Action(a) => run_action(state, keymap, a),
                Resolution::Pending | Resolution::Unbound => Vec::new(),
            }
        }
        Msg::Input(Event::Paste(text)) => paste(state, &text),
        Msg::Input(Event::Mouse(m)) => {
            let delta = match m.kind {
                MouseEventKind::ScrollDown => 3,
                MouseEventKind::ScrollUp => -3,
                _ => 0,
            };
            if state.help && (delta == 0 || super::help::wheel(state, delta)) {
                return Vec::new();
            }
            mouse(state, m.kind, m.column, m.row)
        }
        Msg::Input(Event::Resize(w, h)) => {
            state.size = (w, h);
            Vec::new()
        }
        Msg::Input(_) => Vec::new(),
        Msg::Tick(now) => {
            state.now = now;
            Vec::new()
        }
        Msg::Failed(why) => {
            state.last_error = Some((state.now, why));
            Vec::new()
        }
        // Asked for before the modal or request the user made since: that one stays.
        Msg::Prepared { generation, .. } if generation != state.modal_generation => Vec::new(),
        Msg::Prepared {
            repo,
            result: Ok(modal),
            ..
        } => {
            state.toast = None;
            state.acting_repo = repo;
            state.modal = Some(modal);
            Vec::new()
        }
        Msg::Prepared {
            result: Err(why), ..
        } => {
            state.toast(why, true);
            Vec::new()
        }
        Msg::Mutated {
            id,
            repo,
            mutation,
            result,
        } => {
            state.in_flight.retain(|(i, _)| *i != id);
            let repo = repo.or_else(|| state.ctx.repo.clone());
            match result {
                Ok(done) => {
                    state.toast(format!("✓ {}", done.message), false);
                    super::inbox::changed(state, &mutation);
                    let mut fx = vec![Effect::Refresh(mutation.refreshes())];
                    if let super::mutation::Mutation::ReviewDeployment {
                        approve: true,
                        run_id,
                        run_number,
                        environment,
                        ..
                    } = &mutation
                    {
                        let what = format!("deploy to {} (run #{run_number})", environment.shown());
                        fx.extend(repo.clone().map_or_else(Vec::new, |repo| {
                            deploys::follow(
                                state,
                                repo,
                                *run_id,
                                what,
                                Some(environment.clone()),
                                None,
                            )
                        }));
                    }
                    if let (Some(run_id), Some(repo)) = (done.started_run, repo.clone()) {
                        let environment = match &mutation {
                            super::mutation::Mutation::Dispatch { environment, .. } => {
                                environment.clone()
                            }
                            _ => None,
                        };
                        fx.extend(deploys::follow(
                            state,
                            repo,
                            run_id,
                            mutation.describe(),
                            environment,
                            mutation.pinned_target(),
                        ));
                    }
                    if let Some(key) = mutation.draft_key() {
                        state.drafts.remove(key);
                        fx.push(Effect::DeleteDraft {
                            key: key.to_string(),
                        });
                    }
                    if let (Some(sha), super::mutation::Mutation::Merge { pull, .. }, Some(repo)) =
                        (&done.merged_sha, &mutation, repo.clone())
                    {
                        let what = format!("the merge of #{pull}");
                        fx.extend(super::follow::await_runs(state, repo, sha.clone(), what));
                    }
                    if let Some(n) = done.created_pull {
                        // Show the new pull request: the Pulls panel selects it when it arrives.
                        state.select_pull = Some(n);
                        let fx2 = focus_panel(state, PanelId::Pulls);
                        fx.extend(fx2);
                    }
                    if let super::mutation::Mutation::CreateIssue { draft_key, .. } = &mutation {
                        super::new_issue::opened(state, repo, draft_key, done.created_issue);
                    }
                    fx
                }
                Err(e) => {
                    let why = format!("Could not {}: {e}", mutation.describe());
                    if mutation.draft_key().is_some() {
                        // The text is still in the draft; the editor comes back with the reason,
                        // sending again where the failed one went.
                        state.acting_repo = repo;
                        work::reopen_after_failure(state, &mutation, why.clone());
                    }
                    state.toast(why, true);
                    Vec::new()
                }
            }
        }
        Msg::LogChunk { job_id, bytes } => super::logview::chunk(state, job_id, bytes),
        Msg::LogSearch => super::logview::search_news(state),
        Msg::Done(Ok(message)) => {
            state.toast(message, false);
            Vec::new()
        }
        Msg::Done(Err(why)) => {
            state.toast(why, true);
            Vec::new()
        }
        Msg::GitProgress { id, text } => {
            if let Some((busy, progress)) = &mut state.git_busy {
                if *busy == id {
                    *progress = text;
                }
            }
            Vec::new()
        }
        Msg::GitDone { id, op, result } => {
            if state.git_busy.as_ref().is_some_and(|(b, _)| *b == id) {
                state.git_busy = None;
            }
            let mut fx = vec![Effect::Refresh(vec![ResourceKind::Branches])];
            match result {
                Ok(done) => {
                    state.toast(format!("✓ {}", done.message), false);
                    if let Some(out) = done.pushed {
                        fx.push(Effect::Refresh(vec![
                            ResourceKind::Runs,
                            ResourceKind::Pulls,
                        ]));
                        pushed_branch(state, &out);
                        let what = format!("your push of {}", out.branch);
                        if let Some(repo) = state.ctx.repo.clone() {
                            fx.extend(super::follow::await_runs(state, repo, out.sha, what));
                        }
                    }
                }
                Err(why) => {
                    let mut text = format!("Could not {}: {why}", op.describe());
                    // The demo's clone lives in a temporary directory the user cannot guess.
                    if let (true, true, Some(dir)) = (
                        state.ctx.demo,
                        why.contains("commit or stash them"),
                        state.ctx.workdir.as_ref(),
                    ) {
                        text.push_str(&format!(
                            ". In the demo: git -C {} stash",
                            crate::text::sanitize_line(&dir.display().to_string())
                        ));
                    }
                    state.toast(text, true)
                }
            }
            fx
        }
        Msg::CommandDone {
            name,
            output,
            result,
        } => {
            super::commands::finished(state, &name, output, result);
            Vec::new()
        }
        Msg::Data {
            at,
            answer,
            rate,
            search_rate,
        } => {
            if rate.is_some() {
                state.rate = rate;
            }
            if search_rate.is_some() {
                state.search_rate = search_rate;
            }
            state.now = state.now.max(at);
            answer.apply(state, at)
        }
        Msg::Live { repo, answer } => {
            state.live.apply(repo, answer, state.now);
            Vec::new()
        }
    }
}

/// A bracketed paste is one edit wherever text is typed: one change, one draft write, one
/// frame. Elsewhere a paste means nothing (it is not a string of commands).
fn paste(state: &mut AppState, text: &str) -> Vec<Effect> {
    let text = modal::pasted_text(text);
    if state.palette.is_some() && state.modal.is_none() {
        super::palette::paste(state, &text);
        return Vec::new();
    }
    if state.help && state.help_view.typing {
        state.help_view.filter.push_str(&text.replace('\n', " "));
        return Vec::new();
    }
    if super::filter::paste(state, &text) {
        return Vec::new();
    }
    if let Some(log) = state.log_mut() {
        if let Some((query, _)) = log.search_input.as_mut() {
            query.push_str(&text.replace('\n', " "));
            return Vec::new();
        }
    }
    match state.modal.as_mut() {
        Some(Modal::Editor(ed)) => {
            if !modal::editor_paste(ed, &text) {
                return Vec::new();
            }
            let (key, text) = (ed.draft_key.clone(), ed.body());
            state.drafts.insert(key.clone(), text.clone());
            vec![Effect::SaveDraft { key, text }]
        }
        Some(Modal::Form(form)) => {
            modal::form_paste(form, &text);
            Vec::new()
        }
        _ => Vec::new(),
    }
}

fn modal_key(state: &mut AppState, k: ratatui::crossterm::event::KeyEvent) -> Vec<Effect> {
    let Some(m) = state.modal.as_mut() else {
        return Vec::new();
    };
    match m {
        Modal::Form(form) => match modal::form_key(form, k) {
            Outcome::Continue => super::new_issue::keep_draft(state),
            Outcome::Cancel => {
                let kept = super::new_issue::leaves_draft(form);
                state.modal = None;
                if kept {
                    state.toast("Draft kept: the same key opens it again", false);
                }
                Vec::new()
            }
            Outcome::Submit => {
                let form = (**form).clone();
                state.modal = None;
                super::submit::form(state, form)
            }
        },
        Modal::Editor(ed) => match modal::editor_key(ed, k) {
            EditorOutcome::Unchanged => Vec::new(),
            EditorOutcome::Changed => {
                let (key, text) = (ed.draft_key.clone(), ed.body());
                state.drafts.insert(key.clone(), text.clone());
                vec![Effect::SaveDraft { key, text }]
            }
            EditorOutcome::Close => {
                let kept = !ed.body().trim().is_empty();
                state.modal = None;
                if kept {
                    state.toast("Draft kept: the same key opens it again", false);
                }
                Vec::new()
            }
            EditorOutcome::Send => {
                let ed = (**ed).clone();
                state.modal = None;
                if state.ctx.readonly {
                    state.toast(
                        "Read-only mode (--readonly): nothing is sent; the draft is kept",
                        true,
                    );
                    return Vec::new();
                }
                super::submit::editor(state, ed)
            }
        },
        Modal::Confirm(c) => match modal::confirm_key(k) {
            Outcome::Continue => Vec::new(),
            Outcome::Cancel => {
                state.modal = None;
                Vec::new()
            }
            Outcome::Submit => {
                let on_yes = c.on_yes.clone();
                state.modal = None;
                // A command marked dangerous never got this far under --readonly.
                if state.ctx.readonly && !matches!(on_yes, modal::OnYes::Command(_)) {
                    state.toast("Read-only mode (--readonly): nothing is changed", true);
                    return Vec::new();
                }
                super::submit::confirmed(state, on_yes)
            }
        },
    }
}

fn quit(state: &mut AppState) -> Vec<Effect> {
    state.should_quit = true;
    vec![Effect::Quit]
}

/// Stores a fetch result. Returns the error text when it failed, after keeping the last good
/// data and marking it stale.
///
/// An answer made of 304s (`changed: false`) is stored all the same: a 304 says the body is
/// the one the client's cache holds for that URL, not the one this slot shows. Another poller
/// may have fetched the URL first (the Deploys panel and the approval queue both read the
/// waiting runs and their pending deployments), or an earlier answer filled the cache and was
/// then dropped; keeping the slot's data would show the older state until something else
/// changed.
pub(super) fn store<T>(
    slot: &mut Loaded<T>,
    result: Result<Fetched<T>, ApiError>,
    at: DateTime<Utc>,
) -> Option<String> {
    slot.loading = false;
    match result {
        Ok(f) => {
            slot.data = Some(f.data);
            slot.updated = Some(at);
            slot.error = None;
            None
        }
        Err(e) => {
            let why = e.to_string();
            slot.error = Some(why.as_str().into());
            Some(why)
        }
    }
}

/// Stores rows that may have gaps. The error to show is what is still missing, else why the
/// fetch failed.
pub(super) fn store_rows<T: Partial>(
    slot: &mut Loaded<Vec<T>>,
    result: Result<Fetched<Vec<T>>, ApiError>,
    at: DateTime<Utc>,
) -> Option<String> {
    let why = store(slot, result, at);
    slot.data.as_deref().and_then(summary).or(why)
}

pub(super) fn note_error(state: &mut AppState, at: DateTime<Utc>, what: &str, why: Option<String>) {
    if let Some(why) = why {
        state.last_error = Some((at, format!("{what}: {why}")));
    }
}

/// The CI panel's runs (of its branch, or of the detached HEAD's commit).
pub(super) fn runs_arrived(
    state: &mut AppState,
    r: Result<Fetched<Vec<crate::github::models::WorkflowRun>>, ApiError>,
    at: DateTime<Utc>,
) -> Vec<Effect> {
    let why = store(&mut state.runs, r, at);
    note_error(state, at, "CI", why);
    let len = state.panel_len(PanelId::Ci);
    state.cursor_mut(PanelId::Ci).clamp(len);
    super::follow::select_run(state);
    finished_runs(state)
}

fn page(state: &AppState) -> isize {
    (state.size.1 as isize / 2 - 4).max(1)
}

/// An action, whether its key or the palette asked for it: `--readonly` refuses the ones that
/// change something, and a user's command runs as its entry says.
pub(super) fn run_action(state: &mut AppState, keymap: &Keymap, a: Action) -> Vec<Effect> {
    if a.mutates() && state.ctx.readonly {
        state.toast(
            format!(
                "Read-only mode (--readonly): \"{}\" is disabled",
                a.describe()
            ),
            true,
        );
        return Vec::new();
    }
    if let Action::Command(i) = a {
        return match keymap.commands.get(i) {
            Some(cmd) => super::commands::start(state, cmd),
            None => Vec::new(),
        };
    }
    act(state, a)
}

/// Shows `slug` instead of the current repository: every panel starts over, the runtime
/// rebuilds its services for it (`Effect::SwitchRepo`) and the pollers start again.
pub(super) fn switch_repo(
    state: &mut AppState,
    slug: crate::github::Slug,
    path: Option<std::path::PathBuf>,
) -> Vec<Effect> {
    if state.home_repo.is_none() {
        if let Some(home) = state.ctx.repo.clone() {
            state.home_repo = Some(super::state::WatchedRepo {
                slug: home,
                path: state.ctx.workdir.clone(),
            });
        }
    }
    let name = slug.full_name();
    state.ctx.repo = Some(slug.clone());
    state.ctx.repo_problem = None;
    state.ctx.has_local_repo = path.is_some();
    state.ctx.workdir = path.clone();
    state.issues = Loaded::default();
    state.branches = Loaded::default();
    state.pulls = Loaded::default();
    state.runs = Loaded::default();
    state.envs = Loaded::default();
    state.cursors = Default::default();
    state.detail = None;
    state.zoom = false;
    state.ci_branch = None;
    state.ci_commit = None;
    state.default_branch = None;
    state.select_pull = None;
    state.select_run = None;
    state.select_issue = None;
    state.awaited = None;
    state.active_runs.clear();
    // The other repository's requests and approvals are not news: the first load records them.
    state.seen_review_requests = None;
    state.seen_waiting = None;
    let mut fx = vec![Effect::SwitchRepo { slug, path }];
    fx.extend(init(state));
    // The sections search the new repository: their cached tabs were the old one's.
    fx.extend(super::sections::scope_changed(state));
    state.toast(format!("Showing {name}"), false);
    fx
}

fn act(state: &mut AppState, action: Action) -> Vec<Effect> {
    let focus = state.focus;
    state.acting_repo = selection::acting_repo(state);
    if state.log().is_some() {
        if let Some(fx) = super::logview::action(state, action) {
            return fx;
        }
    }
    if super::watch::refuse_archived(state, action) {
        return Vec::new();
    }
    if let Some(fx) = super::diffview::action(state, action) {
        return fx;
    }
    match action {
        Action::Quit => return quit(state),
        Action::Help => state.help = !state.help,
        Action::FocusNext => return focus_panel(state, focus.next()),
        Action::FocusPrev => return focus_panel(state, focus.prev()),
        Action::Focus(p) => return focus_panel(state, p),
        Action::Down => move_selection(state, 1),
        Action::Up => move_selection(state, -1),
        // In a pull request j/k move between threads; the pages scroll its description.
        Action::PageDown | Action::PageUp if matches!(state.detail, Some(Detail::Pull { .. })) => {
            let delta = if action == Action::PageDown {
                page(state)
            } else {
                -page(state)
            };
            if let Some(Detail::Pull { scroll, .. }) = &mut state.detail {
                scroll.by(delta);
            }
        }
        Action::PageDown => move_selection(state, page(state)),
        Action::PageUp => move_selection(state, -page(state)),
        Action::Top => move_selection(state, isize::MIN / 2),
        Action::Bottom => move_selection(state, isize::MAX / 2),
        Action::Open => return open_detail(state),
        Action::Back => {
            if state.detail.is_some() {
                return close_detail(state);
            }
            if !super::filter::clear_focused(state) {
                state.zoom = false;
            }
        }
        Action::Zoom => state.zoom = !state.zoom,
        Action::Refresh => {
            let mut kinds = vec![
                ResourceKind::Branches,
                ResourceKind::Issues,
                ResourceKind::Pulls,
                ResourceKind::Runs,
                ResourceKind::Environments,
                ResourceKind::Jobs,
                ResourceKind::IssueDetail,
                ResourceKind::Notifications,
                ResourceKind::Approvals,
            ];
            if state.login.is_none() {
                kinds.push(ResourceKind::User);
            }
            return vec![Effect::Refresh(kinds)];
        }
        Action::OpenInBrowser => {
            return match selected_url(state) {
                Some(url) => vec![Effect::OpenUrl(url)],
                None => Vec::new(),
            }
        }
        Action::Approve => return deploys::review(state, true),
        Action::Reject => return deploys::review(state, false),
        Action::Deploy => return deploys::deploy(state),
        Action::Rollback => return deploys::rollback(state),
        Action::RerunFailed => return deploys::rerun(state, true),
        Action::RerunAll => return deploys::rerun(state, false),
        Action::CancelRun => return deploys::cancel(state),
        Action::Dispatch => return deploys::dispatch(state),
        Action::ShowRun => return deploys::show_run(state),
        Action::Comment => return work::comment(state),
        Action::CloseReopen => return work::close_or_reopen(state),
        Action::AssignMe => return work::assign_me(state),
        Action::EditLabels => return work::labels(state),
        Action::BranchFromIssue => return work::branch_from_issue(state),
        Action::Checkout => return work::checkout(state),
        Action::NewBranch => return work::new_branch(state),
        Action::Fetch => return super::submit::git(state, super::effect::GitOp::Fetch),
        Action::DeleteBranch => return work::delete_branch(state),
        Action::Push => return super::submit::git(state, super::effect::GitOp::Push),
        Action::CreatePull => return work::create_pull(state),
        Action::Reply => return work::reply(state),
        Action::ResolveThread => return work::toggle_resolve(state),
        Action::Review => return work::review(state),
        Action::Merge => return work::merge(state),
        Action::ToggleScope => return super::watch::toggle_scope(state),
        Action::ApprovalQueue => return super::watch::toggle_queue(state),
        // Without a log open, the CI list's `/` filters it like every other list.
        Action::Filter | Action::LogSearch => return super::filter::start(state),
        Action::LogNext
        | Action::LogPrev
        | Action::LogNextProblem
        | Action::LogPrevProblem
        | Action::LogFoldAll
        | Action::LogUnfoldAll
        | Action::LogTimestamps
        | Action::LogFollow
        | Action::LogSelect
        | Action::LogCopy
        | Action::LogSave
        | Action::LogLeft
        | Action::LogRight => {
            state.toast(
                "Open a job's log first: Enter on a run, then Enter on a job",
                true,
            );
        }
        Action::Palette => return super::palette::open(state),
        // Run by `run_action`, which knows the commands.
        Action::Command(_) => {}
        Action::CheckoutPull => return work::checkout_pull(state),
        Action::ToggleDraft => return work::toggle_draft(state),
        Action::UpdateBranch => return work::update_branch(state),
        Action::EditPull => return work::edit_pull(state),
        Action::ToggleAllRepos => {
            state.search_all = !state.search_all;
            return super::sections::scope_changed(state);
        }
        Action::SectionPrev => return super::sections::switch(state, -1),
        Action::SectionNext => return super::sections::switch(state, 1),
        Action::Notifications => return super::inbox::toggle(state),
        Action::PullDiff => return super::diffview::open(state),
        Action::DiffNextFile
        | Action::DiffPrevFile
        | Action::DiffNextHunk
        | Action::DiffPrevHunk => {
            state.toast(
                "Open a pull request's diff first: d on a pull request",
                true,
            );
        }
        Action::ApproveRun => return deploys::approve_run(state),
        Action::NewIssue => return super::new_issue::start(state),
    }
    Vec::new()
}

fn focus_panel(state: &mut AppState, p: PanelId) -> Vec<Effect> {
    super::filter::leave(state, state.focus);
    let fx = if state.detail.is_some() {
        close_detail(state)
    } else {
        Vec::new()
    };
    state.focus = p;
    fx
}

fn move_selection(state: &mut AppState, delta: isize) {
    if super::logview::wheel(state, delta) || super::diffview::wheel(state, delta) {
        return;
    }
    match &mut state.detail {
        Some(Detail::Log { .. }) => {}
        Some(Detail::Run { data, cursor, .. }) => {
            let len = data.data.as_ref().map_or(0, |(_, jobs)| jobs.len());
            cursor.move_by(delta, len);
        }
        Some(Detail::Issue { scroll, .. }) => scroll.by(delta),
        // In a pull request, j/k move between review threads.
        Some(Detail::Pull { cursor, data, .. }) => {
            let len = data.data.as_ref().map_or(0, |d| d.threads.len());
            cursor.move_by(delta, len);
        }
        Some(Detail::Environment {
            cursor, name, repo, ..
        }) => {
            let len = state
                .envs
                .data
                .as_ref()
                .and_then(|e| e.iter().find(|r| &r.env.name == name && &r.repo == repo))
                .map_or(0, |r| r.history.len());
            cursor.move_by(delta, len);
        }
        Some(Detail::Branch { .. } | Detail::Diff(_)) => {}
        None => {
            let len = state.panel_len(state.focus);
            state.cursor_mut(state.focus).move_by(delta, len);
        }
    }
}

fn open_detail(state: &mut AppState) -> Vec<Effect> {
    // Enter on a job of an open run: its log.
    if matches!(state.detail, Some(Detail::Run { .. })) {
        return super::logview::open(state);
    }
    // Enter in a pull request: its diff.
    if matches!(state.detail, Some(Detail::Pull { .. })) {
        return super::diffview::open(state);
    }
    if state.detail.is_some() {
        return Vec::new();
    }
    let mut fx = Vec::new();
    // A GitHub detail belongs to its row's repository; without one there is nothing to open.
    let repo = selection::repo(state, state.focus);
    state.detail = match state.focus {
        PanelId::Issues => repo.clone().zip(selection::issue(state)).map(|(repo, i)| {
            fx.push(Effect::Poll(Resource::IssueDetail(resource::IssueDetail {
                repo: repo.clone(),
                number: i.number,
            })));
            Detail::issue(repo, i.number)
        }),
        PanelId::Pulls => repo.clone().zip(selection::pull(state)).map(|(repo, p)| {
            let (detail, effect) = work::open_pull(repo, p.pr.number);
            fx.push(effect);
            detail
        }),
        PanelId::Ci => repo.clone().zip(selection::run(state)).map(|(repo, r)| {
            fx.push(Effect::Poll(Resource::Jobs(resource::Jobs {
                repo: repo.clone(),
                run_id: r.id,
            })));
            Detail::run(repo, r.id)
        }),
        PanelId::Deploys => repo.clone().zip(selection::env(state)).map(|(repo, e)| {
            let names: Vec<&str> = state
                .envs
                .data
                .iter()
                .flatten()
                .map(|e| e.env.name.as_str())
                .collect();
            fx.push(Effect::Poll(Resource::EnvironmentInsights(
                resource::EnvironmentInsights {
                    repo: repo.clone(),
                    environment: e.env.name.clone(),
                    upstream: deploys::upstream_of(&e.env.name, &names),
                    window_days: state.metrics_window_days,
                },
            )));
            Detail::Environment {
                repo,
                name: e.env.name.clone(),
                cursor: Cursor::default(),
                insights: Loaded {
                    loading: true,
                    ..Loaded::default()
                },
            }
        }),
        PanelId::Branches => selection::branch(state).map(|b| Detail::Branch {
            name: b.name.raw().to_owned(),
        }),
    };
    fx
}

/// Closes the open detail, stopping its poller.
pub(super) fn close_detail(state: &mut AppState) -> Vec<Effect> {
    match state.detail.take() {
        Some(Detail::Run { .. }) => vec![Effect::Stop(ResourceKind::Jobs)],
        Some(Detail::Issue { .. }) => vec![Effect::Stop(ResourceKind::IssueDetail)],
        Some(Detail::Environment { .. }) => vec![Effect::Stop(ResourceKind::EnvironmentInsights)],
        Some(Detail::Pull { .. }) => vec![
            Effect::Stop(ResourceKind::PullDetail),
            Effect::Stop(ResourceKind::BranchRules),
        ],
        Some(Detail::Log { .. }) => vec![Effect::Stop(ResourceKind::JobStatus)],
        Some(Detail::Diff(_)) => vec![Effect::Stop(ResourceKind::PullDiff)],
        _ => Vec::new(),
    }
}

/// The web page of the repository of `panel`'s selected row (a watched one's in Deploys).
fn repo_web(state: &AppState, panel: PanelId) -> Option<String> {
    selection::repo(state, panel).map(|r| {
        format!(
            "{}/{}",
            state.ctx.web_base.trim_end_matches('/'),
            r.full_name()
        )
    })
}

fn selected_url(state: &AppState) -> Option<String> {
    url_of(state, state.focus)
}

/// The web page of the selected row of `panel` (of the selected job in an open run).
pub(super) fn url_of(state: &AppState, panel: PanelId) -> Option<String> {
    if let (Some(Detail::Run { data, cursor, .. }), PanelId::Ci) = (&state.detail, panel) {
        let (run, jobs) = data.data.as_ref()?;
        return jobs
            .get(cursor.selected)
            .and_then(|j| j.html_url.clone())
            .or_else(|| Some(run.html_url.clone()))
            .filter(|u| !u.is_empty());
    }
    let url = match panel {
        PanelId::Issues => selection::issue(state)?.html_url.clone(),
        PanelId::Pulls => selection::pull(state)?.pr.html_url.clone(),
        PanelId::Ci => selection::run(state)?.html_url.clone(),
        PanelId::Deploys => {
            let env = &selection::env(state)?.env;
            format!("{}/deployments/{}", repo_web(state, panel)?, env.name.raw())
        }
        PanelId::Branches => {
            let b = selection::branch(state)?;
            format!("{}/tree/{}", repo_web(state, panel)?, b.name.raw())
        }
    };
    // Only web links: a URL from the API is outside data and goes to a program.
    (url.starts_with("https://") || url.starts_with("http://")).then_some(url)
}

fn mouse(state: &mut AppState, kind: MouseEventKind, col: u16, row: u16) -> Vec<Effect> {
    let Some((panel, rect)) = layout::panel_at(state, col, row) else {
        return Vec::new();
    };
    match kind {
        MouseEventKind::Down(MouseButton::Left) => {
            let mut fx = Vec::new();
            if panel != state.focus {
                fx = focus_panel(state, panel);
            }
            if state.detail.is_none() {
                // Rows start below the border and the header line.
                let first_row = rect.y + 2;
                if row >= first_row {
                    let idx = state.cursor(panel).offset.get() + usize::from(row - first_row);
                    if idx < state.panel_len(panel) {
                        state.cursor_mut(panel).selected = idx;
                    }
                }
            }
            fx
        }
        MouseEventKind::ScrollDown | MouseEventKind::ScrollUp => {
            let delta = if kind == MouseEventKind::ScrollDown {
                3
            } else {
                -3
            };
            if state.detail.is_some() {
                move_selection(state, delta);
            } else {
                let len = state.panel_len(panel);
                state.cursor_mut(panel).move_by(delta, len);
            }
            Vec::new()
        }
        _ => Vec::new(),
    }
}

/// Runs of the CI panel that were running and have finished since the last poll: the bell
/// rings once for each, failures included.
fn finished_runs(state: &mut AppState) -> Vec<Effect> {
    let Some(runs) = state.runs.data.as_ref() else {
        return Vec::new();
    };
    let mut fx = Vec::new();
    let mut still_active = Vec::new();
    for r in runs {
        if r.status.is_active() {
            still_active.push(r.id);
        } else if state.active_runs.contains(&r.id)
            && !state.followed.iter().any(|f| f.run_id == r.id)
        {
            let ok = r.conclusion == Some(Conclusion::Success);
            let name = r.name.as_deref().unwrap_or("workflow");
            let verdict = match &r.conclusion {
                Some(Conclusion::Success) => "succeeded",
                Some(Conclusion::Cancelled) => "was cancelled",
                _ => "failed",
            };
            let text = format!("{name} #{} {verdict}", r.run_number);
            state.toast = Some(super::state::Toast {
                at: state.now,
                text: text.as_str().into(),
                error: !ok,
            });
            let event = if ok {
                crate::config::NotifyEvent::CiSucceeded
            } else {
                crate::config::NotifyEvent::CiFailed
            };
            fx.push(Effect::Notify {
                event,
                title: format!("cockpit: CI {verdict}"),
                body: text,
            });
        }
    }
    state.active_runs = still_active;
    fx
}

/// Pull requests that started asking for my review since the last look. The first load only
/// records what is there: a notification is for news.
pub(super) fn new_review_requests(state: &mut AppState) -> Vec<Effect> {
    let Some(rows) = state.pulls.data.as_ref() else {
        return Vec::new();
    };
    let asking: Vec<(u64, String)> = rows
        .iter()
        .filter(|r| r.role == crate::github::dashboard::PullRole::ReviewRequested)
        .map(|r| (r.pr.number, r.pr.title.to_string()))
        .collect();
    let fx = match &state.seen_review_requests {
        Some(seen) => asking
            .iter()
            .filter(|(n, _)| !seen.contains(n))
            .map(|(n, title)| Effect::Notify {
                event: crate::config::NotifyEvent::ReviewRequested,
                title: "cockpit: review requested".into(),
                body: format!("#{n} {title}"),
            })
            .collect(),
        None => Vec::new(),
    };
    state.seen_review_requests = Some(asking.into_iter().map(|(n, _)| n).collect());
    fx
}

/// Deploys that started waiting for my approval since the last look.
pub(super) fn new_waiting_deploys(state: &mut AppState) -> Vec<Effect> {
    let Some(envs) = state.envs.data.as_ref() else {
        return Vec::new();
    };
    // Unread approvals say nothing about what waits: forgetting what was seen would notify
    // again about every waiting run once they can be read.
    if envs.iter().any(|e| e.gaps.has(Part::Approvals)) {
        return Vec::new();
    }
    let waiting: Vec<(u64, String, u64)> = envs
        .iter()
        .flat_map(|e| {
            e.waiting
                .iter()
                .filter(|(_, p)| p.current_user_can_approve)
                .map(|(run, _)| (run.id, e.env.name.shown().to_string(), run.run_number))
        })
        .collect();
    let fx = match &state.seen_waiting {
        Some(seen) => waiting
            .iter()
            .filter(|(id, _, _)| !seen.contains(id))
            .map(|(_, env, number)| Effect::Notify {
                event: crate::config::NotifyEvent::DeployWaiting,
                title: "cockpit: a deploy waits for you".into(),
                body: format!("run #{number} waits for your approval to deploy to {env}"),
            })
            .collect(),
        None => Vec::new(),
    };
    state.seen_waiting = Some(waiting.into_iter().map(|(id, _, _)| id).collect());
    fx
}

/// The branch list says what a push just did before the refreshed list arrives: a `P` right
/// after `p` must not be refused as "not on GitHub yet".
fn pushed_branch(state: &mut AppState, out: &crate::git::PushOutcome) {
    let Some(b) = state
        .branches
        .data
        .as_mut()
        .and_then(|d| d.branches.iter_mut().find(|b| b.name == out.branch))
    else {
        return;
    };
    b.sha = out.sha.clone();
    b.upstream = Some(Name::new(out.upstream.as_str()));
    b.upstream_gone = false;
    b.ahead = 0;
    b.behind = 0;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::state::{Context, Followed};
    use crate::github::models::WorkflowRun;
    use crate::github::Fetched;

    fn run(id: u64, status: &str, conclusion: Option<&str>) -> WorkflowRun {
        serde_json::from_value(serde_json::json!({
            "id": id, "head_sha": "abc", "status": status, "conclusion": conclusion,
            "created_at": "2026-11-22T10:00:00Z", "run_number": 7
        }))
        .expect("run")
    }

    fn followed_data(runs: Vec<WorkflowRun>) -> Msg {
        Msg::answer(
            resource::Answer {
                resource: resource::FollowedRuns {
                    runs: vec![(crate::github::Slug::parse("acme/rocket").expect("slug"), 1)],
                },
                answer: Ok(Fetched {
                    data: runs,
                    changed: true,
                }),
            },
            chrono::Utc::now(),
            None,
        )
    }

    /// A followed run keeps being followed while it runs and is reported once when it ends.
    /// (Asking again for its poller is harmless: see `pollers::tests`.)
    #[test]
    fn a_followed_run_is_reported_once_when_it_ends() {
        let mut s = AppState::new(Context::default(), chrono::Utc::now(), (120, 40));
        s.followed.push(Followed {
            repo: crate::github::Slug::parse("acme/rocket").expect("slug"),
            run_id: 1,
            what: "deploy".into(),
            environment: None,
            target: None,
            run: None,
        });
        let fx = update(
            &mut s,
            &Keymap::default(),
            followed_data(vec![run(1, "in_progress", None)]),
        );
        assert!(
            !fx.iter().any(|e| matches!(e, Effect::Notify { .. })),
            "{fx:?}"
        );
        assert_eq!(s.followed.len(), 1);
        let fx = update(
            &mut s,
            &Keymap::default(),
            followed_data(vec![run(1, "completed", Some("failure"))]),
        );
        assert!(
            fx.iter().any(|e| matches!(e, Effect::Notify { .. })),
            "{fx:?}"
        );
        assert!(
            fx.iter()
                .any(|e| matches!(e, Effect::Stop(ResourceKind::FollowedRuns))),
            "{fx:?}"
        );
        assert!(s.followed.is_empty());
        assert!(s
            .toast
            .as_ref()
            .is_some_and(|t| t.error && t.text.contains("failed")));
    }

    /// The Deploys panel and the approval queue read the same URLs through one ETag cache: when
    /// the queue's poll saw a new waiting run first, the panel's poll is all 304s, and its rows
    /// must still become what those 304s stand for.
    #[test]
    fn an_answer_of_304s_replaces_what_another_poll_made_stale() {
        let mut slot = Loaded {
            data: Some(vec![run(190, "waiting", None)]),
            ..Loaded::default()
        };
        let answer = Fetched {
            data: vec![run(192, "waiting", None), run(190, "waiting", None)],
            changed: false,
        };
        assert_eq!(store(&mut slot, Ok(answer), chrono::Utc::now()), None);
        let ids: Vec<u64> = slot.data.iter().flatten().map(|r| r.id).collect();
        assert_eq!(ids, [192, 190]);
    }
}
