use super::{frame_block, sub_block};
use crate::app::state::{AppState, Cursor, Insights, Loaded};
use crate::text::{age, duration, sanitize_line};
use crate::ui::panels::unread_line;
use crate::ui::widgets::table::Cell;
use crate::ui::widgets::{
    icons,
    table::{col, VirtualTable},
};
use crate::ui::Theme;
use crate::words::short_sha;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

pub fn render(
    frame: &mut Frame,
    area: Rect,
    state: &AppState,
    (repo, name): (&crate::github::Slug, &str),
    cursor: &Cursor,
    insights: &Loaded<Insights>,
    theme: &Theme,
) {
    let row = state
        .envs
        .data
        .as_ref()
        .and_then(|e| e.iter().find(|r| r.env.name == name && r.repo == *repo));
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
    let describe = |label: &str, d: &crate::github::dashboard::DeploymentEntry| {
        let who = d
            .deployment
            .creator
            .as_ref()
            .map(|u| u.login.shown().as_str())
            .unwrap_or_default();
        let mut text = format!(
            "{label}: {}@{} by {who}, {} ({})",
            d.deployment.ref_name.shown(),
            short_sha(&d.deployment.sha),
            crate::text::ago(now, d.deployment.created_at),
            d.state_label()
        );
        if let Some(st) = &d.status {
            if let Some(u) = st.environment_url.as_deref().filter(|u| !u.is_empty()) {
                text.push_str(&format!(" · url {}", sanitize_line(u)));
            }
            if let Some(u) = st.log_url.as_deref().filter(|u| !u.is_empty()) {
                text.push_str(&format!(" · logs {}", sanitize_line(u)));
            }
        }
        text
    };
    // What could not be read comes first: it qualifies everything below.
    head.extend(env.gaps.iter().map(|u| unread_line(u, theme)));
    let live = if env.live_unsure() {
        "live (maybe not: see above)"
    } else {
        "live"
    };
    match env.live() {
        Some(d) => head.push(Line::from(Span::styled(describe(live, d), theme.ok()))),
        None if env.live_unsure() => {}
        None => head.push(Line::styled("nothing deployed yet", theme.dim())),
    }
    if let Some(d) = env.in_progress() {
        head.push(Line::from(Span::styled(
            describe("rolling out", d),
            theme.running(),
        )));
    }
    for rule in &env.env.protection_rules {
        match rule.kind {
            crate::github::models::ProtectionRuleKind::RequiredReviewers => {
                let who: Vec<String> = rule
                    .reviewers
                    .iter()
                    .map(|r| r.display_name().into_string())
                    .collect();
                head.push(Line::raw(format!(
                    "protection: approval by {}",
                    who.join(", ")
                )));
            }
            crate::github::models::ProtectionRuleKind::WaitTimer => head.push(Line::raw(format!(
                "protection: wait {} min",
                rule.wait_timer.unwrap_or(0)
            ))),
            ref other => head.push(Line::raw(format!("protection: {}", other.as_str()))),
        }
    }
    for (run, p) in &env.waiting {
        let who: Vec<String> = p
            .reviewers
            .iter()
            .map(|r| r.display_name().into_string())
            .collect();
        let can = if p.current_user_can_approve {
            "you can approve"
        } else {
            "you cannot approve"
        };
        let (what, _) = crate::app::deploys::waiting_target(state, run);
        head.push(Line::from(Span::styled(
            format!(
                "⏸ run #{} ({}) to deploy {what} waits for approval by {} — {can}",
                run.run_number,
                run.display_title.as_deref().unwrap_or(""),
                who.join(", ")
            ),
            theme.waiting(),
        )));
    }
    if env.env.protection_rules.is_empty() {
        head.push(Line::styled("no protection rules", theme.dim()));
    }
    let [top, middle, bottom] = Layout::vertical([
        Constraint::Length(head.len() as u16 + 2),
        Constraint::Length(8),
        Constraint::Fill(1),
    ])
    .areas(area);
    let [metrics_area, ship_area] =
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(middle);
    render_metrics(frame, metrics_area, insights, theme);
    render_would_ship(frame, ship_area, state, insights, theme);
    frame.render_widget(
        Paragraph::new(head).block(frame_block(format!("Environment {name}"), theme)),
        top,
    );
    let history = &env.history;
    let table = VirtualTable {
        block: sub_block("History".to_string(), theme),
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
        marks: Vec::new(),
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
            Cell::from(Span::styled(d.state_label(), style)),
            Cell::from(&d.deployment.ref_name),
            Cell::from(short_sha(&d.deployment.sha)),
            Cell::from(
                d.deployment
                    .creator
                    .as_ref()
                    .map_or("", |u| u.login.shown().as_str()),
            ),
            Cell::from(took),
            Cell::from(age(now, d.deployment.created_at)),
            Cell::from(Span::styled(
                d.deployment.description.as_deref().unwrap_or(""),
                theme.dim(),
            )),
        ]
    });
}

fn render_metrics(frame: &mut Frame, area: Rect, insights: &Loaded<Insights>, theme: &Theme) {
    use crate::metrics::{duration_label, frequency_label, rate_label};
    let Some(i) = insights.data.as_ref() else {
        let text = insights
            .error
            .clone()
            .unwrap_or_else(|| "computing delivery metrics…".into());
        let p = Paragraph::new(text.as_str()).block(sub_block("Delivery metrics".into(), theme));
        frame.render_widget(p, area);
        return;
    };
    let m = &i.metrics;
    let block = sub_block(
        format!(
            "Delivery metrics · last {}",
            crate::words::count(m.window_days.max(0) as u64, "day")
        ),
        theme,
    );
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let [figures, spark] =
        Layout::vertical([Constraint::Length(4), Constraint::Fill(1)]).areas(inner);
    let fig = |label: &str, value: String, note: String| {
        Line::from(vec![
            Span::styled(format!("{label:<22}"), theme.dim()),
            Span::styled(format!("{value:<9}"), theme.title(true)),
            Span::styled(note, theme.dim()),
        ])
    };
    let lines = vec![
        fig(
            "deployment frequency",
            frequency_label(m.deployment_frequency_per_day),
            format!("{} successful of {}", m.successful, m.deployments),
        ),
        fig(
            "lead time for changes",
            duration_label(m.lead_time_median_secs),
            format!(
                "median of {} commits, p90 {}",
                m.lead_time_commits,
                duration_label(m.lead_time_p90_secs)
            ),
        ),
        fig(
            "change failure rate",
            rate_label(m.change_failure_rate),
            format!(
                "{} failed changes, {} rollbacks",
                m.failed_changes, m.rollbacks
            ),
        ),
        fig(
            "time to restore",
            duration_label(m.time_to_restore_median_secs),
            format!("median of {} restores", m.restores),
        ),
    ];
    frame.render_widget(Paragraph::new(lines), figures);
    let spark_widget = ratatui::widgets::Sparkline::default()
        .data(m.daily_successes.iter().copied())
        .style(theme.ok());
    frame.render_widget(spark_widget, spark);
}

fn render_would_ship(
    frame: &mut Frame,
    area: Rect,
    state: &AppState,
    insights: &Loaded<Insights>,
    theme: &Theme,
) {
    let Some(i) = insights.data.as_ref() else {
        frame.render_widget(
            Paragraph::new("").block(sub_block("What would ship".into(), theme)),
            area,
        );
        return;
    };
    let (title, cmp) = match (&i.would_ship, &i.carried) {
        (Some((from, to, cmp)), _) => (
            format!(
                "What would ship: {} → {} ({})",
                from.shown(),
                to.shown(),
                crate::words::count(cmp.commits.len() as u64, "commit")
            ),
            cmp,
        ),
        (None, Some(cmp)) => (
            format!(
                "What the live deployment brought ({})",
                crate::words::count(cmp.commits.len() as u64, "commit")
            ),
            cmp,
        ),
        (None, None) => {
            let p = Paragraph::new(Span::styled(
                "No earlier successful deployment to compare with.",
                theme.dim(),
            ))
            .block(sub_block("Commits".into(), theme));
            frame.render_widget(p, area);
            return;
        }
    };
    let mut lines: Vec<Line> = Vec::new();
    if cmp.commits.is_empty() {
        let same = match &i.would_ship {
            Some((from, to, _)) => {
                format!("{} and {} run the same code.", from.shown(), to.shown())
            }
            None => "The live deployment redeployed the same code.".to_string(),
        };
        lines.push(Line::styled(same, theme.dim()));
    }
    let height = usize::from(area.height.saturating_sub(2));
    // Newest first; the count in the title says how many did not fit.
    for c in cmp.commits.iter().rev().take(height) {
        lines.push(Line::from(vec![
            Span::styled(format!("{} ", short_sha(&c.sha)), theme.number()),
            Span::raw(&c.commit.headline),
            Span::styled(
                format!(
                    "  {} · {}",
                    c.commit.author.name,
                    age(state.now, c.commit.committer.date)
                ),
                theme.dim(),
            ),
        ]));
    }
    frame.render_widget(Paragraph::new(lines).block(sub_block(title, theme)), area);
}
