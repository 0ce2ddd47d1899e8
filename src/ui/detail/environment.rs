use super::frame_block;
use crate::app::state::{AppState, Cursor};
use crate::text::{age, duration, sanitize_line};
use crate::ui::panels::deploys::short_sha;
use crate::ui::widgets::{
    icons,
    table::{col, VirtualTable},
};
use crate::ui::Theme;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph};
use ratatui::Frame;

pub fn render(
    frame: &mut Frame,
    area: Rect,
    state: &AppState,
    name: &str,
    cursor: &Cursor,
    theme: &Theme,
) {
    let row = state
        .envs
        .data
        .as_ref()
        .and_then(|e| e.iter().find(|r| r.env.name == name));
    let Some(env) = row else {
        frame.render_widget(
            Paragraph::new("This environment is gone.")
                .block(frame_block(format!("Environment {name}"), theme)),
            area,
        );
        return;
    };
    let now = state.now;
    let mut head = Vec::new();
    for rule in &env.env.protection_rules {
        match rule.kind.as_str() {
            "required_reviewers" => {
                let who: Vec<String> = rule
                    .reviewers
                    .iter()
                    .map(|r| sanitize_line(&r.display_name()))
                    .collect();
                head.push(Line::raw(format!(
                    "protection: approval by {}",
                    who.join(", ")
                )));
            }
            "wait_timer" => head.push(Line::raw(format!(
                "protection: wait {} min",
                rule.wait_timer.unwrap_or(0)
            ))),
            other => head.push(Line::raw(format!("protection: {}", sanitize_line(other)))),
        }
    }
    for (run, p) in &env.waiting {
        let who: Vec<String> = p
            .reviewers
            .iter()
            .map(|r| sanitize_line(&r.display_name()))
            .collect();
        let can = if p.current_user_can_approve {
            "you can approve"
        } else {
            "you cannot approve"
        };
        head.push(Line::from(Span::styled(
            format!(
                "⏸ run #{} ({}) waits for approval by {} — {can}",
                run.run_number,
                sanitize_line(run.display_title.as_deref().unwrap_or("")),
                who.join(", ")
            ),
            theme.waiting(),
        )));
    }
    if head.is_empty() {
        head.push(Line::styled("no protection rules", theme.dim()));
    }
    let [top, bottom] = Layout::vertical([
        Constraint::Length(head.len() as u16 + 2),
        Constraint::Fill(1),
    ])
    .areas(area);
    frame.render_widget(
        Paragraph::new(head).block(frame_block(format!("Environment {name}"), theme)),
        top,
    );
    let history = &env.history;
    let table = VirtualTable {
        block: frame_block("History".to_string(), theme),
        cols: vec![
            col("", Constraint::Length(1), 0),
            col("State", Constraint::Length(11), 0),
            col("Ref", Constraint::Fill(1), 0),
            col("Sha", Constraint::Length(7), 0),
            col("By", Constraint::Length(10), 2),
            col("Took", Constraint::Length(7), 3),
            col("When", Constraint::Length(4), 1),
            col("Description", Constraint::Fill(2), 4),
        ],
        len: history.len(),
        focused: true,
    };
    table.render(frame, bottom, cursor, theme, |i| {
        let d = &history[i];
        let (icon, style) = icons::deploy_state(d.state(), theme);
        let took = d
            .status
            .as_ref()
            .map(|s| duration((s.created_at - d.deployment.created_at).num_seconds()))
            .unwrap_or_default();
        vec![
            Cell::from(Span::styled(icon, style)),
            Cell::from(Span::styled(sanitize_line(d.state()), style)),
            Cell::from(sanitize_line(&d.deployment.ref_name)),
            Cell::from(short_sha(&d.deployment.sha)),
            Cell::from(sanitize_line(
                d.deployment
                    .creator
                    .as_ref()
                    .map(|u| u.login.as_str())
                    .unwrap_or(""),
            )),
            Cell::from(took),
            Cell::from(age(now, d.deployment.created_at)),
            Cell::from(Span::styled(
                sanitize_line(d.deployment.description.as_deref().unwrap_or("")),
                theme.dim(),
            )),
        ]
    });
}
