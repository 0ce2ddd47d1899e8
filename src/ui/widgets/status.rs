//! The bottom line: where, who, how much API budget is left, how fresh each panel is, the
//! last background error, config warnings at start, and the keys of a sequence being typed.

use crate::app::keymap::{sequence_label, Action, Keymap};
use crate::app::state::{AppState, Loaded, PanelId};
use crate::github::partial::any_gaps;
use crate::text::{age, sanitize_line};
use crate::ui::Theme;
use chrono::{DateTime, Utc};
use ratatui::layout::{Alignment, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

fn freshness<T>(l: &Loaded<T>, now: DateTime<Utc>) -> (String, bool) {
    match (&l.updated, &l.error) {
        // Nothing was ever read: nothing is stale; the panel says why.
        (_, Some(_)) if l.data.is_none() => ("—".into(), true),
        (_, Some(_)) => ("stale".into(), true),
        (Some(t), None) => (age(now, *t), false),
        (None, None) => ("…".into(), false),
    }
}

/// The search budget (30 a minute) when it binds: low, or spent and when it comes back.
/// Silent otherwise: a plentiful budget is nothing to read.
fn search_binds(state: &AppState) -> Option<String> {
    let rl = state.search_rate?;
    // With the primary budget spent too, `API 0/5000` says it; the room is the error's.
    if state.rate.is_some_and(|core| core.remaining == 0) {
        return None;
    }
    if u64::from(rl.remaining) * 4 >= u64::from(rl.limit) {
        return None;
    }
    let at = rl.reset.format("%H:%M:%S");
    Some(if rl.remaining == 0 {
        format!("search spent till {at}")
    } else {
        format!("search {}/{}, resets {at}", rl.remaining, rl.limit)
    })
}

pub fn render(frame: &mut Frame, area: Rect, state: &AppState, keymap: &Keymap, theme: &Theme) {
    let sep = || Span::styled(" │ ", theme.dim());
    let mut spans = Vec::new();
    let repo = state
        .ctx
        .repo
        .as_ref()
        .map(|r| r.full_name())
        .unwrap_or_else(|| "no GitHub repository".into());
    spans.push(Span::styled(format!(" {repo}"), theme.title(false)));
    if state.ctx.demo {
        spans.push(Span::styled(" (demo)", theme.accent()));
    }
    if state.ctx.readonly {
        spans.push(Span::styled(" [readonly]", theme.warn()));
    }
    spans.push(sep());
    match (&state.login, &state.user_error) {
        (Some(l), _) => spans.push(Span::raw(format!("@{}", sanitize_line(l)))),
        (None, Some(_)) => spans.push(Span::styled("not signed in", theme.bad())),
        (None, None) => spans.push(Span::styled("signing in…", theme.dim())),
    }
    if let Some(rl) = state.rate {
        spans.push(sep());
        let style = if rl.remaining == 0 {
            theme.bad()
        } else if u64::from(rl.remaining) * 10 < u64::from(rl.limit) {
            theme.warn()
        } else {
            theme.dim()
        };
        spans.push(Span::styled(
            format!("API {}/{}", rl.remaining, rl.limit),
            style,
        ));
    }
    if let Some(text) = search_binds(state) {
        spans.push(sep());
        let spent = state.search_rate.is_some_and(|rl| rl.remaining == 0);
        spans.push(Span::styled(
            text,
            if spent { theme.bad() } else { theme.warn() },
        ));
    }
    // Config warnings go before the freshness so they are seen; the first key press hides them.
    if !state.warnings_dismissed {
        if let Some(first) = state.ctx.startup_warnings.first() {
            spans.push(sep());
            let more = state.ctx.startup_warnings.len() - 1;
            let text = if more > 0 {
                format!("⚠ {} (+{more} more: cockpit doctor)", sanitize_line(first))
            } else {
                format!("⚠ {}", sanitize_line(first))
            };
            spans.push(Span::styled(text, theme.warn()));
        }
    }
    spans.push(sep());
    let now = state.now;
    let parts: [(PanelId, (String, bool)); 5] = [
        (PanelId::Issues, freshness(&state.issues, now)),
        (PanelId::Branches, freshness(&state.branches, now)),
        (PanelId::Pulls, freshness(&state.pulls, now)),
        (PanelId::Ci, freshness(&state.runs, now)),
        (PanelId::Deploys, freshness(&state.envs, now)),
    ];
    // A panel with rows it could not read whole: `?`, as on the rows; the reason is the
    // background error below and in the detail.
    let partial = |p: PanelId| match p {
        PanelId::Pulls => state.pulls.data.as_deref().is_some_and(any_gaps),
        PanelId::Deploys => state.envs.data.as_deref().is_some_and(any_gaps),
        _ => false,
    };
    for (i, (p, (f, stale))) in parts.iter().enumerate() {
        if i > 0 {
            spans.push(Span::raw(" "));
        }
        let style = if *stale { theme.bad() } else { theme.dim() };
        spans.push(Span::styled(format!("{} {f}", p.short()), style));
        if partial(*p) {
            spans.push(Span::styled(" ?", theme.warn()));
        }
    }
    if let Some((_, what)) = state.in_flight.first() {
        spans.push(sep());
        spans.push(Span::styled(
            format!("⟳ {}…", sanitize_line(what)),
            theme.running(),
        ));
    }
    // Watched repositories that are gone or archived: said as long as it is so.
    for note in crate::app::watch::health_notes(state) {
        spans.push(sep());
        spans.push(Span::styled(
            format!("⚠ {}", sanitize_line(&note)),
            theme.warn(),
        ));
    }
    let toast_showing = state
        .toast
        .as_ref()
        .is_some_and(|t| (now - t.at).num_seconds() < crate::app::state::TOAST_SECS);
    // While a toast shows (drawn above the status bar by `toast`), it speaks for the moment.
    if let (false, Some((at, err))) = (toast_showing, &state.last_error) {
        if (now - *at).num_minutes() < 5 {
            spans.push(sep());
            spans.push(Span::styled(
                format!("⚠ {}", sanitize_line(err)),
                theme.bad(),
            ));
        }
    }

    let hint = if state.pending_keys.is_empty() {
        let key = |a: Action, default: &str| keymap.key_for(a).unwrap_or_else(|| default.into());
        format!(
            " {} help  {} quit ",
            key(Action::Help, "?"),
            key(Action::Quit, "C-c")
        )
    } else {
        format!(" {} …  Esc cancels ", sequence_label(&state.pending_keys))
    };
    // The content above is never cut for what follows: each of these shows only where it fits,
    // most wanted first, in what the content leaves of the width.
    let used: usize = spans.iter().map(Span::width).sum();
    let mut budget = usize::from(area.width).saturating_sub(used);
    let mut fits = |width: usize| {
        let room = width <= budget;
        if room {
            budget -= width;
        }
        room
    };
    // The demo's clone is in a temporary directory: say where.
    if let (true, Some(dir)) = (state.ctx.demo, state.ctx.workdir.as_ref()) {
        let path = Span::styled(
            format!(" {}", sanitize_line(&dir.display().to_string())),
            theme.dim(),
        );
        if fits(path.width()) {
            spans.insert(2, path);
        }
    }
    // Unread notifications, on the right: the only place they are counted.
    let unread = state.inbox.unread();
    let mail = (unread > 0)
        .then(|| Span::styled(format!(" ✉ {unread} "), theme.accent()))
        .filter(|m| fits(m.width()));
    // Deploys waiting for me (the Deploys panel and the queue show them too).
    let waiting = state.queue.items.data.as_ref().map_or(0, Vec::len);
    if waiting > 0 {
        let key = keymap
            .key_for(Action::ApprovalQueue)
            .unwrap_or_else(|| "Q".into());
        let count = [
            sep(),
            Span::styled(
                format!("⏸ {waiting} waiting for you ({key})"),
                theme.waiting(),
            ),
        ];
        if fits(count.iter().map(Span::width).sum()) {
            spans.extend(count);
        }
    }
    // A half-typed sequence always shows: the next key depends on it.
    let show_hint = fits(unicode_width::UnicodeWidthStr::width(hint.as_str()))
        || !state.pending_keys.is_empty();
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
    let mut right: Vec<Span> = mail.into_iter().collect();
    if show_hint {
        right.push(Span::styled(hint, theme.dim()));
    }
    if !right.is_empty() {
        frame.render_widget(
            Paragraph::new(Line::from(right)).alignment(Alignment::Right),
            area,
        );
    }
}

/// The latest toast, in a box above the bottom-right of the screen, wrapped to fit: a
/// refusal or a result must be readable whole, not cut at the status bar's edge.
pub fn toast(frame: &mut Frame, area: Rect, state: &AppState, theme: &Theme) {
    use ratatui::widgets::{Block, BorderType, Clear, Wrap};
    let Some(t) = state.toast.as_ref() else {
        return;
    };
    if (state.now - t.at).num_seconds() >= crate::app::state::TOAST_SECS || area.height < 6 {
        return;
    }
    let text = &t.text;
    let width = (text.chars().count() as u16 + 4)
        .clamp(20, 70)
        .min(area.width);
    let inner = width.saturating_sub(2).max(1);
    // Counted as the paragraph wraps it, at words: a refusal must be readable to its end.
    let lines = super::help::wrap(text, usize::from(inner))
        .len()
        .clamp(1, 6) as u16;
    let height = lines + 2;
    let rect = Rect::new(
        area.right().saturating_sub(width),
        area.bottom().saturating_sub(height + 1),
        width,
        height,
    );
    let style = if t.error { theme.bad() } else { theme.ok() };
    frame.render_widget(Clear, rect);
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(style);
    frame.render_widget(
        Paragraph::new(Span::styled(text, style))
            .wrap(Wrap { trim: true })
            .block(block),
        rect,
    );
}
