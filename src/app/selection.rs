//! The row under each panel's cursor. Everything that acts on "the selected issue, branch,
//! pull request, run or environment" asks here, so the step from a cursor position to a row
//! of the data (which a `/` filter or a section changes) lives in one place.
//!
//! The cursor counts the rows the panel shows (`AppState::panel_len`); `row_index` maps it to
//! the data through the panel's filter.

use super::filter;
use super::state::{AppState, PanelId};
use crate::git::BranchInfo;
use crate::github::dashboard::{EnvRow, PullRow, Slug};
use crate::github::models::{Issue, WorkflowRun};

/// The index in the panel's data of the row under its cursor.
pub fn row_index(state: &AppState, panel: PanelId) -> Option<usize> {
    filter::visible(state, panel).index(state.cursor(panel).selected)
}

/// Puts the panel's cursor on the row at `index` of its data. A row the filter hides is
/// wanted on screen (a pull request cockpit just opened): the filter goes.
pub fn select_row(state: &mut AppState, panel: PanelId, index: usize) {
    let shown = filter::visible(state, panel).position(index);
    let at = match shown {
        Some(at) => at,
        None => {
            filter::clear(state, panel);
            index
        }
    };
    state.cursor_mut(panel).selected = at;
    state.filters[panel.index()].placed = true;
}

/// What identifies a row across refreshes: a number or id, and a URL or name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowKey(u64, String);

fn key_at(state: &AppState, panel: PanelId, index: usize) -> Option<(u64, &str)> {
    Some(match panel {
        PanelId::Issues => {
            let i = state.issues.data.as_ref()?.get(index)?;
            (i.number, i.html_url.as_str())
        }
        PanelId::Branches => {
            let b = state.branches.data.as_ref()?.branches.get(index)?;
            (0, b.name.as_str())
        }
        PanelId::Pulls => {
            let p = &state.pulls.data.as_ref()?.get(index)?.pr;
            (p.number, p.html_url.as_str())
        }
        PanelId::Ci => (state.runs.data.as_ref()?.get(index)?.id, ""),
        PanelId::Deploys => (0, state.envs.data.as_ref()?.get(index)?.env.name.as_str()),
    })
}

/// The selected row of every panel, before an `update` that may bring new data.
pub struct Held([Option<(filter::Stamp, RowKey)>; 5]);

pub fn hold(state: &AppState) -> Held {
    Held(PanelId::ALL.map(|p| {
        let index = row_index(state, p)?;
        let (n, name) = key_at(state, p, index)?;
        Some((filter::stamp(state, p)?, RowKey(n, name.to_string())))
    }))
}

/// After new data arrived: the cursor goes back to the row it was on, wherever that row now
/// is among the rows shown, unless the update put it somewhere on purpose.
pub fn restore(state: &mut AppState, held: Held) {
    for (p, held) in PanelId::ALL.into_iter().zip(held.0) {
        if std::mem::take(&mut state.filters[p.index()].placed) {
            continue;
        }
        let Some((stamp, RowKey(n, name))) = held else {
            continue;
        };
        // The user's own moves change no data: only new data re-places the cursor.
        if filter::stamp(state, p) == Some(stamp) {
            continue;
        }
        let still = row_index(state, p)
            .and_then(|i| key_at(state, p, i))
            .is_some_and(|k| k == (n, name.as_str()));
        if still {
            continue;
        }
        let shown = filter::visible(state, p);
        let found = (0..shown.len()).find(|at| {
            shown
                .index(*at)
                .and_then(|i| key_at(state, p, i))
                .is_some_and(|k| k == (n, name.as_str()))
        });
        let len = shown.len();
        drop(shown);
        if let Some(at) = found {
            state.cursor_mut(p).selected = at;
        }
        state.cursor_mut(p).clamp(len);
    }
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
