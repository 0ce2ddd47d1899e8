//! Work that `update` asks the runtime to do.

pub use super::resource::{Resource, ResourceKind};
use crate::github::Slug;
use crate::text::Name;

/// Reads that prepare a form or a confirmation before anything is changed.
#[derive(Debug, Clone, PartialEq)]
pub enum Prepare {
    /// Find the workflow that deploys `environment` and its inputs.
    Deploy {
        environment: Name,
        default_ref: String,
    },
    /// Find the last good deployment before the live one and how to redeploy it.
    Rollback { environment: Name },
    /// Check a ref before deploying it: merged into the default branch? CI green?
    CheckDeploy {
        environment: Name,
        workflow: Name,
        git_ref: Name,
        inputs: serde_json::Map<String, serde_json::Value>,
    },
    /// Workflows with `workflow_dispatch`, for the dispatch form.
    DispatchChoice { default_ref: String },
    DispatchInputs {
        workflow: String,
        workflow_name: String,
        default_ref: String,
    },
    /// The repository's labels, for the label picker of an issue.
    Labels { number: u64, current: Vec<Name> },
    /// Title and body from the branch's issue, the default branch as base.
    NewPull { head: String, issue: Option<u64> },
    /// The merge methods the repository allows, with checks and reviews for the confirmation.
    Merge { number: u64 },
    /// Labels and assignable users for a new issue, filled from its draft.
    NewIssue {
        draft: crate::github::issues_write::NewIssue,
    },
}

/// Local git work, run on a blocking thread with progress reports.
#[derive(Debug, Clone, PartialEq)]
pub enum GitOp {
    BranchFromIssue {
        number: u64,
        title: String,
        default_branch: String,
    },
    Checkout {
        name: String,
    },
    CreateBranch {
        name: String,
        start: String,
    },
    DeleteMerged {
        name: String,
    },
    Fetch,
    Push,
    /// Fetch `refs/pull/N/head` and check it out (`gh pr checkout`).
    CheckoutPull {
        number: u64,
        head_ref: String,
        /// The fork's owner when the head branch is not in this repository.
        fork_owner: Option<String>,
    },
}

impl GitOp {
    pub fn describe(&self) -> String {
        match self {
            GitOp::BranchFromIssue { number, .. } => format!("branch from #{number}"),
            GitOp::Checkout { name } => format!("check out {name}"),
            GitOp::CreateBranch { name, .. } => format!("create {name}"),
            GitOp::DeleteMerged { name } => format!("delete {name}"),
            GitOp::Fetch => "fetch".into(),
            GitOp::Push => "push".into(),
            GitOp::CheckoutPull { number, .. } => format!("check out #{number}"),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Start a poller for the resource (replacing another of its kind), or nudge it if running.
    Poll(Resource),
    Stop(ResourceKind),
    /// Poll these kinds now instead of at their next interval.
    Refresh(Vec<ResourceKind>),
    OpenUrl(String),
    /// Read what a form or confirmation needs; the answer carries `generation` back, so a
    /// late one cannot replace a modal the user opened since.
    Prepare {
        generation: u64,
        /// The repository it reads (`None`: there is none, the answer says so).
        repo: Option<Slug>,
        prepare: Prepare,
    },
    Mutate {
        id: u64,
        /// The repository it changes (`None`: there is none, the answer says so).
        repo: Option<Slug>,
        mutation: super::mutation::Mutation,
    },
    Git {
        id: u64,
        op: GitOp,
        /// The clone to work in: a watched repository's; `None`, the current one.
        dir: Option<std::path::PathBuf>,
    },
    /// Download a job's whole log once it completed (GitHub serves nothing before).
    FetchLog {
        repo: Slug,
        job_id: u64,
    },
    /// Start a search thread over the open log; its results wake the loop (`Msg::LogSearch`).
    SearchLog(crate::logs::SearchJob),
    /// Put text on the clipboard (a tool if there is one, else OSC 52 to the terminal).
    Copy {
        text: String,
    },
    /// Write the open log to a file.
    SaveLog {
        path: std::path::PathBuf,
    },
    SaveDraft {
        key: String,
        text: String,
    },
    DeleteDraft {
        key: String,
    },
    /// The terminal bell, and a desktop notification where the config asks for one.
    Notify {
        event: crate::config::NotifyEvent,
        title: String,
        body: String,
    },
    Quit,
    /// Where is it live: a read for the live cache, answered by `Msg::Live`.
    Live {
        repo: Slug,
        lookup: super::live::Lookup,
    },
    /// Run one of the user's commands (`sh -c`, off the UI path; `terminal` ones get the
    /// terminal).
    RunCommand(super::commands::CommandRun),
    /// Show another repository: the runtime rebuilds its services for it and restarts the
    /// pollers (`update` has reset the panels and asks for the new polls after this effect).
    SwitchRepo {
        slug: crate::github::Slug,
        path: Option<std::path::PathBuf>,
    },
}
