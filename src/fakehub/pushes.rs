//! Pushes and the CI runs they start, and the bare repository fakehub can be attached to.
//!
//! A push (seen by [`FakeHub::watch_remote`] in a local bare repository, or received over git's
//! smart HTTP protocol by `git_http.rs`) moves the branch head in the world and starts a run of
//! every workflow triggered by it, with a timeline that begins at the clock's `now` — so the
//! demo's CI panel shows the commit the user just pushed, running.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use tokio::task::JoinHandle;

use super::world::{instantiate_jobs, take, Attempt, Branch, Run, Time, World};
use super::FakeHub;

impl World {
    /// Branch `branch` of repository `ri` now points at `sha` (pushed by `pusher`). Starts the
    /// runs GitHub would start and returns their ids; nothing when the head did not move.
    ///
    /// With an open pull request for the branch, workflows with a `pull_request` trigger run for
    /// that event (GitHub's `synchronize`); otherwise workflows with a `push` trigger run. (GitHub
    /// runs both when a workflow has both triggers; one run per push keeps the CI panel legible.)
    pub(crate) fn on_push(
        &mut self,
        ri: usize,
        branch: &str,
        sha: &str,
        message: Option<String>,
        pusher: &str,
        now: Time,
    ) -> Vec<u64> {
        let sha = sha.to_ascii_lowercase();
        let Some(repo) = self.repos.get_mut(ri) else {
            return Vec::new();
        };
        let old = repo.branch(branch).map(|b| b.sha.clone());
        if old.as_deref() == Some(sha.as_str()) {
            return Vec::new();
        }
        // Runs and deployments that follow the branch head stay with the commit they ran on.
        if let Some(old) = &old {
            for run in repo.runs.iter_mut().filter(|r| r.branch == branch) {
                run.sha.get_or_insert_with(|| old.clone());
            }
            for d in repo.deployments.iter_mut().filter(|d| d.git_ref == branch) {
                d.sha.get_or_insert_with(|| old.clone());
            }
        }
        match repo.branches.iter_mut().find(|b| b.name == branch) {
            Some(b) => {
                b.sha = sha.clone();
                b.message = message.clone().or(b.message.take());
            }
            None => repo.branches.push(Branch {
                name: branch.to_string(),
                sha: sha.clone(),
                protected: false,
                message: message.clone(),
            }),
        }
        let open_pr = repo
            .issues
            .values()
            .find(|i| i.state == "open" && i.pull.as_ref().is_some_and(|p| p.head == branch))
            .map(|i| (i.number, i.title.clone()));
        let title = message
            .as_deref()
            .and_then(|m| m.lines().next())
            .unwrap_or(branch)
            .to_string();
        let (event, pr, title) = match open_pr {
            Some((n, pr_title)) => ("pull_request", Some(n), pr_title),
            None => ("push", None, title),
        };
        let workflows: Vec<u64> = repo
            .workflows
            .iter()
            .filter(|w| w.has_trigger(event))
            .map(|w| w.id)
            .collect();
        workflows
            .into_iter()
            .filter_map(|wf| {
                let t = RunTrigger {
                    branch,
                    sha: Some(&sha),
                    event,
                    actor: pusher,
                    title: &title,
                    pr,
                    inputs: BTreeMap::new(),
                };
                self.start_run(ri, wf, t, now)
            })
            .collect()
    }

    /// Starts a run of workflow `wf_id` whose timeline begins at `now`.
    pub(crate) fn start_run(
        &mut self,
        ri: usize,
        wf_id: u64,
        t: RunTrigger<'_>,
        now: Time,
    ) -> Option<u64> {
        let wf = self.repos.get(ri)?.workflow(wf_id)?.clone();
        let run_number = self.repos[ri]
            .runs
            .iter()
            .filter(|r| r.workflow_id == wf.id)
            .map(|r| r.run_number)
            .max()
            .unwrap_or(0)
            + 1;
        let id = take(&mut self.ids.run);
        let suite = take(&mut self.ids.check_suite);
        let jobs = instantiate_jobs(&wf, &t.inputs, &mut self.ids);
        self.repos[ri].runs.push(Run {
            id,
            workflow_id: wf.id,
            run_number,
            branch: t.branch.to_string(),
            sha: t.sha.map(str::to_string),
            event: t.event.to_string(),
            actor: t.actor.to_string(),
            display_title: t.title.to_string(),
            pr: t.pr,
            inputs: t.inputs,
            created_at: now,
            attempts: vec![Attempt {
                number: 1,
                started_at: now,
                triggering_actor: t.actor.to_string(),
                check_suite_id: suite,
                cancelled_at: None,
                jobs,
                held: Vec::new(),
            }],
        });
        self.sync_deployments(ri);
        Some(id)
    }

    /// A branch was deleted (on the remote or through the API).
    pub(crate) fn on_branch_deleted(&mut self, ri: usize, branch: &str) {
        let Some(repo) = self.repos.get_mut(ri) else {
            return;
        };
        let Some(old) = repo.branch(branch).map(|b| b.sha.clone()) else {
            return;
        };
        for run in repo.runs.iter_mut().filter(|r| r.branch == branch) {
            run.sha.get_or_insert_with(|| old.clone());
        }
        repo.branches.retain(|b| b.name != branch);
    }
}

/// Stops watching when dropped.
pub struct RemoteWatch {
    task: JoinHandle<()>,
}

impl Drop for RemoteWatch {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl FakeHub {
    /// Attaches the bare repository `dir` to the first repository of the scenario (`acme/rocket`
    /// in the demo): it is served over git's smart HTTP protocol at
    /// `{base_url}/{owner}/{name}.git` (tokens as passwords, branch protection enforced), and
    /// merges and branch deletions through the API happen in it too.
    pub fn attach_git(&self, dir: impl Into<PathBuf>) {
        let mut w = self.shared.world();
        w.git_dir = Some(dir.into());
        w.sync_pull_refs();
    }

    /// The clone URL of the attached repository over smart HTTP.
    pub fn git_url(&self) -> Option<String> {
        let w = self.shared.world();
        let repo = w.repos.first()?;
        Some(format!(
            "{}/{}/{}.git",
            self.shared.api_base, repo.owner, repo.name
        ))
    }

    /// Makes `login` review every pull request opened from now on (see `reviewer.rs`).
    pub fn set_auto_reviewer(&self, login: &str) {
        self.shared.world().auto_reviewer = Some(login.to_string());
    }

    /// Attaches `dir` (see [`FakeHub::attach_git`]) and, about once a second, looks for branches
    /// pushed to it by other means (a `file://` or path remote, as in the demo): each new tip
    /// becomes a push by `pusher`, with its CI runs. Deleted branches disappear from the world.
    /// Runs until the returned guard is dropped.
    pub fn watch_remote(&self, dir: impl Into<PathBuf>, pusher: &str) -> RemoteWatch {
        let dir = dir.into();
        self.attach_git(dir.clone());
        let shared = self.shared.clone();
        let pusher = pusher.to_string();
        let task = tokio::spawn(async move {
            let mut seen: Option<Vec<String>> = None;
            let mut tick = tokio::time::interval(Duration::from_secs(1));
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
            loop {
                tick.tick().await;
                let d = dir.clone();
                let Ok(Ok(heads)) =
                    tokio::task::spawn_blocking(move || super::git_store::heads(&d)).await
                else {
                    continue;
                };
                let now = shared.clock.now();
                let mut w = shared.world();
                let names: Vec<String> = heads.iter().map(|(b, _, _)| b.clone()).collect();
                if let Some(before) = &seen {
                    for gone in before.iter().filter(|b| !names.contains(b)) {
                        w.on_branch_deleted(0, gone);
                    }
                }
                for (branch, sha, summary) in heads {
                    w.on_push(0, &branch, &sha, Some(summary), &pusher, now);
                }
                // A fetch straight from the directory (no smart HTTP) sees pull request heads too.
                w.sync_pull_refs();
                seen = Some(names);
            }
        });
        RemoteWatch { task }
    }
}

/// What starts a run: its branch and commit (none for a dispatch, which runs the branch's
/// head), the event, who, the title GitHub shows, its pull request and its inputs.
pub(crate) struct RunTrigger<'a> {
    pub branch: &'a str,
    pub sha: Option<&'a str>,
    pub event: &'a str,
    pub actor: &'a str,
    pub title: &'a str,
    pub pr: Option<u64>,
    pub inputs: BTreeMap<String, serde_json::Value>,
}
