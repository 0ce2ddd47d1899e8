//! The parts of GitHub's JSON that cockpit reads. Own types rather than octocrab's: every
//! enum has an `Other` fallback so a status GitHub adds tomorrow (or `requested`, which
//! octocrab lacks) degrades to a label instead of a failed refresh.
//!
//! Text that is only shown (titles, names, descriptions) is read as [`Safe`], sanitised once
//! here; text that goes back to GitHub or git as an identifier (logins, label, branch and
//! environment names) stays a `String` and is sanitised where it is shown.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::dashboard::Slug;
use crate::text::{Name, Safe};

/// One of GitHub's string enumerations: the values it documents, and `Other` keeping any
/// value it adds later (sanitised, so it shows as a label instead of failing the refresh).
macro_rules! github_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $text:literal),* $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
        pub enum $name {
            $(#[serde(rename = $text)] $variant,)*
            #[serde(untagged)]
            Other(Safe),
        }

        impl $name {
            /// GitHub's spelling of the value.
            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $text,)*
                    $name::Other(s) => s,
                }
            }
        }

        impl From<&str> for $name {
            fn from(text: &str) -> Self {
                match text {
                    $($text => $name::$variant,)*
                    other => $name::Other(Safe::line(other)),
                }
            }
        }
    };
}

pub(crate) use github_enum;

github_enum! {
    /// `state` of an issue or a pull request (a merged pull request is `closed`).
    IssueState { Open = "open", Closed = "closed" }
}

/// GitHub always sends a state; an answer without one reads as an unknown (empty) state.
impl Default for IssueState {
    fn default() -> Self {
        IssueState::Other(Safe::default())
    }
}

github_enum! {
    /// `mergeable_state` of a pull request (only on the single-PR endpoint).
    MergeableState {
        Clean = "clean",
        Dirty = "dirty",
        Blocked = "blocked",
        Behind = "behind",
        Unstable = "unstable",
        HasHooks = "has_hooks",
        Draft = "draft",
        Unknown = "unknown",
    }
}

github_enum! {
    /// `state` of a workflow: only an active one can be dispatched.
    WorkflowState {
        Active = "active",
        Deleted = "deleted",
        DisabledFork = "disabled_fork",
        DisabledInactivity = "disabled_inactivity",
        DisabledManually = "disabled_manually",
    }
}

github_enum! {
    /// `status` of a comparison: where head stands relative to base.
    CompareStatus {
        Ahead = "ahead",
        Behind = "behind",
        Identical = "identical",
        Diverged = "diverged",
    }
}

github_enum! {
    /// `state` of a pull request review.
    ReviewState {
        Approved = "APPROVED",
        ChangesRequested = "CHANGES_REQUESTED",
        Commented = "COMMENTED",
        Dismissed = "DISMISSED",
        Pending = "PENDING",
    }
}

github_enum! {
    /// `state` of a deployment status.
    DeploymentState {
        Queued = "queued",
        Pending = "pending",
        InProgress = "in_progress",
        Success = "success",
        Failure = "failure",
        Error = "error",
        Inactive = "inactive",
    }
}

github_enum! {
    /// `type` of an environment's protection rule.
    ProtectionRuleKind {
        RequiredReviewers = "required_reviewers",
        WaitTimer = "wait_timer",
        BranchPolicy = "branch_policy",
    }
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
pub struct User {
    pub login: Name,
    #[serde(default)]
    pub name: Option<Safe>,
    #[serde(default)]
    pub html_url: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct Repository {
    pub full_name: String,
    pub default_branch: String,
    #[serde(default)]
    pub html_url: String,
    #[serde(default)]
    pub private: bool,
    /// Merge methods the repository allows. GitHub leaves these out for some tokens; `None`
    /// means "not said" (see `MergeMethods`).
    #[serde(default)]
    pub allow_merge_commit: Option<bool>,
    #[serde(default)]
    pub allow_squash_merge: Option<bool>,
    #[serde(default)]
    pub allow_rebase_merge: Option<bool>,
    /// Read-only on GitHub: nothing can be changed there until it is unarchived.
    #[serde(default)]
    pub archived: bool,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct Label {
    pub name: Name,
    #[serde(default)]
    pub color: String,
    #[serde(default)]
    pub description: Option<Safe>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct RepoRef {
    pub full_name: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct Issue {
    pub number: u64,
    pub title: Safe,
    #[serde(default)]
    pub state: IssueState,
    #[serde(default)]
    pub user: Option<User>,
    #[serde(default)]
    pub labels: Vec<Label>,
    #[serde(default)]
    pub assignees: Vec<User>,
    #[serde(default)]
    pub comments: u64,
    pub created_at: DateTime<Utc>,
    #[serde(default)]
    pub updated_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub html_url: String,
    #[serde(default)]
    pub body: Option<String>,
    /// Present when the "issue" is a pull request: the issues endpoints return both.
    #[serde(default)]
    pub pull_request: Option<serde_json::Value>,
    /// Present on `GET /issues` (all repositories).
    #[serde(default)]
    pub repository: Option<RepoRef>,
    /// `https://api.github.com/repos/OWNER/NAME`: every issue names its repository, also in
    /// search results that span several.
    #[serde(default)]
    pub repository_url: String,
    #[serde(default)]
    pub milestone: Option<Milestone>,
}

impl Issue {
    /// The repository the issue belongs to, when the answer says.
    pub fn repo(&self) -> Option<Slug> {
        if let Some(r) = &self.repository {
            return Slug::parse(&r.full_name);
        }
        slug_of_api_url(&self.repository_url)
    }
}

/// `…/repos/OWNER/NAME` → OWNER/NAME.
fn slug_of_api_url(url: &str) -> Option<Slug> {
    let mut parts = url.trim_end_matches('/').rsplitn(3, '/');
    let name = parts.next()?;
    let owner = parts.next()?;
    Slug::check(&format!("{owner}/{name}")).ok()
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct Milestone {
    pub title: Safe,
    #[serde(default)]
    pub due_on: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct IssueComment {
    pub id: u64,
    #[serde(default)]
    pub user: Option<User>,
    #[serde(default)]
    pub body: Option<String>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct GitRef {
    #[serde(rename = "ref")]
    pub ref_name: Name,
    pub sha: String,
    /// The repository the branch lives in: a fork's for a pull request from one; `null` when
    /// that fork was deleted.
    #[serde(default)]
    pub repo: Option<RepoRef>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct PullRequest {
    pub number: u64,
    /// The GraphQL id (draft state changes only through GraphQL).
    #[serde(default)]
    pub node_id: String,
    pub title: Safe,
    #[serde(default)]
    pub state: IssueState,
    #[serde(default)]
    pub draft: bool,
    #[serde(default)]
    pub user: Option<User>,
    pub head: GitRef,
    pub base: GitRef,
    #[serde(default)]
    pub requested_reviewers: Vec<User>,
    #[serde(default)]
    pub html_url: String,
    pub created_at: DateTime<Utc>,
    #[serde(default)]
    pub updated_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub body: Option<String>,
    #[serde(default)]
    pub merged_at: Option<DateTime<Utc>>,
    /// Once merged, the commit that carries the PR into its base (before that, GitHub's test
    /// merge: meaningless).
    #[serde(default)]
    pub merge_commit_sha: Option<String>,
    /// Only on the single-PR endpoint.
    #[serde(default)]
    pub comments: Option<u64>,
    #[serde(default)]
    pub review_comments: Option<u64>,
    #[serde(default)]
    pub mergeable_state: Option<MergeableState>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct Review {
    pub id: u64,
    #[serde(default)]
    pub user: Option<User>,
    pub state: ReviewState,
    #[serde(default)]
    pub submitted_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub body: Option<String>,
}

/// `status` of runs, jobs, steps and check runs. GitHub documents more values than any one
/// endpoint uses; anything unknown is kept verbatim.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RunStatus {
    Queued,
    InProgress,
    Completed,
    Waiting,
    Requested,
    Pending,
    #[serde(untagged)]
    Other(Safe),
}

impl RunStatus {
    pub fn is_active(&self) -> bool {
        !matches!(self, RunStatus::Completed)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Conclusion {
    Success,
    Failure,
    Cancelled,
    Skipped,
    Neutral,
    TimedOut,
    ActionRequired,
    StartupFailure,
    Stale,
    #[serde(untagged)]
    Other(Safe),
}

impl Conclusion {
    pub fn is_failure(&self) -> bool {
        matches!(
            self,
            Conclusion::Failure
                | Conclusion::TimedOut
                | Conclusion::StartupFailure
                | Conclusion::ActionRequired
        )
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct WorkflowRun {
    pub id: u64,
    #[serde(default)]
    pub name: Option<Safe>,
    #[serde(default)]
    pub display_title: Option<Safe>,
    #[serde(default)]
    pub head_branch: Option<Name>,
    pub head_sha: String,
    #[serde(default)]
    pub event: Safe,
    pub status: RunStatus,
    #[serde(default)]
    pub conclusion: Option<Conclusion>,
    #[serde(default)]
    pub run_number: u64,
    #[serde(default)]
    pub run_attempt: Option<u64>,
    pub created_at: DateTime<Utc>,
    #[serde(default)]
    pub updated_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub run_started_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub html_url: String,
    #[serde(default)]
    pub actor: Option<User>,
    #[serde(default)]
    pub repository: Option<RepoRef>,
}

impl WorkflowRun {
    /// The repository the run belongs to, when the answer says.
    pub fn repo(&self) -> Option<Slug> {
        Slug::parse(&self.repository.as_ref()?.full_name)
    }

    /// A fork's pull request run that GitHub holds until a maintainer approves it: it reads as
    /// completed with `action_required` and has no jobs yet.
    pub fn waits_for_approval(&self) -> bool {
        self.status == RunStatus::Completed && self.conclusion == Some(Conclusion::ActionRequired)
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct RunList {
    #[serde(default)]
    pub total_count: u64,
    pub workflow_runs: Vec<WorkflowRun>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct Step {
    pub name: Safe,
    pub status: RunStatus,
    #[serde(default)]
    pub conclusion: Option<Conclusion>,
    pub number: u64,
    #[serde(default)]
    pub started_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub completed_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct Job {
    pub id: u64,
    #[serde(default)]
    pub run_id: u64,
    pub name: Safe,
    pub status: RunStatus,
    #[serde(default)]
    pub conclusion: Option<Conclusion>,
    #[serde(default)]
    pub started_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub completed_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub html_url: Option<String>,
    #[serde(default)]
    pub steps: Vec<Step>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct JobList {
    #[serde(default)]
    pub total_count: u64,
    pub jobs: Vec<Job>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct CheckRun {
    pub id: u64,
    pub name: Safe,
    pub status: RunStatus,
    #[serde(default)]
    pub conclusion: Option<Conclusion>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct CheckRunList {
    #[serde(default)]
    pub total_count: u64,
    pub check_runs: Vec<CheckRun>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct Reviewer {
    #[serde(rename = "type", default)]
    pub kind: String,
    #[serde(default)]
    pub reviewer: Option<serde_json::Value>,
}

impl Reviewer {
    /// A user's login or a team's slug, to show (never to send back: it is sanitised).
    pub fn display_name(&self) -> Safe {
        let Some(v) = &self.reviewer else {
            return Safe::line("?");
        };
        v.get("login")
            .or_else(|| v.get("slug"))
            .or_else(|| v.get("name"))
            .and_then(|s| s.as_str())
            .unwrap_or("?")
            .into()
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct ProtectionRule {
    #[serde(rename = "type")]
    pub kind: ProtectionRuleKind,
    #[serde(default)]
    pub wait_timer: Option<u64>,
    #[serde(default)]
    pub reviewers: Vec<Reviewer>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct Environment {
    pub id: u64,
    pub name: Name,
    #[serde(default)]
    pub html_url: Option<String>,
    #[serde(default)]
    pub protection_rules: Vec<ProtectionRule>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct EnvironmentList {
    #[serde(default)]
    pub total_count: u64,
    /// Required: an answer without it is not "no environments" but an answer cockpit cannot
    /// read (GitHub sends `[]` for a repository without any).
    pub environments: Vec<Environment>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct Deployment {
    pub id: u64,
    pub sha: String,
    #[serde(rename = "ref")]
    pub ref_name: Name,
    #[serde(default)]
    pub environment: Name,
    #[serde(default)]
    pub description: Option<Safe>,
    #[serde(default)]
    pub creator: Option<User>,
    pub created_at: DateTime<Utc>,
    #[serde(default)]
    pub updated_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub payload: Option<serde_json::Value>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct DeploymentStatus {
    pub id: u64,
    pub state: DeploymentState,
    #[serde(default)]
    pub description: Option<Safe>,
    #[serde(default)]
    pub log_url: Option<String>,
    #[serde(default)]
    pub environment_url: Option<String>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct EnvRef {
    pub id: u64,
    pub name: Name,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct PendingDeployment {
    pub environment: EnvRef,
    #[serde(default)]
    pub wait_timer: u64,
    #[serde(default)]
    pub wait_timer_started_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub current_user_can_approve: bool,
    #[serde(default)]
    pub reviewers: Vec<Reviewer>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct GitHubErrorBody {
    #[serde(default)]
    pub message: String,
    /// Details of a 422 "Validation Failed": `{resource, field, code}` or `{code: "custom",
    /// message}`.
    #[serde(default)]
    pub errors: Vec<serde_json::Value>,
}

impl GitHubErrorBody {
    /// The message with the details GitHub gives for validation failures, e.g. "Validation
    /// Failed: A pull request already exists for acme:x."
    pub fn full_message(&self) -> String {
        let details: Vec<String> = self
            .errors
            .iter()
            .filter_map(|e| match e {
                serde_json::Value::String(s) => Some(s.clone()),
                serde_json::Value::Object(m) => {
                    if let Some(msg) = m.get("message").and_then(|v| v.as_str()) {
                        return Some(msg.to_string());
                    }
                    let field = m.get("field").and_then(|v| v.as_str())?;
                    let code = m.get("code").and_then(|v| v.as_str()).unwrap_or("invalid");
                    Some(format!("{field} {}", code.replace('_', " ")))
                }
                _ => None,
            })
            .collect();
        if details.is_empty() {
            self.message.clone()
        } else {
            format!("{}: {}", self.message, details.join("; "))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_statuses_survive() {
        let s: RunStatus = serde_json::from_str("\"requested\"").expect("known");
        assert_eq!(s, RunStatus::Requested);
        let s: RunStatus = serde_json::from_str("\"brand_new\"").expect("fallback");
        assert_eq!(s, RunStatus::Other("brand_new".into()));
        let c: Conclusion = serde_json::from_str("\"timed_out\"").expect("known");
        assert!(c.is_failure());
    }

    #[test]
    fn string_enumerations_read_known_and_unknown_values() {
        let pr: PullRequest = serde_json::from_value(serde_json::json!({
            "number": 7, "title": "t", "state": "locked_forever",
            "head": {"ref": "x", "sha": "1"}, "base": {"ref": "main", "sha": "2"},
            "created_at": "2026-01-01T00:00:00Z", "mergeable_state": "conflicted_somehow",
        }))
        .expect("unknown values still read");
        assert_eq!(pr.state, IssueState::Other("locked_forever".into()));
        assert_eq!(
            pr.mergeable_state,
            Some(MergeableState::Other("conflicted_somehow".into()))
        );
        let r: Review = serde_json::from_value(serde_json::json!({
            "id": 1, "state": "CHANGES_REQUESTED"
        }))
        .expect("review");
        assert_eq!(r.state, ReviewState::ChangesRequested);
        let r: Review = serde_json::from_value(serde_json::json!({"id": 2, "state": "ESCALATED"}))
            .expect("unknown review state");
        assert_eq!(r.state.as_str(), "ESCALATED");
        let st: DeploymentStatus = serde_json::from_value(serde_json::json!({
            "id": 3, "state": "rolling_back", "created_at": "2026-01-01T00:00:00Z"
        }))
        .expect("unknown deployment state");
        assert_eq!(st.state, DeploymentState::Other("rolling_back".into()));
        let rule: ProtectionRule =
            serde_json::from_value(serde_json::json!({"type": "wait_timer", "wait_timer": 5}))
                .expect("rule");
        assert_eq!(rule.kind, ProtectionRuleKind::WaitTimer);
        assert_eq!(IssueState::from("closed"), IssueState::Closed);
        assert_eq!(
            serde_json::to_value(DeploymentState::InProgress).expect("serialise"),
            serde_json::json!("in_progress")
        );
        assert_eq!(
            serde_json::to_value(ReviewState::Other("ESCALATED".into())).expect("serialise"),
            serde_json::json!("ESCALATED")
        );
    }

    /// A title a fork could send: clipboard write (OSC 52), screen clear, 8-bit CSI, bidi
    /// override, zero-width space, line break, tab, bell.
    const HOSTILE: &str =
        "x\u{1b}]52;c;ZXZpbA==\u{7}y\u{1b}[2J\u{9b}6n\u{202e}\u{200b}z\r\nw\t\u{7}";

    fn assert_clean(what: &str, s: &str) {
        assert!(
            !s.chars().any(|c| c.is_control()
                || crate::text::is_bidi_control(c)
                || crate::text::is_invisible(c)),
            "{what} kept {s:?}"
        );
        assert!(s.starts_with("xyz w"), "{what} lost its text: {s:?}");
    }

    #[test]
    fn shown_text_from_hostile_json_is_clean_once_read() {
        let h = HOSTILE;
        let issue: Issue = serde_json::from_value(serde_json::json!({
            "number": 1, "title": h, "state": h, "created_at": "2026-01-01T00:00:00Z",
            "user": {"login": "octo", "name": h},
            "labels": [{"name": "bug", "description": h}],
            "milestone": {"title": h},
        }))
        .expect("issue");
        assert_clean("issue title", &issue.title);
        assert_clean("issue state", issue.state.as_str());
        assert_clean(
            "user name",
            issue.user.and_then(|u| u.name).as_deref().unwrap_or(""),
        );
        assert_clean(
            "label description",
            issue.labels[0].description.as_deref().unwrap_or(""),
        );
        assert_clean("milestone", &issue.milestone.expect("milestone").title);
        let pr: PullRequest = serde_json::from_value(serde_json::json!({
            "number": 2, "title": h, "head": {"ref": "x", "sha": "1"},
            "base": {"ref": "main", "sha": "2"}, "created_at": "2026-01-01T00:00:00Z",
            "mergeable_state": h,
        }))
        .expect("pull request");
        assert_clean("pull title", &pr.title);
        assert_clean(
            "mergeable state",
            pr.mergeable_state.expect("state").as_str(),
        );
        let run: WorkflowRun = serde_json::from_value(serde_json::json!({
            "id": 3, "name": h, "display_title": h, "event": h, "head_sha": "1",
            "status": h, "conclusion": h, "created_at": "2026-01-01T00:00:00Z",
        }))
        .expect("run");
        for (what, s) in [
            ("run name", run.name.as_deref()),
            ("run title", run.display_title.as_deref()),
            ("run event", Some(&*run.event)),
        ] {
            assert_clean(what, s.unwrap_or(""));
        }
        let RunStatus::Other(status) = run.status else {
            panic!("status")
        };
        assert_clean("run status", &status);
        let Some(Conclusion::Other(conclusion)) = run.conclusion else {
            panic!("conclusion")
        };
        assert_clean("run conclusion", &conclusion);
        let job: Job = serde_json::from_value(serde_json::json!({
            "id": 4, "name": h, "status": "completed",
            "steps": [{"name": h, "status": "completed", "number": 1}],
        }))
        .expect("job");
        assert_clean("job name", &job.name);
        assert_clean("step name", &job.steps[0].name);
        let check: CheckRun =
            serde_json::from_value(serde_json::json!({"id": 5, "name": h, "status": "queued"}))
                .expect("check run");
        assert_clean("check name", &check.name);
        let d: Deployment = serde_json::from_value(serde_json::json!({
            "id": 6, "sha": "1", "ref": "main", "description": h,
            "created_at": "2026-01-01T00:00:00Z",
        }))
        .expect("deployment");
        assert_clean(
            "deployment description",
            d.description.as_deref().unwrap_or(""),
        );
        let st: DeploymentStatus = serde_json::from_value(serde_json::json!({
            "id": 7, "state": h, "description": h, "created_at": "2026-01-01T00:00:00Z",
        }))
        .expect("deployment status");
        assert_clean("deployment state", st.state.as_str());
        assert_clean(
            "status description",
            st.description.as_deref().unwrap_or(""),
        );
        let r: Reviewer =
            serde_json::from_value(serde_json::json!({"type": "Team", "reviewer": {"slug": h}}))
                .expect("reviewer");
        assert_clean("reviewer", &r.display_name());
    }
}

/// One entry of an issue's events (`GET /repos/{o}/{r}/issues/{n}/events`): only what tells
/// which commit closed it.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct IssueEvent {
    /// `closed`, `merged`, `reopened`, `referenced`, …
    pub event: String,
    /// The commit that closed the issue ("Fixes #12" in a commit or a merged PR), when one did.
    #[serde(default)]
    pub commit_id: Option<String>,
    pub created_at: DateTime<Utc>,
}
