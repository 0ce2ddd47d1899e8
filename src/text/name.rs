//! An identifier from outside: a branch, a login, a label, an environment, a path.
//!
//! Such a value has two uses that want different text. GitHub and git need it exactly as it
//! is (a label named "⚠️ triage" carries a variation selector; sanitising it would name
//! another label), while the screen must get it without escape sequences, bidi overrides or
//! invisible characters. A [`Name`] keeps both, made once where the value enters: the raw
//! text through `Deref` and [`Name::raw`] for requests, comparisons and keys, and the
//! [`Safe`] form through [`Name::shown`] and every conversion ratatui takes (`Span`, `Line`,
//! `Cell`). It has no `Display`, so `format!` cannot pick one silently: text for the screen
//! says `shown()`, text for GitHub or git says `raw()`.

use std::borrow::{Borrow, Cow};
use std::hash::{Hash, Hasher};
use std::ops::Deref;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::Safe;

#[derive(Debug, Clone, Default)]
pub struct Name {
    raw: String,
    shown: Safe,
}

impl Name {
    pub fn new(raw: impl Into<String>) -> Name {
        let raw = raw.into();
        Name {
            shown: Safe::line(&raw),
            raw,
        }
    }

    /// The text as GitHub or git knows it: for requests, never for the screen.
    pub fn raw(&self) -> &str {
        &self.raw
    }

    /// The raw text, as `String::as_str` gives it (same as [`Name::raw`]).
    pub fn as_str(&self) -> &str {
        &self.raw
    }

    pub fn into_raw(self) -> String {
        self.raw
    }

    /// The text as the screen shows it.
    pub fn shown(&self) -> &Safe {
        &self.shown
    }
}

impl Deref for Name {
    type Target = str;

    fn deref(&self) -> &str {
        &self.raw
    }
}

impl AsRef<str> for Name {
    fn as_ref(&self) -> &str {
        &self.raw
    }
}

impl Borrow<str> for Name {
    fn borrow(&self) -> &str {
        &self.raw
    }
}

// Equality, order and hashing are the raw text's, so a `Name` and its `&str` find each other
// in maps and sets (`Borrow<str>`).
impl PartialEq for Name {
    fn eq(&self, other: &Name) -> bool {
        self.raw == other.raw
    }
}

impl Eq for Name {}

impl PartialOrd for Name {
    fn partial_cmp(&self, other: &Name) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Name {
    fn cmp(&self, other: &Name) -> std::cmp::Ordering {
        self.raw.cmp(&other.raw)
    }
}

impl Hash for Name {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.raw.hash(state)
    }
}

impl PartialEq<str> for Name {
    fn eq(&self, other: &str) -> bool {
        self.raw == other
    }
}

impl PartialEq<&str> for Name {
    fn eq(&self, other: &&str) -> bool {
        self.raw == *other
    }
}

impl PartialEq<String> for Name {
    fn eq(&self, other: &String) -> bool {
        &self.raw == other
    }
}

impl PartialEq<Name> for str {
    fn eq(&self, other: &Name) -> bool {
        self == other.raw
    }
}

impl PartialEq<Name> for &str {
    fn eq(&self, other: &Name) -> bool {
        *self == other.raw
    }
}

impl PartialEq<Name> for String {
    fn eq(&self, other: &Name) -> bool {
        *self == other.raw
    }
}

impl From<&str> for Name {
    fn from(s: &str) -> Self {
        Name::new(s)
    }
}

impl From<String> for Name {
    fn from(s: String) -> Self {
        Name::new(s)
    }
}

impl From<&String> for Name {
    fn from(s: &String) -> Self {
        Name::new(s.as_str())
    }
}

// What ratatui draws is always the shown form.
impl<'a> From<&'a Name> for Cow<'a, str> {
    fn from(n: &'a Name) -> Self {
        Cow::Borrowed(n.shown.as_str())
    }
}

impl From<Name> for Cow<'static, str> {
    fn from(n: Name) -> Self {
        n.shown.into()
    }
}

impl<'de> Deserialize<'de> for Name {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(Name::new)
    }
}

impl Serialize for Name {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.raw)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn keeps_the_raw_text_for_github_and_shows_the_safe_one() {
        let label = Name::new("\u{26a0}\u{fe0f} triage");
        assert_eq!(label.raw(), "\u{26a0}\u{fe0f} triage");
        assert_eq!(label.shown(), "\u{26a0} triage");
        assert_eq!(ratatui::text::Span::from(&label).content, "\u{26a0} triage");
        let json = serde_json::to_value(&label).expect("serialise");
        assert_eq!(json, serde_json::json!("\u{26a0}\u{fe0f} triage"));
        let back: Name = serde_json::from_value(json).expect("deserialise");
        assert_eq!(back, label);
    }

    #[test]
    fn hostile_text_never_reaches_the_shown_form() {
        let branch = Name::from("fix\u{1b}]52;c;ZXZpbA==\u{7}\u{202e}-it");
        assert_eq!(branch.shown(), "fix-it");
        assert_eq!(&*branch, "fix\u{1b}]52;c;ZXZpbA==\u{7}\u{202e}-it");
    }

    #[test]
    fn compares_and_hashes_as_its_raw_text() {
        let main = Name::from("main");
        assert_eq!(main, "main");
        assert_eq!("main", main);
        assert_eq!(main, String::from("main"));
        let set: HashSet<Name> = [Name::from("main"), Name::from("dev")].into();
        assert!(set.contains("main"));
    }
}
