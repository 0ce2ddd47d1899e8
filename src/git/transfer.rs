//! What fetch and push share: progress reports, cancellation, credentials, and turning a failed
//! transfer into an error that says what happened.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::secret::Token;

use super::error::{GitError, PushRejection};
use super::remote::redact_url;
use super::transport::Failure;

/// Cancels a fetch or push from another thread (the UI). Clones share the flag.
///
/// A cancelled transfer stops at its next read, write or progress report (network reads wait
/// at most ~50 ms before looking at the flag) and returns [`GitError::Cancelled`]. Refs are
/// only updated at the very end of a transfer, so a cancelled one changes no branch.
#[derive(Debug, Clone, Default)]
pub struct Cancel(Arc<AtomicBool>);

impl Cancel {
    pub fn new() -> Cancel {
        Cancel::default()
    }

    pub fn cancel(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

/// How far a fetch or push has got. Reported at most about ten times a second, plus once at the
/// end of each phase.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// Fetch: objects arriving from the remote.
    Receiving {
        received_objects: usize,
        total_objects: usize,
        received_bytes: usize,
    },
    /// Fetch: deltas being resolved after the download.
    Resolving {
        indexed_deltas: usize,
        total_deltas: usize,
    },
    /// Push: objects being packed for upload.
    Packing { current: usize, total: usize },
    /// Push: the pack going to the remote.
    Sending {
        current: usize,
        total: usize,
        bytes: usize,
    },
}

/// Default for how long a network read or write may stall before the transfer fails.
pub const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(60);

/// Credentials and limits for talking to remotes.
///
/// * https remotes: the GitHub token is sent as HTTP Basic auth with the user name
///   `x-access-token` (what GitHub documents for tokens over git), and only to the host the token
///   belongs to — never to another host a remote may point at, never over plain http except to a
///   loopback address (fakehub in tests), never in a URL.
/// * ssh remotes: the system `ssh` runs with `BatchMode=yes`, so keys come from the ssh agent or
///   `~/.ssh` and a password prompt can never take over the terminal. `GIT_SSH_COMMAND` and
///   `GIT_SSH` are honoured as git does.
/// * local paths: no credentials.
#[derive(Clone)]
pub struct RemoteAuth {
    token: Option<Token>,
    /// `host[:port]`, lower-case.
    token_host: Option<String>,
    ssh_command: Option<String>,
    pub(crate) idle_timeout: Duration,
}

impl std::fmt::Debug for RemoteAuth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RemoteAuth")
            .field("token", &self.token)
            .field("token_host", &self.token_host)
            .field("ssh_command", &self.ssh_command)
            .field("idle_timeout", &self.idle_timeout)
            .finish()
    }
}

impl Default for RemoteAuth {
    fn default() -> Self {
        RemoteAuth::none()
    }
}

impl RemoteAuth {
    /// No token: public https remotes, ssh and local paths still work.
    pub fn none() -> RemoteAuth {
        RemoteAuth {
            token: None,
            token_host: None,
            ssh_command: None,
            idle_timeout: DEFAULT_IDLE_TIMEOUT,
        }
    }

    /// The token of the GitHub whose REST API is at `rest_base` (`https://api.github.com`,
    /// `https://HOST/api/v3`, or fakehub's `http://127.0.0.1:PORT`). Git remotes on that
    /// GitHub's host get the token.
    pub fn github(token: Option<Token>, rest_base: &str) -> RemoteAuth {
        RemoteAuth {
            token_host: token.as_ref().and_then(|_| git_host_of_api(rest_base)),
            token,
            ..RemoteAuth::none()
        }
    }

    /// Runs this instead of `ssh` (a shell command, like `GIT_SSH_COMMAND`).
    pub fn with_ssh_command(mut self, command: impl Into<String>) -> RemoteAuth {
        self.ssh_command = Some(command.into());
        self
    }

    /// How long a network read or write may stall before the transfer fails.
    pub fn with_idle_timeout(mut self, timeout: Duration) -> RemoteAuth {
        self.idle_timeout = timeout;
        self
    }

    pub fn has_token(&self) -> bool {
        self.token.is_some()
    }

    /// The token, if `url` is on the token's host and the connection is encrypted (or stays on
    /// this machine).
    pub(crate) fn token_for(&self, url: &url::Url) -> Option<&Token> {
        let token = self.token.as_ref()?;
        let host = url.host_str()?.trim_end_matches('.').to_ascii_lowercase();
        let with_port = match url.port() {
            Some(p) => format!("{host}:{p}"),
            None => host.clone(),
        };
        // Host and port both: `github.com` does not cover `github.com:8443`.
        if self.token_host.as_deref()? != with_port {
            return None;
        }
        match url.scheme() {
            "https" => Some(token),
            "http" if is_loopback(&host) => Some(token),
            _ => None,
        }
    }

    pub(crate) fn ssh_command(&self) -> Option<String> {
        self.ssh_command
            .clone()
            .or_else(|| std::env::var("GIT_SSH_COMMAND").ok())
            .filter(|c| !c.trim().is_empty())
    }
}

fn is_loopback(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// `api.github.com` → `github.com`; `HOST/api/v3` → `HOST`; anything else: its own host (and
/// port), which is where fakehub and GitHub Enterprise Cloud serve git.
fn git_host_of_api(rest_base: &str) -> Option<String> {
    let url = url::Url::parse(rest_base.trim()).ok()?;
    let host = url.host_str()?.trim_end_matches('.').to_ascii_lowercase();
    let host = match host.strip_prefix("api.") {
        Some(rest) if rest == "github.com" || rest.ends_with(".ghe.com") => rest.to_string(),
        _ => host,
    };
    Some(match url.port() {
        Some(p) => format!("{host}:{p}"),
        None => host,
    })
}

/// Calls the caller's progress function at most every 100 ms, and always for the last report of
/// a phase (current == total).
pub(crate) struct Throttle<'a> {
    report: &'a mut dyn FnMut(Progress),
    last: Option<Instant>,
}

impl<'a> Throttle<'a> {
    pub fn new(report: &'a mut dyn FnMut(Progress)) -> Throttle<'a> {
        Throttle { report, last: None }
    }

    pub fn offer(&mut self, p: Progress) {
        let complete = match p {
            Progress::Receiving {
                received_objects,
                total_objects,
                ..
            } => received_objects == total_objects,
            Progress::Resolving {
                indexed_deltas,
                total_deltas,
            } => indexed_deltas == total_deltas,
            Progress::Packing { current, total } | Progress::Sending { current, total, .. } => {
                current == total
            }
        };
        let due = self
            .last
            .is_none_or(|t| t.elapsed() >= Duration::from_millis(100));
        if complete || due {
            self.last = Some(Instant::now());
            (self.report)(p);
        }
    }
}

/// Turns a failed fetch or push into the error the user should read.
pub(crate) fn classify(
    error: git2::Error,
    failure: Option<Failure>,
    cancelled: bool,
    remote: &str,
    url: &str,
    doing: String,
) -> GitError {
    let remote_label = format!("'{remote}' ({})", redact_url(url));
    if cancelled {
        return GitError::Cancelled { doing };
    }
    match failure {
        Some(Failure::Auth { detail, had_token }) => {
            return GitError::AuthFailed {
                remote: remote_label,
                detail,
                hint: if had_token {
                    "the token may be expired or lack access to this repository (scope `repo`)"
                } else {
                    "no token is available for this host: set GH_TOKEN or run `cockpit auth login`"
                },
            }
        }
        Some(Failure::SshAuth { detail }) => {
            return GitError::AuthFailed {
                remote: remote_label,
                detail,
                hint: "load your key into the ssh agent (`ssh-add`) or check `ssh -T git@HOST`",
            }
        }
        Some(Failure::Network { reason }) => {
            return GitError::Network {
                remote: remote_label,
                reason,
            }
        }
        Some(Failure::NotFound { detail }) => {
            return GitError::Other {
                doing,
                reason: detail,
            }
        }
        None => {}
    }
    match (error.code(), error.class()) {
        (git2::ErrorCode::NotFastForward, _) => GitError::PushRejected {
            branch: String::new(),
            remote: remote_label,
            rejection: PushRejection::NonFastForward,
        },
        (git2::ErrorCode::Auth, _) => GitError::AuthFailed {
            remote: remote_label,
            detail: crate::text::sanitize_line(error.message()),
            hint: "check your credentials for this remote",
        },
        (_, git2::ErrorClass::Net | git2::ErrorClass::Http | git2::ErrorClass::Ssh) => {
            GitError::Network {
                remote: remote_label,
                reason: crate::text::sanitize_line(error.message()),
            }
        }
        _ => GitError::Git {
            doing,
            source: error,
        },
    }
}

/// Reads a server's `ng <ref> <reason>` reason (or libgit2's message for it).
pub(crate) fn rejection_of(reason: &str) -> PushRejection {
    let lower = reason.to_ascii_lowercase();
    if lower.contains("non-fast-forward") || lower.contains("fetch first") {
        PushRejection::NonFastForward
    } else if lower.contains("protected") || lower.contains("hook declined") {
        PushRejection::Protected {
            reason: crate::text::sanitize_line(reason),
        }
    } else {
        PushRejection::Other {
            reason: crate::text::sanitize_line(reason),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> url::Url {
        url::Url::parse(s).expect("url")
    }

    #[test]
    fn token_goes_only_to_its_host_over_tls_or_loopback() {
        let t = Token::new("ghp_x");
        let auth = RemoteAuth::github(t.clone(), "https://api.github.com");
        assert!(auth
            .token_for(&url("https://github.com/acme/rocket.git"))
            .is_some());
        assert!(auth
            .token_for(&url("https://GitHub.com./acme/rocket.git"))
            .is_some());
        assert!(auth
            .token_for(&url("http://github.com/acme/rocket.git"))
            .is_none());
        assert!(auth
            .token_for(&url("https://gitlab.com/acme/rocket.git"))
            .is_none());
        assert!(auth
            .token_for(&url("https://github.com.evil.example/a/b.git"))
            .is_none());
        assert!(auth
            .token_for(&url("https://github.com@evil.example/a/b.git"))
            .is_none());
        assert!(auth
            .token_for(&url("https://github.com:8443/acme/rocket.git"))
            .is_none());
        assert!(auth
            .token_for(&url("https://github.com:443/acme/rocket.git"))
            .is_some());

        let ghe = RemoteAuth::github(t.clone(), "https://ghe.corp/api/v3");
        assert!(ghe.token_for(&url("https://ghe.corp/a/b.git")).is_some());
        assert!(ghe.token_for(&url("https://github.com/a/b.git")).is_none());

        let local = RemoteAuth::github(t, "http://127.0.0.1:4000");
        assert!(local
            .token_for(&url("http://127.0.0.1:4000/acme/rocket.git"))
            .is_some());
        assert!(local
            .token_for(&url("http://127.0.0.1:4001/acme/rocket.git"))
            .is_none());
        assert!(RemoteAuth::none()
            .token_for(&url("https://github.com/a/b"))
            .is_none());
    }

    #[test]
    fn debug_hides_the_token() {
        let auth = RemoteAuth::github(Token::new("ghp_secret"), "https://api.github.com");
        assert!(!format!("{auth:?}").contains("ghp_secret"));
    }

    #[test]
    fn reads_rejection_reasons() {
        assert_eq!(
            rejection_of("protected branch hook declined"),
            PushRejection::Protected {
                reason: "protected branch hook declined".into()
            }
        );
        assert_eq!(
            rejection_of("non-fast-forward"),
            PushRejection::NonFastForward
        );
        assert_eq!(
            rejection_of("funny refname"),
            PushRejection::Other {
                reason: "funny refname".into()
            }
        );
    }
}
