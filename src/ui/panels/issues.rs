use super::{block, render_empty};
use crate::app::state::{AppState, PanelId};
use crate::text::{age, sanitize_line};
use crate::ui::widgets::table::Cell;
use crate::ui::widgets::table::{col, VirtualTable};
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
    let count = state.issues.data.as_ref().map(Vec::len);
    let b = block(
        PanelId::Issues,
        &scope,
        count,
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
    if render_empty(frame, area, b.clone(), &state.issues, &empty, theme) {
        return;
    }
    let Some(issues) = state.issues.data.as_ref() else {
        return;
    };
    let now = state.now;
    let num_width = if state.issues_all_repos { 16 } else { 6 };
    let table = VirtualTable {
        block: b,
        cols: vec![
            col("#", Constraint::Length(num_width), 0),
            col("Title", Constraint::Fill(2), 0).min(16),
            col("Labels", Constraint::Fill(1), 2),
            col("Age", Constraint::Length(3), 1),
        ],
        len: issues.len(),
        focused,
    };
    table.render(frame, area, state.cursor(PanelId::Issues), theme, |i| {
        let issue = &issues[i];
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
        vec![
            Cell::from(Span::styled(number, theme.number())),
            Cell::from(title),
            Cell::from(Line::from(labels)),
            Cell::from(Span::styled(age(now, issue.created_at), theme.dim())),
        ]
    });
}
