//! Where the token comes from. First hit wins: the environment (`GH_TOKEN`, `GITHUB_TOKEN` for
//! github.com; `GH_ENTERPRISE_TOKEN`, `GITHUB_ENTERPRISE_TOKEN` first for other hosts), then
//! cockpit's own keyring entry for the host (written by `cockpit auth login`), then
//! `gh auth token --hostname HOST`. Each source is injectable so tests never depend on the
//! machine's keyring or gh.

pub mod commands;
pub mod device;
pub mod scopes;
pub mod store;

use crate::github::Token;
use std::process::{Command, Stdio};
use std::time::Duration;
use store::{CredentialStore, StoreError};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenSource {
    Env(&'static str),
    Keyring,
    GhCli,
}

impl std::fmt::Display for TokenSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TokenSource::Env(v) => write!(f, "environment variable {v}"),
            TokenSource::Keyring => f.write_str("cockpit's keyring entry"),
            TokenSource::GhCli => f.write_str("gh auth token"),
        }
    }
}

pub fn is_dotcom(host: &str) -> bool {
    let h = host.to_ascii_lowercase();
    h == "github.com" || h == "api.github.com"
}

/// The environment variables consulted for `host`, in order.
pub fn env_vars(host: &str) -> &'static [&'static str] {
    if is_dotcom(host) {
        &["GH_TOKEN", "GITHUB_TOKEN"]
    } else {
        &[
            "GH_ENTERPRISE_TOKEN",
            "GITHUB_ENTERPRISE_TOKEN",
            "GH_TOKEN",
            "GITHUB_TOKEN",
        ]
    }
}

/// The places a token can come from. `keyring: None` skips the keyring.
pub struct Sources<'a> {
    pub env: &'a dyn Fn(&str) -> Option<String>,
    pub keyring: Option<&'a dyn CredentialStore>,
    pub gh: &'a dyn Fn(&str) -> Option<Token>,
}

/// What the lookup found, and why the keyring could not be asked (a keyring that is missing is
/// not fatal: the next source is tried, and `doctor` / `auth status` say why).
#[derive(Debug, Default)]
pub struct Lookup {
    pub found: Option<(Token, TokenSource)>,
    pub keyring_error: Option<StoreError>,
}

pub fn find_token(host: &str, sources: &Sources) -> Lookup {
    let mut out = Lookup::default();
    for v in env_vars(host) {
        if let Some(t) = (sources.env)(v).and_then(Token::new) {
            out.found = Some((t, TokenSource::Env(v)));
            return out;
        }
    }
    if let Some(store) = sources.keyring {
        match store.get(&key_host(host)) {
            Ok(Some(t)) => {
                out.found = Some((t, TokenSource::Keyring));
                return out;
            }
            Ok(None) => {}
            Err(e) => out.keyring_error = Some(e),
        }
    }
    if let Some(t) = (sources.gh)(host) {
        out.found = Some((t, TokenSource::GhCli));
    }
    out
}

/// The host a keyring entry is filed under: `github.com` whether the API is api.github.com or
/// the user typed github.com.
pub fn key_host(host: &str) -> String {
    if is_dotcom(host) {
        "github.com".into()
    } else {
        host.to_ascii_lowercase()
    }
}

/// `gh auth token --hostname HOST`, given two seconds: a missing or hung gh must not hold up start.
pub fn gh_auth_token(host: &str) -> Option<Token> {
    let host = key_host(host);
    let mut child = Command::new("gh")
        .args(["auth", "token", "--hostname", &host])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    let deadline = std::time::Instant::now() + Duration::from_secs(2);
    loop {
        match child.try_wait() {
            Ok(Some(status)) if status.success() => break,
            Ok(Some(_)) | Err(_) => return None,
            Ok(None) if std::time::Instant::now() > deadline => {
                let _ = child.kill();
                return None;
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
        }
    }
    let mut out = String::new();
    std::io::Read::read_to_string(child.stdout.as_mut()?, &mut out).ok()?;
    Token::new(out)
}

#[cfg(test)]
mod tests {
    use super::store::MemoryStore;
    use super::*;

    fn tok(s: &str) -> Token {
        Token::new(s).expect("non-empty")
    }

    #[test]
    fn env_then_keyring_then_gh() {
        let keyring = MemoryStore::new();
        keyring
            .set("github.com", &tok("from-keyring"))
            .expect("set");
        keyring.set("ghe.corp", &tok("ent-keyring")).expect("set");
        let gh = |_: &str| Token::new("from-gh");
        let env = |v: &str| match v {
            "GH_TOKEN" => Some("one".to_string()),
            "GITHUB_TOKEN" => Some("two".to_string()),
            _ => None,
        };
        let all = Sources {
            env: &env,
            keyring: Some(&keyring),
            gh: &gh,
        };
        let (t, src) = find_token("github.com", &all).found.expect("found");
        assert_eq!((t.expose(), src), ("one", TokenSource::Env("GH_TOKEN")));

        let only_github = |v: &str| (v == "GITHUB_TOKEN").then(|| "two".to_string());
        let s = Sources {
            env: &only_github,
            ..all
        };
        let (t, src) = find_token("api.github.com", &s).found.expect("found");
        assert_eq!((t.expose(), src), ("two", TokenSource::Env("GITHUB_TOKEN")));

        let no_env = |_: &str| None;
        let s = Sources { env: &no_env, ..s };
        let (t, src) = find_token("github.com", &s).found.expect("found");
        assert_eq!((t.expose(), src), ("from-keyring", TokenSource::Keyring));
        let (t, _) = find_token("GHE.corp", &s).found.expect("found");
        assert_eq!(t.expose(), "ent-keyring");

        let (t, src) = find_token("other.corp", &s).found.expect("found");
        assert_eq!((t.expose(), src), ("from-gh", TokenSource::GhCli));
    }

    #[test]
    fn enterprise_variables_come_first_and_blank_ones_are_skipped() {
        let env = |v: &str| match v {
            "GH_TOKEN" => Some("dotcom".to_string()),
            "GH_ENTERPRISE_TOKEN" => Some("   ".to_string()),
            "GITHUB_ENTERPRISE_TOKEN" => Some("ent".to_string()),
            _ => None,
        };
        let s = Sources {
            env: &env,
            keyring: None,
            gh: &|_| None,
        };
        let (t, src) = find_token("ghe.corp", &s).found.expect("found");
        assert_eq!(
            (t.expose(), src),
            ("ent", TokenSource::Env("GITHUB_ENTERPRISE_TOKEN"))
        );
        let (t, _) = find_token("github.com", &s).found.expect("found");
        assert_eq!(t.expose(), "dotcom");
    }

    #[test]
    fn a_missing_keyring_is_reported_and_gh_still_asked() {
        let keyring = MemoryStore::unavailable("no D-Bus session bus");
        let s = Sources {
            env: &|_| None,
            keyring: Some(&keyring),
            gh: &|_| Token::new("from-gh"),
        };
        let l = find_token("github.com", &s);
        assert_eq!(l.found.map(|(_, s)| s), Some(TokenSource::GhCli));
        assert!(matches!(l.keyring_error, Some(StoreError::Unavailable(_))));
        let s = Sources { gh: &|_| None, ..s };
        assert!(find_token("github.com", &s).found.is_none());
    }
}
