//! Search in the view: starting and cancelling the background thread, taking its batches,
//! continuing over lines that arrive, and moving between hits.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::RecvTimeoutError;
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::LogViewState;
use crate::logs::layout::Row;
use crate::logs::search::{self, Batch, Hit, Matcher, SearchMode, MAX_HITS};

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

pub(super) struct Running {
    cancel: Arc<AtomicBool>,
}

pub(super) struct Search {
    pub(super) query: String,
    pub(super) mode: SearchMode,
    matcher: Matcher,
    gen: u64,
    hits: Vec<Hit>,
    capped: bool,
    searched_to: usize,
    running: Option<Running>,
    current: Option<usize>,
    /// Jump to the first hit at or after this line when it arrives (incremental search).
    pub(super) jump_from: Option<usize>,
}

/// A search over a log's lines, ready to run on a thread of its own.
#[derive(Clone)]
pub struct SearchJob(search::Job);

impl SearchJob {
    /// Starts the thread; `waker` is called whenever results wait to be polled.
    pub fn start(self, waker: Option<crate::logs::Waker>) -> std::io::Result<()> {
        let mut job = self.0;
        if waker.is_some() {
            job.waker = waker;
        }
        search::spawn(job)
    }
}

impl std::fmt::Debug for SearchJob {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchJob")
            .field("gen", &self.0.gen)
            .field("budget", &self.0.budget)
            .finish_non_exhaustive()
    }
}

/// Two jobs are the same search of the same view's lines (tests compare effects).
impl PartialEq for SearchJob {
    fn eq(&self, other: &Self) -> bool {
        self.0.gen == other.0.gen && self.0.budget == other.0.budget
    }
}

impl Search {
    pub(super) fn cancel(&mut self) {
        if let Some(r) = self.running.take() {
            r.cancel.store(true, Ordering::Relaxed);
        }
    }
}

impl LogViewState {
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
        let matcher = Matcher::new(query, mode)?;
        self.clear_search();
        self.generation += 1;
        self.search = Some(Search {
            query: query.to_string(),
            mode,
            matcher,
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
        self.pending_search = None;
        if let Some(mut s) = self.search.take() {
            s.cancel();
        }
    }

    /// Starts a search thread over the lines not searched yet, if none is running.
    pub(super) fn continue_search(&mut self) {
        let len = self.store.len();
        let Some(s) = &mut self.search else { return };
        if s.running.is_some() || s.capped || s.searched_to >= len {
            return;
        }
        let cancel = Arc::new(AtomicBool::new(false));
        let job = search::Job {
            gen: s.gen,
            matcher: s.matcher.clone(),
            snapshot: self.store.snapshot(s.searched_to),
            cancel: Arc::clone(&cancel),
            tx: self.tx.clone(),
            waker: self.waker.clone(),
            budget: MAX_HITS.saturating_sub(s.hits.len()),
        };
        if self.defer_search {
            s.running = Some(Running { cancel });
            self.pending_search = Some(SearchJob(job));
        } else if search::spawn(job).is_ok() {
            s.running = Some(Running { cancel });
        }
    }

    /// From now on a search thread is not started by the view but handed out by
    /// [`LogViewState::take_search_job`], for the owner to start where it does its I/O (the
    /// app's `update` starts nothing itself).
    pub fn defer_search(&mut self) {
        self.defer_search = true;
    }

    /// The search thread the view wants started (after a deferred `set_search`, new lines, or
    /// results that leave lines unsearched).
    pub fn take_search_job(&mut self) -> Option<SearchJob> {
        self.pending_search.take()
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
}
