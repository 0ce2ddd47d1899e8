//! Background pollers: one task per resource, paced by its interval, by failures and by the
//! rate limit, sending results to the UI loop as messages.

use super::effect::{Resource, ResourceKind};
use super::msg::{Data, Msg};
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
        let handle = tokio::spawn(poll_loop(
            r.clone(),
            self.services.clone(),
            self.tx.clone(),
            notify.clone(),
        ));
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

/// When to poll again after one fetch. `None`: only when asked (one-shot resources).
fn next_delay(r: &Resource, data: &Data, failures: u32, iv: &Intervals) -> Option<Duration> {
    if let Some(err) = data_error(data) {
        let base = Duration::from_secs(2u64.saturating_pow(failures.min(8)).min(300));
        return Some(match err {
            ApiError::RateLimited { reset } => {
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
        });
    }
    match (r, data) {
        (Resource::User, _) | (Resource::Repo, _) | (Resource::EnvironmentInsights { .. }, _) => {
            None
        }
        (Resource::FollowedRuns { .. }, _) => Some(iv.jobs_active),
        (Resource::Branches, _) => Some(iv.branches),
        (Resource::Issues { .. }, _) => Some(iv.issues),
        (Resource::Pulls { .. }, _) => Some(iv.pulls),
        (Resource::IssueDetail { .. }, _) | (Resource::PullDetail { .. }, _) => {
            Some(iv.issue_detail)
        }
        // Until the commit's runs exist, then done.
        (Resource::CommitRuns { .. }, Data::Runs(Ok(f))) => {
            f.data.is_empty().then_some(iv.jobs_active)
        }
        (Resource::Runs { .. } | Resource::HeadRuns { .. }, Data::Runs(Ok(f))) => {
            let active = f.data.iter().any(|r| r.status.is_active());
            Some(if active { iv.runs_active } else { iv.runs_idle })
        }
        (Resource::Jobs { .. }, Data::Jobs(Ok(f), _)) => {
            f.data.0.status.is_active().then_some(iv.jobs_active)
        }
        (Resource::JobStatus { .. }, Data::JobStatus(Ok(f), _)) => {
            f.data.status.is_active().then_some(iv.jobs_active)
        }
        (Resource::Environments, Data::Environments(Ok(f))) => {
            let busy = f
                .data
                .iter()
                .any(|e| !e.waiting.is_empty() || e.in_progress().is_some());
            Some(if busy {
                iv.environments_active
            } else {
                iv.environments_idle
            })
        }
        _ => Some(iv.runs_idle),
    }
}

fn data_error(d: &Data) -> Option<&ApiError> {
    match d {
        Data::User(Err(e))
        | Data::Repo(Err(e))
        | Data::Issues(Err(e))
        | Data::Pulls(Err(e))
        | Data::Runs(Err(e))
        | Data::Jobs(Err(e), _)
        | Data::JobStatus(Err(e), _)
        | Data::Environments(Err(e))
        | Data::IssueDetail(Err(e))
        | Data::FollowedRuns(Err(e))
        | Data::Insights(Err(e))
        | Data::PullDetail(Err(e)) => Some(e),
        _ => None,
    }
}

fn no_repo() -> ApiError {
    ApiError::Client {
        status: 0,
        message: "no GitHub repository".into(),
    }
}

async fn fetch(r: &Resource, s: &Services) -> Data {
    let gh = &s.gh;
    let slug = s.slug.as_ref();
    match r {
        Resource::User => Data::User(gh.me().await),
        Resource::Repo => match slug {
            Some(slug) => {
                let res = gh.repository(slug).await;
                if let (Ok(f), Ok(mut d)) = (&res, s.default_branch.lock()) {
                    *d = Some(f.data.default_branch.clone());
                }
                Data::Repo(res)
            }
            None => Data::Repo(Err(no_repo())),
        },
        Resource::Branches => {
            let Some(path) = s.repo_path.clone() else {
                return Data::Branches(Err("no local repository".into()));
            };
            let default = s.default_branch.lock().ok().and_then(|d| d.clone());
            let stale_days = s.stale_days;
            let res = tokio::task::spawn_blocking(move || {
                crate::git::snapshot_with(&path, default.as_deref(), Some(stale_days))
            })
            .await
            .map_err(|e| format!("git task failed: {e}"))
            .and_then(|r| r.map_err(|e| e.to_string()));
            Data::Branches(res)
        }
        Resource::Issues {
            all_repos: true, ..
        } => Data::Issues(gh.assigned_issues_everywhere().await),
        Resource::Issues { login, .. } => match slug {
            Some(slug) => Data::Issues(gh.assigned_issues(slug, login).await),
            None => Data::Issues(Err(no_repo())),
        },
        Resource::Pulls { login } => match slug {
            Some(slug) => Data::Pulls(gh.pull_rows(slug, login).await),
            None => Data::Pulls(Err(no_repo())),
        },
        Resource::Runs { branch } => match slug {
            Some(slug) => Data::Runs(gh.runs_for_branch(slug, branch).await),
            None => Data::Runs(Err(no_repo())),
        },
        Resource::HeadRuns { sha } | Resource::CommitRuns { sha } => match slug {
            Some(slug) => Data::Runs(gh.runs_for_commit(slug, sha).await),
            None => Data::Runs(Err(no_repo())),
        },
        Resource::Jobs { run_id } => match slug {
            Some(slug) => {
                let (run, jobs) = tokio::join!(gh.run(slug, *run_id), gh.jobs(slug, *run_id));
                // Annotations as they appear: a job's id is its check run's (conditional
                // requests: unchanged ones are free). One failing does not hide the jobs.
                let ids: Vec<u64> = jobs
                    .as_ref()
                    .map(|j| j.data.iter().map(|j| j.id).collect())
                    .unwrap_or_default();
                let notes =
                    futures_util::future::join_all(ids.iter().map(|id| gh.annotations(slug, *id)))
                        .await;
                let annotations = ids
                    .into_iter()
                    .zip(notes)
                    .filter_map(|(id, n)| n.ok().map(|n| (id, n.data)))
                    .filter(|(_, n)| !n.is_empty())
                    .collect();
                Data::Jobs(
                    run.and_then(|run| {
                        jobs.map(|jobs| crate::github::Fetched {
                            changed: run.changed || jobs.changed,
                            data: (run.data, jobs.data),
                        })
                    }),
                    annotations,
                )
            }
            None => Data::Jobs(Err(no_repo()), Vec::new()),
        },
        Resource::Environments => match slug {
            Some(slug) => Data::Environments(gh.environment_rows(slug).await),
            None => Data::Environments(Err(no_repo())),
        },
        Resource::FollowedRuns { run_ids } => match slug {
            Some(slug) => {
                let got =
                    futures_util::future::join_all(run_ids.iter().map(|id| gh.run(slug, *id)))
                        .await;
                let mut changed = false;
                let mut runs = Vec::new();
                for r in got {
                    match r {
                        Ok(f) => {
                            changed |= f.changed;
                            runs.push(f.data);
                        }
                        Err(e) => return Data::FollowedRuns(Err(e)),
                    }
                }
                Data::FollowedRuns(Ok(crate::github::Fetched {
                    data: runs,
                    changed,
                }))
            }
            None => Data::FollowedRuns(Err(no_repo())),
        },
        Resource::EnvironmentInsights {
            environment,
            upstream,
            window_days,
        } => match slug {
            Some(slug) => Data::Insights(
                insights(gh, slug, environment, upstream.as_deref(), *window_days).await,
            ),
            None => Data::Insights(Err(no_repo())),
        },
        Resource::JobStatus { job_id } => match slug {
            Some(slug) => {
                // Annotations as they appear while the job runs (a job is its check run).
                let (job, notes) =
                    tokio::join!(gh.job(slug, *job_id), gh.annotations(slug, *job_id));
                Data::JobStatus(job, notes.ok().map(|n| n.data))
            }
            None => Data::JobStatus(Err(no_repo()), None),
        },
        Resource::PullDetail { number } => match slug {
            Some(slug) => Data::PullDetail(gh.pull_detail(slug, *number).await),
            None => Data::PullDetail(Err(no_repo())),
        },
        Resource::IssueDetail { number } => match slug {
            Some(slug) => Data::IssueDetail(gh.issue_with_comments(slug, *number).await),
            None => Data::IssueDetail(Err(no_repo())),
        },
    }
}

async fn poll_loop(
    r: Resource,
    s: Arc<Services>,
    tx: mpsc::UnboundedSender<Msg>,
    notify: Arc<Notify>,
) {
    let mut failures: u32 = 0;
    loop {
        let data = fetch(&r, &s).await;
        failures = if data_error(&data).is_some() {
            failures.saturating_add(1)
        } else {
            0
        };
        let rate = s.gh.rate_limit();
        let delay = next_delay(&r, &data, failures, &s.intervals).map(|d| {
            if failures == 0 {
                rate.map_or(d, |rl| rl.pace(d, Utc::now()))
            } else {
                d
            }
        });
        if tx
            .send(Msg::Data {
                resource: r.clone(),
                at: Utc::now(),
                data,
                rate,
            })
            .is_err()
        {
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

/// An environment's detail beyond its history: the commits that would ship from `upstream`
/// (staging into production), the commits the live deployment brought, and the delivery
/// metrics — all from one history fetch per environment.
async fn insights(
    gh: &GitHub,
    slug: &Slug,
    environment: &str,
    upstream: Option<&str>,
    window_days: i64,
) -> Result<super::state::Insights, ApiError> {
    let now = Utc::now();
    let history = |env| crate::metrics::window_history(gh, slug, env, now, window_days);
    let there = async {
        match upstream {
            Some(u) => history(u).await.map(Some),
            None => Ok(None),
        }
    };
    let (here, there) = tokio::join!(history(environment), there);
    let (here, there) = (here?, there?);
    let good_here = crate::metrics::successful_shas(&here);
    let good_there = there.as_ref().map(|t| crate::metrics::successful_shas(t));
    // A sha that is gone (force-push) has nothing to compare: no section, not an error.
    let compare = |base: String, head: String| async move {
        match gh.compare(slug, &base, &head).await {
            Ok(c) => Ok(Some(c)),
            Err(ApiError::NotFound { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    };
    let would_ship = async {
        match (
            upstream,
            good_here.first(),
            good_there.as_ref().and_then(|t| t.first()),
        ) {
            (Some(up), Some(base), Some(head)) => Ok(compare(base.clone(), head.clone())
                .await?
                .map(|c| (up.to_string(), environment.to_string(), c))),
            _ => Ok::<_, ApiError>(None),
        }
    };
    let carried = async {
        match (good_here.get(1), good_here.first()) {
            (Some(base), Some(head)) => compare(base.clone(), head.clone()).await,
            _ => Ok(None),
        }
    };
    let metrics = crate::metrics::from_history(gh, slug, environment, here, now, window_days);
    let (would_ship, carried, metrics) = tokio::join!(would_ship, carried, metrics);
    Ok(super::state::Insights {
        would_ship: would_ship?,
        carried: carried?,
        metrics: metrics?,
    })
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
        let r = Resource::FollowedRuns {
            run_ids: vec![RUN_LIVE],
        };
        let started = tokio::time::Instant::now();
        pollers.poll(r.clone());
        let first = next(&mut rx).await;
        assert!(
            matches!(
                &first,
                Msg::Data {
                    data: Data::FollowedRuns(Ok(_)),
                    ..
                }
            ),
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
            Msg::Data {
                data: Data::FollowedRuns(Err(ApiError::Unauthorized { .. })),
                ..
            }
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
