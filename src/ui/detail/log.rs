//! A job's log: the log engine's widget, with what the log is waiting for, the annotations,
//! the search being typed, and the keys.

use super::frame_block;
use crate::app::state::{AppState, LogPhase, LogSession};
use crate::github::logs::AnnotationLevel;
use crate::logs::LogView;
use crate::text::sanitize_line;
use crate::ui::Theme;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

/// Annotations shown above the log; the rest are a count (they are in the log too).
const MAX_ANNOTATIONS: usize = 4;

pub fn render(frame: &mut Frame, area: Rect, state: &AppState, theme: &Theme) {
    let Some(log) = state.log() else {
        return;
    };
    let notes = log.annotations.len().min(MAX_ANNOTATIONS) as u16;
    let [notes_area, log_area, status_area] = Layout::vertical([
        Constraint::Length(notes),
        Constraint::Fill(1),
        Constraint::Length(1),
    ])
    .areas(area);
    annotations(frame, notes_area, log, theme);
    let phase = match &log.phase {
        LogPhase::Running => "running: its log comes when the job completes".to_string(),
        LogPhase::Fetching => "job finished: downloading its log…".to_string(),
        LogPhase::Complete => "complete".to_string(),
        LogPhase::Failed(why) => format!("no log: {why}"),
    };
    let block = frame_block(format!("{} · log · {phase}", log.job_name), theme);
    if matches!(log.phase, LogPhase::Running | LogPhase::Fetching) && log.view.rows() == 0 {
        live_steps(frame, log_area, block, state, log, theme);
        status(frame, status_area, log, theme);
        return;
    }
    let placeholder = match &log.phase {
        LogPhase::Running | LogPhase::Fetching => "Downloading the log…",
        LogPhase::Failed(_) => {
            "The log could not be downloaded (see the title). r retries the job's status."
        }
        LogPhase::Complete => "The log is empty.",
    };
    frame.render_widget(
        LogView::new(&log.view, theme.log_styles())
            .block(block)
            .focused(true)
            .placeholder(placeholder),
        log_area,
    );
    status(frame, status_area, log, theme);
}

/// What github.com itself shows of a running job: its steps, live, with their times (and
/// the annotations above). GitHub's API has no log text for a running job or a step; the
/// whole log comes the moment the job completes.
fn live_steps(
    frame: &mut Frame,
    area: Rect,
    block: ratatui::widgets::Block<'_>,
    state: &AppState,
    log: &LogSession,
    theme: &Theme,
) {
    let mut lines = log
        .job
        .as_ref()
        .map(|job| super::run::step_lines(job, state.now, theme))
        .unwrap_or_default();
    lines.push(Line::raw(""));
    let note = match log.phase {
        LogPhase::Fetching => "The job completed: downloading its whole log…",
        _ => "GitHub shows a running job's steps live, but no log text until the job completes (its API has no live log); the whole log opens here then, while the run's other jobs go on.",
    };
    lines.push(Line::styled(note, theme.dim()));
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(ratatui::widgets::Wrap { trim: false })
            .block(block),
        area,
    );
}

fn annotations(frame: &mut Frame, area: Rect, log: &LogSession, theme: &Theme) {
    if area.height == 0 {
        return;
    }
    let mut lines: Vec<Line> = log
        .annotations
        .iter()
        .take(MAX_ANNOTATIONS)
        .map(|a| {
            let (mark, style) = match a.annotation_level {
                AnnotationLevel::Failure => ("✗", theme.bad()),
                AnnotationLevel::Warning => ("!", theme.warn()),
                _ => ("i", theme.dim()),
            };
            Line::from(vec![
                Span::styled(format!("{mark} {} ", a.location()), style),
                Span::raw(&a.headline),
            ])
        })
        .collect();
    if log.annotations.len() > MAX_ANNOTATIONS {
        if let Some(last) = lines.last_mut() {
            last.spans.push(Span::styled(
                format!("  (+{} more)", log.annotations.len() - MAX_ANNOTATIONS),
                theme.dim(),
            ));
        }
    }
    frame.render_widget(Paragraph::new(lines), area);
}

fn status(frame: &mut Frame, area: Rect, log: &LogSession, theme: &Theme) {
    if let Some((query, regex)) = &log.search_input {
        let mode = if *regex { "regex" } else { "text" };
        let line = Line::from(vec![
            Span::styled(format!("/{}", sanitize_line(query)), theme.title(true)),
            Span::styled("█", theme.dim()),
            Span::styled(
                format!("   {mode} · Enter search · Ctrl-R regex/text · Esc cancel"),
                theme.dim(),
            ),
        ]);
        frame.render_widget(Paragraph::new(line), area);
        return;
    }
    let st = log.view.status();
    let mut spans = vec![Span::styled(
        crate::words::count(st.lines as u64, "line"),
        theme.dim(),
    )];
    if st.errors > 0 {
        spans.push(Span::styled(
            format!("  ✗ {}", crate::words::count(st.errors as u64, "error")),
            theme.bad(),
        ));
    }
    if st.warnings > 0 {
        spans.push(Span::styled(
            format!("  ! {}", crate::words::count(st.warnings as u64, "warning")),
            theme.warn(),
        ));
    }
    if let Some(s) = &st.search {
        let at = s.current.map(|c| format!("{}/", c + 1)).unwrap_or_default();
        let more = if s.capped { "+" } else { "" };
        let running = if s.done { "" } else { " …" };
        spans.push(Span::styled(
            format!(
                "  /{}: {at}{}{more} hits{running}",
                sanitize_line(&s.query),
                s.hits
            ),
            theme.accent(),
        ));
    }
    if st.follow {
        spans.push(Span::styled("  follow", theme.ok()));
    }
    if let Some((a, b)) = st.selection {
        spans.push(Span::styled(
            format!("  selected {}", b.saturating_sub(a) + 1),
            theme.accent(),
        ));
    }
    spans.push(Span::styled(
        "   / search · n/N next · e/E errors · Enter fold · t time · f follow · v select · y copy · s save · Esc back",
        theme.dim(),
    ));
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
