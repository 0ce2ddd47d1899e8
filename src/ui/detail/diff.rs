//! A pull request's diff: the files beside it, its hunks with both line numbers, review
//! threads under their lines. Only the rows on screen are styled: the layout was built when
//! the data arrived (`app::diffview`).

use super::{frame_block, sub_block};
use crate::app::diffview::{DiffLayout, DiffView, Row, RowKind};
use crate::app::state::Cursor;
use crate::ui::panels::fit;
use crate::ui::Theme;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

/// The file list shows beside the diff from this width on.
const FILES_FROM_WIDTH: u16 = 100;

pub fn render(frame: &mut Frame, area: Rect, view: &DiffView, theme: &Theme) {
    let block = frame_block(format!("#{} diff", view.number), theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let Some(d) = view.data.data.as_ref() else {
        let text = match &view.data.error {
            Some(why) => format!("Could not read the diff: {}", why),
            None => "loading…".into(),
        };
        frame.render_widget(Paragraph::new(text), inner);
        return;
    };
    let [top, body] = Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(inner);
    frame.render_widget(Paragraph::new(summary(view, d, theme)), top);
    let current = d.file_at(view.cursor.selected).unwrap_or(0);
    let rows_area = if body.width >= FILES_FROM_WIDTH && !d.files.is_empty() {
        let w = (body.width / 3).min(48);
        let [files_area, rows_area] =
            Layout::horizontal([Constraint::Length(w), Constraint::Fill(1)]).areas(body);
        files(frame, files_area, d, current, theme);
        rows_area
    } else {
        body
    };
    rows(frame, rows_area, view, d, theme);
}

fn summary<'a>(view: &DiffView, d: &DiffLayout, theme: &Theme) -> Line<'a> {
    let (adds, dels) = (d.additions, d.deletions);
    let mut spans = vec![
        Span::styled(d.title.clone(), theme.title(true)),
        Span::raw(format!(
            "  {} · ",
            crate::words::count(d.files.len() as u64, "file")
        )),
        Span::styled(format!("+{adds}"), theme.ok()),
        Span::raw(" "),
        Span::styled(format!("−{dels}"), theme.bad()),
        Span::styled(
            format!(
                " · head {} · {} · n/N file · {{/}} hunk · c comment",
                crate::words::short_sha(&d.head_sha),
                crate::words::count(d.threads as u64, "review thread")
            ),
            theme.dim(),
        ),
    ];
    if let Some(note) = &d.note {
        spans.push(Span::styled(format!(" · {note}"), theme.warn()));
    }
    if let Some(why) = &view.data.error {
        spans.push(Span::styled(
            format!(" · refresh failed: {}", why),
            theme.bad(),
        ));
    }
    Line::from(spans)
}

fn files(frame: &mut Frame, area: Rect, d: &DiffLayout, current: usize, theme: &Theme) {
    let block = sub_block("Files".into(), theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let height = usize::from(inner.height);
    let cursor = Cursor {
        selected: current,
        ..Cursor::default()
    };
    let off = cursor.window(d.files.len(), height);
    let width = usize::from(inner.width);
    let lines: Vec<Line> = d
        .files
        .iter()
        .enumerate()
        .skip(off)
        .take(height)
        .map(|(i, f)| {
            let counts = format!(" +{} −{}", f.additions, f.deletions);
            let mark = match f.status.as_str() {
                "added" => "A ",
                "removed" => "D ",
                "renamed" => "R ",
                _ => "M ",
            };
            let room = width.saturating_sub(counts.chars().count() + mark.len());
            let mut line = Line::from(vec![
                Span::styled(mark, theme.dim()),
                Span::raw(format!("{:<room$}", fit(&f.label, room))),
                Span::styled(counts, theme.dim()),
            ]);
            if i == current {
                line = line.style(theme.selected(true));
            }
            line
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}

fn rows(frame: &mut Frame, area: Rect, view: &DiffView, d: &DiffLayout, theme: &Theme) {
    let height = usize::from(area.height);
    let off = view.cursor.window(d.rows.len(), height);
    let lines: Vec<Line> = d
        .rows
        .iter()
        .enumerate()
        .skip(off)
        .take(height)
        .map(|(i, r)| {
            let line = row_line(r, d, theme);
            if i == view.cursor.selected {
                line.patch_style(theme.selected(true))
            } else {
                line
            }
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), area);
}

fn number(n: Option<u32>) -> String {
    n.map_or_else(|| " ".repeat(5), |n| format!("{n:>5}"))
}

fn row_line<'a>(r: &'a Row, d: &DiffLayout, theme: &Theme) -> Line<'a> {
    let gutter = |r: &Row| format!("{} {} ", number(r.old), number(r.new));
    let code = |marker: &'static str, style: Style| {
        Line::from(vec![
            Span::styled(gutter(r), theme.dim()),
            Span::styled(marker, style),
            Span::styled(r.text.as_str(), style),
        ])
    };
    match r.kind {
        RowKind::File => {
            let f = d.files.get(r.file);
            Line::from(vec![
                Span::styled(format!("▸ {}", r.text), theme.title(true)),
                Span::styled(
                    f.map(|f| format!("  {} +{} −{}", f.status, f.additions, f.deletions))
                        .unwrap_or_default(),
                    theme.dim(),
                ),
            ])
        }
        RowKind::Hunk => Line::styled(format!("{:12}{}", "", r.text), theme.accent()),
        RowKind::Context => code(" ", Style::new()),
        RowKind::Added => code("+", theme.ok()),
        RowKind::Removed => code("-", theme.bad()),
        RowKind::NoNewline => Line::styled(format!("{:12}{}", "", r.text), theme.dim()),
        RowKind::Note => Line::styled(
            format!("  {}", r.text),
            theme.dim().add_modifier(Modifier::ITALIC),
        ),
        RowKind::Comment => Line::styled(format!("{:12}  ┃ {}", "", r.text), theme.warn()),
        RowKind::CommentBody => Line::from(vec![
            Span::styled(format!("{:12}  ┃ ", ""), theme.warn()),
            Span::raw(r.text.as_str()),
        ]),
        RowKind::Outdated => Line::styled(format!("{:12}{}", "", r.text), theme.dim()),
    }
}
