//! Where each panel goes for a given terminal size. Pure, and here below the drawing code, so
//! `update` can map a mouse click to the panel the renderer (`ui`) drew there.

use super::state::{AppState, PanelId};
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

/// Rows a panel wants: its list, a header line and the border.
fn wanted(rows: usize) -> u16 {
    u16::try_from(rows).unwrap_or(u16::MAX).saturating_add(3)
}

/// Below this a grid row shows too little (a header and three rows).
const MIN_ROW: u16 = 6;

/// Height of the top row out of `height`: 55%, unless one row needs more than its share
/// while the other leaves some of its own unused — then the unused rows move over.
fn top_height(height: u16, top_need: u16, bottom_need: u16) -> u16 {
    let default = height * 55 / 100;
    let (top_need, bottom_need) = (top_need.max(MIN_ROW), bottom_need.max(MIN_ROW));
    let top = if top_need > default && bottom_need < height - default {
        top_need.min(height.saturating_sub(bottom_need))
    } else if bottom_need > height - default && top_need < default {
        top_need.max(height.saturating_sub(bottom_need))
    } else {
        default
    };
    top.clamp(
        MIN_ROW.min(height),
        height.saturating_sub(MIN_ROW).max(MIN_ROW.min(height)),
    )
}

/// `rows`: how many rows each panel has to show, in `PanelId::ALL` order.
pub fn screen(area: Rect, focus: PanelId, single: bool, rows: [usize; 5]) -> Screen {
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
    let top_need = rows[..3].iter().map(|r| wanted(*r)).max().unwrap_or(0);
    let bottom_need = rows[3..].iter().map(|r| wanted(*r)).max().unwrap_or(0);
    let top_h = top_height(body.height, top_need, bottom_need);
    let [top, bottom] =
        Layout::vertical([Constraint::Length(top_h), Constraint::Fill(1)]).areas(body);
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
    screen(
        area,
        state.focus,
        state.zoom || state.detail.is_some(),
        PanelId::ALL.map(|p| state.panel_len(p)),
    )
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
        let s = |w, h| screen(Rect::new(0, 0, w, h), PanelId::Ci, false, [3; 5]);
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

    #[test]
    fn a_long_list_takes_the_rows_a_short_one_leaves() {
        let top = |rows| match screen(Rect::new(0, 0, 100, 30), PanelId::Ci, false, rows) {
            Screen::Grid { panels, .. } => panels[0].1.height,
            other => panic!("{other:?}"),
        };
        // Both fit their share: the usual 55/45.
        assert_eq!(top([3, 5, 3, 3, 2]), 15);
        // 20 runs below, 5 branches above: the top keeps what it needs, CI gets the rest.
        assert_eq!(top([3, 5, 3, 20, 2]), 8);
        // Many issues, few runs: the other way round.
        assert_eq!(top([30, 5, 3, 2, 2]), 23);
        // Both long: the usual split.
        assert_eq!(top([30, 5, 3, 30, 2]), 15);
    }
}
