//! What each dashboard panel shows, assembled from GitHub's endpoints. Every fetch reports
//! whether anything changed, so an unchanged poll neither costs rate limit (304) nor a redraw.

use super::client::{Fetched, GitHub};
use super::error::ApiError;
use super::models::*;
use super::partial::{part, part_for, Gaps, Part, Partial};
use super::paths::query_value;
use crate::text::Name;
use chrono::{DateTime, Utc};
use futures_util::future::join_all;

/// OWNER/NAME of the repository the dashboard is about.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Slug {
    pub owner: String,
    pub name: String,
}

impl Slug {
    pub fn parse(s: &str) -> Option<Slug> {
        Slug::check(s).ok()
    }

    /// `OWNER/NAME` by GitHub's rules ([`super::names`]), or why not.
    pub fn check(s: &str) -> Result<Slug, String> {
        super::names::check_slug(s).map(|(owner, name)| Slug { owner, name })
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

    /// One pull request's row: the pull request itself, then its reviews and checks (all
    /// conditional requests: an unchanged pull request costs nothing). `found` is what the
    /// search said of it: when the pull request itself cannot be read, the row is made of that,
    /// its checks (which need the head commit) and comment count marked unread.
    pub async fn pull_row(
        &self,
        slug: &Slug,
        found: &Issue,
        login: &str,
    ) -> Result<Fetched<PullRow>, ApiError> {
        let number = found.number;
        let pr_path = format!("{}/pulls/{number}", slug.api_path());
        let mut unread = Gaps::default();
        let full = match part(
            self.get::<PullRequest>(&pr_path).await,
            Part::Comments,
            &mut unread,
        )? {
            Some(full) => full,
            None => Fetched {
                data: pull_from_search(found),
                changed: true,
            },
        };
        let pr = full.data;
        let author = pr.user.as_ref().map(|u| u.login.as_str()) == Some(login);
        let asked = pr.requested_reviewers.iter().any(|u| u.login == login);
        let role = match (author, asked) {
            (true, _) => PullRole::Mine,
            (false, true) => PullRole::ReviewRequested,
            (false, false) => PullRole::Involved,
        };
        let reviews_path = format!("{}/pulls/{number}/reviews?per_page=100", slug.api_path());
        let checks_path = format!(
            "{}/commits/{}/check-runs?per_page=100",
            slug.api_path(),
            pr.head.sha
        );
        let checks = async {
            match unread.get(Part::Comments) {
                // The head commit is unknown: so are its checks.
                Some(u) => Err(ApiError::NotAsked {
                    why: format!("the pull request could not be read: {}", u.why),
                }),
                None => self.get::<CheckRunList>(&checks_path).await,
            }
        };
        let (reviews, checks) = tokio::join!(self.get_pages::<Review>(&reviews_path, 3), checks);
        // The pull request is the row; what the other requests add is garnish that can be
        // missing: the row shows `?` there and says why.
        let mut gaps = unread;
        let reviews = part(reviews, Part::Reviews, &mut gaps)?;
        // A repository without Actions answers 404: no checks, not a gap.
        let checks = match checks {
            Err(ApiError::NotFound { .. }) => None,
            other => part(other, Part::Checks, &mut gaps)?,
        };
        let changed = full.changed
            || reviews.as_ref().is_some_and(|r| r.changed)
            || checks.as_ref().is_some_and(|c| c.changed)
            || !gaps.is_empty();
        let comments = pr.comments.unwrap_or(0) + pr.review_comments.unwrap_or(0);
        let decision = reviews.map_or(ReviewDecision::None, |r| {
            ReviewDecision::from_reviews(&r.data, &pr.requested_reviewers)
        });
        Ok(Fetched {
            data: PullRow {
                repo: slug.clone(),
                pr,
                role,
                checks: checks.map(|c| ChecksRollup::from_runs(&c.data.check_runs)),
                decision,
                comments,
                gaps,
            },
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
    pub(crate) async fn runs_where(
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
    /// Only the environments themselves are needed; any other request that fails leaves a
    /// gap in the rows it concerns.
    pub async fn environment_rows(&self, slug: &Slug) -> Result<Fetched<Vec<EnvRow>>, ApiError> {
        let envs = self.environments(slug).await?;
        let mut changed = envs.changed;
        // Which environment a waiting run waits for is only known from its pending
        // deployments, so a failure here leaves every row unsure.
        let mut approvals = Gaps::default();
        let (c, waits) = self.waits(slug, &mut approvals).await?;
        changed |= c;
        let histories = join_all(
            envs.data
                .iter()
                .map(|env| self.environment_history(slug, &env.name)),
        )
        .await;
        let mut rows = Vec::new();
        for (env, h) in envs.data.into_iter().zip(histories) {
            let (c, history, mut gaps) = h?;
            changed |= c;
            for u in approvals.iter() {
                gaps.note(u.part, u.why.clone());
            }
            changed |= !gaps.is_empty();
            let waiting = waits
                .iter()
                .filter(|(_, p)| p.environment.name == env.name)
                .cloned()
                .collect();
            rows.push(EnvRow {
                repo: slug.clone(),
                env,
                history,
                waiting,
                gaps,
            });
        }
        Ok(Fetched {
            data: rows,
            changed,
        })
    }

    /// The runs waiting for a deployment review with what each waits for (whether anything
    /// changed, and the pairs). What could not be read goes into `gaps`.
    async fn waits(
        &self,
        slug: &Slug,
        gaps: &mut Gaps,
    ) -> Result<(bool, Vec<(WorkflowRun, PendingDeployment)>), ApiError> {
        let mut changed = false;
        let waiting = self
            .get::<RunList>(&format!(
                "{}/actions/runs?status=waiting&per_page=30",
                slug.api_path()
            ))
            .await;
        let waiting_runs = part(waiting, Part::Approvals, gaps)?
            .map(|w| {
                changed |= w.changed;
                w.data.workflow_runs
            })
            .unwrap_or_default();
        let pendings = join_all(waiting_runs.iter().map(|run| {
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
            let what = format!("run #{}", run.run_number);
            if let Some(p) = part_for(p, Part::Approvals, &what, gaps)? {
                changed |= p.changed;
                waits.extend(p.data.into_iter().map(|pd| (run.clone(), pd)));
            }
        }
        Ok((changed, waits))
    }

    /// Deployments waiting for a review in `slug`, for the approval queue. Unlike the Deploys
    /// panel's rows, a part that cannot be read is an error: a queue that silently misses a
    /// waiting deployment would be wrong, not partial.
    pub async fn pending_reviews(
        &self,
        slug: &Slug,
    ) -> Result<Fetched<Vec<(WorkflowRun, PendingDeployment)>>, ApiError> {
        let mut gaps = Gaps::default();
        let (changed, data) = self.waits(slug, &mut gaps).await?;
        let unread = gaps.iter().next().map(ToString::to_string);
        match unread {
            Some(why) => Err(ApiError::NotAsked { why }),
            None => Ok(Fetched { data, changed }),
        }
    }

    /// The newest runs of a repository on every branch, for the CI panel across watched
    /// repositories.
    pub async fn recent_runs(
        &self,
        slug: &Slug,
        per_page: u32,
    ) -> Result<Fetched<Vec<WorkflowRun>>, ApiError> {
        let f = self
            .get::<RunList>(&format!(
                "{}/actions/runs?per_page={per_page}",
                slug.api_path()
            ))
            .await?;
        Ok(Fetched {
            changed: f.changed,
            data: f.data.workflow_runs,
        })
    }

    /// An environment's newest deployments with their newest status, and what could not be
    /// read of them.
    async fn environment_history(
        &self,
        slug: &Slug,
        env: &str,
    ) -> Result<(bool, Vec<DeploymentEntry>, Gaps), ApiError> {
        let mut gaps = Gaps::default();
        let deps = self
            .get::<Vec<Deployment>>(&format!(
                "{}/deployments?environment={}&per_page=20",
                slug.api_path(),
                query_value(env)
            ))
            .await;
        let Some(deps) = part(deps, Part::Deployments, &mut gaps)? else {
            return Ok((false, Vec::new(), gaps));
        };
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
            let s = part(s, Part::Statuses, &mut gaps)?;
            changed |= s.as_ref().is_some_and(|s| s.changed);
            history.push(DeploymentEntry {
                deployment: d,
                status_unread: s.is_none(),
                status: s.and_then(|s| s.data.into_iter().next()),
            });
        }
        Ok((changed, history, gaps))
    }
}

/// A pull request as far as a search item tells it (no head or base: those the search does
/// not give).
fn pull_from_search(i: &Issue) -> PullRequest {
    let unknown = || GitRef {
        ref_name: Name::default(),
        sha: String::new(),
        repo: None,
    };
    PullRequest {
        number: i.number,
        // The item's node id is the issue's, not the pull request's GraphQL id.
        node_id: String::new(),
        title: i.title.clone(),
        state: i.state.clone(),
        draft: false,
        user: i.user.clone(),
        head: unknown(),
        base: unknown(),
        requested_reviewers: Vec::new(),
        html_url: i.html_url.clone(),
        created_at: i.created_at,
        updated_at: i.updated_at,
        body: i.body.clone(),
        merged_at: None,
        merge_commit_sha: None,
        comments: None,
        review_comments: None,
        mergeable_state: None,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PullRole {
    Mine,
    ReviewRequested,
    /// Neither mine nor asking for my review (a section's query found it).
    Involved,
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

/// Each reviewer's latest approving, blocking or dismissed review, oldest first.
fn verdicts(reviews: &[Review]) -> Vec<(&str, &ReviewState)> {
    let mut latest: Vec<(&str, &ReviewState)> = Vec::new();
    let mut sorted: Vec<&Review> = reviews.iter().collect();
    sorted.sort_by_key(|r| r.submitted_at);
    for r in sorted {
        let who = r.user.as_ref().map(|u| u.login.as_str()).unwrap_or("");
        if !matches!(
            r.state,
            ReviewState::Approved | ReviewState::ChangesRequested | ReviewState::Dismissed
        ) {
            continue;
        }
        latest.retain(|(w, _)| *w != who);
        latest.push((who, &r.state));
    }
    latest
}

/// How many reviewers' latest verdict is an approval (what a required review count counts).
pub fn approvals(reviews: &[Review]) -> u64 {
    verdicts(reviews)
        .iter()
        .filter(|(_, s)| **s == ReviewState::Approved)
        .count() as u64
}

impl ReviewDecision {
    /// Each reviewer's latest approving or blocking review counts; comments do not change a
    /// verdict, and a dismissal withdraws it — GitHub's rule without branch protection.
    pub fn from_reviews(reviews: &[Review], requested: &[User]) -> ReviewDecision {
        let latest = verdicts(reviews);
        if latest
            .iter()
            .any(|(_, s)| **s == ReviewState::ChangesRequested)
        {
            ReviewDecision::ChangesRequested
        } else if latest.iter().any(|(_, s)| **s == ReviewState::Approved) {
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
    /// The repository the pull request is in (a section can span several).
    pub repo: Slug,
    pub pr: PullRequest,
    pub role: PullRole,
    pub checks: Option<ChecksRollup>,
    pub decision: ReviewDecision,
    pub comments: u64,
    /// Parts of the row that could not be read (checks, reviews, comment count).
    pub gaps: Gaps,
}

impl Partial for PullRow {
    fn gaps(&self) -> (String, &Gaps) {
        (format!("#{}", self.pr.number), &self.gaps)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct DeploymentEntry {
    pub deployment: Deployment,
    /// The newest status; `None` when the deployment has none yet.
    pub status: Option<DeploymentStatus>,
    /// Its statuses could not be read: its state is unknown (the row's gaps say why).
    pub status_unread: bool,
}

impl DeploymentEntry {
    /// The newest status's state (`pending` before the first status); `None` when the
    /// statuses could not be read.
    pub fn state(&self) -> Option<&DeploymentState> {
        if self.status_unread {
            return None;
        }
        Some(
            self.status
                .as_ref()
                .map_or(&DeploymentState::Pending, |s| &s.state),
        )
    }

    /// The state as shown: GitHub's word for it, or "unknown".
    pub fn state_label(&self) -> &str {
        self.state().map_or("unknown", DeploymentState::as_str)
    }

    fn succeeded(&self) -> bool {
        self.state() == Some(&DeploymentState::Success)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct EnvRow {
    /// The repository the environment belongs to.
    pub repo: Slug,
    pub env: Environment,
    /// Newest first.
    pub history: Vec<DeploymentEntry>,
    pub waiting: Vec<(WorkflowRun, PendingDeployment)>,
    /// Parts of the row that could not be read (deployments, their statuses, approvals).
    pub gaps: Gaps,
}

impl Partial for EnvRow {
    fn gaps(&self) -> (String, &Gaps) {
        (self.env.name.shown().to_string(), &self.gaps)
    }
}

impl EnvRow {
    /// The deployment serving the environment now: the newest that succeeded.
    pub fn live(&self) -> Option<&DeploymentEntry> {
        self.history.iter().find(|d| d.succeeded())
    }

    /// Whether what [`EnvRow::live`] says may be wrong: the deployments could not be read, or
    /// a newer one's state is unknown.
    pub fn live_unsure(&self) -> bool {
        self.gaps.has(Part::Deployments)
            || self
                .history
                .iter()
                .take_while(|d| !d.succeeded())
                .any(|d| d.status_unread)
    }

    /// A deployment newer than the live one that is still rolling out.
    pub fn in_progress(&self) -> Option<&DeploymentEntry> {
        let live_at: Option<DateTime<Utc>> = self.live().map(|d| d.deployment.created_at);
        self.history
            .iter()
            .filter(|d| {
                matches!(
                    d.state(),
                    Some(
                        DeploymentState::Queued
                            | DeploymentState::InProgress
                            | DeploymentState::Pending
                    )
                )
            })
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
        assert!(Slug::parse("../..").is_none());
        assert!(Slug::parse("acme/..").is_none());
    }
}
