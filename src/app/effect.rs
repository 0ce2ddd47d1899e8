//! Work that `update` asks the runtime to do.

/// Something a poller keeps fresh. Equal resources are the same poller: asking to poll a
/// resource that already has a poller only nudges it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Resource {
    User,
    Repo,
    Branches,
    Issues { all_repos: bool, login: String },
    Pulls { login: String },
    Runs { branch: String },
    Jobs { run_id: u64 },
    Environments,
    IssueDetail { number: u64 },
}

/// Pollers are grouped by kind: starting `Runs { branch: "b" }` replaces `Runs { branch: "a" }`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ResourceKind {
    User,
    Repo,
    Branches,
    Issues,
    Pulls,
    Runs,
    Jobs,
    Environments,
    IssueDetail,
}

impl Resource {
    pub fn kind(&self) -> ResourceKind {
        match self {
            Resource::User => ResourceKind::User,
            Resource::Repo => ResourceKind::Repo,
            Resource::Branches => ResourceKind::Branches,
            Resource::Issues { .. } => ResourceKind::Issues,
            Resource::Pulls { .. } => ResourceKind::Pulls,
            Resource::Runs { .. } => ResourceKind::Runs,
            Resource::Jobs { .. } => ResourceKind::Jobs,
            Resource::Environments => ResourceKind::Environments,
            Resource::IssueDetail { .. } => ResourceKind::IssueDetail,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Start a poller for the resource (replacing another of its kind), or nudge it if running.
    Poll(Resource),
    Stop(ResourceKind),
    /// Poll these kinds now instead of at their next interval.
    Refresh(Vec<ResourceKind>),
    OpenUrl(String),
    Quit,
}
