use super::{list_block, message, Rows};
use crate::app::state::{AppState, PanelId};
use crate::text::age;
use crate::ui::widgets::table::col;
use crate::ui::widgets::table::Cell;
use crate::ui::Theme;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::Frame;

pub fn render(frame: &mut Frame, area: Rect, state: &AppState, focused: bool, theme: &Theme) {
    let loaded = &state.branches;
    let snap = loaded.data.as_ref();
    let subtitle = snap.map(|s| s.summary()).unwrap_or_default();
    let b = list_block(state, PanelId::Branches, &subtitle, loaded, focused, theme);
    let Some(snap) = snap else {
        let text = match (&loaded.error, state.ctx.has_local_repo) {
            (Some(e), _) => e.to_string(),
            (None, false) => state.ctx.repo_problem.clone().unwrap_or_else(|| {
                "Not inside a git repository: local branches are not shown.".into()
            }),
            (None, true) => "loading…".into(),
        };
        message(frame, area, b, &text, loaded.error.is_some(), theme);
        return;
    };
    if snap.branches.is_empty() {
        let text = match &snap.detached_at {
            Some(sha) => format!(
                "No local branches: HEAD is detached at {}. Create one with n.",
                sha.get(..7).unwrap_or(sha)
            ),
            None => "No branches yet (no commits).".into(),
        };
        message(frame, area, b, &text, false, theme);
        return;
    }
    let now = state.now;
    let table = Rows {
        id: PanelId::Branches,
        block: b,
        cols: vec![
            col("", Constraint::Length(1), 0),
            // A branch name is what the user acts on: cut last.
            col("Branch", Constraint::Fill(2), 0).min(30),
            col("Sync", Constraint::Length(9), 0),
            col("Age", Constraint::Length(3), 3),
            col("Last commit", Constraint::Fill(1), 2).min(10),
        ],
        focused,
        data: &snap.branches,
    };
    table.render(frame, area, state, theme, |br| {
        // `*` checked out, `✓` merged into the default branch (safe to delete).
        let marker = if br.is_head {
            Span::styled("*", theme.ok())
        } else if br.merged_into_default {
            Span::styled("✓", theme.dim())
        } else {
            Span::raw(" ")
        };
        let name_style = if br.is_head {
            theme.ok()
        } else {
            ratatui::style::Style::new()
        };
        let sync = if br.upstream.is_none() {
            Span::styled("local", theme.dim())
        } else if br.upstream_gone {
            Span::styled("gone", theme.warn())
        } else if br.ahead == 0 && br.behind == 0 {
            Span::styled("=", theme.dim())
        } else {
            let mut s = String::new();
            if br.ahead > 0 {
                s.push_str(&format!("↑{}", br.ahead));
            }
            if br.behind > 0 {
                if !s.is_empty() {
                    s.push(' ');
                }
                s.push_str(&format!("↓{}", br.behind));
            }
            Span::styled(s, theme.warn())
        };
        let mut name = vec![Span::styled(
            &br.name,
            if br.stale && !br.is_head {
                theme.dim()
            } else {
                name_style
            },
        )];
        if let Some(n) = br.issue {
            name.push(Span::styled(format!(" #{n}"), theme.number()));
        }
        if br.stale {
            name.push(Span::styled(" stale", theme.warn()));
        }
        if let Some(m) = super::live_marker(&state.live.branch_verdict(state, &br.sha), theme) {
            name.extend([Span::raw(" "), m]);
        }
        vec![
            Cell::from(marker),
            Cell::from(Line::from(name)),
            Cell::from(sync),
            Cell::from(Span::styled(age(now, br.commit_time), theme.dim())),
            Cell::from(Span::styled(&br.summary, theme.dim())),
        ]
    });
}
