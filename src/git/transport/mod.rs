//! cockpit's own git transports for `http(s)://` and `ssh://` (and scp-like `user@host:path`)
//! remotes, registered with libgit2 in place of its built-in ones.
//!
//! Why not git2's `https` and `ssh` features: on Linux they build OpenSSL (vendored, ~80 s of C
//! on two cores, or a system libssl-dev that a clean machine lacks) and libssh2, and bring a
//! second TLS stack next to the rustls that the API client already uses. libssh2 also ignores
//! `~/.ssh/config` and needs host-key checking written by hand. Instead:
//!
//! * http(s) speaks git's smart HTTP protocol over reqwest + rustls (already in the tree), so
//!   the token travels in an `Authorization` header that cockpit controls, and every read and
//!   write can be cancelled or time out;
//! * ssh runs the system `ssh` (as git does), so the agent, `~/.ssh/config`, `known_hosts` and
//!   `ProxyJump` all work, and `BatchMode=yes` keeps any prompt off the TUI's terminal.
//!
//! libgit2 calls transports on the thread that runs the fetch or push, so the credentials and
//! the cancel flag of the current operation reach them through a thread-local [`Operation`].

mod http;
mod ssh;

use std::cell::RefCell;
use std::sync::{Arc, Mutex, Once};

use super::transfer::{Cancel, RemoteAuth};

/// What went wrong below libgit2, recorded by a transport so the caller can say it precisely
/// (libgit2 only keeps a message).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Failure {
    /// The server answered 401/403.
    Auth { detail: String, had_token: bool },
    /// ssh could not authenticate.
    SshAuth { detail: String },
    /// Connection refused, DNS, TLS, timeout, broken connection.
    Network { reason: String },
    /// The repository does not exist (or is private and no credentials were accepted).
    NotFound { detail: String },
}

/// The current fetch or push, as the transports see it.
pub(crate) struct Operation {
    pub auth: RemoteAuth,
    pub cancel: Cancel,
    failure: Mutex<Option<Failure>>,
}

impl Operation {
    pub fn record(&self, failure: Failure) {
        if let Ok(mut slot) = self.failure.lock() {
            // The first failure is the cause; later ones are consequences.
            slot.get_or_insert(failure);
        }
    }

    fn take_failure(&self) -> Option<Failure> {
        self.failure.lock().ok().and_then(|mut f| f.take())
    }
}

thread_local! {
    static CURRENT: RefCell<Option<Arc<Operation>>> = const { RefCell::new(None) };
}

/// Runs `f` (a fetch or push on this thread) with `auth` and `cancel` available to the
/// transports; returns its result and the failure a transport recorded, if any.
pub(crate) fn with_operation<R>(
    auth: &RemoteAuth,
    cancel: &Cancel,
    f: impl FnOnce() -> R,
) -> (R, Option<Failure>) {
    register_once();
    let op = Arc::new(Operation {
        auth: auth.clone(),
        cancel: cancel.clone(),
        failure: Mutex::new(None),
    });
    let previous = CURRENT.with(|c| c.replace(Some(op.clone())));
    let result = f();
    CURRENT.with(|c| {
        c.replace(previous);
    });
    (result, op.take_failure())
}

/// The current operation, or an anonymous one when git2 is used outside [`with_operation`].
fn current() -> Arc<Operation> {
    CURRENT.with(|c| c.borrow().clone()).unwrap_or_else(|| {
        Arc::new(Operation {
            auth: RemoteAuth::none(),
            cancel: Cancel::new(),
            failure: Mutex::new(None),
        })
    })
}

/// Registers the transports with libgit2, once per process. libgit2 wants registration
/// serialised with transport creation; every cockpit path that talks to a remote passes here
/// first, and `Once` blocks concurrent callers until it is done.
pub(crate) fn register_once() {
    static REGISTER: Once = Once::new();
    REGISTER.call_once(|| {
        // libgit2 takes the scheme and appends "://" itself.
        for scheme in ["http", "https"] {
            // SAFETY: serialised by `Once`; no cockpit transport exists before this returns.
            let registered = unsafe {
                git2::transport::register(scheme, |remote| {
                    git2::transport::Transport::smart(remote, true, http::Http::new(current()))
                })
            };
            debug_assert!(registered.is_ok(), "registering {scheme}");
        }
        // scp-like `git@host:path` URLs are looked up under `ssh://` too.
        for scheme in ["ssh", "ssh+git", "git+ssh"] {
            // SAFETY: as above.
            let registered = unsafe {
                git2::transport::register(scheme, |remote| {
                    git2::transport::Transport::smart(remote, false, ssh::Ssh::new(current()))
                })
            };
            debug_assert!(registered.is_ok(), "registering {scheme}");
        }
    });
}

fn git_error(message: impl std::fmt::Display) -> git2::Error {
    git2::Error::new(
        git2::ErrorCode::GenericError,
        git2::ErrorClass::Net,
        message.to_string(),
    )
}
