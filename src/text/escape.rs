//! The one reader of terminal escape sequences in outside text, shared by [`crate::text`]
//! (titles, bodies, names) and [`crate::logs::ansi`] (job logs), so both remove exactly the
//! same bytes.
//!
//! The rules, as terminals parse (ECMA-48): `ESC [` starts a CSI that ends at its final byte
//! (0x40–0x7e) or at any byte that cannot be inside one (a control character aborts it, as in
//! terminals, and goes with it); `ESC ]`, `ESC P`, `ESC X`, `ESC ^`, `ESC _` start a string
//! (OSC, DCS, SOS, PM, APC) that ends at BEL, `ESC \` or 0x9c; `ESC` with intermediates
//! (0x20–0x2f) ends at the first other character; any other `ESC x` is two characters. The
//! 8-bit forms (0x9b CSI, 0x90/0x98/0x9d/0x9e/0x9f strings) are read the same way. An
//! unterminated sequence runs to the end of the text it was found in: nothing after an
//! opened sequence is shown until it closes.
//!
//! The only sequence a caller may keep, as a style and never as bytes, is the 7-bit SGR
//! (`ESC [ digits ; : m`); the 8-bit CSI is always dropped (terminals disagree on C1).

use std::str::Chars;

/// A sequence read past.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Escape<'a> {
    /// `ESC [ … m` with plain parameters (digits, `;`, `:`): the parameters, borrowed.
    Sgr(&'a str),
    /// Anything else: removed whole.
    Dropped,
}

/// Whether `c` starts an escape sequence (then [`read`] consumes the rest of it).
pub fn starts(c: char) -> bool {
    matches!(
        c,
        '\u{1b}' | '\u{9b}' | '\u{90}' | '\u{98}' | '\u{9d}' | '\u{9e}' | '\u{9f}'
    )
}

/// Reads the rest of the sequence that `c` (just taken from `chars`) starts; `None` when `c`
/// starts none. Linear in the sequence's length, whatever its parameters.
pub fn read<'a>(c: char, chars: &mut Chars<'a>) -> Option<Escape<'a>> {
    match c {
        '\u{1b}' => Some(match chars.next() {
            Some('[') => read_csi(chars),
            Some(']' | 'P' | 'X' | '^' | '_') => {
                skip_string(chars);
                Escape::Dropped
            }
            Some(c) if is_intermediate(c) => {
                // nF escape (charset designation…): intermediates, then one final byte.
                for n in chars.by_ref() {
                    if !is_intermediate(n) {
                        break;
                    }
                }
                Escape::Dropped
            }
            // Two-character escapes (ESC 7, ESC c reset, ESC M…).
            _ => Escape::Dropped,
        }),
        '\u{9b}' => {
            read_csi(chars);
            Some(Escape::Dropped)
        }
        '\u{90}' | '\u{98}' | '\u{9d}' | '\u{9e}' | '\u{9f}' => {
            skip_string(chars);
            Some(Escape::Dropped)
        }
        _ => None,
    }
}

fn is_intermediate(c: char) -> bool {
    ('\u{20}'..='\u{2f}').contains(&c)
}

/// A CSI after its introducer: SGR when the final byte is `m` with no private marker and no
/// intermediates. Borrowed from the text: a log search runs this for every colour change of
/// every line it reads.
fn read_csi<'a>(chars: &mut Chars<'a>) -> Escape<'a> {
    let start = chars.as_str();
    let mut plain = true;
    while let Some(c) = chars.next() {
        match c {
            '0'..='9' | ';' | ':' => {}
            // Private markers (`?`, `<`, `=`, `>`) and intermediates: not an SGR.
            '\u{20}'..='\u{3f}' => plain = false,
            'm' if plain => {
                let len = start.len() - chars.as_str().len() - 1;
                return Escape::Sgr(&start[..len]);
            }
            '\u{40}'..='\u{7e}' => return Escape::Dropped,
            // A control character (or anything else) aborts the sequence and is dropped too.
            _ => return Escape::Dropped,
        }
    }
    Escape::Dropped
}

/// OSC/DCS/SOS/PM/APC: everything up to BEL or the string terminator (`ESC \` or 0x9c).
fn skip_string(chars: &mut Chars<'_>) {
    while let Some(c) = chars.next() {
        match c {
            '\u{7}' | '\u{9c}' => return,
            '\u{1b}' => {
                if chars.as_str().starts_with('\\') {
                    chars.next();
                }
                return;
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The text left after removing every sequence, and the SGR parameters seen.
    fn scan(s: &str) -> (String, Vec<&str>) {
        let mut chars = s.chars();
        let (mut text, mut sgr) = (String::new(), Vec::new());
        while let Some(c) = chars.next() {
            match read(c, &mut chars) {
                Some(Escape::Sgr(p)) => sgr.push(p),
                Some(Escape::Dropped) => {}
                None => text.push(c),
            }
        }
        (text, sgr)
    }

    #[test]
    fn reads_each_kind_whole() {
        assert_eq!(
            scan("a\x1b[1;31mb\x1b[mc"),
            ("abc".into(), vec!["1;31", ""])
        );
        assert_eq!(scan("a\x1b[?25lb\x1b[2Jc\u{9b}31md").0, "abcd");
        assert_eq!(scan("a\u{9b}31mb").1, Vec::<&str>::new());
        assert_eq!(scan("a\x1b]52;c;ZXZpbA==\x07b\x1b]8;;u\x1b\\c").0, "abc");
        assert_eq!(
            scan("a\x1bPq#0\x1b\\b\u{90}x\u{9c}c\x1b(Bd\x1b7e").0,
            "abcde"
        );
        assert_eq!(scan("a\x1b[1\x07b").0, "ab");
        assert_eq!(scan("ok\x1b]52;c;AAAA").0, "ok");
        assert_eq!(scan("ok\x1b[12").0, "ok");
        assert_eq!(scan("ok\x1b").0, "ok");
    }
}
