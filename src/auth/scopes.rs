//! What a classic token's scopes (the `x-oauth-scopes` header) let cockpit do. Fine-grained
//! tokens and GitHub App tokens send no such header: their permissions show only when used.

/// What `cockpit auth login` asks for: reading private repositories, org-wide searches, and
/// acting on workflows (re-run, dispatch) and deployments.
pub const REQUESTED: &[&str] = &["repo", "read:org", "workflow"];

/// How far the scopes reach for one purpose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Coverage {
    Full,
    /// Covered only in part; the text says what is left out.
    Partial(String),
    Missing(Vec<&'static str>),
    /// The token reports no scopes (fine-grained or app token).
    Unknown,
}

impl Coverage {
    pub fn is_ok(&self) -> bool {
        matches!(self, Coverage::Full | Coverage::Unknown)
    }
}

/// Splits the header (`"repo, read:org, workflow"`); `None` when the header was absent.
pub fn parse(header: Option<&str>) -> Option<Vec<String>> {
    header.map(|h| {
        h.split(',')
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect()
    })
}

fn has(scopes: &[String], s: &str) -> bool {
    scopes.iter().any(|x| x == s)
}

/// Reading: issues, pull requests, runs, deployments of private repositories need `repo`.
pub fn read(scopes: Option<&[String]>) -> Coverage {
    let Some(s) = scopes else {
        return Coverage::Unknown;
    };
    if has(s, "repo") {
        Coverage::Full
    } else if has(s, "public_repo") {
        Coverage::Partial(
            "public_repo reaches public repositories only; private ones need repo".into(),
        )
    } else {
        Coverage::Missing(vec!["repo"])
    }
}

/// Acting: re-running and dispatching workflows needs `workflow`; deployments need `repo` (or
/// its `repo_deployment` part).
pub fn act(scopes: Option<&[String]>) -> Coverage {
    let Some(s) = scopes else {
        return Coverage::Unknown;
    };
    let mut missing = Vec::new();
    if !has(s, "workflow") {
        missing.push("workflow");
    }
    if !has(s, "repo") && !has(s, "repo_deployment") {
        missing.push("repo");
    }
    if missing.is_empty() {
        Coverage::Full
    } else {
        Coverage::Missing(missing)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coverage_of_common_scope_sets() {
        let p = |h: &str| parse(Some(h)).expect("present");
        let full = p("repo, read:org, workflow");
        assert_eq!(read(Some(&full)), Coverage::Full);
        assert_eq!(act(Some(&full)), Coverage::Full);
        let repo_only = p("repo");
        assert_eq!(act(Some(&repo_only)), Coverage::Missing(vec!["workflow"]));
        let public = p("public_repo");
        assert!(matches!(read(Some(&public)), Coverage::Partial(_)));
        assert_eq!(
            act(Some(&public)),
            Coverage::Missing(vec!["workflow", "repo"])
        );
        let deploy = p("repo_deployment,workflow,public_repo");
        assert_eq!(act(Some(&deploy)), Coverage::Full);
        assert_eq!(read(Some(&p(""))), Coverage::Missing(vec!["repo"]));
        assert_eq!(read(None), Coverage::Unknown);
        assert!(Coverage::Unknown.is_ok());
    }
}
