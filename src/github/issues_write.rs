//! Acting on issues: open one, comment, close / reopen, assign, labels. (Reading an issue with its comment
//! thread is `GitHub::issue_with_comments` in `dashboard.rs`.)

use reqwest::Method;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::client::GitHub;
use super::dashboard::Slug;
use super::error::ApiError;
use super::models::{Issue, IssueComment, Label, User};
use super::paths::path_segment;

/// A new issue: what the user wrote and chose.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct NewIssue {
    pub title: String,
    pub body: String,
    pub labels: Vec<String>,
    pub assignees: Vec<String>,
}

/// Why an issue is closed (GitHub's `state_reason`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CloseReason {
    Completed,
    NotPlanned,
    Duplicate,
}

impl CloseReason {
    pub fn as_str(self) -> &'static str {
        match self {
            CloseReason::Completed => "completed",
            CloseReason::NotPlanned => "not_planned",
            CloseReason::Duplicate => "duplicate",
        }
    }
}

impl GitHub {
    /// A mutation whose answer must have a body.
    pub(crate) async fn mutate<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: &Value,
    ) -> Result<T, ApiError> {
        self.send_json(method, path, body)
            .await?
            .ok_or_else(|| ApiError::Malformed {
                context: path.split('?').next().unwrap_or(path).to_string(),
                reason: "empty answer".into(),
            })
    }

    /// octocrab's issues handler for `slug`.
    fn issues_of<'a>(&'a self, slug: &'a Slug) -> octocrab::issues::IssueHandler<'a> {
        self.octocrab().issues(&slug.owner, &slug.name)
    }

    /// Adds a comment to an issue or pull request.
    pub async fn comment_on_issue(
        &self,
        slug: &Slug,
        number: u64,
        body: &str,
    ) -> Result<IssueComment, ApiError> {
        let path = format!("{}/issues/{number}/comments", slug.api_path());
        self.typed(&path, self.issues_of(slug).create_comment(number, body))
            .await
    }

    /// Closes an issue with a reason.
    pub async fn close_issue(
        &self,
        slug: &Slug,
        number: u64,
        reason: CloseReason,
    ) -> Result<Issue, ApiError> {
        use octocrab::models::{issues::IssueStateReason, IssueState};
        let reason = match reason {
            CloseReason::Completed => IssueStateReason::Completed,
            CloseReason::NotPlanned => IssueStateReason::NotPlanned,
            CloseReason::Duplicate => IssueStateReason::Duplicate,
        };
        let path = format!("{}/issues/{number}", slug.api_path());
        let issues = self.issues_of(slug);
        let update = issues
            .update(number)
            .state(IssueState::Closed)
            .state_reason(reason);
        self.typed(&path, update.send()).await
    }

    /// Reopens an issue (GitHub sets `state_reason: reopened`).
    pub async fn reopen_issue(&self, slug: &Slug, number: u64) -> Result<Issue, ApiError> {
        let path = format!("{}/issues/{number}", slug.api_path());
        let issues = self.issues_of(slug);
        let update = issues
            .update(number)
            .state(octocrab::models::IssueState::Open);
        self.typed(&path, update.send()).await
    }

    /// Adds assignees (e.g. the signed-in user's login for "assign myself"). GitHub silently
    /// skips logins that cannot be assigned: check the returned issue.
    pub async fn add_assignees(
        &self,
        slug: &Slug,
        number: u64,
        logins: &[&str],
    ) -> Result<Issue, ApiError> {
        let path = format!("{}/issues/{number}/assignees", slug.api_path());
        self.typed(&path, self.issues_of(slug).add_assignees(number, logins))
            .await
    }

    pub async fn remove_assignees(
        &self,
        slug: &Slug,
        number: u64,
        logins: &[&str],
    ) -> Result<Issue, ApiError> {
        let path = format!("{}/issues/{number}/assignees", slug.api_path());
        self.typed(&path, self.issues_of(slug).remove_assignees(number, logins))
            .await
    }

    /// Every label of the repository (to choose from), up to 1,000.
    pub async fn repo_labels(&self, slug: &Slug) -> Result<Vec<Label>, ApiError> {
        Ok(self
            .get_pages::<Label>(
                &format!("/repos/{}/labels?per_page=100", slug.full_name()),
                10,
            )
            .await?
            .data)
    }

    /// Adds labels to an issue; returns all its labels now.
    pub async fn add_labels(
        &self,
        slug: &Slug,
        number: u64,
        names: &[&str],
    ) -> Result<Vec<Label>, ApiError> {
        let names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
        let path = format!("{}/issues/{number}/labels", slug.api_path());
        self.typed(&path, self.issues_of(slug).add_labels(number, &names))
            .await
    }

    /// Removes one label from an issue; returns the labels left. 404 when the issue did not
    /// have it.
    pub async fn remove_label(
        &self,
        slug: &Slug,
        number: u64,
        name: &str,
    ) -> Result<Vec<Label>, ApiError> {
        let path = format!(
            "{}/issues/{number}/labels/{}",
            slug.api_path(),
            path_segment(name)
        );
        self.typed(&path, self.issues_of(slug).remove_label(number, name))
            .await
    }

    /// Opens an issue. GitHub silently drops the labels and assignees of a user without push
    /// access: the returned issue says what was applied.
    pub async fn create_issue(&self, slug: &Slug, new: &NewIssue) -> Result<Issue, ApiError> {
        self.mutate(
            Method::POST,
            &format!("{}/issues", slug.api_path()),
            &serde_json::json!({
                "title": new.title, "body": new.body, "labels": new.labels,
                "assignees": new.assignees,
            }),
        )
        .await
    }

    /// The users issues of the repository can be assigned to, up to 1,000.
    pub async fn assignable_users(&self, slug: &Slug) -> Result<Vec<User>, ApiError> {
        Ok(self
            .get_pages::<User>(
                &format!("/repos/{}/assignees?per_page=100", slug.full_name()),
                10,
            )
            .await?
            .data)
    }
}
