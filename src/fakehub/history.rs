//! The demo's history comes from its git repository. The scenario names commits of the default
//! branch by made-up shas (what ran and deployed days ago); once the demo repository exists,
//! each of those becomes the real commit that was the branch's head at that moment, push runs
//! take that commit's message as their title, and branch heads their tip's message. Then the
//! dashboard, the compare API and `git log` tell one story.

use std::path::Path;

use super::git_store::{self, CommitInfo};
use super::world::{Time, World};
use super::FakeHub;

impl World {
    /// Maps the scenario's shas on repository `ri`'s default branch onto `line` (the branch's
    /// first-parent history, newest first).
    pub(crate) fn adopt_line(&mut self, ri: usize, line: &[CommitInfo]) {
        let Some(repo) = self.repos.get_mut(ri) else {
            return;
        };
        let Some(oldest) = line.last() else {
            return;
        };
        let head_at = |t: Time| line.iter().find(|c| c.time <= t).unwrap_or(oldest);
        let known = |sha: &str| line.iter().any(|c| c.sha == sha);
        let default = repo.default_branch.clone();
        for d in repo.deployments.iter_mut().filter(|d| d.git_ref == default) {
            if let Some(sha) = d.sha.as_mut().filter(|s| !known(s)) {
                *sha = head_at(d.created_at).sha.clone();
            }
        }
        // What closed an issue or merged a PR into the default branch is the commit that was
        // its head then.
        for (n, sha) in repo.closing_commits.iter_mut().filter(|(_, s)| !known(s)) {
            if let Some(at) = repo.issues.get(n).and_then(|i| i.closed_at) {
                *sha = head_at(at).sha.clone();
            }
        }
        for pull in repo.issues.values_mut().filter_map(|i| i.pull.as_mut()) {
            let merged = pull.merged_at.filter(|_| pull.base == default);
            if let (Some(at), Some(sha)) = (merged, pull.merge_commit_sha.as_mut()) {
                if !known(sha) {
                    *sha = head_at(at).sha.clone();
                }
            }
        }
        for run in repo.runs.iter_mut().filter(|r| r.branch == default) {
            let Some(sha) = run.sha.as_mut().filter(|s| !known(s)) else {
                continue;
            };
            let commit = head_at(run.created_at);
            *sha = commit.sha.clone();
            // A push run is titled by its head commit, as on GitHub.
            if run.event == "push" {
                run.display_title = summary(&commit.message);
            }
        }
    }
}

fn summary(message: &str) -> String {
    message.lines().next().unwrap_or("").to_string()
}

impl FakeHub {
    /// Takes the default branch's history and every branch tip's message from the bare
    /// repository `dir` (see the module documentation). Call after the branch heads are set.
    pub fn adopt_history(&self, dir: &Path) -> Result<(), git2::Error> {
        let default = self.with_world(|w| w.repos.first().map(|r| r.default_branch.clone()));
        let Some(default) = default else {
            return Ok(());
        };
        let line = git_store::first_parent_line(dir, &default)?;
        let heads = git_store::heads(dir)?;
        self.with_world_mut(|w| {
            w.adopt_line(0, &line);
            if let Some(repo) = w.repos.first_mut() {
                for (name, sha, message) in heads {
                    if let Some(b) = repo
                        .branches
                        .iter_mut()
                        .find(|b| b.name == name && b.sha == sha)
                    {
                        b.message = Some(message);
                    }
                }
            }
        });
        Ok(())
    }
}
