//! Who is signed in, the repository, and the local clone's branches.

use super::{no_repo, Polled, ResourceKind};
use crate::app::effect::Effect;
use crate::app::pollers::{Intervals, Services};
use crate::app::state::{AppState, Loaded, PanelId};
use crate::app::update::note_error;
use crate::git::BranchSnapshot;
use crate::github::models;
use crate::github::ApiError;
use crate::github::Fetched;
use chrono::{DateTime, Utc};
use std::time::Duration;

/// The signed-in account: once, then the issue and pull pollers that need its login.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct User;

impl Polled for User {
    const KIND: ResourceKind = ResourceKind::User;
    type Answer = Result<Fetched<models::User>, ApiError>;

    async fn fetch(&self, s: &Services) -> Self::Answer {
        s.gh.me().await
    }

    fn pace(&self, _: &Self::Answer, _: &Intervals) -> Option<Duration> {
        None
    }

    fn apply(self, state: &mut AppState, at: DateTime<Utc>, answer: Self::Answer) -> Vec<Effect> {
        let mut fx = Vec::new();
        match answer {
            Ok(f) => {
                let login = f.data.login;
                state.user_error = None;
                if state.login.as_deref() != Some(login.as_str()) {
                    state.login = Some(login.raw().to_owned());
                    fx.extend(crate::app::sections::poll(
                        state,
                        &[PanelId::Issues, PanelId::Pulls],
                    ));
                }
            }
            Err(e) => {
                let why = e.to_string();
                state.user_error = Some(why.clone());
                if state.issues.data.is_none() {
                    state.issues.error = Some(why.as_str().into());
                }
                if state.pulls.data.is_none() {
                    state.pulls.error = Some(why.as_str().into());
                }
                state.last_error = Some((at, format!("account: {why}")));
            }
        }
        fx
    }
}

/// The repository: once, for its default branch.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Repo;

impl Polled for Repo {
    const KIND: ResourceKind = ResourceKind::Repo;
    type Answer = Result<Fetched<models::Repository>, ApiError>;

    async fn fetch(&self, s: &Services) -> Self::Answer {
        let Some(slug) = s.slug.as_ref() else {
            return Err(no_repo());
        };
        let res = s.gh.repository(slug).await;
        if let (Ok(f), Ok(mut d)) = (&res, s.default_branch.lock()) {
            *d = Some(f.data.default_branch.clone());
        }
        res
    }

    fn pace(&self, _: &Self::Answer, _: &Intervals) -> Option<Duration> {
        None
    }

    fn apply(self, state: &mut AppState, at: DateTime<Utc>, answer: Self::Answer) -> Vec<Effect> {
        let mut fx = Vec::new();
        match answer {
            Ok(f) => {
                state.default_branch = Some(f.data.default_branch.clone());
                // With a local clone the CI panel follows its HEAD (a branch, or a detached
                // commit the branch snapshot reports); only without one the default branch.
                if state.ci_branch.is_none() && !state.ctx.has_local_repo {
                    state.ci_branch = Some(f.data.default_branch.clone());
                    fx.extend(here_runs(state));
                }
            }
            Err(e) => note_error(state, at, "repository", Some(e.to_string())),
        }
        fx
    }
}

/// The CI panel's runs of the branch (or detached commit) it follows, anew. In Watched scope
/// the panel lists every repository's newest runs instead, and the branch waits for `W`.
fn here_runs(state: &mut AppState) -> Vec<Effect> {
    if state.scope != crate::app::state::Scope::Here {
        return Vec::new();
    }
    state.runs = Loaded {
        loading: true,
        ..Loaded::default()
    };
    // Both callers have just set the branch or the commit: a poll, never a stop.
    vec![crate::app::watch::here_runs(state)]
}

/// The local clone's branches, read with git on a blocking thread.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Branches;

impl Polled for Branches {
    const KIND: ResourceKind = ResourceKind::Branches;
    type Answer = Result<BranchSnapshot, String>;

    async fn fetch(&self, s: &Services) -> Self::Answer {
        let Some(path) = s.repo_path.clone() else {
            return Err("no local repository".into());
        };
        let default = s.default_branch.lock().ok().and_then(|d| d.clone());
        let stale_days = s.stale_days;
        tokio::task::spawn_blocking(move || {
            crate::git::snapshot_with(&path, default.as_deref(), Some(stale_days))
        })
        .await
        .map_err(|e| format!("git task failed: {e}"))
        .and_then(|r| r.map_err(|e| e.to_string()))
    }

    fn pace(&self, _: &Self::Answer, iv: &Intervals) -> Option<Duration> {
        Some(iv.branches)
    }

    fn apply(self, state: &mut AppState, at: DateTime<Utc>, answer: Self::Answer) -> Vec<Effect> {
        let mut fx = Vec::new();
        match answer {
            Ok(snap) => {
                let head = snap
                    .branches
                    .iter()
                    .find(|b| b.is_head)
                    .map(|b| b.name.clone());
                let detached = snap.detached_at.clone();
                state.branches.data = Some(snap);
                state.branches.updated = Some(at);
                state.branches.error = None;
                state.branches.loading = false;
                let len = state.panel_len(PanelId::Branches);
                state.cursor_mut(PanelId::Branches).clamp(len);
                // The CI panel follows the checked-out branch, so a checkout elsewhere shows up;
                // on a detached HEAD, the runs of the checked-out commit.
                if let (Some(head), true) = (head, state.ctx.repo.is_some()) {
                    if state.ci_branch.as_deref() != Some(head.as_str())
                        || state.ci_commit.is_some()
                    {
                        state.ci_branch = Some(head.raw().to_owned());
                        state.ci_commit = None;
                        fx.extend(here_runs(state));
                    }
                } else if let (Some(sha), true) = (detached, state.ctx.repo.is_some()) {
                    if state.ci_commit.as_deref() != Some(sha.as_str()) {
                        state.ci_commit = Some(sha.clone());
                        state.ci_branch = None;
                        fx.extend(here_runs(state));
                    }
                }
            }
            Err(why) => {
                state.branches.loading = false;
                state.branches.error = Some(why.as_str().into());
                state.last_error = Some((at, format!("branches: {why}")));
            }
        }
        fx
    }
}
