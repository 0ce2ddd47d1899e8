//! The update side of a job's log: opening it, following the job while it runs (its steps and
//! annotations live; GitHub serves no log text before the job completes), the whole log the
//! moment the job completes, and the log viewer's keys.

use super::effect::{Effect, Resource, ResourceKind};
use super::keymap::Action;
use super::resource;
use super::state::{AppState, Detail, LogPhase, LogSession};
use crate::github::models::{Conclusion, Job, RunStatus};
use crate::github::ApiError;
use crate::logs::{LogViewState, SearchMode};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Enter on a job in a run's detail: its log.
pub fn open(state: &mut AppState) -> Vec<Effect> {
    let Some(Detail::Run {
        repo,
        run_id,
        data,
        cursor,
        annotations,
    }) = &state.detail
    else {
        return Vec::new();
    };
    let Some(job) = data
        .data
        .as_ref()
        .and_then(|(_, jobs)| jobs.get(cursor.selected))
        .cloned()
    else {
        return Vec::new();
    };
    let (repo, run_id) = (repo.clone(), *run_id);
    let annotations = annotations
        .iter()
        .find(|(id, _)| *id == job.id)
        .map(|(_, a)| a.clone())
        .unwrap_or_default();
    let phase = if job.status == RunStatus::Completed {
        LogPhase::Fetching
    } else {
        LogPhase::Running
    };
    let mut view = LogViewState::new();
    // Search threads start as effects, like every other piece of background work.
    view.defer_search();
    view.set_follow(job.status != RunStatus::Completed);
    state.detail = Some(Detail::Log(Box::new(LogSession {
        repo: repo.clone(),
        run_id,
        job_id: job.id,
        job_name: job.name.to_string(),
        view,
        phase,
        job: Some(job.clone()),
        log_requested: false,
        search_input: None,
        annotations,
    })));
    let mut fx = vec![
        Effect::Stop(ResourceKind::Jobs),
        Effect::Poll(Resource::JobStatus(resource::JobStatus {
            repo,
            job_id: job.id,
        })),
    ];
    fx.extend(wanted_logs(state, &job));
    fx
}

/// Esc from the log: back to the run's jobs and steps.
pub fn close(state: &mut AppState) -> Vec<Effect> {
    let run = state.log().map(|l| (l.repo.clone(), l.run_id));
    match run {
        Some((repo, run_id)) => {
            state.detail = Some(Detail::run(repo.clone(), run_id));
            vec![
                Effect::Stop(ResourceKind::JobStatus),
                Effect::Poll(Resource::Jobs(resource::Jobs { repo, run_id })),
            ]
        }
        None => {
            state.detail = None;
            vec![Effect::Stop(ResourceKind::JobStatus)]
        }
    }
}

/// The whole log, once, the moment the Jobs API says the job completed (GitHub has nothing
/// to serve before: no live log, no step logs).
fn wanted_logs(state: &mut AppState, job: &Job) -> Vec<Effect> {
    let Some(log) = state.log_mut().filter(|l| l.job_id == job.id) else {
        return Vec::new();
    };
    if job.status != RunStatus::Completed || log.log_requested {
        return Vec::new();
    }
    log.phase = LogPhase::Fetching;
    log.log_requested = true;
    vec![Effect::FetchLog {
        repo: log.repo.clone(),
        job_id: job.id,
    }]
}

pub fn job_status(
    state: &mut AppState,
    job: Job,
    annotations: Option<Vec<crate::github::logs::Annotation>>,
) -> Vec<Effect> {
    let fx = wanted_logs(state, &job);
    if let Some(log) = state.log_mut().filter(|l| l.job_id == job.id) {
        log.job = Some(job);
        if let Some(a) = annotations {
            log.annotations = a;
        }
    }
    fx
}

/// The search thread the open log wants started, as an effect.
fn search_jobs(state: &mut AppState) -> Vec<Effect> {
    search_job(state.log_mut().map(|l| &mut l.view))
}

/// The search thread `view` (the open log's or the pager's) wants started, as an effect.
pub fn search_job(view: Option<&mut LogViewState>) -> Vec<Effect> {
    view.and_then(LogViewState::take_search_job)
        .map(Effect::SearchLog)
        .into_iter()
        .collect()
}

/// A search thread has results, for the open log or the pager: take them in (a search over a
/// growing log may go on).
pub fn search_news(state: &mut AppState) -> Vec<Effect> {
    let news = |view: Option<&mut LogViewState>| {
        view.map(|v| {
            v.poll_search();
            search_job(Some(v))
        })
        .unwrap_or_default()
    };
    let mut fx = news(state.log_mut().map(|l| &mut l.view));
    fx.extend(news(state.pager.as_mut().map(|p| &mut p.view)));
    fx
}

pub fn chunk(state: &mut AppState, job_id: u64, bytes: Result<Vec<u8>, ApiError>) -> Vec<Effect> {
    let Some(log) = state.log_mut().filter(|l| l.job_id == job_id) else {
        return Vec::new();
    };
    match bytes {
        Ok(b) => {
            log.view.replace(b);
            if let Some(job) = &log.job {
                log.view.set_steps(&crate::github::logs::step_infos(job));
                // A failed job's log opens where it failed, not at line 1.
                if job.conclusion.as_ref().is_some_and(Conclusion::is_failure) {
                    log.view.set_follow(false);
                    log.view.to_first_error();
                }
            }
            log.phase = LogPhase::Complete;
        }
        Err(e) => log.phase = LogPhase::Failed(e.to_string().into()),
    }
    // A search typed while the log was loading goes on over the lines that arrived.
    search_jobs(state)
}

/// Keys while a log is open. Returns `None` for keys the log does not use, which then go
/// through the keymap (quit, help, panel numbers).
pub fn key(state: &mut AppState, k: KeyEvent) -> Option<Vec<Effect>> {
    let log = state.log_mut()?;
    let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
    if let Some((query, regex)) = log.search_input.as_mut() {
        match k.code {
            KeyCode::Esc => log.search_input = None,
            KeyCode::Enter => {
                let (query, regex) = (query.clone(), *regex);
                log.search_input = None;
                let mode = if regex {
                    SearchMode::Regex
                } else {
                    SearchMode::Plain
                };
                if let Err(e) = log.view.set_search(&query, mode) {
                    state.toast(format!("Search: {e}"), true);
                }
                return Some(search_jobs(state));
            }
            KeyCode::Backspace => {
                query.pop();
            }
            KeyCode::Char('r') if ctrl => *regex = !*regex,
            KeyCode::Char(c) if !ctrl => query.push(c),
            _ => {}
        }
        return Some(Vec::new());
    }
    match k.code {
        KeyCode::Esc => Some(close(state)),
        _ => None,
    }
}

/// The keymap's actions while a log is open: the list moves become log moves, and the log's
/// own actions act on it. `None`: not a log action (help, quit, panels…).
pub fn action(state: &mut AppState, a: Action) -> Option<Vec<Effect>> {
    let log = state.log_mut()?;
    let view = &mut log.view;
    match a {
        Action::Down => view.scroll(1),
        Action::Up => view.scroll(-1),
        Action::PageDown => view.page(1),
        Action::PageUp => view.page(-1),
        Action::Top => view.to_top(),
        Action::Bottom => view.to_bottom(),
        Action::Open => view.toggle_fold(),
        Action::Back => return Some(close(state)),
        Action::LogLeft => view.scroll_horizontal(-8),
        Action::LogRight => view.scroll_horizontal(8),
        Action::LogFoldAll => view.fold_all(),
        Action::LogUnfoldAll => view.unfold_all(),
        Action::LogTimestamps => view.toggle_timestamps(),
        Action::LogFollow => view.toggle_follow(),
        Action::LogNext => {
            view.jump_next();
        }
        Action::LogPrev => {
            view.jump_prev();
        }
        Action::LogNextProblem => {
            view.next_problem();
        }
        Action::LogPrevProblem => {
            view.prev_problem();
        }
        Action::LogSearch | Action::Filter => log.search_input = Some((String::new(), false)),
        Action::LogSelect => view.toggle_selection(),
        Action::LogCopy => {
            let text = view.copy_text();
            let lines = text.lines().count();
            view.clear_selection();
            state.toast(
                format!("Copied {}", crate::words::count(lines as u64, "line")),
                false,
            );
            return Some(vec![Effect::Copy { text }]);
        }
        Action::LogSave => {
            let name = crate::logs::export::default_file_name(log.job_id);
            return Some(vec![Effect::SaveLog {
                path: std::path::PathBuf::from(name),
            }]);
        }
        _ => return None,
    }
    Some(Vec::new())
}

/// Mouse wheel over a log.
pub fn wheel(state: &mut AppState, delta: isize) -> bool {
    match state.log_mut() {
        Some(log) => {
            log.view.scroll(delta);
            true
        }
        None => false,
    }
}
