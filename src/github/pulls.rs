//! Acting on pull requests: create, read the whole detail (reviews, checks, threads), review,
//! merge with a method the repository allows, delete the head branch.

use reqwest::Method;
use serde::Deserialize;
use serde_json::json;

use super::client::GitHub;
use super::dashboard::Slug;
use super::error::ApiError;
use super::graphql::ReviewThread;
use super::models::{CheckRun, CheckRunList, PullRequest, Repository, Review};
use super::partial::{part, Gaps, Part};
use super::paths::path_segment;

/// What the "new pull request" form sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPull {
    pub title: String,
    pub body: String,
    /// The branch with the work (`name`, or `owner:name` for a fork).
    pub head: String,
    /// The branch to merge into, usually the default branch.
    pub base: String,
    pub draft: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MergeMethod {
    Merge,
    Squash,
    Rebase,
}

impl MergeMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            MergeMethod::Merge => "merge",
            MergeMethod::Squash => "squash",
            MergeMethod::Rebase => "rebase",
        }
    }
}

/// Which merge methods the repository allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MergeMethods {
    pub merge: bool,
    pub squash: bool,
    pub rebase: bool,
}

impl MergeMethods {
    /// GitHub omits the `allow_*` fields for tokens that cannot see the settings; an omitted
    /// method counts as allowed, and the merge endpoint's 405 has the last word.
    pub fn of(repo: &Repository) -> MergeMethods {
        MergeMethods {
            merge: repo.allow_merge_commit.unwrap_or(true),
            squash: repo.allow_squash_merge.unwrap_or(true),
            rebase: repo.allow_rebase_merge.unwrap_or(true),
        }
    }

    /// Allowed methods in GitHub's button order (merge, squash, rebase).
    pub fn allowed(&self) -> Vec<MergeMethod> {
        [
            (self.merge, MergeMethod::Merge),
            (self.squash, MergeMethod::Squash),
            (self.rebase, MergeMethod::Rebase),
        ]
        .into_iter()
        .filter_map(|(ok, m)| ok.then_some(m))
        .collect()
    }

    pub fn allows(&self, method: MergeMethod) -> bool {
        self.allowed().contains(&method)
    }
}

/// What a successful merge answered.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct MergeResult {
    /// The merge (or squash / last rebased) commit now on the base branch.
    pub sha: String,
    pub merged: bool,
    #[serde(default)]
    pub message: String,
}

/// A review verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReviewEvent {
    Approve,
    RequestChanges,
    /// A comment-only review (needs a body).
    Comment,
}

impl ReviewEvent {
    pub fn as_str(self) -> &'static str {
        match self {
            ReviewEvent::Approve => "APPROVE",
            ReviewEvent::RequestChanges => "REQUEST_CHANGES",
            ReviewEvent::Comment => "COMMENT",
        }
    }
}

/// Everything the pull request detail view shows.
#[derive(Debug, Clone, PartialEq)]
pub struct PullDetail {
    /// From the single-PR endpoint: has `mergeable_state`, comment counts, body.
    pub pr: PullRequest,
    /// Oldest first.
    pub reviews: Vec<Review>,
    /// Check runs of the head commit (empty when the repository has no checks).
    pub checks: Vec<CheckRun>,
    pub threads: Vec<ReviewThread>,
    /// What could not be read (reviews, checks, threads): shown as `?` with the reason.
    pub gaps: Gaps,
}

impl GitHub {
    /// Opens a pull request. GitHub answers 422 (as `ApiError::Client`, with its reason in the
    /// message) when head and base are the same, a branch does not exist, there is nothing to
    /// merge, or an open pull request for head exists.
    pub async fn create_pull(&self, slug: &Slug, new: &NewPull) -> Result<PullRequest, ApiError> {
        self.mutate(
            Method::POST,
            &format!("/repos/{}/pulls", slug.full_name()),
            &json!({
                "title": new.title, "body": new.body, "head": new.head, "base": new.base,
                "draft": new.draft,
            }),
        )
        .await
    }

    pub async fn pull(&self, slug: &Slug, number: u64) -> Result<PullRequest, ApiError> {
        Ok(self
            .get(&format!("/repos/{}/pulls/{number}", slug.full_name()))
            .await?
            .data)
    }

    pub async fn pull_reviews(&self, slug: &Slug, number: u64) -> Result<Vec<Review>, ApiError> {
        Ok(self
            .get_pages(
                &format!(
                    "/repos/{}/pulls/{number}/reviews?per_page=100",
                    slug.full_name()
                ),
                5,
            )
            .await?
            .data)
    }

    /// Check runs of a commit; a repository without checks gives an empty list.
    pub async fn checks_for(&self, slug: &Slug, sha: &str) -> Result<Vec<CheckRun>, ApiError> {
        match self
            .get::<CheckRunList>(&format!(
                "/repos/{}/commits/{}/check-runs?per_page=100",
                slug.full_name(),
                path_segment(sha)
            ))
            .await
        {
            Ok(list) => Ok(list.data.check_runs),
            Err(ApiError::NotFound { .. }) => Ok(Vec::new()),
            Err(e) => Err(e),
        }
    }

    /// The pull request with its reviews, head checks and review threads, fetched together.
    /// Only the pull request itself is needed; the others leave a gap when they fail.
    pub async fn pull_detail(&self, slug: &Slug, number: u64) -> Result<PullDetail, ApiError> {
        let pr = self.pull(slug, number).await?;
        let (reviews, checks, threads) = tokio::join!(
            self.pull_reviews(slug, number),
            self.checks_for(slug, &pr.head.sha),
            self.review_threads(slug, number),
        );
        let mut gaps = Gaps::default();
        Ok(PullDetail {
            pr,
            reviews: part(reviews, Part::Reviews, &mut gaps)?.unwrap_or_default(),
            checks: part(checks, Part::Checks, &mut gaps)?.unwrap_or_default(),
            threads: part(threads, Part::Threads, &mut gaps)?.unwrap_or_default(),
            gaps,
        })
    }

    /// Submits a review. GitHub refuses (422) approving or requesting changes on your own pull
    /// request, and a comment or change request without a body.
    pub async fn submit_review(
        &self,
        slug: &Slug,
        number: u64,
        event: ReviewEvent,
        body: &str,
    ) -> Result<Review, ApiError> {
        self.mutate(
            Method::POST,
            &format!("/repos/{}/pulls/{number}/reviews", slug.full_name()),
            &json!({"event": event.as_str(), "body": body}),
        )
        .await
    }

    /// The merge methods the repository allows (from `GET /repos/{o}/{r}`).
    pub async fn merge_methods(&self, slug: &Slug) -> Result<MergeMethods, ApiError> {
        Ok(MergeMethods::of(&self.repository(slug).await?.data))
    }

    /// Merges a pull request. `expected_head` (the head sha the user saw when confirming) makes
    /// GitHub refuse with 409 if someone pushed since. 405 when the method is not allowed or the
    /// pull request is not mergeable (draft, conflicts, branch protection); the message says
    /// which.
    pub async fn merge_pull(
        &self,
        slug: &Slug,
        number: u64,
        method: MergeMethod,
        expected_head: Option<&str>,
    ) -> Result<MergeResult, ApiError> {
        use octocrab::params::pulls::MergeMethod as Method;
        let path = format!("{}/pulls/{number}/merge", slug.api_path());
        let pulls = self.octocrab().pulls(&slug.owner, &slug.name);
        let mut merge = pulls.merge(number).method(match method {
            MergeMethod::Merge => Method::Merge,
            MergeMethod::Squash => Method::Squash,
            MergeMethod::Rebase => Method::Rebase,
        });
        if let Some(sha) = expected_head {
            merge = merge.sha(sha);
        }
        let done = merge
            .send()
            .await
            .map_err(|e| self.octocrab_error(e, &path))?;
        Ok(MergeResult {
            sha: done.sha.unwrap_or_default(),
            merged: done.merged,
            message: done.message.unwrap_or_default(),
        })
    }

    /// Deletes a branch on GitHub (the head branch after a merge). 422 when it does not exist
    /// or is protected.
    pub async fn delete_branch(&self, slug: &Slug, branch: &str) -> Result<(), ApiError> {
        let path: Vec<String> = branch.split('/').map(path_segment).collect();
        self.send_json::<serde_json::Value>(
            Method::DELETE,
            &format!(
                "/repos/{}/git/refs/heads/{}",
                slug.full_name(),
                path.join("/")
            ),
            &serde_json::Value::Null,
        )
        .await
        .map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merge_methods_default_to_allowed_when_unsaid() {
        let repo: Repository = serde_json::from_value(json!({
            "full_name": "a/b", "default_branch": "main", "allow_merge_commit": false
        }))
        .expect("repo");
        let m = MergeMethods::of(&repo);
        assert_eq!(m.allowed(), vec![MergeMethod::Squash, MergeMethod::Rebase]);
        assert!(!m.allows(MergeMethod::Merge));
    }
}
