//! A pull request: what it is, its checks and reviews, its description, and its review
//! threads — file and line, the diff hunk around the comment, resolved/outdated, every
//! comment — with the selected thread shown in full.

use super::{frame_block, sub_block};
use crate::app::state::{AppState, Cursor, Loaded, Scroll};
use crate::github::dashboard::{ChecksRollup, ReviewDecision};
use crate::github::models::MergeableState;
use crate::github::partial::Part;
use crate::github::pr_actions::{merge_blockers, Requirements};
use crate::github::pulls::PullDetail;
use crate::github::ApiError;
use crate::text::{age, sanitize_line};
use crate::ui::panels::pulls::{checks_spans, decision_span};
use crate::ui::panels::{unread, unread_line};
use crate::ui::widgets::table::Cell;
use crate::ui::widgets::table::{col, VirtualTable};
use crate::ui::{markdown, Theme};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

/// Lines of a diff hunk shown above a thread: the end of the hunk is where the comment is.
const HUNK_LINES: usize = 8;

/// The base branch's rules as the detail read them (`Err`: unreadable).
type Rules = Loaded<Result<Requirements, ApiError>>;

/// Reasons shown under the header at most; the confirmation of `M` lists them all.
const MERGE_LINES: usize = 4;

/// Why GitHub blocks the merge (or that nothing the rules require is missing), from the same
/// reckoning as the merge confirmation: one line per reason.
fn merge_lines(d: &PullDetail, rules: &Rules, theme: &Theme) -> Vec<Line<'static>> {
    let pr = &d.pr;
    if pr.merged_at.is_some() || pr.state == crate::github::models::IssueState::Closed {
        return Vec::new();
    }
    let label = || Span::styled("merge    ", theme.dim());
    let base = pr.base.ref_name.shown();
    let Some(read) = rules.data.as_ref() else {
        return vec![Line::from(vec![
            label(),
            Span::styled(format!("reading the rules of {base}…"), theme.dim()),
        ])];
    };
    let reasons = merge_blockers(read, d);
    let blocked = pr.mergeable_state == Some(MergeableState::Blocked);
    if reasons.is_empty() {
        let text = if blocked {
            match read {
                Ok(r) if r.classic => format!(
                    "GitHub says blocked, but what cockpit can read of {base}'s rules is met (its classic protection's review rules need admin access)"
                ),
                _ => format!("GitHub says blocked, but every rule of {base} is met"),
            }
        } else {
            format!("nothing {base}'s rules require is missing")
        };
        let style = if blocked { theme.warn() } else { theme.ok() };
        return vec![Line::from(vec![label(), Span::styled(text, style)])];
    }
    let total = reasons.len();
    let shown = total.min(MERGE_LINES);
    let mut out: Vec<Line<'static>> = reasons
        .into_iter()
        .take(shown)
        .enumerate()
        .map(|(i, why)| {
            let lead = match i {
                0 if blocked => Span::styled("blocked  ", theme.bad()),
                0 => label(),
                _ => Span::raw("         "),
            };
            Line::from(vec![lead, Span::styled(why, theme.warn())])
        })
        .collect();
    if let (Some(last), true) = (out.last_mut(), shown < total) {
        last.spans
            .push(Span::styled("  (M lists every reason)", theme.dim()));
    }
    out
}

// The detail's parts come straight from `Detail::Pull`; bundling them would only rename them.
#[allow(clippy::too_many_arguments)]
pub fn render(
    frame: &mut Frame,
    area: Rect,
    state: &AppState,
    number: u64,
    (data, rules): (&Loaded<PullDetail>, &Rules),
    cursor: &Cursor,
    scroll: &Scroll,
    theme: &Theme,
) {
    let Some(d) = data.data.as_ref() else {
        let text = data.error.clone().unwrap_or_else(|| "loading…".into());
        frame.render_widget(
            Paragraph::new(text.as_str())
                .block(frame_block(format!("Pull request #{number}"), theme)),
            area,
        );
        return;
    };
    let merge = merge_lines(d, rules, theme);
    let head_height = 7 + merge.len() as u16;
    let [head_area, body] =
        Layout::vertical([Constraint::Length(head_height), Constraint::Fill(1)]).areas(area);
    header(frame, head_area, state, d, merge, theme);
    let [left, right] =
        Layout::horizontal([Constraint::Percentage(45), Constraint::Percentage(55)]).areas(body);
    let [desc_area, threads_area] =
        Layout::vertical([Constraint::Percentage(40), Constraint::Percentage(60)]).areas(left);
    description(frame, desc_area, d, scroll, theme);
    threads(frame, threads_area, state, d, cursor, theme);
    thread_view(frame, right, state, d, cursor, theme);
}

fn header(
    frame: &mut Frame,
    area: Rect,
    state: &AppState,
    d: &PullDetail,
    merge: Vec<Line<'static>>,
    theme: &Theme,
) {
    let pr = &d.pr;
    let author = pr
        .user
        .as_ref()
        .map(|u| u.login.shown().as_str())
        .unwrap_or("?");
    let status = if pr.merged_at.is_some() {
        "merged"
    } else if pr.state == crate::github::models::IssueState::Closed {
        "closed"
    } else if pr.draft {
        "draft"
    } else {
        "open"
    };
    let checks = ChecksRollup::from_runs(&d.checks);
    let decision = ReviewDecision::from_reviews(&d.reviews, &pr.requested_reviewers);
    let mut reviews: Vec<Span> = vec![Span::styled("reviews  ", theme.dim())];
    let mut latest: Vec<(crate::text::Name, &crate::github::models::ReviewState)> = Vec::new();
    for r in &d.reviews {
        let who = r.user.as_ref().map(|u| u.login.clone()).unwrap_or_default();
        latest.retain(|(w, _)| *w != who);
        latest.push((who, &r.state));
    }
    for (who, st) in &latest {
        let style = match st {
            crate::github::models::ReviewState::Approved => theme.ok(),
            crate::github::models::ReviewState::ChangesRequested => theme.bad(),
            _ => theme.dim(),
        };
        reviews.push(Span::styled(
            format!(
                "@{} {}  ",
                who.shown(),
                st.as_str().to_lowercase().replace('_', " ")
            ),
            style,
        ));
    }
    if latest.is_empty() {
        reviews.push(Span::styled("none yet", theme.dim()));
    }
    let mut checks_line = match d.gaps.get(Part::Checks) {
        Some(u) => unread_line(u, theme),
        None => checks_spans(Some(&checks), theme),
    };
    checks_line
        .spans
        .insert(0, Span::styled("checks   ", theme.dim()));
    if let Some(u) = d.gaps.get(Part::Reviews) {
        reviews.truncate(1);
        reviews.extend(unread_line(u, theme).spans);
    }
    let decision = match d.gaps.has(Part::Reviews) {
        true => unread(theme),
        false => decision_span(decision, theme),
    };
    let mut lines = vec![
        Line::from(vec![
            Span::styled(format!("{status} "), theme.accent()),
            Span::raw(format!(
                "· @{} wants to merge {} into {} · opened {} · ",
                author,
                pr.head.ref_name.shown(),
                pr.base.ref_name.shown(),
                crate::text::ago(state.now, pr.created_at)
            )),
            Span::styled(
                format!(
                    "mergeable: {}",
                    pr.mergeable_state
                        .as_ref()
                        .map_or("unknown", |m| m.as_str())
                ),
                theme.dim(),
            ),
        ]),
        checks_line,
        Line::from(vec![Span::styled("decision ", theme.dim()), decision]),
        Line::from(reviews),
        match state.detail.as_ref().and_then(|d| d.repo()) {
            Some(repo) => crate::ui::panels::live_line(
                &state
                    .live
                    .verdict(state, repo, crate::app::live::Subject::Pull(pr)),
                &format!("#{}", pr.number),
                state,
                theme,
            ),
            None => Line::raw(""),
        },
    ];
    lines.extend(merge);
    let block = frame_block(format!("#{} {}", pr.number, pr.title), theme);
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

fn description(frame: &mut Frame, area: Rect, d: &PullDetail, scroll: &Scroll, theme: &Theme) {
    let block = sub_block("Description".into(), theme);
    let inner = block.inner(area);
    let lines = match d.pr.body.as_deref().filter(|b| !b.trim().is_empty()) {
        Some(body) => markdown::render(body, inner.width.saturating_sub(1), theme),
        None => vec![Line::styled("No description.", theme.dim())],
    };
    let height = usize::from(inner.height);
    let off = scroll.offset(lines.len(), height);
    let visible: Vec<Line> = lines.into_iter().skip(off).take(height).collect();
    frame.render_widget(Paragraph::new(visible).block(block), area);
}

fn threads(
    frame: &mut Frame,
    area: Rect,
    state: &AppState,
    d: &PullDetail,
    cursor: &Cursor,
    theme: &Theme,
) {
    let open = d.threads.iter().filter(|t| !t.is_resolved).count();
    let block = sub_block(
        format!("Review threads ({open} unresolved of {})", d.threads.len()),
        theme,
    )
    .title_bottom(
        Line::from(Span::styled(
            " j/k thread · c reply · s resolve · d diff · w review · M merge ",
            theme.dim(),
        ))
        .right_aligned(),
    );
    if d.threads.is_empty() {
        let text = match d.gaps.get(Part::Threads) {
            Some(u) => unread_line(u, theme),
            None => Line::styled("No review threads.", theme.dim()),
        };
        frame.render_widget(Paragraph::new(text).block(block), area);
        return;
    }
    let table = VirtualTable {
        block,
        cols: vec![
            col("", Constraint::Length(1), 0),
            col("Where", Constraint::Fill(2), 0),
            col("By", Constraint::Length(9), 2),
            col("Cmt", Constraint::Length(3), 1),
            col("Age", Constraint::Length(3), 3),
        ],
        len: d.threads.len(),
        focused: true,
        marks: Vec::new(),
    };
    table.render(frame, area, cursor, theme, |i| {
        let t = &d.threads[i];
        let (mark, style) = if t.is_resolved {
            ("✓", theme.ok())
        } else if t.is_outdated {
            ("~", theme.dim())
        } else {
            ("●", theme.warn())
        };
        let line = t
            .line
            .or(t.original_line)
            .map(|l| format!(":{l}"))
            .unwrap_or_default();
        let mut place = format!("{}{line}", t.path.shown());
        if t.is_outdated {
            place.push_str(" (outdated)");
        }
        let first = t.comments.first();
        let who = first
            .and_then(|c| c.author.as_ref())
            .map_or("ghost", |a| a.shown().as_str());
        let when = first
            .map(|c| age(state.now, c.created_at))
            .unwrap_or_default();
        vec![
            Cell::from(Span::styled(mark, style)),
            Cell::from(place),
            Cell::from(Span::styled(who, theme.dim())),
            Cell::from(Span::styled(t.comments.len().to_string(), theme.dim())),
            Cell::from(Span::styled(when, theme.dim())),
        ]
    });
}

fn thread_view(
    frame: &mut Frame,
    area: Rect,
    state: &AppState,
    d: &PullDetail,
    cursor: &Cursor,
    theme: &Theme,
) {
    let Some(t) = d.threads.get(cursor.selected) else {
        frame.render_widget(
            Paragraph::new("").block(sub_block("Thread".into(), theme)),
            area,
        );
        return;
    };
    let state_word = match (t.is_resolved, t.is_outdated) {
        (true, _) => "resolved",
        (false, true) => "outdated",
        _ => "unresolved",
    };
    let line = t
        .line
        .or(t.original_line)
        .map(|l| format!(":{l}"))
        .unwrap_or_default();
    let block = sub_block(format!("{}{line} · {state_word}", t.path.shown()), theme);
    let inner = block.inner(area);
    let width = inner.width.saturating_sub(1);
    let mut lines: Vec<Line> = Vec::new();
    if let Some(hunk) = t
        .comments
        .first()
        .map(|c| c.diff_hunk.as_str())
        .filter(|h| !h.is_empty())
    {
        let all: Vec<&str> = hunk.lines().collect();
        let from = all.len().saturating_sub(HUNK_LINES);
        if from > 0 {
            lines.push(Line::styled(sanitize_line(all[0]), theme.dim()));
        }
        for l in &all[from..] {
            let style = if l.starts_with('+') {
                theme.ok()
            } else if l.starts_with('-') {
                theme.bad()
            } else if l.starts_with("@@") {
                theme.dim()
            } else {
                ratatui::style::Style::new()
            };
            lines.push(Line::styled(
                crate::ui::panels::fit(&sanitize_line(l), usize::from(width)),
                style,
            ));
        }
        lines.push(Line::raw(""));
    }
    for c in &t.comments {
        let who = c.author.as_ref().map_or("ghost", |a| a.shown().as_str());
        lines.push(Line::styled(
            format!(
                "── @{who} · {} ──",
                crate::text::ago(state.now, c.created_at)
            ),
            theme.accent(),
        ));
        lines.extend(markdown::render(&c.body, width, theme));
        lines.push(Line::raw(""));
    }
    let key = crate::app::work::thread_key(
        &state
            .ctx
            .repo
            .as_ref()
            .map(|r| r.full_name())
            .unwrap_or_default(),
        d.pr.number,
        &t.id,
    );
    if state.drafts.get(&key).is_some_and(|d| !d.trim().is_empty()) {
        lines.push(Line::styled(
            "✎ you have a draft reply here (c opens it)",
            theme.warn(),
        ));
    }
    // The newest comment is what matters: keep the end in view.
    let height = usize::from(inner.height);
    let skip = lines.len().saturating_sub(height);
    let visible: Vec<Line> = lines.into_iter().skip(skip).collect();
    frame.render_widget(Paragraph::new(visible).block(block), area);
}
