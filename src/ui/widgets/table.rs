//! A table that only builds the rows it shows, so a panel with 10,000 items costs what a
//! panel with 20 costs, and that drops its least important columns when narrow so the
//! flexible ones (titles) stay readable.

use crate::app::state::Cursor;
use crate::ui::Theme;
use ratatui::layout::{Constraint, Rect};
use ratatui::widgets::{Block, Cell, Row, Table, TableState};
use ratatui::Frame;

pub struct Col {
    pub header: &'static str,
    pub width: Constraint,
    /// 0: always shown. Otherwise, when space runs short, the highest number goes first.
    pub drop: u8,
}

pub const fn col(header: &'static str, width: Constraint, drop: u8) -> Col {
    Col {
        header,
        width,
        drop,
    }
}

pub struct VirtualTable<'a> {
    pub block: Block<'a>,
    pub cols: Vec<Col>,
    pub len: usize,
    pub focused: bool,
}

/// Width each `Fill` column should keep before optional columns are dropped.
const MIN_FILL: u16 = 14;

fn kept(cols: &[Col], width: u16) -> Vec<bool> {
    let mut keep: Vec<bool> = vec![true; cols.len()];
    loop {
        let shown: Vec<&Col> = cols
            .iter()
            .zip(&keep)
            .filter(|(_, k)| **k)
            .map(|(c, _)| c)
            .collect();
        let fixed: u16 = shown
            .iter()
            .map(|c| match c.width {
                Constraint::Length(n) | Constraint::Min(n) => n,
                _ => 0,
            })
            .sum::<u16>()
            + shown.len().saturating_sub(1) as u16;
        let fills = shown
            .iter()
            .filter(|c| matches!(c.width, Constraint::Fill(_)))
            .count()
            .max(1) as u16;
        if width.saturating_sub(fixed) >= MIN_FILL * fills {
            return keep;
        }
        let victim = cols
            .iter()
            .enumerate()
            .filter(|(i, c)| keep[*i] && c.drop > 0)
            .max_by_key(|(i, c)| (c.drop, *i))
            .map(|(i, _)| i);
        match victim {
            Some(i) => keep[i] = false,
            None => return keep,
        }
    }
}

impl VirtualTable<'_> {
    pub fn render<'r>(
        self,
        frame: &mut Frame,
        area: Rect,
        cursor: &Cursor,
        theme: &Theme,
        row_at: impl Fn(usize) -> Vec<Cell<'r>>,
    ) {
        let inner = self.block.inner(area);
        let keep = kept(&self.cols, inner.width);
        // One line goes to the header.
        let height = usize::from(inner.height.saturating_sub(1));
        let off = cursor.window(self.len, height);
        let end = (off + height).min(self.len);
        let rows: Vec<Row> = (off..end)
            .map(|i| {
                Row::new(
                    row_at(i)
                        .into_iter()
                        .zip(&keep)
                        .filter(|(_, k)| **k)
                        .map(|(c, _)| c),
                )
            })
            .collect();
        let header = Row::new(
            self.cols
                .iter()
                .zip(&keep)
                .filter(|(_, k)| **k)
                .map(|(c, _)| c.header),
        );
        let widths: Vec<Constraint> = self
            .cols
            .iter()
            .zip(&keep)
            .filter(|(_, k)| **k)
            .map(|(c, _)| c.width)
            .collect();
        let table = Table::new(rows, widths)
            .header(header.style(theme.header()))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drops_optional_columns_in_order_when_narrow() {
        let cols = [
            col("#", Constraint::Length(5), 0),
            col("Title", Constraint::Fill(1), 0),
            col("Event", Constraint::Length(12), 2),
            col("Age", Constraint::Length(3), 1),
        ];
        assert_eq!(kept(&cols, 80), vec![true, true, true, true]);
        assert_eq!(kept(&cols, 38), vec![true, true, true, true]);
        assert_eq!(kept(&cols, 30), vec![true, true, false, true]);
        assert_eq!(kept(&cols, 22), vec![true, true, false, false]);
        assert_eq!(kept(&cols, 5), vec![true, true, false, false]);
    }
}
