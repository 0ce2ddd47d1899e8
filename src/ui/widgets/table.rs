//! A table that only builds the rows it shows, so a panel with 10,000 items costs what a
//! panel with 20 costs.

use crate::app::state::Cursor;
use crate::ui::Theme;
use ratatui::layout::{Constraint, Rect};
use ratatui::widgets::{Block, Row, Table, TableState};
use ratatui::Frame;

pub struct VirtualTable<'a> {
    pub block: Block<'a>,
    pub header: Row<'a>,
    pub widths: Vec<Constraint>,
    pub len: usize,
    pub focused: bool,
}

impl VirtualTable<'_> {
    pub fn render<'r>(self, frame: &mut Frame, area: Rect, cursor: &Cursor, theme: &Theme, row_at: impl Fn(usize) -> Row<'r>) {
        let inner = self.block.inner(area);
        // One line goes to the header.
        let height = usize::from(inner.height.saturating_sub(1));
        let off = cursor.window(self.len, height);
        let end = (off + height).min(self.len);
        let rows: Vec<Row> = (off..end).map(row_at).collect();
        let table = Table::new(rows, self.widths)
            .header(self.header.style(theme.header()))
            .block(self.block)
            .column_spacing(1)
            .row_highlight_style(theme.selected(self.focused));
        let mut ts = TableState::default();
        if self.len > 0 {
            ts.select(Some(cursor.selected.saturating_sub(off)));
        }
        frame.render_stateful_widget(table, area, &mut ts);
    }
}
