//! The scenario file: the world fakehub starts from.
//!
//! All times are offsets in seconds relative to the clock at start (`*_offset_secs`, negative =
//! in the past) or relative to the thing they belong to (`after_secs`, `secs`). Ids of issues,
//! runs, workflows, environments and users are given explicitly so tests can name them; ids of
//! comments, reviews, jobs, deployments and statuses are assigned in file order at load.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;

/// A parsed scenario (see `assets/demo/scenario.json` for the demo one).
#[derive(Clone, Debug)]
pub struct Scenario {
    pub(crate) spec: ScenarioSpec,
}

impl Scenario {
    /// The built-in demo world.
    pub fn demo() -> Scenario {
        match Scenario::from_json(include_str!("../../assets/demo/scenario.json")) {
            Ok(s) => s,
            // The demo file is checked by a unit test; a broken build is the only way here.
            Err(e) => panic!("assets/demo/scenario.json is invalid: {e}"),
        }
    }

    /// The workflow files of repository `full_name`, `(path, YAML)`, exactly as the contents
    /// API serves them: the demo repository commits these, so git and the API agree.
    pub fn workflow_files(&self, full_name: &str) -> Vec<(String, String)> {
        let now = chrono::Utc::now();
        self.spec
            .repos
            .iter()
            .filter(|r| r.full_name == full_name)
            .flat_map(|r| &r.workflows)
            .map(|w| {
                let wf = super::world::load_workflow(w, now);
                (wf.path(), wf.yaml())
            })
            .collect()
    }

    /// Parses and checks a scenario.
    pub fn from_json(json: &str) -> Result<Scenario, ScenarioError> {
        let spec: ScenarioSpec =
            serde_json::from_str(json).map_err(|e| ScenarioError(format!("parse: {e}")))?;
        spec.check()?;
        Ok(Scenario { spec })
    }
}

/// Why a scenario was refused.
#[derive(Debug, Clone, thiserror::Error)]
#[error("invalid fakehub scenario: {0}")]
pub struct ScenarioError(pub String);

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ScenarioSpec {
    /// Free text for humans reading the file.
    #[serde(default, rename = "_about")]
    #[allow(dead_code)]
    pub about: Vec<String>,
    pub users: Vec<UserSpec>,
    #[serde(default)]
    pub tokens: Vec<TokenSpec>,
    pub repos: Vec<RepoSpec>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct UserSpec {
    pub login: String,
    pub id: u64,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub organization: bool,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct TokenSpec {
    pub token: String,
    pub login: String,
    #[serde(default)]
    pub scopes: Vec<String>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RepoSpec {
    pub id: u64,
    pub full_name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub private: bool,
    pub default_branch: String,
    #[serde(default)]
    pub created_offset_secs: i64,
    /// login → role: admin | maintain | write | triage | read
    #[serde(default)]
    pub collaborators: BTreeMap<String, String>,
    #[serde(default = "yes")]
    pub allow_merge_commit: bool,
    #[serde(default = "yes")]
    pub allow_squash_merge: bool,
    #[serde(default = "yes")]
    pub allow_rebase_merge: bool,
    #[serde(default)]
    pub branches: Vec<BranchSpec>,
    #[serde(default)]
    pub labels: Vec<LabelSpec>,
    /// Issues and pull requests share one number space, as on GitHub.
    #[serde(default)]
    pub issues: Vec<IssueSpec>,
    #[serde(default)]
    pub workflows: Vec<WorkflowSpec>,
    #[serde(default)]
    pub runs: Vec<RunSpec>,
    #[serde(default)]
    pub environments: Vec<EnvironmentSpec>,
    #[serde(default)]
    pub deployments: Vec<DeploymentSpec>,
    /// Notification threads beyond those the world makes (one whose target is gone).
    #[serde(default)]
    pub notifications: Vec<NotificationSpec>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct NotificationSpec {
    /// Whose inbox it is in.
    pub login: String,
    pub reason: String,
    /// `Issue` or `PullRequest`.
    #[serde(rename = "type")]
    pub kind: String,
    pub number: u64,
    pub title: String,
    pub updated_offset_secs: i64,
    #[serde(default = "yes")]
    pub unread: bool,
}

fn yes() -> bool {
    true
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct BranchSpec {
    pub name: String,
    pub sha: String,
    #[serde(default)]
    pub protected: bool,
    /// Head commit message (shown as a run's head_commit / display title).
    #[serde(default)]
    pub message: Option<String>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct LabelSpec {
    pub name: String,
    pub color: String,
    #[serde(default)]
    pub description: Option<String>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct IssueSpec {
    pub number: u64,
    pub title: String,
    #[serde(default)]
    pub body: Option<String>,
    pub user: String,
    #[serde(default = "open")]
    pub state: String,
    #[serde(default)]
    pub state_reason: Option<String>,
    #[serde(default)]
    pub assignees: Vec<String>,
    #[serde(default)]
    pub labels: Vec<String>,
    pub created_offset_secs: i64,
    #[serde(default)]
    pub closed_offset_secs: Option<i64>,
    #[serde(default)]
    pub closed_by: Option<String>,
    /// The commit that closed it (its `closed` event's `commit_id`); on the default branch a
    /// made-up sha becomes the commit that was the branch's head when the issue closed.
    #[serde(default)]
    pub closed_commit: Option<String>,
    #[serde(default)]
    pub locked: bool,
    #[serde(default)]
    pub comments: Vec<CommentSpec>,
    /// Present when this number is a pull request.
    #[serde(default)]
    pub pull: Option<PullSpec>,
}

fn open() -> String {
    "open".into()
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CommentSpec {
    pub user: String,
    pub body: String,
    pub offset_secs: i64,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PullSpec {
    pub head: String,
    pub base: String,
    #[serde(default)]
    pub draft: bool,
    #[serde(default)]
    pub merged_offset_secs: Option<i64>,
    #[serde(default)]
    pub merged_by: Option<String>,
    #[serde(default)]
    pub merge_commit_sha: Option<String>,
    #[serde(default)]
    pub requested_reviewers: Vec<String>,
    #[serde(default)]
    pub commits: u64,
    #[serde(default)]
    pub additions: u64,
    #[serde(default)]
    pub deletions: u64,
    #[serde(default)]
    pub changed_files: u64,
    #[serde(default)]
    pub mergeable: Option<bool>,
    #[serde(default = "unknown")]
    pub mergeable_state: String,
    #[serde(default)]
    pub reviews: Vec<ReviewSpec>,
    #[serde(default)]
    pub review_comments: Vec<ReviewCommentSpec>,
    /// Changed files with their patches (`GET …/pulls/{n}/files`).
    #[serde(default)]
    pub files: Vec<super::pull_files::FileChange>,
}

fn unknown() -> String {
    "unknown".into()
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ReviewSpec {
    pub user: String,
    /// APPROVED | CHANGES_REQUESTED | COMMENTED | DISMISSED
    pub state: String,
    #[serde(default)]
    pub body: String,
    pub offset_secs: i64,
    /// The commit reviewed; default: the PR head.
    #[serde(default)]
    pub commit_id: Option<String>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ReviewCommentSpec {
    pub user: String,
    pub body: String,
    pub offset_secs: i64,
    /// Index into this PR's `reviews` (the review the comment was submitted with).
    #[serde(default)]
    pub review: Option<usize>,
    /// Index into this PR's `review_comments` of the thread's first comment.
    #[serde(default)]
    pub reply_to: Option<usize>,
    pub path: String,
    /// Current line; null when the thread is outdated.
    #[serde(default)]
    pub line: Option<u64>,
    pub original_line: u64,
    #[serde(default)]
    pub start_line: Option<u64>,
    #[serde(default = "right")]
    pub side: String,
    pub diff_hunk: String,
    #[serde(default)]
    pub commit_id: Option<String>,
    /// Only meaningful on a thread's first comment (used by the GraphQL review threads).
    #[serde(default)]
    pub resolved: bool,
}

fn right() -> String {
    "RIGHT".into()
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct WorkflowSpec {
    pub id: u64,
    /// File name under `.github/workflows/`.
    pub file: String,
    pub name: String,
    /// Triggers: push, pull_request, workflow_dispatch, schedule, ...
    pub on: Vec<String>,
    #[serde(default)]
    pub schedule: Vec<String>,
    /// `on.workflow_dispatch.inputs`, in order.
    #[serde(default)]
    pub inputs: Vec<InputSpec>,
    pub jobs: Vec<JobSpec>,
    #[serde(default)]
    pub created_offset_secs: i64,
    /// run_number of the oldest run in the scenario.
    #[serde(default = "one")]
    pub first_run_number: u64,
}

fn one() -> u64 {
    1
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct InputSpec {
    pub name: String,
    /// string | choice | boolean | number | environment
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub required: bool,
    #[serde(default)]
    pub default: Option<Value>,
    #[serde(default)]
    pub options: Vec<String>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct JobSpec {
    pub name: String,
    #[serde(default)]
    pub needs: Vec<String>,
    /// May be `${{ inputs.NAME }}`.
    #[serde(default)]
    pub environment: Option<String>,
    /// Seconds from the job becoming ready to a runner picking it up.
    #[serde(default = "two")]
    pub queue_secs: u32,
    #[serde(default = "ubuntu")]
    pub runs_on: String,
    /// The job's own steps; "Set up job" and "Complete job" are added around them.
    pub steps: Vec<StepSpec>,
}

fn two() -> u32 {
    2
}

fn ubuntu() -> String {
    "ubuntu-latest".into()
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct StepSpec {
    pub name: String,
    #[serde(default)]
    pub uses: Option<String>,
    #[serde(default)]
    pub run: Option<String>,
    pub secs: u32,
    /// Output lines (may contain ANSI SGR sequences).
    #[serde(default)]
    pub log: Vec<String>,
    /// Adds this many generated `test ... ok` lines to the output.
    #[serde(default)]
    pub test_lines: u32,
    /// Annotations this step produces even when it succeeds.
    #[serde(default)]
    pub annotations: Vec<AnnotationSpec>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct AnnotationSpec {
    pub path: String,
    pub start_line: u64,
    #[serde(default)]
    pub end_line: Option<u64>,
    /// notice | warning | failure
    pub level: String,
    #[serde(default)]
    pub title: Option<String>,
    pub message: String,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RunSpec {
    pub id: u64,
    /// Workflow file name.
    pub workflow: String,
    pub branch: String,
    /// Literal head sha; default: follows the branch head.
    #[serde(default)]
    pub sha: Option<String>,
    pub event: String,
    pub actor: String,
    pub start_offset_secs: i64,
    /// display_title; default: the branch head message (or the workflow name for dispatches).
    #[serde(default)]
    pub title: Option<String>,
    /// Pull request number this run belongs to.
    #[serde(default)]
    pub pr: Option<u64>,
    #[serde(default)]
    pub inputs: BTreeMap<String, Value>,
    /// Steps that fail (a failing step fails its job; later steps are skipped).
    #[serde(default)]
    pub failures: Vec<FailureSpec>,
    /// Cancelled this many seconds after the run started.
    #[serde(default)]
    pub cancel_after_secs: Option<i64>,
    /// Reviews of pending deployments, relative to the run start.
    #[serde(default)]
    pub approvals: Vec<ApprovalSpec>,
    /// A fork's pull request run that waits for a maintainer's approval (`…/approve`).
    #[serde(default)]
    pub needs_approval: bool,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FailureSpec {
    pub job: String,
    pub step: String,
    /// Output lines of the failing step (replacing its normal output).
    #[serde(default)]
    pub log: Vec<String>,
    #[serde(default)]
    pub annotations: Vec<AnnotationSpec>,
    #[serde(default = "exit_one")]
    pub exit_code: i32,
    /// A flaky failure does not happen again when the job is re-run.
    #[serde(default)]
    pub flaky: bool,
}

fn exit_one() -> i32 {
    1
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ApprovalSpec {
    pub environment: String,
    /// approved | rejected
    pub state: String,
    pub user: String,
    pub after_secs: i64,
    #[serde(default)]
    pub comment: String,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct EnvironmentSpec {
    pub id: u64,
    pub name: String,
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub reviewers: Vec<String>,
    #[serde(default)]
    pub wait_timer: Option<u64>,
    #[serde(default)]
    pub prevent_self_review: bool,
    #[serde(default)]
    pub created_offset_secs: i64,
    /// Whether deployments here are production deployments.
    #[serde(default)]
    pub production: bool,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct DeploymentSpec {
    pub environment: String,
    #[serde(rename = "ref")]
    pub git_ref: String,
    pub sha: String,
    pub creator: String,
    pub created_offset_secs: i64,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub payload: Option<Value>,
    #[serde(default = "deploy")]
    pub task: String,
    pub statuses: Vec<DeploymentStatusSpec>,
}

fn deploy() -> String {
    "deploy".into()
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct DeploymentStatusSpec {
    /// error | failure | inactive | pending | success | queued | in_progress
    pub state: String,
    pub after_secs: i64,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub log_url: Option<String>,
}

fn is_sha(s: &str) -> bool {
    s.len() == 40 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

impl ScenarioSpec {
    fn check(&self) -> Result<(), ScenarioError> {
        let err = |m: String| Err(ScenarioError(m));
        let known_user = |l: &str| self.users.iter().any(|u| u.login == l);
        for t in &self.tokens {
            if !known_user(&t.login) {
                return err(format!("token for unknown user {}", t.login));
            }
        }
        for r in &self.repos {
            let Some((owner, _)) = r.full_name.split_once('/') else {
                return err(format!("repo {} is not OWNER/NAME", r.full_name));
            };
            if !known_user(owner) {
                return err(format!("repo {}: unknown owner", r.full_name));
            }
            let branch = |b: &str| r.branches.iter().any(|x| x.name == b);
            for b in &r.branches {
                if !is_sha(&b.sha) {
                    return err(format!("branch {}: sha is not 40 hex digits", b.name));
                }
            }
            if !r.branches.is_empty() && !branch(&r.default_branch) {
                return err(format!("{}: default branch missing", r.full_name));
            }
            let mut numbers = std::collections::BTreeSet::new();
            for i in &r.issues {
                if !numbers.insert(i.number) {
                    return err(format!("{}: duplicate issue #{}", r.full_name, i.number));
                }
                for l in &i.labels {
                    if !r.labels.iter().any(|x| &x.name == l) {
                        return err(format!("#{}: unknown label {l}", i.number));
                    }
                }
                let users = i
                    .assignees
                    .iter()
                    .chain(std::iter::once(&i.user))
                    .chain(i.comments.iter().map(|c| &c.user));
                for u in users {
                    if !known_user(u) {
                        return err(format!("#{}: unknown user {u}", i.number));
                    }
                }
                if let Some(p) = &i.pull {
                    if !branch(&p.head) || !branch(&p.base) {
                        return err(format!("#{}: unknown head/base branch", i.number));
                    }
                    for (k, c) in p.review_comments.iter().enumerate() {
                        if c.review.is_some_and(|x| x >= p.reviews.len()) {
                            return err(format!("#{}: comment {k}: bad review index", i.number));
                        }
                        if c.reply_to.is_some_and(|x| x >= k) {
                            return err(format!("#{}: comment {k}: bad reply_to", i.number));
                        }
                    }
                }
            }
            for n in &r.notifications {
                if !known_user(&n.login) || !["Issue", "PullRequest"].contains(&n.kind.as_str()) {
                    return err(format!(
                        "notification on #{}: unknown user or type",
                        n.number
                    ));
                }
            }
            for run in &r.runs {
                let Some(wf) = r.workflows.iter().find(|w| w.file == run.workflow) else {
                    return err(format!("run {}: unknown workflow {}", run.id, run.workflow));
                };
                if !branch(&run.branch) {
                    return err(format!("run {}: unknown branch {}", run.id, run.branch));
                }
                if run.sha.as_deref().is_some_and(|s| !is_sha(s)) {
                    return err(format!("run {}: sha is not 40 hex digits", run.id));
                }
                for f in &run.failures {
                    let job = wf.jobs.iter().find(|j| j.name == f.job);
                    if !job.is_some_and(|j| j.steps.iter().any(|s| s.name == f.step)) {
                        return err(format!("run {}: no step {}/{}", run.id, f.job, f.step));
                    }
                }
                for a in &run.approvals {
                    if !r.environments.iter().any(|e| e.name == a.environment) {
                        return err(format!("run {}: unknown environment", run.id));
                    }
                }
            }
            for wf in &r.workflows {
                for (k, j) in wf.jobs.iter().enumerate() {
                    for n in &j.needs {
                        if !wf.jobs[..k].iter().any(|x| &x.name == n) {
                            return err(format!("{}: job {} needs a later job", wf.file, j.name));
                        }
                    }
                }
            }
            for d in &r.deployments {
                if !r.environments.iter().any(|e| e.name == d.environment) {
                    return err(format!("deployment: unknown environment {}", d.environment));
                }
                if !is_sha(&d.sha) {
                    return err(format!("deployment of {}: bad sha", d.git_ref));
                }
            }
        }
        Ok(())
    }
}
