use super::sections::{self, repo_text, REPO_COLUMN_WIDTH};
use super::{loaded_rows, unread, Rows};
use crate::app::sections::pull_repo as repo_of;
use crate::app::state::{AppState, PanelId};
use crate::github::dashboard::{ChecksRollup, PullRole, ReviewDecision};
use crate::github::partial::Part;
use crate::text::age;
use crate::ui::widgets::table::col;
use crate::ui::widgets::table::Cell;
use crate::ui::Theme;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::Frame;

pub fn checks_spans(c: Option<&ChecksRollup>, theme: &Theme) -> Line<'static> {
    let Some(c) = c else {
        return Line::from(Span::styled("—", theme.dim()));
    };
    if c.total() == 0 {
        return Line::from(Span::styled("none", theme.dim()));
    }
    let mut spans = Vec::new();
    if c.failed > 0 {
        spans.push(Span::styled(format!("✗{} ", c.failed), theme.bad()));
    }
    if c.pending > 0 {
        spans.push(Span::styled(format!("●{} ", c.pending), theme.running()));
    }
    if c.passed > 0 {
        spans.push(Span::styled(format!("✓{}", c.passed), theme.ok()));
    }
    Line::from(spans)
}

pub fn decision_span(d: ReviewDecision, theme: &Theme) -> Span<'static> {
    match d {
        ReviewDecision::Approved => Span::styled("approved", theme.ok()),
        ReviewDecision::ChangesRequested => Span::styled("changes", theme.bad()),
        ReviewDecision::ReviewRequired => Span::styled("review", theme.warn()),
        ReviewDecision::None => Span::styled("—", theme.dim()),
    }
}

pub fn render(frame: &mut Frame, area: Rect, state: &AppState, focused: bool, theme: &Theme) {
    let tabs = &state.pull_tabs;
    let b = sections::block(
        PanelId::Pulls,
        tabs,
        &state.pulls,
        state,
        focused,
        area.width,
        theme,
    );
    let empty = sections::empty_text("pull requests", tabs, state);
    let Some(rows) = loaded_rows(frame, area, b.clone(), &state.pulls, &empty, theme) else {
        return;
    };
    let now = state.now;
    let repo_col = state.pull_tabs.repos;
    let mut cols = vec![
        col("#", Constraint::Length(6), 0),
        col("Title", Constraint::Fill(1), 0).min(12),
        col("Checks", Constraint::Length(9), 0),
        col("Review", Constraint::Length(8), 0),
        col("Cmt", Constraint::Length(3), 2),
        col("Age", Constraint::Length(3), 1),
    ];
    if repo_col.is_some() {
        cols.insert(0, col("Repo", Constraint::Length(REPO_COLUMN_WIDTH), 1));
    }
    let table = Rows {
        id: PanelId::Pulls,
        block: b,
        cols,
        focused,
        data: rows,
    };
    table.render(frame, area, state, theme, |r| {
        let mut title = Vec::new();
        if r.role == PullRole::ReviewRequested {
            title.push(Span::styled("⇄ ", theme.accent()));
        }
        if r.pr.draft {
            title.push(Span::styled("draft ", theme.dim()));
        }
        if let Some(repo) = &state.ctx.repo {
            let subject = crate::app::live::Subject::Pull(&r.pr);
            let verdict = state.live.verdict(state, repo, subject);
            if let Some(m) = crate::ui::panels::live_marker(&verdict, theme) {
                title.extend([m, Span::raw(" ")]);
            }
        }
        title.push(Span::raw(&r.pr.title));
        let mut cells = vec![
            Cell::from(Span::styled(format!("#{}", r.pr.number), theme.number())),
            Cell::from(Line::from(title)),
            Cell::from(match r.gaps.has(Part::Checks) {
                true => Line::from(unread(theme)),
                false => checks_spans(r.checks.as_ref(), theme),
            }),
            Cell::from(match r.gaps.has(Part::Reviews) {
                true => unread(theme),
                false => decision_span(r.decision, theme),
            }),
            Cell::from(match r.gaps.has(Part::Comments) {
                true => unread(theme),
                false => Span::styled(r.comments.to_string(), theme.dim()),
            }),
            Cell::from(Span::styled(age(now, r.pr.created_at), theme.dim())),
        ];
        if let Some(rc) = repo_col {
            cells.insert(
                0,
                Cell::from(Span::styled(repo_text(rc, repo_of(r)), theme.dim())),
            );
        }
        cells
    });
}
