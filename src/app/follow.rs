//! Following what cockpit just sent to GitHub: after a push (or a merge), the runs GitHub
//! starts for that commit are found by `head_sha` as soon as they exist (polled fast, not at
//! the CI panel's idle pace), the newest is selected in the CI panel when it is there, and
//! each is followed so that its end rings the bell.

use chrono::{DateTime, Duration, Utc};

use super::effect::{Effect, Resource, ResourceKind};
use super::resource;
use super::state::{AppState, PanelId};
use crate::github::models::WorkflowRun;
use crate::github::{ApiError, Slug};

/// Longer than any queue GitHub keeps a push's runs in; past it, no workflow ran.
const GIVE_UP_AFTER: Duration = Duration::minutes(2);

/// A commit whose runs are awaited.
#[derive(Debug, Clone, PartialEq)]
pub struct Awaited {
    pub repo: Slug,
    pub sha: String,
    /// "the push of BRANCH", "the merge of #N", for the toasts.
    pub what: String,
    pub since: DateTime<Utc>,
}

/// Starts looking for the runs of `sha` (replacing an earlier wait).
pub fn await_runs(state: &mut AppState, repo: Slug, sha: String, what: String) -> Vec<Effect> {
    state.awaited = Some(Awaited {
        repo: repo.clone(),
        sha: sha.clone(),
        what,
        since: state.now,
    });
    vec![Effect::Poll(Resource::CommitRuns(resource::CommitRuns {
        repo,
        sha,
    }))]
}

/// The answer for the awaited commit's runs.
pub fn commit_runs(
    state: &mut AppState,
    sha: &str,
    at: DateTime<Utc>,
    result: Result<Vec<WorkflowRun>, ApiError>,
) -> Vec<Effect> {
    let Some(awaited) = state.awaited.clone().filter(|a| a.sha == sha) else {
        return vec![Effect::Stop(ResourceKind::CommitRuns)];
    };
    // On an error the poller retries with backoff; the wait gives up on time as usual.
    let runs = result.unwrap_or_default();
    if runs.is_empty() {
        if at - awaited.since > GIVE_UP_AFTER {
            state.awaited = None;
            state.toast(
                format!("No workflow run started for {}", awaited.what),
                false,
            );
            return vec![Effect::Stop(ResourceKind::CommitRuns)];
        }
        return Vec::new();
    }
    state.awaited = None;
    let mut fx = vec![Effect::Stop(ResourceKind::CommitRuns)];
    // Newest first: that one is selected in the CI panel.
    state.select_run = runs.first().map(|r| r.id);
    for r in &runs {
        let name = r.name.as_deref().unwrap_or("workflow");
        let what = format!("{name} #{} for {}", r.run_number, awaited.what);
        let repo = awaited.repo.clone();
        fx.extend(super::deploys::follow(state, repo, r.id, what, None, None));
    }
    select_run(state);
    fx.push(Effect::Refresh(vec![ResourceKind::Runs]));
    fx
}

/// Selects the awaited run in the CI panel once the panel lists it.
pub fn select_run(state: &mut AppState) {
    if let Some(id) = state.select_run {
        let row = state
            .runs
            .data
            .as_ref()
            .and_then(|runs| runs.iter().position(|r| r.id == id));
        if let Some(i) = row {
            super::selection::select_row(state, PanelId::Ci, i);
            state.select_run = None;
        }
        return;
    }
    // The CI list may show the awaited commit's run before the look-up by commit answers:
    // the run the user is waiting for is selected the moment it is on screen.
    let Some(sha) = state.awaited.as_ref().map(|a| a.sha.clone()) else {
        return;
    };
    let row = state
        .runs
        .data
        .as_ref()
        .and_then(|runs| runs.iter().position(|r| r.head_sha == sha));
    if let Some(i) = row {
        super::selection::select_row(state, PanelId::Ci, i);
    }
}
