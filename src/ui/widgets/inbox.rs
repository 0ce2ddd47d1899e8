//! The notifications view: a box over the dashboard, one thread a row (unread marked, reason,
//! repository, kind, title, age), participating threads first.

use crate::app::state::AppState;
use crate::github::notifications::{SubjectKind, Thread};
use crate::text::{age, sanitize_line};
use crate::ui::Theme;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Paragraph, Wrap};
use ratatui::Frame;
use unicode_width::UnicodeWidthStr;

fn kind(t: &Thread) -> &str {
    match &t.subject.kind {
        SubjectKind::PullRequest => "PR",
        SubjectKind::Issue => "issue",
        SubjectKind::CheckSuite => "CI",
        other => other.as_str(),
    }
}

/// `s` cut to `w` columns.
fn fit(s: &str, w: usize) -> String {
    if s.width() <= w {
        return format!("{s}{}", " ".repeat(w - s.width()));
    }
    let mut out = String::new();
    for c in s.chars() {
        if out.width() + c.to_string().width() >= w {
            break;
        }
        out.push(c);
    }
    out.push('…');
    out
}

fn row(state: &AppState, t: &Thread, selected: bool, width: usize, theme: &Theme) -> Line<'static> {
    let inbox = &state.inbox;
    let mark = if inbox.unsubscribed.contains(&t.id) {
        Span::styled("⊘ ", theme.dim())
    } else if t.unread {
        Span::styled("● ", theme.accent())
    } else {
        Span::raw("  ")
    };
    let opening = inbox.opening.as_deref() == Some(t.id.as_str());
    let reason = fit(&t.reason.label(), 16);
    let repo = fit(&sanitize_line(&t.repository.full_name), 22);
    let when = if opening {
        "opening…".to_string()
    } else {
        age(state.now, t.updated_at)
    };
    let fixed = 2 + 17 + 23 + 6 + 1 + when.width();
    let title = fit(&t.subject.title, width.saturating_sub(fixed).max(8));
    let text_style = if t.unread {
        theme.title(false)
    } else {
        theme.dim()
    };
    let mut spans = vec![
        mark,
        Span::styled(
            format!("{reason} "),
            if t.reason.participating() {
                theme.accent()
            } else {
                theme.dim()
            },
        ),
        Span::styled(format!("{repo} "), theme.dim()),
        Span::styled(format!("{:<5} ", kind(t)), theme.dim()),
        Span::styled(title, text_style),
        Span::styled(format!(" {when}"), theme.dim()),
    ];
    if selected {
        let style = theme.selected(true);
        spans = spans.into_iter().map(|s| s.patch_style(style)).collect();
    }
    Line::from(spans)
}

pub fn render(frame: &mut Frame, area: Rect, state: &AppState, theme: &Theme) {
    let inbox = &state.inbox;
    let width = area.width.saturating_sub(4).clamp(20, 120);
    // As tall as the list (and a line for an error), at most the screen less a margin.
    let rows = inbox.threads.data.as_ref().map_or(1, |t| t.len().max(1)) + 1;
    let height = (rows as u16 + 2).clamp(5, area.height.saturating_sub(4).max(5));
    let [row_area] = Layout::vertical([Constraint::Length(height)])
        .flex(Flex::Center)
        .areas(area);
    let [popup] = Layout::horizontal([Constraint::Length(width.min(area.width))])
        .flex(Flex::Center)
        .areas(row_area);
    let unread = inbox.unread();
    let title = format!(" Notifications · {unread} unread ");
    let footer = " Enter open · r read · d done · u unsubscribe · o browser · Esc close ";
    frame.render_widget(Clear, popup);
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(theme.border(true))
        .title(Span::styled(title, theme.title(true)))
        .title_bottom(Line::from(Span::styled(footer, theme.dim())).right_aligned());
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    let threads = inbox.threads.data.as_deref().unwrap_or_default();
    let mut lines: Vec<Line> = Vec::new();
    if let Some(why) = &inbox.threads.error {
        let what = if inbox.threads.data.is_some() {
            "Not refreshed"
        } else {
            "Notifications could not be read"
        };
        lines.push(Line::styled(
            format!("{what}: {}", sanitize_line(why)),
            theme.bad(),
        ));
    }
    if threads.is_empty() {
        let text = if inbox.threads.data.is_some() {
            "No notifications. Inbox zero."
        } else if inbox.threads.error.is_none() {
            "loading…"
        } else {
            ""
        };
        lines.push(Line::styled(text, theme.dim()));
        frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), inner);
        return;
    }
    let head = lines.len();
    let visible = usize::from(inner.height).saturating_sub(head);
    let top = inbox.cursor.window(threads.len(), visible);
    let w = usize::from(inner.width);
    for (i, t) in threads.iter().enumerate().skip(top).take(visible) {
        lines.push(row(state, t, i == inbox.cursor.selected, w, theme));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}
