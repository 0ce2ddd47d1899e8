//! Polled resources, each described once: what it fetches, what the answer is, how often it
//! is asked again and what the answer changes in the state, side by side in one `impl Polled`.
//! `Resource` is the one list of them; adding a resource is a struct with its `impl`, a
//! variant here and (when it needs its own slot) a `ResourceKind`.

mod account;
mod details;
mod diff;
mod inbox;
mod lists;
mod runs;
mod watched;

pub use account::{Branches, Repo, User};
pub use details::{BranchRules, EnvironmentInsights, IssueDetail, PullDetail};
pub use diff::PullDiff;
pub use inbox::{Found, NotificationTarget, Notifications};
pub use lists::{Environments, Issues, Pulls};
pub use runs::{CommitRuns, FollowedRuns, HeadRuns, JobStatus, Jobs, Runs};
pub use watched::{merge, Approvals, RepoWaits, WatchedRuns, RUNS_PER_REPO};

use super::effect::Effect;
use super::msg::Msg;
use super::pollers::{Intervals, Services};
use super::state::AppState;
use crate::github::ApiError;
use chrono::{DateTime, Utc};
use std::fmt::Debug;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{mpsc, Notify};
use tokio::task::JoinHandle;

/// Something a poller keeps fresh. Equal resources are the same poller: asking to poll a
/// resource that already has a poller only nudges it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Resource {
    User(User),
    Repo(Repo),
    Branches(Branches),
    Issues(Issues),
    Pulls(Pulls),
    Runs(Runs),
    HeadRuns(HeadRuns),
    Jobs(Jobs),
    Environments(Environments),
    IssueDetail(IssueDetail),
    FollowedRuns(FollowedRuns),
    EnvironmentInsights(EnvironmentInsights),
    PullDetail(PullDetail),
    JobStatus(JobStatus),
    CommitRuns(CommitRuns),
    Notifications(Notifications),
    NotificationTarget(NotificationTarget),
    WatchedRuns(WatchedRuns),
    Approvals(Approvals),
    PullDiff(PullDiff),
    BranchRules(BranchRules),
}

/// A poller's slot: starting `Runs { branch: "b" }` replaces `Runs { branch: "a" }`, and
/// `Effect::Stop`/`Refresh` name slots, not resources.
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
    FollowedRuns,
    EnvironmentInsights,
    PullDetail,
    JobStatus,
    CommitRuns,
    Notifications,
    NotificationTarget,
    Approvals,
    PullDiff,
    BranchRules,
}

impl Resource {
    /// The one dispatch from the list to each resource's description.
    fn polled(&self) -> &dyn Start {
        match self {
            Resource::User(r) => r,
            Resource::Repo(r) => r,
            Resource::Branches(r) => r,
            Resource::Issues(r) => r,
            Resource::Pulls(r) => r,
            Resource::Runs(r) => r,
            Resource::HeadRuns(r) => r,
            Resource::Jobs(r) => r,
            Resource::Environments(r) => r,
            Resource::IssueDetail(r) => r,
            Resource::FollowedRuns(r) => r,
            Resource::EnvironmentInsights(r) => r,
            Resource::PullDetail(r) => r,
            Resource::JobStatus(r) => r,
            Resource::CommitRuns(r) => r,
            Resource::Notifications(r) => r,
            Resource::NotificationTarget(r) => r,
            Resource::WatchedRuns(r) => r,
            Resource::Approvals(r) => r,
            Resource::PullDiff(r) => r,
            Resource::BranchRules(r) => r,
        }
    }

    pub fn kind(&self) -> ResourceKind {
        self.polled().kind()
    }

    /// Spawns the poller's loop; `notify` wakes it before its next interval.
    pub(super) fn start(
        &self,
        services: Arc<Services>,
        tx: mpsc::UnboundedSender<Msg>,
        notify: Arc<Notify>,
    ) -> JoinHandle<()> {
        self.polled().start(services, tx, notify)
    }
}

/// One polled resource: its key is the implementing type, its answer `Answer`.
pub trait Polled: Debug + Clone + Send + Sync + 'static {
    const KIND: ResourceKind;
    /// It asks GitHub's search API, whose own budget then paces it too.
    const SEARCH: bool = false;
    type Answer: Outcome + Debug + Send + 'static;

    fn fetch(&self, s: &Services) -> impl Future<Output = Self::Answer> + Send;

    /// When to poll again after an answer that is no error. `None`: only when asked.
    fn pace(&self, answer: &Self::Answer, iv: &Intervals) -> Option<Duration>;

    /// What the answer changes. Pure, like `update`: a late answer for a resource no longer
    /// shown is dropped here.
    fn apply(self, state: &mut AppState, at: DateTime<Utc>, answer: Self::Answer) -> Vec<Effect>;
}

/// The failure in an answer that makes its poller back off.
pub trait Outcome {
    fn error(&self) -> Option<&ApiError>;
}

impl<T> Outcome for Result<T, ApiError> {
    fn error(&self) -> Option<&ApiError> {
        self.as_ref().err()
    }
}

/// A local failure (git) is no reason to back off: the next look may succeed.
impl<T> Outcome for Result<T, String> {
    fn error(&self) -> Option<&ApiError> {
        None
    }
}

/// An answer with extras (annotations) beside the main result.
impl<T, X> Outcome for (Result<T, ApiError>, X) {
    fn error(&self) -> Option<&ApiError> {
        self.0.error()
    }
}

/// A poller's answer with the resource it answers for: the pair cannot mismatch.
#[derive(Debug)]
pub struct Answer<R: Polled> {
    pub resource: R,
    pub answer: R::Answer,
}

/// An answer on its way to `update`, whatever its resource.
pub trait Arrival: Debug + Send {
    fn kind(&self) -> ResourceKind;
    fn error(&self) -> Option<&ApiError>;
    fn apply(self: Box<Self>, state: &mut AppState, at: DateTime<Utc>) -> Vec<Effect>;
}

impl<R: Polled> Arrival for Answer<R> {
    fn kind(&self) -> ResourceKind {
        R::KIND
    }

    fn error(&self) -> Option<&ApiError> {
        self.answer.error()
    }

    fn apply(self: Box<Self>, state: &mut AppState, at: DateTime<Utc>) -> Vec<Effect> {
        self.resource.apply(state, at, self.answer)
    }
}

/// The object-safe face of `Polled`, for the dispatch in `Resource::polled`.
trait Start {
    fn kind(&self) -> ResourceKind;
    fn start(
        &self,
        services: Arc<Services>,
        tx: mpsc::UnboundedSender<Msg>,
        notify: Arc<Notify>,
    ) -> JoinHandle<()>;
}

impl<R: Polled> Start for R {
    fn kind(&self) -> ResourceKind {
        R::KIND
    }

    fn start(
        &self,
        services: Arc<Services>,
        tx: mpsc::UnboundedSender<Msg>,
        notify: Arc<Notify>,
    ) -> JoinHandle<()> {
        tokio::spawn(super::pollers::poll_loop(
            self.clone(),
            services,
            tx,
            notify,
        ))
    }
}

/// The answer when there is no GitHub repository to ask.
fn no_repo() -> ApiError {
    ApiError::NotAsked {
        why: "no GitHub repository".into(),
    }
}
