//! JSON for a terminal or a pipe that ends in one (`cockpit metrics --json`).
//!
//! serde_json escapes only what JSON requires (`"`, `\` and U+0000–U+001F), so an environment
//! named with U+009B (an 8-bit CSI), U+009D (an 8-bit OSC) or U+202E (a right-to-left
//! override) would reach stdout as those very characters. Here every control, bidi and other
//! invisible format character inside a string is written as a `\uXXXX` escape instead: the
//! JSON means the same to a parser, and the terminal sees only ASCII for them.

use serde::Serialize;
use serde_json::ser::{Formatter, PrettyFormatter};
use std::io::{self, Write};

/// `serde_json::to_string_pretty`, with the escapes above.
pub fn to_string_pretty<T: Serialize + ?Sized>(value: &T) -> serde_json::Result<String> {
    let mut out = Vec::new();
    let mut ser = serde_json::Serializer::with_formatter(&mut out, Escaping::default());
    value.serialize(&mut ser)?;
    // The serializer writes only UTF-8 (escapes are ASCII).
    Ok(String::from_utf8_lossy(&out).into_owned())
}

/// Controls (C0 reach here only as DEL; C1), bidi controls, zero-width and other format or
/// invisible characters (as the screen drops them, [`crate::text::is_invisible`]), and the
/// line and paragraph separators.
fn is_hidden(c: char) -> bool {
    c.is_control() || crate::text::is_invisible(c) || matches!(c, '\u{2028}' | '\u{2029}')
}

#[derive(Default)]
struct Escaping(PrettyFormatter<'static>);

impl Formatter for Escaping {
    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        let mut plain = 0;
        for (i, c) in fragment.char_indices() {
            if !is_hidden(c) {
                continue;
            }
            writer.write_all(&fragment.as_bytes()[plain..i])?;
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                write!(writer, "\\u{unit:04x}")?;
            }
            plain = i + c.len_utf8();
        }
        writer.write_all(&fragment.as_bytes()[plain..])
    }

    // The layout is PrettyFormatter's.
    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_array(w)
    }
    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array(w)
    }
    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.0.begin_array_value(w, first)
    }
    fn end_array_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array_value(w)
    }
    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object(w)
    }
    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object(w)
    }
    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.0.begin_object_key(w, first)
    }
    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object_value(w)
    }
    fn end_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object_value(w)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn hidden_characters_are_escaped_and_mean_the_same() {
        let name = "prod\u{9b}31m\u{9d}0;title\u{7}\u{202e}gnp.exe\u{200b}\u{feff}\u{2028}\u{7f}\u{E0041}é✓";
        let value = json!([{ "environment": name, name: 1 }]);
        let text = to_string_pretty(&value).expect("serializes");
        for raw in [
            '\u{9b}',
            '\u{9d}',
            '\u{7}',
            '\u{202e}',
            '\u{200b}',
            '\u{feff}',
            '\u{2028}',
            '\u{7f}',
            '\u{E0041}',
        ] {
            assert!(!text.contains(raw), "{raw:?} in {text:?}");
        }
        for escaped in [
            r"\u009b",
            r"\u009d",
            r"\u202e",
            r"\u200b",
            r"\ufeff",
            r"\u2028",
            r"\u007f",
            r"\udb40\udc41",
        ] {
            assert!(text.contains(escaped), "{escaped} missing from {text}");
        }
        assert!(text.contains("é✓"), "ordinary text stays as it is: {text}");
        let back: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
        assert_eq!(back, value);
        assert_eq!(
            to_string_pretty(&json!({"a": [1, "b"]})).expect("x"),
            serde_json::to_string_pretty(&json!({"a": [1, "b"]})).expect("y"),
            "the layout is serde_json's"
        );
    }
}
