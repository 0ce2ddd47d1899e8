//! Background pollers: one task per resource, paced by its interval, by failures and by the
//! rate limit, sending results to the UI loop as messages.

use super::msg::Msg;
use super::resource::{Answer, Outcome, Polled, Resource, ResourceKind};
use crate::github::dashboard::Slug;
use crate::github::{ApiError, GitHub};
use chrono::Utc;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{mpsc, Notify};
use tokio::task::JoinHandle;

/// Base intervals. Runs and jobs poll fast only while something runs; conditional requests
/// make an unchanged answer free, so the cost of a fast poll is a round trip, not rate limit.
#[derive(Debug, Clone)]
pub struct Intervals {
    pub branches: Duration,
    pub issues: Duration,
    pub pulls: Duration,
    pub runs_idle: Duration,
    pub runs_active: Duration,
    pub jobs_active: Duration,
    pub environments_idle: Duration,
    pub environments_active: Duration,
    pub issue_detail: Duration,
    /// The notifications inbox; GitHub's `X-Poll-Interval` is the floor.
    pub notifications: Duration,
}

impl Default for Intervals {
    fn default() -> Self {
        Intervals {
            branches: Duration::from_secs(5),
            issues: Duration::from_secs(60),
            pulls: Duration::from_secs(60),
            runs_idle: Duration::from_secs(20),
            runs_active: Duration::from_secs(5),
            jobs_active: Duration::from_secs(3),
            environments_idle: Duration::from_secs(30),
            environments_active: Duration::from_secs(10),
            issue_detail: Duration::from_secs(60),
            notifications: Duration::from_secs(60),
        }
    }
}

/// What the pollers need: the client, the repository, the local clone.
pub struct Services {
    pub gh: GitHub,
    pub slug: Option<Slug>,
    pub repo_path: Option<PathBuf>,
    pub intervals: Intervals,
    pub default_branch: Mutex<Option<String>>,
    /// Environment → the workflow that deploys it (from the config).
    pub deploy_targets: std::collections::HashMap<String, super::prepare::DeployTarget>,
    /// Credentials for git fetch and push (the token goes only to this GitHub's host).
    pub remote_auth: crate::git::RemoteAuth,
    pub drafts: crate::drafts::DraftStore,
    /// Branches not committed to for this many days are flagged stale.
    pub stale_days: u32,
}

impl Services {
    /// The same services for another repository (`:repo`): its local clone is `repo_path`,
    /// and what was learnt about the previous one (its default branch) is forgotten.
    pub fn for_repo(&self, slug: Slug, repo_path: Option<PathBuf>) -> Services {
        Services {
            gh: self.gh.clone(),
            slug: Some(slug),
            repo_path,
            intervals: self.intervals.clone(),
            default_branch: Mutex::new(None),
            deploy_targets: self.deploy_targets.clone(),
            remote_auth: self.remote_auth.clone(),
            drafts: self.drafts.clone(),
            stale_days: self.stale_days,
        }
    }
}

pub struct Pollers {
    services: Arc<Services>,
    tx: mpsc::UnboundedSender<Msg>,
    running: HashMap<ResourceKind, (Resource, JoinHandle<()>, Arc<Notify>)>,
}

impl Pollers {
    pub fn new(services: Arc<Services>, tx: mpsc::UnboundedSender<Msg>) -> Pollers {
        Pollers {
            services,
            tx,
            running: HashMap::new(),
        }
    }

    /// Starts the poller for `r`, replacing another resource of the same kind (its late answer
    /// is dropped by `update`). Asking again for a resource already polled changes nothing:
    /// `Effect::Refresh` is the way to poll sooner, so a re-request can never become a loop.
    pub fn poll(&mut self, r: Resource) {
        let kind = r.kind();
        if let Some((current, handle, _)) = self.running.get(&kind) {
            if *current == r && !handle.is_finished() {
                return;
            }
        }
        self.stop(kind);
        let notify = Arc::new(Notify::new());
        let handle = r.start(self.services.clone(), self.tx.clone(), notify.clone());
        self.running.insert(kind, (r, handle, notify));
    }

    pub fn stop(&mut self, kind: ResourceKind) {
        if let Some((_, handle, _)) = self.running.remove(&kind) {
            handle.abort();
        }
    }

    pub fn refresh(&self, kinds: &[ResourceKind]) {
        for k in kinds {
            if let Some((_, _, notify)) = self.running.get(k) {
                notify.notify_one();
            }
        }
    }

    pub fn stop_all(&mut self) {
        for (_, (_, handle, _)) in self.running.drain() {
            handle.abort();
        }
    }

    pub fn active(&self) -> Vec<Resource> {
        self.running.values().map(|(r, _, _)| r.clone()).collect()
    }
}

impl Drop for Pollers {
    fn drop(&mut self) {
        self.stop_all();
    }
}

/// When to poll again after one fetch: backing off after failures, else the resource's pace.
fn next_delay<R: Polled>(
    r: &R,
    answer: &R::Answer,
    failures: u32,
    iv: &Intervals,
) -> Option<Duration> {
    let Some(err) = answer.error() else {
        return r.pace(answer, iv);
    };
    let base = Duration::from_secs(2u64.saturating_pow(failures.min(8)).min(300));
    Some(match err {
        ApiError::RateLimited { reset, .. } => {
            (*reset - Utc::now()).to_std().unwrap_or(base).max(base)
        }
        ApiError::SecondaryRateLimit { retry_after_secs } => {
            Duration::from_secs(*retry_after_secs).max(base)
        }
        // Needs the user: retry rarely; `r` retries at once.
        ApiError::NoToken | ApiError::Unauthorized { .. } | ApiError::Forbidden { .. } => {
            Duration::from_secs(300)
        }
        _ => base,
    })
}

pub(super) async fn poll_loop<R: Polled>(
    r: R,
    s: Arc<Services>,
    tx: mpsc::UnboundedSender<Msg>,
    notify: Arc<Notify>,
) {
    let mut failures: u32 = 0;
    loop {
        let answer = r.fetch(&s).await;
        failures = if answer.error().is_some() {
            failures.saturating_add(1)
        } else {
            0
        };
        let rate = s.gh.rate_limit();
        // A search spends both budgets: its own (30 a minute) and, for the rows' details, the
        // primary one. Each paces it; the stricter wins.
        let search_rate = if R::SEARCH {
            s.gh.search_rate_limit()
        } else {
            None
        };
        let delay = next_delay(&r, &answer, failures, &s.intervals).map(|d| {
            if failures == 0 {
                let now = Utc::now();
                let d = rate.map_or(d, |rl| rl.pace(d, now));
                search_rate.map_or(d, |rl| rl.pace(d, now))
            } else {
                d
            }
        });
        let answer = Answer {
            resource: r.clone(),
            answer,
        };
        let msg = Msg::Data {
            at: Utc::now(),
            answer: Box::new(answer),
            rate,
            search_rate,
        };
        if tx.send(msg).is_err() {
            return;
        }
        match delay {
            Some(d) => {
                tokio::select! {
                    _ = tokio::time::sleep(d) => {}
                    _ = notify.notified() => {}
                }
            }
            None => notify.notified().await,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Waits for the next message, however busy the machine (the bound only ends a failure).
    async fn next(rx: &mut mpsc::UnboundedReceiver<Msg>) -> Msg {
        tokio::time::timeout(Duration::from_secs(60), rx.recv())
            .await
            .expect("a message within a minute")
            .expect("the poller runs")
    }

    /// Asking again for a poller that runs must not make it fetch again: a followed deploy once
    /// turned that into a busy loop (update asked on every answer, each ask re-fetched).
    #[tokio::test]
    async fn asking_again_for_a_running_poller_does_not_refetch() {
        use crate::fakehub::{demo::RUN_LIVE, FakeHub, DEMO_TOKEN};
        let hub = FakeHub::start_demo().await.expect("fakehub");
        let gh =
            GitHub::new(&hub.base_url(), crate::github::Token::new(DEMO_TOKEN)).expect("client");
        let every = Duration::from_secs(2);
        let services = Arc::new(Services {
            gh,
            slug: Slug::parse("acme/rocket"),
            repo_path: None,
            intervals: Intervals {
                jobs_active: every,
                ..Intervals::default()
            },
            default_branch: Mutex::new(None),
            deploy_targets: Default::default(),
            remote_auth: crate::git::RemoteAuth::none(),
            drafts: crate::drafts::DraftStore::new(
                std::env::temp_dir().join("cockpit-poller-test"),
            ),
            stale_days: 30,
        });
        let (tx, mut rx) = mpsc::unbounded_channel();
        let mut pollers = Pollers::new(services, tx);
        let r = Resource::FollowedRuns(crate::app::resource::FollowedRuns {
            runs: vec![(Slug::parse("acme/rocket").expect("slug"), RUN_LIVE)],
        });
        let started = tokio::time::Instant::now();
        pollers.poll(r.clone());
        let first = next(&mut rx).await;
        assert!(
            matches!(&first, Msg::Data { answer, .. }
                if answer.kind() == ResourceKind::FollowedRuns && answer.error().is_none()),
            "the first fetch answers: {first:?}"
        );
        for _ in 0..20 {
            pollers.poll(r.clone());
        }
        // From now on every answer is a 401, after which a poller waits five minutes.
        hub.revoke_token(DEMO_TOKEN);
        // The next message is the poller's own next fetch, its interval after the first: a
        // re-ask that fetched would have come before it, at once.
        let second = next(&mut rx).await;
        assert!(
            started.elapsed() >= every,
            "re-asking fetched again: {second:?}"
        );
        assert!(matches!(
            &second,
            Msg::Data { answer, .. }
                if answer.kind() == ResourceKind::FollowedRuns
                    && matches!(answer.error(), Some(ApiError::Unauthorized { .. }))
        ));
        // Nothing else would fetch for five minutes: an answer now is the refresh's.
        pollers.refresh(&[ResourceKind::FollowedRuns]);
        let refreshed = next(&mut rx).await;
        assert!(
            matches!(refreshed, Msg::Data { .. }),
            "Refresh is the way to poll sooner"
        );
    }
}
