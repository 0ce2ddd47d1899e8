//! A table that only builds the rows it shows, so a panel with 10,000 items costs what a
//! panel with 20 costs. Columns share the width by what the visible rows hold: a short column
//! gets all it needs, long ones share the rest; when even their minimums do not fit, the least
//! important columns go first. Text that still does not fit is cut with `…` — and a cell can say
//! which end must survive (a sha) or offer a shorter form of itself.

use crate::app::state::Cursor;
use crate::ui::Theme;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Row, Table, TableState};
use ratatui::Frame;
use unicode_width::UnicodeWidthChar;

pub struct Col {
    pub header: &'static str,
    /// `Length(n)`: as wide as its content, at most `n`, never cut (dropped instead).
    /// `Max(n)`: as wide as its content, at most `n`, cut down to its minimum when short.
    /// `Fill(w)` / `Min(n)`: as wide as its content, cut down to its minimum when space is
    /// short, and given weight `w` of any width left over.
    pub width: Constraint,
    /// 0: always shown. Otherwise, when space runs short, the highest number goes first.
    pub drop: u8,
    /// Width below which a flexible column is not cut (it makes others drop first).
    pub min: Option<u16>,
}

pub const fn col(header: &'static str, width: Constraint, drop: u8) -> Col {
    Col {
        header,
        width,
        drop,
        min: None,
    }
}

impl Col {
    pub const fn min(mut self, n: u16) -> Col {
        self.min = Some(n);
        self
    }
}

/// A flexible column is not cut below this unless it says otherwise.
const FILL_MIN: u16 = 8;

/// One cell: its text, and how to shorten it.
#[derive(Debug, Clone, Default)]
pub struct Cell<'a> {
    /// The full form first, then shorter ones; the first that fits is shown.
    forms: Vec<Line<'a>>,
    /// Display columns at the end that a cut keeps (the `@9092ce7` of `main@9092ce7`).
    keep_tail: usize,
}

impl<'a> Cell<'a> {
    pub fn new(line: impl Into<Line<'a>>) -> Cell<'a> {
        Cell {
            forms: vec![line.into()],
            keep_tail: 0,
        }
    }

    /// A cut keeps the last `n` columns and removes text before them.
    pub fn keep_tail(mut self, n: usize) -> Cell<'a> {
        self.keep_tail = n;
        self
    }

    /// A shorter form, shown when the full one does not fit.
    pub fn or(mut self, shorter: impl Into<Line<'a>>) -> Cell<'a> {
        self.forms.push(shorter.into());
        self
    }

    fn width(&self) -> usize {
        self.forms.first().map_or(0, Line::width)
    }

    /// Every form with the filter's words marked.
    fn marked(mut self, words: &[String], style: Style) -> Cell<'a> {
        self.forms = self
            .forms
            .into_iter()
            .map(|l| mark(l, words, style))
            .collect();
        self
    }

    fn fitted(self, width: usize) -> Line<'a> {
        let keep_tail = self.keep_tail;
        let mut forms = self.forms;
        match forms.iter().position(|f| f.width() <= width) {
            Some(i) => forms.swap_remove(i),
            None => match forms.pop() {
                Some(last) => cut(last, width, keep_tail),
                None => Line::default(),
            },
        }
    }
}

impl<'a> From<Line<'a>> for Cell<'a> {
    fn from(l: Line<'a>) -> Self {
        Cell::new(l)
    }
}
impl<'a> From<Span<'a>> for Cell<'a> {
    fn from(s: Span<'a>) -> Self {
        Cell::new(s)
    }
}
impl From<String> for Cell<'_> {
    fn from(s: String) -> Self {
        Cell::new(s)
    }
}
impl<'a> From<&'a str> for Cell<'a> {
    fn from(s: &'a str) -> Self {
        Cell::new(s)
    }
}
impl<'a> From<&'a crate::text::Safe> for Cell<'a> {
    fn from(s: &'a crate::text::Safe) -> Self {
        Cell::new(s.as_str())
    }
}
// Outside names draw their safe form.
impl<'a> From<&'a crate::text::Name> for Cell<'a> {
    fn from(n: &'a crate::text::Name) -> Self {
        Cell::new(n.shown().as_str())
    }
}

/// `line` in at most `width` columns, marking the cut with `…`; with `keep_tail`, the cut is
/// made before the last `keep_tail` columns so they survive.
pub fn cut(line: Line<'_>, width: usize, keep_tail: usize) -> Line<'_> {
    if line.width() <= width {
        return line;
    }
    if width == 0 {
        return Line::default().style(line.style);
    }
    // Styled characters, so spans keep their styles through the cut.
    let chars: Vec<(char, Style)> = line
        .spans
        .iter()
        .flat_map(|s| s.content.chars().map(move |c| (c, s.style)))
        .collect();
    let tail_fits = keep_tail > 0 && keep_tail < width;
    let (head_room, tail) = if tail_fits {
        let mut w = 0;
        let mut start = chars.len();
        while start > 0 {
            let cw = chars[start - 1].0.width().unwrap_or(0);
            if w + cw > keep_tail {
                break;
            }
            w += cw;
            start -= 1;
        }
        (width - 1 - w, &chars[start..])
    } else {
        (width - 1, &chars[chars.len()..])
    };
    let mut out: Vec<(char, Style)> = Vec::new();
    let mut w = 0;
    for &(c, st) in &chars {
        let cw = c.width().unwrap_or(0);
        if w + cw > head_room {
            break;
        }
        w += cw;
        out.push((c, st));
    }
    // The ellipsis takes the style of what it replaces.
    let ell_style = chars.get(out.len()).map_or(Style::new(), |(_, s)| *s);
    out.push(('…', ell_style));
    out.extend_from_slice(tail);
    let mut spans: Vec<Span> = Vec::new();
    for (c, st) in out {
        match spans.last_mut() {
            Some(last) if last.style == st => last.content.to_mut().push(c),
            _ => spans.push(Span::styled(c.to_string(), st)),
        }
    }
    Line::from(spans).style(line.style)
}

pub struct VirtualTable<'a> {
    pub block: Block<'a>,
    pub cols: Vec<Col>,
    pub len: usize,
    pub focused: bool,
    /// The words of the panel's `/` filter, marked where they occur in the cells.
    pub marks: Vec<String>,
}

/// `line` with every occurrence of `words` (any case) in `style`, on top of its own. A word
/// split across two spans is not marked: a cell's spans are its parts (a label, a number).
pub fn mark<'a>(line: Line<'a>, words: &[String], style: Style) -> Line<'a> {
    if words.is_empty() {
        return line;
    }
    let mut spans: Vec<Span<'a>> = Vec::with_capacity(line.spans.len());
    for span in line.spans {
        let ranges = crate::app::filter::match_ranges(&span.content, words);
        if ranges.is_empty() {
            spans.push(span);
            continue;
        }
        let text = span.content.as_ref();
        let mut at = 0;
        for r in ranges {
            if r.start > at {
                spans.push(Span::styled(text[at..r.start].to_string(), span.style));
            }
            spans.push(Span::styled(
                text[r.clone()].to_string(),
                span.style.patch(style),
            ));
            at = r.end;
        }
        if at < text.len() {
            spans.push(Span::styled(text[at..].to_string(), span.style));
        }
    }
    Line { spans, ..line }
}

/// How wide each column is (`None`: dropped) for `natural` content widths in `width` cells,
/// with one cell between columns.
fn widths(cols: &[Col], natural: &[u16], width: u16) -> Vec<Option<u16>> {
    let natural: Vec<u16> = cols
        .iter()
        .zip(natural)
        .map(|(c, n)| match c.width {
            Constraint::Length(max) | Constraint::Max(max) => (*n).min(max),
            _ => *n,
        })
        .collect();
    let min: Vec<u16> = cols
        .iter()
        .zip(&natural)
        .map(|(c, n)| match (c.min, c.width) {
            (Some(m), _) => m.min(*n),
            (None, Constraint::Length(_)) => *n,
            (None, Constraint::Min(m)) => m.min(*n),
            (None, _) => FILL_MIN.min(*n),
        })
        .collect();
    let mut keep = vec![true; cols.len()];
    let room = |keep: &[bool]| {
        let shown = keep.iter().filter(|k| **k).count() as u16;
        width.saturating_sub(shown.saturating_sub(1))
    };
    let needed = |keep: &[bool], v: &[u16]| -> u16 {
        v.iter()
            .zip(keep)
            .filter(|(_, k)| **k)
            .map(|(w, _)| *w)
            .sum()
    };
    while needed(&keep, &min) > room(&keep) {
        let victim = cols
            .iter()
            .enumerate()
            .filter(|(i, c)| keep[*i] && c.drop > 0)
            .max_by_key(|(i, c)| (c.drop, *i))
            .map(|(i, _)| i);
        match victim {
            Some(i) => keep[i] = false,
            None => break,
        }
    }
    let avail = room(&keep);
    // Nothing can keep its minimum: the widest columns give way first.
    let floor: Vec<u16> = if needed(&keep, &min) > avail {
        vec![0; cols.len()]
    } else {
        min
    };
    // Width left over, and the sharing of a shortfall, go by weight.
    let weight = |c: &Col| match c.width {
        Constraint::Fill(n) => n.max(1),
        _ => 1,
    };
    // The highest level L such that every column at min(natural, max(floor, L × weight))
    // fits: short columns get all they hold, long ones share what is left by weight.
    let at = |level: u16| -> Vec<u16> {
        cols.iter()
            .zip(natural.iter().zip(&floor))
            .map(|(c, (n, f))| (*n).min(level.saturating_mul(weight(c)).max(*f)))
            .collect()
    };
    let top = natural.iter().copied().max().unwrap_or(0);
    let (mut lo, mut hi) = (0u16, top);
    while lo < hi {
        let mid = lo + (hi - lo).div_ceil(2);
        if needed(&keep, &at(mid)) <= avail {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    let mut w = at(lo);
    // Cells left below the next level go to the columns still cut, left to right.
    let mut spare = avail.saturating_sub(needed(&keep, &w));
    for i in 0..w.len() {
        if spare == 0 {
            break;
        }
        if keep[i] && w[i] < natural[i] {
            w[i] += 1;
            spare -= 1;
        }
    }
    // Width nobody needs goes to the flexible columns.
    let grows = |c: &Col| match c.width {
        Constraint::Fill(n) => u32::from(n),
        Constraint::Min(_) => 1,
        _ => 0,
    };
    let total: u32 = cols
        .iter()
        .zip(&keep)
        .filter(|(_, k)| **k)
        .map(|(c, _)| grows(c))
        .sum();
    if spare > 0 && total > 0 {
        let mut given = 0u16;
        let last = (0..cols.len())
            .rev()
            .find(|i| keep[*i] && grows(&cols[*i]) > 0);
        for i in 0..cols.len() {
            if !keep[i] || grows(&cols[i]) == 0 {
                continue;
            }
            let share = if Some(i) == last {
                spare - given
            } else {
                (u32::from(spare) * grows(&cols[i]) / total) as u16
            };
            w[i] += share;
            given += share;
        }
    }
    w.into_iter()
        .zip(keep)
        .map(|(w, k)| k.then_some(w))
        .collect()
}

impl VirtualTable<'_> {
    pub fn render<'r>(
        self,
        frame: &mut Frame,
        area: Rect,
        cursor: &Cursor,
        theme: &Theme,
        row_at: impl Fn(usize) -> Vec<Cell<'r>>,
    ) {
        let inner = self.block.inner(area);
        // One line goes to the header.
        let height = usize::from(inner.height.saturating_sub(1));
        let off = cursor.window(self.len, height);
        let end = (off + height).min(self.len);
        let hit = theme.hit();
        let cells: Vec<Vec<Cell>> = (off..end)
            .map(|i| {
                let row = row_at(i);
                if self.marks.is_empty() {
                    return row;
                }
                row.into_iter()
                    .map(|c| c.marked(&self.marks, hit))
                    .collect()
            })
            .collect();
        let natural: Vec<u16> = self
            .cols
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let content = cells
                    .iter()
                    .filter_map(|r| r.get(i))
                    .map(Cell::width)
                    .max()
                    .unwrap_or(0);
                let header = unicode_width::UnicodeWidthStr::width(c.header);
                content.max(header).min(usize::from(u16::MAX)) as u16
            })
            .collect();
        let shown = widths(&self.cols, &natural, inner.width);
        let rows: Vec<Row> = cells
            .into_iter()
            .map(|r| {
                Row::new(
                    r.into_iter()
                        .zip(&shown)
                        .filter_map(|(c, w)| w.map(|w| c.fitted(usize::from(w)))),
                )
            })
            .collect();
        let header = Row::new(
            self.cols
                .iter()
                .zip(&shown)
                .filter_map(|(c, w)| w.map(|w| cut(Line::from(c.header), usize::from(w), 0))),
        );
        let constraints: Vec<Constraint> = shown
            .iter()
            .flatten()
            .map(|w| Constraint::Length(*w))
            .collect();
        let table = Table::new(rows, constraints)
            .header(header.style(theme.header()))
            .block(self.block)
            .column_spacing(1);
        let mut ts = TableState::default();
        if self.len > 0 {
            ts.select(Some(cursor.selected.saturating_sub(off)));
        }
        frame.render_stateful_widget(table, area, &mut ts);
        if self.len > 0 {
            let y = inner.y + 1 + (cursor.selected.saturating_sub(off)) as u16;
            if y < inner.bottom() {
                let row = Rect::new(inner.x, y, inner.width, 1);
                highlight(frame.buffer_mut(), row, theme.selected(self.focused));
            }
        }
    }
}

/// Marks a selected row. Cells with a background of their own (a "waits for you" badge) keep
/// it, and their own colours with it: the selection colour under a badge's black text would
/// make it unreadable just when the user selects it to act.
pub fn highlight(buf: &mut Buffer, row: Rect, style: Style) {
    for x in row.left()..row.right() {
        let cell = &mut buf[(x, row.y)];
        let own_bg = cell.bg != Color::Reset;
        let own_reverse = cell.modifier.contains(ratatui::style::Modifier::REVERSED);
        if own_bg
            || (own_reverse
                && style
                    .add_modifier
                    .contains(ratatui::style::Modifier::REVERSED))
        {
            continue;
        }
        cell.set_style(style);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cols() -> [Col; 4] {
        [
            col("#", Constraint::Length(5), 0),
            col("Title", Constraint::Fill(1), 0).min(10),
            col("Event", Constraint::Length(12), 2),
            col("Age", Constraint::Length(3), 1),
        ]
    }

    #[test]
    fn short_columns_get_what_they_hold_and_long_ones_share_the_rest() {
        let natural = [3, 40, 12, 3];
        // Everything fits: the title takes the width left over.
        assert_eq!(
            widths(&cols(), &natural, 80),
            vec![Some(3), Some(59), Some(12), Some(3)]
        );
        // The title is cut, the others are whole.
        assert_eq!(
            widths(&cols(), &natural, 40),
            vec![Some(3), Some(19), Some(12), Some(3)]
        );
        // Below the title's minimum the least important column goes first.
        assert_eq!(
            widths(&cols(), &natural, 30),
            vec![Some(3), Some(22), None, Some(3)]
        );
        assert_eq!(
            widths(&cols(), &natural, 15),
            vec![Some(3), Some(11), None, None]
        );
    }

    #[test]
    fn two_long_columns_share_evenly() {
        let cols = [
            col("Title", Constraint::Fill(1), 0),
            col("Labels", Constraint::Fill(1), 0),
        ];
        assert_eq!(widths(&cols, &[50, 9], 41), vec![Some(31), Some(9)]);
        assert_eq!(widths(&cols, &[50, 30], 41), vec![Some(20), Some(20)]);
        // By weight when one matters more.
        let cols = [
            col("Title", Constraint::Fill(2), 0),
            col("Labels", Constraint::Fill(1), 0),
        ];
        assert_eq!(widths(&cols, &[50, 30], 41), vec![Some(27), Some(13)]);
    }

    #[test]
    fn cuts_are_marked_and_keep_a_sha_whole() {
        let text = |l: Line| l.to_string();
        assert_eq!(text(cut(Line::from("enhancement"), 8, 0)), "enhance…");
        assert_eq!(text(cut(Line::from("main@9092ce7"), 10, 8)), "m…@9092ce7");
        assert_eq!(text(cut(Line::from("main@9092ce7"), 12, 8)), "main@9092ce7");
        let cell = Cell::new("⏸ #192 waits for you · main@9092ce7").or("⏸ #192 waits for you");
        assert_eq!(
            text(cell.clone().fitted(40)),
            "⏸ #192 waits for you · main@9092ce7"
        );
        assert_eq!(text(cell.fitted(25)), "⏸ #192 waits for you");
    }
}
