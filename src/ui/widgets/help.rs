//! The `?` overlay: every key, generated from the keymap so it never drifts from it, and what
//! the symbols on screen mean. Entries wrap rather than being cut, so it fits any width; it
//! scrolls when it does not fit the height, and `/` filters it.

use crate::app::keymap::Keymap;
use crate::app::state::AppState;
use crate::text::sanitize_line;
use crate::ui::Theme;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Paragraph};
use ratatui::Frame;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// What the symbols in the panels mean: they are not keys, but the help is where one looks.
const SYMBOLS: [(&str, &str); 10] = [
    ("Ctrl-Z", "suspend to the shell; `fg` brings cockpit back"),
    ("mouse", "click focuses and selects, the wheel scrolls"),
    (
        "* ✓",
        "Branches: checked out · merged into the default branch",
    ),
    ("↑2 ↓1", "Branches: commits ahead of / behind the upstream"),
    ("⇄", "Pull requests: asks for your review"),
    (
        "✓ ✗ ● ○",
        "checks, runs, deploys: passed · failed · running · queued",
    ),
    (
        "⏸",
        "Deploys: a run waits for approval (a approves, A rejects); CI: a fork's run waits (a approves)",
    ),
    (
        "stale",
        "a panel whose last refresh failed (the reason is in the status bar)",
    ),
    (
        "[Mine]",
        "Issues, Pull requests: the section (a GitHub search) shown; [ ] switch",
    ),
    (
        "✉ 3",
        "status bar: unread notifications (i lists them; ● unread, ⊘ unsubscribed)",
    ),
];

/// Width of one column of entries when there is room for two.
const COLUMN: u16 = 76;

/// `text` in lines of at most `width` columns, broken at spaces (inside a word only when the
/// word alone is wider).
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        let gap = usize::from(!line.is_empty());
        if line.width() + gap + word.width() <= width {
            if gap == 1 {
                line.push(' ');
            }
            line.push_str(word);
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        for c in word.chars() {
            if line.width() + c.width().unwrap_or(0) > width {
                lines.push(std::mem::take(&mut line));
            }
            line.push(c);
        }
    }
    lines.push(line);
    lines
}

/// Every entry, `(keys, what)`, and how many there are unfiltered. Filtered like a list's `/`:
/// every word of `filter` must occur, in any case, in the keys or the description.
fn entries(keymap: &Keymap, filter: &str) -> (Vec<(String, String)>, usize) {
    let words = crate::app::filter::words(filter);
    // The user's commands, under their panel; one without a key runs from the palette.
    let commands = keymap.commands.iter().map(|c| {
        let keys = if c.keys.is_empty() {
            format!(":{}", c.name)
        } else {
            c.key_label()
        };
        let panel = c.panel.map_or("", |p| p.title());
        let sep = if panel.is_empty() { "" } else { ": " };
        (keys, format!("{panel}{sep}your command: {}", c.template))
    });
    let all: Vec<(String, String)> = keymap
        .help_lines()
        .into_iter()
        .map(|(k, d)| (k, d.to_string()))
        .chain(commands)
        .chain(SYMBOLS.iter().map(|(k, d)| (k.to_string(), d.to_string())))
        .collect();
    let total = all.len();
    let shown = all
        .into_iter()
        .filter(|(k, d)| crate::app::filter::text_matches(&format!("{k} {d}"), &words))
        .collect();
    (shown, total)
}

/// The lines of one entry, the keys right-aligned in `key_w` and the description wrapped in
/// `desc_w` beside them.
fn entry_lines(
    keys: &str,
    what: &str,
    key_w: usize,
    desc_w: usize,
    theme: &Theme,
) -> Vec<Line<'static>> {
    let keys = sanitize_line(keys);
    let what = wrap(what, desc_w);
    let mut lines = Vec::new();
    // Keys wider than their column get lines of their own above the description.
    let beside = if keys.width() <= key_w {
        Some(keys)
    } else {
        for k in wrap(&keys, key_w + 2 + desc_w) {
            lines.push(Line::styled(k, theme.title(true)));
        }
        None
    };
    for (i, w) in what.into_iter().enumerate() {
        let k = beside.as_deref().filter(|_| i == 0).unwrap_or("");
        let pad = key_w.saturating_sub(k.width());
        lines.push(Line::from(vec![
            Span::styled(format!("{}{k}  ", " ".repeat(pad)), theme.title(true)),
            Span::raw(w),
        ]));
    }
    lines
}

pub fn render(frame: &mut Frame, area: Rect, state: &AppState, keymap: &Keymap, theme: &Theme) {
    let view = &state.help_view;
    let (list, all) = entries(keymap, &view.filter);
    let words = crate::app::filter::words(&view.filter);
    let mut intro: Vec<Line> = Vec::new();
    if let (true, Some(dir)) = (state.ctx.demo, state.ctx.workdir.as_ref()) {
        intro.push(Line::from(vec![
            Span::styled("demo repository  ", theme.dim()),
            Span::raw(sanitize_line(&dir.display().to_string())),
        ]));
        intro.push(Line::raw(""));
    }
    let max_inner = area.width.saturating_sub(2).max(1);
    let inner_h = usize::from(area.height.saturating_sub(2).max(1));
    let key_w = list
        .iter()
        .map(|(k, _)| k.width())
        .max()
        .unwrap_or(4)
        .clamp(4, 18)
        .min(usize::from(max_inner) / 3)
        .max(1);
    let lay = |col_w: u16| -> Vec<Vec<Line<'static>>> {
        let desc_w = usize::from(col_w).saturating_sub(key_w + 2).max(8);
        list.iter()
            .map(|(k, d)| {
                entry_lines(k, d, key_w, desc_w, theme)
                    .into_iter()
                    .map(|l| super::table::mark(l, &words, theme.hit()))
                    .collect()
            })
            .collect()
    };
    let intro_h = intro.len();
    // Two columns when one would need scrolling and both fit side by side without it.
    let two_cols = max_inner > COLUMN * 2 && {
        let rows: usize = lay(COLUMN).iter().map(Vec::len).sum();
        rows + intro_h > inner_h && rows.div_ceil(2) + intro_h <= inner_h
    };
    let col_w = if two_cols {
        COLUMN
    } else {
        COLUMN.min(max_inner)
    };
    let blocks = lay(col_w);
    let total: usize = blocks.iter().map(Vec::len).sum();
    let (left, right): (Vec<Line>, Vec<Line>) = if two_cols {
        // Split at an entry, so none is broken across the columns.
        let mut left = Vec::new();
        let mut right = Vec::new();
        for b in blocks {
            if left.len() + b.len() <= total.div_ceil(2) && right.is_empty() {
                left.extend(b);
            } else {
                right.extend(b);
            }
        }
        (left, right)
    } else {
        (blocks.into_iter().flatten().collect(), Vec::new())
    };
    let body_rows = left.len().max(right.len()).max(1);
    let width = if two_cols { col_w * 2 + 1 } else { col_w } + 2;
    let height = (body_rows + intro_h + 2).min(usize::from(area.height)) as u16;
    let [row] = Layout::vertical([Constraint::Length(height)])
        .flex(Flex::Center)
        .areas(area);
    let [popup] = Layout::horizontal([Constraint::Length(width.min(area.width))])
        .flex(Flex::Center)
        .areas(row);
    let visible = usize::from(popup.height.saturating_sub(2)).saturating_sub(intro_h);
    let top = view.scroll.offset(body_rows, visible);
    let count = format!("{} of {all}", list.len());
    let footer = if view.typing {
        format!(
            " /{}▏ {count} · Enter keeps · Esc clears ",
            sanitize_line(&view.filter)
        )
    } else {
        let filter = if view.filter.trim().is_empty() {
            String::new()
        } else {
            format!("/{} {count} · ", sanitize_line(&view.filter))
        };
        let position = if body_rows > visible {
            format!(
                "{}–{} of {body_rows} · j/k PgDn/PgUp · ",
                top + 1,
                (top + visible).min(body_rows)
            )
        } else {
            String::new()
        };
        format!(" {filter}{position}/ filter · Esc close ")
    };
    frame.render_widget(Clear, popup);
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(theme.border(true))
        .title(Span::styled(" cockpit keys ", theme.title(true)))
        .title_bottom(Line::from(Span::styled(footer, theme.dim())).right_aligned());
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    let [intro_area, body] =
        Layout::vertical([Constraint::Length(intro_h as u16), Constraint::Fill(1)]).areas(inner);
    frame.render_widget(Paragraph::new(intro), intro_area);
    let window = |lines: Vec<Line<'static>>| -> Vec<Line<'static>> {
        lines.into_iter().skip(top).take(visible).collect()
    };
    if list.is_empty() {
        frame.render_widget(
            Paragraph::new(Span::styled(
                format!(
                    "no key or symbol matches '{}' — Esc clears",
                    sanitize_line(view.filter.trim())
                ),
                theme.dim(),
            )),
            body,
        );
    } else if two_cols {
        let [l, r] = Layout::horizontal([Constraint::Length(col_w), Constraint::Length(col_w)])
            .spacing(1)
            .areas(body);
        frame.render_widget(Paragraph::new(window(left)), l);
        frame.render_widget(Paragraph::new(window(right)), r);
    } else {
        frame.render_widget(Paragraph::new(window(left)), body);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapping_breaks_at_spaces_and_only_splits_long_words() {
        assert_eq!(
            wrap("open the detail view", 9),
            ["open the", "detail", "view"]
        );
        assert_eq!(wrap("abcdefghij", 4), ["abcd", "efgh", "ij"]);
        assert_eq!(wrap("", 5), [""]);
    }
}
