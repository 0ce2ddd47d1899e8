//! The simulated GitHub world: users, tokens, repositories with issues, pull requests,
//! workflows, runs, environments and deployments.
//!
//! Stored state is static facts plus events with timestamps (a run's start, an approval, a
//! cancellation). Everything that moves with time — a run's status, a job's steps, a deployment's
//! statuses — is computed from those facts and `now` on each request (`plan_attempt`,
//! `job_view`, `run_view`), so a manual clock advance moves the whole world consistently.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, TimeDelta, Utc};
use serde_json::Value;

use super::scenario::{AnnotationSpec, RepoSpec, ScenarioSpec, StepSpec, WorkflowSpec};

pub type Time = DateTime<Utc>;

pub(crate) fn secs(n: i64) -> TimeDelta {
    TimeDelta::seconds(n)
}

/// Id counters: ids of things that are created at load or by mutations.
#[derive(Clone, Debug)]
pub struct Ids {
    pub label: u64,
    pub issue: u64,
    pub pull: u64,
    pub comment: u64,
    pub review: u64,
    pub review_comment: u64,
    pub job: u64,
    pub check_suite: u64,
    pub run: u64,
    pub deployment: u64,
    pub deployment_status: u64,
}

impl Default for Ids {
    fn default() -> Self {
        Ids {
            label: 6_100_000_001,
            issue: 2_600_000_001,
            pull: 1_900_000_001,
            comment: 2_500_000_001,
            review: 2_400_000_001,
            review_comment: 1_800_000_001,
            job: 33_000_000_001,
            check_suite: 30_000_000_001,
            run: 11_900_000_001,
            deployment: 2_100_000_001,
            deployment_status: 4_000_000_001,
        }
    }
}

pub(crate) fn take(counter: &mut u64) -> u64 {
    let id = *counter;
    *counter += 1;
    id
}

#[derive(Clone, Debug)]
pub struct World {
    pub users: BTreeMap<String, User>,
    /// token → owner and scopes
    pub tokens: BTreeMap<String, Token>,
    pub repos: Vec<Repo>,
    pub ids: Ids,
    /// The simulation's time at load: scenario offsets are relative to it.
    pub started_at: Time,
    /// A bare git repository holding the first repository's branches, when one is attached
    /// (`FakeHub::attach_git` / `watch_remote`): merges and ref deletions then happen in it too,
    /// and it is served over git's smart HTTP protocol.
    pub git_dir: Option<std::path::PathBuf>,
    /// Who reviews pull requests opened during the session (the demo's scripted reviewer).
    pub auto_reviewer: Option<String>,
    pub notifications: super::notifications::Notifications,
}

#[derive(Clone, Debug)]
pub struct User {
    pub login: String,
    pub id: u64,
    pub name: Option<String>,
    pub organization: bool,
}

#[derive(Clone, Debug)]
pub struct Token {
    pub login: String,
    pub scopes: Vec<String>,
    pub revoked: bool,
}

#[derive(Clone, Debug)]
pub struct Repo {
    pub id: u64,
    pub owner: String,
    pub name: String,
    pub description: Option<String>,
    pub private: bool,
    pub default_branch: String,
    pub created_at: Time,
    pub collaborators: BTreeMap<String, String>,
    pub allow_merge_commit: bool,
    pub allow_squash_merge: bool,
    pub allow_rebase_merge: bool,
    pub branches: Vec<Branch>,
    pub labels: Vec<Label>,
    pub issues: BTreeMap<u64, Issue>,
    pub workflows: Vec<Workflow>,
    pub runs: Vec<Run>,
    pub environments: Vec<Environment>,
    pub deployments: Vec<Deployment>,
    /// Issue number → the commit that closed it ("Closes #n" in a merged pull request, or
    /// the scenario's `closed_commit`): its `closed` event names it.
    pub closing_commits: BTreeMap<u64, String>,
    /// Archived: read-only (tests archive a repository to see cockpit say so).
    pub archived: bool,
}

#[derive(Clone, Debug)]
pub struct Branch {
    pub name: String,
    pub sha: String,
    pub protected: bool,
    pub message: Option<String>,
}

#[derive(Clone, Debug)]
pub struct Label {
    pub id: u64,
    pub name: String,
    pub color: String,
    pub description: Option<String>,
}

#[derive(Clone, Debug)]
pub struct Issue {
    pub number: u64,
    pub id: u64,
    pub title: String,
    pub body: Option<String>,
    pub user: String,
    pub state: String,
    pub state_reason: Option<String>,
    pub assignees: Vec<String>,
    pub labels: Vec<String>,
    pub created_at: Time,
    pub updated_at: Time,
    pub closed_at: Option<Time>,
    pub closed_by: Option<String>,
    pub locked: bool,
    pub comments: Vec<Comment>,
    pub pull: Option<Pull>,
}

impl Issue {
    /// An issue (a pull request once `pull` is set) as `POST` opens it: open, unlabelled,
    /// unassigned, without comments.
    pub fn opened(
        number: u64,
        id: u64,
        title: String,
        body: Option<String>,
        user: String,
        now: Time,
    ) -> Issue {
        Issue {
            number,
            id,
            title,
            body,
            user,
            state: "open".into(),
            state_reason: None,
            assignees: Vec::new(),
            labels: Vec::new(),
            created_at: now,
            updated_at: now,
            closed_at: None,
            closed_by: None,
            locked: false,
            comments: Vec::new(),
            pull: None,
        }
    }
}

#[derive(Clone, Debug)]
pub struct Comment {
    pub id: u64,
    pub user: String,
    pub body: String,
    pub created_at: Time,
    pub updated_at: Time,
}

#[derive(Clone, Debug)]
pub struct Pull {
    pub id: u64,
    pub head: String,
    pub base: String,
    pub draft: bool,
    pub merged_at: Option<Time>,
    pub merged_by: Option<String>,
    pub merge_commit_sha: Option<String>,
    pub requested_reviewers: Vec<String>,
    pub commits: u64,
    pub additions: u64,
    pub deletions: u64,
    pub changed_files: u64,
    pub mergeable: Option<bool>,
    pub mergeable_state: String,
    pub reviews: Vec<Review>,
    pub review_comments: Vec<ReviewComment>,
    /// The scenario's changed files; none: the git store's diff, when there is one.
    pub files: Vec<super::pull_files::FileChange>,
}

#[derive(Clone, Debug)]
pub struct Review {
    pub id: u64,
    pub user: String,
    pub state: String,
    pub body: String,
    pub submitted_at: Time,
    /// None: the PR head.
    pub commit_id: Option<String>,
}

#[derive(Clone, Debug)]
pub struct ReviewComment {
    pub id: u64,
    pub review_id: Option<u64>,
    pub in_reply_to_id: Option<u64>,
    pub user: String,
    pub body: String,
    pub created_at: Time,
    pub updated_at: Time,
    pub path: String,
    pub line: Option<u64>,
    pub original_line: u64,
    pub start_line: Option<u64>,
    pub side: String,
    pub diff_hunk: String,
    /// None: the PR head.
    pub commit_id: Option<String>,
    pub resolved: bool,
}

#[derive(Clone, Debug)]
pub struct Workflow {
    pub id: u64,
    pub file: String,
    pub name: String,
    pub on: Vec<String>,
    pub schedule: Vec<String>,
    pub inputs: Vec<Input>,
    pub jobs: Vec<JobTemplate>,
    pub created_at: Time,
}

impl Workflow {
    pub fn path(&self) -> String {
        format!(".github/workflows/{}", self.file)
    }

    pub fn has_trigger(&self, t: &str) -> bool {
        self.on.iter().any(|x| x == t)
    }

    /// The workflow's YAML, for a later contents API.
    pub fn yaml(&self) -> String {
        let mut y = format!("name: {}\n\non:\n", self.name);
        for t in &self.on {
            match t.as_str() {
                "schedule" => {
                    y.push_str("  schedule:\n");
                    for c in &self.schedule {
                        y.push_str(&format!("    - cron: '{c}'\n"));
                    }
                }
                "workflow_dispatch" if !self.inputs.is_empty() => {
                    y.push_str("  workflow_dispatch:\n    inputs:\n");
                    for i in &self.inputs {
                        y.push_str(&format!("      {}:\n", i.name));
                        if let Some(d) = &i.description {
                            y.push_str(&format!("        description: {}\n", yaml_str(d)));
                        }
                        y.push_str(&format!("        type: {}\n", i.kind));
                        y.push_str(&format!("        required: {}\n", i.required));
                        if let Some(d) = &i.default {
                            let d = match d {
                                Value::String(s) => yaml_str(s),
                                other => other.to_string(),
                            };
                            y.push_str(&format!("        default: {d}\n"));
                        }
                        if !i.options.is_empty() {
                            y.push_str("        options:\n");
                            for o in &i.options {
                                y.push_str(&format!("          - {}\n", yaml_str(o)));
                            }
                        }
                    }
                }
                other => y.push_str(&format!("  {other}:\n")),
            }
        }
        y.push_str("\njobs:\n");
        for j in &self.jobs {
            let key = j
                .name
                .split(|c: char| !c.is_ascii_alphanumeric())
                .filter(|p| !p.is_empty())
                .collect::<Vec<_>>()
                .join("-");
            y.push_str(&format!("  {key}:\n    name: {}\n", yaml_str(&j.name)));
            y.push_str(&format!("    runs-on: {}\n", j.runs_on));
            if !j.needs.is_empty() {
                y.push_str(&format!("    needs: [{}]\n", j.needs.join(", ")));
            }
            if let Some(e) = &j.environment {
                y.push_str(&format!("    environment: {}\n", yaml_str(e)));
            }
            y.push_str("    steps:\n");
            for s in j.steps.iter().filter(|s| !s.synthetic) {
                y.push_str(&format!("      - name: {}\n", yaml_str(&s.name)));
                if let Some(u) = &s.uses {
                    y.push_str(&format!("        uses: {u}\n"));
                }
                if let Some(r) = &s.run {
                    y.push_str(&format!("        run: {}\n", yaml_str(r)));
                }
            }
        }
        y
    }
}

fn yaml_str(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

#[derive(Clone, Debug)]
pub struct Input {
    pub name: String,
    pub kind: String,
    pub description: Option<String>,
    pub required: bool,
    pub default: Option<Value>,
    pub options: Vec<String>,
}

#[derive(Clone, Debug)]
pub struct JobTemplate {
    pub name: String,
    pub needs: Vec<String>,
    pub environment: Option<String>,
    pub queue_secs: u32,
    pub runs_on: String,
    pub steps: Vec<Step>,
}

#[derive(Clone, Debug)]
pub struct Step {
    pub name: String,
    pub uses: Option<String>,
    pub run: Option<String>,
    pub secs: u32,
    pub log: Vec<String>,
    pub test_lines: u32,
    pub annotations: Vec<Annotation>,
    /// "Set up job" / "Complete job", added around the workflow's own steps.
    pub synthetic: bool,
}

#[derive(Clone, Debug)]
pub struct Annotation {
    pub path: String,
    pub start_line: u64,
    pub end_line: u64,
    pub level: String,
    pub title: Option<String>,
    pub message: String,
}

impl From<&AnnotationSpec> for Annotation {
    fn from(a: &AnnotationSpec) -> Self {
        Annotation {
            path: a.path.clone(),
            start_line: a.start_line,
            end_line: a.end_line.unwrap_or(a.start_line),
            level: a.level.clone(),
            title: a.title.clone(),
            message: a.message.clone(),
        }
    }
}

#[derive(Clone, Debug)]
pub struct Run {
    pub id: u64,
    pub workflow_id: u64,
    pub run_number: u64,
    pub branch: String,
    /// None: follows the branch head.
    pub sha: Option<String>,
    pub event: String,
    pub actor: String,
    pub display_title: String,
    pub pr: Option<u64>,
    pub inputs: BTreeMap<String, Value>,
    pub created_at: Time,
    pub attempts: Vec<Attempt>,
}

impl Run {
    pub fn latest(&self) -> &Attempt {
        // A run is always created with one attempt.
        &self.attempts[self.attempts.len() - 1]
    }
}

#[derive(Clone, Debug)]
pub struct Attempt {
    pub number: u32,
    pub started_at: Time,
    pub triggering_actor: String,
    pub check_suite_id: u64,
    pub cancelled_at: Option<Time>,
    pub jobs: Vec<Job>,
    /// A fork's run held until someone with write access approves it: its jobs wait here, and
    /// the run reads as completed with `action_required` (no jobs, no checks) until then.
    pub held: Vec<Job>,
}

#[derive(Clone, Debug)]
pub struct Job {
    pub id: u64,
    pub name: String,
    /// Indexes of earlier jobs of the same attempt.
    pub needs: Vec<usize>,
    pub environment: Option<String>,
    pub queue_secs: u32,
    pub runs_on: String,
    pub steps: Vec<Step>,
    pub fail: Option<Failure>,
    pub approval: Option<Approval>,
    /// A job carried over unchanged from an earlier attempt (re-run of failed jobs only).
    pub carried: Option<Box<JobPlan>>,
}

#[derive(Clone, Debug)]
pub struct Failure {
    /// Index into the job's steps.
    pub step: usize,
    pub exit_code: i32,
    pub log: Vec<String>,
    pub annotations: Vec<Annotation>,
    /// A flaky failure does not happen again on a re-run.
    pub flaky: bool,
}

#[derive(Clone, Debug)]
pub struct Approval {
    pub approved: bool,
    pub user: String,
    pub at: Time,
    pub comment: String,
}

#[derive(Clone, Debug)]
pub struct Environment {
    pub id: u64,
    pub name: String,
    pub url: Option<String>,
    pub reviewers: Vec<String>,
    pub wait_timer: u64,
    pub prevent_self_review: bool,
    pub created_at: Time,
    pub production: bool,
}

impl Environment {
    pub fn protected(&self) -> bool {
        !self.reviewers.is_empty()
    }
}

#[derive(Clone, Debug)]
pub struct Deployment {
    pub id: u64,
    pub environment: String,
    pub git_ref: String,
    /// None: follows the head of branch `git_ref`.
    pub sha: Option<String>,
    pub task: String,
    pub payload: Value,
    pub description: Option<String>,
    pub creator: String,
    pub created_at: Time,
    pub production: bool,
    pub statuses: Vec<DeploymentStatus>,
    /// Set for deployments made by a workflow job: their statuses follow that job.
    pub source: Option<JobRef>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct JobRef {
    pub run_id: u64,
    /// Index into the run's attempts.
    pub attempt: usize,
    /// Index into the attempt's jobs.
    pub job: usize,
}

#[derive(Clone, Debug)]
pub struct DeploymentStatus {
    pub id: u64,
    pub state: String,
    pub description: Option<String>,
    pub creator: String,
    pub created_at: Time,
    pub log_url: Option<String>,
}

// ---------------------------------------------------------------------------------------------
// Loading

impl World {
    pub(crate) fn from_scenario(spec: &ScenarioSpec, now: Time) -> World {
        let mut w = World {
            users: BTreeMap::new(),
            tokens: BTreeMap::new(),
            repos: Vec::new(),
            ids: Ids::default(),
            started_at: now,
            git_dir: None,
            auto_reviewer: None,
            notifications: Default::default(),
        };
        for u in &spec.users {
            w.users.insert(
                u.login.clone(),
                User {
                    login: u.login.clone(),
                    id: u.id,
                    name: u.name.clone(),
                    organization: u.organization,
                },
            );
        }
        for t in &spec.tokens {
            w.tokens.insert(
                t.token.clone(),
                Token {
                    login: t.login.clone(),
                    scopes: t.scopes.clone(),
                    revoked: false,
                },
            );
        }
        for r in &spec.repos {
            let repo = load_repo(r, now, &mut w.ids);
            w.repos.push(repo);
            w.notifications
                .seeded
                .extend(
                    r.notifications
                        .iter()
                        .map(|n| super::notifications::Seeded {
                            login: n.login.clone(),
                            repo: r.full_name.clone(),
                            reason: n.reason.clone(),
                            kind: n.kind.clone(),
                            number: n.number,
                            title: n.title.clone(),
                            updated_at: now + secs(n.updated_offset_secs),
                            unread: n.unread,
                        }),
                );
        }
        let max_run = w
            .repos
            .iter()
            .flat_map(|r| r.runs.iter().map(|x| x.id))
            .max()
            .unwrap_or(0);
        w.ids.run = w.ids.run.max(max_run + 1000);
        for k in 0..w.repos.len() {
            w.sync_deployments(k);
        }
        // Ids grow with time on GitHub: number the history and the run-made deployments together.
        let mut all: Vec<(Time, usize, usize)> = Vec::new();
        for (k, r) in w.repos.iter().enumerate() {
            for (i, d) in r.deployments.iter().enumerate() {
                all.push((d.created_at, k, i));
            }
        }
        all.sort();
        let mut next = Ids::default().deployment;
        for (_, k, i) in all {
            w.repos[k].deployments[i].id = take(&mut next);
        }
        w.ids.deployment = next;
        w
    }
}

fn load_repo(r: &RepoSpec, now: Time, ids: &mut Ids) -> Repo {
    let at = |o: i64| now + secs(o);
    let (owner, name) = r.full_name.split_once('/').unwrap_or((&r.full_name, ""));
    let labels = r
        .labels
        .iter()
        .map(|l| Label {
            id: take(&mut ids.label),
            name: l.name.clone(),
            color: l.color.clone(),
            description: l.description.clone(),
        })
        .collect();
    let branches = r
        .branches
        .iter()
        .map(|b| Branch {
            name: b.name.clone(),
            sha: b.sha.to_ascii_lowercase(),
            protected: b.protected,
            message: b.message.clone(),
        })
        .collect();
    let mut issues = BTreeMap::new();
    let mut specs: Vec<_> = r.issues.iter().collect();
    specs.sort_by_key(|i| i.number);
    for i in specs {
        let comments: Vec<Comment> = i
            .comments
            .iter()
            .map(|c| Comment {
                id: take(&mut ids.comment),
                user: c.user.clone(),
                body: c.body.clone(),
                created_at: at(c.offset_secs),
                updated_at: at(c.offset_secs),
            })
            .collect();
        let mut updated = at(i.created_offset_secs);
        for c in &comments {
            updated = updated.max(c.created_at);
        }
        let closed_at = i.closed_offset_secs.map(at);
        if let Some(c) = closed_at {
            updated = updated.max(c);
        }
        let pull = i.pull.as_ref().map(|p| {
            let reviews: Vec<Review> = p
                .reviews
                .iter()
                .map(|v| Review {
                    id: take(&mut ids.review),
                    user: v.user.clone(),
                    state: v.state.clone(),
                    body: v.body.clone(),
                    submitted_at: at(v.offset_secs),
                    commit_id: v.commit_id.clone(),
                })
                .collect();
            let mut rcs: Vec<ReviewComment> = Vec::new();
            for c in &p.review_comments {
                let in_reply_to_id = c.reply_to.and_then(|k| rcs.get(k)).map(|x| x.id);
                rcs.push(ReviewComment {
                    id: take(&mut ids.review_comment),
                    review_id: c.review.and_then(|k| reviews.get(k)).map(|v| v.id),
                    in_reply_to_id,
                    user: c.user.clone(),
                    body: c.body.clone(),
                    created_at: at(c.offset_secs),
                    updated_at: at(c.offset_secs),
                    path: c.path.clone(),
                    line: c.line,
                    original_line: c.original_line,
                    start_line: c.start_line,
                    side: c.side.clone(),
                    diff_hunk: c.diff_hunk.clone(),
                    commit_id: c.commit_id.clone(),
                    resolved: c.resolved,
                });
            }
            Pull {
                id: take(&mut ids.pull),
                head: p.head.clone(),
                base: p.base.clone(),
                draft: p.draft,
                merged_at: p.merged_offset_secs.map(at),
                merged_by: p.merged_by.clone(),
                merge_commit_sha: p.merge_commit_sha.clone(),
                requested_reviewers: p.requested_reviewers.clone(),
                commits: p.commits,
                additions: p.additions,
                deletions: p.deletions,
                changed_files: p.changed_files,
                mergeable: p.mergeable,
                mergeable_state: p.mergeable_state.clone(),
                reviews,
                review_comments: rcs,
                files: p.files.clone(),
            }
        });
        if let Some(p) = &pull {
            for t in p
                .reviews
                .iter()
                .map(|r| r.submitted_at)
                .chain(p.review_comments.iter().map(|c| c.created_at))
                .chain(p.merged_at)
            {
                updated = updated.max(t);
            }
        }
        issues.insert(
            i.number,
            Issue {
                number: i.number,
                id: take(&mut ids.issue),
                title: i.title.clone(),
                body: i.body.clone(),
                user: i.user.clone(),
                state: i.state.clone(),
                state_reason: i.state_reason.clone(),
                assignees: i.assignees.clone(),
                labels: i.labels.clone(),
                created_at: at(i.created_offset_secs),
                updated_at: updated,
                closed_at,
                closed_by: i.closed_by.clone(),
                locked: i.locked,
                comments,
                pull,
            },
        );
    }
    let workflows: Vec<Workflow> = r
        .workflows
        .iter()
        .map(|wf| load_workflow(wf, now))
        .collect();
    let environments = r
        .environments
        .iter()
        .map(|e| Environment {
            id: e.id,
            name: e.name.clone(),
            url: e.url.clone(),
            reviewers: e.reviewers.clone(),
            wait_timer: e.wait_timer.unwrap_or(0),
            prevent_self_review: e.prevent_self_review,
            created_at: at(e.created_offset_secs),
            production: e.production,
        })
        .collect();

    let mut repo = Repo {
        id: r.id,
        owner: owner.to_string(),
        name: name.to_string(),
        description: r.description.clone(),
        private: r.private,
        default_branch: r.default_branch.clone(),
        created_at: at(r.created_offset_secs),
        collaborators: r.collaborators.clone(),
        allow_merge_commit: r.allow_merge_commit,
        allow_squash_merge: r.allow_squash_merge,
        allow_rebase_merge: r.allow_rebase_merge,
        branches,
        labels,
        issues,
        workflows,
        runs: Vec::new(),
        environments,
        deployments: Vec::new(),
        closing_commits: r
            .issues
            .iter()
            .filter_map(|i| Some((i.number, i.closed_commit.clone()?)))
            .collect(),
        archived: false,
    };

    // Runs, oldest first, so run numbers and job ids grow with time as on GitHub.
    let mut run_specs: Vec<_> = r.runs.iter().collect();
    run_specs.sort_by_key(|x| (x.start_offset_secs, x.id));
    let mut numbers: BTreeMap<u64, u64> = BTreeMap::new();
    for rs in run_specs {
        let Some(wf) = repo
            .workflows
            .iter()
            .find(|w| w.file == rs.workflow)
            .cloned()
        else {
            continue;
        };
        let first = r
            .workflows
            .iter()
            .find(|w| w.file == rs.workflow)
            .map_or(1, |w| w.first_run_number);
        let n = numbers.entry(wf.id).or_insert(first);
        let run_number = *n;
        *n += 1;
        let created_at = at(rs.start_offset_secs);
        let mut jobs = instantiate_jobs(&wf, &rs.inputs, ids);
        for f in &rs.failures {
            if let Some(j) = jobs.iter_mut().find(|j| j.name == f.job) {
                if let Some(k) = j
                    .steps
                    .iter()
                    .position(|s| !s.synthetic && s.name == f.step)
                {
                    j.fail = Some(Failure {
                        step: k,
                        exit_code: f.exit_code,
                        log: f.log.clone(),
                        annotations: f.annotations.iter().map(Annotation::from).collect(),
                        flaky: f.flaky,
                    });
                }
            }
        }
        for a in &rs.approvals {
            for j in jobs.iter_mut() {
                if j.environment.as_deref() == Some(a.environment.as_str()) {
                    j.approval = Some(Approval {
                        approved: a.state == "approved",
                        user: a.user.clone(),
                        at: created_at + secs(a.after_secs),
                        comment: a.comment.clone(),
                    });
                }
            }
        }
        let display_title = rs.title.clone().unwrap_or_else(|| {
            if rs.event == "workflow_dispatch" || rs.event == "schedule" {
                wf.name.clone()
            } else {
                repo.branch(&rs.branch)
                    .and_then(|b| b.message.clone())
                    .unwrap_or_else(|| wf.name.clone())
            }
        });
        let (jobs, held) = match rs.needs_approval {
            true => (Vec::new(), jobs),
            false => (jobs, Vec::new()),
        };
        repo.runs.push(Run {
            id: rs.id,
            workflow_id: wf.id,
            run_number,
            branch: rs.branch.clone(),
            sha: rs.sha.as_ref().map(|s| s.to_ascii_lowercase()),
            event: rs.event.clone(),
            actor: rs.actor.clone(),
            display_title,
            pr: rs.pr,
            inputs: rs.inputs.clone(),
            created_at,
            attempts: vec![Attempt {
                number: 1,
                started_at: created_at,
                triggering_actor: rs.actor.clone(),
                check_suite_id: take(&mut ids.check_suite),
                cancelled_at: rs.cancel_after_secs.map(|c| created_at + secs(c)),
                jobs,
                held,
            }],
        });
    }

    // Deployment history, oldest first.
    let mut deps: Vec<_> = r.deployments.iter().collect();
    deps.sort_by_key(|d| d.created_offset_secs);
    for d in deps {
        let created_at = at(d.created_offset_secs);
        let production = repo
            .environments
            .iter()
            .any(|e| e.name == d.environment && e.production);
        let statuses = d
            .statuses
            .iter()
            .map(|s| DeploymentStatus {
                id: take(&mut ids.deployment_status),
                state: s.state.clone(),
                description: s.description.clone(),
                creator: d.creator.clone(),
                created_at: created_at + secs(s.after_secs),
                log_url: s.log_url.clone(),
            })
            .collect();
        repo.deployments.push(Deployment {
            id: take(&mut ids.deployment),
            environment: d.environment.clone(),
            git_ref: d.git_ref.clone(),
            sha: Some(d.sha.to_ascii_lowercase()),
            task: d.task.clone(),
            payload: d
                .payload
                .clone()
                .unwrap_or_else(|| Value::Object(Default::default())),
            description: d.description.clone(),
            creator: d.creator.clone(),
            created_at,
            production,
            statuses,
            source: None,
        });
    }
    repo
}

fn load_step(s: &StepSpec) -> Step {
    Step {
        name: s.name.clone(),
        uses: s.uses.clone(),
        run: s.run.clone(),
        secs: s.secs,
        log: s.log.clone(),
        test_lines: s.test_lines,
        annotations: s.annotations.iter().map(Annotation::from).collect(),
        synthetic: false,
    }
}

fn synthetic_step(name: &str, secs: u32) -> Step {
    Step {
        name: name.into(),
        uses: None,
        run: None,
        secs,
        log: Vec::new(),
        test_lines: 0,
        annotations: Vec::new(),
        synthetic: true,
    }
}

pub(crate) fn load_workflow(wf: &WorkflowSpec, now: Time) -> Workflow {
    Workflow {
        id: wf.id,
        file: wf.file.clone(),
        name: wf.name.clone(),
        on: wf.on.clone(),
        schedule: wf.schedule.clone(),
        inputs: wf
            .inputs
            .iter()
            .map(|i| Input {
                name: i.name.clone(),
                kind: i.kind.clone(),
                description: i.description.clone(),
                required: i.required,
                default: i.default.clone(),
                options: i.options.clone(),
            })
            .collect(),
        jobs: wf
            .jobs
            .iter()
            .map(|j| {
                let mut steps = vec![synthetic_step("Set up job", 2)];
                steps.extend(j.steps.iter().map(load_step));
                steps.push(synthetic_step("Complete job", 1));
                JobTemplate {
                    name: j.name.clone(),
                    needs: j.needs.clone(),
                    environment: j.environment.clone(),
                    queue_secs: j.queue_secs,
                    runs_on: j.runs_on.clone(),
                    steps,
                }
            })
            .collect(),
        created_at: now + secs(wf.created_offset_secs),
    }
}

/// Jobs of a new run of `wf`, with `${{ inputs.X }}` substituted in environments.
pub(crate) fn instantiate_jobs(
    wf: &Workflow,
    inputs: &BTreeMap<String, Value>,
    ids: &mut Ids,
) -> Vec<Job> {
    wf.jobs
        .iter()
        .map(|t| Job {
            id: take(&mut ids.job),
            name: t.name.clone(),
            needs: t
                .needs
                .iter()
                .filter_map(|n| wf.jobs.iter().position(|x| &x.name == n))
                .collect(),
            environment: t
                .environment
                .as_deref()
                .map(|e| substitute_inputs(e, inputs))
                .filter(|e| !e.is_empty()),
            queue_secs: t.queue_secs,
            runs_on: t.runs_on.clone(),
            steps: t.steps.clone(),
            fail: None,
            approval: None,
            carried: None,
        })
        .collect()
}

fn substitute_inputs(s: &str, inputs: &BTreeMap<String, Value>) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(start) = rest.find("${{") {
        out.push_str(&rest[..start]);
        let Some(end) = rest[start..].find("}}") else {
            out.push_str(&rest[start..]);
            return out;
        };
        let expr = rest[start + 3..start + end].trim();
        if let Some(name) = expr.strip_prefix("inputs.") {
            match inputs.get(name.trim()) {
                Some(Value::String(v)) => out.push_str(v),
                Some(v) => out.push_str(&v.to_string()),
                None => {}
            }
        }
        rest = &rest[start + end + 2..];
    }
    out.push_str(rest);
    out
}

// ---------------------------------------------------------------------------------------------
// Lookups

impl World {
    pub fn repo(&self, full_name: &str) -> Option<&Repo> {
        self.repos.iter().find(|r| r.full_name() == full_name)
    }

    pub fn repo_mut(&mut self, full_name: &str) -> Option<&mut Repo> {
        self.repos.iter_mut().find(|r| r.full_name() == full_name)
    }

    pub(crate) fn repo_index(&self, owner: &str, name: &str) -> Option<usize> {
        self.repos
            .iter()
            .position(|r| r.owner.eq_ignore_ascii_case(owner) && r.name.eq_ignore_ascii_case(name))
    }

    pub fn user(&self, login: &str) -> Option<&User> {
        self.users.get(login)
    }

    /// `(number, head sha)` of every pull request of repository `ri` whose head is known: what
    /// `refs/pull/N/head` points at.
    pub(crate) fn pull_heads(&self, ri: usize) -> Vec<(u64, String)> {
        let Some(repo) = self.repos.get(ri) else {
            return Vec::new();
        };
        repo.issues
            .values()
            .filter_map(|i| Some((i.number, repo.branch_sha(&i.pull.as_ref()?.head))))
            .filter(|(_, sha)| !sha.is_empty())
            .collect()
    }

    /// Writes `refs/pull/N/head` into the attached repository (see `git_store::write_pull_refs`).
    pub(crate) fn sync_pull_refs(&self) {
        if let Some(dir) = self.git_dir.as_deref() {
            super::git_store::sync_pull_refs(dir, &self.pull_heads(0));
        }
    }

    /// The login a token acts as (None when unknown or revoked).
    pub fn token_login(&self, token: &str) -> Option<&str> {
        self.tokens
            .get(token)
            .filter(|t| !t.revoked)
            .map(|t| t.login.as_str())
    }
}

impl Repo {
    pub fn full_name(&self) -> String {
        format!("{}/{}", self.owner, self.name)
    }

    pub fn branch(&self, name: &str) -> Option<&Branch> {
        self.branches.iter().find(|b| b.name == name)
    }

    /// The head sha of a branch, or "" when the branch is gone.
    pub fn branch_sha(&self, name: &str) -> String {
        self.branch(name).map(|b| b.sha.clone()).unwrap_or_default()
    }

    /// A role name (admin, maintain, write, triage, read) or None.
    pub fn role(&self, login: &str) -> Option<&str> {
        if login == self.owner {
            return Some("admin");
        }
        self.collaborators.get(login).map(String::as_str)
    }

    pub fn can_read(&self, login: Option<&str>) -> bool {
        !self.private || login.is_some_and(|l| self.role(l).is_some())
    }

    pub fn can_write(&self, login: &str) -> bool {
        matches!(self.role(login), Some("admin" | "maintain" | "write"))
    }

    pub fn run(&self, id: u64) -> Option<&Run> {
        self.runs.iter().find(|r| r.id == id)
    }

    pub fn run_sha(&self, run: &Run) -> String {
        run.sha
            .clone()
            .unwrap_or_else(|| self.branch_sha(&run.branch))
    }

    pub fn workflow(&self, id: u64) -> Option<&Workflow> {
        self.workflows.iter().find(|w| w.id == id)
    }

    pub fn environment(&self, name: &str) -> Option<&Environment> {
        self.environments.iter().find(|e| e.name == name)
    }

    /// The run and attempt index holding job `id` (the newest attempt that has it).
    pub fn find_job(&self, id: u64) -> Option<(&Run, usize, usize)> {
        self.runs.iter().find_map(|r| {
            r.attempts
                .iter()
                .enumerate()
                .rev()
                .find_map(|(a, att)| att.jobs.iter().position(|j| j.id == id).map(|k| (r, a, k)))
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Time simulation

/// A job's whole timeline, independent of `now` (None: never happens unless something changes,
/// e.g. an approval).
#[derive(Clone, Debug, PartialEq)]
pub struct JobPlan {
    pub created_at: Time,
    /// When all `needs` were done.
    pub ready_at: Option<Time>,
    /// When the job started to wait for an environment review.
    pub waiting_since: Option<Time>,
    /// When the review ended the wait.
    pub reviewed_at: Option<Time>,
    pub started_at: Option<Time>,
    pub completed_at: Option<Time>,
    pub conclusion: Option<&'static str>,
    pub steps: Vec<StepPlan>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct StepPlan {
    pub started_at: Time,
    pub completed_at: Time,
    pub conclusion: &'static str,
    /// Whether the step actually ran (has a log).
    pub ran: bool,
}

impl JobPlan {
    fn events(&self) -> impl Iterator<Item = Time> + '_ {
        [
            Some(self.created_at),
            self.ready_at,
            self.waiting_since,
            self.reviewed_at,
            self.started_at,
            self.completed_at,
        ]
        .into_iter()
        .flatten()
        .chain(
            self.steps
                .iter()
                .flat_map(|s| [s.started_at, s.completed_at]),
        )
    }
}

/// Plans every job of an attempt (jobs only depend on earlier jobs).
pub fn plan_attempt(repo: &Repo, att: &Attempt) -> Vec<JobPlan> {
    let mut plans: Vec<JobPlan> = Vec::with_capacity(att.jobs.len());
    for job in &att.jobs {
        let plan = match &job.carried {
            Some(p) => (**p).clone(),
            None => plan_job(repo, att, job, &plans),
        };
        plans.push(plan);
    }
    plans
}

fn plan_job(repo: &Repo, att: &Attempt, job: &Job, earlier: &[JobPlan]) -> JobPlan {
    let created = att.started_at;
    let cancel = att.cancelled_at;
    let mut plan = JobPlan {
        created_at: created,
        ready_at: None,
        waiting_since: None,
        reviewed_at: None,
        started_at: None,
        completed_at: None,
        conclusion: None,
        steps: Vec::new(),
    };
    let needs: Vec<&JobPlan> = job.needs.iter().filter_map(|&k| earlier.get(k)).collect();
    let mut ready = Some(created);
    let mut needs_ok = true;
    for n in &needs {
        match n.completed_at {
            Some(t) => {
                ready = ready.map(|r| r.max(t));
                needs_ok &= n.conclusion == Some("success");
            }
            None => ready = None,
        }
    }
    let end_now = |plan: &mut JobPlan, at: Time, conclusion: &'static str| {
        plan.completed_at = Some(at);
        plan.conclusion = Some(conclusion);
    };
    let Some(ready) = ready else {
        // Blocked behind a job that never finishes; only a cancellation ends it.
        if let Some(c) = cancel {
            end_now(&mut plan, c.max(created), "cancelled");
        }
        return plan;
    };
    if let Some(c) = cancel.filter(|&c| c <= ready) {
        end_now(&mut plan, c.max(created), "cancelled");
        return plan;
    }
    plan.ready_at = Some(ready);
    if !needs_ok {
        end_now(&mut plan, ready, "skipped");
        return plan;
    }
    let env = job.environment.as_deref().and_then(|e| repo.environment(e));
    let mut go = ready;
    if let Some(env) = env.filter(|e| e.protected()) {
        plan.waiting_since = Some(ready);
        match &job.approval {
            None => {
                if let Some(c) = cancel {
                    end_now(&mut plan, c, "cancelled");
                }
                return plan;
            }
            Some(a) => {
                let at = a.at.max(ready);
                if let Some(c) = cancel.filter(|&c| c < at) {
                    end_now(&mut plan, c, "cancelled");
                    return plan;
                }
                plan.reviewed_at = Some(at);
                if !a.approved {
                    end_now(&mut plan, at, "failure");
                    return plan;
                }
                go = at + secs(env.wait_timer as i64 * 60);
            }
        }
    }
    let start = go + secs(i64::from(job.queue_secs));
    if let Some(c) = cancel.filter(|&c| c < start) {
        end_now(&mut plan, c, "cancelled");
        return plan;
    }
    plan.started_at = Some(start);
    let mut t = start;
    let mut failed = false;
    let last = job.steps.len().saturating_sub(1);
    for (k, s) in job.steps.iter().enumerate() {
        if failed && k != last {
            plan.steps.push(StepPlan {
                started_at: t,
                completed_at: t,
                conclusion: "skipped",
                ran: false,
            });
            continue;
        }
        let end = t + secs(i64::from(s.secs));
        let fails = job.fail.as_ref().is_some_and(|f| f.step == k);
        plan.steps.push(StepPlan {
            started_at: t,
            completed_at: end,
            conclusion: if fails { "failure" } else { "success" },
            ran: true,
        });
        failed |= fails;
        t = end;
    }
    let mut conclusion = if failed { "failure" } else { "success" };
    if let Some(c) = cancel.filter(|&c| c < t) {
        for s in plan.steps.iter_mut() {
            if s.completed_at <= c {
                continue;
            }
            if s.started_at < c || (s.started_at == c && s.ran && s.completed_at > c) {
                s.completed_at = c;
                s.conclusion = "cancelled";
            } else {
                s.started_at = c;
                s.completed_at = c;
                s.conclusion = "skipped";
                s.ran = false;
            }
        }
        t = c;
        conclusion = "cancelled";
    }
    end_now(&mut plan, t, conclusion);
    plan
}

/// A job as seen at `now`.
#[derive(Clone, Debug, PartialEq)]
pub struct JobView {
    pub status: &'static str,
    pub conclusion: Option<&'static str>,
    pub created_at: Time,
    pub started_at: Time,
    pub completed_at: Option<Time>,
    /// Empty until a runner picked the job up.
    pub steps: Vec<StepView>,
    pub waiting: bool,
    pub updated_at: Time,
}

#[derive(Clone, Debug, PartialEq)]
pub struct StepView {
    pub status: &'static str,
    pub conclusion: Option<&'static str>,
    pub started_at: Option<Time>,
    pub completed_at: Option<Time>,
}

pub fn job_view(plan: &JobPlan, now: Time) -> JobView {
    let done = plan.completed_at.filter(|&t| t <= now);
    let started = plan.started_at.filter(|&t| t <= now);
    let waiting = done.is_none()
        && plan.waiting_since.is_some_and(|t| t <= now)
        && plan.reviewed_at.is_none_or(|t| t > now);
    let status = if done.is_some() {
        "completed"
    } else if started.is_some() {
        "in_progress"
    } else if waiting {
        "waiting"
    } else {
        "queued"
    };
    let steps = if started.is_some() {
        plan.steps
            .iter()
            .map(|s| {
                if s.completed_at <= now {
                    StepView {
                        status: "completed",
                        conclusion: Some(s.conclusion),
                        started_at: Some(s.started_at),
                        completed_at: Some(s.completed_at),
                    }
                } else if s.started_at <= now {
                    StepView {
                        status: "in_progress",
                        conclusion: None,
                        started_at: Some(s.started_at),
                        completed_at: None,
                    }
                } else {
                    StepView {
                        status: "queued",
                        conclusion: None,
                        started_at: None,
                        completed_at: None,
                    }
                }
            })
            .collect()
    } else {
        Vec::new()
    };
    let updated_at = plan
        .events()
        .filter(|&t| t <= now)
        .max()
        .unwrap_or(plan.created_at);
    JobView {
        status,
        conclusion: done.and(plan.conclusion),
        created_at: plan.created_at,
        started_at: started
            .or(done)
            .or(plan.ready_at.filter(|&t| t <= now))
            .unwrap_or(plan.created_at),
        completed_at: done,
        steps,
        waiting,
        updated_at,
    }
}

/// A run (its latest attempt) as seen at `now`.
#[derive(Clone, Debug)]
pub struct RunView {
    pub status: &'static str,
    pub conclusion: Option<&'static str>,
    pub updated_at: Time,
    pub jobs: Vec<JobView>,
}

pub fn run_view(repo: &Repo, run: &Run, now: Time) -> RunView {
    let att = run.latest();
    let plans = plan_attempt(repo, att);
    let jobs: Vec<JobView> = plans.iter().map(|p| job_view(p, now)).collect();
    let all_done = jobs.iter().all(|j| j.status == "completed");
    let (status, conclusion) = if !att.held.is_empty() {
        ("completed", Some("action_required"))
    } else if all_done {
        let cancelled = att.cancelled_at.is_some_and(|c| c <= now)
            || jobs.iter().any(|j| j.conclusion == Some("cancelled"));
        let failed = jobs.iter().any(|j| j.conclusion == Some("failure"));
        let c = if cancelled && att.cancelled_at.is_some() {
            "cancelled"
        } else if failed {
            "failure"
        } else if cancelled {
            "cancelled"
        } else {
            "success"
        };
        ("completed", Some(c))
    } else if jobs.iter().any(|j| j.waiting) {
        ("waiting", None)
    } else if jobs
        .iter()
        .any(|j| j.status == "in_progress" || j.status == "completed")
    {
        ("in_progress", None)
    } else {
        ("queued", None)
    };
    let updated_at = jobs
        .iter()
        .map(|j| j.updated_at)
        .chain([run.created_at, att.started_at])
        .chain(att.cancelled_at.filter(|&c| c <= now))
        .max()
        .unwrap_or(run.created_at);
    RunView {
        status,
        conclusion,
        updated_at,
        jobs,
    }
}

/// Annotations of a job visible at `now` (a step's annotations appear when it completes;
/// GitHub's own "Process completed with exit code N." when the job fails).
pub fn job_annotations(job: &Job, plan: &JobPlan, now: Time) -> Vec<Annotation> {
    let mut out = Vec::new();
    for (k, s) in job.steps.iter().enumerate() {
        let Some(p) = plan.steps.get(k) else { continue };
        if !p.ran || p.completed_at > now {
            continue;
        }
        out.extend(s.annotations.iter().cloned());
        if let Some(f) = job.fail.as_ref().filter(|f| f.step == k) {
            out.extend(f.annotations.iter().cloned());
        }
    }
    if plan.conclusion == Some("failure") && plan.completed_at.is_some_and(|t| t <= now) {
        let code = job.fail.as_ref().map_or(1, |f| f.exit_code);
        out.push(Annotation {
            path: ".github".into(),
            start_line: 1,
            end_line: 1,
            level: "failure".into(),
            title: None,
            message: if job.fail.is_some() {
                format!("Process completed with exit code {code}.")
            } else {
                "The deployment was rejected or didn't satisfy other protection rules.".into()
            },
        });
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Deployments made by workflow jobs

impl World {
    /// Creates a deployment for every job with an environment that is going to run (approved or
    /// unprotected) and has none yet. Their statuses are derived from the job on each request.
    pub(crate) fn sync_deployments(&mut self, repo_index: usize) {
        let Some(repo) = self.repos.get(repo_index) else {
            return;
        };
        let mut wanted: Vec<(Time, JobRef, String, String, Option<String>, String)> = Vec::new();
        for run in &repo.runs {
            for (a, att) in run.attempts.iter().enumerate() {
                let plans = plan_attempt(repo, att);
                for (k, job) in att.jobs.iter().enumerate() {
                    let Some(env) = &job.environment else {
                        continue;
                    };
                    if job.carried.is_some() {
                        continue;
                    }
                    let Some(p) = plans.get(k) else { continue };
                    let Some(created) = deployment_created_at(p) else {
                        continue;
                    };
                    let r = JobRef {
                        run_id: run.id,
                        attempt: a,
                        job: k,
                    };
                    if repo.deployments.iter().any(|d| d.source == Some(r)) {
                        continue;
                    }
                    let creator = att.triggering_actor.clone();
                    // A deploy workflow may take the exact commit to deploy (how a rollback
                    // redeploys an old commit of a moving branch).
                    let pinned = run
                        .inputs
                        .get("sha")
                        .and_then(|v| v.as_str())
                        .filter(|s| s.len() == 40 && s.bytes().all(|b| b.is_ascii_hexdigit()))
                        .map(str::to_string);
                    wanted.push((
                        created,
                        r,
                        env.clone(),
                        run.branch.clone(),
                        pinned.or_else(|| run.sha.clone()),
                        creator,
                    ));
                }
            }
        }
        wanted.sort_by_key(|w| (w.0, w.1.run_id, w.1.attempt, w.1.job));
        for (created_at, source, env, git_ref, sha, creator) in wanted {
            let id = take(&mut self.ids.deployment);
            let Some(repo) = self.repos.get_mut(repo_index) else {
                return;
            };
            let production = repo
                .environments
                .iter()
                .any(|e| e.name == env && e.production);
            repo.deployments.push(Deployment {
                id,
                environment: env,
                git_ref,
                sha,
                task: "deploy".into(),
                payload: Value::Object(Default::default()),
                description: None,
                creator,
                created_at,
                production,
                statuses: Vec::new(),
                source: Some(source),
            });
        }
    }
}

/// When a job's deployment is created: when it is cleared to go (ready and approved). None if it
/// never will be (waiting, rejected, skipped, cancelled before starting).
pub fn deployment_created_at(p: &JobPlan) -> Option<Time> {
    p.started_at?;
    p.reviewed_at.or(p.ready_at)
}

/// The statuses of a deployment at `now`, oldest first. As on GitHub (`auto_inactive`), a
/// successful deployment to a non-production environment gets an `inactive` status when a newer
/// deployment to the same environment succeeds.
pub fn deployment_statuses(repo: &Repo, d: &Deployment, now: Time) -> Vec<DeploymentStatus> {
    let mut out = own_statuses(repo, d, now);
    if d.production || out.last().is_none_or(|s| s.state != "success") {
        return out;
    }
    let superseded = repo
        .deployments
        .iter()
        .filter(|x| x.environment == d.environment && (x.created_at, x.id) > (d.created_at, d.id))
        .filter_map(|x| {
            own_statuses(repo, x, now)
                .into_iter()
                .find(|s| s.state == "success")
                .map(|s| s.created_at)
        })
        .min();
    if let Some(at) = superseded {
        out.push(DeploymentStatus {
            id: 8_000_000_000 + d.id.saturating_sub(2_100_000_000),
            state: "inactive".into(),
            description: None,
            creator: d.creator.clone(),
            created_at: at,
            log_url: None,
        });
    }
    out
}

fn own_statuses(repo: &Repo, d: &Deployment, now: Time) -> Vec<DeploymentStatus> {
    let Some(src) = d.source else {
        return d
            .statuses
            .iter()
            .filter(|s| s.created_at <= now)
            .cloned()
            .collect();
    };
    let Some(run) = repo.run(src.run_id) else {
        return Vec::new();
    };
    let Some(att) = run.attempts.get(src.attempt) else {
        return Vec::new();
    };
    let plans = plan_attempt(repo, att);
    let Some(p) = plans.get(src.job) else {
        return Vec::new();
    };
    let base = 9_000_000_000 + d.id.saturating_sub(2_100_000_000) * 4;
    let mut out = vec![DeploymentStatus {
        id: base,
        state: "queued".into(),
        description: None,
        creator: d.creator.clone(),
        created_at: d.created_at,
        log_url: None,
    }];
    if let Some(s) = p.started_at {
        out.push(DeploymentStatus {
            id: base + 1,
            state: "in_progress".into(),
            description: None,
            creator: d.creator.clone(),
            created_at: s,
            log_url: None,
        });
    }
    if let (Some(c), Some(concl)) = (p.completed_at, p.conclusion) {
        let (state, description) = match concl {
            "success" => ("success", None),
            "cancelled" => (
                "error",
                Some("The deployment job was cancelled.".to_string()),
            ),
            _ => ("failure", None),
        };
        out.push(DeploymentStatus {
            id: base + 2,
            state: state.into(),
            description,
            creator: d.creator.clone(),
            created_at: c,
            log_url: None,
        });
    }
    out.retain(|s| s.created_at <= now);
    out
}

/// Environment names present in a set of jobs (for a run's pending deployments).
pub fn waiting_environments(att: &Attempt, views: &[JobView]) -> BTreeSet<String> {
    att.jobs
        .iter()
        .zip(views)
        .filter(|(_, v)| v.waiting)
        .filter_map(|(j, _)| j.environment.clone())
        .collect()
}
