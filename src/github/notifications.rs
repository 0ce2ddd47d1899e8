//! The notifications inbox: GitHub's threads for the signed-in account, polled the way GitHub
//! documents for this endpoint (`If-Modified-Since` with the `Last-Modified` it sent; a 304
//! costs no rate limit; never sooner than its `X-Poll-Interval`), and the three changes to a
//! thread: mark read, mark done, unsubscribe. These belong to the account, not a repository.

use std::time::Duration;

use chrono::{DateTime, Utc};
use reqwest::Method;
use serde::{Deserialize, Serialize};

use super::client::GitHub;
use super::dashboard::Slug;
use super::error::ApiError;
use super::models::{github_enum, WorkflowRun};
use crate::text::Safe;

github_enum! {
    /// Why the account got the thread (`reason`).
    Reason {
        ApprovalRequested = "approval_requested",
        Assign = "assign",
        Author = "author",
        CiActivity = "ci_activity",
        Comment = "comment",
        Invitation = "invitation",
        Manual = "manual",
        MemberFeatureRequested = "member_feature_requested",
        Mention = "mention",
        ReviewRequested = "review_requested",
        SecurityAdvisoryCredit = "security_advisory_credit",
        SecurityAlert = "security_alert",
        StateChange = "state_change",
        Subscribed = "subscribed",
        TeamMention = "team_mention",
    }
}

impl Reason {
    /// The account takes part in the thread (asked, named, assigned, wrote it, its CI): these
    /// come first. Watching a repository (`subscribed`) or an alert is not taking part.
    pub fn participating(&self) -> bool {
        !matches!(
            self,
            Reason::Subscribed
                | Reason::SecurityAlert
                | Reason::SecurityAdvisoryCredit
                | Reason::MemberFeatureRequested
                | Reason::Invitation
                | Reason::Other(_)
        )
    }

    /// A few words for the list: "review requested".
    pub fn label(&self) -> String {
        match self {
            Reason::Assign => "assigned".into(),
            Reason::CiActivity => "CI".into(),
            Reason::Mention => "mentioned".into(),
            Reason::TeamMention => "team mentioned".into(),
            other => other.as_str().replace('_', " "),
        }
    }
}

github_enum! {
    /// What the thread is about (`subject.type`).
    SubjectKind {
        Issue = "Issue",
        PullRequest = "PullRequest",
        CheckSuite = "CheckSuite",
        Commit = "Commit",
        Discussion = "Discussion",
        Release = "Release",
        RepositoryVulnerabilityAlert = "RepositoryVulnerabilityAlert",
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct Subject {
    pub title: Safe,
    /// The API URL of the target; GitHub sends none for some kinds (check suites).
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub latest_comment_url: Option<String>,
    #[serde(rename = "type")]
    pub kind: SubjectKind,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct ThreadRepo {
    pub full_name: String,
    #[serde(default)]
    pub html_url: String,
}

/// One notification thread.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct Thread {
    pub id: String,
    pub unread: bool,
    pub reason: Reason,
    pub updated_at: DateTime<Utc>,
    #[serde(default)]
    pub last_read_at: Option<DateTime<Utc>>,
    pub subject: Subject,
    pub repository: ThreadRepo,
}

/// What a thread points at, read from its subject's API URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Pull(u64),
    Issue(u64),
    /// A CI notification: the check suite when GitHub names it, else only the title says
    /// which workflow and branch.
    CheckSuite(Option<u64>),
    /// Something cockpit has no view for (a release, a discussion, a commit).
    Elsewhere,
}

impl Thread {
    /// The repository the thread belongs to.
    pub fn repo(&self) -> Option<Slug> {
        Slug::parse(&self.repository.full_name)
    }

    pub fn target(&self) -> Target {
        // `…/repos/OWNER/NAME/pulls/7`: only the last two segments are read, so the URL's
        // host never matters (nothing is fetched from it).
        let url = self.subject.url.as_deref().unwrap_or_default();
        let mut segs = url.trim_end_matches('/').rsplit('/');
        let number = segs.next().and_then(|n| n.parse::<u64>().ok());
        let collection = segs.next().unwrap_or_default();
        match (&self.subject.kind, collection, number) {
            (SubjectKind::PullRequest, "pulls", Some(n)) => Target::Pull(n),
            (SubjectKind::Issue, "issues", Some(n)) => Target::Issue(n),
            (SubjectKind::CheckSuite, "check-suites", n) => Target::CheckSuite(n),
            (SubjectKind::CheckSuite, _, _) => Target::CheckSuite(None),
            _ => Target::Elsewhere,
        }
    }

    /// The thread on GitHub's web UI: the target's page where cockpit can tell it.
    pub fn web_url(&self) -> String {
        let repo = self.repository.html_url.trim_end_matches('/');
        match self.target() {
            Target::Pull(n) => format!("{repo}/pull/{n}"),
            Target::Issue(n) => format!("{repo}/issues/{n}"),
            Target::CheckSuite(_) => format!("{repo}/actions"),
            Target::Elsewhere => repo.to_string(),
        }
    }

    /// The thread id as a number for the thread's API paths (GitHub's ids are digits).
    pub fn number(&self) -> Option<u64> {
        self.id.parse().ok()
    }
}

/// The inbox order: threads the account takes part in first, each group newest first.
pub fn sort(threads: &mut [Thread]) {
    threads.sort_by(|a, b| {
        b.reason
            .participating()
            .cmp(&a.reason.participating())
            .then(b.updated_at.cmp(&a.updated_at))
    });
}

/// One poll of the inbox.
#[derive(Debug, Clone)]
pub struct Inbox {
    pub threads: Vec<Thread>,
    /// False after a 304: nothing changed since the last poll.
    pub changed: bool,
    /// How long GitHub asks to wait before the next poll (`X-Poll-Interval`).
    pub poll_interval: Option<Duration>,
}

/// The three changes to a thread.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThreadChange {
    Read,
    Done,
    Unsubscribe,
}

impl GitHub {
    /// The newest 50 threads, read and unread (`all=true`: the inbox marks the unread ones).
    pub async fn notifications(&self) -> Result<Inbox, ApiError> {
        if !self.has_token() {
            return Err(ApiError::NoToken);
        }
        let (f, headers) = self
            .get_if_modified::<Vec<Thread>>("/notifications?all=true&per_page=50")
            .await?;
        let poll_interval = headers
            .get("x-poll-interval")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let mut threads = f.data;
        sort(&mut threads);
        Ok(Inbox {
            threads,
            changed: f.changed,
            poll_interval,
        })
    }

    pub async fn change_thread(
        &self,
        thread_id: u64,
        change: ThreadChange,
    ) -> Result<(), ApiError> {
        let (method, path) = match change {
            ThreadChange::Read => (Method::PATCH, format!("/notifications/threads/{thread_id}")),
            ThreadChange::Done => (
                Method::DELETE,
                format!("/notifications/threads/{thread_id}"),
            ),
            ThreadChange::Unsubscribe => (
                Method::DELETE,
                format!("/notifications/threads/{thread_id}/subscription"),
            ),
        };
        self.send_json::<serde_json::Value>(method, &path, &serde_json::Value::Null)
            .await
            .map(|_| ())
    }

    /// The run of a CI notification: by its check suite when the thread names it, else the
    /// newest run of the workflow and branch its title names ("CI workflow run failed for
    /// main branch") that had ended by the thread's time.
    pub async fn run_of_thread(
        &self,
        slug: &Slug,
        thread: &Thread,
    ) -> Result<Option<WorkflowRun>, ApiError> {
        if let Target::CheckSuite(Some(suite)) = thread.target() {
            let runs = self
                .runs_where(slug, "check_suite_id", &suite.to_string())
                .await?;
            if let Some(run) = runs.data.into_iter().next() {
                return Ok(Some(run));
            }
        }
        let Some((workflow, branch)) = workflow_and_branch(&thread.subject.title) else {
            return Ok(None);
        };
        let runs = self.runs_where(slug, "branch", &branch).await?;
        Ok(runs.data.into_iter().find(|r| {
            r.name.as_deref() == Some(workflow.as_str())
                && r.updated_at.is_none_or(|t| t <= thread.updated_at)
        }))
    }
}

/// The workflow and branch in a CI notification's title.
fn workflow_and_branch(title: &str) -> Option<(String, String)> {
    let (workflow, rest) = title.split_once(" workflow run ")?;
    let (_, branch) = rest.split_once(" for ")?;
    let branch = branch.strip_suffix(" branch")?;
    Some((workflow.to_string(), branch.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn thread(kind: &str, url: Option<&str>, reason: &str, at: &str) -> Thread {
        serde_json::from_value(serde_json::json!({
            "id": "7", "unread": true, "reason": reason, "updated_at": at,
            "last_read_at": null,
            "subject": {"title": "t\u{1b}[31m", "url": url, "latest_comment_url": null, "type": kind},
            "repository": {"full_name": "acme/rocket", "html_url": "https://github.com/acme/rocket"}
        }))
        .expect("a thread")
    }

    #[test]
    fn the_target_is_read_from_the_subject_url() {
        let t = thread(
            "PullRequest",
            Some("https://api.github.com/repos/acme/rocket/pulls/43"),
            "review_requested",
            "2026-01-01T00:00:00Z",
        );
        assert_eq!(t.target(), Target::Pull(43));
        assert_eq!(t.web_url(), "https://github.com/acme/rocket/pull/43");
        assert!(
            !t.subject.title.contains('\u{1b}'),
            "outside text is made safe"
        );
        let ci = thread("CheckSuite", None, "ci_activity", "2026-01-01T00:00:00Z");
        assert_eq!(ci.target(), Target::CheckSuite(None));
        let odd = thread("Mystery", None, "brand_new", "2026-01-01T00:00:00Z");
        assert_eq!(odd.target(), Target::Elsewhere);
        assert!(!odd.reason.participating());
    }

    #[test]
    fn participating_threads_come_first_then_the_newest() {
        let mut ts = vec![
            thread("Issue", None, "subscribed", "2026-01-03T00:00:00Z"),
            thread("Issue", None, "mention", "2026-01-01T00:00:00Z"),
            thread("Issue", None, "review_requested", "2026-01-02T00:00:00Z"),
        ];
        sort(&mut ts);
        let reasons: Vec<&str> = ts.iter().map(|t| t.reason.as_str()).collect();
        assert_eq!(reasons, ["review_requested", "mention", "subscribed"]);
    }

    #[test]
    fn a_ci_title_names_workflow_and_branch() {
        assert_eq!(
            workflow_and_branch("CI workflow run failed for 42-retry branch"),
            Some(("CI".into(), "42-retry".into()))
        );
        assert_eq!(workflow_and_branch("Fix the flaky upload"), None);
    }
}
