//! The dashboard's lists from GitHub: issues, pull requests, environments.

use super::{Polled, ResourceKind};
use crate::app::effect::Effect;
use crate::app::pollers::{Intervals, Services};
use crate::app::sections;
use crate::app::state::{AppState, PanelId};
use crate::app::update::{new_review_requests, new_waiting_deploys, note_error, store, store_rows};
use crate::github::dashboard::{EnvRow, PullRow};
use crate::github::models::Issue;
use crate::github::search::{Found, SearchCount};
use crate::github::{ApiError, Fetched, Slug};
use chrono::{DateTime, Utc};
use std::time::Duration;

/// The visible Issues section: a search (with `is:issue` and the scope in `query`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Issues {
    pub query: String,
}

impl Polled for Issues {
    const KIND: ResourceKind = ResourceKind::Issues;
    const SEARCH: bool = true;
    type Answer = Result<Fetched<Found<Issue>>, ApiError>;

    async fn fetch(&self, s: &Services) -> Self::Answer {
        search_budget(s)?;
        s.gh.search_issues(&self.query).await
    }

    fn pace(&self, _: &Self::Answer, iv: &Intervals) -> Option<Duration> {
        Some(iv.issues)
    }

    fn apply(self, state: &mut AppState, at: DateTime<Utc>, answer: Self::Answer) -> Vec<Effect> {
        if sections::issues_query(state).as_deref() != Some(self.query.as_str()) {
            return Vec::new();
        }
        let (rows, count) = split(answer);
        if count.is_some() {
            state.issue_tabs.count = count;
        }
        let why = store(&mut state.issues, rows, at);
        state
            .issue_tabs
            .rows_arrived(&state.issues, sections::issue_repo);
        note_error(state, at, "issues", why);
        let len = state.panel_len(PanelId::Issues);
        state.cursor_mut(PanelId::Issues).clamp(len);
        Vec::new()
    }
}

/// The visible Pull requests section, with `login`'s role in each and their checks.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Pulls {
    pub query: String,
    pub login: String,
}

impl Polled for Pulls {
    const KIND: ResourceKind = ResourceKind::Pulls;
    const SEARCH: bool = true;
    type Answer = Result<Fetched<Found<PullRow>>, ApiError>;

    async fn fetch(&self, s: &Services) -> Self::Answer {
        search_budget(s)?;
        s.gh.search_pull_rows(&self.query, &self.login).await
    }

    fn pace(&self, _: &Self::Answer, iv: &Intervals) -> Option<Duration> {
        Some(iv.pulls)
    }

    fn apply(self, state: &mut AppState, at: DateTime<Utc>, answer: Self::Answer) -> Vec<Effect> {
        if sections::pulls_query(state).as_deref() != Some(self.query.as_str()) {
            return Vec::new();
        }
        let (rows, count) = split(answer);
        if count.is_some() {
            state.pull_tabs.count = count;
        }
        let why = store_rows(&mut state.pulls, rows, at);
        state
            .pull_tabs
            .rows_arrived(&state.pulls, sections::pull_repo);
        note_error(state, at, "pull requests", why);
        let len = state.panel_len(PanelId::Pulls);
        state.cursor_mut(PanelId::Pulls).clamp(len);
        let fx = new_review_requests(state);
        if let Some(n) = state.select_pull {
            let at_row = state
                .pulls
                .data
                .as_ref()
                .and_then(|v| v.iter().position(|p| p.pr.number == n));
            if let Some(i) = at_row {
                crate::app::selection::select_row(state, PanelId::Pulls, i);
                state.select_pull = None;
            }
        }
        fx
    }
}

/// A search answer as rows (what `store` takes) and what the search counted.
fn split<T>(
    answer: Result<Fetched<Found<T>>, ApiError>,
) -> (Result<Fetched<Vec<T>>, ApiError>, Option<SearchCount>) {
    match answer {
        Ok(f) => (
            Ok(Fetched {
                data: f.data.rows,
                changed: f.changed,
            }),
            Some(f.data.count),
        ),
        Err(e) => (Err(e), None),
    }
}

/// Refuses to search while the search budget is spent and its reset still ahead: switching
/// sections then shows the cached rows without spending a request GitHub would refuse.
fn search_budget(s: &Services) -> Result<(), ApiError> {
    match s.gh.search_rate_limit() {
        Some(rl) if rl.remaining == 0 && rl.reset > Utc::now() => Err(ApiError::RateLimited {
            reset: rl.reset,
            search: true,
        }),
        _ => Ok(()),
    }
}

/// Environments with their deployments, of every repository of the scope: faster while one
/// deploys or waits for approval.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Environments {
    pub repos: Vec<Slug>,
}

impl Polled for Environments {
    const KIND: ResourceKind = ResourceKind::Environments;
    type Answer = super::watched::PerRepo<EnvRow>;

    async fn fetch(&self, s: &Services) -> Self::Answer {
        let got =
            futures_util::future::join_all(self.repos.iter().map(|r| s.gh.environment_rows(r)))
                .await;
        self.repos.iter().cloned().zip(got).collect()
    }

    fn pace(&self, answer: &Self::Answer, iv: &Intervals) -> Option<Duration> {
        let busy = answer.iter().any(|(_, r)| {
            r.as_ref().is_ok_and(|f| {
                f.data
                    .iter()
                    .any(|e| !e.waiting.is_empty() || e.in_progress().is_some())
            })
        });
        Some(if busy {
            iv.environments_active
        } else {
            iv.environments_idle
        })
    }

    fn apply(self, state: &mut AppState, at: DateTime<Utc>, answer: Self::Answer) -> Vec<Effect> {
        if state.scope_repos() != self.repos {
            return Vec::new();
        }
        let (answer, failures) =
            super::watched::merge(state.envs.data.as_ref(), answer, |e| Some(e.repo.clone()));
        super::watched::note_failures(state, at, "deploys", failures);
        let why = store_rows(&mut state.envs, answer, at);
        note_error(state, at, "deploys", why);
        let fx = new_waiting_deploys(state);
        // Repositories in the scope's order, each one's environments in the config's order.
        let order = state.env_order.clone();
        let repos = self.repos;
        let rank = |e: &EnvRow| {
            (
                repos
                    .iter()
                    .position(|r| *r == e.repo)
                    .unwrap_or(usize::MAX),
                order
                    .iter()
                    .position(|o| *o == e.env.name)
                    .unwrap_or(usize::MAX),
            )
        };
        if let Some(envs) = state.envs.data.as_mut() {
            envs.sort_by_key(|e| rank(e));
        }
        let len = state.panel_len(PanelId::Deploys);
        state.cursor_mut(PanelId::Deploys).clamp(len);
        fx
    }
}
