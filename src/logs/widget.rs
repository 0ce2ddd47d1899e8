//! `LogView`: draws the rows on screen of a [`LogViewState`] — line numbers, fold markers,
//! step headers, error/warning colours, log colours, search hits, cursor and selection.
//!
//! Only the rows in the viewport are read (each found by binary search in the fold layout)
//! and their text is cleaned once and cached, so a frame costs the same at line 1 and at line
//! 1,000,000. Cells are written directly; `Paragraph` would walk every line up to the scroll
//! offset.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::widgets::{Block, Widget};
use unicode_width::UnicodeWidthChar;

use super::ansi::{attr, AnsiColor, SgrStyle};
use super::layout::Row;
use super::line::{short_stamp, LineKind};
use super::view::LogViewState;

const FOLDED: &str = "▸";
const OPEN: &str = "▾";
/// `HH:MM:SS.mmm `
const STAMP_WIDTH: u16 = 13;

/// The screen's styles a log is drawn with. The theme lives above, with the screen code; it
/// hands these down (`ui::Theme::log_styles`).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct LogStyles {
    /// Colours at all. Without them the log's own colours are dropped and search hits are
    /// reversed or underlined instead.
    pub color: bool,
    /// Line numbers, time stamps, placeholders, the size of a folded group.
    pub dim: Style,
    /// A step's header line.
    pub step: Style,
    pub error: Style,
    pub warning: Style,
    /// The cursor's row while the log has the focus, and while it has not.
    pub cursor: Style,
    pub cursor_unfocused: Style,
}

pub struct LogView<'a> {
    state: &'a LogViewState,
    styles: LogStyles,
    block: Option<Block<'a>>,
    focused: bool,
    placeholder: &'a str,
}

impl<'a> LogView<'a> {
    pub fn new(state: &'a LogViewState, styles: LogStyles) -> LogView<'a> {
        LogView {
            state,
            styles,
            block: None,
            focused: true,
            placeholder: "No log lines yet.",
        }
    }

    pub fn block(mut self, block: Block<'a>) -> Self {
        self.block = Some(block);
        self
    }

    pub fn focused(mut self, focused: bool) -> Self {
        self.focused = focused;
        self
    }

    /// What an empty log shows (e.g. "Waiting for the job to finish…").
    pub fn placeholder(mut self, text: &'a str) -> Self {
        self.placeholder = text;
        self
    }
}

fn color(c: AnsiColor) -> Color {
    match c {
        AnsiColor::Indexed(n) => match n {
            0 => Color::Black,
            1 => Color::Red,
            2 => Color::Green,
            3 => Color::Yellow,
            4 => Color::Blue,
            5 => Color::Magenta,
            6 => Color::Cyan,
            7 => Color::Gray,
            8 => Color::DarkGray,
            9 => Color::LightRed,
            10 => Color::LightGreen,
            11 => Color::LightYellow,
            12 => Color::LightBlue,
            13 => Color::LightMagenta,
            14 => Color::LightCyan,
            15 => Color::White,
            n => Color::Indexed(n),
        },
        AnsiColor::Rgb(r, g, b) => Color::Rgb(r, g, b),
    }
}

/// A log's SGR as a ratatui style; without colour (`NO_COLOR`) only the attributes stay.
pub fn sgr_style(s: SgrStyle, with_color: bool) -> Style {
    let mut st = Style::new();
    if with_color {
        if let Some(fg) = s.fg {
            st = st.fg(color(fg));
        }
        if let Some(bg) = s.bg {
            st = st.bg(color(bg));
        }
    }
    for (bit, m) in [
        (attr::BOLD, Modifier::BOLD),
        (attr::DIM, Modifier::DIM),
        (attr::ITALIC, Modifier::ITALIC),
        (attr::UNDERLINE, Modifier::UNDERLINED),
        (attr::REVERSE, Modifier::REVERSED),
        (attr::STRIKE, Modifier::CROSSED_OUT),
    ] {
        if s.attrs & bit != 0 {
            st = st.add_modifier(m);
        }
    }
    st
}

struct Styles {
    gutter: Style,
    stamp: Style,
    step: Style,
    group: Style,
    error: Style,
    warning: Style,
    notice: Style,
    command: Style,
    debug: Style,
    hit: Style,
    current_hit: Style,
    cursor: Style,
    selection: Style,
    dim: Style,
}

impl Styles {
    fn new(given: &LogStyles, focused: bool) -> Styles {
        let c = given.color;
        let fg = |col: Color| {
            if c {
                Style::new().fg(col)
            } else {
                Style::new()
            }
        };
        Styles {
            gutter: given.dim,
            stamp: given.dim,
            step: given.step,
            group: Style::new().add_modifier(Modifier::BOLD),
            error: given.error,
            warning: given.warning.add_modifier(Modifier::BOLD),
            notice: fg(Color::Cyan),
            command: fg(Color::Blue),
            debug: fg(Color::Magenta),
            hit: if c {
                Style::new().fg(Color::Black).bg(Color::Yellow)
            } else {
                Style::new().add_modifier(Modifier::REVERSED)
            },
            current_hit: if c {
                Style::new()
                    .fg(Color::Black)
                    .bg(Color::LightRed)
                    .add_modifier(Modifier::BOLD)
            } else {
                Style::new().add_modifier(Modifier::REVERSED | Modifier::UNDERLINED)
            },
            cursor: if focused {
                given.cursor
            } else {
                given.cursor_unfocused
            },
            selection: if c {
                Style::new().bg(Color::Rgb(35, 45, 70))
            } else {
                Style::new().add_modifier(Modifier::UNDERLINED)
            },
            dim: given.dim,
        }
    }

    fn kind(&self, kind: LineKind) -> Style {
        match kind {
            LineKind::GroupStart => self.group,
            LineKind::Error => self.error,
            LineKind::Warning => self.warning,
            LineKind::Notice => self.notice,
            LineKind::Command => self.command,
            LineKind::Debug => self.debug,
            LineKind::Plain | LineKind::GroupEnd => Style::new(),
        }
    }
}

/// Writes `text` from column `x` up to `right`, first skipping `*skip` columns (horizontal
/// scroll; the count carries over to the next piece). Returns the next column.
fn put(
    buf: &mut Buffer,
    x: u16,
    y: u16,
    right: u16,
    skip: &mut usize,
    text: &str,
    style: Style,
) -> u16 {
    let mut rest = text;
    while *skip > 0 {
        let Some(c) = rest.chars().next() else { break };
        *skip = skip.saturating_sub(c.width().unwrap_or(0));
        rest = &rest[c.len_utf8()..];
    }
    if rest.is_empty() || x >= right {
        return x;
    }
    buf.set_stringn(x, y, rest, usize::from(right - x), style).0
}

impl Widget for LogView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let inner = match &self.block {
            Some(b) => b.inner(area),
            None => area,
        };
        if let Some(b) = &self.block {
            b.render(area, buf);
        }
        for y in inner.top()..inner.bottom() {
            for x in inner.left()..inner.right() {
                buf[(x, y)].reset();
            }
        }
        if inner.is_empty() {
            return;
        }
        let st = self.state;
        let styles = Styles::new(&self.styles, self.focused);
        let height = usize::from(inner.height);
        if st.layout.rows() == 0 {
            buf.set_stringn(
                inner.x,
                inner.y,
                crate::text::sanitize_line(self.placeholder),
                usize::from(inner.width),
                styles.dim,
            );
            st.window(height);
            return;
        }
        let top = st.window(height);
        // The gutter: "1234 ▸ " (number, space, fold marker, space).
        let digits = st.store.len().max(1).to_string().len() as u16;
        let selection = st.selection();
        for y in 0..inner.height {
            let r = top + usize::from(y);
            let Some(row) = st.layout.row(r) else { break };
            let rect = Rect::new(inner.x, inner.y + y, inner.width, 1);
            let selected = match (row, selection) {
                (Row::Line(l), Some((a, b))) => (a..=b).contains(&l),
                _ => false,
            };
            if r == st.cursor {
                buf.set_style(rect, styles.cursor);
            } else if selected {
                buf.set_style(rect, styles.selection);
            }
            match row {
                Row::Step(k) => self.step_row(buf, rect, k, &styles),
                Row::Line(l) => self.line_row(buf, rect, l, digits, &styles),
            }
        }
    }
}

impl LogView<'_> {
    fn step_row(&self, buf: &mut Buffer, rect: Rect, k: usize, styles: &Styles) {
        let st = self.state;
        let Some(step) = st.store.steps().get(k) else {
            return;
        };
        let folded = st.fold_of_step(k);
        let right = rect.right();
        let mut skip = 0;
        let mut x = put(
            buf,
            rect.x,
            rect.y,
            right,
            &mut skip,
            if folded { FOLDED } else { OPEN },
            styles.step,
        );
        x = put(buf, x, rect.y, right, &mut skip, " ", styles.step);
        x = put(buf, x, rect.y, right, &mut skip, &step.title, styles.step);
        let range = st.store.step_range(k);
        let p = st.store.problems();
        let a = p.partition_point(|&l| l < range.start);
        let b = p.partition_point(|&l| l < range.end);
        let errors = p[a..b].iter().filter(|&&l| st.store.is_error(l)).count();
        let warnings = (b - a) - errors;
        if errors > 0 {
            let s = format!("  ✗ {errors}");
            x = put(buf, x, rect.y, right, &mut skip, &s, styles.error);
        }
        if warnings > 0 {
            let s = format!("  ! {warnings}");
            x = put(buf, x, rect.y, right, &mut skip, &s, styles.warning);
        }
        if folded {
            let s = format!("  ({})", crate::words::count(range.len() as u64, "line"));
            put(buf, x, rect.y, right, &mut skip, &s, styles.dim);
        }
    }

    fn line_row(&self, buf: &mut Buffer, rect: Rect, line: usize, digits: u16, styles: &Styles) {
        let st = self.state;
        let right = rect.right();
        let y = rect.y;
        let kind = st.store.kind(line);
        let mut no_skip = 0;
        let number = format!("{:>w$} ", line + 1, w = usize::from(digits));
        let num_style = match kind {
            LineKind::Error => styles.error,
            LineKind::Warning => styles.warning,
            _ => styles.gutter,
        };
        let mut x = put(buf, rect.x, y, right, &mut no_skip, &number, num_style);
        let group = if kind == LineKind::GroupStart {
            st.store.group_at(line)
        } else {
            None
        };
        let marker = match group {
            Some(g) if st.fold_of_group(g) => FOLDED,
            Some(_) => OPEN,
            None => " ",
        };
        x = put(buf, x, y, right, &mut no_skip, marker, styles.group);
        x = put(buf, x, y, right, &mut no_skip, " ", Style::new());
        if st.timestamps {
            let stamp = short_stamp(st.store.stamp(line));
            let s = format!("{stamp:<w$}", w = usize::from(STAMP_WIDTH));
            x = put(buf, x, y, right, &mut no_skip, &s, styles.stamp);
        }
        let base = styles.kind(kind);
        let label = kind.label();
        let (first_hit, hits) = st.hits_on(line);
        let current = st.current_hit();
        let color = self.styles.color;
        let mut skip = st.scroll_x;
        // Pieces of the display text (label, then the log's styled runs), each cut where a
        // search hit starts or ends.
        let mut pieces: Vec<(usize, usize, Style)> = Vec::new();
        if !label.is_empty() {
            pieces.push((0, label.len(), base));
        }
        let text = st.styled(line, |t| {
            let off = label.len();
            for (r, s) in t.spans() {
                pieces.push((off + r.start, off + r.end, base.patch(sgr_style(s, color))));
            }
            format!("{label}{}", t.text)
        });
        let mut cuts: Vec<usize> = hits
            .iter()
            .flat_map(|h| [h.start as usize, h.end as usize])
            .collect();
        cuts.sort_unstable();
        for (a, b, style) in pieces {
            let mut at = a;
            let inner_cuts = cuts.iter().copied().filter(|&c| c > a && c < b);
            for end in inner_cuts.chain(std::iter::once(b)) {
                // Cut at every hit boundary, a piece is wholly inside a hit or outside all.
                let hit = hits
                    .iter()
                    .position(|h| (h.start as usize) <= at && at < h.end as usize);
                let style = match hit {
                    Some(i) if current == Some(first_hit + i) => style.patch(styles.current_hit),
                    Some(_) => style.patch(styles.hit),
                    None => style,
                };
                if let Some(s) = text.get(at..end) {
                    x = put(buf, x, y, right, &mut skip, s, style);
                }
                at = end;
            }
            if x >= right {
                break;
            }
        }
        if let Some(g) = group.filter(|&g| st.fold_of_group(g)) {
            let gr = st.store.groups()[g];
            let end = gr.body_end.min(st.store.len());
            let hidden = end.saturating_sub(gr.header + 1);
            if hidden > 0 {
                let s = format!("  … {}", crate::words::count(hidden as u64, "line"));
                put(buf, x, y, right, &mut skip, &s, styles.dim);
            }
        }
    }
}
