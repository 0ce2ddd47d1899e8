use super::{block, render_empty, unread};
use crate::app::state::{AppState, PanelId};
use crate::text::{age, sanitize_line};
use crate::ui::widgets::{
    icons,
    table::{col, VirtualTable},
};
use crate::ui::Theme;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Cell;
use ratatui::Frame;

pub fn short_sha(sha: &str) -> String {
    sanitize_line(sha.get(..7).unwrap_or(sha))
}

pub fn render(frame: &mut Frame, area: Rect, state: &AppState, focused: bool, theme: &Theme) {
    let count = state.envs.data.as_ref().map(Vec::len);
    let b = block(
        PanelId::Deploys,
        "environments",
        count,
        &state.envs,
        focused,
        theme,
    );
    if state.ctx.repo.is_none() {
        let text = state
            .ctx
            .repo_problem
            .clone()
            .unwrap_or_else(|| "No GitHub repository.".into());
        super::message(frame, area, b, &text, true, theme);
        return;
    }
    if render_empty(
        frame,
        area,
        b.clone(),
        &state.envs,
        "This repository has no environments.",
        theme,
    ) {
        return;
    }
    let Some(envs) = state.envs.data.as_ref() else {
        return;
    };
    let now = state.now;
    let table = VirtualTable {
        block: b,
        cols: vec![
            col("Env", Constraint::Length(11), 0),
            col("", Constraint::Length(1), 0),
            col("Live", Constraint::Fill(2), 0),
            col("By", Constraint::Length(9), 2),
            col("When", Constraint::Length(4), 1),
            col("Now", Constraint::Fill(3), 0),
        ],
        len: envs.len(),
        focused,
    };
    table.render(frame, area, state.cursor(PanelId::Deploys), theme, |i| {
        let e = &envs[i];
        let live = e.live();
        let (icon, style) = match e.history.first() {
            Some(newest) => icons::deploy_state(newest.state(), theme),
            None => ("-", theme.dim()),
        };
        let live_text = live
            .map(|d| {
                format!(
                    "{}@{}",
                    sanitize_line(&d.deployment.ref_name),
                    short_sha(&d.deployment.sha)
                )
            })
            .unwrap_or_else(|| "nothing deployed".into());
        // Unsure: the newest deployment whose state could not be read may be the live one.
        let live_text = match (e.live_unsure(), live.or(e.history.first())) {
            (false, _) => Line::from(live_text),
            (true, None) => Line::from(unread(theme)),
            (true, Some(d)) => Line::from(vec![
                unread(theme),
                Span::raw(format!(
                    " {}@{}",
                    sanitize_line(&d.deployment.ref_name),
                    short_sha(&d.deployment.sha)
                )),
            ]),
        };
        let by = live
            .and_then(|d| d.deployment.creator.as_ref())
            .map(|u| sanitize_line(&u.login))
            .unwrap_or_default();
        let when = live
            .map(|d| age(now, d.deployment.created_at))
            .unwrap_or_default();
        let followed = state
            .followed
            .iter()
            .find(|f| f.environment.as_deref() == Some(e.env.name.as_str()));
        let now_cell = if let Some(f) = followed {
            let status = f
                .run
                .as_ref()
                .map(|r| icons::run_word(&r.status, r.conclusion.as_ref()))
                .unwrap_or_else(|| "starting".into());
            let (number, git_ref) = f
                .run
                .as_ref()
                .map(|r| {
                    (
                        format!("#{}", r.run_number),
                        sanitize_line(r.head_branch.as_deref().unwrap_or("")),
                    )
                })
                .unwrap_or_default();
            Line::from(Span::styled(
                format!("● {status} {number} {git_ref}"),
                theme.running(),
            ))
        } else if let Some((run, pending)) = e.waiting.first() {
            // Short first: the column is narrow on small terminals.
            let what = if pending.current_user_can_approve {
                "waits for you"
            } else {
                "waits for approval"
            };
            Line::from(Span::styled(
                format!("⏸ #{} {what}", run.run_number),
                theme.waiting(),
            ))
        } else if let Some(d) = e.in_progress() {
            Line::from(Span::styled(
                format!(
                    "● deploying {}@{}",
                    sanitize_line(&d.deployment.ref_name),
                    short_sha(&d.deployment.sha)
                ),
                theme.running(),
            ))
        } else if let Some(newest) = e
            .history
            .first()
            .filter(|d| matches!(d.state(), "failure" | "error"))
        {
            Line::from(Span::styled(
                format!("✗ last deploy {}", newest.state()),
                theme.bad(),
            ))
        } else if let Some(u) = e.gaps.iter().next() {
            // Not "idle": what could not be read may be a deploy under way or waiting.
            Line::from(vec![
                unread(theme),
                Span::styled(format!(" {}", u.part.label()), theme.dim()),
            ])
        } else {
            Line::from(Span::styled("idle", theme.dim()))
        };
        vec![
            Cell::from(Span::styled(sanitize_line(&e.env.name), theme.title(false))),
            Cell::from(Span::styled(icon, style)),
            Cell::from(live_text),
            Cell::from(Span::styled(by, theme.dim())),
            Cell::from(Span::styled(when, theme.dim())),
            Cell::from(now_cell),
        ]
    });
}
