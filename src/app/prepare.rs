//! Reads that come before a change: which workflow deploys an environment and what it asks
//! for, the last good deployment to roll back to, whether a ref is merged and green. Each
//! ends in a form or a confirmation for the user — or in a plain reason why not.

use super::effect::Prepare;
use super::modal::{Confirm, Field, Form, MergeChecked, Modal, OnYes, Purpose};
use super::mutation::{Mutation, SHA_INPUTS};
use super::pollers::Services;
use crate::github::actions::WorkflowInfo;
use crate::github::workflow_file::{DispatchInput, InputKind, WorkflowFile};
use crate::github::{ApiError, GitHub, Slug};
use crate::text::{sanitize_line, Name};
use crate::words::short_sha;
use chrono::{Duration, Utc};
use serde_json::{Map, Value};

/// Where an environment's deploy workflow is configured, if it is.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DeployTarget {
    pub workflow: String,
    pub inputs: Map<String, Value>,
}

fn file_name(path: &str) -> String {
    path.rsplit('/').next().unwrap_or(path).to_string()
}

fn err(e: ApiError) -> String {
    e.to_string()
}

pub async fn prepare(s: &Services, repo: Option<Slug>, p: Prepare) -> Result<Modal, String> {
    let slug = &repo.ok_or("No GitHub repository: nothing to act on")?;
    let gh = &s.gh;
    match p {
        Prepare::Deploy {
            environment,
            default_ref,
        } => {
            let (workflow, file, preset) = deploy_workflow(s, gh, slug, &environment).await?;
            let mut fields =
                vec![Field::text("ref", "Ref (branch, tag or sha)", &default_ref).required(true)];
            let names = environment_names(gh, slug).await;
            fields.extend(input_fields(
                &file.inputs,
                &preset,
                Some(&environment),
                &names,
            ));
            Ok(Modal::Form(Box::new(Form {
                title: format!("Deploy to {}", environment.shown()),
                intro: vec![format!("Runs {} with workflow_dispatch.", workflow.shown())],
                fields,
                focus: 0,
                error: None,
                purpose: Purpose::Deploy {
                    environment,
                    workflow,
                },
            })))
        }
        Prepare::CheckDeploy {
            environment,
            workflow,
            git_ref,
            inputs,
        } => {
            let default = match s.default_branch.lock().ok().and_then(|d| d.clone()) {
                Some(d) => d,
                None => gh.repository(slug).await.map_err(err)?.data.default_branch,
            };
            let mut warnings = Vec::new();
            match gh.compare(slug, &default, &git_ref).await {
                Ok(c) if c.head_is_contained() => {}
                Ok(c) => warnings.push(format!(
                    "{} is not merged into {}: {} that {} does not have.",
                    git_ref.shown(),
                    sanitize_line(&default),
                    crate::words::count(c.ahead_by, "commit"),
                    sanitize_line(&default)
                )),
                Err(ApiError::NotFound { .. }) => {
                    return Err(format!(
                        "Unknown ref {}: no branch, tag or commit of that name",
                        git_ref.shown()
                    ))
                }
                Err(e) => warnings.push(format!(
                    "Could not tell whether {} is merged: {e}",
                    git_ref.shown()
                )),
            }
            let checks = gh.checks_for(slug, &git_ref).await;
            match checks.map(|runs| crate::github::dashboard::ChecksRollup::from_runs(&runs)) {
                Ok(c) if c.failed > 0 => warnings.push(format!(
                    "CI is red for {}: {} failed.",
                    git_ref.shown(),
                    crate::words::count(c.failed as u64, "check")
                )),
                Ok(c) if c.pending > 0 => warnings.push(format!(
                    "CI is still running for {} ({} pending).",
                    git_ref.shown(),
                    c.pending
                )),
                Ok(c) if c.total() == 0 => {
                    warnings.push(format!("{} has no CI checks.", git_ref.shown()))
                }
                Ok(_) => {}
                Err(e) => warnings.push(format!(
                    "Could not read the checks of {}: {e}",
                    git_ref.shown()
                )),
            }
            if super::deploys::is_production(&environment) {
                warnings.push(format!(
                    "{} is a production environment.",
                    environment.shown()
                ));
            }
            let shown: Vec<String> = inputs
                .iter()
                .map(|(k, v)| format!("  {}: {}", sanitize_line(k), sanitize_line(&value_text(v))))
                .collect();
            let mut lines: Vec<String> = approval_note(gh, slug, &environment)
                .await
                .into_iter()
                .collect();
            lines.push(format!(
                "Deploy {} to {} with {}?",
                git_ref.shown(),
                environment.shown(),
                workflow.shown()
            ));
            lines.extend(shown);
            Ok(Modal::Confirm(Box::new(Confirm {
                title: format!("Deploy to {}", environment.shown()),
                lines,
                warnings,
                on_yes: OnYes::Mutate(Mutation::Dispatch {
                    what: format!("deploy {} to {}", git_ref.shown(), environment.shown()),
                    workflow,
                    git_ref,
                    inputs,
                    environment: Some(environment),
                }),
            })))
        }
        Prepare::Rollback { environment } => rollback(s, gh, slug, environment).await,
        Prepare::DispatchChoice { default_ref } => {
            let mut dispatchable = Vec::new();
            for wf in gh.workflows(slug).await.map_err(err)? {
                if wf
                    .state
                    .as_ref()
                    .is_some_and(|s| *s != crate::github::models::WorkflowState::Active)
                {
                    continue;
                }
                if let Ok(f) = gh.workflow_file(slug, &wf.path).await {
                    if f.dispatchable {
                        dispatchable.push(wf);
                    }
                }
            }
            match dispatchable.len() {
                0 => Err("No workflow in this repository can be run by hand (none has workflow_dispatch)".into()),
                1 => {
                    let wf = &dispatchable[0];
                    dispatch_form(gh, slug, wf, &default_ref).await
                }
                _ => Ok(Modal::Form(Box::new(Form {
                    title: "Run a workflow".into(),
                    intro: vec!["Workflows with workflow_dispatch:".into()],
                    fields: vec![
                        Field::choice("__workflow", "Workflow", dispatchable.iter().map(|w| file_name(&w.path)).collect(), 0),
                        Field::text("ref", "Ref", &default_ref).required(true),
                    ],
                    focus: 0,
                    error: None,
                    purpose: Purpose::Dispatch { workflow: String::new(), workflow_name: String::new() },
                }))),
            }
        }
        Prepare::Labels { number, current } => {
            let labels = gh.repo_labels(slug).await.map_err(err)?;
            if labels.is_empty() {
                return Err("This repository has no labels".into());
            }
            let fields = labels
                .iter()
                .map(|l| Field::toggle(&l.name, l.name.shown(), current.contains(&l.name)))
                .collect();
            Ok(Modal::Form(Box::new(Form {
                title: format!("Labels of #{number}"),
                intro: vec!["Space toggles a label; Enter applies.".into()],
                fields,
                focus: 0,
                error: None,
                purpose: Purpose::Labels { number, current },
            })))
        }
        Prepare::NewPull { head, issue } => {
            let base = match s.default_branch.lock().ok().and_then(|d| d.clone()) {
                Some(d) => d,
                None => gh.repository(slug).await.map_err(err)?.data.default_branch,
            };
            let (title, body) = match issue {
                Some(n) => match gh.issue(slug, n).await {
                    Ok(f) if f.data.pull_request.is_none() => {
                        (f.data.title.into_string(), format!("\n\nCloses #{n}"))
                    }
                    _ => (head.replace('-', " "), String::new()),
                },
                None => (head.replace('-', " "), String::new()),
            };
            Ok(Modal::Form(Box::new(Form {
                title: format!("Open a pull request from {}", sanitize_line(&head)),
                intro: vec!["Ctrl-S opens it; the body ends with the issue it closes.".into()],
                fields: vec![
                    Field::text("title", "Title", &sanitize_line(&title)).required(true),
                    Field::multiline("body", "Body", &body, "what and why"),
                    Field::text("base", "Base", &base).required(true),
                    Field::toggle("draft", "Draft", false),
                ],
                focus: 0,
                error: None,
                purpose: Purpose::NewPull { head, issue },
            })))
        }
        Prepare::Merge { number } => {
            let (detail, methods) =
                tokio::join!(gh.pull_detail(slug, number), gh.merge_methods(slug));
            let detail = detail.map_err(err)?;
            let rules = gh.branch_requirements(slug, &detail.pr.base.ref_name).await;
            let blockers = crate::github::pr_actions::merge_blockers(&rules, &detail);
            let allowed = methods.map_err(err)?.allowed();
            if allowed.is_empty() {
                return Err("This repository allows no merge method".into());
            }
            let pr = &detail.pr;
            if pr.merged_at.is_some() || pr.state == crate::github::models::IssueState::Closed {
                return Err(format!(
                    "#{number} is already {}",
                    if pr.merged_at.is_some() {
                        "merged"
                    } else {
                        "closed"
                    }
                ));
            }
            let checks = crate::github::dashboard::ChecksRollup::from_runs(&detail.checks);
            let decision = crate::github::dashboard::ReviewDecision::from_reviews(
                &detail.reviews,
                &pr.requested_reviewers,
            );
            let mut warnings = Vec::new();
            if checks.failed > 0 {
                warnings.push(format!(
                    "{} failed.",
                    crate::words::count(checks.failed as u64, "check")
                ));
            }
            if checks.pending > 0 {
                warnings.push(format!(
                    "{} still running.",
                    crate::words::count(checks.pending as u64, "check")
                ));
            }
            if decision == crate::github::dashboard::ReviewDecision::ChangesRequested {
                warnings.push("A reviewer requested changes.".into());
            }
            if let Some(state) = pr.mergeable_state.as_ref().filter(|m| {
                use crate::github::models::MergeableState as M;
                matches!(m, M::Dirty | M::Blocked | M::Behind)
            }) {
                warnings.push(format!("GitHub says the merge is {}.", state.as_str()));
            }
            // Why, from the base branch's rules: the required checks and reviews by name.
            for b in blockers {
                if !warnings.contains(&b) {
                    warnings.push(b);
                }
            }
            let summary = vec![
                format!(
                    "checks: {} passed, {} failed, {} running",
                    checks.passed, checks.failed, checks.pending
                ),
                format!(
                    "review: {}",
                    match decision {
                        crate::github::dashboard::ReviewDecision::Approved => "approved",
                        crate::github::dashboard::ReviewDecision::ChangesRequested =>
                            "changes requested",
                        crate::github::dashboard::ReviewDecision::ReviewRequired =>
                            "review required",
                        crate::github::dashboard::ReviewDecision::None => "no reviews",
                    }
                ),
            ];
            let mut intro = vec![pr.title.to_string()];
            intro.extend(summary.iter().cloned());
            Ok(Modal::Form(Box::new(Form {
                title: format!("Merge #{number}"),
                intro,
                fields: vec![
                    Field::choice(
                        "method",
                        "Method",
                        allowed.iter().map(|m| m.as_str().to_string()).collect(),
                        0,
                    ),
                    Field::toggle("delete_branch", "Delete branch after", true),
                ],
                focus: 0,
                error: None,
                purpose: Purpose::Merge(MergeChecked {
                    number,
                    head_sha: pr.head.sha.clone(),
                    head_ref: pr.head.ref_name.clone(),
                    summary,
                    warnings,
                }),
            })))
        }
        Prepare::NewIssue { draft } => {
            let (labels, users) = tokio::join!(gh.repo_labels(slug), gh.assignable_users(slug));
            let labels = labels.map(|v| v.into_iter().map(|l| l.name).collect());
            let users = users.map(|v| v.into_iter().map(|u| u.login).collect());
            Ok(Modal::Form(Box::new(super::new_issue::form(
                slug,
                draft,
                labels.map_err(err),
                users.map_err(err),
            ))))
        }
        Prepare::DispatchInputs {
            workflow,
            default_ref,
            ..
        } => {
            let all = gh.workflows(slug).await.map_err(err)?;
            let wf = all
                .iter()
                .find(|w| file_name(&w.path) == workflow)
                .ok_or_else(|| format!("Workflow {} is gone", sanitize_line(&workflow)))?;
            dispatch_form(gh, slug, wf, &default_ref).await
        }
    }
}

fn value_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

async fn dispatch_form(
    gh: &GitHub,
    slug: &Slug,
    wf: &WorkflowInfo,
    default_ref: &str,
) -> Result<Modal, String> {
    let file = gh.workflow_file(slug, &wf.path).await.map_err(err)?;
    if !file.dispatchable {
        return Err(format!(
            "{} has no workflow_dispatch trigger: it cannot be run by hand",
            wf.name
        ));
    }
    let mut fields = vec![Field::text("ref", "Ref", default_ref).required(true)];
    let names = environment_names(gh, slug).await;
    fields.extend(input_fields(&file.inputs, &Map::new(), None, &names));
    Ok(Modal::Form(Box::new(Form {
        title: format!("Run {}", wf.name),
        intro: vec![format!(
            "{} · Ctrl-S or Enter runs it, Esc cancels",
            wf.path.shown()
        )],
        fields,
        focus: 0,
        error: None,
        purpose: Purpose::Dispatch {
            workflow: file_name(&wf.path),
            workflow_name: wf.name.clone().into_string(),
        },
    })))
}

/// Form fields for a workflow's inputs; `preset` (from the config) wins over the file's
/// defaults, and an environment input is filled with the environment being deployed.
fn input_fields(
    inputs: &[DispatchInput],
    preset: &Map<String, Value>,
    environment: Option<&str>,
    environments: &[String],
) -> Vec<Field> {
    inputs
        .iter()
        .map(|i| {
            let preset_value = preset.get(&i.name).map(value_text);
            let is_env_input =
                i.kind == InputKind::Environment || i.name.eq_ignore_ascii_case("environment");
            let initial = preset_value
                .or_else(|| {
                    if is_env_input {
                        environment.map(str::to_string)
                    } else {
                        None
                    }
                })
                .or_else(|| i.default.clone())
                .unwrap_or_default();
            let label = sanitize_line(&i.name);
            let field = match &i.kind {
                InputKind::Choice(options) => {
                    let at = options.iter().position(|o| *o == initial).unwrap_or(0);
                    Field::choice(
                        &i.name,
                        &label,
                        // The chosen option is sent as it is; the form draws it made safe.
                        options.clone(),
                        at,
                    )
                }
                InputKind::Boolean => Field::toggle(&i.name, &label, initial == "true"),
                // An environment input offers the repository's environments.
                InputKind::Environment if !environments.is_empty() => {
                    let at = environments.iter().position(|e| *e == initial).unwrap_or(0);
                    Field::choice(&i.name, &label, environments.to_vec(), at)
                }
                _ => Field::text(&i.name, &label, &initial),
            };
            field
                .required(i.required)
                .help(i.description.as_deref().map(sanitize_line))
        })
        .collect()
}

/// The workflow that deploys `environment`: the config's choice, else the first workflow
/// with `workflow_dispatch` that takes an environment input.
async fn deploy_workflow(
    s: &Services,
    gh: &GitHub,
    slug: &Slug,
    environment: &str,
) -> Result<(Name, WorkflowFile, Map<String, Value>), String> {
    let workflows = gh.workflows(slug).await.map_err(err)?;
    if let Some(target) = s.deploy_targets.get(environment) {
        let wf = workflows
            .iter()
            .find(|w| file_name(&w.path) == target.workflow || w.path == target.workflow)
            .ok_or_else(|| format!("The config names {} for {environment}, but the repository has no such workflow", sanitize_line(&target.workflow)))?;
        let file = gh.workflow_file(slug, &wf.path).await.map_err(err)?;
        if !file.dispatchable {
            return Err(format!(
                "{} has no workflow_dispatch trigger: cockpit cannot start it",
                wf.path.shown()
            ));
        }
        return Ok((Name::new(file_name(&wf.path)), file, target.inputs.clone()));
    }
    for wf in &workflows {
        let Ok(file) = gh.workflow_file(slug, &wf.path).await else {
            continue;
        };
        let takes_env = file.inputs.iter().any(|i| {
            i.kind == InputKind::Environment || i.name.eq_ignore_ascii_case("environment")
        });
        if file.dispatchable && takes_env {
            return Ok((Name::new(file_name(&wf.path)), file, Map::new()));
        }
    }
    Err(format!(
        "No workflow with workflow_dispatch deploys {env}: add [deploy.environments.{env}] workflow = \"deploy.yml\" to the config",
        env = sanitize_line(environment)
    ))
}

async fn rollback(
    s: &Services,
    gh: &GitHub,
    slug: &Slug,
    environment: Name,
) -> Result<Modal, String> {
    let history = gh
        .deployment_history(slug, &environment, Utc::now() - Duration::days(365))
        .await
        .map_err(err)?;
    let mut entries: Vec<_> = history
        .into_iter()
        .map(crate::github::dashboard::DeploymentEntry::from)
        .collect();
    entries.sort_by_key(|e| std::cmp::Reverse(e.deployment.created_at));
    let env = environment.shown();
    let live = entries
        .iter()
        .position(|e| e.state() == Some(&crate::github::models::DeploymentState::Success))
        .ok_or_else(|| {
            format!("{env} has no successful deployment, so there is nothing to roll back from")
        })?;
    let current = &entries[live];
    let previous = entries[live + 1..]
        .iter()
        .find(|e| {
            matches!(
                e.state(),
                Some(
                    crate::github::models::DeploymentState::Success
                        | crate::github::models::DeploymentState::Inactive
                )
            ) && e.deployment.sha != current.deployment.sha
        })
        .ok_or_else(|| format!("{env} has no earlier good deployment to roll back to"))?;
    let (workflow, file, mut inputs) = deploy_workflow(s, gh, slug, &environment).await?;
    for i in &file.inputs {
        let is_env = i.kind == InputKind::Environment || i.name.eq_ignore_ascii_case("environment");
        if is_env {
            inputs.insert(i.name.clone(), Value::String(environment.raw().into()));
        } else if !inputs.contains_key(&i.name) {
            if let Some(d) = &i.default {
                inputs.insert(
                    i.name.clone(),
                    match i.kind {
                        InputKind::Boolean => Value::Bool(d == "true"),
                        _ => Value::String(d.clone()),
                    },
                );
            }
        }
    }
    let prev_ref = previous.deployment.ref_name.clone();
    let prev_sha = previous.deployment.sha.clone();
    let sha_input = file
        .inputs
        .iter()
        .find(|i| SHA_INPUTS.contains(&i.name.to_ascii_lowercase().as_str()))
        .map(|i| i.name.clone());
    let is_branch = gh
        .get::<Value>(&format!(
            "{}/branches/{}",
            slug.api_path(),
            crate::github::paths::path_segment(&prev_ref)
        ))
        .await
        .is_ok();
    let dispatch_ref = match (&sha_input, is_branch) {
        (Some(name), _) => {
            inputs.insert(name.clone(), Value::String(prev_sha.clone()));
            prev_ref.clone()
        }
        // A tag (or anything that is not a moving branch) still names that exact commit.
        (None, false) => prev_ref.clone(),
        (None, true) => {
            return Err(format!(
                "The last good deployment of {env} was branch {}@{}; {} has no sha/version input, so redeploying the branch would not go back to that commit",
                prev_ref.shown(),
                short_sha(&prev_sha),
                workflow.shown()
            ))
        }
    };
    let who = previous
        .deployment
        .creator
        .as_ref()
        .map(|u| u.login.shown().as_str())
        .unwrap_or_default();
    let mut warnings = vec![format!(
        "Rolls {env} back from {}@{} to {}@{}.",
        current.deployment.ref_name.shown(),
        short_sha(&current.deployment.sha),
        prev_ref.shown(),
        short_sha(&prev_sha)
    )];
    if super::deploys::is_production(&environment) {
        warnings.push(format!("{env} is a production environment."));
    }
    let mut lines: Vec<String> = approval_note(gh, slug, &environment)
        .await
        .into_iter()
        .collect();
    lines.push(format!(
        "Redeploy {}@{} (deployed {} by {who}) with {}?",
        prev_ref.shown(),
        short_sha(&prev_sha),
        crate::text::ago(Utc::now(), previous.deployment.created_at),
        workflow.shown()
    ));
    Ok(Modal::Confirm(Box::new(Confirm {
        title: format!("Roll back {env}"),
        lines,
        warnings,
        on_yes: OnYes::Mutate(Mutation::Dispatch {
            what: format!(
                "roll back {env} to {}@{}",
                prev_ref.shown(),
                short_sha(&prev_sha)
            ),
            workflow,
            git_ref: dispatch_ref,
            inputs,
            environment: Some(environment),
        }),
    })))
}

/// What a deploy to `environment` waits for before it runs, from the environment's protection
/// rules: a confirmation must say that the run it starts will stop for an approval.
async fn approval_note(gh: &GitHub, slug: &Slug, environment: &str) -> Option<String> {
    let envs = gh.environments(slug).await.ok()?.data;
    approval_note_for(envs.iter().find(|e| e.name == environment)?)
}

pub fn approval_note_for(env: &crate::github::models::Environment) -> Option<String> {
    let mut reviewers: Vec<String> = Vec::new();
    let mut wait = 0;
    for rule in &env.protection_rules {
        match rule.kind {
            crate::github::models::ProtectionRuleKind::RequiredReviewers => reviewers.extend(
                rule.reviewers
                    .iter()
                    .map(|r| r.display_name().into_string()),
            ),
            crate::github::models::ProtectionRuleKind::WaitTimer => {
                wait = wait.max(rule.wait_timer.unwrap_or(0))
            }
            _ => {}
        }
    }
    reviewers.dedup();
    let name = env.name.shown();
    let timer = match wait {
        0 => String::new(),
        1 => " and a 1-minute wait timer".into(),
        n => format!(" and a {n}-minute wait timer"),
    };
    match (reviewers.is_empty(), wait) {
        (true, 0) => None,
        (true, _) => Some(format!(
            "{name} has{} before a deploy runs.",
            timer.trim_start_matches(" and")
        )),
        (false, _) => Some(format!(
            "{name} needs an approval from {}{timer}: the run waits (⏸ in Deploys) until then; a approves.",
            reviewers.join(" or ")
        )),
    }
}

/// The repository's environments, for environment inputs; none when they cannot be read (the
/// input then stays free text).
async fn environment_names(gh: &GitHub, slug: &Slug) -> Vec<String> {
    gh.environments(slug)
        .await
        .map(|f| f.data.into_iter().map(|e| e.name.into_raw()).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A choice is sent to GitHub as the workflow or the repository names it (an emoji's
    /// variation selector is part of the name); only the form's drawing makes it safe.
    #[test]
    fn choices_keep_the_names_github_knows() {
        let input = |name: &str, kind| DispatchInput {
            name: name.into(),
            description: None,
            required: true,
            default: None,
            kind,
        };
        let inputs = [
            input("target", InputKind::Environment),
            input(
                "mode",
                InputKind::Choice(vec!["\u{1f680}\u{fe0f} fast".into(), "slow".into()]),
            ),
        ];
        let environments = ["staging".to_string(), "prod\u{fe0f}".to_string()];
        let fields = input_fields(&inputs, &Map::new(), Some("prod\u{fe0f}"), &environments);
        let form = Form {
            title: String::new(),
            intro: Vec::new(),
            fields,
            focus: 0,
            error: None,
            purpose: Purpose::NewBranch,
        };
        let values = form.values();
        assert_eq!(values["target"], Value::String("prod\u{fe0f}".into()));
        assert_eq!(
            values["mode"],
            Value::String("\u{1f680}\u{fe0f} fast".into())
        );
    }
}
