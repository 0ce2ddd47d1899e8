//! Drawing. Every function here reads state and writes cells; none changes state (the list
//! offsets in `Cursor` are view memory, kept in `Cell`s).

pub mod contrast;
pub mod detail;
pub mod markdown;
pub mod panels;
pub mod theme;
pub mod widgets;

use crate::app::keymap::Keymap;
use crate::app::layout::{self, Screen};
use crate::app::state::{AppState, PanelId};
use ratatui::layout::{Alignment, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;
pub use theme::Theme;

/// The dashboard loop's drawing (`app::runtime::Options::draw`): every frame in `theme`.
pub fn drawing(theme: Theme) -> crate::app::runtime::Draw {
    // `:theme` switches colours on or off: both themes are made once, the frame picks.
    let other = Theme {
        color: !theme.color,
        ..theme.clone()
    };
    Box::new(move |frame, state, keymap| {
        let chosen = match state.color {
            Some(c) if c != theme.color => &other,
            _ => &theme,
        };
        draw(frame, state, keymap, chosen)
    })
}

pub fn draw(frame: &mut Frame, state: &AppState, keymap: &Keymap, theme: &Theme) {
    let area = frame.area();
    let screen = layout::screen(
        area,
        state.focus,
        state.zoom || state.detail.is_some(),
        PanelId::ALL.map(|p| state.panel_len(p)),
    );
    match screen {
        Screen::TooSmall => {
            let msg = format!(
                "cockpit needs at least {}x{} (now {}x{}) — enlarge the terminal or press q",
                layout::MIN_WIDTH,
                layout::MIN_HEIGHT,
                area.width,
                area.height
            );
            frame.render_widget(Paragraph::new(msg).wrap(Wrap { trim: true }), area);
            return;
        }
        Screen::Grid { panels, status } => {
            for (id, rect) in panels {
                panels::render(frame, rect, state, id, id == state.focus, theme);
            }
            widgets::status::render(frame, status, state, keymap, theme);
        }
        Screen::Single {
            tabs,
            panel: (id, rect),
            status,
        } => {
            render_tabs(frame, tabs, state, theme);
            match &state.detail {
                Some(d) => detail::render(frame, rect, state, d, theme),
                None => panels::render(frame, rect, state, id, true, theme),
            }
            widgets::status::render(frame, status, state, keymap, theme);
        }
    }
    if let Some(p) = &state.pager {
        widgets::palette::pager(frame, area, p, theme);
    }
    if state.inbox.open {
        widgets::inbox::render(frame, area, state, theme);
    }
    // Under a modal: the review form opened from the queue shows over it.
    if state.queue.open {
        widgets::queue::render(frame, area, state, theme);
    }
    if let Some(m) = &state.modal {
        widgets::modal::render(frame, area, m, theme);
    }
    if let Some(p) = &state.palette {
        widgets::palette::render(frame, area, p, keymap, theme);
    }
    widgets::status::toast(frame, area, state, theme);
    if state.help {
        widgets::help::render(frame, area, state, keymap, theme);
    }
    contrast::guard(frame.buffer_mut(), theme.depth);
}

fn render_tabs(frame: &mut Frame, area: Rect, state: &AppState, theme: &Theme) {
    let mut spans = Vec::new();
    for (i, p) in PanelId::ALL.iter().enumerate() {
        let style = if *p == state.focus {
            theme.selected(true)
        } else {
            theme.dim()
        };
        spans.push(Span::styled(format!(" {} {} ", i + 1, p.title()), style));
    }
    let hint = if state.detail.is_some() {
        "Esc back"
    } else if state.zoom {
        "z unzoom"
    } else {
        "terminal too small for all panels: Tab switches"
    };
    let tabs = Line::from(spans);
    let tabs_width = tabs.width();
    frame.render_widget(Paragraph::new(tabs), area);
    // The hint only where it fits beside the tabs: overlapping them would garble both.
    let hint = if tabs_width + hint.len() + 2 <= usize::from(area.width) {
        Some(hint)
    } else if tabs_width + 10 <= usize::from(area.width) {
        Some(if state.detail.is_some() {
            "Esc back"
        } else if state.zoom {
            "z unzoom"
        } else {
            "Tab: next"
        })
    } else {
        None
    };
    if let Some(hint) = hint {
        frame.render_widget(
            Paragraph::new(Span::styled(hint, theme.dim())).alignment(Alignment::Right),
            area,
        );
    }
}
