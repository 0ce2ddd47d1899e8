//! Where each panel goes for a given terminal size. Pure, so `update` can map a mouse click
//! to the panel the renderer drew there.

use crate::app::state::{AppState, PanelId};
use ratatui::layout::{Constraint, Layout, Rect};

/// Below this the dashboard cannot show anything useful and says so instead.
pub const MIN_WIDTH: u16 = 40;
pub const MIN_HEIGHT: u16 = 10;
/// From this size up all five panels are visible at once; below it, one panel at a time.
pub const GRID_WIDTH: u16 = 100;
pub const GRID_HEIGHT: u16 = 24;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Screen {
    TooSmall,
    /// All panels at once.
    Grid {
        panels: Vec<(PanelId, Rect)>,
        status: Rect,
    },
    /// One panel (zoom, a detail view, or a small terminal) with a tab line above it.
    Single {
        tabs: Rect,
        panel: (PanelId, Rect),
        status: Rect,
    },
}

pub fn screen(area: Rect, focus: PanelId, single: bool) -> Screen {
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        return Screen::TooSmall;
    }
    let [body, status] = Layout::vertical([Constraint::Fill(1), Constraint::Length(1)]).areas(area);
    if single || area.width < GRID_WIDTH || area.height < GRID_HEIGHT {
        let [tabs, panel] =
            Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(body);
        return Screen::Single {
            tabs,
            panel: (focus, panel),
            status,
        };
    }
    let [top, bottom] =
        Layout::vertical([Constraint::Percentage(55), Constraint::Percentage(45)]).areas(body);
    let [issues, branches, pulls] = Layout::horizontal([
        Constraint::Percentage(34),
        Constraint::Percentage(31),
        Constraint::Percentage(35),
    ])
    .areas(top);
    let [ci, deploys] =
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(bottom);
    Screen::Grid {
        panels: vec![
            (PanelId::Issues, issues),
            (PanelId::Branches, branches),
            (PanelId::Pulls, pulls),
            (PanelId::Ci, ci),
            (PanelId::Deploys, deploys),
        ],
        status,
    }
}

pub fn for_state(state: &AppState) -> Screen {
    let area = Rect::new(0, 0, state.size.0, state.size.1);
    screen(area, state.focus, state.zoom || state.detail.is_some())
}

/// The panel drawn at a cell, if any.
pub fn panel_at(state: &AppState, col: u16, row: u16) -> Option<(PanelId, Rect)> {
    let pos = ratatui::layout::Position { x: col, y: row };
    match for_state(state) {
        Screen::Grid { panels, .. } => panels.into_iter().find(|(_, r)| r.contains(pos)),
        Screen::Single { panel, .. } => panel.1.contains(pos).then_some(panel),
        Screen::TooSmall => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_pick_a_layout() {
        let s = |w, h| screen(Rect::new(0, 0, w, h), PanelId::Ci, false);
        assert!(matches!(s(160, 45), Screen::Grid { .. }));
        assert!(matches!(s(100, 30), Screen::Grid { .. }));
        assert!(matches!(s(80, 24), Screen::Single { .. }));
        assert_eq!(s(20, 5), Screen::TooSmall);
        if let Screen::Grid { panels, status } = s(160, 45) {
            assert_eq!(panels.len(), 5);
            assert_eq!(status.y, 44);
            let total: u32 = panels
                .iter()
                .map(|(_, r)| u32::from(r.width) * u32::from(r.height))
                .sum();
            assert_eq!(total, 160 * 44);
        }
    }
}
