//! Resources that span repositories: the CI panel's runs and the Deploys panel's environments
//! across the watched repositories, and the approval queue. One repository failing degrades
//! its rows (the last good ones stay, a note says why); it never blanks the others.

use super::{Outcome, Polled, ResourceKind};
use crate::app::effect::Effect;
use crate::app::pollers::{Intervals, Services};
use crate::app::state::{AppState, Approval, RepoHealth, Scope};
use crate::app::update::{note_error, runs_arrived};
use crate::github::models::{PendingDeployment, Repository, WorkflowRun};
use crate::github::{ApiError, Fetched, Slug};
use chrono::{DateTime, Utc};
use futures_util::future::join_all;
use std::time::Duration;

/// Each repository's answer.
pub type PerRepo<T> = Vec<(Slug, Result<Fetched<Vec<T>>, ApiError>)>;

/// Several repositories' rows as one answer, and the repositories that failed.
pub type Merged<T> = (Result<Fetched<Vec<T>>, ApiError>, Vec<(Slug, ApiError)>);

/// A poller backs off only when every repository failed (a rate limit, the network): the
/// first error then, else none.
fn all_failed<'a>(mut errors: impl Iterator<Item = Option<&'a ApiError>>) -> Option<&'a ApiError> {
    let first = errors.next().flatten()?;
    errors.all(|e| e.is_some()).then_some(first)
}

impl<T> Outcome for Vec<(Slug, Result<T, ApiError>)> {
    fn error(&self) -> Option<&ApiError> {
        all_failed(self.iter().map(|(_, r)| r.as_ref().err()))
    }
}

/// How many of each repository's newest runs the CI panel lists in Watched scope: enough to
/// see what ran lately on every branch, few enough that ten repositories fit a screen or two.
pub const RUNS_PER_REPO: u32 = 10;

/// The answers of several repositories as one list: the rows of those that answered, the
/// last good rows (`previous`) of those that did not, and the failures. Every repository
/// failing is the failure of the whole.
pub fn merge<T: Clone>(
    previous: Option<&Vec<T>>,
    answers: PerRepo<T>,
    repo_of: impl Fn(&T) -> Option<Slug>,
) -> Merged<T> {
    let all_failed = answers.iter().all(|(_, r)| r.is_err());
    let mut rows = Vec::new();
    let mut changed = false;
    let mut failures = Vec::new();
    for (repo, r) in answers {
        match r {
            Ok(f) => {
                changed |= f.changed;
                rows.extend(f.data);
            }
            Err(e) => {
                changed = true;
                rows.extend(
                    previous
                        .into_iter()
                        .flatten()
                        .filter(|row| repo_of(row).as_ref() == Some(&repo))
                        .cloned(),
                );
                failures.push((repo, e));
            }
        }
    }
    if all_failed && !failures.is_empty() {
        let (_, first) = failures.remove(0);
        return (Err(first), failures);
    }
    (
        Ok(Fetched {
            data: rows,
            changed,
        }),
        failures,
    )
}

/// Records what failures say about their repositories: a 404 is a repository gone (one
/// clear note), anything else the panel's error with the repository named.
pub fn note_failures(
    state: &mut AppState,
    at: DateTime<Utc>,
    what: &str,
    failures: Vec<(Slug, ApiError)>,
) {
    for (repo, e) in failures {
        if matches!(e, ApiError::NotFound { .. }) {
            set_health(state, &repo, Some(RepoHealth::Gone));
            continue;
        }
        note_error(state, at, what, Some(format!("{}: {e}", repo.full_name())));
    }
}

fn set_health(state: &mut AppState, repo: &Slug, health: Option<RepoHealth>) {
    state.repo_health.retain(|(r, _)| r != repo);
    if let Some(h) = health {
        state.repo_health.push((repo.clone(), h));
    }
}

/// The CI panel in Watched scope: the newest runs of each repository, any branch, newest
/// first. Same slot as `Runs`: one replaces the other when the scope changes.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct WatchedRuns {
    pub repos: Vec<Slug>,
}

impl Polled for WatchedRuns {
    const KIND: ResourceKind = ResourceKind::Runs;
    type Answer = PerRepo<WorkflowRun>;

    async fn fetch(&self, s: &Services) -> Self::Answer {
        let got = join_all(
            self.repos
                .iter()
                .map(|r| s.gh.recent_runs(r, RUNS_PER_REPO)),
        )
        .await;
        self.repos.iter().cloned().zip(got).collect()
    }

    fn pace(&self, answer: &Self::Answer, iv: &Intervals) -> Option<Duration> {
        let active = answer.iter().any(|(_, r)| {
            r.as_ref()
                .is_ok_and(|f| f.data.iter().any(|r| r.status.is_active()))
        });
        Some(if active { iv.runs_active } else { iv.runs_idle })
    }

    fn apply(self, state: &mut AppState, at: DateTime<Utc>, answer: Self::Answer) -> Vec<Effect> {
        if state.scope != Scope::Watched || state.scope_repos() != self.repos {
            return Vec::new();
        }
        let (mut merged, failures) = merge(state.runs.data.as_ref(), answer, WorkflowRun::repo);
        if let Ok(f) = &mut merged {
            f.data.sort_by_key(|r| std::cmp::Reverse(r.created_at));
        }
        note_failures(state, at, "CI", failures);
        runs_arrived(state, merged, at)
    }
}

/// One repository's part of the approval queue: the repository itself (archived? there at
/// all?) and what waits for a review there.
#[derive(Debug)]
pub struct RepoWaits {
    pub repo: Slug,
    pub info: Result<Fetched<Repository>, ApiError>,
    pub waits: Result<Fetched<Vec<(WorkflowRun, PendingDeployment)>>, ApiError>,
}

impl Outcome for Vec<RepoWaits> {
    fn error(&self) -> Option<&ApiError> {
        all_failed(self.iter().map(|r| r.info.as_ref().err()))
    }
}

/// The approval queue: every deployment waiting for my review in the current and the watched
/// repositories, with each repository's state. Conditional requests: an idle hour costs
/// round trips, not rate limit.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Approvals {
    pub repos: Vec<Slug>,
}

impl Polled for Approvals {
    const KIND: ResourceKind = ResourceKind::Approvals;
    type Answer = Vec<RepoWaits>;

    async fn fetch(&self, s: &Services) -> Self::Answer {
        join_all(self.repos.iter().map(|repo| async move {
            let info = s.gh.repository(repo).await;
            // Nothing waits in a repository that is not there.
            let waits = match &info {
                Err(e @ ApiError::NotFound { .. }) => Err(e.clone()),
                _ => s.gh.pending_reviews(repo).await,
            };
            RepoWaits {
                repo: repo.clone(),
                info,
                waits,
            }
        }))
        .await
    }

    fn pace(&self, _: &Self::Answer, iv: &Intervals) -> Option<Duration> {
        Some(iv.environments_idle)
    }

    fn apply(self, state: &mut AppState, at: DateTime<Utc>, answer: Self::Answer) -> Vec<Effect> {
        if state.all_repos() != self.repos {
            return Vec::new();
        }
        let previous = state.queue.items.data.take().unwrap_or_default();
        let mut items = Vec::new();
        let mut errors = Vec::new();
        for RepoWaits { repo, info, waits } in answer {
            match &info {
                Ok(f) => {
                    let h = f.data.archived.then_some(RepoHealth::Archived);
                    set_health(state, &repo, h);
                    state.repo_defaults.retain(|(r, _)| *r != repo);
                    state
                        .repo_defaults
                        .push((repo.clone(), f.data.default_branch.clone()));
                }
                Err(ApiError::NotFound { .. }) => set_health(state, &repo, Some(RepoHealth::Gone)),
                Err(_) => {}
            }
            match waits {
                Ok(f) => items.extend(
                    f.data
                        .into_iter()
                        .filter(|(_, p)| p.current_user_can_approve)
                        .map(|(run, pending)| Approval {
                            repo: repo.clone(),
                            run,
                            pending,
                        }),
                ),
                // Gone: its note says so; nothing of it waits.
                Err(ApiError::NotFound { .. }) => {}
                Err(e) => {
                    items.extend(previous.iter().filter(|a| a.repo == repo).cloned());
                    errors.push(format!("{}: {e}", repo.full_name()));
                }
            }
        }
        // The longest wait first: it is the one holding someone up.
        items.sort_by_key(|a| a.run.created_at);
        let q = &mut state.queue;
        q.items.loading = false;
        q.items.updated = Some(at);
        q.items.error = (!errors.is_empty()).then(|| errors.join("; ").into());
        q.cursor.clamp(items.len());
        q.items.data = Some(items);
        if let Some(why) = state.queue.items.error.clone() {
            note_error(state, at, "approvals", Some(why.into_string()));
        }
        Vec::new()
    }
}
