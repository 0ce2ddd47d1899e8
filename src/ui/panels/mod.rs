//! The five dashboard panels. Each shows its rows, or why it has none.

pub mod branches;
pub mod ci;
pub mod deploys;
pub mod issues;
pub mod pulls;
pub mod sections;

use crate::app::state::{AppState, Loaded, PanelId};
use crate::text::sanitize_line;
use crate::ui::widgets::table::{Cell, Col, VirtualTable};
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

/// A GitHub panel's subtitle: `here` for this repository, `3 repositories` in Watched scope.
pub fn scoped(state: &AppState, here: &str) -> String {
    crate::app::watch::scope_label(state).unwrap_or_else(|| here.to_string())
}

/// Whether a GitHub panel lists several repositories (and so a repository column).
pub fn watched(state: &AppState) -> bool {
    state.scope == crate::app::state::Scope::Watched
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

/// The frame of a list panel. With a `/` filter the count becomes "N of M" after the query;
/// while the query is typed, the bottom line says how to leave the prompt.
pub fn list_block<'a, T>(
    state: &AppState,
    id: PanelId,
    subtitle: &str,
    loaded: &Loaded<T>,
    focused: bool,
    theme: &Theme,
) -> Block<'a> {
    let total = loaded
        .data
        .is_some()
        .then(|| crate::app::filter::total(state, id));
    let f = &state.filters[id.index()];
    if !f.active() && !f.typing {
        return block(id, subtitle, total, loaded, focused, theme);
    }
    // The query and its count come before the subtitle: a long subtitle is what gets cut.
    let b = block(id, "", None, loaded, focused, theme);
    let mut spans = vec![Span::styled(
        format!(" /{}", sanitize_line(&f.query)),
        theme.accent(),
    )];
    if f.typing {
        spans.push(Span::styled("▏", theme.accent()));
    }
    if let Some(total) = total {
        spans.push(Span::styled(
            format!(" {} of {total} ", state.panel_len(id)),
            theme.dim(),
        ));
    }
    let mut b = b.title(Line::from(spans));
    if !subtitle.is_empty() {
        b = b.title(Line::from(Span::styled(
            format!(" {} ", sanitize_line(subtitle)),
            theme.dim(),
        )));
    }
    if f.typing {
        b.title_bottom(
            Line::from(Span::styled(
                " Enter keeps · Esc clears · ↑↓ move ",
                theme.dim(),
            ))
            .right_aligned(),
        )
    } else {
        b
    }
}

/// A list panel's table over its data: the rows its `/` filter shows, the matches marked, or
/// a line saying that none matches.
pub struct Rows<'b, 'r, T> {
    pub id: PanelId,
    pub block: Block<'b>,
    pub cols: Vec<Col>,
    pub focused: bool,
    pub data: &'r [T],
}

impl<'r, T> Rows<'_, 'r, T> {
    /// `row` gives the cells of one row of the data.
    pub fn render(
        self,
        frame: &mut Frame,
        area: Rect,
        state: &AppState,
        theme: &Theme,
        row: impl Fn(&'r T) -> Vec<Cell<'r>>,
    ) {
        let f = &state.filters[self.id.index()];
        let shown = crate::app::filter::visible(state, self.id);
        if shown.is_empty() && f.active() {
            let text = format!("no row matches '{}' — Esc clears", f.query.trim());
            message(frame, area, self.block, &text, false, theme);
            return;
        }
        let data = self.data;
        let table = VirtualTable {
            block: self.block,
            cols: self.cols,
            len: shown.len(),
            focused: self.focused,
            marks: f.words(),
        };
        table.render(frame, area, state.cursor(self.id), theme, |at| {
            shown
                .index(at)
                .and_then(|i| data.get(i))
                .map_or_else(Vec::new, &row)
        });
    }
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

/// A GitHub panel's rows, or `None` after showing why it has none: the error, that they are
/// loading, or `empty_text`.
pub fn loaded_rows<'d, T>(
    frame: &mut Frame,
    area: Rect,
    block: Block,
    loaded: &'d Loaded<Vec<T>>,
    empty_text: &str,
    theme: &Theme,
) -> Option<&'d [T]> {
    match (&loaded.data, &loaded.error) {
        (None, Some(err)) => message(frame, area, block, err, true, theme),
        (None, None) => message(frame, area, block, "loading…", false, theme),
        (Some(d), _) if d.is_empty() => message(frame, area, block, empty_text, false, theme),
        (Some(d), _) => return Some(d),
    }
    None
}

/// The mark of a field that could not be read; the detail view and the status bar say why.
pub fn unread(theme: &Theme) -> Span<'static> {
    Span::styled("?", theme.warn())
}

/// A reason a part could not be read, as a detail view lists it.
pub fn unread_line(u: &crate::github::partial::Unread, theme: &Theme) -> Line<'static> {
    Line::from(Span::styled(format!("? {u}"), theme.warn()))
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

/// The marker on issue, pull request and branch rows that run somewhere: the last
/// environment (in the Deploys panel's order, so the furthest along) that runs it,
/// `▲production`; nothing for everything else (open, unmerged, not deployed, not known yet).
pub fn live_marker(verdict: &crate::app::live::Verdict, theme: &Theme) -> Option<Span<'static>> {
    let env = crate::app::live::live_in(verdict).pop()?;
    Some(Span::styled(format!("▲{}", env.shown()), theme.ok()))
}

/// The detail line saying where it is live (see [`crate::app::live::describe`]).
pub fn live_line(
    verdict: &crate::app::live::Verdict,
    what: &str,
    state: &AppState,
    theme: &Theme,
) -> Line<'static> {
    use crate::app::live::Verdict;
    let style = match verdict {
        Verdict::Unknown(_) => theme.warn(),
        Verdict::Envs(_) if !crate::app::live::live_in(verdict).is_empty() => theme.ok(),
        _ => theme.dim(),
    };
    Line::styled(
        sanitize_line(&crate::app::live::describe(verdict, what, state.now)),
        style,
    )
}
