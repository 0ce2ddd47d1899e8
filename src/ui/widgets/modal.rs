//! Forms and confirmations drawn over the dashboard.

use crate::app::modal::{Confirm, Editor, FieldKind, Form, Modal};
use crate::text::sanitize_line;
use crate::ui::Theme;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Paragraph, Wrap};
use ratatui::Frame;

pub fn render(frame: &mut Frame, area: Rect, modal: &Modal, theme: &Theme) {
    match modal {
        Modal::Form(f) => form(frame, area, f, theme),
        Modal::Confirm(c) => confirm(frame, area, c, theme),
        Modal::Editor(e) => editor(frame, area, e, theme),
    }
}

fn editor(frame: &mut Frame, area: Rect, ed: &Editor, theme: &Theme) {
    let width = 90u16.min(area.width.saturating_sub(4)).max(30);
    let height = 18u16.min(area.height.saturating_sub(2)).max(8);
    let rect = popup(area, width, height);
    frame.render_widget(Clear, rect);
    let block = frame_block(&ed.title, theme, " Ctrl-S send · Esc close (draft kept) ");
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    let ctx_h = ed.context.len().min(2) as u16;
    let [ctx, text, status] = Layout::vertical([
        Constraint::Length(ctx_h),
        Constraint::Fill(1),
        Constraint::Length(1),
    ])
    .areas(inner);
    let ctx_lines: Vec<Line> = ed
        .context
        .iter()
        .take(2)
        .map(|c| Line::styled(sanitize_line(c), theme.dim()))
        .collect();
    frame.render_widget(Paragraph::new(ctx_lines), ctx);
    let mut t = ed.text.clone();
    t.set_block(
        Block::bordered()
            .border_type(BorderType::Plain)
            .border_style(theme.border(true)),
    );
    t.set_cursor_line_style(ratatui::style::Style::new());
    frame.render_widget(&t, text);
    let line = match &ed.error {
        Some(e) => Line::styled(sanitize_line(e), theme.bad()),
        None => Line::styled("saved as a draft while you type", theme.dim()),
    };
    frame.render_widget(Paragraph::new(line), status);
}

fn popup(area: Rect, width: u16, height: u16) -> Rect {
    let [row] = Layout::vertical([Constraint::Length(height.min(area.height))])
        .flex(Flex::Center)
        .areas(area);
    let [r] = Layout::horizontal([Constraint::Length(width.min(area.width))])
        .flex(Flex::Center)
        .areas(row);
    r
}

fn frame_block<'a>(title: &str, theme: &Theme, hint: &'a str) -> Block<'a> {
    Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(theme.border(true))
        .title(Span::styled(
            format!(" {} ", sanitize_line(title)),
            theme.title(true),
        ))
        .title_bottom(Line::from(Span::styled(hint, theme.dim())).right_aligned())
}

fn field_height(kind: &FieldKind) -> u16 {
    match kind {
        // Six lines of text inside the border: a PR body's first paragraph and its keyword.
        FieldKind::Multiline(_) => 8,
        _ => 1,
    }
}

fn form(frame: &mut Frame, area: Rect, f: &Form, theme: &Theme) {
    let width = 80u16.min(area.width.saturating_sub(4)).max(30);
    // Long intro lines wrap: they name what the form acts on and must be read whole.
    let intro: Vec<String> = f
        .intro
        .iter()
        .flat_map(|l| super::help::wrap(&sanitize_line(l), usize::from(width.saturating_sub(2))))
        .collect();
    let intro_h = intro.len() as u16;
    let rows = |k: &FieldKind| field_height(k) + 1;
    let fields_h: u16 = f.fields.iter().map(|x| rows(&x.kind)).sum();
    let height = intro_h + 1 + fields_h + 2 + 2;
    let rect = popup(area, width, height);
    frame.render_widget(Clear, rect);
    let hint = match f.purpose {
        crate::app::modal::Purpose::NewIssue { .. } => {
            " Tab/Enter next · Ctrl-S open · Esc close (draft kept) "
        }
        _ => " Tab next · Enter/Ctrl-S submit · Esc cancel ",
    };
    let block = frame_block(&f.title, theme, hint);
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    let mut y = inner.y;
    for line in &intro {
        if y >= inner.bottom() {
            break;
        }
        frame.render_widget(
            Paragraph::new(Span::styled(line.as_str(), theme.dim())),
            Rect::new(inner.x, y, inner.width, 1),
        );
        y += 1;
    }
    // A form taller than the screen (many labels, many inputs) scrolls to keep the focused
    // field in view, and says that there is more.
    let room = inner.bottom().saturating_sub(y + 1);
    let mut first = 0;
    while first < f.focus
        && f.fields[first..=f.focus.min(f.fields.len().saturating_sub(1))]
            .iter()
            .map(|x| rows(&x.kind))
            .sum::<u16>()
            > room
    {
        first += 1;
    }
    let mut shown_h = 0;
    let last_shown = f.fields[first..]
        .iter()
        .take_while(|x| {
            shown_h += rows(&x.kind);
            shown_h <= room + 1
        })
        .count()
        + first;
    let more = match (first > 0, last_shown < f.fields.len()) {
        (true, true) => Some(format!(
            "↑ {first} more · ↓ {} more",
            f.fields.len() - last_shown
        )),
        (true, false) => Some(format!("↑ {first} more")),
        (false, true) => Some(format!("↓ {} more (Tab)", f.fields.len() - last_shown)),
        (false, false) => None,
    };
    if let (Some(more), true) = (more, y < inner.bottom()) {
        frame.render_widget(
            Paragraph::new(Span::styled(more, theme.dim()))
                .alignment(ratatui::layout::Alignment::Right),
            Rect::new(inner.x, y, inner.width, 1),
        );
    }
    y += 1;
    let label_w = f
        .fields
        .iter()
        .map(|x| x.label.chars().count())
        .max()
        .unwrap_or(8)
        .min(28) as u16
        + 2;
    for (i, field) in f.fields.iter().enumerate().skip(first) {
        let h = field_height(&field.kind);
        if y + h > inner.bottom() {
            break;
        }
        let focused = i == f.focus;
        let mark = if field.required { "*" } else { "" };
        let label_style = if focused {
            theme.title(true)
        } else {
            theme.dim()
        };
        frame.render_widget(
            Paragraph::new(Span::styled(
                format!("{}{mark}", sanitize_line(&field.label)),
                label_style,
            )),
            Rect::new(inner.x, y, label_w, 1),
        );
        let value_area = Rect::new(inner.x + label_w, y, inner.width.saturating_sub(label_w), h);
        match &field.kind {
            FieldKind::Text(t) | FieldKind::Multiline(t) => {
                let mut t = t.clone();
                if !focused {
                    t.set_cursor_style(ratatui::style::Style::new());
                    t.set_cursor_line_style(ratatui::style::Style::new());
                } else {
                    t.set_cursor_line_style(ratatui::style::Style::new());
                }
                if matches!(field.kind, FieldKind::Multiline(_)) {
                    t.set_block(
                        Block::bordered()
                            .border_type(BorderType::Plain)
                            .border_style(theme.border(focused)),
                    );
                } else {
                    t.set_style(theme.selected(focused));
                }
                frame.render_widget(&t, value_area);
            }
            FieldKind::Choice { options, selected } => {
                let mut spans = Vec::new();
                for (k, o) in options.iter().enumerate() {
                    let style = if k == *selected {
                        theme.selected(focused)
                    } else {
                        theme.dim()
                    };
                    spans.push(Span::styled(format!(" {} ", sanitize_line(o)), style));
                }
                if focused {
                    spans.push(Span::styled("  ←/→", theme.dim()));
                }
                frame.render_widget(Paragraph::new(Line::from(spans)), value_area);
            }
            FieldKind::Toggle(on) => {
                let text = if *on { "[x] yes" } else { "[ ] no" };
                let hint = if focused { "  space toggles" } else { "" };
                frame.render_widget(
                    Paragraph::new(Line::from(vec![
                        Span::styled(text, theme.selected(focused)),
                        Span::styled(hint, theme.dim()),
                    ])),
                    value_area,
                );
            }
        }
        y += h;
        if let (Some(help), true) = (&field.help, focused) {
            if y < inner.bottom() {
                frame.render_widget(
                    Paragraph::new(Span::styled(sanitize_line(help), theme.dim())),
                    Rect::new(inner.x + label_w, y, inner.width.saturating_sub(label_w), 1),
                );
            }
        }
        y += 1;
    }
    if let Some(err) = &f.error {
        let at = inner.bottom().saturating_sub(1);
        frame.render_widget(
            Paragraph::new(Span::styled(sanitize_line(err), theme.bad())),
            Rect::new(inner.x, at, inner.width, 1),
        );
    }
}

fn confirm(frame: &mut Frame, area: Rect, c: &Confirm, theme: &Theme) {
    let width = 84u16.min(area.width.saturating_sub(4)).max(30);
    let mut lines: Vec<Line> = Vec::new();
    for w in &c.warnings {
        lines.push(Line::styled(
            format!("⚠ {}", sanitize_line(w)),
            theme.warn(),
        ));
    }
    if !c.warnings.is_empty() {
        lines.push(Line::raw(""));
    }
    for l in &c.lines {
        lines.push(Line::raw(sanitize_line(l)));
    }
    lines.push(Line::raw(""));
    lines.push(Line::from(vec![
        Span::styled(" y ", theme.selected(true)),
        Span::raw(" yes    "),
        Span::styled(" n ", theme.selected(false)),
        Span::raw(" no"),
    ]));
    let inner_w = width.saturating_sub(2).max(1) as usize;
    let wrapped: u16 = lines
        .iter()
        .map(|l| (l.width().max(1).div_ceil(inner_w)) as u16)
        .sum();
    let rect = popup(area, width, wrapped + 2);
    frame.render_widget(Clear, rect);
    let block = frame_block(&c.title, theme, " y confirm · n/Esc cancel ");
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(block),
        rect,
    );
}
