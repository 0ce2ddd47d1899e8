//! The dashboard's lists from GitHub: issues, pull requests, environments.

use super::{no_repo, Polled, ResourceKind};
use crate::app::effect::Effect;
use crate::app::pollers::{Intervals, Services};
use crate::app::state::{AppState, PanelId};
use crate::app::update::{new_review_requests, new_waiting_deploys, note_error, store, store_rows};
use crate::github::dashboard::{EnvRow, PullRow};
use crate::github::models::Issue;
use crate::github::{ApiError, Fetched, Slug};
use chrono::{DateTime, Utc};
use std::time::Duration;

/// Issues assigned to `login`, in this repository or in all of them.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Issues {
    pub all_repos: bool,
    pub login: String,
}

impl Polled for Issues {
    const KIND: ResourceKind = ResourceKind::Issues;
    type Answer = Result<Fetched<Vec<Issue>>, ApiError>;

    async fn fetch(&self, s: &Services) -> Self::Answer {
        if self.all_repos {
            return s.gh.assigned_issues_everywhere().await;
        }
        match s.slug.as_ref() {
            Some(slug) => s.gh.assigned_issues(slug, &self.login).await,
            None => Err(no_repo()),
        }
    }

    fn pace(&self, _: &Self::Answer, iv: &Intervals) -> Option<Duration> {
        Some(iv.issues)
    }

    fn apply(self, state: &mut AppState, at: DateTime<Utc>, answer: Self::Answer) -> Vec<Effect> {
        if self.all_repos != state.issues_all_repos {
            return Vec::new();
        }
        let why = store(&mut state.issues, answer, at);
        note_error(state, at, "issues", why);
        let len = state.panel_len(PanelId::Issues);
        state.cursor_mut(PanelId::Issues).clamp(len);
        Vec::new()
    }
}

/// Pull requests with what `login` is asked to review.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Pulls {
    pub login: String,
}

impl Polled for Pulls {
    const KIND: ResourceKind = ResourceKind::Pulls;
    type Answer = Result<Fetched<Vec<PullRow>>, ApiError>;

    async fn fetch(&self, s: &Services) -> Self::Answer {
        match s.slug.as_ref() {
            Some(slug) => s.gh.pull_rows(slug, &self.login).await,
            None => Err(no_repo()),
        }
    }

    fn pace(&self, _: &Self::Answer, iv: &Intervals) -> Option<Duration> {
        Some(iv.pulls)
    }

    fn apply(self, state: &mut AppState, at: DateTime<Utc>, answer: Self::Answer) -> Vec<Effect> {
        let why = store_rows(&mut state.pulls, answer, at);
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
