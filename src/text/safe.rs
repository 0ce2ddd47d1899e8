//! One line of outside text that is already safe to draw.
//!
//! GitHub's titles, names and descriptions are read into [`Safe`] as they are deserialised, so
//! the screen code draws them as they are: the type has no constructor that skips
//! [`super::sanitize_line`], and a view cannot forget to call it. Values that go back to
//! GitHub or git as identifiers (branch names, logins, label names, environment names) stay
//! plain `String`s in the models, because sanitising changes them; those are made safe where
//! they are shown.

use std::borrow::Cow;
use std::fmt;
use std::ops::Deref;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Text without escape sequences, control characters, bidi overrides, invisible characters
/// or line breaks, whose unicode-width is the width a terminal draws.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Safe(String);

impl Safe {
    /// Outside text made safe as one line (line breaks become spaces).
    pub fn line(s: &str) -> Self {
        Safe(super::sanitize_line(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

impl Deref for Safe {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Safe {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Safe {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for Safe {
    fn from(s: &str) -> Self {
        Safe::line(s)
    }
}

impl From<String> for Safe {
    fn from(s: String) -> Self {
        Safe::line(&s)
    }
}

impl PartialEq<str> for Safe {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for Safe {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

// Through `Cow`, ratatui's `Span`, `Line`, `Text` and `Cell` all take a `Safe` or a `&Safe`.
impl<'a> From<&'a Safe> for Cow<'a, str> {
    fn from(s: &'a Safe) -> Self {
        Cow::Borrowed(s.as_str())
    }
}

impl From<Safe> for Cow<'static, str> {
    fn from(s: Safe) -> Self {
        Cow::Owned(s.0)
    }
}

/// For `#[serde(deserialize_with)]`: the first line of a text (a commit or annotation message)
/// where only that is shown; absent or `null` reads as empty.
pub fn first_line<'de, D: Deserializer<'de>>(d: D) -> Result<Safe, D::Error> {
    let text = Option::<String>::deserialize(d)?.unwrap_or_default();
    Ok(Safe::line(text.lines().next().unwrap_or("")))
}

impl<'de> Deserialize<'de> for Safe {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        Ok(Safe::line(&raw))
    }
}

impl Serialize for Safe {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOSTILE: &str =
        "fix\u{1b}]52;c;ZXZpbA==\u{7} the\u{1b}[2J\u{202e}\u{200b} bug\r\nnow\t\u{9b}6n!";

    #[test]
    fn every_way_in_sanitises() {
        let expected = "fix the bug now    !";
        assert_eq!(Safe::line(HOSTILE), expected);
        assert_eq!(Safe::from(HOSTILE), expected);
        assert_eq!(Safe::from(HOSTILE.to_string()), expected);
        let read: Safe = serde_json::from_value(serde_json::json!(HOSTILE)).expect("string");
        assert_eq!(read, expected);
    }

    #[test]
    fn safe_text_is_left_as_it_is() {
        for s in ["plain", "Ünïcödé 漢字 🚀", "لا", ""] {
            let once = Safe::line(s);
            assert_eq!(Safe::line(&once), once, "{s:?}");
        }
        let once = Safe::line(HOSTILE);
        assert_eq!(Safe::line(&once), once);
    }

    #[test]
    fn serialises_as_its_text() {
        let s = Safe::line("a\u{1b}[31mb");
        assert_eq!(
            serde_json::to_value(&s).expect("serialise"),
            serde_json::json!("ab")
        );
        assert_eq!(s.to_string(), "ab");
        assert_eq!(ratatui::text::Span::from(&s).content, "ab");
    }
}
