//! The row under each panel's cursor. Everything that acts on "the selected issue, branch,
//! pull request, run or environment" asks here, so the step from a cursor position to a row
//! of the data (which a `/` filter or a section changes) lives in one place.

use super::state::{AppState, PanelId};
use crate::git::BranchInfo;
use crate::github::dashboard::{EnvRow, PullRow, Slug};
use crate::github::models::{Issue, WorkflowRun};

/// The index in the panel's data of the row under its cursor.
pub fn row_index(state: &AppState, panel: PanelId) -> Option<usize> {
    let at = state.cursor(panel).selected;
    (at < state.panel_len(panel)).then_some(at)
}

/// Puts the panel's cursor on the row at `index` of its data.
pub fn select_row(state: &mut AppState, panel: PanelId, index: usize) {
    state.cursor_mut(panel).selected = index;
}

pub fn issue(state: &AppState) -> Option<&Issue> {
    state
        .issues
        .data
        .as_ref()?
        .get(row_index(state, PanelId::Issues)?)
}

pub fn branch(state: &AppState) -> Option<&BranchInfo> {
    state
        .branches
        .data
        .as_ref()?
        .branches
        .get(row_index(state, PanelId::Branches)?)
}

pub fn pull(state: &AppState) -> Option<&PullRow> {
    state
        .pulls
        .data
        .as_ref()?
        .get(row_index(state, PanelId::Pulls)?)
}

pub fn run(state: &AppState) -> Option<&WorkflowRun> {
    state
        .runs
        .data
        .as_ref()?
        .get(row_index(state, PanelId::Ci)?)
}

pub fn env(state: &AppState) -> Option<&EnvRow> {
    state
        .envs
        .data
        .as_ref()?
        .get(row_index(state, PanelId::Deploys)?)
}

/// The repository of the row under the panel's cursor: the row's own when it names one (a
/// row from another watched repository), else the dashboard's.
pub fn repo(state: &AppState, panel: PanelId) -> Option<Slug> {
    let own = match panel {
        PanelId::Issues => issue(state).and_then(Issue::repo),
        PanelId::Ci => run(state).and_then(WorkflowRun::repo),
        PanelId::Deploys => env(state).map(|e| e.repo.clone()),
        PanelId::Pulls | PanelId::Branches => None,
    };
    own.or_else(|| state.ctx.repo.clone())
}

/// The repository an action started now acts on: the open detail's, else the selected row's
/// of the focused panel.
pub fn acting_repo(state: &AppState) -> Option<Slug> {
    match state.detail.as_ref().and_then(|d| d.repo()) {
        Some(r) => Some(r.clone()),
        None => repo(state, state.focus),
    }
}
