use super::{list_block, loaded_rows, Rows};
use crate::app::state::{AppState, PanelId};
use crate::text::{age, sanitize_line};
use crate::ui::widgets::table::col;
use crate::ui::widgets::table::Cell;
use crate::ui::Theme;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::Frame;

pub fn render(frame: &mut Frame, area: Rect, state: &AppState, focused: bool, theme: &Theme) {
    let scope = if state.issues_all_repos {
        "all repos".to_string()
    } else {
        state
            .ctx
            .repo
            .as_ref()
            .map(|r| r.name.clone())
            .unwrap_or_default()
    };
    let b = list_block(
        state,
        PanelId::Issues,
        &super::scoped(state, &scope),
        &state.issues,
        focused,
        theme,
    );
    let who = state
        .login
        .as_deref()
        .map(|l| format!("@{l}"))
        .unwrap_or_else(|| "you".into());
    let empty =
        format!("No open issues assigned to {who} here. Press a to toggle all repositories.");
    let Some(issues) = loaded_rows(frame, area, b.clone(), &state.issues, &empty, theme) else {
        return;
    };
    let now = state.now;
    let num_width = if state.issues_all_repos { 16 } else { 6 };
    let table = Rows {
        id: PanelId::Issues,
        block: b,
        cols: vec![
            col("#", Constraint::Length(num_width), 0),
            col("Title", Constraint::Fill(2), 0).min(16),
            col("Labels", Constraint::Fill(1), 2),
            col("Age", Constraint::Length(3), 1),
        ],
        focused,
        data: issues,
    };
    table.render(frame, area, state, theme, |issue| {
        let number = match (&issue.repository, state.issues_all_repos) {
            (Some(r), true) => {
                let short = r.full_name.rsplit('/').next().unwrap_or(&r.full_name);
                format!("{}#{}", sanitize_line(short), issue.number)
            }
            _ => format!("#{}", issue.number),
        };
        let mut labels: Vec<Span> = Vec::new();
        for l in &issue.labels {
            if !labels.is_empty() {
                labels.push(Span::raw(" "));
            }
            labels.push(Span::styled(sanitize_line(&l.name), theme.label(&l.color)));
        }
        vec![
            Cell::from(Span::styled(number, theme.number())),
            Cell::from(issue.title.as_str()),
            Cell::from(Line::from(labels)),
            Cell::from(Span::styled(age(now, issue.created_at), theme.dim())),
        ]
    });
}
