//! fakehub: an embedded simulation of the part of GitHub's REST API that cockpit uses.
//!
//! A real HTTP server (axum) on 127.0.0.1 with a random port, started inside the caller's tokio
//! runtime. It speaks GitHub's JSON shapes, `Link` pagination, ETags / 304s, rate-limit headers
//! and error bodies, and simulates a world that moves with a [`Clock`]: CI runs progress,
//! deployments wait for approval, logs appear when jobs complete (on a second "blob storage"
//! listener that refuses `Authorization` headers, like GitHub's).
//!
//! `cockpit --demo` uses [`FakeHub::start_demo`] (real clock); tests use [`FakeHub::start`] with
//! [`Clock::manual`]. Another process can drive a fakehub through the admin surface documented
//! in `admin.rs` (`/_fakehub/...`).
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use cockpit::fakehub::{FakeHub, DEMO_TOKEN};
//! let hub = FakeHub::start_demo().await?;
//! let url = format!("{}/repos/acme/rocket/actions/runs", hub.base_url());
//! // GET url with `Authorization: Bearer {DEMO_TOKEN}` ...
//! # let _ = (url, DEMO_TOKEN);
//! # Ok(()) }
//! ```

mod admin;
mod api;
mod clock;
mod commits;
pub mod demo;
mod git_http;
mod git_store;
mod graphql;
mod history;
mod logs;
mod notifications;
mod oauth;
mod pull_actions;
mod pulls_write;
mod pushes;
mod render;
mod reviewer;
pub mod routes;
mod scenario;
mod server;
pub mod world;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

pub use clock::Clock;
pub use logs::{hostile_log, huge_log};
pub use pushes::RemoteWatch;
pub use routes::OPERATIONS;
pub use scenario::{Scenario, ScenarioError};
pub use world::World;

use server::Shared;

/// The demo user's token (accepted by `Scenario::demo()`).
pub const DEMO_TOKEN: &str = "fakehub-demo-token";
/// The demo user.
pub const DEMO_USER: &str = "octodemo";
/// The demo repository.
pub const DEMO_REPO: &str = "acme/rocket";

/// An injected failure for API requests whose path (and query) contains `path_contains`
/// (all requests when None), for `times` requests (until cleared when None).
///
/// `path_contains` may name one route: `*` stands for one path segment (or part of one) and a
/// final `$` ends the path, so `/pulls/*$` is the single pull request but not its
/// `/pulls/7/reviews`, and `/deployments/*/statuses` every deployment's statuses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fault {
    pub path_contains: Option<String>,
    pub kind: FaultKind,
    pub times: Option<u32>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FaultKind {
    /// This status with a GitHub-style error body.
    Status(u16),
    /// Answer normally after this delay (real time).
    Latency(Duration),
    /// 200 with a truncated JSON body.
    MalformedJson,
    /// 403 "API rate limit exceeded" with `x-ratelimit-remaining: 0`.
    RateLimitExhausted,
}

/// One request served (API and blob listeners; not the admin surface nor web pages).
/// Blob requests have paths starting with `/blob/`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RequestRecord {
    pub method: String,
    pub path_and_query: String,
    pub status: u16,
    /// Counted against the rate limit.
    pub counted: bool,
    /// The login of a valid token.
    pub authorized_as: Option<String>,
    pub had_authorization_header: bool,
}

/// A running fakehub; dropping it stops the server.
pub struct FakeHub {
    shared: Arc<Shared>,
    tasks: Vec<JoinHandle<()>>,
}

impl Drop for FakeHub {
    fn drop(&mut self) {
        for t in &self.tasks {
            t.abort();
        }
    }
}

impl FakeHub {
    /// Starts a fakehub on 127.0.0.1 (random ports) in the current tokio runtime.
    pub async fn start(scenario: Scenario, clock: Clock) -> std::io::Result<FakeHub> {
        let api = TcpListener::bind(("127.0.0.1", 0)).await?;
        let blob = TcpListener::bind(("127.0.0.1", 0)).await?;
        let world = World::from_scenario(&scenario.spec, clock.now());
        let (shared, tasks) = server::spawn(world, clock, api, blob)?;
        Ok(FakeHub { shared, tasks })
    }

    /// The demo world with the wall clock.
    pub async fn start_demo() -> std::io::Result<FakeHub> {
        FakeHub::start(Scenario::demo(), Clock::real()).await
    }

    /// The REST root, e.g. `http://127.0.0.1:PORT` (like `https://api.github.com`).
    pub fn base_url(&self) -> String {
        self.shared.api_base.clone()
    }

    /// The root of the log "blob storage" listener (a different port, like a different host).
    pub fn blob_url(&self) -> String {
        self.shared.blob_base.clone()
    }

    pub fn clock(&self) -> Clock {
        self.shared.clock.clone()
    }

    pub fn set_fault(&self, fault: Fault) {
        add_fault(&self.shared, fault);
    }

    pub fn clear_faults(&self) {
        self.shared.control().faults.clear();
    }

    /// Serves `log` as job `job_id`'s log instead of the generated one — still 404 until the
    /// job completes, then through the blob host. For huge and hostile logs.
    pub fn set_job_log(&self, job_id: u64, log: impl Into<axum::body::Bytes>) {
        self.shared.control().logs.insert(job_id, log.into());
    }

    /// Every request served, in order.
    pub fn requests(&self) -> Vec<RequestRecord> {
        self.shared.control().requests.clone()
    }

    /// Requests left in the current rate-limit window of the token's user (0 for an unknown
    /// or revoked token). Limits are per user, as on GitHub.
    pub fn rate_remaining(&self, token: &str) -> u32 {
        let login = self.shared.world().token_login(token).map(str::to_string);
        match login {
            Some(l) => {
                let s = self
                    .shared
                    .rate(&server::Limit::new(&format!("user:{l}"), "core"));
                s.limit.saturating_sub(s.used)
            }
            None => 0,
        }
    }

    /// Sets a branch head in the first repository of the scenario (`acme/rocket` in the demo),
    /// creating the branch if needed. Runs, checks, PR heads and deployments that follow the
    /// branch follow the new sha.
    pub fn set_branch_head(&self, branch: &str, sha: &str) {
        set_branch(&self.shared, branch, sha);
    }

    /// Adds (or replaces) a token; an unknown login becomes a new user.
    pub fn add_token(&self, token: &str, login: &str, scopes: &[&str]) {
        add_token_to(&mut self.shared.world(), token, login, scopes);
    }

    pub fn revoke_token(&self, token: &str) {
        if let Some(t) = self.shared.world().tokens.get_mut(token) {
            t.revoked = true;
        }
    }

    pub fn with_world<R>(&self, f: impl FnOnce(&World) -> R) -> R {
        f(&self.shared.world())
    }

    pub fn with_world_mut<R>(&self, f: impl FnOnce(&mut World) -> R) -> R {
        let mut w = self.shared.world();
        let r = f(&mut w);
        for k in 0..w.repos.len() {
            w.sync_deployments(k);
        }
        r
    }
}

/// Whether the path and query `pq` matches a fault's `path_contains` (see [`Fault`]).
pub(crate) fn fault_matches(pattern: &str, pq: &str) -> bool {
    let (pattern, whole) = match pattern.strip_suffix('$') {
        Some(p) => (p, true),
        None => (pattern, false),
    };
    if !whole && !pattern.contains('*') {
        return pq.contains(pattern);
    }
    let target = match whole {
        true => pq.split('?').next().unwrap_or(pq),
        false => pq,
    };
    target
        .char_indices()
        .map(|(i, _)| i)
        .any(|i| glob(pattern, &target[i..], whole))
}

/// Whether `pattern` matches the start of `text` (all of it when `whole`); `*` matches one
/// or more characters of one path segment.
fn glob(pattern: &str, text: &str, whole: bool) -> bool {
    match pattern.split_once('*') {
        None if whole => text == pattern,
        None => text.starts_with(pattern),
        Some((lit, rest)) => {
            let Some(after) = text.strip_prefix(lit) else {
                return false;
            };
            let segment = after.find(['/', '?']).unwrap_or(after.len());
            (1..=segment)
                .filter(|&n| after.is_char_boundary(n))
                .any(|n| glob(rest, &after[n..], whole))
        }
    }
}

pub(crate) fn add_fault(sh: &Shared, fault: Fault) {
    sh.control().faults.push(server::ActiveFault { fault });
}

pub(crate) fn set_branch(sh: &Shared, branch: &str, sha: &str) {
    let sha = sha.to_ascii_lowercase();
    let mut w = sh.world();
    let Some(repo) = w.repos.first_mut() else {
        return;
    };
    match repo.branches.iter_mut().find(|b| b.name == branch) {
        Some(b) => b.sha = sha,
        None => repo.branches.push(world::Branch {
            name: branch.to_string(),
            sha,
            protected: false,
            message: None,
        }),
    }
    w.sync_pull_refs();
}

pub(crate) fn add_token_to(w: &mut World, token: &str, login: &str, scopes: &[&str]) {
    if !w.users.contains_key(login) {
        let id = w.users.values().map(|u| u.id).max().unwrap_or(0) + 1;
        w.users.insert(
            login.to_string(),
            world::User {
                login: login.to_string(),
                id,
                name: None,
                organization: false,
            },
        );
    }
    w.tokens.insert(
        token.to_string(),
        world::Token {
            login: login.to_string(),
            scopes: scopes.iter().map(|s| s.to_string()).collect(),
            revoked: false,
        },
    );
}

/// Serves `scenario` on `addr` (must be a loopback address; port 0 picks one) with the wall
/// clock until the process ends. Prints `fakehub listening on http://ADDR` on stdout first.
pub async fn serve_forever(addr: SocketAddr, scenario: Scenario) -> std::io::Result<()> {
    if !addr.ip().is_loopback() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "fakehub only listens on a loopback address",
        ));
    }
    let api = TcpListener::bind(addr).await?;
    let blob = TcpListener::bind(SocketAddr::new(addr.ip(), 0)).await?;
    let clock = Clock::real();
    let world = World::from_scenario(&scenario.spec, clock.now());
    let (shared, tasks) = server::spawn(world, clock, api, blob)?;
    println!("fakehub listening on {}", shared.api_base);
    for t in tasks {
        t.await.map_err(std::io::Error::other)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::fault_matches;

    #[test]
    fn a_fault_can_name_one_route() {
        let pr = "/repos/acme/rocket/pulls/7";
        let reviews = "/repos/acme/rocket/pulls/7/reviews?per_page=100";
        let list = "/repos/acme/rocket/pulls?state=open&per_page=100";
        assert!(fault_matches("/pulls/7", reviews), "plain text: contains");
        assert!(fault_matches("/pulls/*$", pr));
        assert!(!fault_matches("/pulls/*$", reviews));
        assert!(!fault_matches("/pulls/*$", list));
        assert!(fault_matches("/pulls/*/reviews", reviews));
        assert!(fault_matches(
            "/deployments/*/statuses",
            "/repos/acme/rocket/deployments/31/statuses?per_page=10"
        ));
        assert!(!fault_matches(
            "/deployments/*/statuses",
            "/repos/acme/rocket/deployments?environment=production"
        ));
        assert!(fault_matches(
            "/deployments?",
            "/repos/a/b/deployments?environment=x"
        ));
    }
}
