//! The REST operations fakehub answers, each one of GitHub's as its OpenAPI description names
//! it (method and path template; `tests/github_openapi.rs` holds the list to GitHub's). A
//! request that matches none is a 404 before any handler sees it: the simulation cannot
//! promise an endpoint github.com does not have (there is no step-log or live-log endpoint,
//! for one).

/// Every REST operation fakehub serves.
pub const OPERATIONS: &[(&str, &str)] = &[
    ("GET", "/user"),
    ("GET", "/users/{username}"),
    ("GET", "/rate_limit"),
    ("GET", "/issues"),
    ("GET", "/search/issues"),
    ("GET", "/repos/{owner}/{repo}"),
    ("GET", "/repos/{owner}/{repo}/branches"),
    ("GET", "/repos/{owner}/{repo}/branches/{branch}"),
    ("GET", "/repos/{owner}/{repo}/contents/{path}"),
    ("GET", "/repos/{owner}/{repo}/labels"),
    ("GET", "/repos/{owner}/{repo}/issues"),
    ("GET", "/repos/{owner}/{repo}/issues/{issue_number}"),
    ("PATCH", "/repos/{owner}/{repo}/issues/{issue_number}"),
    (
        "GET",
        "/repos/{owner}/{repo}/issues/{issue_number}/comments",
    ),
    (
        "POST",
        "/repos/{owner}/{repo}/issues/{issue_number}/comments",
    ),
    ("POST", "/repos/{owner}/{repo}/issues/{issue_number}/labels"),
    (
        "DELETE",
        "/repos/{owner}/{repo}/issues/{issue_number}/labels/{name}",
    ),
    (
        "POST",
        "/repos/{owner}/{repo}/issues/{issue_number}/assignees",
    ),
    (
        "DELETE",
        "/repos/{owner}/{repo}/issues/{issue_number}/assignees",
    ),
    ("GET", "/repos/{owner}/{repo}/pulls"),
    ("POST", "/repos/{owner}/{repo}/pulls"),
    ("GET", "/repos/{owner}/{repo}/pulls/{pull_number}"),
    ("GET", "/repos/{owner}/{repo}/pulls/{pull_number}/reviews"),
    ("POST", "/repos/{owner}/{repo}/pulls/{pull_number}/reviews"),
    ("GET", "/repos/{owner}/{repo}/pulls/{pull_number}/comments"),
    (
        "POST",
        "/repos/{owner}/{repo}/pulls/{pull_number}/comments/{comment_id}/replies",
    ),
    ("GET", "/repos/{owner}/{repo}/pulls/{pull_number}/merge"),
    ("PUT", "/repos/{owner}/{repo}/pulls/{pull_number}/merge"),
    ("DELETE", "/repos/{owner}/{repo}/git/refs/{ref}"),
    ("GET", "/repos/{owner}/{repo}/commits/{ref}/check-runs"),
    ("GET", "/repos/{owner}/{repo}/check-runs/{check_run_id}"),
    (
        "GET",
        "/repos/{owner}/{repo}/check-runs/{check_run_id}/annotations",
    ),
    ("GET", "/repos/{owner}/{repo}/actions/workflows"),
    (
        "GET",
        "/repos/{owner}/{repo}/actions/workflows/{workflow_id}",
    ),
    (
        "GET",
        "/repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs",
    ),
    (
        "POST",
        "/repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches",
    ),
    ("GET", "/repos/{owner}/{repo}/actions/runs"),
    ("GET", "/repos/{owner}/{repo}/actions/runs/{run_id}"),
    ("GET", "/repos/{owner}/{repo}/actions/runs/{run_id}/jobs"),
    ("POST", "/repos/{owner}/{repo}/actions/runs/{run_id}/rerun"),
    (
        "POST",
        "/repos/{owner}/{repo}/actions/runs/{run_id}/rerun-failed-jobs",
    ),
    ("POST", "/repos/{owner}/{repo}/actions/runs/{run_id}/cancel"),
    (
        "GET",
        "/repos/{owner}/{repo}/actions/runs/{run_id}/pending_deployments",
    ),
    (
        "POST",
        "/repos/{owner}/{repo}/actions/runs/{run_id}/pending_deployments",
    ),
    ("GET", "/repos/{owner}/{repo}/actions/jobs/{job_id}"),
    ("GET", "/repos/{owner}/{repo}/actions/jobs/{job_id}/logs"),
    ("POST", "/repos/{owner}/{repo}/actions/jobs/{job_id}/rerun"),
    ("GET", "/repos/{owner}/{repo}/environments"),
    (
        "GET",
        "/repos/{owner}/{repo}/environments/{environment_name}",
    ),
    ("GET", "/repos/{owner}/{repo}/compare/{basehead}"),
    ("GET", "/repos/{owner}/{repo}/deployments"),
    ("GET", "/repos/{owner}/{repo}/deployments/{deployment_id}"),
    (
        "GET",
        "/repos/{owner}/{repo}/deployments/{deployment_id}/statuses",
    ),
    ("GET", "/repos/{owner}/{repo}/issues/{issue_number}/events"),
    ("GET", "/notifications"),
    ("PATCH", "/notifications/threads/{thread_id}"),
    ("DELETE", "/notifications/threads/{thread_id}"),
    ("DELETE", "/notifications/threads/{thread_id}/subscription"),
    ("PATCH", "/repos/{owner}/{repo}/pulls/{pull_number}"),
    (
        "PUT",
        "/repos/{owner}/{repo}/pulls/{pull_number}/update-branch",
    ),
    ("GET", "/repos/{owner}/{repo}/rules/branches/{branch}"),
    ("GET", "/repos/{owner}/{repo}/pulls/{pull_number}/files"),
    ("POST", "/repos/{owner}/{repo}/pulls/{pull_number}/comments"),
    (
        "POST",
        "/repos/{owner}/{repo}/actions/runs/{run_id}/approve",
    ),
    ("POST", "/repos/{owner}/{repo}/issues"),
    ("GET", "/repos/{owner}/{repo}/assignees"),
];

/// GitHub's GraphQL endpoint: real, but described by its GraphQL schema, not the REST one.
pub const GRAPHQL: (&str, &str) = ("POST", "/graphql");

/// Path parameters whose values may hold slashes: a branch `feature/x`, a file path, a ref
/// `heads/main`, a `base...head` pair of such.
const MULTI_SEGMENT: &[&str] = &["{branch}", "{path}", "{ref}", "{basehead}"];

/// The operation `method path` is, if fakehub serves it: its path template.
pub fn operation(method: &str, path: &str) -> Option<&'static str> {
    let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    std::iter::once(&GRAPHQL)
        .chain(OPERATIONS)
        .find(|(m, template)| {
            *m == method && {
                let t: Vec<&str> = template.split('/').filter(|s| !s.is_empty()).collect();
                matches(&t, &segs)
            }
        })
        .map(|(_, template)| *template)
}

fn matches(template: &[&str], segs: &[&str]) -> bool {
    match (template.split_first(), segs.split_first()) {
        (None, None) => true,
        (Some((t, rest)), Some(_)) if MULTI_SEGMENT.contains(t) => {
            (1..=segs.len()).any(|n| matches(rest, &segs[n..]))
        }
        (Some((t, rest)), Some((s, srest))) => {
            let param = t.starts_with('{') && t.ends_with('}');
            (param || t == s) && matches(rest, srest)
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_match_templates_structurally() {
        let op = |m, p| operation(m, p);
        assert_eq!(
            op("GET", "/repos/acme/rocket/actions/jobs/7/logs"),
            Some("/repos/{owner}/{repo}/actions/jobs/{job_id}/logs")
        );
        assert_eq!(
            op("GET", "/repos/acme/rocket/actions/jobs/7/steps/1/logs"),
            None
        );
        assert_eq!(op("POST", "/repos/acme/rocket/actions/jobs/7/logs"), None);
        assert_eq!(
            op("GET", "/repos/acme/rocket/commits/feature/x/check-runs"),
            Some("/repos/{owner}/{repo}/commits/{ref}/check-runs")
        );
        assert_eq!(
            op("DELETE", "/repos/acme/rocket/git/refs/heads/feature/x"),
            Some("/repos/{owner}/{repo}/git/refs/{ref}")
        );
        assert_eq!(op("GET", "/repos/acme/rocket/issues/4/comments/9"), None);
        assert_eq!(op("POST", "/graphql"), Some("/graphql"));
    }
}
