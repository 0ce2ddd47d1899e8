//! A token that cannot leak through `Debug`, `Display` or a panic message.

use std::fmt;

/// An API token. Its text is reachable only through [`Token::expose`], which keeps every place
/// that handles the raw secret easy to audit.
#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

impl Token {
    pub fn new(raw: impl Into<String>) -> Option<Token> {
        let raw = raw.into().trim().to_string();
        if raw.is_empty() {
            None
        } else {
            Some(Token(raw))
        }
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(<redacted>)")
    }
}

impl fmt::Display for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_formats_the_secret() {
        let t = Token::new("ghp_supersecret").expect("non-empty");
        assert!(!format!("{t:?} {t}").contains("supersecret"));
        assert_eq!(t.expose(), "ghp_supersecret");
        assert!(Token::new("  \n").is_none());
    }
}
