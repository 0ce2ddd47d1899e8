//! Changes cockpit makes on GitHub. Every one goes through `update` (which refuses them in
//! `--readonly` mode and asks for confirmation first) and is performed here, off the UI path.

use super::effect::ResourceKind;
use crate::github::{ApiError, GitHub, Slug};
use serde_json::{Map, Value};

#[derive(Debug, Clone, PartialEq)]
pub enum Mutation {
    ReviewDeployment {
        run_id: u64,
        run_number: u64,
        environment_id: u64,
        environment: String,
        approve: bool,
        comment: String,
    },
    Dispatch {
        workflow: String,
        git_ref: String,
        inputs: Map<String, Value>,
        what: String,
        environment: Option<String>,
    },
    Rerun {
        run_id: u64,
        run_number: u64,
        only_failed: bool,
    },
    Cancel {
        run_id: u64,
        run_number: u64,
    },
}

/// What a finished mutation reports back.
#[derive(Debug, Clone, PartialEq)]
pub struct Done {
    pub message: String,
    /// A run it started, when the server said which.
    pub started_run: Option<u64>,
}

impl Mutation {
    /// Short description for progress and errors: "approve the deploy to production".
    pub fn describe(&self) -> String {
        match self {
            Mutation::ReviewDeployment {
                approve,
                environment,
                run_number,
                ..
            } => {
                format!(
                    "{} the deploy to {environment} (run #{run_number})",
                    if *approve { "approve" } else { "reject" }
                )
            }
            Mutation::Dispatch { what, .. } => what.clone(),
            Mutation::Rerun {
                run_number,
                only_failed: true,
                ..
            } => format!("re-run the failed jobs of run #{run_number}"),
            Mutation::Rerun { run_number, .. } => format!("re-run run #{run_number}"),
            Mutation::Cancel { run_number, .. } => format!("cancel run #{run_number}"),
        }
    }

    /// Panels whose data the mutation changes, refreshed as soon as it is done.
    pub fn refreshes(&self) -> Vec<ResourceKind> {
        match self {
            Mutation::ReviewDeployment { .. } | Mutation::Dispatch { .. } => {
                vec![
                    ResourceKind::Environments,
                    ResourceKind::Runs,
                    ResourceKind::Jobs,
                ]
            }
            Mutation::Rerun { .. } | Mutation::Cancel { .. } => vec![
                ResourceKind::Runs,
                ResourceKind::Jobs,
                ResourceKind::Environments,
            ],
        }
    }
}

pub async fn perform(gh: &GitHub, slug: &Slug, m: &Mutation) -> Result<Done, ApiError> {
    let done = |message: String| Done {
        message,
        started_run: None,
    };
    match m {
        Mutation::ReviewDeployment {
            run_id,
            environment_id,
            approve,
            comment,
            environment,
            ..
        } => {
            gh.review_pending_deployment(slug, *run_id, &[*environment_id], *approve, comment)
                .await?;
            Ok(done(format!(
                "{} the deploy to {environment}",
                if *approve { "Approved" } else { "Rejected" }
            )))
        }
        Mutation::Dispatch {
            workflow,
            git_ref,
            inputs,
            what,
            ..
        } => {
            let run = gh.dispatch(slug, workflow, git_ref, inputs).await?;
            let mut d = done(format!("Started: {what}"));
            d.started_run = run;
            Ok(d)
        }
        Mutation::Rerun {
            run_id,
            run_number,
            only_failed,
        } => {
            gh.rerun(slug, *run_id, *only_failed).await?;
            Ok(done(format!("Re-running run #{run_number}")))
        }
        Mutation::Cancel { run_id, run_number } => {
            gh.cancel_run(slug, *run_id).await?;
            Ok(done(format!("Cancelling run #{run_number}")))
        }
    }
}
