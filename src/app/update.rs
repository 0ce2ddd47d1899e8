//! The one place state changes. Pure: no I/O, no clock reads, no spawning.

use super::effect::{Effect, Resource, ResourceKind};
use super::keymap::{Action, Keymap, Resolution};
use super::msg::{Data, Msg};
use super::state::{AppState, Cursor, Detail, Loaded, PanelId};
use crate::github::{ApiError, Fetched};
use crate::ui::layout;
use chrono::{DateTime, Utc};
use ratatui::crossterm::event::{Event, KeyCode, KeyEventKind, MouseButton, MouseEventKind};

/// The pollers to start when the dashboard opens.
pub fn init(state: &mut AppState) -> Vec<Effect> {
    let mut fx = Vec::new();
    if state.ctx.has_local_repo {
        fx.push(Effect::Poll(Resource::Branches));
    }
    if state.ctx.repo.is_some() {
        fx.push(Effect::Poll(Resource::Repo));
        fx.push(Effect::Poll(Resource::Environments));
        if let Some(branch) = state.ci_branch.clone() {
            fx.push(Effect::Poll(Resource::Runs { branch }));
        }
    }
    if state.ctx.has_token {
        fx.push(Effect::Poll(Resource::User));
    } else {
        let why = ApiError::NoToken.to_string();
        state.user_error = Some(why.clone());
        state.issues.error = Some(why.clone());
        state.pulls.error = Some(why);
    }
    fx
}

pub fn update(state: &mut AppState, keymap: &Keymap, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::Input(Event::Key(k)) if k.kind != KeyEventKind::Release => {
            state.warnings_dismissed = true;
            if state.help {
                // Any key closes help; `q` still quits so the user is never trapped.
                state.help = false;
                state.pending_keys.clear();
                return match keymap.lookup(&k, state.focus) {
                    Some(Action::Quit) => quit(state),
                    _ => Vec::new(),
                };
            }
            // Esc abandons a half-typed sequence rather than going back.
            if k.code == KeyCode::Esc && !state.pending_keys.is_empty() {
                state.pending_keys.clear();
                return Vec::new();
            }
            match keymap.resolve(&mut state.pending_keys, &k, state.focus) {
                Resolution::Action(a) => act(state, a),
                Resolution::Pending | Resolution::Unbound => Vec::new(),
            }
        }
        Msg::Input(Event::Mouse(m)) => mouse(state, m.kind, m.column, m.row),
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
        Msg::Data {
            resource,
            at,
            data,
            rate,
        } => {
            if rate.is_some() {
                state.rate = rate;
            }
            state.now = state.now.max(at);
            apply_data(state, resource, at, data)
        }
    }
}

fn quit(state: &mut AppState) -> Vec<Effect> {
    state.should_quit = true;
    vec![Effect::Quit]
}

/// Stores a fetch result. Returns the error text when it failed, after keeping the last good
/// data and marking it stale.
fn store<T>(
    slot: &mut Loaded<T>,
    result: Result<Fetched<T>, ApiError>,
    at: DateTime<Utc>,
) -> Option<String> {
    slot.loading = false;
    match result {
        Ok(f) => {
            if f.changed || slot.data.is_none() {
                slot.data = Some(f.data);
            }
            slot.updated = Some(at);
            slot.error = None;
            None
        }
        Err(e) => {
            let why = e.to_string();
            slot.error = Some(why.clone());
            Some(why)
        }
    }
}

fn note_error(state: &mut AppState, at: DateTime<Utc>, what: &str, why: Option<String>) {
    if let Some(why) = why {
        state.last_error = Some((at, format!("{what}: {why}")));
    }
}

fn apply_data(
    state: &mut AppState,
    resource: Resource,
    at: DateTime<Utc>,
    data: Data,
) -> Vec<Effect> {
    let mut fx = Vec::new();
    match (resource, data) {
        (_, Data::User(r)) => match r {
            Ok(f) => {
                let login = f.data.login;
                state.user_error = None;
                if state.login.as_deref() != Some(login.as_str()) {
                    state.login = Some(login.clone());
                    if state.ctx.repo.is_some() || state.issues_all_repos {
                        fx.push(Effect::Poll(Resource::Issues {
                            all_repos: state.issues_all_repos,
                            login: login.clone(),
                        }));
                    }
                    if state.ctx.repo.is_some() {
                        fx.push(Effect::Poll(Resource::Pulls { login }));
                    }
                }
            }
            Err(e) => {
                let why = e.to_string();
                state.user_error = Some(why.clone());
                if state.issues.data.is_none() {
                    state.issues.error = Some(why.clone());
                }
                if state.pulls.data.is_none() {
                    state.pulls.error = Some(why.clone());
                }
                state.last_error = Some((at, format!("account: {why}")));
            }
        },
        (_, Data::Repo(r)) => match r {
            Ok(f) => {
                state.default_branch = Some(f.data.default_branch.clone());
                if state.ci_branch.is_none() {
                    state.ci_branch = Some(f.data.default_branch.clone());
                    fx.push(Effect::Poll(Resource::Runs {
                        branch: f.data.default_branch,
                    }));
                }
            }
            Err(e) => note_error(state, at, "repository", Some(e.to_string())),
        },
        (_, Data::Branches(r)) => match r {
            Ok(snap) => {
                let head = snap
                    .branches
                    .iter()
                    .find(|b| b.is_head)
                    .map(|b| b.name.clone());
                state.branches.data = Some(snap);
                state.branches.updated = Some(at);
                state.branches.error = None;
                state.branches.loading = false;
                let len = state.panel_len(PanelId::Branches);
                state.cursor_mut(PanelId::Branches).clamp(len);
                // The CI panel follows the checked-out branch, so a checkout elsewhere shows up.
                if let (Some(head), true) = (head, state.ctx.repo.is_some()) {
                    if state.ci_branch.as_deref() != Some(head.as_str()) {
                        state.ci_branch = Some(head.clone());
                        state.runs = Loaded {
                            loading: true,
                            ..Loaded::default()
                        };
                        fx.push(Effect::Poll(Resource::Runs { branch: head }));
                    }
                }
            }
            Err(why) => {
                state.branches.loading = false;
                state.branches.error = Some(why.clone());
                state.last_error = Some((at, format!("branches: {why}")));
            }
        },
        (Resource::Issues { all_repos, .. }, Data::Issues(r)) => {
            if all_repos != state.issues_all_repos {
                return fx;
            }
            let why = store(&mut state.issues, r, at);
            note_error(state, at, "issues", why);
            let len = state.panel_len(PanelId::Issues);
            state.cursor_mut(PanelId::Issues).clamp(len);
        }
        (_, Data::Pulls(r)) => {
            let why = store(&mut state.pulls, r, at);
            note_error(state, at, "pull requests", why);
            let len = state.panel_len(PanelId::Pulls);
            state.cursor_mut(PanelId::Pulls).clamp(len);
        }
        (Resource::Runs { branch }, Data::Runs(r)) => {
            if state.ci_branch.as_deref() != Some(branch.as_str()) {
                return fx;
            }
            let why = store(&mut state.runs, r, at);
            note_error(state, at, "CI", why);
            let len = state.panel_len(PanelId::Ci);
            state.cursor_mut(PanelId::Ci).clamp(len);
        }
        (Resource::Jobs { run_id }, Data::Jobs(r)) => {
            let mut err = None;
            if let Some(Detail::Run {
                run_id: open,
                data,
                cursor,
            }) = &mut state.detail
            {
                if *open == run_id {
                    err = store(data, r, at);
                    let len = data.data.as_ref().map_or(0, |(_, jobs)| jobs.len());
                    cursor.clamp(len);
                }
            }
            note_error(state, at, "jobs", err);
        }
        (_, Data::Environments(r)) => {
            let why = store(&mut state.envs, r, at);
            note_error(state, at, "deploys", why);
            let len = state.panel_len(PanelId::Deploys);
            state.cursor_mut(PanelId::Deploys).clamp(len);
        }
        (Resource::IssueDetail { number }, Data::IssueDetail(r)) => {
            let mut err = None;
            if let Some(Detail::Issue {
                number: open, data, ..
            }) = &mut state.detail
            {
                if *open == number {
                    err = store(data, r, at);
                }
            }
            note_error(state, at, "issue", err);
        }
        _ => {}
    }
    fx
}

fn page(state: &AppState) -> isize {
    (state.size.1 as isize / 2 - 4).max(1)
}

fn act(state: &mut AppState, action: Action) -> Vec<Effect> {
    let focus = state.focus;
    match action {
        Action::Quit => return quit(state),
        Action::Help => state.help = !state.help,
        Action::FocusNext => return focus_panel(state, focus.next()),
        Action::FocusPrev => return focus_panel(state, focus.prev()),
        Action::Focus(p) => return focus_panel(state, p),
        Action::Down => move_selection(state, 1),
        Action::Up => move_selection(state, -1),
        Action::PageDown => move_selection(state, page(state)),
        Action::PageUp => move_selection(state, -page(state)),
        Action::Top => move_selection(state, isize::MIN / 2),
        Action::Bottom => move_selection(state, isize::MAX / 2),
        Action::Open => return open_detail(state),
        Action::Back => {
            if state.detail.is_some() {
                return close_detail(state);
            }
            state.zoom = false;
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
        Action::ToggleAllRepos => {
            state.issues_all_repos = !state.issues_all_repos;
            state.issues = Loaded {
                loading: true,
                ..Loaded::default()
            };
            state.cursor_mut(PanelId::Issues).selected = 0;
            if let Some(login) = state.login.clone() {
                return vec![Effect::Poll(Resource::Issues {
                    all_repos: state.issues_all_repos,
                    login,
                })];
            }
        }
    }
    Vec::new()
}

fn focus_panel(state: &mut AppState, p: PanelId) -> Vec<Effect> {
    let fx = if state.detail.is_some() {
        close_detail(state)
    } else {
        Vec::new()
    };
    state.focus = p;
    fx
}

fn move_selection(state: &mut AppState, delta: isize) {
    match &mut state.detail {
        Some(Detail::Run { data, cursor, .. }) => {
            let len = data.data.as_ref().map_or(0, |(_, jobs)| jobs.len());
            cursor.move_by(delta, len);
        }
        Some(Detail::Issue { scroll, .. } | Detail::Pull { scroll, .. }) => {
            *scroll = (*scroll as isize + delta).max(0) as usize;
        }
        Some(Detail::Environment { cursor, name }) => {
            let len = state
                .envs
                .data
                .as_ref()
                .and_then(|e| e.iter().find(|r| &r.env.name == name))
                .map_or(0, |r| r.history.len());
            cursor.move_by(delta, len);
        }
        Some(Detail::Branch { .. }) => {}
        None => {
            let len = state.panel_len(state.focus);
            state.cursor_mut(state.focus).move_by(delta, len);
        }
    }
}

fn open_detail(state: &mut AppState) -> Vec<Effect> {
    if state.detail.is_some() {
        return Vec::new();
    }
    let sel = state.cursor(state.focus).selected;
    let mut fx = Vec::new();
    state.detail = match state.focus {
        PanelId::Issues => state
            .issues
            .data
            .as_ref()
            .and_then(|v| v.get(sel))
            .map(|i| {
                fx.push(Effect::Poll(Resource::IssueDetail { number: i.number }));
                Detail::Issue {
                    number: i.number,
                    data: Loaded {
                        loading: true,
                        ..Loaded::default()
                    },
                    scroll: 0,
                }
            }),
        PanelId::Pulls => {
            state
                .pulls
                .data
                .as_ref()
                .and_then(|v| v.get(sel))
                .map(|p| Detail::Pull {
                    number: p.pr.number,
                    scroll: 0,
                })
        }
        PanelId::Ci => state.runs.data.as_ref().and_then(|v| v.get(sel)).map(|r| {
            fx.push(Effect::Poll(Resource::Jobs { run_id: r.id }));
            Detail::Run {
                run_id: r.id,
                data: Loaded {
                    loading: true,
                    ..Loaded::default()
                },
                cursor: Cursor::default(),
            }
        }),
        PanelId::Deploys => {
            state
                .envs
                .data
                .as_ref()
                .and_then(|v| v.get(sel))
                .map(|e| Detail::Environment {
                    name: e.env.name.clone(),
                    cursor: Cursor::default(),
                })
        }
        PanelId::Branches => state
            .branches
            .data
            .as_ref()
            .and_then(|b| b.branches.get(sel))
            .map(|b| Detail::Branch {
                name: b.name.clone(),
            }),
    };
    fx
}

fn close_detail(state: &mut AppState) -> Vec<Effect> {
    match state.detail.take() {
        Some(Detail::Run { .. }) => vec![Effect::Stop(ResourceKind::Jobs)],
        Some(Detail::Issue { .. }) => vec![Effect::Stop(ResourceKind::IssueDetail)],
        _ => Vec::new(),
    }
}

fn repo_web(state: &AppState) -> Option<String> {
    state.ctx.repo.as_ref().map(|r| {
        format!(
            "{}/{}",
            state.ctx.web_base.trim_end_matches('/'),
            r.full_name()
        )
    })
}

fn selected_url(state: &AppState) -> Option<String> {
    let sel = state.cursor(state.focus).selected;
    if let Some(Detail::Run { data, cursor, .. }) = &state.detail {
        let (run, jobs) = data.data.as_ref()?;
        return jobs
            .get(cursor.selected)
            .and_then(|j| j.html_url.clone())
            .or_else(|| Some(run.html_url.clone()))
            .filter(|u| !u.is_empty());
    }
    let url = match state.focus {
        PanelId::Issues => state.issues.data.as_ref()?.get(sel)?.html_url.clone(),
        PanelId::Pulls => state.pulls.data.as_ref()?.get(sel)?.pr.html_url.clone(),
        PanelId::Ci => state.runs.data.as_ref()?.get(sel)?.html_url.clone(),
        PanelId::Deploys => {
            let env = &state.envs.data.as_ref()?.get(sel)?.env;
            format!("{}/deployments/{}", repo_web(state)?, env.name)
        }
        PanelId::Branches => {
            let b = state.branches.data.as_ref()?.branches.get(sel)?;
            format!("{}/tree/{}", repo_web(state)?, b.name)
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
