//! The log viewer's state: the store, folds, cursor and viewport, follow mode, timestamps,
//! search, selection. One method per key action, so the app maps keys to calls.
//!
//! Split by concern: `search` (the background search and `n`/`N` over hits), `problems`
//! (errors and warnings), `copy` (selection, copy, save); movement, folds and toggles here.
//!
//! Positions are rows of the fold [`Layout`]; when folds change the cursor and the viewport
//! are re-found by what they showed (a line or a step header), so nothing jumps. Appending
//! lines never moves either, unless follow mode is on.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::sync::mpsc::{channel, Receiver, Sender};

use crate::logs::ansi::{clean, StyledText};
use crate::logs::layout::{Folds, Layout, Row};
use crate::logs::search::{Batch, Waker};
use crate::logs::store::{LogStore, StepInfo};

mod copy;
mod problems;
mod search;

pub use problems::Problem;
use search::Search;
pub use search::{SearchJob, SearchStatus};

/// Bytes of a line the viewer cleans and draws (horizontal scrolling reaches this far); a
/// megabyte of minified output on one line costs no more than this per frame.
pub const MAX_DISPLAY_BYTES: usize = 32 * 1024;
const CACHE_LINES: usize = 512;
/// Rows used for paging before the first draw tells the real height.
const DEFAULT_HEIGHT: usize = 20;

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
    /// Search threads are handed to the owner (`take_search_job`) instead of started here.
    defer_search: bool,
    pending_search: Option<search::SearchJob>,
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
            defer_search: false,
            pending_search: None,
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
