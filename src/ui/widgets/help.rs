//! The `?` overlay: every key, generated from the keymap so it never drifts from it.

use crate::app::keymap::Keymap;
use crate::ui::Theme;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Paragraph};
use ratatui::Frame;

pub fn render(frame: &mut Frame, area: Rect, keymap: &Keymap, theme: &Theme) {
    let entries = keymap.help_lines();
    let mut lines: Vec<Line> = entries
        .iter()
        .map(|(keys, what)| {
            Line::from(vec![
                Span::styled(format!("{keys:>18}  "), theme.title(true)),
                Span::raw(*what),
            ])
        })
        .collect();
    lines.push(Line::raw(""));
    lines.push(Line::from(vec![
        Span::styled(format!("{:>18}  ", "mouse"), theme.title(true)),
        Span::raw("click focuses and selects, wheel scrolls"),
    ]));
    lines.push(Line::styled("  any key closes this help", theme.dim()));
    // Two columns when one does not fit the terminal's height (and the width allows).
    const COL: u16 = 76;
    let inner_h = area.height.saturating_sub(2).max(1) as usize;
    let two = lines.len() > inner_h && area.width >= COL * 2 + 2;
    let rows = if two {
        lines.len().div_ceil(2)
    } else {
        lines.len()
    };
    let height = (rows as u16 + 2).min(area.height);
    let width = if two { COL * 2 + 2 } else { COL + 2 }.min(area.width);
    let [row] = Layout::vertical([Constraint::Length(height)])
        .flex(Flex::Center)
        .areas(area);
    let [popup] = Layout::horizontal([Constraint::Length(width)])
        .flex(Flex::Center)
        .areas(row);
    frame.render_widget(Clear, popup);
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(theme.border(true))
        .title(Span::styled(" cockpit keys ", theme.title(true)));
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    if two {
        let right: Vec<Line> = lines.split_off(rows);
        let [l, r] =
            Layout::horizontal([Constraint::Length(COL), Constraint::Length(COL)]).areas(inner);
        frame.render_widget(Paragraph::new(lines), l);
        frame.render_widget(Paragraph::new(right), r);
    } else {
        frame.render_widget(Paragraph::new(lines), inner);
    }
}
