//! The log viewer's state: the store, folds, cursor and viewport, follow mode, timestamps,
//! search, selection. One method per key action, so the app maps keys to calls.
//!
//! Positions are rows of the fold [`Layout`]; when folds change the cursor and the viewport
//! are re-found by what they showed (a line or a step header), so nothing jumps. Appending
//! lines never moves either, unless follow mode is on.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError, Sender};
use std::sync::Arc;
use std::time::{Duration, Instant};

use regex::Regex;

use super::ansi::{clean, StyledText};
use super::export::{SaveJob, SaveMode};
use super::layout::{Folds, Layout, Row};
use super::line::LineKind;
use super::search::{self, Batch, Hit, SearchMode, Waker, MAX_HITS};
use super::store::{LogStore, StepInfo};

/// Bytes of a line the viewer cleans and draws (horizontal scrolling reaches this far); a
/// megabyte of minified output on one line costs no more than this per frame.
pub const MAX_DISPLAY_BYTES: usize = 32 * 1024;
const CACHE_LINES: usize = 512;
/// Rows used for paging before the first draw tells the real height.
const DEFAULT_HEIGHT: usize = 20;

/// An error or warning line, for a list in the UI.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub line: usize,
    pub kind: LineKind,
    /// Clean display text (label included), safe to draw.
    pub text: String,
}

/// Where a search stands, for the status line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SearchStatus {
    pub query: String,
    pub mode: SearchMode,
    pub hits: usize,
    /// More matches exist than were kept ([`MAX_HITS`]).
    pub capped: bool,
    /// Every line received so far has been searched.
    pub done: bool,
    /// The hit the cursor is on (0-based index), after `n`/`N`.
    pub current: Option<usize>,
}

/// A summary of the view for a status line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogStatus {
    pub lines: usize,
    pub bytes: u64,
    /// The line under the cursor (0-based); a step header reports its first line.
    pub cursor_line: Option<usize>,
    pub follow: bool,
    pub timestamps: bool,
    pub errors: usize,
    pub warnings: usize,
    pub selection: Option<(usize, usize)>,
    pub search: Option<SearchStatus>,
}

struct Running {
    cancel: Arc<AtomicBool>,
}

struct Search {
    query: String,
    mode: SearchMode,
    regex: Regex,
    gen: u64,
    hits: Vec<Hit>,
    capped: bool,
    searched_to: usize,
    running: Option<Running>,
    current: Option<usize>,
    /// Jump to the first hit at or after this line when it arrives (incremental search).
    jump_from: Option<usize>,
}

impl Search {
    fn cancel(&mut self) {
        if let Some(r) = self.running.take() {
            r.cancel.store(true, Ordering::Relaxed);
        }
    }
}

/// Cleaned, styled text of recently drawn lines. Lines never change once complete, so the
/// cache is never stale; it is dropped whole when full (a screen is re-read at most).
#[derive(Default)]
pub(crate) struct LineCache {
    map: HashMap<usize, StyledText>,
}

impl LineCache {
    pub(crate) fn get(&mut self, line: usize, make: impl FnOnce() -> StyledText) -> &StyledText {
        if self.map.len() >= CACHE_LINES && !self.map.contains_key(&line) {
            self.map.clear();
        }
        self.map.entry(line).or_insert_with(make)
    }
}

pub struct LogViewState {
    pub(crate) store: LogStore,
    folds: Folds,
    pub(crate) layout: Layout,
    pub(crate) cursor: usize,
    /// First row on screen; set by the widget, which alone knows the height.
    pub(crate) top: Cell<usize>,
    pub(crate) height: Cell<usize>,
    pub(crate) scroll_x: usize,
    follow: bool,
    pub(crate) timestamps: bool,
    /// Selection: the line where it started; it ends at the cursor.
    anchor: Option<usize>,
    search: Option<Search>,
    generation: u64,
    tx: Sender<Batch>,
    rx: Receiver<Batch>,
    waker: Option<Waker>,
    pub(crate) cache: RefCell<LineCache>,
}

impl std::fmt::Debug for LogViewState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LogViewState")
            .field("lines", &self.store.len())
            .field("cursor", &self.cursor)
            .field("follow", &self.follow)
            .field("timestamps", &self.timestamps)
            .field("search", &self.search.as_ref().map(|s| &s.query))
            .finish_non_exhaustive()
    }
}

impl Default for LogViewState {
    fn default() -> Self {
        LogViewState::with_store(LogStore::new())
    }
}

impl Drop for LogViewState {
    fn drop(&mut self) {
        if let Some(s) = &mut self.search {
            s.cancel();
        }
    }
}

impl LogViewState {
    /// An empty view, waiting for lines.
    pub fn new() -> LogViewState {
        LogViewState::default()
    }

    /// A view over a complete log (a finished download), taken without copying.
    pub fn from_bytes(bytes: Vec<u8>) -> LogViewState {
        LogViewState::with_store(LogStore::from_bytes(bytes))
    }

    pub fn with_store(store: LogStore) -> LogViewState {
        let (tx, rx) = channel();
        let mut folds = Folds::default();
        let layout = Layout::build(&store, &mut folds);
        LogViewState {
            store,
            folds,
            layout,
            cursor: 0,
            top: Cell::new(0),
            height: Cell::new(DEFAULT_HEIGHT),
            scroll_x: 0,
            follow: false,
            timestamps: false,
            anchor: None,
            search: None,
            generation: 0,
            tx,
            rx,
            waker: None,
            cache: RefCell::new(LineCache::default()),
        }
    }

    pub fn store(&self) -> &LogStore {
        &self.store
    }

    /// Called from the search thread whenever results wait: send the loop a message, and
    /// call [`LogViewState::poll_search`] when it arrives.
    pub fn set_waker(&mut self, waker: Waker) {
        self.waker = Some(waker);
    }

    // ---- data in ------------------------------------------------------------------------

    /// Appends raw bytes (any split: partial lines wait for their newline).
    pub fn append(&mut self, bytes: &[u8]) {
        let before = self.store.len();
        self.store.append(bytes);
        if self.store.len() != before {
            self.grew();
        }
    }

    /// Appends one step's log as its own foldable section.
    pub fn append_step(&mut self, number: Option<u32>, title: &str, bytes: &[u8]) {
        self.store.begin_step(number, title);
        self.store.append(bytes);
        self.store.finish();
        self.grew();
    }

    /// The stream ended: a partial last line becomes a line.
    pub fn finish(&mut self) {
        let before = self.store.len();
        self.store.finish();
        if self.store.len() != before {
            self.grew();
        }
    }

    /// Swaps in a new complete log (e.g. the whole job log after step logs): the cursor stays
    /// on the same line number, follow, timestamps and the search query carry over; folds and
    /// selection start afresh.
    pub fn replace(&mut self, bytes: Vec<u8>) {
        let line = self.cursor_line();
        let top = match self.layout.anchor(self.top.get()) {
            Some(Row::Step(k)) => Some(self.store.step_range(k).start),
            Some(Row::Line(l)) => Some(l),
            None => None,
        };
        let query = self.search.as_ref().map(|s| (s.query.clone(), s.mode));
        self.clear_search();
        self.store = LogStore::from_bytes(bytes);
        self.folds = Folds::default();
        self.anchor = None;
        self.cache = RefCell::new(LineCache::default());
        self.relayout_to(line.map(Row::Line), top.map(Row::Line));
        if let Some((q, mode)) = query {
            // The query compiled before, so it compiles again.
            let _ = self.set_search(&q, mode);
            if let Some(s) = &mut self.search {
                s.jump_from = None;
            }
        }
    }

    /// Splits a whole job log into step sections by the steps' start times (Jobs API).
    pub fn set_steps(&mut self, steps: &[StepInfo]) {
        self.store.set_steps(steps);
        self.relayout();
    }

    fn grew(&mut self) {
        self.relayout();
        if self.follow {
            self.cursor = self.layout.rows().saturating_sub(1);
        }
        self.continue_search();
    }

    /// Rebuilds the rows, keeping the cursor and viewport on what they showed.
    fn relayout(&mut self) {
        let cur = self.layout.anchor(self.cursor);
        let top = self.layout.anchor(self.top.get());
        self.relayout_to(cur, top);
    }

    fn relayout_to(&mut self, cur: Option<Row>, top: Option<Row>) {
        self.layout = Layout::build(&self.store, &mut self.folds);
        self.cursor = self.layout.resolve(cur);
        self.top.set(self.layout.resolve(top).min(self.cursor));
        if self.follow {
            self.cursor = self.layout.rows().saturating_sub(1);
        }
    }

    // ---- movement -----------------------------------------------------------------------

    fn last_row(&self) -> usize {
        self.layout.rows().saturating_sub(1)
    }

    /// Moves the cursor; leaving the tail turns follow off (it would pull the user back).
    fn set_cursor(&mut self, row: usize) {
        self.cursor = row.min(self.last_row());
        if self.follow && self.cursor < self.last_row() {
            self.follow = false;
        }
    }

    /// `j`/`k`, arrows, mouse wheel: move by `delta` rows.
    pub fn scroll(&mut self, delta: isize) {
        self.set_cursor(self.cursor.saturating_add_signed(delta));
    }

    /// `PgDn`/`PgUp` (`pages` = 1 / -1): the viewport and the cursor move a screen.
    pub fn page(&mut self, pages: isize) {
        let h = self.height.get().max(1) as isize;
        let max_top = self.layout.rows().saturating_sub(self.height.get());
        let top = self.top.get().saturating_add_signed(pages * h).min(max_top);
        self.top.set(top);
        self.set_cursor(self.cursor.saturating_add_signed(pages * h));
    }

    /// `Ctrl-d`/`Ctrl-u`: half a screen.
    pub fn half_page(&mut self, dir: isize) {
        let half = (self.height.get() / 2).max(1) as isize;
        self.scroll(dir.signum() * half);
    }

    /// `g`.
    pub fn to_top(&mut self) {
        self.set_cursor(0);
    }

    /// `G`.
    pub fn to_bottom(&mut self) {
        self.set_cursor(self.last_row());
    }

    /// A mouse click on screen row `y` (0 = the first row the widget drew).
    pub fn click_row(&mut self, y: usize) {
        let row = self.top.get() + y;
        if row < self.layout.rows() {
            self.set_cursor(row);
        }
    }

    /// `h`/`l`: long lines are cut at the edge, not wrapped (wrapping would make a row's
    /// position depend on every line above it).
    pub fn scroll_horizontal(&mut self, cols: isize) {
        self.scroll_x = self
            .scroll_x
            .saturating_add_signed(cols)
            .min(MAX_DISPLAY_BYTES);
    }

    /// Shows `line` under the cursor, unfolding what hides it.
    pub fn jump_to_line(&mut self, line: usize) {
        if line >= self.store.len() {
            return;
        }
        self.reveal(line);
        let Some(row) = self.layout.row_of_line(line) else {
            return;
        };
        self.set_cursor(row);
        // Off screen: bring it to a third of the height, with context above.
        let h = self.height.get().max(1);
        let top = self.top.get();
        if row < top || row >= top + h {
            self.top.set(row.saturating_sub(h / 3));
        }
    }

    fn reveal(&mut self, line: usize) {
        let mut changed = false;
        if let Some(g) = self.store.group_around(line) {
            if self.folds.group(g) {
                self.folds.set_group(g, false);
                changed = true;
            }
        }
        if let Some(k) = self.store.step_of(line) {
            if self.folds.step(k) {
                self.folds.set_step(k, false);
                changed = true;
            }
        }
        if changed {
            self.relayout();
        }
    }

    /// What the cursor is on.
    pub fn cursor_row(&self) -> Option<Row> {
        self.layout.row(self.cursor)
    }

    /// The line under the cursor (a step header gives its first line).
    pub fn cursor_line(&self) -> Option<usize> {
        match self.cursor_row()? {
            Row::Line(l) => Some(l),
            Row::Step(k) => Some(self.store.step_range(k).start),
        }
    }

    /// Visible rows.
    pub fn rows(&self) -> usize {
        self.layout.rows()
    }

    /// What visible row `r` shows.
    pub fn row_at(&self, r: usize) -> Option<Row> {
        self.layout.row(r)
    }

    /// The first row on screen for a viewport of `height`, keeping the cursor in view (the
    /// widget calls this while drawing).
    pub fn window(&self, height: usize) -> usize {
        let rows = self.layout.rows();
        let max_top = rows.saturating_sub(height);
        let mut top = self.top.get();
        if self.follow {
            top = max_top;
        } else if self.cursor < top {
            top = self.cursor;
        } else if height > 0 && self.cursor >= top + height {
            top = self.cursor + 1 - height;
        }
        let top = top.min(max_top);
        self.top.set(top);
        self.height.set(height);
        top
    }

    // ---- folds --------------------------------------------------------------------------

    /// `Enter`/`za`: on a step header or a group header, fold or unfold it; inside an open
    /// group, fold the group; inside a step, fold the step. The cursor stays on the header.
    pub fn toggle_fold(&mut self) {
        let top = self.layout.anchor(self.top.get());
        match self.cursor_row() {
            Some(Row::Step(k)) => {
                self.folds.set_step(k, !self.folds.step(k));
                self.relayout_to(Some(Row::Step(k)), top);
            }
            Some(Row::Line(l)) => {
                if let Some(g) = self.store.group_at(l) {
                    self.folds.set_group(g, !self.folds.group(g));
                    self.relayout_to(Some(Row::Line(l)), top);
                } else if let Some(g) = self.store.group_around(l) {
                    self.folds.set_group(g, true);
                    let header = self.store.groups()[g].header;
                    self.relayout_to(Some(Row::Line(header)), top);
                } else if let Some(k) = self.store.step_of(l) {
                    self.folds.set_step(k, true);
                    self.relayout_to(Some(Row::Step(k)), top);
                }
            }
            None => {}
        }
    }

    /// Folds every step and group (an outline of the job).
    pub fn fold_all(&mut self) {
        let cur = self.cursor_line();
        self.folds.set_all(true);
        let anchor = cur.map(|l| match self.store.step_of(l) {
            Some(k) => Row::Step(k),
            None => Row::Line(l),
        });
        self.relayout_to(anchor, None);
    }

    pub fn unfold_all(&mut self) {
        let cur = self.cursor_line().map(Row::Line);
        self.folds.set_all(false);
        self.relayout_to(cur, None);
    }

    // ---- toggles ------------------------------------------------------------------------

    /// `t`.
    pub fn toggle_timestamps(&mut self) {
        self.timestamps = !self.timestamps;
    }

    pub fn timestamps_shown(&self) -> bool {
        self.timestamps
    }

    /// `f`: on, the view sticks to the tail as lines arrive; off, appends never move it.
    pub fn toggle_follow(&mut self) {
        self.set_follow(!self.follow);
    }

    pub fn set_follow(&mut self, on: bool) {
        self.follow = on;
        if on {
            self.cursor = self.last_row();
        }
    }

    pub fn following(&self) -> bool {
        self.follow
    }

    // ---- errors and warnings ------------------------------------------------------------

    /// Error and warning lines, ascending.
    pub fn problem_lines(&self) -> &[usize] {
        self.store.problems()
    }

    /// The `i`-th problem with its clean text.
    pub fn problem(&self, i: usize) -> Option<Problem> {
        let line = *self.store.problems().get(i)?;
        let kind = self.store.kind(line);
        let text = search::display_text(kind, self.store.content(line)).into_owned();
        Some(Problem { line, kind, text })
    }

    /// `n` (without a search): the next error or warning after the cursor, wrapping.
    pub fn next_problem(&mut self) -> bool {
        let p = self.store.problems();
        let Some(&first) = p.first() else {
            return false;
        };
        let i = match self.cursor_row() {
            Some(Row::Step(k)) => p.partition_point(|&l| l < self.store.step_range(k).start),
            Some(Row::Line(c)) => p.partition_point(|&l| l <= c),
            None => 0,
        };
        let target = p.get(i).copied().unwrap_or(first);
        self.jump_to_line(target);
        true
    }

    /// `N`: the previous one, wrapping.
    pub fn prev_problem(&mut self) -> bool {
        let p = self.store.problems();
        let Some(&last) = p.last() else {
            return false;
        };
        let c = self.cursor_line().unwrap_or(0);
        let i = p.partition_point(|&l| l < c);
        let target = i.checked_sub(1).map_or(last, |i| p[i]);
        self.jump_to_line(target);
        true
    }

    /// `n`/`N` as the issue describes them: search hits while a search is active, else
    /// errors and warnings.
    pub fn jump_next(&mut self) -> bool {
        if self.search.is_some() {
            self.search_next()
        } else {
            self.next_problem()
        }
    }

    pub fn jump_prev(&mut self) -> bool {
        if self.search.is_some() {
            self.search_prev()
        } else {
            self.prev_problem()
        }
    }

    // ---- search -------------------------------------------------------------------------

    /// `/`: starts searching for `query` (cancelling a previous search). Returns why a regex
    /// is invalid. The cursor jumps to the first hit at or after it as soon as one is found.
    /// An empty query clears the search.
    pub fn set_search(&mut self, query: &str, mode: SearchMode) -> Result<(), String> {
        if query.is_empty() {
            self.clear_search();
            return Ok(());
        }
        if let Some(s) = &self.search {
            if s.query == query && s.mode == mode {
                return Ok(());
            }
        }
        let regex = search::compile(query, mode)?;
        self.clear_search();
        self.generation += 1;
        self.search = Some(Search {
            query: query.to_string(),
            mode,
            regex,
            gen: self.generation,
            hits: Vec::new(),
            capped: false,
            searched_to: 0,
            running: None,
            current: None,
            jump_from: self.cursor_line(),
        });
        self.continue_search();
        Ok(())
    }

    pub fn clear_search(&mut self) {
        if let Some(mut s) = self.search.take() {
            s.cancel();
        }
    }

    /// Starts a search thread over the lines not searched yet, if none is running.
    fn continue_search(&mut self) {
        let len = self.store.len();
        let Some(s) = &mut self.search else { return };
        if s.running.is_some() || s.capped || s.searched_to >= len {
            return;
        }
        let cancel = Arc::new(AtomicBool::new(false));
        let job = search::Job {
            gen: s.gen,
            regex: s.regex.clone(),
            snapshot: self.store.snapshot(s.searched_to),
            cancel: Arc::clone(&cancel),
            tx: self.tx.clone(),
            waker: self.waker.clone(),
            budget: MAX_HITS.saturating_sub(s.hits.len()),
        };
        if search::spawn(job).is_ok() {
            s.running = Some(Running { cancel });
        }
    }

    fn apply(&mut self, b: Batch) -> bool {
        let Some(s) = &mut self.search else {
            return false;
        };
        if b.gen != s.gen {
            return false;
        }
        s.hits.extend_from_slice(&b.hits);
        if b.done {
            s.running = None;
            s.searched_to = b.scanned_to;
            s.capped |= b.capped;
        }
        true
    }

    /// Takes the results the search thread has sent; true when anything changed (redraw).
    /// Call it when the waker's message arrives (or once per frame).
    pub fn poll_search(&mut self) -> bool {
        let mut changed = false;
        while let Ok(b) = self.rx.try_recv() {
            changed |= self.apply(b);
        }
        if changed {
            self.after_results();
        }
        changed
    }

    /// Blocks until the search has covered every line (tests, benchmarks, headless use).
    pub fn wait_search(&mut self, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        loop {
            self.poll_search();
            match self.search_status() {
                None => return true,
                Some(s) if s.done => return true,
                Some(_) => {}
            }
            let left = deadline.saturating_duration_since(Instant::now());
            match self.rx.recv_timeout(left) {
                Ok(b) => {
                    if self.apply(b) {
                        self.after_results();
                    }
                }
                Err(RecvTimeoutError::Timeout) => return false,
                Err(RecvTimeoutError::Disconnected) => return false,
            }
        }
    }

    fn after_results(&mut self) {
        let mut jump = None;
        if let Some(s) = &mut self.search {
            if let Some(from) = s.jump_from {
                let i = s.hits.partition_point(|h| (h.line as usize) < from);
                let idle = s.running.is_none();
                if i < s.hits.len() {
                    jump = Some(i);
                } else if idle && !s.hits.is_empty() {
                    jump = Some(0);
                }
                if jump.is_some() || idle {
                    s.jump_from = None;
                }
            }
        }
        if let Some(i) = jump {
            self.go_to_hit(i);
        }
        // The log may have grown while the thread ran.
        self.continue_search();
    }

    fn go_to_hit(&mut self, i: usize) {
        let Some(line) = self
            .search
            .as_ref()
            .and_then(|s| s.hits.get(i))
            .map(|h| h.line as usize)
        else {
            return;
        };
        if let Some(s) = &mut self.search {
            s.current = Some(i);
        }
        self.jump_to_line(line);
    }

    /// `n` during a search: the next hit after the cursor, wrapping.
    pub fn search_next(&mut self) -> bool {
        let row = self.cursor_row();
        let Some(s) = &self.search else { return false };
        if s.hits.is_empty() {
            return false;
        }
        let c = self.cursor_line().unwrap_or(0);
        let i = match (s.current, row) {
            (Some(i), Some(Row::Line(l)))
                if s.hits.get(i).is_some_and(|h| h.line as usize == l) =>
            {
                i + 1
            }
            (_, Some(Row::Step(_))) => s.hits.partition_point(|h| (h.line as usize) < c),
            _ => s.hits.partition_point(|h| (h.line as usize) <= c),
        };
        let i = if i >= s.hits.len() { 0 } else { i };
        self.go_to_hit(i);
        true
    }

    /// `N` during a search: the previous hit, wrapping.
    pub fn search_prev(&mut self) -> bool {
        let Some(s) = &self.search else { return false };
        if s.hits.is_empty() {
            return false;
        }
        let c = self.cursor_line().unwrap_or(0);
        let i = match s.current {
            Some(i) if s.hits.get(i).is_some_and(|h| h.line as usize == c) => i.checked_sub(1),
            _ => s
                .hits
                .partition_point(|h| (h.line as usize) < c)
                .checked_sub(1),
        };
        let i = i.unwrap_or(s.hits.len() - 1);
        self.go_to_hit(i);
        true
    }

    pub fn search_status(&self) -> Option<SearchStatus> {
        let s = self.search.as_ref()?;
        Some(SearchStatus {
            query: s.query.clone(),
            mode: s.mode,
            hits: s.hits.len(),
            capped: s.capped,
            done: s.running.is_none() && (s.capped || s.searched_to >= self.store.len()),
            current: s.current,
        })
    }

    /// Every hit so far (sorted by line, then position).
    pub fn search_hits(&self) -> &[Hit] {
        self.search.as_ref().map_or(&[], |s| &s.hits)
    }

    /// The hits on `line` and the index of the first one (for highlighting).
    pub(crate) fn hits_on(&self, line: usize) -> (usize, &[Hit]) {
        let hits = self.search_hits();
        let a = hits.partition_point(|h| (h.line as usize) < line);
        let b = a + hits[a..].partition_point(|h| (h.line as usize) <= line);
        (a, &hits[a..b])
    }

    pub(crate) fn current_hit(&self) -> Option<usize> {
        self.search.as_ref().and_then(|s| s.current)
    }

    // ---- selection, copy, save ----------------------------------------------------------

    /// `v`: starts a selection at the cursor line (it follows the cursor), or ends it.
    pub fn toggle_selection(&mut self) {
        self.anchor = match self.anchor {
            Some(_) => None,
            None => self.cursor_line(),
        };
    }

    /// Selects lines `first..=last` (0-based) and puts the cursor on `last`.
    pub fn select_lines(&mut self, first: usize, last: usize) {
        if self.store.is_empty() {
            return;
        }
        let max = self.store.len() - 1;
        self.anchor = Some(first.min(max));
        self.jump_to_line(last.min(max));
    }

    pub fn clear_selection(&mut self) {
        self.anchor = None;
    }

    /// The selected lines, inclusive and ordered.
    pub fn selection(&self) -> Option<(usize, usize)> {
        let a = self.anchor?;
        let c = self.cursor_line()?;
        Some((a.min(c), a.max(c)))
    }

    /// `y`: the text to copy — the selected lines, else the step under the cursor (on a step
    /// header), else the cursor line. Clean text: no escape sequence or control character
    /// from the log survives, so it is safe inside OSC 52.
    pub fn copy_text(&self) -> String {
        let (first, last) = match (self.selection(), self.cursor_row()) {
            (Some(sel), _) => sel,
            (None, Some(Row::Step(k))) => {
                let r = self.store.step_range(k);
                if r.is_empty() {
                    return String::new();
                }
                (r.start, r.end - 1)
            }
            (None, Some(Row::Line(l))) => (l, l),
            (None, None) => return String::new(),
        };
        let mut out = String::new();
        for line in first..=last.min(self.store.len().saturating_sub(1)) {
            let Some(meta) = self.store.meta(line) else {
                continue;
            };
            if meta.kind == LineKind::GroupEnd {
                continue;
            }
            if !out.is_empty() {
                out.push('\n');
            }
            if self.timestamps {
                let stamp = self.store.stamp(line);
                if !stamp.is_empty() {
                    out.push_str(&String::from_utf8_lossy(stamp));
                    out.push(' ');
                }
            }
            out.push_str(&search::display_text(meta.kind, self.store.content(line)));
        }
        out
    }

    /// `s`: what to write, taken now, to be written on any thread (a 100 MB log should not
    /// be written on the UI thread): `view.save_job(mode).write_to(path)`.
    pub fn save_job(&self, mode: SaveMode) -> SaveJob {
        SaveJob {
            snapshot: self.store.snapshot(0),
            mode,
            timestamps: self.timestamps,
        }
    }

    /// Writes the log to `path` now (small logs, tests).
    pub fn save(&self, path: &std::path::Path, mode: SaveMode) -> std::io::Result<u64> {
        self.save_job(mode).write_to(path)
    }

    // ---- summary ------------------------------------------------------------------------

    pub fn status(&self) -> LogStatus {
        let errors = self.store.error_count();
        let warnings = self.store.problems().len() - errors;
        LogStatus {
            lines: self.store.len(),
            bytes: self.store.byte_len(),
            cursor_line: self.cursor_line(),
            follow: self.follow,
            timestamps: self.timestamps,
            errors,
            warnings,
            selection: self.selection(),
            search: self.search_status(),
        }
    }

    pub(crate) fn fold_of_group(&self, g: usize) -> bool {
        self.folds.group(g)
    }

    pub(crate) fn fold_of_step(&self, k: usize) -> bool {
        self.folds.step(k)
    }

    /// The cleaned, styled content of `line`, from the cache.
    pub(crate) fn styled<R>(&self, line: usize, f: impl FnOnce(&StyledText) -> R) -> R {
        let mut cache = self.cache.borrow_mut();
        let t = cache.get(line, || clean(self.store.content(line), MAX_DISPLAY_BYTES));
        f(t)
    }
}
