//! A token that cannot leak through `Debug`, `Display` or a panic message. It sits below both
//! `github` (the API's token) and `git` (the token for fetch and push to the same host).

use std::fmt;
use std::sync::{Mutex, OnceLock};

/// Every token this process has held, so the log writer can blank them whatever their shape
/// (`crate::logging::redact`). Short strings are left out: they are not real tokens, and blanking
/// them would garble ordinary words in a log.
fn registry() -> &'static Mutex<Vec<String>> {
    static R: OnceLock<Mutex<Vec<String>>> = OnceLock::new();
    R.get_or_init(Mutex::default)
}

const MIN_REGISTERED_LEN: usize = 8;
/// A process holds a handful of tokens; the cap keeps a pathological loop from growing this.
const MAX_REGISTERED: usize = 64;

fn register(secret: &str) {
    if secret.len() < MIN_REGISTERED_LEN {
        return;
    }
    let mut r = registry().lock().unwrap_or_else(|e| e.into_inner());
    if !r.iter().any(|s| s == secret) {
        if r.len() >= MAX_REGISTERED {
            r.remove(0);
        }
        r.push(secret.to_string());
    }
}

/// The tokens seen so far (for redaction only).
pub fn known_secrets() -> Vec<String> {
    registry().lock().map(|r| r.clone()).unwrap_or_default()
}

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
            register(&raw);
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
