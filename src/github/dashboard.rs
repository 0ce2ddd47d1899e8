//! What each dashboard panel shows, assembled from GitHub's endpoints. Every fetch reports
//! whether anything changed, so an unchanged poll neither costs rate limit (304) nor a redraw.

use super::client::{Fetched, GitHub};
use super::error::ApiError;
use super::models::*;
use super::paths::query_value;
use chrono::{DateTime, Utc};
use futures_util::future::join_all;

/// OWNER/NAME of the repository the dashboard is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slug {
    pub owner: String,
    pub name: String,
}

impl Slug {
    pub fn parse(s: &str) -> Option<Slug> {
        let (owner, name) = s.trim().trim_end_matches(".git").split_once('/')?;
        let ok = |p: &str| {
            !p.is_empty()
                && p.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
        };
        (ok(owner) && ok(name)).then(|| Slug {
            owner: owner.into(),
            name: name.into(),
        })
    }

    pub fn full_name(&self) -> String {
        format!("{}/{}", self.owner, self.name)
    }

    /// `/repos/OWNER/NAME`, the root of the repository's API paths.
    pub fn api_path(&self) -> String {
        format!("/repos/{}/{}", self.owner, self.name)
    }
}

impl GitHub {
    pub async fn me(&self) -> Result<Fetched<User>, ApiError> {
        if !self.has_token() {
            return Err(ApiError::NoToken);
        }
        self.get("/user").await
    }

    pub async fn repository(&self, slug: &Slug) -> Result<Fetched<Repository>, ApiError> {
        self.get(&slug.api_path()).await
    }

    /// Open issues assigned to `login` in one repository. Pull requests are filtered out:
    /// GitHub returns them from the issues endpoints too.
    pub async fn assigned_issues(
        &self,
        slug: &Slug,
        login: &str,
    ) -> Result<Fetched<Vec<Issue>>, ApiError> {
        let path = format!(
            "{}/issues?assignee={}&state=open&sort=updated&per_page=100",
            slug.api_path(),
            query_value(login)
        );
        self.issues_without_pulls(&path).await
    }

    /// Open issues assigned to the token's user in every repository it can see.
    pub async fn assigned_issues_everywhere(&self) -> Result<Fetched<Vec<Issue>>, ApiError> {
        self.issues_without_pulls("/issues?filter=assigned&state=open&sort=updated&per_page=100")
            .await
    }

    async fn issues_without_pulls(&self, path: &str) -> Result<Fetched<Vec<Issue>>, ApiError> {
        let mut f = self.get_pages::<Issue>(path, 10).await?;
        f.data.retain(|i| i.pull_request.is_none());
        Ok(f)
    }

    pub async fn issue(&self, slug: &Slug, number: u64) -> Result<Fetched<Issue>, ApiError> {
        self.get(&format!("{}/issues/{number}", slug.api_path()))
            .await
    }

    pub async fn job(&self, slug: &Slug, job_id: u64) -> Result<Fetched<Job>, ApiError> {
        self.get(&format!("{}/actions/jobs/{job_id}", slug.api_path()))
            .await
    }

    pub async fn environments(&self, slug: &Slug) -> Result<Fetched<Vec<Environment>>, ApiError> {
        let f = self
            .get::<EnvironmentList>(&format!("{}/environments?per_page=100", slug.api_path()))
            .await?;
        Ok(Fetched {
            changed: f.changed,
            data: f.data.environments,
        })
    }

    pub async fn issue_with_comments(
        &self,
        slug: &Slug,
        number: u64,
    ) -> Result<Fetched<(Issue, Vec<IssueComment>)>, ApiError> {
        let issue = self.issue(slug, number).await?;
        let comments = self
            .get_pages::<IssueComment>(
                &format!("{}/issues/{number}/comments?per_page=100", slug.api_path()),
                5,
            )
            .await?;
        Ok(Fetched {
            changed: issue.changed || comments.changed,
            data: (issue.data, comments.data),
        })
    }

    /// Open PRs that are mine or ask for my review, with their checks and review state.
    pub async fn pull_rows(
        &self,
        slug: &Slug,
        login: &str,
    ) -> Result<Fetched<Vec<PullRow>>, ApiError> {
        let list = self
            .get_pages::<PullRequest>(
                &format!("{}/pulls?state=open&per_page=100", slug.api_path()),
                5,
            )
            .await?;
        let mut changed = list.changed;
        let wanted: Vec<(PullRequest, PullRole)> = list
            .data
            .into_iter()
            .filter_map(|pr| {
                let author = pr.user.as_ref().map(|u| u.login.as_str()) == Some(login);
                let asked = pr.requested_reviewers.iter().any(|u| u.login == login);
                let role = if author {
                    PullRole::Mine
                } else if asked {
                    PullRole::ReviewRequested
                } else {
                    return None;
                };
                Some((pr, role))
            })
            .collect();
        let details = join_all(wanted.into_iter().map(|(pr, role)| async move {
            let n = pr.number;
            let pr_path = format!("{}/pulls/{n}", slug.api_path());
            let reviews_path = format!("{}/pulls/{n}/reviews?per_page=100", slug.api_path());
            let checks_path = format!(
                "{}/commits/{}/check-runs?per_page=100",
                slug.api_path(),
                pr.head.sha
            );
            let (full, reviews, checks) = tokio::join!(
                self.get::<PullRequest>(&pr_path),
                self.get_pages::<Review>(&reviews_path, 3),
                self.get::<CheckRunList>(&checks_path),
            );
            (pr, role, full, reviews, checks)
        }))
        .await;
        let mut rows = Vec::new();
        for (pr, role, full, reviews, checks) in details {
            let full = full?;
            let reviews = reviews?;
            changed |= full.changed || reviews.changed;
            // Checks are optional garnish: a repository without Actions answers 404.
            let checks = match checks {
                Ok(c) => {
                    changed |= c.changed;
                    Some(ChecksRollup::from_runs(&c.data.check_runs))
                }
                Err(ApiError::NotFound { .. }) => None,
                Err(e) => return Err(e),
            };
            let comments = full.data.comments.unwrap_or(0) + full.data.review_comments.unwrap_or(0);
            let decision = ReviewDecision::from_reviews(&reviews.data, &pr.requested_reviewers);
            rows.push(PullRow {
                pr,
                role,
                checks,
                decision,
                comments,
            });
        }
        Ok(Fetched {
            data: rows,
            changed,
        })
    }

    /// The runs started for a commit, newest first (`head_sha`: every event and branch).
    pub async fn runs_for_commit(
        &self,
        slug: &Slug,
        sha: &str,
    ) -> Result<Fetched<Vec<WorkflowRun>>, ApiError> {
        self.runs_where(slug, "head_sha", sha).await
    }

    pub async fn runs_for_branch(
        &self,
        slug: &Slug,
        branch: &str,
    ) -> Result<Fetched<Vec<WorkflowRun>>, ApiError> {
        self.runs_where(slug, "branch", branch).await
    }

    /// The newest 30 runs whose `filter` is `value`.
    async fn runs_where(
        &self,
        slug: &Slug,
        filter: &str,
        value: &str,
    ) -> Result<Fetched<Vec<WorkflowRun>>, ApiError> {
        let f = self
            .get::<RunList>(&format!(
                "{}/actions/runs?{filter}={}&per_page=30",
                slug.api_path(),
                query_value(value)
            ))
            .await?;
        Ok(Fetched {
            changed: f.changed,
            data: f.data.workflow_runs,
        })
    }

    pub async fn run(&self, slug: &Slug, run_id: u64) -> Result<Fetched<WorkflowRun>, ApiError> {
        self.get(&format!("{}/actions/runs/{run_id}", slug.api_path()))
            .await
    }

    pub async fn jobs(&self, slug: &Slug, run_id: u64) -> Result<Fetched<Vec<Job>>, ApiError> {
        let f = self
            .get::<JobList>(&format!(
                "{}/actions/runs/{run_id}/jobs?filter=latest&per_page=100",
                slug.api_path()
            ))
            .await?;
        Ok(Fetched {
            changed: f.changed,
            data: f.data.jobs,
        })
    }

    /// One row per environment: what is live, what is rolling out, what waits for approval.
    pub async fn environment_rows(&self, slug: &Slug) -> Result<Fetched<Vec<EnvRow>>, ApiError> {
        let envs = self.environments(slug).await?;
        let waiting = self
            .get::<RunList>(&format!(
                "{}/actions/runs?status=waiting&per_page=30",
                slug.api_path()
            ))
            .await?;
        let mut changed = envs.changed || waiting.changed;
        let pendings = join_all(waiting.data.workflow_runs.iter().map(|run| {
            let path = format!(
                "{}/actions/runs/{}/pending_deployments",
                slug.api_path(),
                run.id
            );
            async move { (run.clone(), self.get::<Vec<PendingDeployment>>(&path).await) }
        }))
        .await;
        let mut waits: Vec<(WorkflowRun, PendingDeployment)> = Vec::new();
        for (run, p) in pendings {
            let p = p?;
            changed |= p.changed;
            waits.extend(p.data.into_iter().map(|pd| (run.clone(), pd)));
        }
        let histories = join_all(envs.data.iter().map(|env| async move {
            let deps = self
                .get::<Vec<Deployment>>(&format!(
                    "{}/deployments?environment={}&per_page=20",
                    slug.api_path(),
                    query_value(&env.name)
                ))
                .await?;
            let statuses = join_all(deps.data.iter().map(|d| async move {
                self.get::<Vec<DeploymentStatus>>(&format!(
                    "{}/deployments/{}/statuses?per_page=10",
                    slug.api_path(),
                    d.id
                ))
                .await
            }))
            .await;
            let mut changed = deps.changed;
            let mut history = Vec::new();
            for (d, s) in deps.data.into_iter().zip(statuses) {
                let s = s?;
                changed |= s.changed;
                history.push(DeploymentEntry {
                    deployment: d,
                    status: s.data.into_iter().next(),
                });
            }
            Ok::<_, ApiError>((changed, history))
        }))
        .await;
        let mut rows = Vec::new();
        for (env, h) in envs.data.into_iter().zip(histories) {
            let (c, history) = h?;
            changed |= c;
            let waiting = waits
                .iter()
                .filter(|(_, p)| p.environment.name == env.name)
                .cloned()
                .collect();
            rows.push(EnvRow {
                env,
                history,
                waiting,
            });
        }
        Ok(Fetched {
            data: rows,
            changed,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PullRole {
    Mine,
    ReviewRequested,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ChecksRollup {
    pub passed: usize,
    pub failed: usize,
    pub pending: usize,
    pub skipped: usize,
}

impl ChecksRollup {
    pub fn from_runs(runs: &[CheckRun]) -> ChecksRollup {
        let mut r = ChecksRollup::default();
        for c in runs {
            match (&c.status, &c.conclusion) {
                (RunStatus::Completed, Some(Conclusion::Success)) => r.passed += 1,
                (RunStatus::Completed, Some(Conclusion::Skipped | Conclusion::Neutral)) => {
                    r.skipped += 1
                }
                (RunStatus::Completed, _) => r.failed += 1,
                _ => r.pending += 1,
            }
        }
        r
    }

    pub fn total(&self) -> usize {
        self.passed + self.failed + self.pending + self.skipped
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReviewDecision {
    Approved,
    ChangesRequested,
    ReviewRequired,
    None,
}

impl ReviewDecision {
    /// Each reviewer's latest approving or blocking review counts; comments do not change a
    /// verdict, and a dismissal withdraws it — GitHub's rule without branch protection.
    pub fn from_reviews(reviews: &[Review], requested: &[User]) -> ReviewDecision {
        let mut latest: Vec<(&str, &str)> = Vec::new();
        let mut sorted: Vec<&Review> = reviews.iter().collect();
        sorted.sort_by_key(|r| r.submitted_at);
        for r in sorted {
            let who = r.user.as_ref().map(|u| u.login.as_str()).unwrap_or("");
            let state = r.state.as_str();
            if !matches!(state, "APPROVED" | "CHANGES_REQUESTED" | "DISMISSED") {
                continue;
            }
            latest.retain(|(w, _)| *w != who);
            latest.push((who, state));
        }
        if latest.iter().any(|(_, s)| *s == "CHANGES_REQUESTED") {
            ReviewDecision::ChangesRequested
        } else if latest.iter().any(|(_, s)| *s == "APPROVED") {
            ReviewDecision::Approved
        } else if !requested.is_empty() {
            ReviewDecision::ReviewRequired
        } else {
            ReviewDecision::None
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct PullRow {
    pub pr: PullRequest,
    pub role: PullRole,
    pub checks: Option<ChecksRollup>,
    pub decision: ReviewDecision,
    pub comments: u64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DeploymentEntry {
    pub deployment: Deployment,
    /// The newest status; `None` when the deployment has none yet.
    pub status: Option<DeploymentStatus>,
}

impl DeploymentEntry {
    pub fn state(&self) -> &str {
        self.status
            .as_ref()
            .map(|s| s.state.as_str())
            .unwrap_or("pending")
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct EnvRow {
    pub env: Environment,
    /// Newest first.
    pub history: Vec<DeploymentEntry>,
    pub waiting: Vec<(WorkflowRun, PendingDeployment)>,
}

impl EnvRow {
    /// The deployment serving the environment now: the newest that succeeded.
    pub fn live(&self) -> Option<&DeploymentEntry> {
        self.history.iter().find(|d| d.state() == "success")
    }

    /// A deployment newer than the live one that is still rolling out.
    pub fn in_progress(&self) -> Option<&DeploymentEntry> {
        let live_at: Option<DateTime<Utc>> = self.live().map(|d| d.deployment.created_at);
        self.history
            .iter()
            .filter(|d| matches!(d.state(), "queued" | "in_progress" | "pending"))
            .find(|d| live_at.is_none_or(|t| d.deployment.created_at > t))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn review(who: &str, state: &str, minute: u32) -> Review {
        Review {
            id: u64::from(minute),
            user: Some(User {
                login: who.into(),
                ..Default::default()
            }),
            state: state.into(),
            submitted_at: Some(
                DateTime::parse_from_rfc3339(&format!("2026-01-01T10:{minute:02}:00Z"))
                    .expect("date")
                    .into(),
            ),
            body: None,
        }
    }

    #[test]
    fn latest_review_per_person_decides() {
        let r = [
            review("alice", "CHANGES_REQUESTED", 1),
            review("bob", "APPROVED", 2),
        ];
        assert_eq!(
            ReviewDecision::from_reviews(&r, &[]),
            ReviewDecision::ChangesRequested
        );
        let r = [
            review("alice", "CHANGES_REQUESTED", 1),
            review("alice", "COMMENTED", 2),
            review("alice", "APPROVED", 3),
        ];
        assert_eq!(
            ReviewDecision::from_reviews(&r, &[]),
            ReviewDecision::Approved
        );
        let requested = [User {
            login: "carol".into(),
            ..Default::default()
        }];
        assert_eq!(
            ReviewDecision::from_reviews(&[], &requested),
            ReviewDecision::ReviewRequired
        );
        assert_eq!(
            ReviewDecision::from_reviews(&[review("a", "COMMENTED", 1)], &[]),
            ReviewDecision::None
        );
    }

    #[test]
    fn slug_parsing_refuses_junk() {
        assert_eq!(
            Slug::parse("acme/rocket").map(|s| s.full_name()),
            Some("acme/rocket".into())
        );
        assert!(Slug::parse("acme").is_none());
        assert!(Slug::parse("a/b/c").is_none());
        assert!(Slug::parse("/x").is_none());
    }
}
