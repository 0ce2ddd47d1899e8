//! The ref each local branch tracks, resolved from one snapshot of the configuration.
//!
//! Same rules as git2's `branch_upstream_name` (`branch.<name>.remote` and `.merge`, mapped
//! through the remote's first matching fetch refspec; remote `.` means a local branch), which
//! copies the whole configuration and looks the remote up again on every call: with thousands
//! of branches, and so thousands of `branch.*` entries, that alone was quadratic.

use std::collections::HashMap;

use git2::{Config, Direction, Remote, Repository};

pub(crate) struct Upstreams<'r> {
    pub(crate) repo: &'r Repository,
    config: Option<&'r Config>,
    /// `None` for a remote that is configured on a branch but does not exist (any more).
    remotes: HashMap<String, Option<Remote<'r>>>,
}

impl<'r> Upstreams<'r> {
    /// `config` is a snapshot of the repository's configuration; without one no branch has
    /// an upstream.
    pub(crate) fn new(repo: &'r Repository, config: Option<&'r Config>) -> Upstreams<'r> {
        Upstreams {
            repo,
            config,
            remotes: HashMap::new(),
        }
    }

    /// The full name of the ref the branch `refs/heads/<name>` tracks, whether or not that ref
    /// exists. `None` when the branch has no upstream configured, or its configured remote no
    /// longer exists or fetches nothing that matches.
    pub(crate) fn refname(&mut self, branch_refname: &str) -> Option<String> {
        let name = branch_refname.strip_prefix("refs/heads/")?;
        let config = self.config?;
        let get = |key: &str| {
            config
                .get_string(&format!("branch.{name}.{key}"))
                .ok()
                .filter(|v| !v.is_empty())
        };
        let remote_name = get("remote")?;
        let merge = get("merge")?;
        if remote_name == "." {
            return Some(merge);
        }
        let repo = self.repo;
        let remote = self
            .remotes
            .entry(remote_name)
            .or_insert_with_key(|name| repo.find_remote(name).ok())
            .as_ref()?;
        let spec = remote
            .refspecs()
            .find(|spec| spec.direction() == Direction::Fetch && spec.src_matches(&merge))?;
        let upstream = spec.transform(&merge).ok()?;
        upstream.as_str().ok().map(str::to_string)
    }
}
