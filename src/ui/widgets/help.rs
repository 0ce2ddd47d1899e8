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
    // The log viewer's keys are its own (a log is not a panel list).
    lines.push(Line::raw(""));
    lines.push(Line::styled("  in a job's log:", theme.dim()));
    for (keys, what) in [
        ("/  Ctrl-R", "search (text or regex, smart case)"),
        ("n N", "next / previous hit (or error)"),
        ("e E", "next / previous error or warning"),
        ("Enter - +", "fold / fold all / unfold all steps and groups"),
        ("t f", "timestamps / follow the tail"),
        ("v y s", "select lines / copy / save to a file"),
        ("h l", "scroll sideways"),
    ] {
        lines.push(Line::from(vec![
            Span::styled(format!("{keys:>18}  "), theme.title(true)),
            Span::raw(what),
        ]));
    }
    lines.push(Line::styled("  any key closes this help", theme.dim()));
    let height = (lines.len() as u16 + 2).min(area.height);
    let width = 72.min(area.width);
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
    frame.render_widget(Paragraph::new(lines).block(block), popup);
}
