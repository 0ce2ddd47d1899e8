//! The `:` palette at the top of the screen, and the pager a command's output opens in.

use crate::app::keymap::Keymap;
use crate::app::palette::{items, Palette};
use crate::app::state::Pager;
use crate::logs::LogView;
use crate::text::sanitize_line;
use crate::ui::Theme;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Paragraph};
use ratatui::Frame;

/// Lines of the list shown at most.
const ROWS: usize = 12;

pub fn render(frame: &mut Frame, area: Rect, p: &Palette, keymap: &Keymap, theme: &Theme) {
    let list = items(keymap, &p.input);
    let shown = list.len().clamp(1, ROWS);
    let height = (shown as u16 + 4).min(area.height);
    let width = area.width.min(100);
    let popup = Rect::new(area.x + (area.width - width) / 2, area.y, width, height);
    frame.render_widget(Clear, popup);
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(theme.border(true))
        .title(Span::styled(" : command ", theme.title(true)))
        .title_bottom(Span::styled(
            " Enter runs · Tab completes · ↑↓ history · Ctrl-N/P move · Esc closes ",
            theme.dim(),
        ));
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    let [input_area, list_area] =
        Layout::vertical([Constraint::Length(2), Constraint::Fill(1)]).areas(inner);
    let mut input = vec![Line::from(vec![
        Span::styled(":", theme.title(true)),
        Span::raw(sanitize_line(&p.input)),
        Span::styled("█", theme.dim()),
    ])];
    if let Some(e) = &p.error {
        input.push(Line::styled(sanitize_line(e), theme.bad()));
    }
    frame.render_widget(Paragraph::new(input), input_area);
    let rows = usize::from(list_area.height);
    let selected = p.selected.min(list.len().saturating_sub(1));
    let top = selected.saturating_sub(rows.saturating_sub(1));
    let name_w = 22;
    let lines: Vec<Line> = list
        .iter()
        .enumerate()
        .skip(top)
        .take(rows)
        .map(|(i, it)| {
            let mut spans = vec![
                Span::styled(
                    format!("{:<name_w$} ", sanitize_line(&it.name)),
                    theme.title(false),
                ),
                Span::raw(sanitize_line(&it.what)),
            ];
            let mut tail = String::new();
            if !it.keys.is_empty() {
                tail.push_str(&format!("  [{}]", it.keys));
            }
            if let Some(panel) = it.panel {
                tail.push_str(&format!("  {}", panel.title()));
            }
            spans.push(Span::styled(sanitize_line(&tail), theme.dim()));
            let line = Line::from(spans);
            if i == selected {
                line.style(theme.selected(true))
            } else {
                line
            }
        })
        .collect();
    let lines = if lines.is_empty() {
        vec![Line::styled("No command matches", theme.dim())]
    } else {
        lines
    };
    frame.render_widget(Paragraph::new(lines), list_area);
}

/// The pager over the whole screen: the output, and a line of keys (or the search typed).
pub fn pager(frame: &mut Frame, area: Rect, pager: &Pager, theme: &Theme) {
    frame.render_widget(Clear, area);
    let [body, status] = Layout::vertical([Constraint::Fill(1), Constraint::Length(1)]).areas(area);
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(theme.border(true))
        // Made safe when the pager opened (`commands::finished`).
        .title(Span::styled(
            format!(" {} ", pager.title),
            theme.title(true),
        ));
    frame.render_widget(
        LogView::new(&pager.view, theme.log_styles())
            .block(block)
            .focused(true)
            .placeholder("The command printed nothing."),
        body,
    );
    let line = match &pager.search_input {
        Some(q) => Line::from(vec![
            Span::styled(format!("/{}", sanitize_line(q)), theme.title(true)),
            Span::styled("█   Enter search · Esc cancel", theme.dim()),
        ]),
        None => {
            let st = pager.view.status();
            let mut text = crate::words::count(st.lines as u64, "line");
            if let Some(s) = &st.search {
                text.push_str(&format!("  /{}: {} hits", sanitize_line(&s.query), s.hits));
            }
            text.push_str("   j/k scroll · g/G ends · / search · n/N hits · Esc/q closes");
            Line::styled(text, theme.dim())
        }
    };
    frame.render_widget(Paragraph::new(line), status);
}
