//! What can go wrong talking to GitHub, phrased for the person at the keyboard.

use chrono::{DateTime, Utc};

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ApiError {
    #[error("not signed in: set GH_TOKEN, run `cockpit auth login`, or `gh auth login`")]
    NoToken,
    #[error("GitHub rejected the token (401 {message}); it may be revoked or expired: run `cockpit auth login`")]
    Unauthorized { message: String },
    #[error("{}rate limit exhausted; resets at {}", if *search { "search " } else { "" }, reset.format("%H:%M:%S UTC"))]
    RateLimited { reset: DateTime<Utc>, search: bool },
    // Neither message promises a retry: a failed mutation is not retried. (A view's poller
    // tries again on its own schedule, and marks the view stale meanwhile.)
    #[error("GitHub asked to slow down (secondary rate limit) for {retry_after_secs}s")]
    SecondaryRateLimit { retry_after_secs: u64 },
    #[error("forbidden (403 {message}); the token may lack a scope")]
    Forbidden { message: String },
    #[error("not found (404): {path}")]
    NotFound { path: String },
    #[error("GitHub refused the request ({status} {message})")]
    Client { status: u16, message: String },
    #[error("GitHub had a server error ({status})")]
    Server { status: u16 },
    #[error("cannot reach {host}: {reason}")]
    Network { host: String, reason: String },
    #[error("GitHub sent a response cockpit could not read ({context}): {reason}")]
    Malformed { context: String, reason: String },
    /// A GraphQL answer with `errors` (GitHub answers those with HTTP 200).
    #[error("GitHub could not do it: {message}")]
    GraphQl { message: String },
    /// Nothing GitHub said: there was no repository to ask, or a part this answer needs could
    /// not be read (`why` says which, and GitHub's reason).
    #[error("{why}")]
    NotAsked { why: String },
}

impl ApiError {
    /// Errors a retry after a pause can fix; the others need the user to act.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            ApiError::Server { .. }
                | ApiError::Network { .. }
                | ApiError::RateLimited { .. }
                | ApiError::SecondaryRateLimit { .. }
                | ApiError::Malformed { .. }
        )
    }
}
