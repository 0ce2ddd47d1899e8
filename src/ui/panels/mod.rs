//! The five dashboard panels. Each shows its rows, or why it has none.

pub mod branches;
pub mod ci;
pub mod deploys;
pub mod issues;
pub mod pulls;
pub mod sections;

use crate::app::state::{AppState, Loaded, PanelId};
use crate::text::sanitize_line;
use crate::ui::Theme;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Paragraph, Wrap};
use ratatui::Frame;

pub fn render(
    frame: &mut Frame,
    area: Rect,
    state: &AppState,
    id: PanelId,
    focused: bool,
    theme: &Theme,
) {
    match id {
        PanelId::Issues => issues::render(frame, area, state, focused, theme),
        PanelId::Branches => branches::render(frame, area, state, focused, theme),
        PanelId::Pulls => pulls::render(frame, area, state, focused, theme),
        PanelId::Ci => ci::render(frame, area, state, focused, theme),
        PanelId::Deploys => deploys::render(frame, area, state, focused, theme),
    }
}

/// The panel frame: number and name, a subtitle, the count, and a stale marker with the
/// reason when the last refresh failed.
pub fn block<'a, T>(
    id: PanelId,
    subtitle: &str,
    count: Option<usize>,
    loaded: &Loaded<T>,
    focused: bool,
    theme: &Theme,
) -> Block<'a> {
    let mut title = vec![Span::styled(
        format!(" {} {}", id.index() + 1, id.title()),
        theme.title(focused),
    )];
    if !subtitle.is_empty() {
        title.push(Span::styled(
            format!(" · {}", sanitize_line(subtitle)),
            theme.dim(),
        ));
    }
    if let Some(n) = count {
        title.push(Span::styled(format!(" ({n})"), theme.dim()));
    }
    title.push(Span::raw(" "));
    let mut b = Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(theme.border(focused))
        .title(Line::from(title));
    if loaded.data.is_some() && loaded.error.is_some() {
        b = b.title_top(Line::from(Span::styled(" stale ", theme.bad())).right_aligned());
    } else if loaded.loading || (loaded.data.is_none() && loaded.error.is_none()) {
        b = b.title_top(Line::from(Span::styled(" loading… ", theme.dim())).right_aligned());
    }
    b
}

/// The body of a panel that has nothing to list: the error and what to do, or a hint.
pub fn message(
    frame: &mut Frame,
    area: Rect,
    block: Block,
    text: &str,
    is_error: bool,
    theme: &Theme,
) {
    let style = if is_error { theme.bad() } else { theme.dim() };
    let p = Paragraph::new(Span::styled(sanitize_line(text), style))
        .wrap(Wrap { trim: true })
        .block(block);
    frame.render_widget(p, area);
}

/// Shows what a panel should say when it has no rows. Returns true if it drew something.
pub fn render_empty<T>(
    frame: &mut Frame,
    area: Rect,
    block: Block,
    loaded: &Loaded<Vec<T>>,
    empty_text: &str,
    theme: &Theme,
) -> bool {
    match (&loaded.data, &loaded.error) {
        (None, Some(err)) => {
            message(frame, area, block, err, true, theme);
            true
        }
        (None, None) => {
            message(frame, area, block, "loading…", false, theme);
            true
        }
        (Some(d), _) if d.is_empty() => {
            message(frame, area, block, empty_text, false, theme);
            true
        }
        _ => false,
    }
}

/// The mark of a field that could not be read; the detail view and the status bar say why.
pub fn unread(theme: &Theme) -> Span<'static> {
    Span::styled("?", theme.warn())
}

/// A reason a part could not be read, as a detail view lists it.
pub fn unread_line(u: &crate::github::partial::Unread, theme: &Theme) -> Line<'static> {
    Line::from(Span::styled(
        format!("? {} unreadable: {}", u.part.label(), sanitize_line(&u.why)),
        theme.warn(),
    ))
}

/// Truncates to `max` display columns, marking the cut with `…`.
pub fn fit(s: &str, max: usize) -> String {
    use unicode_width::UnicodeWidthChar;
    let mut out = String::new();
    let mut w = 0;
    for c in s.chars() {
        let cw = c.width().unwrap_or(0);
        if w + cw > max {
            if max > 0 {
                while w + 1 > max {
                    match out.pop() {
                        Some(p) => w -= p.width().unwrap_or(0),
                        None => break,
                    }
                }
                out.push('…');
            }
            return out;
        }
        w += cw;
        out.push(c);
    }
    out
}
