//! CI: the CI panel's runs, a run's jobs, an open log's job, and runs cockpit follows.

use super::{no_repo, Polled, Resource, ResourceKind};
use crate::app::effect::Effect;
use crate::app::pollers::{Intervals, Services};
use crate::app::state::{AppState, Detail};
use crate::app::update::{note_error, runs_arrived, store};
use crate::github::logs::Annotation;
use crate::github::models::{Conclusion, Job, WorkflowRun};
use crate::github::{ApiError, Fetched, Slug};
use chrono::{DateTime, Utc};
use std::time::Duration;

type RunsAnswer = Result<Fetched<Vec<WorkflowRun>>, ApiError>;

/// Fast while a run is active.
fn runs_pace(answer: &RunsAnswer, iv: &Intervals) -> Duration {
    let active = answer
        .as_ref()
        .is_ok_and(|f| f.data.iter().any(|r| r.status.is_active()));
    if active {
        iv.runs_active
    } else {
        iv.runs_idle
    }
}

async fn runs_for_commit(s: &Services, sha: &str) -> RunsAnswer {
    match s.slug.as_ref() {
        Some(slug) => s.gh.runs_for_commit(slug, sha).await,
        None => Err(no_repo()),
    }
}

/// A late answer for the current repository's runs once the panel shows the watched ones.
fn other_scope(state: &AppState) -> bool {
    state.scope != crate::app::state::Scope::Here
}

/// The CI panel's runs of its branch.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Runs {
    pub branch: String,
}

impl Polled for Runs {
    const KIND: ResourceKind = ResourceKind::Runs;
    type Answer = RunsAnswer;

    async fn fetch(&self, s: &Services) -> Self::Answer {
        match s.slug.as_ref() {
            Some(slug) => s.gh.runs_for_branch(slug, &self.branch).await,
            None => Err(no_repo()),
        }
    }

    fn pace(&self, answer: &Self::Answer, iv: &Intervals) -> Option<Duration> {
        Some(runs_pace(answer, iv))
    }

    fn apply(self, state: &mut AppState, at: DateTime<Utc>, answer: Self::Answer) -> Vec<Effect> {
        if state.ci_branch.as_deref() != Some(self.branch.as_str())
            || state.ci_commit.is_some()
            || other_scope(state)
        {
            return Vec::new();
        }
        runs_arrived(state, answer, at)
    }
}

/// The CI panel's runs while HEAD is detached: those of the checked-out commit. Same kind
/// as `Runs`: one replaces the other.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct HeadRuns {
    pub sha: String,
}

impl Polled for HeadRuns {
    const KIND: ResourceKind = ResourceKind::Runs;
    type Answer = RunsAnswer;

    async fn fetch(&self, s: &Services) -> Self::Answer {
        runs_for_commit(s, &self.sha).await
    }

    fn pace(&self, answer: &Self::Answer, iv: &Intervals) -> Option<Duration> {
        Some(runs_pace(answer, iv))
    }

    fn apply(self, state: &mut AppState, at: DateTime<Utc>, answer: Self::Answer) -> Vec<Effect> {
        if state.ci_commit.as_deref() != Some(self.sha.as_str()) || other_scope(state) {
            return Vec::new();
        }
        runs_arrived(state, answer, at)
    }
}

/// The runs started for a commit cockpit just pushed or merged (`head_sha`) in `repo`, polled
/// fast until they exist.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CommitRuns {
    pub repo: Slug,
    pub sha: String,
}

impl Polled for CommitRuns {
    const KIND: ResourceKind = ResourceKind::CommitRuns;
    type Answer = RunsAnswer;

    async fn fetch(&self, s: &Services) -> Self::Answer {
        s.gh.runs_for_commit(&self.repo, &self.sha).await
    }

    fn pace(&self, answer: &Self::Answer, iv: &Intervals) -> Option<Duration> {
        match answer {
            // Until the commit's runs exist, then done.
            Ok(f) => f.data.is_empty().then_some(iv.jobs_active),
            Err(_) => Some(iv.runs_idle),
        }
    }

    fn apply(self, state: &mut AppState, at: DateTime<Utc>, answer: Self::Answer) -> Vec<Effect> {
        crate::app::follow::commit_runs(state, &self.sha, at, answer.map(|f| f.data))
    }
}

/// A run with its jobs, and the annotations of the jobs that have some.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Jobs {
    pub repo: Slug,
    pub run_id: u64,
}

impl Polled for Jobs {
    const KIND: ResourceKind = ResourceKind::Jobs;
    type Answer = (
        Result<Fetched<(WorkflowRun, Vec<Job>)>, ApiError>,
        Vec<(u64, Vec<Annotation>)>,
    );

    async fn fetch(&self, s: &Services) -> Self::Answer {
        let (gh, run_id, slug) = (&s.gh, self.run_id, &self.repo);
        let (run, jobs) = tokio::join!(gh.run(slug, run_id), gh.jobs(slug, run_id));
        // Annotations as they appear: a job's id is its check run's (conditional
        // requests: unchanged ones are free). One failing does not hide the jobs.
        let ids: Vec<u64> = jobs
            .as_ref()
            .map(|j| j.data.iter().map(|j| j.id).collect())
            .unwrap_or_default();
        let notes =
            futures_util::future::join_all(ids.iter().map(|id| gh.annotations(slug, *id))).await;
        let annotations = ids
            .into_iter()
            .zip(notes)
            .filter_map(|(id, n)| n.ok().map(|n| (id, n.data)))
            .filter(|(_, n)| !n.is_empty())
            .collect();
        (
            run.and_then(|run| {
                jobs.map(|jobs| Fetched {
                    changed: run.changed || jobs.changed,
                    data: (run.data, jobs.data),
                })
            }),
            annotations,
        )
    }

    fn pace(&self, answer: &Self::Answer, iv: &Intervals) -> Option<Duration> {
        match &answer.0 {
            Ok(f) => f.data.0.status.is_active().then_some(iv.jobs_active),
            Err(_) => Some(iv.runs_idle),
        }
    }

    fn apply(self, state: &mut AppState, at: DateTime<Utc>, answer: Self::Answer) -> Vec<Effect> {
        let (r, annotations) = answer;
        let mut err = None;
        if let Some(Detail::Run {
            repo,
            run_id: open,
            data,
            cursor,
            annotations: notes,
        }) = &mut state.detail
        {
            if *open == self.run_id && *repo == self.repo {
                *notes = annotations;
                let first_load = data.data.is_none();
                err = store(data, r, at);
                let jobs = data
                    .data
                    .as_ref()
                    .map_or(&[][..], |(_, jobs)| jobs.as_slice());
                // A failed run opens on the job that failed.
                if first_load {
                    if let Some(i) = jobs
                        .iter()
                        .position(|j| j.conclusion.as_ref().is_some_and(Conclusion::is_failure))
                    {
                        cursor.selected = i;
                    }
                }
                cursor.clamp(jobs.len());
            }
        }
        note_error(state, at, "jobs", err);
        Vec::new()
    }
}

/// A job's status while its log is open (fast while it runs, then once), with its
/// annotations so far (`None`: they could not be read this time).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct JobStatus {
    pub repo: Slug,
    pub job_id: u64,
}

impl Polled for JobStatus {
    const KIND: ResourceKind = ResourceKind::JobStatus;
    type Answer = (Result<Fetched<Job>, ApiError>, Option<Vec<Annotation>>);

    async fn fetch(&self, s: &Services) -> Self::Answer {
        // Annotations as they appear while the job runs (a job is its check run).
        let (job, notes) = tokio::join!(
            s.gh.job(&self.repo, self.job_id),
            s.gh.annotations(&self.repo, self.job_id)
        );
        (job, notes.ok().map(|n| n.data))
    }

    fn pace(&self, answer: &Self::Answer, iv: &Intervals) -> Option<Duration> {
        match &answer.0 {
            Ok(f) => f.data.status.is_active().then_some(iv.jobs_active),
            Err(_) => Some(iv.runs_idle),
        }
    }

    fn apply(self, state: &mut AppState, at: DateTime<Utc>, answer: Self::Answer) -> Vec<Effect> {
        match answer {
            (Ok(f), notes) => crate::app::logview::job_status(state, f.data, notes),
            (Err(e), _) => {
                note_error(state, at, "job", Some(e.to_string()));
                Vec::new()
            }
        }
    }
}

/// Runs cockpit started (deploys, dispatches, re-runs) and reports on when they finish, each
/// with its repository.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FollowedRuns {
    pub runs: Vec<(Slug, u64)>,
}

impl FollowedRuns {
    /// The runs `state` follows.
    pub fn of(state: &AppState) -> FollowedRuns {
        FollowedRuns {
            runs: state
                .followed
                .iter()
                .map(|f| (f.repo.clone(), f.run_id))
                .collect(),
        }
    }
}

impl Polled for FollowedRuns {
    const KIND: ResourceKind = ResourceKind::FollowedRuns;
    type Answer = RunsAnswer;

    async fn fetch(&self, s: &Services) -> Self::Answer {
        let got =
            futures_util::future::join_all(self.runs.iter().map(|(slug, id)| s.gh.run(slug, *id)))
                .await;
        let mut changed = false;
        let mut runs = Vec::new();
        for r in got {
            let f = r?;
            changed |= f.changed;
            runs.push(f.data);
        }
        Ok(Fetched {
            data: runs,
            changed,
        })
    }

    fn pace(&self, _: &Self::Answer, iv: &Intervals) -> Option<Duration> {
        Some(iv.jobs_active)
    }

    fn apply(self, state: &mut AppState, at: DateTime<Utc>, answer: Self::Answer) -> Vec<Effect> {
        let f = match answer {
            Ok(f) => f,
            Err(e) => {
                note_error(state, at, "followed runs", Some(e.to_string()));
                return Vec::new();
            }
        };
        let mut fx = Vec::new();
        for run in f.data {
            let repo = run.repo();
            if let Some(fl) = state
                .followed
                .iter_mut()
                .find(|x| x.run_id == run.id && repo.as_ref().is_none_or(|r| *r == x.repo))
            {
                fl.run = Some(run);
            }
        }
        let (done, going): (Vec<_>, Vec<_>) = state
            .followed
            .drain(..)
            .partition(|f| f.run.as_ref().is_some_and(|r| !r.status.is_active()));
        state.followed = going;
        for f in done {
            // Reported here, not again when the CI panel sees it finished.
            state.active_runs.retain(|id| *id != f.run_id);
            let ok = f.run.as_ref().and_then(|r| r.conclusion.clone()) == Some(Conclusion::Success);
            let verdict = if ok { "succeeded" } else { "failed" };
            let text = format!("{} {verdict}", f.what);
            state.toast(
                if ok {
                    format!("✓ {text}")
                } else {
                    format!("✗ {text}")
                },
                !ok,
            );
            let event = match (&f.environment, ok) {
                (Some(_), _) => crate::config::NotifyEvent::DeployFinished,
                (None, true) => crate::config::NotifyEvent::CiSucceeded,
                (None, false) => crate::config::NotifyEvent::CiFailed,
            };
            fx.push(Effect::Notify {
                event,
                title: format!("cockpit: {verdict}"),
                body: text,
            });
            fx.push(Effect::Refresh(vec![
                ResourceKind::Environments,
                ResourceKind::Runs,
            ]));
        }
        // The set shrank or stayed: asking for the same set again changes nothing.
        if state.followed.is_empty() {
            fx.push(Effect::Stop(ResourceKind::FollowedRuns));
        } else {
            fx.push(Effect::Poll(Resource::FollowedRuns(FollowedRuns::of(
                state,
            ))));
        }
        fx
    }
}
