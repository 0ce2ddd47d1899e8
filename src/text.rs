//! Making outside text safe and short enough for a terminal cell grid.
//!
//! Issue bodies, commit messages, branch names and logs are written by other people (a fork's
//! PR can print anything). A raw ESC in a ratatui cell would reach the terminal verbatim, so
//! every piece of outside text passes through here before it is drawn: escape sequences and
//! control characters are removed, bidi overrides (which can make text lie about its order)
//! are dropped, tabs become spaces.

use chrono::{DateTime, Utc};

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

fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

fn clean_into(s: &str, out: &mut String, keep_newlines: bool) {
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{1b}' => skip_escape(&mut chars),
            // 8-bit CSI and the string-introducers (DCS, SOS, OSC, PM, APC).
            '\u{9b}' => skip_csi(&mut chars),
            '\u{90}' | '\u{98}' | '\u{9d}' | '\u{9e}' | '\u{9f}' => skip_string(&mut chars),
            '\n' => out.push(if keep_newlines { '\n' } else { ' ' }),
            '\r' => {
                if chars.peek() != Some(&'\n') {
                    out.push(if keep_newlines { '\n' } else { ' ' });
                }
            }
            '\t' => out.push_str("    "),
            c if c.is_control() => {}
            c if is_bidi_control(c) => {}
            c => out.push(c),
        }
    }
}

fn skip_escape(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    match chars.next() {
        Some('[') => skip_csi(chars),
        Some(']' | 'P' | 'X' | '^' | '_') => skip_string(chars),
        Some(c) if ('\u{20}'..='\u{2f}').contains(&c) => {
            // nF sequences: intermediates then one final byte.
            while let Some(&n) = chars.peek() {
                chars.next();
                if !('\u{20}'..='\u{2f}').contains(&n) {
                    break;
                }
            }
        }
        _ => {}
    }
}

fn skip_csi(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    for c in chars.by_ref() {
        if ('\u{40}'..='\u{7e}').contains(&c) {
            return;
        }
        // A control character inside CSI aborts it (as terminals do); drop it too.
        if !('\u{20}'..='\u{3f}').contains(&c) {
            return;
        }
    }
}

/// OSC/DCS/APC…: everything up to BEL or the string terminator (ESC \ or 0x9c).
fn skip_string(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    while let Some(c) = chars.next() {
        match c {
            '\u{7}' | '\u{9c}' => return,
            '\u{1b}' => {
                if chars.peek() == Some(&'\\') {
                    chars.next();
                }
                return;
            }
            _ => {}
        }
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
