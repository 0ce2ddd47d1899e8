//! Full-screen detail views opened with Enter.

mod diff;
mod environment;
mod issue;
mod log;
mod pull;
mod run;

use crate::app::state::{AppState, Detail};
use crate::text::sanitize_line;
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
            ..
        } => issue::render(frame, area, state, *number, data, scroll, theme),
        Detail::Run {
            run_id,
            data,
            cursor,
            ..
        } => run::render(frame, area, state, *run_id, data, cursor, theme),
        Detail::Environment {
            repo,
            name,
            cursor,
            insights,
        } => environment::render(frame, area, state, (repo, name), cursor, insights, theme),
        Detail::Pull {
            number,
            data,
            cursor,
            scroll,
            rules,
            ..
        } => pull::render(
            frame,
            area,
            state,
            *number,
            (data, rules.as_ref()),
            cursor,
            scroll,
            theme,
        ),
        Detail::Branch { name } => branch(frame, area, state, name, theme),
        Detail::Log { .. } => log::render(frame, area, state, theme),
        Detail::Diff(view) => diff::render(frame, area, view, theme),
    }
}

/// A block inside a detail view: like `frame_block`, without repeating the key hints.
pub fn sub_block<'a>(title: String, theme: &Theme) -> Block<'a> {
    Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(theme.border(false))
        .title(Span::styled(
            format!(" {} ", sanitize_line(&title)),
            theme.title(false),
        ))
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
                " Esc back · o open in browser · ? keys ",
                theme.dim(),
            ))
            .right_aligned(),
        )
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
                Span::styled(&b.name, theme.title(true)),
                Span::styled(if b.is_head { "  (checked out)" } else { "" }, theme.ok()),
            ]),
            Line::raw(format!("commit   {}", b.sha)),
            Line::raw(format!("summary  {}", b.summary)),
            Line::raw(format!(
                "author   {} · {}",
                b.author,
                crate::text::ago(state.now, b.commit_time)
            )),
            Line::raw(match &b.upstream {
                Some(u) if b.upstream_gone => {
                    format!("upstream {} (gone from the remote)", u.shown())
                }
                Some(u) => format!(
                    "upstream {} · {} ahead, {} behind",
                    u.shown(),
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
            crate::ui::panels::live_line(
                &state.live.branch_verdict(state, &b.sha),
                "its head is",
                state,
                theme,
            ),
        ],
    };
    frame.render_widget(
        Paragraph::new(lines).block(frame_block(format!("Branch {name}"), theme)),
        area,
    );
}
