//! Full-screen detail views opened with Enter.

mod environment;
mod issue;
mod run;

use crate::app::state::{AppState, Detail};
use crate::text::{age, sanitize_line};
use crate::ui::Theme;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Paragraph};
use ratatui::Frame;

pub fn render(frame: &mut Frame, area: Rect, state: &AppState, detail: &Detail, theme: &Theme) {
    match detail {
        Detail::Issue {
            number,
            data,
            scroll,
        } => issue::render(frame, area, state, *number, data, scroll, theme),
        Detail::Run {
            run_id,
            data,
            cursor,
        } => run::render(frame, area, state, *run_id, data, cursor, theme),
        Detail::Environment {
            name,
            cursor,
            insights,
        } => environment::render(frame, area, state, name, cursor, insights, theme),
        Detail::Pull { number, scroll } => pull(frame, area, state, *number, scroll, theme),
        Detail::Branch { name } => branch(frame, area, state, name, theme),
    }
}

pub fn frame_block<'a>(title: String, theme: &Theme) -> Block<'a> {
    Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(theme.border(true))
        .title(Span::styled(
            format!(" {} ", sanitize_line(&title)),
            theme.title(true),
        ))
        .title_bottom(
            Line::from(Span::styled(
                " Esc back · o open in browser · j/k scroll ",
                theme.dim(),
            ))
            .right_aligned(),
        )
}

fn pull(
    frame: &mut Frame,
    area: Rect,
    state: &AppState,
    number: u64,
    scroll: &crate::app::state::Scroll,
    theme: &Theme,
) {
    let row = state
        .pulls
        .data
        .as_ref()
        .and_then(|v| v.iter().find(|r| r.pr.number == number));
    let Some(r) = row else {
        let p = Paragraph::new("This pull request is no longer in the list.")
            .block(frame_block(format!("#{number}"), theme));
        frame.render_widget(p, area);
        return;
    };
    let pr = &r.pr;
    let author = pr.user.as_ref().map(|u| u.login.as_str()).unwrap_or("?");
    let mut lines = vec![
        Line::from(vec![
            Span::styled(format!("#{} ", pr.number), theme.number()),
            Span::styled(sanitize_line(&pr.title), theme.title(true)),
        ]),
        Line::from(vec![
            Span::styled(if pr.draft { "draft" } else { "open" }, theme.accent()),
            Span::raw(format!(
                " · @{} wants to merge {} into {} · opened {} ago",
                sanitize_line(author),
                sanitize_line(&pr.head.ref_name),
                sanitize_line(&pr.base.ref_name),
                age(state.now, pr.created_at)
            )),
        ]),
        Line::from(vec![
            Span::raw("review: "),
            crate::ui::panels::pulls::decision_span(r.decision, theme),
            Span::raw(format!("   comments: {}", r.comments)),
        ]),
        {
            let mut checks = crate::ui::panels::pulls::checks_spans(r.checks.as_ref(), theme);
            checks.spans.insert(0, Span::raw("checks: "));
            checks
        },
        Line::raw(""),
    ];
    let block = frame_block(format!("Pull request #{number}"), theme);
    let inner = block.inner(area);
    match pr.body.as_deref().filter(|b| !b.trim().is_empty()) {
        Some(body) => lines.extend(crate::ui::markdown::render(
            body,
            inner.width.saturating_sub(1),
            theme,
        )),
        None => lines.push(Line::styled("No description.", theme.dim())),
    }
    let height = usize::from(inner.height);
    let off = scroll.offset(lines.len(), height);
    let visible: Vec<Line> = lines.into_iter().skip(off).take(height).collect();
    frame.render_widget(Paragraph::new(visible).block(block), area);
}

fn branch(frame: &mut Frame, area: Rect, state: &AppState, name: &str, theme: &Theme) {
    let b = state
        .branches
        .data
        .as_ref()
        .and_then(|s| s.branches.iter().find(|b| b.name == name));
    let lines = match b {
        None => vec![Line::raw("This branch no longer exists.")],
        Some(b) => vec![
            Line::from(vec![
                Span::styled(sanitize_line(&b.name), theme.title(true)),
                Span::styled(if b.is_head { "  (checked out)" } else { "" }, theme.ok()),
            ]),
            Line::raw(format!("commit   {}", sanitize_line(&b.sha))),
            Line::raw(format!("summary  {}", sanitize_line(&b.summary))),
            Line::raw(format!(
                "author   {} · {} ago",
                sanitize_line(&b.author),
                age(state.now, b.commit_time)
            )),
            Line::raw(match &b.upstream {
                Some(u) if b.upstream_gone => {
                    format!("upstream {} (gone from the remote)", sanitize_line(u))
                }
                Some(u) => format!(
                    "upstream {} · {} ahead, {} behind",
                    sanitize_line(u),
                    b.ahead,
                    b.behind
                ),
                None => "upstream none (local only)".to_string(),
            }),
            Line::raw(if b.merged_into_default {
                "merged into the default branch"
            } else {
                "not merged into the default branch"
            }),
        ],
    };
    frame.render_widget(
        Paragraph::new(lines).block(frame_block(format!("Branch {name}"), theme)),
        area,
    );
}
