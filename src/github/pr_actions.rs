//! The pull-request actions beyond review and merge — draft state, updating the branch from
//! its base, editing title and body — and what a branch's rules require before a merge.

use super::client::GitHub;
use super::models::PullRequest;
use super::{ApiError, Slug};
use reqwest::Method;
use serde::Deserialize;
use serde_json::{json, Value};

/// A rule of `GET /repos/{o}/{r}/rules/branches/{branch}` (the rulesets' rules that apply to
/// the branch, readable with read access; classic branch protection is not among them).
/// Unknown rule types are kept by name.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct BranchRule {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub parameters: Option<Value>,
}

/// What a branch requires before a pull request may merge into it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Requirements {
    /// Status check contexts that must pass.
    pub checks: Vec<String>,
    /// Approving reviews required (0: none).
    pub approvals: u64,
    /// The head must be up to date with the base.
    pub up_to_date: bool,
    /// Every review conversation must be resolved.
    pub resolved_threads: bool,
    /// The branch also has classic branch protection: its required checks are in `checks`,
    /// but its review rules are readable only with admin access.
    pub classic: bool,
}

/// A branch as `GET /repos/{o}/{r}/branches/{branch}` shows it to read access: its classic
/// protection, and the status checks that protection requires.
#[derive(Debug, Default, Deserialize)]
struct BranchRead {
    #[serde(default)]
    protection: Option<ClassicProtection>,
}

#[derive(Debug, Default, Deserialize)]
struct ClassicProtection {
    /// Classic protection is on (`protected` alone is also true under rulesets).
    #[serde(default)]
    enabled: bool,
    #[serde(default)]
    required_status_checks: Option<ClassicChecks>,
}

#[derive(Debug, Default, Deserialize)]
struct ClassicChecks {
    #[serde(default)]
    contexts: Vec<String>,
    #[serde(default)]
    checks: Vec<ClassicCheck>,
}

#[derive(Debug, Deserialize)]
struct ClassicCheck {
    context: String,
}

impl Requirements {
    /// Adds what classic protection shows to read access: its required checks (rulesets do not
    /// list them), and that its review rules cannot be seen.
    fn add_classic(&mut self, branch: &BranchRead) {
        let Some(protection) = branch.protection.as_ref().filter(|p| p.enabled) else {
            return;
        };
        self.classic = true;
        let Some(checks) = protection.required_status_checks.as_ref() else {
            return;
        };
        let names = checks
            .contexts
            .iter()
            .chain(checks.checks.iter().map(|c| &c.context));
        for name in names {
            if !self.checks.contains(name) {
                self.checks.push(name.clone());
            }
        }
    }
}

impl Requirements {
    pub fn from_rules(rules: &[BranchRule]) -> Requirements {
        let mut r = Requirements::default();
        for rule in rules {
            let p = rule.parameters.as_ref();
            let get = |k: &str| p.and_then(|p| p.get(k));
            match rule.kind.as_str() {
                "required_status_checks" => {
                    for c in get("required_status_checks")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                    {
                        if let Some(name) = c.get("context").and_then(Value::as_str) {
                            if !r.checks.iter().any(|x| x == name) {
                                r.checks.push(name.to_string());
                            }
                        }
                    }
                    r.up_to_date |= get("strict_required_status_checks_policy")
                        .and_then(Value::as_bool)
                        .unwrap_or(false);
                }
                "pull_request" => {
                    r.approvals = r.approvals.max(
                        get("required_approving_review_count")
                            .and_then(Value::as_u64)
                            .unwrap_or(0),
                    );
                    r.resolved_threads |= get("required_review_thread_resolution")
                        .and_then(Value::as_bool)
                        .unwrap_or(false);
                }
                _ => {}
            }
        }
        r
    }
}

/// Why GitHub would refuse (or does refuse: `blocked`) a merge, as far as the branch's rules,
/// the head's checks, the reviews and the threads tell. `Err(why)` for rules that could not be
/// read: the caller then says it cannot tell which checks are required. The one readiness
/// rule: the merge confirmation and the pull request's detail both show what this says.
pub fn merge_blockers(
    requirements: &Result<Requirements, ApiError>,
    detail: &super::pulls::PullDetail,
) -> Vec<String> {
    use super::dashboard::ReviewDecision;
    use super::models::{Conclusion, MergeableState};
    let pr = &detail.pr;
    let mut out = Vec::new();
    if pr.draft {
        out.push("It is a draft: mark it ready for review (R).".to_string());
    }
    let decision = ReviewDecision::from_reviews(&detail.reviews, &pr.requested_reviewers);
    if decision == ReviewDecision::ChangesRequested {
        out.push("A reviewer requested changes.".into());
    }
    let req = match requirements {
        Ok(r) => r,
        Err(e) => {
            out.push(format!(
                "Cannot tell which checks and reviews {} requires: its rules are not readable ({e}).",
                crate::text::sanitize_line(&pr.base.ref_name)
            ));
            return out;
        }
    };
    for name in &req.checks {
        let run = detail
            .checks
            .iter()
            .find(|c| c.name.as_ref() == name.as_str());
        let shown = crate::text::sanitize_line(name);
        match run {
            None => out.push(format!("Required check {shown} has not reported.")),
            Some(c) if c.status.is_active() => {
                out.push(format!("Required check {shown} is still running."))
            }
            Some(c)
                if !matches!(
                    c.conclusion,
                    Some(Conclusion::Success | Conclusion::Skipped | Conclusion::Neutral)
                ) =>
            {
                out.push(format!("Required check {shown} failed."))
            }
            Some(_) => {}
        }
    }
    let approved = super::dashboard::approvals(&detail.reviews);
    if approved < req.approvals {
        out.push(format!(
            "{approved} of {} required.",
            crate::words::count(req.approvals, "approving review")
        ));
    }
    if req.resolved_threads {
        let open = detail.threads.iter().filter(|t| !t.is_resolved).count();
        if open > 0 {
            out.push(format!(
                "{} must be resolved.",
                crate::words::count(open as u64, "conversation")
            ));
        }
    }
    if req.up_to_date && pr.mergeable_state == Some(MergeableState::Behind) {
        out.push("The branch must be up to date with its base: update it (U).".into());
    }
    out
}

impl GitHub {
    /// Marks a draft ready for review, or converts a pull request back to a draft. REST cannot
    /// change draft state; GitHub's GraphQL mutations can. Returns the new `isDraft`.
    pub async fn set_pull_draft(&self, node_id: &str, draft: bool) -> Result<bool, ApiError> {
        let (op, field) = if draft {
            ("ConvertPullRequestToDraft", "convertPullRequestToDraft")
        } else {
            (
                "MarkPullRequestReadyForReview",
                "markPullRequestReadyForReview",
            )
        };
        self.flag_mutation(
            op,
            field,
            ("pullRequestId", node_id),
            ("pullRequest", "isDraft"),
        )
        .await
    }

    /// Merges the base into the head branch on GitHub (202: it happens shortly). With
    /// `expected_head_sha` GitHub refuses (422) if the head moved since the user looked.
    pub async fn update_branch(
        &self,
        slug: &Slug,
        number: u64,
        expected_head_sha: &str,
    ) -> Result<String, ApiError> {
        let v: Value = self
            .mutate(
                Method::PUT,
                &format!("/repos/{}/pulls/{number}/update-branch", slug.full_name()),
                &json!({ "expected_head_sha": expected_head_sha }),
            )
            .await?;
        Ok(v.get("message")
            .and_then(Value::as_str)
            .unwrap_or("Updating pull request branch.")
            .to_string())
    }

    pub async fn edit_pull(
        &self,
        slug: &Slug,
        number: u64,
        title: &str,
        body: &str,
    ) -> Result<PullRequest, ApiError> {
        self.mutate(
            Method::PATCH,
            &format!("/repos/{}/pulls/{number}", slug.full_name()),
            &json!({ "title": title, "body": body }),
        )
        .await
    }

    /// What `branch` requires before a merge: its rulesets' rules, and the required checks of
    /// its classic protection (a branch read shows those to read access; the rules endpoint
    /// does not). `Err` when the rules cannot be read: the caller says so.
    pub async fn branch_requirements(
        &self,
        slug: &Slug,
        branch: &str,
    ) -> Result<Requirements, ApiError> {
        let path: Vec<String> = branch.split('/').map(super::paths::path_segment).collect();
        let rules: Vec<BranchRule> = self
            .get_pages(
                &format!(
                    "/repos/{}/rules/branches/{}?per_page=100",
                    slug.full_name(),
                    path.join("/")
                ),
                3,
            )
            .await?
            .data;
        let mut r = Requirements::from_rules(&rules);
        // A branch that cannot be read (deleted since) leaves the rules' answer as it is.
        if let Ok(branch) = self
            .get::<BranchRead>(&format!(
                "/repos/{}/branches/{}",
                slug.full_name(),
                path.join("/")
            ))
            .await
        {
            r.add_classic(&branch.data);
        }
        Ok(r)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requirements_from_rules() {
        let rules: Vec<BranchRule> = serde_json::from_value(json!([
            {"type": "deletion"},
            {"type": "pull_request", "parameters": {"required_approving_review_count": 2,
                "required_review_thread_resolution": true}},
            {"type": "required_status_checks", "parameters": {
                "strict_required_status_checks_policy": true,
                "required_status_checks": [{"context": "test"}, {"context": "lint"}]}},
            {"type": "something_new", "parameters": {"x": 1}}
        ]))
        .expect("rules");
        let r = Requirements::from_rules(&rules);
        assert_eq!(r.checks, vec!["test", "lint"]);
        assert_eq!(r.approvals, 2);
        assert!(r.up_to_date && r.resolved_threads);
    }

    /// Classic protection adds its required checks (as `contexts` or `checks`) once, and says
    /// it is there; an unprotected branch adds nothing.
    #[test]
    fn classic_protection_adds_its_required_checks() {
        let mut r = Requirements {
            checks: vec!["test".into()],
            ..Requirements::default()
        };
        let branch: BranchRead = serde_json::from_value(json!({
            "name": "main", "protected": true,
            "protection": {"enabled": true, "required_status_checks": {
                "enforcement_level": "non_admins",
                "contexts": ["test", "build"],
                "checks": [{"context": "build", "app_id": null}, {"context": "lint", "app_id": 1}]
            }}
        }))
        .expect("branch");
        r.add_classic(&branch);
        assert_eq!(r.checks, vec!["test", "build", "lint"]);
        assert!(r.classic);
        let mut plain = Requirements::default();
        for unprotected in [
            json!({"name": "x", "protected": false}),
            // Under rulesets only: `protected`, but classic protection off.
            json!({"name": "x", "protected": true, "protection": {"enabled": false,
                "required_status_checks": {"enforcement_level": "off", "contexts": [], "checks": []}}}),
        ] {
            plain.add_classic(&serde_json::from_value(unprotected).expect("branch"));
        }
        assert_eq!(plain, Requirements::default());
    }
}
