//! Sections: the tabs of the Issues and Pull requests panels, each a GitHub search (gh-dash's
//! idea). Only the visible section is polled; the others keep what they showed last, so
//! switching back shows it at once while it refreshes. `state.issues` / `state.pulls` always
//! hold the visible section's rows, so `selection` maps the cursor to a row as before.

use super::effect::{Effect, Resource};
use super::resource;
use super::state::{AppState, Cursor, Loaded, PanelId, Scope};
pub use crate::config::Section;
use crate::github::dashboard::Slug;
use crate::github::search::SearchCount;

/// What an inactive section showed last: its rows, cursor, count and repository column.
type Parked<T> = (
    Loaded<Vec<T>>,
    usize,
    Option<SearchCount>,
    Option<RepoColumn>,
);

/// One panel's sections and which one is shown.
#[derive(Debug, Clone)]
pub struct Tabs<T> {
    pub list: Vec<Section>,
    pub active: usize,
    /// What the visible section's search found beyond its rows.
    pub count: Option<SearchCount>,
    /// How the visible section's rows show their repository, worked out once when they
    /// arrive (not on every frame: the rows can be many).
    pub repos: Option<RepoColumn>,
    parked: Vec<Option<Parked<T>>>,
}

impl<T> Tabs<T> {
    /// The config's sections, their titles made safe to show once here (they are drawn on
    /// every frame).
    pub fn new(list: Vec<Section>) -> Tabs<T> {
        let list: Vec<Section> = list
            .into_iter()
            .map(|Section { title, filter }| Section {
                title: crate::text::sanitize_line(title.trim()),
                filter,
            })
            .collect();
        Tabs {
            parked: list.iter().map(|_| None).collect(),
            list,
            active: 0,
            count: None,
            repos: None,
        }
    }

    pub fn current(&self) -> Option<&Section> {
        self.list.get(self.active)
    }

    /// Shows the section `delta` away (wrapping): the visible one is parked with its rows and
    /// cursor, the other comes back as it was left (marked loading: its poll is under way).
    fn switch(&mut self, delta: isize, rows: &mut Loaded<Vec<T>>, cursor: &mut Cursor) -> bool {
        let n = self.list.len();
        if n < 2 {
            return false;
        }
        let next = (self.active as isize + delta).rem_euclid(n as isize) as usize;
        let shown = std::mem::take(rows);
        self.parked[self.active] =
            Some((shown, cursor.selected, self.count.take(), self.repos.take()));
        let (mut back, selected, count, repos) = self.parked[next]
            .take()
            .unwrap_or_else(|| (Loaded::default(), 0, None, None));
        back.loading = true;
        *rows = back;
        cursor.selected = selected;
        self.count = count;
        self.repos = repos;
        self.active = next;
        true
    }

    /// Forgets what other sections showed (the scope changed: their rows would mislead).
    fn forget(&mut self) {
        self.parked.iter_mut().for_each(|p| *p = None);
        self.count = None;
        self.repos = None;
    }

    /// The visible section's rows arrived (or were read again): works out their repository
    /// column.
    pub fn rows_arrived(
        &mut self,
        rows: &Loaded<Vec<T>>,
        repo_of: impl Fn(&T) -> Option<(&str, &str)>,
    ) {
        self.repos = rows
            .data
            .as_deref()
            .and_then(|rows| RepoColumn::of(rows.iter().map(repo_of)));
    }
}

/// How the repository column shows a row's `OWNER/NAME`, when the rows span more than one
/// repository (else `None`: the title names the repository): the name alone, or the whole
/// `OWNER/NAME` when owners differ too.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RepoColumn {
    Name,
    Full,
}

impl RepoColumn {
    /// `repos`: each row's (owner, name).
    pub fn of<'r>(repos: impl Iterator<Item = Option<(&'r str, &'r str)>>) -> Option<RepoColumn> {
        let mut first = None;
        let mut many = false;
        for r in repos.flatten() {
            let Some(f) = first else {
                first = Some(r);
                continue;
            };
            if f != r {
                many = true;
                if f.0 != r.0 {
                    return Some(RepoColumn::Full);
                }
            }
        }
        many.then_some(RepoColumn::Name)
    }
}

/// An issue row's repository as (owner, name).
pub fn issue_repo(issue: &crate::github::models::Issue) -> Option<(&str, &str)> {
    issue.repository.as_ref()?.full_name.split_once('/')
}

/// A pull request row's repository as (owner, name).
pub fn pull_repo(r: &crate::github::dashboard::PullRow) -> Option<(&str, &str)> {
    Some((r.repo.owner.as_str(), r.repo.name.as_str()))
}

/// Whether a filter names its own scope: a section asking for `org:acme` means all of acme,
/// whatever repository cockpit is in.
fn names_own_scope(filter: &str) -> bool {
    filter.split_whitespace().any(|term| {
        let lower = term.to_ascii_lowercase();
        ["repo:", "org:", "user:"]
            .iter()
            .any(|q| lower.starts_with(q))
    })
}

/// The repositories the GitHub panels cover as search qualifiers: `repo:OWNER/NAME` of this
/// repository (`Scope::Here`), or of it and every watched one (`Scope::Watched`); nothing
/// while `a` ("every repository") is on. `None`: there is nothing to search (no repository
/// and `a` is off).
pub fn scope_qualifier(state: &AppState) -> Option<String> {
    if state.search_all {
        return Some(String::new());
    }
    let mut repos: Vec<&Slug> = state.ctx.repo.iter().collect();
    if state.scope == Scope::Watched {
        for w in &state.ctx.watched {
            if !repos.contains(&&w.slug) {
                repos.push(&w.slug);
            }
        }
    }
    if repos.is_empty() {
        return None;
    }
    Some(
        repos
            .iter()
            .map(|r| format!("repo:{}", r.full_name()))
            .collect::<Vec<_>>()
            .join(" "),
    )
}

fn query(kind: &str, section: Option<&Section>, state: &AppState) -> Option<String> {
    let filter = section?.filter.trim();
    let scope = if names_own_scope(filter) {
        String::new()
    } else {
        scope_qualifier(state)?
    };
    Some(
        [kind, filter, &scope]
            .iter()
            .filter(|s| !s.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(" "),
    )
}

/// The search the visible Issues section runs now.
pub fn issues_query(state: &AppState) -> Option<String> {
    query("is:issue", state.issue_tabs.current(), state)
}

/// The search the visible Pull requests section runs now.
pub fn pulls_query(state: &AppState) -> Option<String> {
    query("is:pr", state.pull_tabs.current(), state)
}

/// Starts (or retargets) the Issues and Pull requests pollers on their visible sections.
/// Nothing before the login is known: `@me` means nothing yet.
pub fn poll(state: &AppState, panels: &[PanelId]) -> Vec<Effect> {
    let Some(login) = state.login.clone() else {
        return Vec::new();
    };
    let mut fx = Vec::new();
    if panels.contains(&PanelId::Issues) {
        if let Some(query) = issues_query(state) {
            fx.push(Effect::Poll(Resource::Issues(resource::Issues { query })));
        }
    }
    if panels.contains(&PanelId::Pulls) {
        if let Some(query) = pulls_query(state) {
            fx.push(Effect::Poll(Resource::Pulls(resource::Pulls {
                query,
                login,
            })));
        }
    }
    fx
}

/// `[` / `]`: the previous or next section of the focused panel.
pub fn switch(state: &mut AppState, delta: isize) -> Vec<Effect> {
    let panel = state.focus;
    let cursor = &mut state.cursors[panel.index()];
    let switched = match panel {
        PanelId::Issues => state.issue_tabs.switch(delta, &mut state.issues, cursor),
        PanelId::Pulls => state.pull_tabs.switch(delta, &mut state.pulls, cursor),
        _ => return Vec::new(),
    };
    if !switched {
        state.toast(
            "One section here: add more with [[issues.sections]] / [[pulls.sections]] in the config",
            false,
        );
        return Vec::new();
    }
    if panel == PanelId::Pulls {
        // Another section's review requests are not new ones: its first answer only records.
        state.seen_review_requests = None;
    }
    if state.login.is_none() {
        // Nothing polls yet; the section shows why when the account answers.
        if panel == PanelId::Issues {
            state.issues.loading = false;
        } else {
            state.pulls.loading = false;
        }
    }
    let len = state.panel_len(panel);
    state.cursor_mut(panel).clamp(len);
    poll(state, &[panel])
}

/// Every section's title, the focused panel's first (what `:section` completes).
pub fn titles(state: &AppState) -> Vec<String> {
    let issues = state
        .issue_tabs
        .list
        .iter()
        .map(|s| s.title.trim().to_string());
    let pulls = state
        .pull_tabs
        .list
        .iter()
        .map(|s| s.title.trim().to_string());
    let mut out: Vec<String> = match state.focus {
        PanelId::Pulls => pulls.chain(issues).collect(),
        _ => issues.chain(pulls).collect(),
    };
    let mut seen = Vec::new();
    out.retain(|t| {
        let fresh = !seen.contains(t);
        seen.push(t.clone());
        fresh
    });
    out
}

/// `:section NAME`: the panel and index of the section of that title (the focused panel's
/// first when both have one of that name).
pub fn find(state: &AppState, name: &str) -> Result<(PanelId, usize), String> {
    let find = |list: &[Section]| {
        list.iter()
            .position(|s| s.title.trim().eq_ignore_ascii_case(name.trim()))
    };
    let issues = find(&state.issue_tabs.list).map(|i| (PanelId::Issues, i));
    let pulls = find(&state.pull_tabs.list).map(|i| (PanelId::Pulls, i));
    let found = match state.focus {
        PanelId::Pulls => pulls.or(issues),
        _ => issues.or(pulls),
    };
    found.ok_or_else(|| {
        format!(
            "No section \"{}\": Tab completes the titles",
            crate::text::sanitize_line(name.trim())
        )
    })
}

/// Shows section `index` of the focused panel.
pub fn show(state: &mut AppState, index: usize) -> Vec<Effect> {
    let active = match state.focus {
        PanelId::Issues => state.issue_tabs.active,
        PanelId::Pulls => state.pull_tabs.active,
        _ => return Vec::new(),
    };
    if active == index {
        return Vec::new();
    }
    switch(state, index as isize - active as isize)
}

/// The scope changed (`a`, or `W` between this and the watched repositories): both panels
/// start over on their visible section.
pub fn scope_changed(state: &mut AppState) -> Vec<Effect> {
    state.issue_tabs.forget();
    state.pull_tabs.forget();
    state.seen_review_requests = None;
    let missing = scope_qualifier(state).is_none().then(|| no_scope(state));
    state.issues = fresh(&missing);
    state.pulls = fresh(&missing);
    state.cursor_mut(PanelId::Issues).selected = 0;
    state.cursor_mut(PanelId::Pulls).selected = 0;
    poll(state, &[PanelId::Issues, PanelId::Pulls])
}

/// A panel's rows emptied for a new scope: loading, or why nothing will load.
fn fresh<T>(missing: &Option<String>) -> Loaded<T> {
    Loaded {
        loading: missing.is_none(),
        error: missing.as_deref().map(Into::into),
        ..Loaded::default()
    }
}

/// Why Issues and Pull requests have nothing to search, and what to do.
pub fn no_scope(state: &AppState) -> String {
    let why = state
        .ctx
        .repo_problem
        .clone()
        .unwrap_or_else(|| "No GitHub repository: pass --repo OWNER/NAME".into());
    format!(
        "{}. Press a to search all your repositories.",
        why.trim_end_matches('.')
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_repository_column_only_for_several_repositories() {
        let col = |r: &[Option<(&str, &str)>]| RepoColumn::of(r.iter().copied());
        let rocket = Some(("acme", "rocket"));
        assert_eq!(col(&[rocket, rocket, None]), None);
        assert_eq!(
            col(&[rocket, Some(("acme", "api"))]),
            Some(RepoColumn::Name)
        );
        assert_eq!(
            col(&[rocket, Some(("other", "api"))]),
            Some(RepoColumn::Full)
        );
    }
    use crate::app::state::{Context, WatchedRepo};
    use chrono::Utc;

    fn state() -> AppState {
        AppState::new(
            Context {
                repo: Slug::parse("acme/rocket"),
                ..Context::default()
            },
            Utc::now(),
            (120, 40),
        )
    }

    #[test]
    fn queries_carry_kind_filter_and_scope() {
        let mut s = state();
        assert_eq!(
            issues_query(&s).as_deref(),
            Some("is:issue is:open assignee:@me repo:acme/rocket")
        );
        s.scope = Scope::Watched;
        s.ctx.watched = vec![WatchedRepo {
            slug: Slug::parse("acme/api").expect("slug"),
            path: None,
        }];
        assert_eq!(
            pulls_query(&s).as_deref(),
            Some("is:pr is:open author:@me repo:acme/rocket repo:acme/api")
        );
        s.search_all = true;
        assert_eq!(pulls_query(&s).as_deref(), Some("is:pr is:open author:@me"));
        s.search_all = false;
        s.pull_tabs = Tabs::new(vec![Section {
            title: "acme".into(),
            filter: "is:open ORG:acme".into(),
        }]);
        assert_eq!(pulls_query(&s).as_deref(), Some("is:pr is:open ORG:acme"));
        s.ctx.repo = None;
        s.ctx.watched.clear();
        assert_eq!(issues_query(&s), None, "no repository, no search");
        assert_eq!(pulls_query(&s).as_deref(), Some("is:pr is:open ORG:acme"));
    }

    #[test]
    fn switching_parks_rows_and_cursor_and_wraps() {
        let mut tabs: Tabs<u32> = Tabs::new(crate::config::IssuesConfig::default().sections);
        let mut rows = Loaded {
            data: Some(vec![1, 2, 3]),
            ..Loaded::default()
        };
        let mut cursor = Cursor {
            selected: 2,
            ..Cursor::default()
        };
        assert!(tabs.switch(-1, &mut rows, &mut cursor));
        assert_eq!(tabs.active, 2, "wraps to the last");
        assert!(rows.data.is_none() && rows.loading);
        assert_eq!(cursor.selected, 0);
        rows.data = Some(vec![9]);
        rows.loading = false;
        assert!(tabs.switch(1, &mut rows, &mut cursor));
        assert_eq!(tabs.active, 0);
        assert_eq!(rows.data, Some(vec![1, 2, 3]), "the cached rows at once");
        assert!(rows.loading, "and refreshing");
        assert_eq!(cursor.selected, 2);
        let mut one: Tabs<u32> = Tabs::new(vec![Section {
            title: "x".into(),
            filter: "is:open".into(),
        }]);
        assert!(!one.switch(1, &mut rows, &mut cursor));
    }

    /// `:section NAME` finds the title in either panel, case aside; showing it polls it.
    #[test]
    fn a_section_by_its_title() {
        let mut s = state();
        s.login = Some("octodemo".into());
        assert_eq!(find(&s, "review requested"), Ok((PanelId::Pulls, 1)));
        assert_eq!(find(&s, "Mentioned"), Ok((PanelId::Issues, 2)));
        assert!(find(&s, "nope").is_err());
        assert_eq!(titles(&s)[0], "Assigned");
        s.focus = PanelId::Pulls;
        let fx = show(&mut s, 1);
        assert_eq!(s.pull_tabs.active, 1);
        assert!(
            matches!(fx.as_slice(), [Effect::Poll(Resource::Pulls(_))]),
            "{fx:?}"
        );
        assert!(show(&mut s, 1).is_empty(), "already shown");
    }

    /// A section shown again is no news: its review requests were there before.
    #[test]
    fn switching_sections_forgets_what_review_requests_were_seen() {
        let mut s = state();
        s.login = Some("octodemo".into());
        s.focus = PanelId::Pulls;
        s.seen_review_requests = Some(vec![46]);
        let fx = switch(&mut s, 1);
        assert_eq!(s.seen_review_requests, None);
        assert!(
            matches!(fx.as_slice(), [Effect::Poll(Resource::Pulls(_))]),
            "{fx:?}"
        );
    }
}
