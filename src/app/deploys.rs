//! The update side of acting on deploys and CI runs: from a key to a form or a confirmation,
//! and from a confirmation to a mutation. Pure, like the rest of `update`.

use super::effect::{Effect, Prepare, Resource};
use super::modal::{Confirm, Form, Modal, OnYes, Purpose, WaitingDeploy};
use super::mutation::Mutation;
use super::resource;
use super::state::{AppState, Detail, Followed};
use crate::github::dashboard::EnvRow;
use crate::github::models::WorkflowRun;
use crate::github::partial::Part;
use crate::text::{sanitize_line, Name};
use crate::words::short_sha;

fn selected_env(state: &AppState) -> Option<&EnvRow> {
    match &state.detail {
        Some(Detail::Environment { repo, name, .. }) => state
            .envs
            .data
            .as_ref()?
            .iter()
            .find(|e| e.env.name == *name && e.repo == *repo),
        _ => super::selection::env(state),
    }
}

fn reviewers(row: &EnvRow) -> String {
    let mut names: Vec<String> = row
        .env
        .protection_rules
        .iter()
        .flat_map(|r| r.reviewers.iter().map(|x| x.display_name().into_string()))
        .collect();
    names.dedup();
    if names.is_empty() {
        "nobody is listed".into()
    } else {
        names.join(", ")
    }
}

/// `a` / `A` on an environment with a run waiting for approval.
pub fn review(state: &mut AppState, approve: bool) -> Vec<Effect> {
    let verb = if approve { "approve" } else { "reject" };
    let Some(row) = selected_env(state) else {
        state.toast("Select an environment in the Deploys panel first", true);
        return Vec::new();
    };
    let name = row.env.name.shown();
    let Some((run, pending)) = row.waiting.first() else {
        let text = match row.gaps.get(Part::Approvals) {
            Some(u) => format!("Cannot tell what waits for approval to {name}: {}", u.why),
            None => format!("Nothing is waiting for approval to {name}"),
        };
        state.toast(text, true);
        return Vec::new();
    };
    if !pending.current_user_can_approve {
        let who = reviewers(row);
        state.toast(
            format!("You cannot {verb} deploys to {name}: the reviewers are {who}"),
            true,
        );
        return Vec::new();
    }
    let (run, pending) = (run.clone(), pending.clone());
    review_form(state, approve, &run, &pending);
    Vec::new()
}

/// The review form for `run` waiting on `pending` (in `state.acting_repo`): from the Deploys
/// panel and from the approval queue alike.
pub fn review_form(
    state: &mut AppState,
    approve: bool,
    run: &WorkflowRun,
    pending: &crate::github::models::PendingDeployment,
) {
    let name = format!("{}{}", pending.environment.name.shown(), elsewhere(state));
    let (what, about) = waiting_target(state, run);
    let form = Form {
        title: format!(
            "{} deploy to {name}",
            if approve { "Approve" } else { "Reject" }
        ),
        intro: vec![
            format!(
                "Run #{} {} deploys {what} to {name}.",
                run.run_number,
                run_title(run),
            ),
            about,
            "GitHub records the comment with the review.".into(),
        ],
        fields: vec![super::modal::Field::multiline(
            "comment",
            "Comment",
            "",
            "why (optional)",
        )],
        focus: 0,
        error: None,
        purpose: Purpose::ReviewDeployment(WaitingDeploy {
            approve,
            run_id: run.id,
            run_number: run.run_number,
            environment_id: pending.environment.id,
            environment: pending.environment.name.clone(),
            git_ref: what,
        }),
    };
    state.open_modal(Modal::Form(Box::new(form)));
}

/// ` in OWNER/NAME` when the interaction is about another repository than the current one.
fn elsewhere(state: &AppState) -> String {
    state
        .acting_repo
        .as_ref()
        .filter(|r| Some(*r) != state.ctx.repo.as_ref())
        .map(|r| format!(" in {}", r.full_name()))
        .unwrap_or_default()
}

/// What a run waiting for approval will deploy, and how cockpit knows. A deploy cockpit
/// started with a pinned commit (a rollback) ships that commit, not the branch head the run
/// itself is on; for any other run the branch head is all GitHub tells (it does not show a
/// run's inputs).
pub fn waiting_target(state: &AppState, run: &WorkflowRun) -> (String, String) {
    let on = format!(
        "{}@{}",
        run.head_branch.as_ref().map_or("", |b| b.shown().as_str()),
        short_sha(&run.head_sha)
    );
    let pinned = state
        .followed
        .iter()
        .find(|f| f.run_id == run.id)
        .and_then(|f| f.target.clone());
    match pinned {
        Some(target) => (
            target,
            format!("cockpit started it pinned to that commit (the run itself is on {on})."),
        ),
        None => {
            let who = run
                .actor
                .as_ref()
                .map(|u| format!(" by @{}", u.login.shown()))
                .unwrap_or_default();
            (on, format!("Started{who}; J shows its jobs."))
        }
    }
}

fn run_title(run: &WorkflowRun) -> String {
    let name = run.name.as_deref().unwrap_or("workflow");
    match run.display_title.as_deref() {
        Some(t) if !t.is_empty() && t != name => format!("({name}: {t})"),
        _ => format!("({name})"),
    }
}

/// The ref a deploy or a dispatch form proposes: the checked-out branch when GitHub has it,
/// else the default branch (a branch that was never pushed, or whose remote branch is gone
/// after its merge, cannot be run on GitHub).
fn proposed_ref(state: &AppState) -> String {
    let on_github = match state.branches.data.as_ref() {
        // A detached HEAD has no branch to run a workflow on (dispatch takes a branch or tag).
        Some(snap) => snap
            .branches
            .iter()
            .find(|b| b.is_head)
            .is_some_and(|b| b.upstream.is_some() && !b.upstream_gone),
        // Not read yet: the CI panel's branch is the best guess.
        None => true,
    };
    state
        .ci_branch
        .clone()
        .filter(|_| on_github)
        .or_else(|| state.default_branch.clone())
        .unwrap_or_else(|| "main".into())
}

pub fn deploy(state: &mut AppState) -> Vec<Effect> {
    let Some(row) = selected_env(state) else {
        state.toast("Select an environment in the Deploys panel first", true);
        return Vec::new();
    };
    let default_ref = proposed_ref(state);
    vec![state.prepare(Prepare::Deploy {
        environment: row.env.name.clone(),
        default_ref,
    })]
}

pub fn rollback(state: &mut AppState) -> Vec<Effect> {
    let Some(row) = selected_env(state) else {
        state.toast("Select an environment in the Deploys panel first", true);
        return Vec::new();
    };
    if row.history.is_empty() {
        state.toast(
            format!(
                "{} has no deployment history to roll back to",
                row.env.name.shown()
            ),
            true,
        );
        return Vec::new();
    }
    vec![state.prepare(Prepare::Rollback {
        environment: row.env.name.clone(),
    })]
}

fn selected_run(state: &AppState) -> Option<&WorkflowRun> {
    if let Some(Detail::Run { data, .. }) = &state.detail {
        return data.data.as_ref().map(|(run, _)| run);
    }
    super::selection::run(state)
}

/// A CI action on the selected run (the open run's in its detail): refused with the reason
/// `refusal` gives, else asked with the confirmation `confirm` builds.
fn ask_about_run(
    state: &mut AppState,
    refusal: impl Fn(&WorkflowRun) -> Option<String>,
    confirm: impl Fn(&WorkflowRun, &AppState) -> Confirm,
) -> Vec<Effect> {
    let Some(run) = selected_run(state) else {
        state.toast("Select a run in the CI panel first", true);
        return Vec::new();
    };
    let asked = match refusal(run) {
        Some(why) => Err(why),
        None => Ok(confirm(run, state)),
    };
    match asked {
        Ok(c) => state.open_modal(Modal::Confirm(Box::new(c))),
        Err(why) => state.toast(why, true),
    }
    Vec::new()
}

pub fn rerun(state: &mut AppState, only_failed: bool) -> Vec<Effect> {
    let what = if only_failed {
        "Re-run the failed jobs of"
    } else {
        "Re-run every job of"
    };
    ask_about_run(
        state,
        |run| {
            run.status.is_active().then(|| {
                format!(
                    "Run #{} is still running: cancel it first or wait",
                    run.run_number
                )
            })
        },
        |run, _| Confirm {
            title: "Re-run".into(),
            lines: vec![format!(
                "{what} run #{} {}?",
                run.run_number,
                run_title(run)
            )],
            warnings: Vec::new(),
            on_yes: OnYes::Mutate(Mutation::Rerun {
                run_id: run.id,
                run_number: run.run_number,
                only_failed,
            }),
        },
    )
}

pub fn cancel(state: &mut AppState) -> Vec<Effect> {
    ask_about_run(
        state,
        |run| {
            (!run.status.is_active())
                .then(|| format!("Run #{} has already finished", run.run_number))
        },
        |run, _| Confirm {
            title: "Cancel run".into(),
            lines: vec![format!(
                "Cancel run #{} {}?",
                run.run_number,
                run_title(run)
            )],
            warnings: Vec::new(),
            on_yes: OnYes::Mutate(Mutation::Cancel {
                run_id: run.id,
                run_number: run.run_number,
            }),
        },
    )
}

/// `a` in CI: a fork's run that waits for a maintainer's approval starts once approved.
pub fn approve_run(state: &mut AppState) -> Vec<Effect> {
    ask_about_run(
        state,
        |run| {
            (!run.waits_for_approval()).then(|| {
                format!(
                    "Run #{} does not wait for approval (only a fork's pull request runs do)",
                    run.run_number
                )
            })
        },
        |run, state| Confirm {
            title: "Approve run".into(),
            lines: vec![format!(
                "Approve run #{} {}{}{}? Its jobs start now.",
                run.run_number,
                run_title(run),
                run.actor
                    .as_ref()
                    .map(|u| format!(" by @{}", u.login.shown()))
                    .unwrap_or_default(),
                elsewhere(state)
            )],
            warnings: vec![
                "It runs the fork's code with this repository's runners: read the changes first."
                    .into(),
            ],
            on_yes: OnYes::Mutate(Mutation::ApproveRun {
                run_id: run.id,
                run_number: run.run_number,
            }),
        },
    )
}

pub fn dispatch(state: &mut AppState) -> Vec<Effect> {
    let default_ref = proposed_ref(state);
    vec![state.prepare(Prepare::DispatchChoice { default_ref })]
}

/// The approval form: its comment goes into a confirmation (with the production warning).
pub fn review_submitted(state: &mut AppState, waiting: WaitingDeploy, form: &Form) -> Vec<Effect> {
    let WaitingDeploy {
        approve,
        run_id,
        run_number,
        environment_id,
        environment,
        git_ref,
    } = waiting;
    let comment = form.value_str("comment");
    let verb = if approve { "Approve" } else { "Reject" };
    let mut warnings = Vec::new();
    if approve && is_production(&environment) {
        warnings.push(format!(
            "{} is a production environment.",
            environment.shown()
        ));
    }
    let confirm = Confirm {
        title: format!("{verb} deploy"),
        lines: vec![format!(
            "{verb} run #{run_number} deploying {git_ref} to {}{}?",
            environment.shown(),
            elsewhere(state)
        )],
        warnings,
        on_yes: OnYes::Mutate(Mutation::ReviewDeployment {
            run_id,
            run_number,
            environment_id,
            environment,
            approve,
            comment,
        }),
    };
    state.open_modal(Modal::Confirm(Box::new(confirm)));
    Vec::new()
}

/// The deploy form: the ref is checked (merged? CI green?) before the confirmation.
pub fn deploy_submitted(
    state: &mut AppState,
    environment: Name,
    workflow: Name,
    form: &Form,
) -> Vec<Effect> {
    let git_ref = Name::new(form.value_str("ref").trim());
    let mut inputs = form.values();
    inputs.remove("ref");
    state.modal = None;
    state.toast(
        format!("Checking {} before deploying…", git_ref.shown()),
        false,
    );
    vec![state.prepare(Prepare::CheckDeploy {
        environment,
        workflow,
        git_ref,
        inputs,
    })]
}

/// The dispatch form, in two steps: the workflow chosen (its inputs are read next), then its
/// inputs filled in (a confirmation).
pub fn dispatch_submitted(
    state: &mut AppState,
    workflow: String,
    workflow_name: String,
    form: &Form,
) -> Vec<Effect> {
    if form.fields.iter().any(|f| f.key == "__workflow") {
        let chosen = form.value_str("__workflow");
        let default_ref = form.value_str("ref");
        state.modal = None;
        return vec![state.prepare(Prepare::DispatchInputs {
            workflow: chosen.clone(),
            workflow_name: chosen,
            default_ref,
        })];
    }
    let git_ref = Name::new(form.value_str("ref").trim());
    let mut inputs = form.values();
    inputs.remove("ref");
    let workflow_name = sanitize_line(&workflow_name);
    let confirm = Confirm {
        title: "Run workflow".into(),
        lines: vec![format!("Run {workflow_name} on {}?", git_ref.shown())],
        warnings: Vec::new(),
        on_yes: OnYes::Mutate(Mutation::Dispatch {
            workflow: Name::new(workflow),
            what: format!("{workflow_name} on {}", git_ref.shown()),
            git_ref,
            inputs,
            environment: None,
        }),
    };
    state.open_modal(Modal::Confirm(Box::new(confirm)));
    Vec::new()
}

pub fn is_production(environment: &str) -> bool {
    let e = environment.to_ascii_lowercase();
    e.starts_with("prod") || e == "live"
}

pub fn follow(
    state: &mut AppState,
    repo: crate::github::Slug,
    run_id: u64,
    what: String,
    environment: Option<Name>,
    target: Option<String>,
) -> Vec<Effect> {
    if !state
        .followed
        .iter()
        .any(|f| f.run_id == run_id && f.repo == repo)
    {
        state.followed.push(Followed {
            repo,
            run_id,
            what,
            environment,
            target,
            run: None,
        });
    }
    vec![Effect::Poll(Resource::FollowedRuns(
        resource::FollowedRuns::of(state),
    ))]
}

/// `J` on an environment: the jobs of the deploy cockpit is following there, else of the run
/// waiting for approval — the CI panel's run view, one key away.
pub fn show_run(state: &mut AppState) -> Vec<Effect> {
    let Some(row) = selected_env(state) else {
        return Vec::new();
    };
    let followed = state
        .followed
        .iter()
        .find(|f| f.environment.as_deref() == Some(row.env.name.as_str()))
        .map(|f| f.run_id);
    let Some(run_id) = followed.or_else(|| row.waiting.first().map(|(r, _)| r.id)) else {
        state.toast(
            format!("No deploy run is under way for {}", row.env.name.shown()),
            true,
        );
        return Vec::new();
    };
    let Some(repo) = state.acting_repo.clone() else {
        return Vec::new();
    };
    let mut fx = Vec::new();
    if let Some(Detail::Environment { .. }) = state.detail {
        fx.push(Effect::Stop(
            super::effect::ResourceKind::EnvironmentInsights,
        ));
    }
    state.detail = Some(Detail::run(repo.clone(), run_id));
    fx.push(Effect::Poll(Resource::Jobs(resource::Jobs {
        repo,
        run_id,
    })));
    fx
}

/// The environment whose deployments flow into `env`, from the names: a staging-like one
/// into a production-like one; otherwise none.
pub fn upstream_of(env: &str, names: &[&str]) -> Option<String> {
    if !is_production(env) {
        return None;
    }
    names
        .iter()
        .find(|n| {
            let l = n.to_ascii_lowercase();
            l.starts_with("stag") || l.starts_with("preprod") || l == "uat"
        })
        .map(|n| n.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_branch_github_does_not_have_is_not_proposed() {
        use crate::git::{BranchInfo, BranchSnapshot};
        let mut state = AppState::new(Default::default(), chrono::Utc::now(), (160, 45));
        state.ci_branch = Some("47-crash".into());
        state.default_branch = Some("main".into());
        let head = |upstream: Option<&str>, gone: bool| BranchSnapshot {
            branches: vec![BranchInfo {
                name: "47-crash".into(),
                is_head: true,
                sha: String::new(),
                upstream: upstream.map(Name::from),
                upstream_gone: gone,
                ahead: 0,
                behind: 0,
                summary: crate::text::Safe::default(),
                commit_time: chrono::Utc::now(),
                author: crate::text::Safe::default(),
                merged_into_default: false,
                issue: None,
                stale: false,
            }],
            status: Default::default(),
            default_branch: Some("main".into()),
            detached_at: None,
            operation: None,
        };
        state.branches.data = Some(head(Some("origin/47-crash"), false));
        assert_eq!(proposed_ref(&state), "47-crash");
        state.branches.data = Some(head(Some("origin/47-crash"), true));
        assert_eq!(proposed_ref(&state), "main", "gone on the remote");
        state.branches.data = Some(head(None, false));
        assert_eq!(proposed_ref(&state), "main", "never pushed");
    }

    #[test]
    fn staging_flows_into_production_only() {
        let names = ["staging", "production", "qa"];
        assert_eq!(
            upstream_of("production", &names).as_deref(),
            Some("staging")
        );
        assert_eq!(upstream_of("staging", &names), None);
        assert_eq!(upstream_of("production", &["production"]), None);
    }
}
