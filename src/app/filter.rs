//! `/` on a list: a query typed into the panel narrows its rows at every key (k9s, lazygit).
//! Every whitespace-separated word must occur, in any case, in the row's text (what the row
//! shows: number, title, labels, author, branch, workflow, environment, repository).
//!
//! The matches are cached per panel: the rows' lower-cased text is built once per data
//! change, a keystroke only scans it, and a keystroke that refines the query (adds to its end)
//! only scans the previous matches. The cache lives in a `RefCell` because the renderer and
//! `selection` read it through `&AppState`; it is memory of a pure function of (data, query),
//! never state of its own.

use super::effect::Effect;
use super::state::{AppState, PanelId};
use chrono::{DateTime, Utc};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::cell::{Ref, RefCell};
use std::ops::Range;

/// One panel's filter.
#[derive(Default)]
pub struct ListFilter {
    /// What the user typed (empty: no filter).
    pub query: String,
    /// `/` was pressed: keys type into the query until Enter or Esc.
    pub typing: bool,
    /// A row was put under the cursor on purpose during the current `update` (a pull request
    /// cockpit just opened): keeping the previously selected row must not undo that.
    pub(super) placed: bool,
    cache: RefCell<Cache>,
}

impl std::fmt::Debug for ListFilter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ListFilter")
            .field("query", &self.query)
            .field("typing", &self.typing)
            .finish()
    }
}

impl ListFilter {
    /// A query narrows the list (one made of spaces does not).
    pub fn active(&self) -> bool {
        !self.query.trim().is_empty()
    }

    /// The query's words, lower-cased: what must occur, and what the renderer highlights.
    pub fn words(&self) -> Vec<String> {
        words(&self.query)
    }
}

/// Which data the cache was built from: the rows' address and count, and when they were
/// stored. A new answer is a new `Vec`, built while the old one is still alive, so its address
/// differs; the few in-place edits (a push updating a branch's ahead/behind) change no text
/// the filter matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Stamp {
    at: usize,
    len: usize,
    updated: Option<DateTime<Utc>>,
}

#[derive(Debug, Default)]
struct Cache {
    stamp: Option<Stamp>,
    /// Each row's text, lower-cased.
    hay: Vec<String>,
    /// The lower-cased query `rows` were computed for.
    query: String,
    /// Data indices of the rows that match, in data order.
    rows: Vec<usize>,
}

pub fn words(query: &str) -> Vec<String> {
    query.split_whitespace().map(str::to_lowercase).collect()
}

/// Whether every word occurs in `hay` (already lower-case).
fn matches(hay: &str, words: &[String]) -> bool {
    words.iter().all(|w| hay.contains(w.as_str()))
}

/// Whether every word occurs in `text`, in any case (the help overlay's entries).
pub fn text_matches(text: &str, words: &[String]) -> bool {
    matches(&text.to_lowercase(), words)
}

/// Byte ranges of `text` where any of `words` occurs, in any case, sorted and merged: what
/// the renderer highlights.
pub fn match_ranges(text: &str, words: &[String]) -> Vec<Range<usize>> {
    if words.is_empty() || text.is_empty() {
        return Vec::new();
    }
    // Lower-casing can change a character's length: map each lower-cased byte back to the
    // character of `text` it came from.
    let mut lower = String::with_capacity(text.len());
    let mut origin: Vec<Range<usize>> = Vec::with_capacity(text.len());
    for (at, c) in text.char_indices() {
        for l in c.to_lowercase() {
            let before = lower.len();
            lower.push(l);
            for _ in before..lower.len() {
                origin.push(at..at + c.len_utf8());
            }
        }
    }
    let mut found: Vec<Range<usize>> = Vec::new();
    for w in words.iter().filter(|w| !w.is_empty()) {
        for (start, m) in lower.match_indices(w.as_str()) {
            let (Some(first), Some(last)) = (origin.get(start), origin.get(start + m.len() - 1))
            else {
                continue;
            };
            found.push(first.start..last.end);
        }
    }
    found.sort_by_key(|r| r.start);
    let mut merged: Vec<Range<usize>> = Vec::new();
    for r in found {
        match merged.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => merged.push(r),
        }
    }
    merged
}

/// The rows a panel shows: all of them, or the matches of its filter.
pub enum Visible<'a> {
    All(usize),
    Matches(Ref<'a, [usize]>),
}

impl Visible<'_> {
    pub fn len(&self) -> usize {
        match self {
            Visible::All(n) => *n,
            Visible::Matches(rows) => rows.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The data index of visible row `at`.
    pub fn index(&self, at: usize) -> Option<usize> {
        match self {
            Visible::All(n) => (at < *n).then_some(at),
            Visible::Matches(rows) => rows.get(at).copied(),
        }
    }

    /// Where the row at data index `index` is shown, if it is.
    pub fn position(&self, index: usize) -> Option<usize> {
        match self {
            Visible::All(n) => (index < *n).then_some(index),
            Visible::Matches(rows) => rows.binary_search(&index).ok(),
        }
    }
}

fn stamp_of<T>(rows: Option<&[T]>, updated: Option<DateTime<Utc>>) -> Option<Stamp> {
    rows.map(|r| Stamp {
        at: r.as_ptr() as usize,
        len: r.len(),
        updated,
    })
}

pub(super) fn stamp(state: &AppState, p: PanelId) -> Option<Stamp> {
    match p {
        PanelId::Issues => stamp_of(state.issues.data.as_deref(), state.issues.updated),
        PanelId::Branches => stamp_of(
            state.branches.data.as_ref().map(|b| b.branches.as_slice()),
            state.branches.updated,
        ),
        PanelId::Pulls => stamp_of(state.pulls.data.as_deref(), state.pulls.updated),
        PanelId::Ci => stamp_of(state.runs.data.as_deref(), state.runs.updated),
        PanelId::Deploys => stamp_of(state.envs.data.as_deref(), state.envs.updated),
    }
}

/// How many rows the panel's data has, filter or not.
pub fn total(state: &AppState, p: PanelId) -> usize {
    stamp(state, p).map_or(0, |s| s.len)
}

/// Every row's text as the filter sees it, lower-cased.
fn haystacks(state: &AppState, p: PanelId) -> Vec<String> {
    fn joined<'a>(parts: impl IntoIterator<Item = &'a str>) -> String {
        let mut s = String::new();
        for part in parts {
            s.push_str(part);
            s.push(' ');
        }
        s.to_lowercase()
    }
    let login = |u: &Option<crate::github::models::User>| -> String {
        u.as_ref()
            .map(|u| u.login.raw().to_owned())
            .unwrap_or_default()
    };
    match p {
        PanelId::Issues => state
            .issues
            .data
            .iter()
            .flatten()
            .map(|i| {
                let number = format!("#{}", i.number);
                let labels = i.labels.iter().map(|l| l.name.as_str());
                let repo = i.repository.as_ref().map(|r| r.full_name.as_str());
                let author = login(&i.user);
                joined(
                    [number.as_str(), i.title.as_str(), author.as_str()]
                        .into_iter()
                        .chain(labels)
                        .chain(repo),
                )
            })
            .collect(),
        PanelId::Branches => state
            .branches
            .data
            .iter()
            .flat_map(|b| &b.branches)
            .map(|b| {
                let issue = b.issue.map(|n| format!("#{n}")).unwrap_or_default();
                let stale = if b.stale { "stale" } else { "" };
                joined([
                    b.name.as_str(),
                    issue.as_str(),
                    b.summary.as_str(),
                    b.author.as_str(),
                    stale,
                ])
            })
            .collect(),
        PanelId::Pulls => state
            .pulls
            .data
            .iter()
            .flatten()
            .map(|r| {
                let number = format!("#{}", r.pr.number);
                let draft = if r.pr.draft { "draft" } else { "" };
                let author = login(&r.pr.user);
                joined([
                    number.as_str(),
                    r.pr.title.as_str(),
                    author.as_str(),
                    r.pr.head.ref_name.as_str(),
                    draft,
                ])
            })
            .collect(),
        PanelId::Ci => state
            .runs
            .data
            .iter()
            .flatten()
            .map(|r| {
                let number = format!("#{}", r.run_number);
                let actor = login(&r.actor);
                joined([
                    r.name.as_deref().unwrap_or("workflow"),
                    r.display_title.as_deref().unwrap_or(""),
                    r.event.as_str(),
                    number.as_str(),
                    r.head_branch.as_deref().unwrap_or(""),
                    actor.as_str(),
                ])
            })
            .collect(),
        PanelId::Deploys => state
            .envs
            .data
            .iter()
            .flatten()
            .map(|e| {
                let live = e.live().map(|d| &d.deployment);
                let sha = live.map(|d| crate::words::short_sha(&d.sha));
                let by = live
                    .and_then(|d| d.creator.as_ref())
                    .map(|u| u.login.as_str());
                let waits = if e.waiting.is_empty() { "" } else { "waits" };
                joined(
                    [e.env.name.as_str(), waits]
                        .into_iter()
                        .chain(live.map(|d| d.ref_name.as_str()))
                        .chain(sha.as_deref())
                        .chain(by),
                )
            })
            .collect(),
    }
}

/// Brings the panel's cache up to its data and query. Refining the query the cache holds
/// scans only its matches.
fn refresh(state: &AppState, p: PanelId) {
    let f = &state.filters[p.index()];
    let now = stamp(state, p);
    let query = f.query.trim().to_lowercase();
    {
        let c = f.cache.borrow();
        if c.stamp == now && c.query == query {
            return;
        }
    }
    let mut c = f.cache.borrow_mut();
    let refine = c.stamp == now && !c.query.is_empty() && query.starts_with(c.query.as_str());
    if c.stamp != now {
        c.hay = haystacks(state, p);
        c.stamp = now;
    }
    let w = words(&query);
    let Cache { hay, rows, .. } = &mut *c;
    if refine {
        rows.retain(|i| hay.get(*i).is_some_and(|h| matches(h, &w)));
    } else {
        rows.clear();
        rows.extend(
            hay.iter()
                .enumerate()
                .filter(|(_, h)| matches(h, &w))
                .map(|(i, _)| i),
        );
    }
    c.query = query;
}

/// The rows panel `p` shows.
pub fn visible(state: &AppState, p: PanelId) -> Visible<'_> {
    let f = &state.filters[p.index()];
    if !f.active() {
        return Visible::All(total(state, p));
    }
    refresh(state, p);
    Visible::Matches(Ref::map(f.cache.borrow(), |c| c.rows.as_slice()))
}

/// The focused list's filter being typed into, if any.
fn typing_panel(state: &AppState) -> Option<PanelId> {
    let p = state.focus;
    (state.detail.is_none() && state.filters[p.index()].typing).then_some(p)
}

/// `/`: the prompt opens on the focused list (a detail open over it closes: the filter is for
/// finding another row). Typing again into a kept filter edits it.
pub fn start(state: &mut AppState) -> Vec<Effect> {
    let fx = if state.detail.is_some() {
        super::update::close_detail(state)
    } else {
        Vec::new()
    };
    state.filters[state.focus.index()].typing = true;
    fx
}

/// Keys while the prompt is open. `None`: no prompt is open.
pub fn key(state: &mut AppState, k: KeyEvent) -> Option<Vec<Effect>> {
    let p = typing_panel(state)?;
    let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
    // Alt-letters are not text (and a terminal reads Esc quickly followed by a key as one).
    let alt = k.modifiers.contains(KeyModifiers::ALT);
    let mut query = state.filters[p.index()].query.clone();
    match k.code {
        KeyCode::Esc => {
            clear(state, p);
            return Some(Vec::new());
        }
        KeyCode::Enter => {
            let f = &mut state.filters[p.index()];
            f.typing = false;
            if !f.active() {
                f.query.clear();
            }
            return Some(Vec::new());
        }
        // The list moves under the prompt, so a row can be picked without leaving it.
        KeyCode::Down | KeyCode::Up | KeyCode::PageDown | KeyCode::PageUp => {
            let len = state.panel_len(p);
            let page = (state.size.1 as isize / 2 - 4).max(1);
            let delta = match k.code {
                KeyCode::Down => 1,
                KeyCode::Up => -1,
                KeyCode::PageDown => page,
                _ => -page,
            };
            state.cursor_mut(p).move_by(delta, len);
            return Some(Vec::new());
        }
        KeyCode::Backspace => {
            query.pop();
        }
        KeyCode::Char('u') if ctrl => query.clear(),
        KeyCode::Char('w') if ctrl => {
            let kept = query.trim_end().rfind(' ').map_or(0, |i| i + 1);
            query.truncate(kept);
        }
        KeyCode::Char(c) if !ctrl && !alt => query.push(c),
        // Tab keeps the filter and goes on to the next panel.
        KeyCode::Tab | KeyCode::BackTab => {
            leave(state, p);
            return None;
        }
        _ => return Some(Vec::new()),
    }
    set_query(state, p, query);
    Some(Vec::new())
}

/// A paste while the prompt is open goes into the query, as one line.
pub fn paste(state: &mut AppState, text: &str) -> bool {
    let Some(p) = typing_panel(state) else {
        return false;
    };
    let mut query = state.filters[p.index()].query.clone();
    query.push_str(&text.replace(['\n', '\r'], " "));
    set_query(state, p, query);
    true
}

/// Changes panel `p`'s query, keeping the selected row under the cursor when it still shows,
/// else the next row that does.
pub fn set_query(state: &mut AppState, p: PanelId, query: String) {
    let selected = super::selection::row_index(state, p);
    state.filters[p.index()].query = query;
    let shown = visible(state, p);
    let at = selected.map(|i| match &shown {
        Visible::All(_) => i,
        Visible::Matches(rows) => rows.partition_point(|r| *r < i),
    });
    let len = shown.len();
    drop(shown);
    let cursor = state.cursor_mut(p);
    cursor.selected = at.unwrap_or(0);
    cursor.clamp(len);
}

/// Esc: the filter goes, the selected row stays selected.
pub fn clear(state: &mut AppState, p: PanelId) {
    set_query(state, p, String::new());
    state.filters[p.index()].typing = false;
}

/// Esc on a list: clears its filter if it has one. Returns whether it did.
pub fn clear_focused(state: &mut AppState) -> bool {
    let p = state.focus;
    let f = &state.filters[p.index()];
    if !f.active() && !f.typing {
        return false;
    }
    clear(state, p);
    true
}

/// Leaving a panel closes its prompt; its filter stays.
pub fn leave(state: &mut AppState, p: PanelId) {
    let f = &mut state.filters[p.index()];
    f.typing = false;
    if !f.active() {
        f.query.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(q: &str) -> Vec<String> {
        words(q)
    }

    #[test]
    fn every_word_must_occur_in_any_case() {
        assert!(matches("#42 retry flaky uploads bug", &w("Flaky  BUG")));
        assert!(!matches("#42 retry flaky uploads", &w("flaky bug")));
        assert!(matches("anything", &w("   ")));
    }

    #[test]
    fn ranges_cover_each_occurrence_in_the_original_text() {
        let one = |r: Range<usize>| vec![r];
        assert_eq!(match_ranges("Retry Flaky uploads", &w("flaky")), one(6..11));
        assert_eq!(match_ranges("abcabc", &w("bc ab")), one(0..6));
        assert_eq!(match_ranges("x", &w("")), Vec::<Range<usize>>::new());
        // Lower-casing that changes the length maps back to whole characters.
        let text = "İstanbul deploy";
        let r = match_ranges(text, &w("deploy"));
        assert_eq!(&text[r[0].clone()], "deploy");
        assert_eq!(match_ranges("ÉTÉ", &w("été")), one(0.."ÉTÉ".len()));
    }
}
