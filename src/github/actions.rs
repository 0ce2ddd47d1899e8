//! Acting on Actions and deployments: dispatch, re-run, cancel, approve or reject a waiting
//! deployment, plus the reads those actions need (workflow files, compare, full histories).

use super::client::GitHub;
use super::dashboard::{DeploymentEntry, Slug};
use super::error::ApiError;
use super::models::{CompareStatus, Deployment, DeploymentStatus, WorkflowState};
use super::paths::{path_segment, query_value};
use super::workflow_file::{self, WorkflowFile};
use crate::text::{Name, Safe};
use base64::Engine;
use chrono::{DateTime, Utc};
use futures_util::future::join_all;
use reqwest::Method;
use serde::Deserialize;
use serde_json::{json, Map, Value};

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct WorkflowInfo {
    pub id: u64,
    pub name: Safe,
    pub path: Name,
    /// Absent in some answers: read as unknown, which does not stop a dispatch.
    #[serde(default)]
    pub state: Option<WorkflowState>,
}

#[derive(Debug, Deserialize)]
struct WorkflowList {
    workflows: Vec<WorkflowInfo>,
}

#[derive(Debug, Deserialize)]
struct FileContent {
    #[serde(default)]
    content: String,
    #[serde(default)]
    encoding: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct CommitPerson {
    #[serde(default)]
    pub name: Safe,
    pub date: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct CommitDetail {
    /// The message's first line: all a commit list shows.
    #[serde(
        default,
        rename = "message",
        deserialize_with = "crate::text::first_line"
    )]
    pub headline: Safe,
    pub author: CommitPerson,
    pub committer: CommitPerson,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct CommitSummary {
    pub sha: String,
    pub commit: CommitDetail,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Comparison {
    /// Of head relative to base.
    pub status: CompareStatus,
    #[serde(default)]
    pub ahead_by: u64,
    #[serde(default)]
    pub behind_by: u64,
    #[serde(default)]
    pub commits: Vec<CommitSummary>,
}

impl Comparison {
    /// Whether everything in head is already in base.
    pub fn head_is_contained(&self) -> bool {
        matches!(
            self.status,
            CompareStatus::Behind | CompareStatus::Identical
        )
    }
}

#[derive(Debug, Deserialize)]
struct DispatchDetails {
    #[serde(default)]
    workflow_run_id: Option<u64>,
}

impl GitHub {
    pub async fn workflows(&self, slug: &Slug) -> Result<Vec<WorkflowInfo>, ApiError> {
        let f = self
            .get::<WorkflowList>(&format!(
                "{}/actions/workflows?per_page=100",
                slug.api_path()
            ))
            .await?;
        Ok(f.data.workflows)
    }

    /// Reads and parses a workflow file (`.github/workflows/x.yml`) at the default branch.
    pub async fn workflow_file(&self, slug: &Slug, path: &str) -> Result<WorkflowFile, ApiError> {
        let f = self
            .get::<FileContent>(&format!("{}/contents/{}", slug.api_path(), path))
            .await?;
        if f.data.encoding != "base64" {
            return Err(ApiError::Malformed {
                context: path.into(),
                reason: format!("unexpected encoding {:?}", f.data.encoding),
            });
        }
        let packed: String = f
            .data
            .content
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(packed)
            .map_err(|e| ApiError::Malformed {
                context: path.into(),
                reason: e.to_string(),
            })?;
        let text = String::from_utf8_lossy(&bytes);
        workflow_file::parse(&text).map_err(|reason| ApiError::Malformed {
            context: path.into(),
            reason,
        })
    }

    /// `workflow_dispatch`; returns the new run's id when the server reports it.
    pub async fn dispatch(
        &self,
        slug: &Slug,
        workflow: &str,
        git_ref: &str,
        inputs: &Map<String, Value>,
    ) -> Result<Option<u64>, ApiError> {
        let body = json!({"ref": git_ref, "inputs": inputs, "return_run_details": true});
        let path = format!(
            "{}/actions/workflows/{}/dispatches",
            slug.api_path(),
            path_segment(workflow)
        );
        let details: Option<DispatchDetails> = self.send_json(Method::POST, &path, &body).await?;
        Ok(details.and_then(|d| d.workflow_run_id))
    }

    pub async fn rerun(&self, slug: &Slug, run_id: u64, only_failed: bool) -> Result<(), ApiError> {
        let tail = if only_failed {
            "rerun-failed-jobs"
        } else {
            "rerun"
        };
        let path = format!("{}/actions/runs/{run_id}/{tail}", slug.api_path());
        self.send_json::<Value>(Method::POST, &path, &json!({}))
            .await
            .map(|_| ())
    }

    pub async fn cancel_run(&self, slug: &Slug, run_id: u64) -> Result<(), ApiError> {
        let path = format!("{}/actions/runs/{run_id}/cancel", slug.api_path());
        self.send_json::<Value>(Method::POST, &path, &json!({}))
            .await
            .map(|_| ())
    }

    /// Lets a fork's pull request run that waits for a maintainer's approval start.
    pub async fn approve_run(&self, slug: &Slug, run_id: u64) -> Result<(), ApiError> {
        let path = format!("{}/actions/runs/{run_id}/approve", slug.api_path());
        self.send_json::<Value>(Method::POST, &path, &Value::Null)
            .await
            .map(|_| ())
    }

    /// Approves or rejects a run waiting for deployment to the given environments.
    pub async fn review_pending_deployment(
        &self,
        slug: &Slug,
        run_id: u64,
        environment_ids: &[u64],
        approve: bool,
        comment: &str,
    ) -> Result<(), ApiError> {
        let body = json!({
            "environment_ids": environment_ids,
            "state": if approve { "approved" } else { "rejected" },
            "comment": comment,
        });
        let path = format!(
            "{}/actions/runs/{run_id}/pending_deployments",
            slug.api_path()
        );
        self.send_json::<Value>(Method::POST, &path, &body)
            .await
            .map(|_| ())
    }

    pub async fn compare(
        &self,
        slug: &Slug,
        base: &str,
        head: &str,
    ) -> Result<Comparison, ApiError> {
        let path = format!("{}/compare/{}...{}", slug.api_path(), base, head);
        Ok(self.get::<Comparison>(&path).await?.data)
    }

    /// The commit that closed issue `number`: the last `closed` event's `commit_id` (set when
    /// a commit or a merged pull request closed it). `None`: closed by hand, or not closed.
    pub async fn closing_commit(
        &self,
        slug: &Slug,
        number: u64,
    ) -> Result<Option<String>, ApiError> {
        let events = self
            .get_pages::<super::models::IssueEvent>(
                &format!("{}/issues/{number}/events?per_page=100", slug.api_path()),
                10,
            )
            .await?
            .data;
        // Oldest first: the last close counts (an issue reopened and closed again).
        Ok(events
            .iter()
            .rev()
            .find(|e| e.event == "closed")
            .and_then(|e| e.commit_id.clone()))
    }

    /// Every deployment to `environment` created since `since`, newest first, with all of its
    /// statuses (newest first).
    pub async fn deployment_history(
        &self,
        slug: &Slug,
        environment: &str,
        since: DateTime<Utc>,
    ) -> Result<Vec<(Deployment, Vec<DeploymentStatus>)>, ApiError> {
        self.history(slug, environment, since, None).await
    }

    /// [`GitHub::deployment_history`], then older deployments until the first that succeeded
    /// (the baseline the window's first deployment is measured from), created no earlier than
    /// `floor` — what the delivery metrics are computed from. At most 2,000 deployments are
    /// read either way.
    pub async fn deployment_history_with_baseline(
        &self,
        slug: &Slug,
        environment: &str,
        since: DateTime<Utc>,
        floor: DateTime<Utc>,
    ) -> Result<Vec<(Deployment, Vec<DeploymentStatus>)>, ApiError> {
        self.history(slug, environment, since, Some(floor)).await
    }

    async fn history(
        &self,
        slug: &Slug,
        environment: &str,
        since: DateTime<Utc>,
        baseline_floor: Option<DateTime<Utc>>,
    ) -> Result<Vec<(Deployment, Vec<DeploymentStatus>)>, ApiError> {
        const MAX_PAGES: usize = 20;
        let statuses_of = |d: &Deployment| {
            let p = format!(
                "{}/deployments/{}/statuses?per_page=100",
                slug.api_path(),
                d.id
            );
            async move { self.get::<Vec<DeploymentStatus>>(&p).await.map(|f| f.data) }
        };
        let mut out = Vec::new();
        let mut page = 1;
        loop {
            let path = format!(
                "{}/deployments?environment={}&per_page=100&page={page}",
                slug.api_path(),
                query_value(environment)
            );
            let batch = self.get::<Vec<Deployment>>(&path).await?.data;
            let last_page = batch.len() < 100 || page >= MAX_PAGES;
            let (wanted, older): (Vec<Deployment>, Vec<Deployment>) =
                batch.into_iter().partition(|d| d.created_at >= since);
            let statuses = join_all(wanted.iter().map(statuses_of)).await;
            for (d, s) in wanted.into_iter().zip(statuses) {
                out.push((d, s?));
            }
            if older.is_empty() && !last_page {
                page += 1;
                continue;
            }
            let Some(floor) = baseline_floor else { break };
            // Older ones one at a time, newest first: usually the first is the baseline.
            for d in older {
                if d.created_at < floor {
                    return Ok(out);
                }
                let s = statuses_of(&d).await?;
                let succeeded = s
                    .iter()
                    .any(|x| x.state == super::models::DeploymentState::Success);
                out.push((d, s));
                if succeeded {
                    return Ok(out);
                }
            }
            if last_page {
                break;
            }
            page += 1;
        }
        Ok(out)
    }
}

impl From<(Deployment, Vec<DeploymentStatus>)> for DeploymentEntry {
    fn from((deployment, statuses): (Deployment, Vec<DeploymentStatus>)) -> Self {
        DeploymentEntry {
            deployment,
            status: statuses.into_iter().next(),
            status_unread: false,
        }
    }
}
