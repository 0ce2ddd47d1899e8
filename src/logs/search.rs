//! Search over a log, off the UI thread.
//!
//! A search runs on its own thread over a [`Snapshot`] (shared chunks, no copy) and sends its
//! hits back in batches — at most every 30 ms, and once at the end — through a channel the view
//! owns, then calls the app's waker so a message-driven loop knows to poll. Each search has a
//! generation: a new query cancels the old thread (an atomic flag checked every 4096 lines)
//! and its late batches are dropped. When the log grows, the view searches just the new lines
//! and appends their hits, so the count stays right without starting over.
//!
//! A search matches what the user sees: a line's display text (the kind's label, then the
//! content with escape sequences removed), never timestamps or raw escape bytes.

use std::borrow::Cow;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Sender;
use std::sync::Arc;
use std::time::{Duration, Instant};

use regex::{Regex, RegexBuilder};

use super::ansi::{as_display, clean_into, clean_text, StyledText};
use super::line::LineKind;
use super::store::Snapshot;

/// Called (from the search thread) whenever new results wait in the view: the app sends its
/// loop a message and the loop calls `LogViewState::poll_search`.
pub type Waker = Arc<dyn Fn() + Send + Sync>;

/// Hits kept per search; a query matching more reports the count as capped.
pub const MAX_HITS: usize = 1_000_000;

const BATCH_EVERY: Duration = Duration::from_millis(30);
const CANCEL_CHECK_LINES: usize = 4096;

/// One match: a byte range of a line's display text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Hit {
    pub line: u32,
    pub start: u32,
    pub end: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum SearchMode {
    /// The query is literal text.
    #[default]
    Plain,
    /// The query is a regular expression (Rust `regex` syntax).
    Regex,
}

/// Smart case: case-insensitive unless the query has an upper-case letter (in regex mode, an
/// escaped one like `\W` or `\S` does not count).
pub fn is_case_sensitive(query: &str, mode: SearchMode) -> bool {
    let mut escaped = false;
    for c in query.chars() {
        if mode == SearchMode::Regex && escaped {
            escaped = false;
            continue;
        }
        if mode == SearchMode::Regex && c == '\\' {
            escaped = true;
            continue;
        }
        if c.is_uppercase() {
            return true;
        }
    }
    false
}

/// Builds the matcher, or says (in one clean line) why the regex is invalid.
pub fn compile(query: &str, mode: SearchMode) -> Result<Regex, String> {
    let pattern = match mode {
        SearchMode::Plain => regex::escape(query),
        SearchMode::Regex => query.to_string(),
    };
    RegexBuilder::new(&pattern)
        .case_insensitive(!is_case_sensitive(query, mode))
        .size_limit(10 << 20)
        .dfa_size_limit(10 << 20)
        .build()
        .map_err(|e| {
            // regex's messages are multi-line with a caret diagram; the last line says it.
            let msg = e.to_string();
            let last = msg
                .lines()
                .rev()
                .find(|l| !l.trim().is_empty())
                .unwrap_or("");
            crate::text::sanitize_line(last.trim().trim_start_matches("error: "))
        })
}

/// The text a line shows (and search matches): label, then the cleaned content.
pub fn display_text(kind: LineKind, content: &[u8]) -> Cow<'_, str> {
    let body = clean_text(content);
    let label = kind.label();
    if label.is_empty() {
        body
    } else {
        Cow::Owned(format!("{label}{body}"))
    }
}

/// What a search thread sends back.
#[derive(Debug)]
pub(crate) struct Batch {
    pub gen: u64,
    pub hits: Vec<Hit>,
    /// Lines before this one have been searched.
    pub scanned_to: usize,
    pub done: bool,
    /// The hit budget ran out: the search stopped early.
    pub capped: bool,
}

pub(crate) struct Job {
    pub gen: u64,
    pub regex: Regex,
    pub snapshot: Snapshot,
    pub cancel: Arc<AtomicBool>,
    pub tx: Sender<Batch>,
    pub waker: Option<Waker>,
    pub budget: usize,
}

/// Starts the search thread.
pub(crate) fn spawn(job: Job) -> std::io::Result<()> {
    std::thread::Builder::new()
        .name("cockpit-log-search".into())
        .spawn(move || run(job))
        .map(|_| ())
}

fn run(job: Job) {
    let Job {
        gen,
        regex,
        snapshot,
        cancel,
        tx,
        waker,
        budget,
    } = job;
    let mut hits: Vec<Hit> = Vec::new();
    let mut found = 0usize;
    let mut last_send = Instant::now();
    let mut cancelled = false;
    let mut capped = false;
    let wake = || {
        if let Some(w) = &waker {
            w();
        }
    };
    let send = |hits: &mut Vec<Hit>, scanned_to: usize, done: bool, capped: bool| -> bool {
        let batch = Batch {
            gen,
            hits: std::mem::take(hits),
            scanned_to,
            done,
            capped,
        };
        let ok = tx.send(batch).is_ok();
        wake();
        ok
    };
    let mut seen = 0usize;
    // One buffer for every line that needs cleaning.
    let mut buf = StyledText::default();
    snapshot.for_each_line(|i, line, meta| {
        seen += 1;
        if seen.is_multiple_of(CANCEL_CHECK_LINES) {
            if cancel.load(Ordering::Relaxed) {
                cancelled = true;
                return false;
            }
            if last_send.elapsed() >= BATCH_EVERY {
                last_send = Instant::now();
                if !send(&mut hits, i, false, false) {
                    // The view is gone.
                    cancelled = true;
                    return false;
                }
            }
        }
        if meta.kind == LineKind::GroupEnd {
            return true;
        }
        let content = line.get(meta.content_offset()..).unwrap_or_default();
        let body = match as_display(content) {
            Some(s) => s,
            None => {
                clean_into(content, usize::MAX, &mut buf);
                buf.text.as_str()
            }
        };
        let label = meta.kind.label();
        let text: Cow<'_, str> = if label.is_empty() {
            Cow::Borrowed(body)
        } else {
            Cow::Owned(format!("{label}{body}"))
        };
        for m in regex.find_iter(&text) {
            if m.start() == m.end() {
                continue;
            }
            if found >= budget {
                capped = true;
                return false;
            }
            found += 1;
            hits.push(Hit {
                line: i as u32,
                start: m.start() as u32,
                end: m.end() as u32,
            });
        }
        true
    });
    if cancelled {
        return;
    }
    let end = snapshot.end_line();
    let scanned_to = if capped {
        hits.last().map_or(end, |h| h.line as usize + 1)
    } else {
        end
    };
    send(&mut hits, scanned_to, true, capped);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smart_case() {
        assert!(!is_case_sensitive("error", SearchMode::Plain));
        assert!(is_case_sensitive("Error", SearchMode::Plain));
        assert!(!is_case_sensitive(r"\w+\S", SearchMode::Regex));
        assert!(is_case_sensitive(r"\w+E", SearchMode::Regex));
        assert!(compile("a.b", SearchMode::Plain).is_ok_and(|r| !r.is_match("axb")));
        assert!(compile("a.b", SearchMode::Regex).is_ok_and(|r| r.is_match("AXB")));
        assert!(compile("(", SearchMode::Regex).is_err());
    }
}
