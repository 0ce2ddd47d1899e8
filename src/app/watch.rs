//! Watched repositories: the scope toggle (`W`), the pollers each scope needs, the approval
//! queue (`Q`) and its keys, and the refusal to change an archived repository. Pure, like the
//! rest of `update`.

use super::deploys;
use super::effect::{Effect, Resource, ResourceKind};
use super::keymap::{Action, Keymap};
use super::resource;
use super::state::{AppState, Detail, Loaded, PanelId, RepoHealth, Scope};
use crate::github::Slug;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// The CI and Deploys pollers for the current scope (Issues and Pull requests read
/// `state.scope` themselves).
pub fn panel_pollers(state: &AppState) -> Vec<Effect> {
    let repos = state.scope_repos();
    if repos.is_empty() {
        return Vec::new();
    }
    let mut fx = vec![Effect::Poll(Resource::Environments(
        resource::Environments {
            repos: repos.clone(),
        },
    ))];
    fx.push(match state.scope {
        Scope::Watched => Effect::Poll(Resource::WatchedRuns(resource::WatchedRuns { repos })),
        Scope::Here => here_runs(state),
    });
    fx
}

/// The CI panel's poller in this repository's scope: the runs of the detached commit, else of
/// the branch it follows.
pub fn here_runs(state: &AppState) -> Effect {
    match (state.ci_commit.clone(), state.ci_branch.clone()) {
        (Some(sha), _) => Effect::Poll(Resource::HeadRuns(resource::HeadRuns { sha })),
        (None, Some(branch)) => Effect::Poll(Resource::Runs(resource::Runs { branch })),
        (None, None) => Effect::Stop(ResourceKind::Runs),
    }
}

/// The approval queue's poller: every repository, whatever the scope (the status bar counts
/// what waits).
pub fn queue_poller(state: &AppState) -> Option<Effect> {
    let repos = state.all_repos();
    (!repos.is_empty() && state.ctx.has_token)
        .then(|| Effect::Poll(Resource::Approvals(resource::Approvals { repos })))
}

/// `W`: this repository / the watched ones too.
pub fn toggle_scope(state: &mut AppState) -> Vec<Effect> {
    if state.ctx.watched.is_empty() {
        state.toast(
            "No watched repositories: list them in the config, [repos] watch = [\"OWNER/NAME\"]",
            true,
        );
        return Vec::new();
    }
    let mut fx = Vec::new();
    if matches!(
        state.detail,
        Some(Detail::Run { .. } | Detail::Environment { .. } | Detail::Log(_))
    ) {
        fx.extend(super::update::close_detail(state));
    }
    state.scope = match state.scope {
        Scope::Here => Scope::Watched,
        Scope::Watched => Scope::Here,
    };
    for panel in [PanelId::Ci, PanelId::Deploys] {
        state.cursor_mut(panel).selected = 0;
    }
    state.runs = Loaded {
        loading: true,
        ..Loaded::default()
    };
    state.envs = Loaded {
        loading: true,
        ..Loaded::default()
    };
    fx.extend(panel_pollers(state));
    // The sections search the new scope.
    fx.extend(super::sections::scope_changed(state));
    let n = state.scope_repos().len();
    state.toast(
        match state.scope {
            Scope::Watched => format!("Showing {n} repositories (W: this one only)"),
            Scope::Here => "Showing this repository (W: the watched ones too)".into(),
        },
        false,
    );
    fx
}

/// The panel title's word for the scope: `3 repositories`, or `None` for this one.
pub fn scope_label(state: &AppState) -> Option<String> {
    (state.scope == Scope::Watched).then(|| format!("{} repositories", state.scope_repos().len()))
}

/// Notes about repositories GitHub says are archived or gone, for the status bar.
pub fn health_notes(state: &AppState) -> Vec<String> {
    state
        .repo_health
        .iter()
        .map(|(repo, h)| h.note(repo))
        .collect()
}

/// Refuses an action that would change an archived repository on GitHub (GitHub would
/// answer 403 after the form; the user learns it before). Local git work, and checking out a
/// pull request (a fetch), is not refused.
pub fn refuse_archived(state: &mut AppState, action: Action) -> bool {
    let local = matches!(
        action,
        Action::BranchFromIssue
            | Action::Checkout
            | Action::NewBranch
            | Action::DeleteBranch
            | Action::CheckoutPull
    );
    if !action.mutates() || local {
        return false;
    }
    let Some(repo) = state.acting_repo.clone() else {
        return false;
    };
    match state.health(&repo) {
        Some(RepoHealth::Archived) => {
            state.toast(
                format!(
                    "{} is archived: GitHub accepts no changes to it (\"{}\" refused)",
                    repo.full_name(),
                    action.describe()
                ),
                true,
            );
            true
        }
        Some(RepoHealth::Gone) => {
            state.toast(RepoHealth::Gone.note(&repo), true);
            true
        }
        None => false,
    }
}

/// `Q`: opens or closes the approval queue.
pub fn toggle_queue(state: &mut AppState) -> Vec<Effect> {
    state.queue.open = !state.queue.open;
    if state.queue.open {
        if state.queue.items.data.is_none() && state.queue.items.error.is_none() {
            state.queue.items.loading = true;
        }
        return vec![Effect::Refresh(vec![ResourceKind::Approvals])];
    }
    Vec::new()
}

/// The waiting deployment under the queue's cursor.
pub fn selected(state: &AppState) -> Option<&super::state::Approval> {
    state
        .queue
        .items
        .data
        .as_ref()?
        .get(state.queue.cursor.selected)
}

/// Keys while the queue is open: `a` / `A` are its own; the rest mean what the keymap says,
/// on the queue's own cursor (back or the queue's key close it, quit still quits).
pub fn key(state: &mut AppState, keymap: &Keymap, k: KeyEvent) -> Vec<Effect> {
    let plain = !k.modifiers.contains(KeyModifiers::CONTROL);
    match k.code {
        KeyCode::Char('a') if plain => return review(state, true),
        KeyCode::Char('A') if plain => return review(state, false),
        _ => {}
    }
    let page = (state.size.1 as isize / 2 - 4).max(1);
    let len = state.queue.items.data.as_ref().map_or(0, Vec::len);
    let cursor = &mut state.queue.cursor;
    match keymap.lookup_global(&k) {
        Some(Action::Back | Action::ApprovalQueue) => state.queue.open = false,
        Some(Action::Quit) => {
            state.should_quit = true;
            return vec![Effect::Quit];
        }
        Some(Action::Down) => cursor.move_by(1, len),
        Some(Action::Up) => cursor.move_by(-1, len),
        Some(Action::PageDown) => cursor.move_by(page, len),
        Some(Action::PageUp) => cursor.move_by(-page, len),
        Some(Action::Top) => cursor.selected = 0,
        Some(Action::Bottom) => cursor.move_by(isize::MAX / 2, len),
        Some(Action::Refresh) => return vec![Effect::Refresh(vec![ResourceKind::Approvals])],
        Some(Action::OpenInBrowser) => {
            if let Some(url) = selected(state)
                .map(|a| a.run.html_url.clone())
                .filter(|u| u.starts_with("https://") || u.starts_with("http://"))
            {
                return vec![Effect::OpenUrl(url)];
            }
        }
        Some(Action::Open) => return open_run(state),
        _ => {}
    }
    Vec::new()
}

/// `a` / `A` in the queue: the same form and confirmation as in the Deploys panel, for the
/// selected deployment's own repository.
fn review(state: &mut AppState, approve: bool) -> Vec<Effect> {
    if state.ctx.readonly {
        let what = if approve { "approve" } else { "reject" };
        state.toast(
            format!("Read-only mode (--readonly): cannot {what} a deployment"),
            true,
        );
        return Vec::new();
    }
    let Some(item) = selected(state).cloned() else {
        state.toast("Nothing waits for your approval", true);
        return Vec::new();
    };
    state.acting_repo = Some(item.repo.clone());
    if refuse_archived(
        state,
        if approve {
            Action::Approve
        } else {
            Action::Reject
        },
    ) {
        return Vec::new();
    }
    deploys::review_form(state, approve, &item.run, &item.pending);
    Vec::new()
}

/// Enter in the queue: the waiting run's jobs, in its repository.
fn open_run(state: &mut AppState) -> Vec<Effect> {
    let Some(item) = selected(state).cloned() else {
        return Vec::new();
    };
    state.queue.open = false;
    let mut fx = super::update::close_detail(state);
    state.focus = PanelId::Deploys;
    state.detail = Some(Detail::run(item.repo.clone(), item.run.id));
    fx.push(Effect::Poll(Resource::Jobs(resource::Jobs {
        repo: item.repo,
        run_id: item.run.id,
    })));
    fx
}

/// Whether `repo` is watched with a local clone.
pub fn clone_of(state: &AppState, repo: &Slug) -> Option<std::path::PathBuf> {
    state
        .ctx
        .watched
        .iter()
        .find(|w| w.slug == *repo)
        .and_then(|w| w.path.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::state::Context;

    /// In an archived repository what changes GitHub is refused; git work in the clone,
    /// a pull request's checkout included (it only fetches), is not.
    #[test]
    fn an_archived_repository_refuses_only_changes_on_github() {
        let repo = Slug::parse("acme/legacy").expect("slug");
        let ctx = Context {
            repo: Some(repo.clone()),
            ..Context::default()
        };
        let mut state = AppState::new(ctx, chrono::Utc::now(), (120, 30));
        state.repo_health.push((repo.clone(), RepoHealth::Archived));
        state.acting_repo = Some(repo);
        for local in [Action::CheckoutPull, Action::Checkout, Action::DeleteBranch] {
            assert!(!refuse_archived(&mut state, local), "{local:?}");
        }
        for change in [Action::Merge, Action::Push, Action::Comment] {
            assert!(refuse_archived(&mut state, change), "{change:?}");
        }
    }
}
