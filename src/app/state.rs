//! Everything the screen shows, and nothing the screen does not need.

use super::keymap::KeyPress;
use crate::git::BranchSnapshot;
use crate::github::dashboard::{EnvRow, PullRow, Slug};
use crate::github::models::{Issue, IssueComment, Job, WorkflowRun};
use crate::github::ratelimit::RateLimit;
use chrono::{DateTime, Utc};
use std::cell::Cell;

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
    pub error: Option<String>,
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

/// Where the dashboard points and who is looking.
#[derive(Debug, Clone, Default)]
pub struct Context {
    pub repo: Option<Slug>,
    /// Why there is no repository (not a git repo, non-GitHub remote, …).
    pub repo_problem: Option<String>,
    pub has_local_repo: bool,
    pub has_token: bool,
    pub api_host: String,
    pub web_base: String,
    pub readonly: bool,
    pub demo: bool,
    /// Problems worth a look that did not stop the start (unknown config keys, with their
    /// lines). The status bar shows them until the first key press.
    pub startup_warnings: Vec<String>,
}

#[derive(Debug, Clone)]
pub enum Detail {
    Issue {
        number: u64,
        data: Loaded<(Issue, Vec<IssueComment>)>,
        scroll: usize,
    },
    Pull {
        number: u64,
        scroll: usize,
    },
    Run {
        run_id: u64,
        data: Loaded<(WorkflowRun, Vec<Job>)>,
        cursor: Cursor,
    },
    Environment {
        name: String,
        cursor: Cursor,
    },
    Branch {
        name: String,
    },
}

#[derive(Debug)]
pub struct AppState {
    pub ctx: Context,
    pub now: DateTime<Utc>,
    pub size: (u16, u16),
    pub focus: PanelId,
    pub zoom: bool,
    pub help: bool,
    pub login: Option<String>,
    pub user_error: Option<String>,
    pub default_branch: Option<String>,
    pub issues_all_repos: bool,
    pub issues: Loaded<Vec<Issue>>,
    pub branches: Loaded<BranchSnapshot>,
    pub pulls: Loaded<Vec<PullRow>>,
    /// The branch whose runs the CI panel shows.
    pub ci_branch: Option<String>,
    pub runs: Loaded<Vec<WorkflowRun>>,
    pub envs: Loaded<Vec<EnvRow>>,
    pub cursors: [Cursor; 5],
    pub detail: Option<Detail>,
    pub rate: Option<RateLimit>,
    pub last_error: Option<(DateTime<Utc>, String)>,
    pub should_quit: bool,
    /// Keys typed so far of a multi-key binding (`g` of `g g`); the status bar shows them.
    pub pending_keys: Vec<KeyPress>,
    /// The startup warnings were seen: a key was pressed since.
    pub warnings_dismissed: bool,
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
            login: None,
            user_error: None,
            default_branch: None,
            issues_all_repos: false,
            issues: Loaded::default(),
            branches: Loaded::default(),
            pulls: Loaded::default(),
            ci_branch: None,
            runs: Loaded::default(),
            envs: Loaded::default(),
            cursors: Default::default(),
            detail: None,
            rate: None,
            last_error: None,
            should_quit: false,
            pending_keys: Vec::new(),
            warnings_dismissed: false,
        }
    }

    pub fn cursor(&self, p: PanelId) -> &Cursor {
        &self.cursors[p.index()]
    }

    pub fn cursor_mut(&mut self, p: PanelId) -> &mut Cursor {
        &mut self.cursors[p.index()]
    }

    pub fn panel_len(&self, p: PanelId) -> usize {
        match p {
            PanelId::Issues => self.issues.data.as_ref().map_or(0, Vec::len),
            PanelId::Branches => self.branches.data.as_ref().map_or(0, |b| b.branches.len()),
            PanelId::Pulls => self.pulls.data.as_ref().map_or(0, Vec::len),
            PanelId::Ci => self.runs.data.as_ref().map_or(0, Vec::len),
            PanelId::Deploys => self.envs.data.as_ref().map_or(0, Vec::len),
        }
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
        runs_active || detail_active
    }
}
