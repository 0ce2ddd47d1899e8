use super::frame_block;
use crate::app::state::{AppState, Loaded, Scroll};
use crate::github::models::{Issue, IssueComment};
use crate::ui::{markdown, Theme};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

/// Comments shown in full; older ones fold into one line so the newest stay in view.
const RECENT_COMMENTS: usize = 10;

pub fn render(
    frame: &mut Frame,
    area: Rect,
    state: &AppState,
    number: u64,
    data: &Loaded<(Issue, Vec<IssueComment>)>,
    scroll: &Scroll,
    theme: &Theme,
) {
    let block = frame_block(format!("Issue #{number}"), theme);
    let Some((issue, comments)) = data.data.as_ref() else {
        let text = data.error.clone().unwrap_or_else(|| "loading…".into());
        frame.render_widget(Paragraph::new(text.as_str()).block(block), area);
        return;
    };
    let inner = block.inner(area);
    let width = inner.width.saturating_sub(1);
    let now = state.now;
    let author = issue
        .user
        .as_ref()
        .map(|u| u.login.shown().as_str())
        .unwrap_or("?");
    let mut lines = vec![
        Line::from(vec![
            Span::styled(format!("#{} ", issue.number), theme.number()),
            Span::styled(&issue.title, theme.title(true)),
        ]),
        Line::from(vec![
            Span::styled(
                issue.state.as_str(),
                if issue.state == crate::github::models::IssueState::Open {
                    theme.ok()
                } else {
                    theme.accent()
                },
            ),
            Span::raw(format!(
                " · opened by @{} {} · {}",
                author,
                crate::text::ago(now, issue.created_at),
                crate::words::count(issue.comments, "comment")
            )),
        ]),
    ];
    if !issue.labels.is_empty() {
        let mut spans = vec![Span::styled("labels     ", theme.dim())];
        for l in &issue.labels {
            spans.push(Span::styled(&l.name, theme.label(&l.color)));
            spans.push(Span::raw(" "));
        }
        lines.push(Line::from(spans));
    }
    let assignees: Vec<String> = issue
        .assignees
        .iter()
        .map(|u| format!("@{}", u.login.shown()))
        .collect();
    lines.push(Line::from(vec![
        Span::styled("assignees  ", theme.dim()),
        Span::raw(if assignees.is_empty() {
            "nobody".to_string()
        } else {
            assignees.join(" ")
        }),
    ]));
    if let Some(m) = &issue.milestone {
        lines.push(Line::from(vec![
            Span::styled("milestone  ", theme.dim()),
            Span::raw(&m.title),
        ]));
    }
    if let Some(repo) = issue.repo().or_else(|| state.ctx.repo.clone()) {
        let verdict = state
            .live
            .verdict(state, &repo, crate::app::live::Subject::Issue(issue));
        let what = format!("#{}", issue.number);
        lines.push(crate::ui::panels::live_line(&verdict, &what, state, theme));
    }
    lines.push(Line::raw(""));
    match issue.body.as_deref().filter(|b| !b.trim().is_empty()) {
        Some(body) => lines.extend(markdown::render(body, width, theme)),
        None => lines.push(Line::styled("No description provided.", theme.dim())),
    }
    let hidden = comments.len().saturating_sub(RECENT_COMMENTS);
    if hidden > 0 {
        lines.push(Line::raw(""));
        lines.push(Line::styled(
            format!(
                "… {} earlier (open in the browser with o)",
                crate::words::count(hidden as u64, "comment")
            ),
            theme.dim(),
        ));
    }
    for c in &comments[hidden..] {
        lines.push(Line::raw(""));
        let who = c
            .user
            .as_ref()
            .map(|u| u.login.shown().as_str())
            .unwrap_or("?");
        lines.push(Line::styled(
            format!("── @{} · {} ──", who, crate::text::ago(now, c.created_at)),
            theme.accent(),
        ));
        lines.extend(markdown::render(
            c.body.as_deref().unwrap_or(""),
            width,
            theme,
        ));
    }
    let height = usize::from(inner.height);
    let off = scroll.offset(lines.len(), height);
    let visible: Vec<Line> = lines.into_iter().skip(off).take(height).collect();
    frame.render_widget(Paragraph::new(visible).block(block), area);
}
