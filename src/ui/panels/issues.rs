use super::sections::{self, repo_text, REPO_COLUMN_WIDTH};
use super::{loaded_rows, Rows};
use crate::app::sections::issue_repo as repo_of;
use crate::app::state::{AppState, PanelId};
use crate::text::age;
use crate::ui::widgets::table::col;
use crate::ui::widgets::table::Cell;
use crate::ui::Theme;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::Frame;

pub fn render(frame: &mut Frame, area: Rect, state: &AppState, focused: bool, theme: &Theme) {
    let tabs = &state.issue_tabs;
    let b = sections::block(
        PanelId::Issues,
        tabs,
        &state.issues,
        state,
        focused,
        area.width,
        theme,
    );
    let empty = sections::empty_text("issues", tabs, state);
    let Some(issues) = loaded_rows(frame, area, b.clone(), &state.issues, &empty, theme) else {
        return;
    };
    let now = state.now;
    let repo_col = state.issue_tabs.repos;
    let mut cols = vec![
        col("#", Constraint::Length(6), 0),
        col("Title", Constraint::Fill(2), 0).min(16),
        col("Labels", Constraint::Fill(1), 2),
        col("Age", Constraint::Length(3), 1),
    ];
    if repo_col.is_some() {
        cols.insert(0, col("Repo", Constraint::Length(REPO_COLUMN_WIDTH), 1));
    }
    let table = Rows {
        id: PanelId::Issues,
        block: b,
        cols,
        focused,
        data: issues,
    };
    table.render(frame, area, state, theme, |issue| {
        let number = format!("#{}", issue.number);
        let mut labels: Vec<Span> = Vec::new();
        for l in &issue.labels {
            if !labels.is_empty() {
                labels.push(Span::raw(" "));
            }
            labels.push(Span::styled(&l.name, theme.label(&l.color)));
        }
        let live = issue
            .repo()
            .or_else(|| state.ctx.repo.clone())
            .and_then(|repo| {
                let subject = crate::app::live::Subject::Issue(issue);
                super::live_marker(&state.live.verdict(state, &repo, subject), theme)
            });
        let title = match live {
            Some(m) => Line::from(vec![m, Span::raw(" "), Span::raw(issue.title.as_str())]),
            None => Line::raw(issue.title.as_str()),
        };
        let mut cells = vec![
            Cell::from(Span::styled(number, theme.number())),
            Cell::from(title),
            Cell::from(Line::from(labels)),
            Cell::from(Span::styled(age(now, issue.created_at), theme.dim())),
        ];
        if let Some(rc) = repo_col {
            cells.insert(
                0,
                Cell::from(Span::styled(repo_text(rc, repo_of(issue)), theme.dim())),
            );
        }
        cells
    });
}
