//! Where the token comes from. First hit wins: `GH_TOKEN`, `GITHUB_TOKEN` (github.com) or
//! `GH_ENTERPRISE_TOKEN`, `GITHUB_ENTERPRISE_TOKEN` (other hosts), then `gh auth token`.

use crate::github::Token;
use std::process::{Command, Stdio};
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenSource {
    Env(&'static str),
    GhCli,
}

impl std::fmt::Display for TokenSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TokenSource::Env(v) => write!(f, "environment variable {v}"),
            TokenSource::GhCli => f.write_str("gh auth token"),
        }
    }
}

pub fn is_dotcom(host: &str) -> bool {
    let h = host.to_ascii_lowercase();
    h == "github.com" || h == "api.github.com"
}

/// Looks the token up for `host` using `env` for variables (injectable for tests).
pub fn find_token(
    host: &str,
    env: &dyn Fn(&str) -> Option<String>,
    use_gh: bool,
) -> Option<(Token, TokenSource)> {
    let vars: &[&'static str] = if is_dotcom(host) {
        &["GH_TOKEN", "GITHUB_TOKEN"]
    } else {
        &[
            "GH_ENTERPRISE_TOKEN",
            "GITHUB_ENTERPRISE_TOKEN",
            "GH_TOKEN",
            "GITHUB_TOKEN",
        ]
    };
    for v in vars {
        if let Some(t) = env(v).and_then(Token::new) {
            return Some((t, TokenSource::Env(v)));
        }
    }
    if use_gh {
        if let Some(t) = gh_auth_token(host) {
            return Some((t, TokenSource::GhCli));
        }
    }
    None
}

/// `gh auth token --hostname HOST`, given two seconds: a missing or hung gh must not hold up start.
fn gh_auth_token(host: &str) -> Option<Token> {
    let host = if host == "api.github.com" {
        "github.com"
    } else {
        host
    };
    let mut child = Command::new("gh")
        .args(["auth", "token", "--hostname", host])
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
    use super::*;

    #[test]
    fn lookup_order() {
        let env = |v: &str| match v {
            "GH_TOKEN" => Some("one".to_string()),
            "GITHUB_TOKEN" => Some("two".to_string()),
            "GH_ENTERPRISE_TOKEN" => Some("ent".to_string()),
            _ => None,
        };
        let (t, src) = find_token("github.com", &env, false).expect("found");
        assert_eq!((t.expose(), src), ("one", TokenSource::Env("GH_TOKEN")));
        let (t, _) = find_token("ghe.corp", &env, false).expect("found");
        assert_eq!(t.expose(), "ent");
        let only_github = |v: &str| (v == "GITHUB_TOKEN").then(|| "two".to_string());
        let (t, _) = find_token("github.com", &only_github, false).expect("found");
        assert_eq!(t.expose(), "two");
        assert!(find_token("github.com", &|_| Some("   ".into()), false).is_none());
    }
}
