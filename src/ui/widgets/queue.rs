//! The approval queue (`Q`): an overlay over the dashboard listing every deployment waiting
//! for my review across the current and the watched repositories, with its own cursor.

use crate::app::state::AppState;
use crate::text::{age, sanitize_line};
use crate::ui::widgets::table::{col, Cell, VirtualTable};
use crate::ui::Theme;
use crate::words::short_sha;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Paragraph, Wrap};
use ratatui::Frame;

/// What the keys do, at the bottom of the overlay.
const KEYS: &str = " a approve · A reject · Enter jobs · o browser · r refresh · Esc close ";

pub fn render(frame: &mut Frame, area: Rect, state: &AppState, theme: &Theme) {
    let q = &state.queue;
    let items = q.items.data.as_deref().unwrap_or(&[]);
    let repos = state.all_repos().len();
    let width = area.width.saturating_sub(4).min(130);
    let rows = u16::try_from(items.len()).unwrap_or(u16::MAX);
    let height = rows
        .saturating_add(6)
        .max(8)
        .min(area.height.saturating_sub(2));
    let [row] = Layout::vertical([Constraint::Length(height)])
        .flex(Flex::Center)
        .areas(area);
    let [rect] = Layout::horizontal([Constraint::Length(width)])
        .flex(Flex::Center)
        .areas(row);
    frame.render_widget(Clear, rect);
    let title = format!(
        " Approval queue · {} waiting for you in {repos} {} ",
        items.len(),
        if repos == 1 {
            "repository"
        } else {
            "repositories"
        }
    );
    let mut block = Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(theme.border(true))
        .title(Line::from(Span::styled(title, theme.title(true))))
        .title_bottom(Line::from(Span::styled(KEYS, theme.dim())).right_aligned());
    if q.items.loading && q.items.data.is_none() {
        block =
            block.title_top(Line::from(Span::styled(" loading… ", theme.dim())).right_aligned());
    }
    // What could not be read, and repositories that are gone or archived, above the list.
    let mut notes: Vec<Line> = crate::app::watch::health_notes(state)
        .into_iter()
        .map(|n| {
            Line::from(Span::styled(
                format!("⚠ {}", sanitize_line(&n)),
                theme.warn(),
            ))
        })
        .collect();
    if let Some(e) = &q.items.error {
        notes.push(Line::from(Span::styled(format!("⚠ {e}"), theme.bad())));
    }
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    let note_h = u16::try_from(notes.len())
        .unwrap_or(u16::MAX)
        .min(inner.height / 2);
    let [note_area, list] =
        Layout::vertical([Constraint::Length(note_h), Constraint::Fill(1)]).areas(inner);
    frame.render_widget(Paragraph::new(notes).wrap(Wrap { trim: true }), note_area);
    if items.is_empty() {
        let text = if q.items.data.is_none() {
            "Looking for deployments waiting for you…".to_string()
        } else {
            format!("Nothing waits for your approval in {repos} repositories.")
        };
        frame.render_widget(Paragraph::new(Span::styled(text, theme.dim())), list);
        return;
    }
    let now = state.now;
    let table = VirtualTable {
        block: Block::new(),
        cols: vec![
            col("Repository", Constraint::Max(28), 0).min(10),
            col("Environment", Constraint::Max(20), 0).min(8),
            col("Run", Constraint::Fill(2), 0).min(12),
            col("By", Constraint::Max(14), 2),
            col("Waits", Constraint::Length(5), 1),
            col("Commit", Constraint::Max(30), 3).min(9),
        ],
        len: items.len(),
        focused: true,
        marks: Vec::new(),
    };
    table.render(frame, list, &q.cursor, theme, |i| {
        let a = &items[i];
        let run = &a.run;
        let name = run.name.as_deref().unwrap_or("workflow");
        let by = run
            .actor
            .as_ref()
            .map(|u| format!("@{}", u.login.shown()))
            .unwrap_or_default();
        let commit = format!(
            "{}@{}",
            run.head_branch.as_ref().map_or("", |b| b.shown().as_str()),
            short_sha(&run.head_sha)
        );
        vec![
            Cell::from(Span::styled(a.repo.full_name(), theme.title(false))),
            Cell::from(Span::styled(
                format!("⏸ {}", a.pending.environment.name.shown()),
                theme.waiting(),
            )),
            Cell::from(Line::from(vec![
                Span::styled(format!("#{} ", run.run_number), theme.number()),
                Span::raw(name),
            ])),
            Cell::from(Span::styled(by, theme.dim())),
            Cell::from(Span::styled(age(now, run.created_at), theme.dim())),
            Cell::from(commit).keep_tail(8),
        ]
    });
}
