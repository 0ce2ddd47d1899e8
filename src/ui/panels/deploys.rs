use super::{list_block, loaded_rows, unread, Rows};
use crate::app::state::{AppState, PanelId};
use crate::text::{age, Name};
use crate::ui::widgets::table::Cell;
use crate::ui::widgets::{icons, table::col};
use crate::ui::Theme;
use crate::words::short_sha;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::Frame;

/// `main@9092ce7`.
fn ref_at(git_ref: &Name, sha: &str) -> String {
    format!("{}@{}", git_ref.shown(), short_sha(sha))
}

pub fn render(frame: &mut Frame, area: Rect, state: &AppState, focused: bool, theme: &Theme) {
    let b = list_block(
        state,
        PanelId::Deploys,
        &super::scoped(state, "environments"),
        &state.envs,
        focused,
        theme,
    );
    if state.ctx.repo.is_none() && !super::watched(state) {
        let text = state
            .ctx
            .repo_problem
            .clone()
            .unwrap_or_else(|| "No GitHub repository.".into());
        super::message(frame, area, b, &text, true, theme);
        return;
    }
    let Some(envs) = loaded_rows(
        frame,
        area,
        b.clone(),
        &state.envs,
        if super::watched(state) {
            "The watched repositories have no environments."
        } else {
            "This repository has no environments."
        },
        theme,
    ) else {
        return;
    };
    let now = state.now;
    let many = super::watched(state);
    let mut cols = vec![
        col("Env", Constraint::Max(20), 0).min(12),
        col("", Constraint::Length(1), 0),
        // A ref cut to `v1.…@abcdef0` at worst: a sha is never cut.
        col("Live", Constraint::Fill(2), 0).min(14),
        col("By", Constraint::Max(12), 2),
        col("When", Constraint::Length(4), 1),
        // "⏸ #12 waits for you" whole.
        col("Now", Constraint::Fill(3), 0).min(19),
    ];
    if many {
        cols.insert(0, col("Repository", Constraint::Max(24), 0).min(10));
    }
    let table = Rows {
        id: PanelId::Deploys,
        block: b,
        cols,
        focused,
        data: envs,
    };
    table.render(frame, area, state, theme, |e| {
        let live = e.live();
        let (icon, style) = match e.history.first() {
            Some(newest) => icons::deploy_state(newest.state(), theme),
            None => ("-", theme.dim()),
        };
        let live_text = live
            .map(|d| ref_at(&d.deployment.ref_name, &d.deployment.sha))
            .unwrap_or_else(|| "nothing deployed".into());
        // Unsure: the newest deployment whose state could not be read may be the live one.
        let live_text = match (e.live_unsure(), live.or(e.history.first())) {
            (false, None) => Cell::from(live_text),
            (false, Some(_)) => Cell::from(live_text).keep_tail(8),
            (true, None) => Cell::from(unread(theme)),
            (true, Some(d)) => Cell::from(Line::from(vec![
                unread(theme),
                Span::raw(format!(
                    " {}",
                    ref_at(&d.deployment.ref_name, &d.deployment.sha)
                )),
            ]))
            .keep_tail(8),
        };
        let by = live
            .and_then(|d| d.deployment.creator.as_ref())
            .map_or("", |u| u.login.shown().as_str());
        let when = live
            .map(|d| age(now, d.deployment.created_at))
            .unwrap_or_default();
        let followed = state
            .followed
            .iter()
            .find(|f| f.environment.as_deref() == Some(e.env.name.as_str()) && f.repo == e.repo);
        // A run waiting for approval comes first, even one cockpit follows: it is what needs
        // the user now. A followed deploy under way is said after it where there is room.
        let now_cell = if let Some((run, pending)) = e.waiting.first() {
            // Short first: the column is narrow on small terminals.
            let what = if pending.current_user_can_approve {
                "waits for you"
            } else {
                "waits for approval"
            };
            let pinned = state
                .followed
                .iter()
                .find(|f| f.run_id == run.id)
                .and_then(|f| f.target.as_deref())
                .map(|t| format!(" · {t}"))
                .unwrap_or_default();
            // `a` acts on the newest; the others are counted so none goes unseen.
            let more = match e.waiting.len() - 1 {
                0 => String::new(),
                n => format!(" (+{n})"),
            };
            // A deploy cockpit follows that is past its approval is still said, after the badge.
            let under_way = followed
                .filter(|f| !e.waiting.iter().any(|(r, _)| r.id == f.run_id))
                .and_then(|f| f.run.as_ref())
                .map(|r| {
                    Span::styled(
                        format!(
                            " · ● #{} {}",
                            r.run_number,
                            icons::run_word(&r.status, r.conclusion.as_ref())
                        ),
                        theme.running(),
                    )
                });
            let badge = |text: String, with_run: bool| {
                let mut spans = vec![Span::styled(text, theme.waiting())];
                spans.extend(under_way.clone().filter(|_| with_run));
                Line::from(spans)
            };
            let head = format!("⏸ #{} {what}", run.run_number);
            Cell::from(badge(format!("{head}{more}{pinned}"), true))
                .or(badge(format!("{head}{pinned}"), true))
                .or(badge(format!("{head}{more}"), true))
                .or(badge(head.clone(), true))
                .or(badge(format!("{head}{pinned}"), false))
                .or(badge(head, false))
                .or(badge(format!("⏸ #{} waits", run.run_number), false))
        } else if let Some(f) = followed {
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
                        r.head_branch.as_ref().map_or("", |b| b.shown().as_str()),
                    )
                })
                .unwrap_or_default();
            let cell = Cell::from(Span::styled(
                format!(
                    "● {status} {number} {}",
                    f.target.as_deref().unwrap_or(git_ref)
                ),
                theme.running(),
            ));
            if f.target.is_some() {
                cell.keep_tail(8)
            } else {
                cell
            }
        } else if let Some(d) = e.in_progress() {
            let what = ref_at(&d.deployment.ref_name, &d.deployment.sha);
            Cell::from(Span::styled(format!("● deploying {what}"), theme.running()))
                .or(Span::styled(format!("● {what}"), theme.running()))
                .keep_tail(8)
        } else if let Some(newest) = e.history.first().filter(|d| {
            use crate::github::models::DeploymentState as S;
            matches!(d.state(), Some(S::Failure | S::Error))
        }) {
            Cell::from(Span::styled(
                format!("✗ last deploy {}", newest.state_label()),
                theme.bad(),
            ))
        } else if let Some(u) = e.gaps.iter().next() {
            // Not "idle": what could not be read may be a deploy under way or waiting.
            Cell::from(Line::from(vec![
                unread(theme),
                Span::styled(format!(" {}", u.part.label()), theme.dim()),
            ]))
        } else {
            Cell::from(Span::styled("idle", theme.dim()))
        };
        let mut cells = vec![
            Cell::from(Span::styled(&e.env.name, theme.title(false))),
            Cell::from(Span::styled(icon, style)),
            live_text,
            Cell::from(Span::styled(by, theme.dim())),
            Cell::from(Span::styled(when, theme.dim())),
            now_cell,
        ];
        if many {
            cells.insert(0, Cell::from(Span::styled(e.repo.full_name(), theme.dim())));
        }
        cells
    });
}
