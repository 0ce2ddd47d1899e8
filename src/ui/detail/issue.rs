use super::{frame_block, text_lines};
use crate::app::state::{AppState, Loaded};
use crate::github::models::{Issue, IssueComment};
use crate::text::{age, sanitize_line};
use crate::ui::Theme;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

pub fn render(
    frame: &mut Frame,
    area: Rect,
    state: &AppState,
    number: u64,
    data: &Loaded<(Issue, Vec<IssueComment>)>,
    scroll: usize,
    theme: &Theme,
) {
    let block = frame_block(format!("Issue #{number}"), theme);
    let Some((issue, comments)) = data.data.as_ref() else {
        let text = data.error.clone().unwrap_or_else(|| "loading…".into());
        frame.render_widget(Paragraph::new(sanitize_line(&text)).block(block), area);
        return;
    };
    let now = state.now;
    let author = issue.user.as_ref().map(|u| u.login.as_str()).unwrap_or("?");
    let mut lines = vec![
        Line::from(vec![
            Span::styled(format!("#{} ", issue.number), theme.number()),
            Span::styled(sanitize_line(&issue.title), theme.title(true)),
        ]),
        Line::from(vec![
            Span::styled(sanitize_line(&issue.state), theme.ok()),
            Span::raw(format!(
                " · opened by @{} {} ago · {} comments",
                sanitize_line(author),
                age(now, issue.created_at),
                issue.comments
            )),
        ]),
    ];
    if !issue.labels.is_empty() {
        let mut spans = vec![Span::raw("labels: ")];
        for l in &issue.labels {
            spans.push(Span::styled(sanitize_line(&l.name), theme.label(&l.color)));
            spans.push(Span::raw(" "));
        }
        lines.push(Line::from(spans));
    }
    if !issue.assignees.is_empty() {
        let names: Vec<String> = issue
            .assignees
            .iter()
            .map(|u| format!("@{}", sanitize_line(&u.login)))
            .collect();
        lines.push(Line::raw(format!("assignees: {}", names.join(" "))));
    }
    lines.push(Line::raw(""));
    match issue.body.as_deref().filter(|b| !b.trim().is_empty()) {
        Some(body) => lines.extend(text_lines(body)),
        None => lines.push(Line::styled("No description provided.", theme.dim())),
    }
    for c in comments {
        lines.push(Line::raw(""));
        let who = c.user.as_ref().map(|u| u.login.as_str()).unwrap_or("?");
        lines.push(Line::styled(
            format!(
                "── @{} · {} ago ──",
                sanitize_line(who),
                age(now, c.created_at)
            ),
            theme.accent(),
        ));
        lines.extend(text_lines(c.body.as_deref().unwrap_or("")));
    }
    let p = Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .scroll((u16::try_from(scroll).unwrap_or(u16::MAX), 0))
        .block(block);
    frame.render_widget(p, area);
}
