//! Everything the screen shows, and nothing the screen does not need.

use super::keymap::KeyPress;
use crate::git::BranchSnapshot;
use crate::github::dashboard::{EnvRow, PullRow, Slug};
use crate::github::models::{Issue, IssueComment, Job, WorkflowRun};
use crate::github::ratelimit::RateLimit;
use crate::text::{Name, Safe};
use chrono::{DateTime, Utc};
use std::cell::Cell;

/// How long a toast stays in the status bar.
pub const TOAST_SECS: i64 = 6;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PanelId {
    Issues,
    Branches,
    Pulls,
    Ci,
    Deploys,
}

impl PanelId {
    pub const ALL: [PanelId; 5] = [
        PanelId::Issues,
        PanelId::Branches,
        PanelId::Pulls,
        PanelId::Ci,
        PanelId::Deploys,
    ];

    pub fn index(self) -> usize {
        PanelId::ALL.iter().position(|p| *p == self).unwrap_or(0)
    }

    pub fn title(self) -> &'static str {
        match self {
            PanelId::Issues => "Issues",
            PanelId::Branches => "Branches",
            PanelId::Pulls => "Pull requests",
            PanelId::Ci => "CI",
            PanelId::Deploys => "Deploys",
        }
    }

    pub fn short(self) -> &'static str {
        match self {
            PanelId::Issues => "issues",
            PanelId::Branches => "branches",
            PanelId::Pulls => "PRs",
            PanelId::Ci => "CI",
            PanelId::Deploys => "deploys",
        }
    }

    pub fn next(self) -> PanelId {
        PanelId::ALL[(self.index() + 1) % PanelId::ALL.len()]
    }

    pub fn prev(self) -> PanelId {
        PanelId::ALL[(self.index() + PanelId::ALL.len() - 1) % PanelId::ALL.len()]
    }
}

/// Data a panel shows, with what the last refresh said about it. A failed refresh keeps the
/// last good `data` and records why it is stale.
#[derive(Debug, Clone)]
pub struct Loaded<T> {
    pub data: Option<T>,
    pub updated: Option<DateTime<Utc>>,
    /// Why the last refresh failed, made safe to draw where it is stored.
    pub error: Option<Safe>,
    pub loading: bool,
}

impl<T> Default for Loaded<T> {
    fn default() -> Self {
        Loaded {
            data: None,
            updated: None,
            error: None,
            loading: false,
        }
    }
}

impl<T> Loaded<T> {
    /// Nothing yet, asked for.
    pub fn pending() -> Self {
        Loaded {
            loading: true,
            ..Loaded::default()
        }
    }

    pub fn is_stale(&self) -> bool {
        self.error.is_some()
    }
}

/// Cursor of a list. `offset` is a `Cell` because it depends on the height the list is drawn
/// at, which only the renderer knows; it is a view detail, never read by `update`.
#[derive(Debug, Clone, Default)]
pub struct Cursor {
    pub selected: usize,
    pub offset: Cell<usize>,
}

impl Cursor {
    pub fn clamp(&mut self, len: usize) {
        if len == 0 {
            self.selected = 0;
        } else if self.selected >= len {
            self.selected = len - 1;
        }
    }

    pub fn move_by(&mut self, delta: isize, len: usize) {
        if len == 0 {
            self.selected = 0;
            return;
        }
        let max = len as isize - 1;
        self.selected = (self.selected as isize + delta).clamp(0, max) as usize;
    }

    /// The first visible row for a viewport of `height`, keeping `selected` in view and the
    /// viewport still while the selection moves inside it.
    pub fn window(&self, len: usize, height: usize) -> usize {
        if height == 0 || len <= height {
            self.offset.set(0);
            return 0;
        }
        let mut off = self.offset.get().min(len - height);
        if self.selected < off {
            off = self.selected;
        } else if self.selected >= off + height {
            off = self.selected + 1 - height;
        }
        self.offset.set(off);
        off
    }
}

/// Vertical position in a text view. `at_end` keeps the view on the newest part (the last
/// comments) until the user scrolls; `max` is what the renderer found the end to be.
#[derive(Debug, Clone, Default)]
pub struct Scroll {
    pub top: usize,
    pub at_end: bool,
    pub max: Cell<usize>,
}

impl Scroll {
    pub fn at_bottom() -> Scroll {
        Scroll {
            at_end: true,
            ..Scroll::default()
        }
    }

    pub fn by(&mut self, delta: isize) {
        let max = self.max.get();
        let current = if self.at_end { max } else { self.top.min(max) };
        let next = (current as isize)
            .saturating_add(delta)
            .clamp(0, max as isize) as usize;
        self.top = next;
        self.at_end = next == max && delta > 0;
    }

    /// The first line to show of `total` in a view `height` high.
    pub fn offset(&self, total: usize, height: usize) -> usize {
        let max = total.saturating_sub(height);
        self.max.set(max);
        if self.at_end {
            max
        } else {
            self.top.min(max)
        }
    }
}

/// The help overlay: how far it is scrolled and what it is filtered by.
#[derive(Debug, Clone, Default)]
pub struct HelpView {
    pub scroll: Scroll,
    pub filter: String,
    /// `/` was pressed: keys type into the filter until Enter or Esc.
    pub typing: bool,
}

/// Which repositories the GitHub panels (Issues, Pull requests, CI, Deploys) show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Scope {
    /// The repository of the current directory (or `--repo`).
    #[default]
    Here,
    /// Every repository of the config's `[repos] watch`, and this one.
    Watched,
}

/// A repository the config asks to watch, and where its local clone is when it names one
/// (`path = "~/src/api"`), so its branches can be listed and pushed too.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WatchedRepo {
    pub slug: Slug,
    pub path: Option<std::path::PathBuf>,
}

/// A deployment waiting for my review, in the approval queue.
#[derive(Debug, Clone, PartialEq)]
pub struct Approval {
    pub repo: Slug,
    pub run: WorkflowRun,
    pub pending: crate::github::models::PendingDeployment,
}

/// The approval queue (`Q`): every deployment waiting for my review across the current and
/// the watched repositories. Polled always (the status bar counts it); shown on demand.
#[derive(Debug, Default)]
pub struct ApprovalQueue {
    pub open: bool,
    pub items: Loaded<Vec<Approval>>,
    pub cursor: Cursor,
}

/// What GitHub said of a repository as a whole, when it is not simply there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RepoHealth {
    /// Read-only on GitHub: its rows show, changes are refused.
    Archived,
    /// 404: deleted, renamed, or the token cannot see it.
    Gone,
}

impl RepoHealth {
    /// The one message about it, for the status bar and the panels.
    pub fn note(self, repo: &Slug) -> String {
        match self {
            RepoHealth::Archived => format!("{}: archived — read-only", repo.full_name()),
            RepoHealth::Gone => format!(
                "{}: not found — renamed, deleted or no access",
                repo.full_name()
            ),
        }
    }
}

/// Where the dashboard points and who is looking.
#[derive(Debug, Clone, Default)]
pub struct Context {
    pub repo: Option<Slug>,
    /// The config's watched repositories (without the current one).
    pub watched: Vec<WatchedRepo>,
    /// Why there is no repository (not a git repo, non-GitHub remote, …).
    pub repo_problem: Option<String>,
    pub has_local_repo: bool,
    /// The working tree of the local repository (shown in the demo, whose clone lives in a
    /// temporary directory the user has no other way to find).
    pub workdir: Option<std::path::PathBuf>,
    pub has_token: bool,
    pub api_host: String,
    pub web_base: String,
    pub readonly: bool,
    pub demo: bool,
    /// Problems worth a look that did not stop the start (unknown config keys, with their
    /// lines). The status bar shows them until the first key press.
    pub startup_warnings: Vec<String>,
}

/// Annotations of a run's jobs, by job id.
pub type JobAnnotations = Vec<(u64, Vec<crate::github::logs::Annotation>)>;

// One detail is open at a time and it is never copied around: boxing the big variants would
// only add indirection to every access.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
pub enum Detail {
    Issue {
        repo: Slug,
        number: u64,
        data: Loaded<(Issue, Vec<IssueComment>)>,
        scroll: Scroll,
    },
    Pull {
        repo: Slug,
        number: u64,
        data: Loaded<crate::github::pulls::PullDetail>,
        /// The selected review thread.
        cursor: Cursor,
        scroll: Scroll,
        /// What the base branch's rules require, read once per opening (`Err`: unreadable).
        rules:
            Box<Loaded<Result<crate::github::pr_actions::Requirements, crate::github::ApiError>>>,
    },
    Run {
        repo: Slug,
        run_id: u64,
        data: Loaded<(WorkflowRun, Vec<Job>)>,
        cursor: Cursor,
        annotations: JobAnnotations,
    },
    /// A job's log, with everything cockpit fetched for it.
    Log(Box<LogSession>),
    Environment {
        repo: Slug,
        name: Name,
        cursor: Cursor,
        insights: Loaded<Insights>,
    },
    Branch {
        name: String,
    },
    /// A pull request's diff with its review threads.
    Diff(Box<super::diffview::DiffView>),
}

impl Detail {
    /// The repository the open detail belongs to (a branch is local: none).
    pub fn repo(&self) -> Option<&Slug> {
        match self {
            Detail::Issue { repo, .. }
            | Detail::Pull { repo, .. }
            | Detail::Run { repo, .. }
            | Detail::Environment { repo, .. } => Some(repo),
            Detail::Log(log) => Some(&log.repo),
            Detail::Branch { .. } => None,
            Detail::Diff(d) => Some(&d.repo),
        }
    }

    /// An issue's detail, loading.
    pub fn issue(repo: Slug, number: u64) -> Detail {
        Detail::Issue {
            repo,
            number,
            data: Loaded {
                loading: true,
                ..Loaded::default()
            },
            scroll: Default::default(),
        }
    }

    /// A run's detail, its jobs loading.
    pub fn run(repo: Slug, run_id: u64) -> Detail {
        Detail::Run {
            repo,
            run_id,
            data: Loaded {
                loading: true,
                ..Loaded::default()
            },
            cursor: Cursor::default(),
            annotations: Vec::new(),
        }
    }
}

/// What the environment detail shows beyond the history: the commits that would ship from
/// staging to this environment, and its delivery metrics.
#[derive(Debug, Clone)]
pub struct Insights {
    pub would_ship: Option<(Name, Name, crate::github::actions::Comparison)>,
    /// What the live deployment brought: the commits since the successful one before it.
    pub carried: Option<crate::github::actions::Comparison>,
    pub metrics: crate::metrics::compute::EnvMetrics,
}

/// How far a job's log has come.
#[derive(Debug, Clone, PartialEq)]
pub enum LogPhase {
    /// The job runs: the log shows the steps that finished (where the server serves step logs).
    Running,
    /// The job completed; its whole log is being downloaded.
    Fetching,
    Complete,
    Failed(Safe),
}

/// An open job log: the engine's view plus what cockpit fetched for it.
pub struct LogSession {
    pub repo: Slug,
    pub run_id: u64,
    pub job_id: u64,
    pub job_name: String,
    pub view: crate::logs::LogViewState,
    pub phase: LogPhase,
    pub job: Option<Job>,
    /// The whole log was asked for (once, when the job completed).
    pub log_requested: bool,
    /// The search being typed after `/`, and whether it is a regex (Ctrl-R toggles).
    pub search_input: Option<(String, bool)>,
    pub annotations: Vec<crate::github::logs::Annotation>,
}

impl std::fmt::Debug for LogSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LogSession")
            .field("run_id", &self.run_id)
            .field("job_id", &self.job_id)
            .field("phase", &self.phase)
            .field("lines", &self.view.status().lines)
            .finish()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Toast {
    pub at: DateTime<Utc>,
    /// Made safe where the toast is raised: it may name outside things.
    pub text: Safe,
    pub error: bool,
}

/// A run cockpit started or was asked to watch, reported on when it finishes.
#[derive(Debug, Clone, PartialEq)]
pub struct Followed {
    /// The repository the run is in.
    pub repo: Slug,
    pub run_id: u64,
    pub what: String,
    pub environment: Option<Name>,
    /// The commit the run deploys when cockpit pinned one (`main@9092ce7`); the run's own head
    /// sha is only the branch it runs on.
    pub target: Option<String>,
    pub run: Option<WorkflowRun>,
}

#[derive(Debug)]
pub struct AppState {
    pub ctx: Context,
    pub now: DateTime<Utc>,
    pub size: (u16, u16),
    pub focus: PanelId,
    pub zoom: bool,
    pub help: bool,
    pub help_view: HelpView,
    pub login: Option<String>,
    pub user_error: Option<String>,
    pub default_branch: Option<String>,
    /// `a`: the sections search every repository (no `repo:` qualifier at all).
    pub search_all: bool,
    pub scope: Scope,
    pub issues: Loaded<Vec<Issue>>,
    pub branches: Loaded<BranchSnapshot>,
    pub pulls: Loaded<Vec<PullRow>>,
    /// The branch whose runs the CI panel shows.
    pub ci_branch: Option<String>,
    /// Instead, while HEAD is detached: the checked-out commit, whose runs the panel shows.
    pub ci_commit: Option<String>,
    pub runs: Loaded<Vec<WorkflowRun>>,
    pub envs: Loaded<Vec<EnvRow>>,
    pub cursors: [Cursor; 5],
    pub detail: Option<Detail>,
    pub rate: Option<RateLimit>,
    pub last_error: Option<(DateTime<Utc>, String)>,
    pub should_quit: bool,
    pub modal: Option<super::modal::Modal>,
    /// Counts the modals opened and the forms asked for: a prepared form answers with the
    /// count at its request and is dropped if the user opened or asked for another since.
    pub modal_generation: u64,
    /// The repository of the interaction under way: set when a key's action starts (the open
    /// detail's, or the selected row's) and by a prepared form to the repository it was
    /// prepared for, so the change a form or confirmation ends in goes where the user looked
    /// even if a poll reorders the rows meanwhile.
    pub acting_repo: Option<Slug>,
    pub toast: Option<Toast>,
    /// Mutations under way: id and description.
    pub in_flight: Vec<(u64, String)>,
    pub next_id: u64,
    pub followed: Vec<Followed>,
    /// Runs seen in progress, so their completion can ring the bell once.
    pub active_runs: Vec<u64>,
    pub metrics_window_days: i64,
    /// The order environments are listed in (the config's `deploy.order`); others follow.
    pub env_order: Vec<String>,
    /// Drafts by key (loaded at start, kept in step with the files as the user types).
    pub drafts: std::collections::HashMap<String, String>,
    /// The git operation under way (one at a time) and its latest progress.
    pub git_busy: Option<(u64, String)>,
    /// A pull request to select as soon as the list has it (one cockpit just opened).
    pub select_pull: Option<u64>,
    /// A commit cockpit pushed or merged whose runs are awaited (`follow`).
    pub awaited: Option<super::follow::Awaited>,
    /// A CI run to select as soon as the CI panel lists it (the pushed commit's).
    pub select_run: Option<u64>,
    /// Branches not committed to for this many days are flagged stale.
    pub stale_days: u32,
    /// Pull requests asking for my review, and deploys waiting for my approval, as last seen
    /// (`None` before the first load), so only new ones notify.
    pub seen_review_requests: Option<Vec<u64>>,
    pub seen_waiting: Option<Vec<u64>>,
    /// Keys typed so far of a multi-key binding (`g` of `g g`); the status bar shows them.
    pub pending_keys: Vec<KeyPress>,
    /// The startup warnings were seen: a key was pressed since.
    pub warnings_dismissed: bool,
    /// Where is it live: carrying commits and comparisons learnt this session.
    pub live: super::live::LiveCache,
    /// The sections (search tabs) of the Issues and Pull requests panels; the visible one's
    /// rows are `issues` / `pulls`.
    pub issue_tabs: super::sections::Tabs<Issue>,
    pub pull_tabs: super::sections::Tabs<PullRow>,
    /// The search API's own budget, as its last answer said.
    pub search_rate: Option<RateLimit>,
    /// The `:` palette, while open.
    pub palette: Option<super::palette::Palette>,
    /// What the palette ran this session, oldest first (Up recalls).
    pub palette_history: Vec<String>,
    /// A command's output, shown full screen.
    pub pager: Option<Pager>,
    /// Colours on or off as `:theme` chose; `None`: as the config says.
    pub color: Option<bool>,
    /// The repository cockpit started with, once `:repo` showed another (to come back to).
    pub home_repo: Option<WatchedRepo>,
    /// The notifications inbox and its view.
    pub inbox: super::inbox::Inbox,
    /// Deployments waiting for my review across repositories (`Q`).
    pub queue: ApprovalQueue,
    /// Repositories GitHub says are archived or gone.
    pub repo_health: Vec<(Slug, RepoHealth)>,
    /// The default branch of each repository the approval queue looked at (a watched clone
    /// branches from it).
    pub repo_defaults: Vec<(Slug, String)>,
    /// Each list's `/` filter, by panel (`PanelId::index`).
    pub filters: [super::filter::ListFilter; 5],
    /// New-issue forms sent and not yet answered, by draft key: one that fails comes back.
    pub sent_issue_forms: Vec<(String, Box<super::modal::Form>)>,
    /// An issue cockpit just opened, selected when the Issues list shows it.
    pub select_issue: Option<super::new_issue::Created>,
}

/// A command's captured output in the log viewer's engine (it neutralises escape sequences,
/// scrolls and searches).
pub struct Pager {
    /// Already safe to draw (built from sanitised text).
    pub title: String,
    pub view: crate::logs::LogViewState,
    /// The search being typed after `/`.
    pub search_input: Option<String>,
}

impl std::fmt::Debug for Pager {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pager")
            .field("title", &self.title)
            .field("lines", &self.view.status().lines)
            .finish()
    }
}

impl AppState {
    pub fn new(ctx: Context, now: DateTime<Utc>, size: (u16, u16)) -> AppState {
        AppState {
            ctx,
            now,
            size,
            focus: PanelId::Issues,
            zoom: false,
            help: false,
            help_view: HelpView::default(),
            login: None,
            user_error: None,
            default_branch: None,
            search_all: false,
            scope: Scope::Here,
            issues: Loaded::default(),
            branches: Loaded::default(),
            pulls: Loaded::default(),
            ci_branch: None,
            ci_commit: None,
            runs: Loaded::default(),
            envs: Loaded::default(),
            cursors: Default::default(),
            detail: None,
            rate: None,
            last_error: None,
            should_quit: false,
            modal: None,
            modal_generation: 0,
            acting_repo: None,
            toast: None,
            in_flight: Vec::new(),
            next_id: 1,
            followed: Vec::new(),
            active_runs: Vec::new(),
            metrics_window_days: 30,
            env_order: Vec::new(),
            drafts: Default::default(),
            git_busy: None,
            select_pull: None,
            awaited: None,
            select_run: None,
            stale_days: 30,
            seen_review_requests: None,
            seen_waiting: None,
            pending_keys: Vec::new(),
            warnings_dismissed: false,
            live: Default::default(),
            issue_tabs: super::sections::Tabs::new(crate::config::IssuesConfig::default().sections),
            pull_tabs: super::sections::Tabs::new(crate::config::PullsConfig::default().sections),
            search_rate: None,
            palette: None,
            palette_history: Vec::new(),
            pager: None,
            color: None,
            home_repo: None,
            inbox: Default::default(),
            queue: ApprovalQueue::default(),
            repo_health: Vec::new(),
            repo_defaults: Vec::new(),
            filters: Default::default(),
            sent_issue_forms: Vec::new(),
            select_issue: None,
        }
    }

    /// The open job log.
    pub fn log(&self) -> Option<&LogSession> {
        match &self.detail {
            Some(Detail::Log(log)) => Some(log),
            _ => None,
        }
    }

    pub fn log_mut(&mut self) -> Option<&mut LogSession> {
        match &mut self.detail {
            Some(Detail::Log(log)) => Some(log),
            _ => None,
        }
    }

    /// Annotations of the open run's jobs (none unless a run is open).
    pub fn run_annotations(&self) -> &[(u64, Vec<crate::github::logs::Annotation>)] {
        match &self.detail {
            Some(Detail::Run { annotations, .. }) => annotations,
            _ => &[],
        }
    }

    pub fn cursor(&self, p: PanelId) -> &Cursor {
        &self.cursors[p.index()]
    }

    pub fn cursor_mut(&mut self, p: PanelId) -> &mut Cursor {
        &mut self.cursors[p.index()]
    }

    /// The rows the panel shows (its filter's matches): what the cursor moves over.
    pub fn panel_len(&self, p: PanelId) -> usize {
        super::filter::visible(self, p).len()
    }

    /// Whether anything on screen changes by itself with time (a running job's elapsed
    /// timer): the runtime ticks every second only then.
    pub fn animating(&self) -> bool {
        let runs_active = self
            .runs
            .data
            .as_ref()
            .is_some_and(|runs| runs.iter().any(|r| r.status.is_active()));
        let detail_active = matches!(&self.detail, Some(Detail::Run { data, .. })
            if data.data.as_ref().is_some_and(|(r, _)| r.status.is_active()));
        let log_running = self
            .log()
            .is_some_and(|l| l.job.as_ref().is_some_and(|j| j.status.is_active()));
        let toast_showing = self
            .toast
            .as_ref()
            .is_some_and(|t| (self.now - t.at).num_seconds() < TOAST_SECS);
        runs_active || detail_active || log_running || toast_showing || !self.in_flight.is_empty()
    }

    /// Shows a form, an editor or a confirmation the user asked for.
    pub fn open_modal(&mut self, modal: super::modal::Modal) {
        self.modal_generation += 1;
        self.modal = Some(modal);
    }

    /// Asks for a form or confirmation to be prepared; an earlier request's answer is then
    /// dropped.
    pub fn prepare(&mut self, prepare: super::effect::Prepare) -> super::effect::Effect {
        self.modal_generation += 1;
        super::effect::Effect::Prepare {
            generation: self.modal_generation,
            repo: self.acting_repo.clone(),
            prepare,
        }
    }

    /// The repositories the GitHub panels show: the current one, and in Watched scope the
    /// watched ones after it.
    pub fn scope_repos(&self) -> Vec<Slug> {
        match self.scope {
            Scope::Here => self.ctx.repo.iter().cloned().collect(),
            Scope::Watched => self.all_repos(),
        }
    }

    /// The current repository and every watched one: what the approval queue covers.
    pub fn all_repos(&self) -> Vec<Slug> {
        let mut all: Vec<Slug> = self.ctx.repo.iter().cloned().collect();
        all.extend(self.ctx.watched.iter().map(|w| w.slug.clone()));
        all
    }

    /// What GitHub said of `repo` as a whole, if anything.
    pub fn health(&self, repo: &Slug) -> Option<RepoHealth> {
        self.repo_health
            .iter()
            .find(|(r, _)| r == repo)
            .map(|(_, h)| *h)
    }

    pub fn toast(&mut self, text: impl Into<String>, error: bool) {
        self.toast = Some(Toast {
            at: self.now,
            text: Safe::line(&text.into()),
            error,
        });
    }
}
