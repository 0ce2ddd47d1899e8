//! Making outside text safe and short enough for a terminal cell grid.
//!
//! Issue bodies, commit messages, branch names and logs are written by other people (a fork's
//! PR can print anything). A raw ESC in a ratatui cell would reach the terminal verbatim, so
//! every piece of outside text passes through here before it is drawn: escape sequences and
//! control characters are removed, bidi overrides (which can make text lie about its order)
//! are dropped, tabs become spaces.
//!
//! Text is also normalised so that the width ratatui counts (unicode-width) is the width a
//! terminal draws: a terminal advances the cursor character by character, so the width of the
//! text must be the sum of its characters' widths. Invisible characters (Unicode's format
//! characters and other default-ignorables: zero-width spaces and joiners, soft hyphen, BOM,
//! word joiner, variation selectors, Hangul fillers, tags) are dropped — terminals disagree on
//! how wide they are; line and paragraph separators become line breaks; and the few sequences
//! unicode-width draws narrower than their characters (an Arabic lam-alef, a Khmer subscript,
//! an emoji with a skin tone) are broken up, so that no column or border moves.

pub mod escape;
mod name;
mod safe;

pub use name::Name;
pub use safe::{first_line, Safe};

use chrono::{DateTime, Utc};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// One line: newlines become spaces.
pub fn sanitize_line(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    clean_into(s, &mut out, false);
    out
}

/// Many lines: newlines are kept, `\r\n` and lone `\r` are normalised to `\n`.
pub fn sanitize_block(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    clean_into(s, &mut out, true);
    out
}

/// Bidi controls (all of them are also format characters, so [`is_invisible`] drops them).
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// Characters that draw nothing, or draw as terminals please: Unicode's format characters
/// (category Cf, bidi controls included) and the other default-ignorable code points
/// (variation selectors, Hangul fillers, Mongolian variation selectors, the combining
/// grapheme joiner, unassigned tag space). unicode-width counts most of them as 0 columns and
/// terminals as 0, 1 or 2; dropping them is the only width both agree on.
pub fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{034F}'
            | '\u{0600}'..='\u{0605}'
            | '\u{061C}'
            | '\u{06DD}'
            | '\u{070F}'
            | '\u{0890}'..='\u{0891}'
            | '\u{08E2}'
            | '\u{115F}'..='\u{1160}'
            | '\u{17B4}'..='\u{17B5}'
            | '\u{180B}'..='\u{180F}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}'
            | '\u{3164}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FEFF}'
            | '\u{FFA0}'
            | '\u{FFF0}'..='\u{FFFB}'
            | '\u{110BD}'
            | '\u{110CD}'
            | '\u{13430}'..='\u{1343F}'
            | '\u{1BCA0}'..='\u{1BCA3}'
            | '\u{1D173}'..='\u{1D17A}'
            | '\u{E0000}'..='\u{E0FFF}'
    ) || is_width_outlier(c)
}

/// Visible characters unicode-width counts as 0 columns where a terminal gives them one: the
/// letters that prepend to the next syllable (Malayalam dot reph, Sharada and Zanabazar signs,
/// …), and the Tifinagh consonant joiner, which unicode-width counts as a column alone but not
/// between two consonants.
fn is_width_outlier(c: char) -> bool {
    matches!(
        c,
        '\u{0D4E}'
            | '\u{2D7F}'
            | '\u{A8FA}'
            | '\u{111C2}'..='\u{111C3}'
            | '\u{113D1}'
            | '\u{1193F}'
            | '\u{11941}'
            | '\u{11A84}'..='\u{11A89}'
            | '\u{11D46}'
            | '\u{11F02}'
    )
}

fn clean_into(s: &str, out: &mut String, keep_newlines: bool) {
    let newline = if keep_newlines { '\n' } else { ' ' };
    let mut cells = Cells {
        start: out.len(),
        ..Cells::default()
    };
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match c {
            // Every escape sequence goes whole, SGR included: outside text has no colours here.
            c if escape::starts(c) => {
                escape::read(c, &mut chars);
            }
            '\n' | '\u{2028}' | '\u{2029}' => cells.push_break(out, newline),
            '\r' => {
                if !chars.as_str().starts_with('\n') {
                    cells.push_break(out, newline);
                }
            }
            '\t' => {
                for _ in 0..4 {
                    cells.push(out, ' ');
                }
            }
            c if c.is_control() || is_invisible(c) => {}
            c => cells.push(out, c),
        }
    }
}

/// Zero-width characters kept after one character (Vietnamese or Indic text needs two or
/// three): a stack of hundreds ("zalgo" text) draws over the lines around it, and each would
/// cost a look at the whole stack.
const MAX_MARKS: usize = 8;

/// Keeps the width of the text equal to the sum of its characters' widths as characters are
/// appended. unicode-width narrows a few sequences (a lam followed by an alef, a Khmer consonant
/// after a coeng, a Tifinagh joiner, a skin tone after an emoji, …) that a terminal still
/// draws one character at a time; each such sequence is broken where it forms.
#[derive(Default)]
struct Cells {
    /// Where in the output the characters a new one can interact with begin: the last
    /// character with a width and the marks after it (or the marks since a line break).
    start: usize,
    /// Byte length of that character at `start`; 0 when there is none.
    base_len: usize,
    marks: usize,
    scratch: String,
}

impl Cells {
    fn push_break(&mut self, out: &mut String, newline: char) {
        out.push(newline);
        *self = Cells {
            start: out.len(),
            scratch: std::mem::take(&mut self.scratch),
            ..Cells::default()
        };
    }

    fn push(&mut self, out: &mut String, c: char) {
        let w = c.width().unwrap_or(0);
        if w == 0 && self.marks >= MAX_MARKS {
            return;
        }
        let tail = &out[self.start..];
        // Kirat Rai's vowel sign E narrows every AI before it, however many: the one sequence
        // longer than the window.
        if c == '\u{16D67}' && tail.starts_with('\u{16D68}') {
            return;
        }
        // ASCII never takes part in a narrowing sequence: the common case stays a push.
        let plain = c.is_ascii() && tail.is_ascii();
        if plain || tail.is_empty() || fits(&mut self.scratch, tail, c) {
            return self.append(out, c, w);
        }
        // The marks between the base and `c` (a coeng, a joiner) make the sequence: drop them.
        let base = &tail[..self.base_len];
        if fits(&mut self.scratch, base, c) {
            out.truncate(self.start + self.base_len);
            self.marks = 0;
            return self.append(out, c, w);
        }
        // Lam-alef: the ligature's presentation form is one cell for unicode-width and for the
        // terminal alike. Anything else that would narrow (a skin tone, a tone letter): `c`
        // goes.
        if let Some(ligature) = lam_alef(base, c) {
            let marks = tail[self.base_len..].to_string();
            out.truncate(self.start);
            out.push(ligature);
            self.base_len = ligature.len_utf8();
            out.push_str(&marks);
        }
    }

    fn append(&mut self, out: &mut String, c: char, w: usize) {
        if w > 0 {
            self.start = out.len();
            self.base_len = c.len_utf8();
            self.marks = 0;
        } else {
            self.marks += 1;
        }
        out.push(c);
    }
}

/// Whether `c` after `tail` adds exactly its own width.
fn fits(window: &mut String, tail: &str, c: char) -> bool {
    window.clear();
    window.push_str(tail);
    window.push(c);
    window.width() == tail.width() + c.width().unwrap_or(0)
}

fn lam_alef(lam: &str, alef: char) -> Option<char> {
    if lam != "\u{644}" {
        return None;
    }
    match alef {
        '\u{622}' => Some('\u{FEF5}'),
        '\u{623}' => Some('\u{FEF7}'),
        '\u{625}' => Some('\u{FEF9}'),
        '\u{627}' => Some('\u{FEFB}'),
        _ => None,
    }
}

/// Compact age like GitHub's lists: `now`, `5m`, `3h`, `2d`, `6w`, `4mo`, `2y`.
pub fn age(now: DateTime<Utc>, then: DateTime<Utc>) -> String {
    let secs = (now - then).num_seconds().max(0);
    match secs {
        0..=44 => "now".into(),
        45..=3599 => format!("{}m", (secs / 60).max(1)),
        3600..=86_399 => format!("{}h", secs / 3600),
        86_400..=1_209_599 => format!("{}d", secs / 86_400),
        1_209_600..=5_183_999 => format!("{}w", secs / 604_800),
        5_184_000..=31_535_999 => format!("{}mo", secs / 2_592_000),
        _ => format!("{}y", secs / 31_536_000),
    }
}

/// `just now`, `5m ago`, `3d ago`: for sentences.
pub fn ago(now: DateTime<Utc>, then: DateTime<Utc>) -> String {
    match age(now, then).as_str() {
        "now" => "just now".into(),
        a => format!("{a} ago"),
    }
}

/// A duration as `45s`, `3m 07s`, `1h 02m`.
pub fn duration(secs: i64) -> String {
    let secs = secs.max(0);
    if secs < 60 {
        format!("{secs}s")
    } else if secs < 3600 {
        format!("{}m {:02}s", secs / 60, secs % 60)
    } else {
        format!("{}h {:02}m", secs / 3600, (secs % 3600) / 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removes_every_escape_sequence() {
        let hostile = "a\u{1b}]52;c;ZXZpbA==\u{7}b\u{1b}]0;pwned\u{1b}\\c\u{1b}[2J\u{1b}[31md\u{1b}Pq#0\u{1b}\\e\u{9b}6n\u{1b}(Bf";
        let clean = sanitize_line(hostile);
        assert_eq!(clean, "abcdef");
        assert!(!clean.chars().any(|c| c.is_control()));
    }

    #[test]
    fn hyperlinks_keep_their_text_only() {
        let s = "see \u{1b}]8;;https://evil.example\u{1b}\\this\u{1b}]8;;\u{1b}\\ link";
        assert_eq!(sanitize_line(s), "see this link");
    }

    #[test]
    fn controls_bidi_and_newlines() {
        assert_eq!(sanitize_line("x\u{7}\u{8}y\u{202e}z\r\nw\tv"), "xyz w    v");
        assert_eq!(sanitize_block("a\r\nb\rc\nd"), "a\nb\nc\nd");
    }

    #[test]
    fn unterminated_sequences_do_not_leak() {
        assert_eq!(sanitize_line("ok\u{1b}]52;c;AAAA"), "ok");
        assert_eq!(sanitize_line("ok\u{1b}[12"), "ok");
        assert_eq!(sanitize_line("ok\u{1b}"), "ok");
    }

    #[test]
    fn ages_and_durations() {
        let now = Utc::now();
        assert_eq!(age(now, now), "now");
        assert_eq!(age(now, now - chrono::Duration::minutes(5)), "5m");
        assert_eq!(age(now, now - chrono::Duration::hours(30)), "1d");
        assert_eq!(age(now, now - chrono::Duration::days(40)), "5w");
        assert_eq!(duration(187), "3m 07s");
        assert_eq!(duration(3720), "1h 02m");
    }
}
