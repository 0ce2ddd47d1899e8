use super::frame_block;
use crate::app::state::{AppState, Cursor, Loaded};
use crate::github::logs::{Annotation, AnnotationLevel};
use crate::github::models::{Conclusion, Job, RunStatus, WorkflowRun};
use crate::text::duration;
use crate::ui::panels::ci::run_duration;
use crate::ui::widgets::icons;
use crate::ui::Theme;
use chrono::{DateTime, Utc};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

fn span_of(
    start: Option<DateTime<Utc>>,
    end: Option<DateTime<Utc>>,
    status: &RunStatus,
    now: DateTime<Utc>,
) -> String {
    match (start, end, status) {
        (Some(s), Some(e), RunStatus::Completed) => duration((e - s).num_seconds()),
        (Some(s), _, RunStatus::InProgress) => duration((now - s).num_seconds()),
        _ => String::new(),
    }
}

/// The run's summary once it ended: its jobs by outcome and what they annotated.
fn summary(run: &WorkflowRun, jobs: &[Job], state: &AppState, theme: &Theme) -> Line<'static> {
    let count = |f: &dyn Fn(&Job) -> bool| jobs.iter().filter(|j| f(j)).count();
    let ok = count(&|j| j.conclusion == Some(Conclusion::Success));
    let failed = count(&|j| j.conclusion.as_ref().is_some_and(Conclusion::is_failure));
    let other = jobs.len() - ok - failed;
    let notes: Vec<&Annotation> = state
        .run_annotations()
        .iter()
        .filter(|(id, _)| jobs.iter().any(|j| j.id == *id))
        .flat_map(|(_, a)| a.iter())
        .collect();
    let errors = notes
        .iter()
        .filter(|a| a.annotation_level == AnnotationLevel::Failure)
        .count();
    let mut text = format!("Summary: {} jobs, {ok} succeeded", jobs.len());
    if failed > 0 {
        text.push_str(&format!(", {failed} failed"));
    }
    if other > 0 {
        text.push_str(&format!(", {other} skipped or cancelled"));
    }
    if !notes.is_empty() {
        text.push_str(&format!(" · {} annotations ({errors} errors)", notes.len()));
    }
    let style = if run.conclusion.as_ref().is_some_and(Conclusion::is_failure) {
        theme.bad()
    } else {
        theme.dim()
    };
    Line::styled(text, style)
}

/// A job's steps, each with its status and how long it ran or has been running.
pub(super) fn step_lines(job: &Job, now: DateTime<Utc>, theme: &Theme) -> Vec<Line<'static>> {
    job.steps
        .iter()
        .map(|step| {
            let (icon, style) = icons::run(&step.status, step.conclusion.as_ref(), theme);
            Line::from(vec![
                Span::raw("    "),
                Span::styled(format!("{icon} "), style),
                Span::raw(step.name.clone()),
                Span::styled(
                    format!(
                        "  {}",
                        span_of(step.started_at, step.completed_at, &step.status, now)
                    ),
                    theme.dim(),
                ),
            ])
        })
        .collect()
}

pub fn render(
    frame: &mut Frame,
    area: Rect,
    state: &AppState,
    run_id: u64,
    data: &Loaded<(WorkflowRun, Vec<Job>)>,
    cursor: &Cursor,
    theme: &Theme,
) {
    let Some((run, jobs)) = data.data.as_ref() else {
        let text = data.error.clone().unwrap_or_else(|| "loading…".into());
        frame.render_widget(
            Paragraph::new(text.as_str()).block(frame_block(format!("Run {run_id}"), theme)),
            area,
        );
        return;
    };
    let now = state.now;
    let name = run.name.as_deref().unwrap_or("workflow");
    let block = frame_block(format!("{} #{}", name, run.run_number), theme);
    let (icon, style) = icons::run(&run.status, run.conclusion.as_ref(), theme);
    let mut lines = vec![
        Line::from(vec![
            Span::styled(format!("{icon} "), style),
            Span::styled(
                run.display_title.as_deref().unwrap_or(""),
                theme.title(true),
            ),
        ]),
        Line::from(vec![
            Span::styled(icons::run_word(&run.status, run.conclusion.as_ref()), style),
            Span::raw(format!(
                " · {} · {} @ {} · {}",
                run.event,
                run.head_branch.as_ref().map_or("", |b| b.shown().as_str()),
                crate::words::short_sha(&run.head_sha),
                run_duration(run, now)
            )),
            Span::styled(if data.is_stale() { "  (stale)" } else { "" }, theme.bad()),
        ]),
    ];
    if run.waits_for_approval() {
        lines.push(Line::styled(
            "⏸ waits for approval — a approves: a fork's pull request runs once a maintainer lets it",
            theme.waiting(),
        ));
    } else if !run.status.is_active() {
        lines.push(summary(run, jobs, state, theme));
    }
    lines.push(Line::raw(""));
    // Flatten jobs and their steps; remember where each job starts so the selected one stays visible.
    let mut job_line = Vec::with_capacity(jobs.len());
    for (i, job) in jobs.iter().enumerate() {
        job_line.push(lines.len());
        let (icon, style) = icons::run(&job.status, job.conclusion.as_ref(), theme);
        let selected = i == cursor.selected;
        let name_style = if selected {
            theme.selected(true)
        } else {
            theme.title(false)
        };
        lines.push(Line::from(vec![
            Span::styled(format!("{icon} "), style),
            Span::styled(&job.name, name_style),
            Span::styled(
                format!(
                    "  {}",
                    span_of(job.started_at, job.completed_at, &job.status, now)
                ),
                theme.dim(),
            ),
        ]));
        lines.extend(step_lines(job, now, theme));
        // Annotations (errors and warnings with file:line) as soon as the job reports them.
        let notes = state
            .run_annotations()
            .iter()
            .find(|(id, _)| *id == job.id)
            .map(|(_, a)| a.as_slice())
            .unwrap_or(&[]);
        for a in notes {
            let style = match a.annotation_level {
                crate::github::logs::AnnotationLevel::Failure => theme.bad(),
                crate::github::logs::AnnotationLevel::Warning => theme.warn(),
                _ => theme.dim(),
            };
            lines.push(Line::from(vec![
                Span::raw("    "),
                Span::styled(format!("⚑ {} ", a.location()), style),
                Span::raw(&a.headline),
            ]));
        }
    }
    if jobs.is_empty() && !run.waits_for_approval() {
        lines.push(Line::styled("No jobs yet (queued).", theme.dim()));
    }
    let height = usize::from(area.height.saturating_sub(2));
    let start = job_line.get(cursor.selected).copied().unwrap_or(0);
    let off = if start + 1 > height {
        start + 1 - height.min(start + 1)
    } else {
        0
    };
    let visible: Vec<Line> = lines.into_iter().skip(off).take(height).collect();
    frame.render_widget(Paragraph::new(visible).block(block), area);
}
