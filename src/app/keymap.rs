//! Keys → actions. Actions have stable names so a config file can rebind them; a binding is a
//! sequence of one or more keys (`g g`), global or for one panel. Panel bindings win over global
//! ones. No binding may be the prefix of another in the same context, so a sequence never has to
//! wait for a timeout to know what was meant.

mod custom;
mod keys;

pub use custom::{BindingError, KeyContext};
pub use keys::{parse_sequence, sequence_label, KeyPress};

use super::state::PanelId;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Quit,
    Help,
    FocusNext,
    FocusPrev,
    Focus(PanelId),
    Down,
    Up,
    PageDown,
    PageUp,
    Top,
    Bottom,
    Open,
    Back,
    Zoom,
    Refresh,
    OpenInBrowser,
    ToggleAllRepos,
    Approve,
    Reject,
    Deploy,
    Rollback,
    RerunFailed,
    RerunAll,
    CancelRun,
    Dispatch,
    ShowRun,
    Comment,
    CloseReopen,
    AssignMe,
    EditLabels,
    BranchFromIssue,
    Checkout,
    NewBranch,
    Fetch,
    DeleteBranch,
    Push,
    CreatePull,
    Reply,
    ResolveThread,
    Review,
    Merge,
    LogSearch,
    LogNext,
    LogPrev,
    LogNextProblem,
    LogPrevProblem,
    LogFoldAll,
    LogUnfoldAll,
    LogTimestamps,
    LogFollow,
    LogSelect,
    LogCopy,
    LogSave,
    LogLeft,
    LogRight,
    Palette,
    /// The user's command at this index of `Keymap::commands` (`[[commands]]`).
    Command(usize),
    Notifications,
    CheckoutPull,
    ToggleDraft,
    UpdateBranch,
    EditPull,
    ToggleScope,
    ApprovalQueue,
    Filter,
    SectionPrev,
    SectionNext,
    NewIssue,
    ApproveRun,
    PullDiff,
    DiffNextFile,
    DiffPrevFile,
    DiffNextHunk,
    DiffPrevHunk,
}

impl Action {
    /// Actions that change something on GitHub: refused under `--readonly`.
    pub fn mutates(self) -> bool {
        matches!(
            self,
            Action::Approve
                | Action::Reject
                | Action::Deploy
                | Action::Rollback
                | Action::RerunFailed
                | Action::RerunAll
                | Action::CancelRun
                | Action::Dispatch
                | Action::Comment
                | Action::CloseReopen
                | Action::AssignMe
                | Action::EditLabels
                | Action::BranchFromIssue
                | Action::Checkout
                | Action::NewBranch
                | Action::DeleteBranch
                | Action::Push
                | Action::CreatePull
                | Action::Reply
                | Action::ResolveThread
                | Action::Review
                | Action::Merge
                | Action::CheckoutPull
                | Action::ToggleDraft
                | Action::UpdateBranch
                | Action::EditPull
                | Action::NewIssue
                | Action::ApproveRun
        )
    }
}

impl Action {
    /// Every action, in the order the help lists them. A new variant must be added here: the
    /// match in `name` has no wildcard, and `every_action_is_listed` checks the count.
    pub const ALL: [Action; 77] = [
        Action::Quit,
        Action::Help,
        Action::FocusNext,
        Action::FocusPrev,
        Action::Focus(PanelId::Issues),
        Action::Focus(PanelId::Branches),
        Action::Focus(PanelId::Pulls),
        Action::Focus(PanelId::Ci),
        Action::Focus(PanelId::Deploys),
        Action::Down,
        Action::Up,
        Action::PageDown,
        Action::PageUp,
        Action::Top,
        Action::Bottom,
        Action::Open,
        Action::Back,
        Action::Zoom,
        Action::Refresh,
        Action::OpenInBrowser,
        Action::ToggleAllRepos,
        Action::Approve,
        Action::Reject,
        Action::Deploy,
        Action::Rollback,
        Action::RerunFailed,
        Action::RerunAll,
        Action::CancelRun,
        Action::Dispatch,
        Action::ShowRun,
        Action::Comment,
        Action::CloseReopen,
        Action::AssignMe,
        Action::EditLabels,
        Action::BranchFromIssue,
        Action::Checkout,
        Action::NewBranch,
        Action::Fetch,
        Action::DeleteBranch,
        Action::Push,
        Action::CreatePull,
        Action::Reply,
        Action::ResolveThread,
        Action::Review,
        Action::Merge,
        Action::LogSearch,
        Action::LogNext,
        Action::LogPrev,
        Action::LogNextProblem,
        Action::LogPrevProblem,
        Action::LogFoldAll,
        Action::LogUnfoldAll,
        Action::LogTimestamps,
        Action::LogFollow,
        Action::LogSelect,
        Action::LogCopy,
        Action::LogSave,
        Action::LogLeft,
        Action::LogRight,
        Action::Palette,
        Action::Notifications,
        Action::CheckoutPull,
        Action::ToggleDraft,
        Action::UpdateBranch,
        Action::EditPull,
        Action::ToggleScope,
        Action::ApprovalQueue,
        Action::Filter,
        Action::SectionPrev,
        Action::SectionNext,
        Action::NewIssue,
        Action::ApproveRun,
        Action::PullDiff,
        Action::DiffNextFile,
        Action::DiffPrevFile,
        Action::DiffNextHunk,
        Action::DiffPrevHunk,
    ];

    pub fn from_name(name: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.name() == name)
    }

    pub fn name(self) -> &'static str {
        match self {
            Action::Quit => "quit",
            Action::Help => "help",
            Action::FocusNext => "focus_next",
            Action::FocusPrev => "focus_prev",
            Action::Focus(PanelId::Issues) => "focus_issues",
            Action::Focus(PanelId::Branches) => "focus_branches",
            Action::Focus(PanelId::Pulls) => "focus_pulls",
            Action::Focus(PanelId::Ci) => "focus_ci",
            Action::Focus(PanelId::Deploys) => "focus_deploys",
            Action::Down => "down",
            Action::Up => "up",
            Action::PageDown => "page_down",
            Action::PageUp => "page_up",
            Action::Top => "top",
            Action::Bottom => "bottom",
            Action::Open => "open",
            Action::Back => "back",
            Action::Zoom => "zoom",
            Action::Refresh => "refresh",
            Action::OpenInBrowser => "open_in_browser",
            Action::ToggleAllRepos => "toggle_all_repos",
            Action::Approve => "approve",
            Action::Reject => "reject",
            Action::Deploy => "deploy",
            Action::Rollback => "rollback",
            Action::RerunFailed => "rerun_failed",
            Action::RerunAll => "rerun_all",
            Action::CancelRun => "cancel_run",
            Action::Dispatch => "dispatch",
            Action::ShowRun => "show_run",
            Action::Comment => "comment",
            Action::CloseReopen => "close_reopen",
            Action::AssignMe => "assign_me",
            Action::EditLabels => "labels",
            Action::BranchFromIssue => "branch_from_issue",
            Action::Checkout => "checkout",
            Action::NewBranch => "new_branch",
            Action::Fetch => "fetch",
            Action::DeleteBranch => "delete_branch",
            Action::Push => "push",
            Action::CreatePull => "create_pull",
            Action::Reply => "reply",
            Action::ResolveThread => "resolve_thread",
            Action::Review => "review",
            Action::Merge => "merge",
            Action::LogSearch => "log_search",
            Action::LogNext => "log_next",
            Action::LogPrev => "log_prev",
            Action::LogNextProblem => "log_next_error",
            Action::LogPrevProblem => "log_prev_error",
            Action::LogFoldAll => "log_fold_all",
            Action::LogUnfoldAll => "log_unfold_all",
            Action::LogTimestamps => "log_timestamps",
            Action::LogFollow => "log_follow",
            Action::LogSelect => "log_select",
            Action::LogCopy => "log_copy",
            Action::LogSave => "log_save",
            Action::LogLeft => "log_left",
            Action::LogRight => "log_right",
            Action::Palette => "palette",
            Action::Command(_) => "command",
            Action::Notifications => "notifications",
            Action::CheckoutPull => "checkout_pull",
            Action::ToggleDraft => "ready_or_draft",
            Action::UpdateBranch => "update_branch",
            Action::EditPull => "edit_pull",
            Action::ToggleScope => "toggle_scope",
            Action::ApprovalQueue => "approval_queue",
            Action::Filter => "filter",
            Action::SectionPrev => "section_prev",
            Action::SectionNext => "section_next",
            Action::NewIssue => "new_issue",
            Action::ApproveRun => "approve_run",
            Action::PullDiff => "pull_diff",
            Action::DiffNextFile => "diff_next_file",
            Action::DiffPrevFile => "diff_prev_file",
            Action::DiffNextHunk => "diff_next_hunk",
            Action::DiffPrevHunk => "diff_prev_hunk",
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            Action::Quit => "quit",
            Action::Help => "show / hide this help",
            Action::FocusNext => "next panel",
            Action::FocusPrev => "previous panel",
            Action::Focus(PanelId::Issues) => "focus Issues",
            Action::Focus(PanelId::Branches) => "focus Branches",
            Action::Focus(PanelId::Pulls) => "focus Pull requests",
            Action::Focus(PanelId::Ci) => "focus CI",
            Action::Focus(PanelId::Deploys) => "focus Deploys",
            Action::Down => "move down",
            Action::Up => "move up",
            Action::PageDown => "page down",
            Action::PageUp => "page up",
            Action::Top => "first row",
            Action::Bottom => "last row",
            Action::Open => "open detail",
            Action::Back => "back / close",
            Action::Zoom => "zoom the panel to full screen",
            Action::Refresh => "refresh now",
            Action::OpenInBrowser => "open the selection in the browser",
            Action::ToggleAllRepos => {
                "Issues, Pull requests: sections search this repository / every repository"
            }
            Action::Approve => "Deploys: approve the deploy waiting for you",
            Action::Reject => "Deploys: reject the deploy waiting for you",
            Action::Deploy => "Deploys: deploy a ref to the environment",
            Action::Rollback => "Deploys: roll back to the previous good deployment",
            Action::RerunFailed => "CI: re-run the failed jobs",
            Action::RerunAll => "CI: re-run the whole run",
            Action::CancelRun => "CI: cancel the run",
            Action::Dispatch => "CI: run a workflow (workflow_dispatch)",
            Action::ShowRun => "Deploys: jobs and steps of the deploy run (followed or waiting)",
            Action::Comment => "Issues: comment (drafts are kept)",
            Action::CloseReopen => "Issues: close (with a reason) / reopen",
            Action::AssignMe => "Issues: assign / unassign yourself",
            Action::EditLabels => "Issues: add or remove labels",
            Action::BranchFromIssue => "Issues: branch from the issue and check it out",
            Action::Checkout => "Branches: check out",
            Action::NewBranch => "Branches: create a branch",
            Action::Fetch => "Branches: fetch from the remote",
            Action::DeleteBranch => "Branches: delete a merged branch",
            Action::Push => "push the current branch (sets its upstream)",
            Action::CreatePull => "Branches: open a pull request",
            Action::Reply => {
                "Pull request: reply in the selected review thread (in the diff: comment on the line)"
            }
            Action::ResolveThread => "Pull request: resolve / unresolve the selected thread",
            Action::Review => "Pull requests: write a review (approve, request changes, comment)",
            Action::Merge => "Pull requests: merge (the detail says why GitHub blocks it)",
            Action::LogSearch => "Log: search (text; Ctrl-R in the prompt for regex)",
            Action::LogNext => "Log: next search hit (or error)",
            Action::LogPrev => "Log: previous search hit (or error)",
            Action::LogNextProblem => "Log: next error or warning",
            Action::LogPrevProblem => "Log: previous error or warning",
            Action::LogFoldAll => "Log: fold every step and group",
            Action::LogUnfoldAll => "Log: unfold everything",
            Action::LogTimestamps => "Log: show / hide timestamps",
            Action::LogFollow => "Log: follow the tail",
            Action::LogSelect => "Log: start / end a selection of lines",
            Action::LogCopy => "Log: copy the selection (or the line)",
            Action::LogSave => "Log: save the log to cockpit-job-ID.log in the current directory",
            Action::LogLeft => "Log: scroll left",
            Action::LogRight => "Log: scroll right",
            Action::Palette => "command palette: every action, your commands, repo, theme",
            Action::Command(_) => "one of your [[commands]]",
            Action::Notifications => {
                "notifications (in it: Enter open, r read, d done, u unsubscribe, o browser)"
            }
            Action::CheckoutPull => {
                "Pull requests: check out locally (forks too, from refs/pull/N/head)"
            }
            Action::ToggleDraft => "Pull requests: ready for review / back to draft",
            Action::UpdateBranch => "Pull requests: update the branch from its base (merge)",
            Action::EditPull => "Pull requests: edit title and body (drafts are kept)",
            Action::ToggleScope => {
                "Issues, Pull requests, CI, Deploys: this repository / the watched ones too"
            }
            Action::ApprovalQueue => {
                "Approval queue: every deployment waiting for you (a approves, A rejects)"
            }
            Action::Filter => {
                "filter the list as you type (Enter keeps, Esc clears; in a log: search)"
            }
            Action::SectionPrev => "Issues, Pull requests: previous section (search tab)",
            Action::SectionNext => "Issues, Pull requests: next section (search tab)",
            Action::NewIssue => {
                "Issues: open a new issue (title, body, labels, assignees; the draft is kept)"
            }
            Action::ApproveRun => "CI: approve a fork's run that waits for approval (⏸)",
            Action::PullDiff => {
                "Pull requests: the diff, review threads on their lines (c comments on a line)"
            }
            Action::DiffNextFile => "Pull requests: in the diff, next file",
            Action::DiffPrevFile => "Pull requests: in the diff, previous file",
            Action::DiffNextHunk => "Pull requests: in the diff, next hunk",
            Action::DiffPrevHunk => "Pull requests: in the diff, previous hunk",
        }
    }
}

/// A binding: a key sequence, the panel it applies in (`None` = everywhere), the action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binding {
    pub keys: Vec<KeyPress>,
    pub panel: Option<PanelId>,
    pub action: Action,
}

/// What a key press meant, given the keys pressed before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resolution {
    Action(Action),
    /// The keys so far start a longer binding: wait for the next one.
    Pending,
    Unbound,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keymap {
    pub bindings: Vec<Binding>,
    /// Keys a panel's config unbinds (`x = "none"`) though a global binding has them.
    pub unbound: Vec<(PanelId, Vec<KeyPress>)>,
    /// The config's `[[commands]]`; `Action::Command(i)` runs the i-th.
    pub commands: Vec<super::commands::CustomCommand>,
}

impl Default for Keymap {
    fn default() -> Self {
        use Action::*;
        let mut b = Vec::new();
        let mut add = |k: KeyPress, panel: Option<PanelId>, action: Action| {
            b.push(Binding {
                keys: vec![k],
                panel,
                action,
            });
        };
        let code = KeyPress::code;
        let ch = KeyPress::char;
        add(ch('q'), None, Quit);
        add(KeyPress::ctrl('c'), None, Quit);
        add(ch('?'), None, Help);
        add(code(KeyCode::Tab), None, FocusNext);
        add(code(KeyCode::BackTab), None, FocusPrev);
        for (i, p) in PanelId::ALL.iter().enumerate() {
            add(ch(char::from(b'1' + i as u8)), None, Focus(*p));
        }
        add(ch('j'), None, Down);
        add(code(KeyCode::Down), None, Down);
        add(ch('k'), None, Up);
        add(code(KeyCode::Up), None, Up);
        add(code(KeyCode::PageDown), None, PageDown);
        add(KeyPress::ctrl('d'), None, PageDown);
        add(code(KeyCode::PageUp), None, PageUp);
        add(KeyPress::ctrl('u'), None, PageUp);
        add(ch('g'), None, Top);
        add(code(KeyCode::Home), None, Top);
        add(ch('G'), None, Bottom);
        add(code(KeyCode::End), None, Bottom);
        add(code(KeyCode::Enter), None, Open);
        add(code(KeyCode::Esc), None, Back);
        add(ch('z'), None, Zoom);
        add(ch('r'), None, Refresh);
        add(ch('o'), None, OpenInBrowser);
        add(ch('p'), None, Push);
        add(ch(':'), None, Palette);
        // Global bindings come before the panels' (the config example's order).
        add(ch('i'), None, Notifications);
        add(ch('W'), None, ToggleScope);
        add(ch('Q'), None, ApprovalQueue);
        add(ch('/'), None, Filter);
        add(ch('a'), Some(PanelId::Issues), ToggleAllRepos);
        add(ch('c'), Some(PanelId::Issues), Comment);
        add(ch('x'), Some(PanelId::Issues), CloseReopen);
        add(ch('m'), Some(PanelId::Issues), AssignMe);
        add(ch('l'), Some(PanelId::Issues), EditLabels);
        add(ch('b'), Some(PanelId::Issues), BranchFromIssue);
        add(ch('['), Some(PanelId::Issues), SectionPrev);
        add(ch(']'), Some(PanelId::Issues), SectionNext);
        add(ch('n'), Some(PanelId::Issues), NewIssue);
        add(ch(' '), Some(PanelId::Branches), Checkout);
        add(ch('n'), Some(PanelId::Branches), NewBranch);
        add(ch('f'), Some(PanelId::Branches), Fetch);
        add(ch('D'), Some(PanelId::Branches), DeleteBranch);
        add(ch('P'), Some(PanelId::Branches), CreatePull);
        add(ch('c'), Some(PanelId::Pulls), Reply);
        add(ch('s'), Some(PanelId::Pulls), ResolveThread);
        add(ch('w'), Some(PanelId::Pulls), Review);
        add(ch('M'), Some(PanelId::Pulls), Merge);
        add(ch(' '), Some(PanelId::Pulls), CheckoutPull);
        add(ch('R'), Some(PanelId::Pulls), ToggleDraft);
        add(ch('U'), Some(PanelId::Pulls), UpdateBranch);
        add(ch('e'), Some(PanelId::Pulls), EditPull);
        add(ch('a'), Some(PanelId::Pulls), ToggleAllRepos);
        add(ch('['), Some(PanelId::Pulls), SectionPrev);
        add(ch(']'), Some(PanelId::Pulls), SectionNext);
        add(ch('d'), Some(PanelId::Pulls), PullDiff);
        add(ch('n'), Some(PanelId::Pulls), DiffNextFile);
        add(ch('N'), Some(PanelId::Pulls), DiffPrevFile);
        add(ch('}'), Some(PanelId::Pulls), DiffNextHunk);
        add(ch('{'), Some(PanelId::Pulls), DiffPrevHunk);
        add(ch('R'), Some(PanelId::Ci), RerunFailed);
        add(KeyPress::ctrl('r'), Some(PanelId::Ci), RerunAll);
        add(ch('x'), Some(PanelId::Ci), CancelRun);
        add(ch('d'), Some(PanelId::Ci), Dispatch);
        add(ch('/'), Some(PanelId::Ci), LogSearch);
        add(ch('n'), Some(PanelId::Ci), LogNext);
        add(ch('N'), Some(PanelId::Ci), LogPrev);
        add(ch('e'), Some(PanelId::Ci), LogNextProblem);
        add(ch('E'), Some(PanelId::Ci), LogPrevProblem);
        add(ch('-'), Some(PanelId::Ci), LogFoldAll);
        add(ch('+'), Some(PanelId::Ci), LogUnfoldAll);
        add(ch('t'), Some(PanelId::Ci), LogTimestamps);
        add(ch('f'), Some(PanelId::Ci), LogFollow);
        add(ch('v'), Some(PanelId::Ci), LogSelect);
        add(ch('y'), Some(PanelId::Ci), LogCopy);
        add(ch('s'), Some(PanelId::Ci), LogSave);
        add(ch('h'), Some(PanelId::Ci), LogLeft);
        add(ch('l'), Some(PanelId::Ci), LogRight);
        add(ch('a'), Some(PanelId::Ci), ApproveRun);
        add(ch('a'), Some(PanelId::Deploys), Approve);
        add(ch('A'), Some(PanelId::Deploys), Reject);
        add(ch('D'), Some(PanelId::Deploys), Deploy);
        add(ch('B'), Some(PanelId::Deploys), Rollback);
        add(ch('J'), Some(PanelId::Deploys), ShowRun);
        Keymap {
            bindings: b,
            unbound: Vec::new(),
            commands: Vec::new(),
        }
    }
}

impl Keymap {
    /// Adds `ev` to the keys pressed so far (`pending`) and says what they mean in `panel`.
    /// `pending` is emptied when the sequence completes or matches nothing.
    pub fn resolve(
        &self,
        pending: &mut Vec<KeyPress>,
        ev: &KeyEvent,
        panel: PanelId,
    ) -> Resolution {
        pending.push(KeyPress::from_event(ev));
        let unbound_here = self
            .unbound
            .iter()
            .any(|(p, keys)| *p == panel && keys == pending);
        for scope in [Some(panel), None] {
            let mut longer = false;
            for b in self.bindings.iter().filter(|b| b.panel == scope) {
                if b.keys == *pending {
                    if scope.is_none() && unbound_here {
                        break;
                    }
                    pending.clear();
                    return Resolution::Action(b.action);
                }
                longer |= b.keys.len() > pending.len() && b.keys.starts_with(pending);
            }
            if longer {
                return Resolution::Pending;
            }
        }
        pending.clear();
        Resolution::Unbound
    }

    /// The action of a single key press, ignoring sequences in progress.
    pub fn lookup(&self, ev: &KeyEvent, panel: PanelId) -> Option<Action> {
        match self.resolve(&mut Vec::new(), ev, panel) {
            Resolution::Action(a) => Some(a),
            _ => None,
        }
    }

    /// The action of a single key press among the global bindings only: for the views drawn
    /// over the panels (help, inbox, approval queue), where the focused panel's keys (`n` in
    /// Issues) must not shadow the user's global ones.
    pub fn lookup_global(&self, ev: &KeyEvent) -> Option<Action> {
        let press = [KeyPress::from_event(ev)];
        self.bindings
            .iter()
            .find(|b| b.panel.is_none() && b.keys == press)
            .map(|b| b.action)
    }

    /// The first key sequence bound to `action` anywhere, for hints ("? help").
    pub fn key_for(&self, action: Action) -> Option<String> {
        self.bindings
            .iter()
            .find(|b| b.action == action && b.panel.is_none())
            .or_else(|| self.bindings.iter().find(|b| b.action == action))
            .map(|b| sequence_label(&b.keys))
    }

    /// (keys, description) for the help overlay: every bound action in `Action::ALL` order, its
    /// sequences separated by commas, panel-only ones marked with the panel.
    pub fn help_lines(&self) -> Vec<(String, &'static str)> {
        let mut out = Vec::new();
        for action in Action::ALL {
            let mut keys: Vec<String> = Vec::new();
            for b in self.bindings.iter().filter(|b| b.action == action) {
                let mut k = sequence_label(&b.keys);
                if let Some(p) = b.panel {
                    // "Issues, Pull requests: …" names both panels already.
                    let names = action.describe().split(':').next().unwrap_or_default();
                    if !names.starts_with(p.title()) && !names.contains(&format!(", {}", p.title()))
                    {
                        k = format!("{k} ({})", p.title());
                    }
                }
                if !keys.contains(&k) {
                    keys.push(k);
                }
            }
            if !keys.is_empty() {
                out.push((keys.join(", "), action.describe()));
            }
        }
        out
    }
}

/// The label of a single key, as the help shows it.
pub fn key_label(code: KeyCode, mods: KeyModifiers) -> String {
    KeyPress::new(code, mods).label()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(c: char) -> KeyEvent {
        KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)
    }

    #[test]
    fn panel_bindings_win_and_shift_is_ignored_for_letters() {
        let km = Keymap::default();
        let a = ev('a');
        assert_eq!(km.lookup(&a, PanelId::Issues), Some(Action::ToggleAllRepos));
        assert_eq!(km.lookup(&a, PanelId::Branches), None);
        let g = KeyEvent::new(KeyCode::Char('G'), KeyModifiers::SHIFT);
        assert_eq!(km.lookup(&g, PanelId::Ci), Some(Action::Bottom));
        assert_eq!(
            km.lookup(&ev('3'), PanelId::Ci),
            Some(Action::Focus(PanelId::Pulls))
        );
    }

    #[test]
    fn every_action_is_listed_once_with_a_unique_name() {
        let mut names: Vec<&str> = Action::ALL.iter().map(|a| a.name()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Action::ALL.len());
        for a in Action::ALL {
            assert_eq!(Action::from_name(a.name()), Some(a));
        }
        // Every default binding's action is in ALL, so the help shows it.
        for b in Keymap::default().bindings {
            assert!(Action::ALL.contains(&b.action), "{:?}", b.action);
        }
    }

    #[test]
    fn sequences_wait_for_their_next_key() {
        let km = Keymap {
            bindings: vec![
                Binding {
                    keys: parse_sequence("g g").expect("seq"),
                    panel: None,
                    action: Action::Top,
                },
                Binding {
                    keys: parse_sequence("g x").expect("seq"),
                    panel: Some(PanelId::Ci),
                    action: Action::Refresh,
                },
            ],
            unbound: Vec::new(),
            commands: Vec::new(),
        };
        let mut pending = Vec::new();
        let p = PanelId::Issues;
        assert_eq!(km.resolve(&mut pending, &ev('g'), p), Resolution::Pending);
        assert_eq!(pending, vec![KeyPress::char('g')]);
        assert_eq!(
            km.resolve(&mut pending, &ev('g'), p),
            Resolution::Action(Action::Top)
        );
        assert!(pending.is_empty());
        // A wrong second key drops the whole sequence.
        assert_eq!(km.resolve(&mut pending, &ev('g'), p), Resolution::Pending);
        assert_eq!(km.resolve(&mut pending, &ev('q'), p), Resolution::Unbound);
        assert!(pending.is_empty());
        // The panel's sequence and the global one share the prefix.
        assert_eq!(
            km.resolve(&mut pending, &ev('g'), PanelId::Ci),
            Resolution::Pending
        );
        assert_eq!(
            km.resolve(&mut pending, &ev('x'), PanelId::Ci),
            Resolution::Action(Action::Refresh)
        );
    }

    #[test]
    fn help_lists_every_default_key() {
        let lines = Keymap::default().help_lines();
        let top = lines.iter().find(|(_, d)| *d == "first row").expect("top");
        assert_eq!(top.0, "g, Home");
        let quit = lines.iter().find(|(_, d)| *d == "quit").expect("quit");
        assert_eq!(quit.0, "q, C-c");
        let all = lines
            .iter()
            .find(|(_, d)| d.starts_with("Issues, Pull requests: sections search"))
            .expect("a");
        assert_eq!(all.0, "a");
    }
}
