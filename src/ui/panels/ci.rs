use super::{list_block, loaded_rows, Rows};
use crate::app::state::{AppState, PanelId};
use crate::github::models::{RunStatus, WorkflowRun};
use crate::text::{age, duration};
use crate::ui::widgets::table::Cell;
use crate::ui::widgets::{icons, table::col};
use crate::ui::Theme;
use chrono::{DateTime, Utc};
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::Frame;

/// Elapsed for a running run, total for a finished one.
pub fn run_duration(run: &WorkflowRun, now: DateTime<Utc>) -> String {
    if run.waits_for_approval() {
        return "—".into();
    }
    let start = run.run_started_at.unwrap_or(run.created_at);
    let end = match run.status {
        RunStatus::Completed => run.updated_at.unwrap_or(now),
        RunStatus::Queued | RunStatus::Waiting | RunStatus::Pending | RunStatus::Requested => {
            return "—".into()
        }
        _ => now,
    };
    duration((end - start).num_seconds())
}

pub fn render(frame: &mut Frame, area: Rect, state: &AppState, focused: bool, theme: &Theme) {
    let detached = state
        .ci_commit
        .as_deref()
        .map(|sha| format!("detached at {}", crate::words::short_sha(sha)));
    let branch = state.ci_branch.clone().unwrap_or_default();
    let subtitle = super::scoped(state, detached.as_deref().unwrap_or(&branch));
    let b = list_block(state, PanelId::Ci, &subtitle, &state.runs, focused, theme);
    let empty = if state.ctx.repo.is_none() {
        state
            .ctx
            .repo_problem
            .clone()
            .unwrap_or_else(|| "No GitHub repository.".into())
    } else if super::watched(state) {
        "No workflow runs in the watched repositories.".into()
    } else if let Some(d) = &detached {
        format!("No workflow runs for the commit checked out (HEAD is {d}).")
    } else {
        format!("No workflow runs for {branch} yet. Push it to start CI.")
    };
    if state.ctx.repo.is_none() && !super::watched(state) {
        super::message(frame, area, b, &empty, true, theme);
        return;
    }
    let Some(runs) = loaded_rows(frame, area, b.clone(), &state.runs, &empty, theme) else {
        return;
    };
    let now = state.now;
    let many = super::watched(state);
    let mut cols = vec![
        col("", Constraint::Length(1), 0),
        col("Workflow", Constraint::Max(16), 3),
        col("Title", Constraint::Fill(1), 0).min(12),
        col("Event", Constraint::Length(19), 4),
        col("Run", Constraint::Length(7), 2),
        col("Took", Constraint::Length(9), 0),
        col("Age", Constraint::Length(3), 1),
    ];
    if many {
        cols.insert(1, col("Repository", Constraint::Max(24), 0).min(10));
    }
    let table = Rows {
        id: PanelId::Ci,
        block: b,
        cols,
        focused,
        data: runs,
    };
    table.render(frame, area, state, theme, |r| {
        let (icon, style) = icons::run(&r.status, r.conclusion.as_ref(), theme);
        let title = r.display_title.as_deref().unwrap_or("");
        let mut cells = vec![
            Cell::from(Span::styled(icon, style)),
            Cell::from(r.name.as_deref().unwrap_or("workflow")),
            title_cell(r, title, theme),
            Cell::from(Span::styled(&r.event, theme.dim())),
            Cell::from(Span::styled(format!("#{}", r.run_number), theme.number())),
            Cell::from(run_duration(r, now)),
            Cell::from(Span::styled(age(now, r.created_at), theme.dim())),
        ];
        if many {
            let repo = r.repo().map(|r| r.full_name()).unwrap_or_default();
            cells.insert(1, Cell::from(Span::styled(repo, theme.dim())));
        }
        cells
    });
}

/// A fork's run that waits for approval says so, and which key approves, before its title.
fn title_cell<'a>(run: &WorkflowRun, title: &'a str, theme: &Theme) -> Cell<'a> {
    if !run.waits_for_approval() {
        return Cell::from(title);
    }
    let badge = |text: &'static str| {
        Line::from(vec![Span::styled(text, theme.waiting()), Span::raw(title)])
    };
    Cell::new(badge("waits for approval — a approves · ")).or(badge("waits for approval (a) · "))
}
