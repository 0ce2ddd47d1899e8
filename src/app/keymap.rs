//! Keys → actions. Actions have stable names so a config file can rebind them.

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
        )
    }
}

impl Action {
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
            Action::ToggleAllRepos => "Issues: this repository / all my repositories",
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
            Action::Reply => "Pull request: reply in the selected review thread",
            Action::ResolveThread => "Pull request: resolve / unresolve the selected thread",
            Action::Review => "Pull requests: write a review (approve, request changes, comment)",
            Action::Merge => "Pull requests: merge",
        }
    }
}

/// A binding: key, the panel it applies in (`None` = everywhere), action.
#[derive(Debug, Clone)]
pub struct Binding {
    pub code: KeyCode,
    pub mods: KeyModifiers,
    pub panel: Option<PanelId>,
    pub action: Action,
}

#[derive(Debug, Clone)]
pub struct Keymap {
    pub bindings: Vec<Binding>,
}

fn key(c: char) -> (KeyCode, KeyModifiers) {
    (KeyCode::Char(c), KeyModifiers::NONE)
}

impl Default for Keymap {
    fn default() -> Self {
        use Action::*;
        let none = KeyModifiers::NONE;
        let mut b = Vec::new();
        let mut add =
            |(code, mods): (KeyCode, KeyModifiers), panel: Option<PanelId>, action: Action| {
                b.push(Binding {
                    code,
                    mods,
                    panel,
                    action,
                });
            };
        add(key('q'), None, Quit);
        add((KeyCode::Char('c'), KeyModifiers::CONTROL), None, Quit);
        add(key('?'), None, Help);
        add((KeyCode::Tab, none), None, FocusNext);
        add((KeyCode::BackTab, KeyModifiers::SHIFT), None, FocusPrev);
        for (i, p) in PanelId::ALL.iter().enumerate() {
            let digit = char::from(b'1' + i as u8);
            add(key(digit), None, Focus(*p));
        }
        add(key('j'), None, Down);
        add((KeyCode::Down, none), None, Down);
        add(key('k'), None, Up);
        add((KeyCode::Up, none), None, Up);
        add((KeyCode::PageDown, none), None, PageDown);
        add((KeyCode::Char('d'), KeyModifiers::CONTROL), None, PageDown);
        add((KeyCode::PageUp, none), None, PageUp);
        add((KeyCode::Char('u'), KeyModifiers::CONTROL), None, PageUp);
        add(key('g'), None, Top);
        add((KeyCode::Home, none), None, Top);
        add((KeyCode::Char('G'), KeyModifiers::SHIFT), None, Bottom);
        add(key('G'), None, Bottom);
        add((KeyCode::End, none), None, Bottom);
        add((KeyCode::Enter, none), None, Open);
        add((KeyCode::Esc, none), None, Back);
        add(key('z'), None, Zoom);
        add(key('r'), None, Refresh);
        add(key('o'), None, OpenInBrowser);
        add(key('a'), Some(PanelId::Issues), ToggleAllRepos);
        add(key('a'), Some(PanelId::Deploys), Approve);
        add(
            (KeyCode::Char('A'), KeyModifiers::SHIFT),
            Some(PanelId::Deploys),
            Reject,
        );
        add(
            (KeyCode::Char('D'), KeyModifiers::SHIFT),
            Some(PanelId::Deploys),
            Deploy,
        );
        add(
            (KeyCode::Char('B'), KeyModifiers::SHIFT),
            Some(PanelId::Deploys),
            Rollback,
        );
        add(
            (KeyCode::Char('R'), KeyModifiers::SHIFT),
            Some(PanelId::Ci),
            RerunFailed,
        );
        add(
            (KeyCode::Char('r'), KeyModifiers::CONTROL),
            Some(PanelId::Ci),
            RerunAll,
        );
        add(key('x'), Some(PanelId::Ci), CancelRun);
        add(key('d'), Some(PanelId::Ci), Dispatch);
        add(
            (KeyCode::Char('J'), KeyModifiers::SHIFT),
            Some(PanelId::Deploys),
            ShowRun,
        );
        add(key('c'), Some(PanelId::Issues), Comment);
        add(key('x'), Some(PanelId::Issues), CloseReopen);
        add(key('m'), Some(PanelId::Issues), AssignMe);
        add(key('l'), Some(PanelId::Issues), EditLabels);
        add(key('b'), Some(PanelId::Issues), BranchFromIssue);
        add(
            (KeyCode::Char(' '), none),
            Some(PanelId::Branches),
            Checkout,
        );
        add(key('n'), Some(PanelId::Branches), NewBranch);
        add(key('f'), Some(PanelId::Branches), Fetch);
        add(
            (KeyCode::Char('D'), KeyModifiers::SHIFT),
            Some(PanelId::Branches),
            DeleteBranch,
        );
        add(
            (KeyCode::Char('P'), KeyModifiers::SHIFT),
            Some(PanelId::Branches),
            CreatePull,
        );
        add(key('p'), None, Push);
        add(key('c'), Some(PanelId::Pulls), Reply);
        add(key('s'), Some(PanelId::Pulls), ResolveThread);
        add(key('w'), Some(PanelId::Pulls), Review);
        add(
            (KeyCode::Char('M'), KeyModifiers::SHIFT),
            Some(PanelId::Pulls),
            Merge,
        );
        Keymap { bindings: b }
    }
}

impl Keymap {
    /// Panel-specific bindings win over global ones.
    pub fn lookup(&self, ev: &KeyEvent, panel: PanelId) -> Option<Action> {
        // Terminals disagree on whether an upper-case letter carries SHIFT; compare without it.
        let norm = |m: KeyModifiers, c: &KeyCode| {
            if matches!(c, KeyCode::Char(_)) {
                m - KeyModifiers::SHIFT
            } else {
                m
            }
        };
        let want = norm(ev.modifiers, &ev.code);
        let matches = |b: &&Binding| b.code == ev.code && norm(b.mods, &b.code) == want;
        self.bindings
            .iter()
            .filter(matches)
            .find(|b| b.panel == Some(panel))
            .or_else(|| {
                self.bindings
                    .iter()
                    .filter(matches)
                    .find(|b| b.panel.is_none())
            })
            .map(|b| b.action)
    }

    /// (keys, description) for the help overlay, grouped by action in binding order.
    pub fn help_lines(&self) -> Vec<(String, &'static str)> {
        let mut out: Vec<(Action, Vec<String>, Option<PanelId>)> = Vec::new();
        for b in &self.bindings {
            let k = key_label(b.code, b.mods);
            match out.iter_mut().find(|(a, _, _)| *a == b.action) {
                Some((_, keys, _)) => {
                    if !keys.contains(&k) {
                        keys.push(k)
                    }
                }
                None => out.push((b.action, vec![k], b.panel)),
            }
        }
        out.into_iter()
            .map(|(a, keys, _)| (keys.join(" "), a.describe()))
            .collect()
    }
}

pub fn key_label(code: KeyCode, mods: KeyModifiers) -> String {
    let base = match code {
        KeyCode::Char(c) => c.to_string(),
        KeyCode::Tab => "Tab".into(),
        KeyCode::BackTab => "S-Tab".into(),
        KeyCode::Enter => "Enter".into(),
        KeyCode::Esc => "Esc".into(),
        KeyCode::Up => "↑".into(),
        KeyCode::Down => "↓".into(),
        KeyCode::PageUp => "PgUp".into(),
        KeyCode::PageDown => "PgDn".into(),
        KeyCode::Home => "Home".into(),
        KeyCode::End => "End".into(),
        other => format!("{other:?}"),
    };
    if mods.contains(KeyModifiers::CONTROL) {
        format!("C-{base}")
    } else {
        base
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panel_bindings_win_and_shift_is_ignored_for_letters() {
        let km = Keymap::default();
        let a = KeyEvent::new(KeyCode::Char('a'), KeyModifiers::NONE);
        assert_eq!(km.lookup(&a, PanelId::Issues), Some(Action::ToggleAllRepos));
        assert_eq!(km.lookup(&a, PanelId::Ci), None);
        let g = KeyEvent::new(KeyCode::Char('G'), KeyModifiers::SHIFT);
        assert_eq!(km.lookup(&g, PanelId::Ci), Some(Action::Bottom));
        let three = KeyEvent::new(KeyCode::Char('3'), KeyModifiers::NONE);
        assert_eq!(
            km.lookup(&three, PanelId::Ci),
            Some(Action::Focus(PanelId::Pulls))
        );
    }
}
