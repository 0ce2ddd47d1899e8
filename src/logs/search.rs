//! Search over a log, off the UI thread.
//!
//! A search runs on its own thread over a [`Snapshot`] (shared chunks, no copy) and sends its
//! hits back in batches — at most every 30 ms, and once at the end — through a channel the view
//! owns, then calls the app's waker so a message-driven loop knows to poll. Each search has a
//! generation: a new query cancels the old thread (an atomic flag checked every 4096 lines)
//! and its late batches are dropped. When the log grows, the view searches just the new lines
//! and appends their hits, so the count stays right without starting over.
//!
//! A search reads the log the way grep does, a buffer at a time (memchr's SIMD `memmem` for
//! text, `regex::bytes` for a pattern) over the bytes as received, and maps each hit to its
//! line afterwards through the store's line-offset table: so text that a `\r` hides on screen
//! is found too. Timestamps never match (a hit must lie in a line's content). Highlights are
//! positions in a line's display text; on a line with escape sequences they come from
//! matching its display text. A pattern that could match across a newline or is anchored
//! (`^`, `$`) is matched line by line on the display text instead.

use std::borrow::Cow;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Sender;
use std::sync::Arc;
use std::time::{Duration, Instant};

use memchr::memmem;
use regex::{Regex, RegexBuilder};
use regex_syntax::hir::{Class, Hir, HirKind, Look};

use super::ansi::{as_display, clean_into, clean_text, StyledText};
use super::line::{classify, LineKind, LineMeta};
use super::store::Snapshot;

/// Called (from the search thread) whenever new results wait in the view: the app sends its
/// loop a message and the loop calls `LogViewState::poll_search`.
pub type Waker = Arc<dyn Fn() + Send + Sync>;

/// Hits kept per search; a query matching more reports the count as capped.
pub const MAX_HITS: usize = 1_000_000;

const BATCH_EVERY: Duration = Duration::from_millis(30);
/// Bytes searched between checks for cancellation and sends of partial results.
const SLICE_BYTES: usize = 1 << 20;
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

/// A compiled query: for display text (highlights, and line-by-line search), and where it is
/// safe, for whole buffers.
#[derive(Clone, Debug)]
pub struct Matcher {
    pub line: Regex,
    buffer: Option<Buffer>,
    /// A match could touch a line's label ("Error: "), which is not in the bytes.
    labels: bool,
}

#[derive(Clone, Debug)]
enum Buffer {
    Text(Box<memmem::Finder<'static>>),
    Pattern(regex::bytes::Regex),
}

impl Matcher {
    /// Builds the matchers, or says (in one clean line) why the regex is invalid.
    pub fn new(query: &str, mode: SearchMode) -> Result<Matcher, String> {
        let line = compile(query, mode)?;
        let insensitive = !is_case_sensitive(query, mode);
        let buffer = match mode {
            SearchMode::Plain if !insensitive => Some(Buffer::Text(Box::new(
                memmem::Finder::new(query.as_bytes()).into_owned(),
            ))),
            SearchMode::Plain => buffer_regex(&regex::escape(query), true).map(Buffer::Pattern),
            SearchMode::Regex => line_safe(query, insensitive)
                .then(|| buffer_regex(query, insensitive))
                .flatten()
                .map(Buffer::Pattern),
        };
        let labels = match mode {
            SearchMode::Regex => true,
            SearchMode::Plain => touches_a_label(query, insensitive),
        };
        Ok(Matcher {
            line,
            buffer,
            labels,
        })
    }

    /// Whether whole buffers are searched (else line by line).
    pub fn searches_buffers(&self) -> bool {
        self.buffer.is_some()
    }
}

/// Whether a match of the text `query` could overlap a label: a label's end begins it, or it
/// lies within a label.
fn touches_a_label(query: &str, insensitive: bool) -> bool {
    let fold = |s: &str| {
        if insensitive {
            s.to_lowercase()
        } else {
            s.to_string()
        }
    };
    let q = fold(query);
    [
        LineKind::Error,
        LineKind::Warning,
        LineKind::Notice,
        LineKind::Debug,
    ]
    .iter()
    .map(|k| fold(k.label()))
    .any(|label| {
        label
            .char_indices()
            .any(|(i, _)| q.starts_with(&label[i..]) || label[i..].starts_with(&q))
    })
}

fn buffer_regex(pattern: &str, insensitive: bool) -> Option<regex::bytes::Regex> {
    regex::bytes::RegexBuilder::new(pattern)
        .case_insensitive(insensitive)
        .size_limit(10 << 20)
        .dfa_size_limit(10 << 20)
        .build()
        .ok()
}

/// A pattern whose matches stay within a line and mean the same on a whole buffer: no line
/// or text anchors (a line's start is its timestamp in the buffer), nothing that matches a
/// newline. Word boundaries are fine: a content's neighbours are a space and a newline.
fn line_safe(pattern: &str, insensitive: bool) -> bool {
    let Ok(hir) = regex_syntax::ParserBuilder::new()
        .case_insensitive(insensitive)
        .build()
        .parse(pattern)
    else {
        return false;
    };
    let looks = hir.properties().look_set();
    let anchored = [
        Look::Start,
        Look::End,
        Look::StartLF,
        Look::EndLF,
        Look::StartCRLF,
        Look::EndCRLF,
    ]
    .into_iter()
    .any(|l| looks.contains(l));
    !anchored && !matches_newline(&hir)
}

fn matches_newline(hir: &Hir) -> bool {
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => false,
        HirKind::Literal(l) => l.0.contains(&b'\n'),
        HirKind::Class(Class::Unicode(c)) => c
            .ranges()
            .iter()
            .any(|r| r.start() <= '\n' && '\n' <= r.end()),
        HirKind::Class(Class::Bytes(c)) => c
            .ranges()
            .iter()
            .any(|r| r.start() <= b'\n' && b'\n' <= r.end()),
        HirKind::Repetition(r) => matches_newline(&r.sub),
        HirKind::Capture(c) => matches_newline(&c.sub),
        HirKind::Concat(v) | HirKind::Alternation(v) => v.iter().any(matches_newline),
    }
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

#[derive(Clone)]
pub(crate) struct Job {
    pub gen: u64,
    pub matcher: Matcher,
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

/// Sends batches of hits: every [`BATCH_EVERY`] while searching, and at the end.
struct Batches {
    gen: u64,
    tx: Sender<Batch>,
    waker: Option<Waker>,
    last_send: Instant,
}

impl Batches {
    /// False when the view is gone.
    fn send(&mut self, hits: &mut Vec<Hit>, scanned_to: usize, done: bool, capped: bool) -> bool {
        self.last_send = Instant::now();
        let batch = Batch {
            gen: self.gen,
            hits: std::mem::take(hits),
            scanned_to,
            done,
            capped,
        };
        let ok = self.tx.send(batch).is_ok();
        if let Some(w) = &self.waker {
            w();
        }
        ok
    }

    fn due(&self) -> bool {
        self.last_send.elapsed() >= BATCH_EVERY
    }
}

/// What every way of searching reads: the lines, the cancel flag, the hit budget.
struct Scan<'a> {
    snapshot: &'a Snapshot,
    cancel: &'a AtomicBool,
    budget: usize,
}

/// Why a search stopped early.
enum Stop {
    Cancelled,
    Capped,
}

fn run(job: Job) {
    let Job {
        gen,
        matcher,
        snapshot,
        cancel,
        tx,
        waker,
        budget,
    } = job;
    let mut out = Batches {
        gen,
        tx,
        waker,
        last_send: Instant::now(),
    };
    let mut hits: Vec<Hit> = Vec::new();
    let scan = Scan {
        snapshot: &snapshot,
        cancel: &cancel,
        budget,
    };
    let result = match &matcher.buffer {
        Some(buffer) => by_buffer(buffer, &matcher, &scan, &mut out, &mut hits),
        None => by_line(&matcher.line, &scan, &mut out, &mut hits),
    };
    let end = snapshot.end_line();
    let scanned_to = match result {
        Err(Stop::Cancelled) => return,
        Err(Stop::Capped) => hits.last().map_or(end, |h| h.line as usize + 1),
        Ok(()) => end,
    };
    out.send(
        &mut hits,
        scanned_to,
        true,
        matches!(result, Err(Stop::Capped)),
    );
}

/// Searches each buffer whole, then maps the hits to lines.
fn by_buffer(
    buffer: &Buffer,
    matcher: &Matcher,
    scan: &Scan,
    out: &mut Batches,
    hits: &mut Vec<Hit>,
) -> Result<(), Stop> {
    let Scan {
        snapshot,
        cancel,
        budget,
    } = *scan;
    let mut found = 0usize;
    let mut scratch = Scratch::default();
    let mut events: Vec<(usize, usize)> = Vec::new();
    // The line whose hits are being collected (its hits are in `scratch.ranges`).
    let mut pending: Option<LineAt> = None;
    for (base, bytes) in snapshot.buffers() {
        let mut at = 0;
        while at < bytes.len() {
            if cancel.load(Ordering::Relaxed) {
                return Err(Stop::Cancelled);
            }
            // A slice ends at a line's end, so no match is cut in two.
            let want = (at + SLICE_BYTES).min(bytes.len());
            let end = match memchr::memchr(b'\n', &bytes[want.saturating_sub(1)..]) {
                Some(i) => want.saturating_sub(1) + i + 1,
                None => bytes.len(),
            };
            let slice = &bytes[at..end];
            events.clear();
            match buffer {
                Buffer::Text(f) => {
                    let n = f.needle().len();
                    events.extend(f.find_iter(slice).map(|s| (s, s + n)));
                }
                Buffer::Pattern(r) => events.extend(
                    r.find_iter(slice)
                        .filter(|m| m.start() < m.end())
                        .map(|m| (m.start(), m.end())),
                ),
            }
            // Lines whose display text starts with a label ("Error: ") are matched on it
            // too when the query could touch a label: their markers, as zero-length events.
            if matcher.labels {
                let raw_hits = events.len();
                events.extend(memmem::find_iter(slice, b"##[").map(|s| (s, s)));
                if events.len() > raw_hits {
                    events.sort_unstable();
                }
            }
            for &(s, e) in &events {
                let g = base + (at + s) as u64;
                if !pending.is_some_and(|p| p.start <= g && g < p.end) {
                    if let Some(p) = pending.take() {
                        found += flush(p, bytes, base, &matcher.line, &mut scratch, hits);
                        if found >= budget {
                            return Err(Stop::Capped);
                        }
                    }
                    let Some((line, start)) = snapshot.line_at(g) else {
                        continue;
                    };
                    let end = snapshot
                        .line_start(line + 1)
                        .unwrap_or(base + bytes.len() as u64);
                    pending = Some(LineAt { line, start, end });
                }
                if let Some(p) = pending {
                    let r = (g - p.start) as usize;
                    scratch.ranges.push((r, r + (e - s)));
                }
            }
            at = end;
            // Partial batches only add hits; how far the search got is said at the end.
            if out.due() && !out.send(hits, 0, false, false) {
                return Err(Stop::Cancelled);
            }
        }
        if let Some(p) = pending.take() {
            found += flush(p, bytes, base, &matcher.line, &mut scratch, hits);
        }
    }
    if found > budget {
        hits.truncate(hits.len() - (found - budget));
        return Err(Stop::Capped);
    }
    Ok(())
}

/// A line in the whole log: its index, and where it starts and ends.
#[derive(Clone, Copy)]
struct LineAt {
    line: usize,
    start: u64,
    end: u64,
}

/// Buffers reused from line to line.
#[derive(Default)]
struct Scratch {
    /// The raw hits of the pending line (byte ranges in it; zero-length: a marker).
    ranges: Vec<(usize, usize)>,
    /// Colour codes of the line being mapped.
    codes: Vec<(usize, usize)>,
    styled: StyledText,
}

/// Turns one line's raw hits into display hits; returns how many it added. Hits in the
/// timestamp are dropped. On a line that shows as it is, a raw hit is a display hit shifted by
/// the prefix, and so on one with only colour codes, less the codes before it; any other
/// line's display text is matched again, and one whose raw hit does not show (hidden by a
/// `\r`, say) still counts once.
fn flush(
    p: LineAt,
    bytes: &[u8],
    base: u64,
    line_regex: &Regex,
    scratch: &mut Scratch,
    hits: &mut Vec<Hit>,
) -> usize {
    let ranges = std::mem::take(&mut scratch.ranges);
    let added = flush_ranges(p, &ranges, bytes, base, line_regex, scratch, hits);
    scratch.ranges = ranges;
    scratch.ranges.clear();
    added
}

fn flush_ranges(
    p: LineAt,
    ranges: &[(usize, usize)],
    bytes: &[u8],
    base: u64,
    line_regex: &Regex,
    scratch: &mut Scratch,
    hits: &mut Vec<Hit>,
) -> usize {
    let Some(raw) = bytes.get((p.start - base) as usize..(p.end - base) as usize) else {
        return 0;
    };
    let raw = raw.strip_suffix(b"\n").unwrap_or(raw);
    let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
    let meta = classify(raw);
    let off = meta.content_offset();
    let labelled = !meta.kind.label().is_empty();
    let shown = |&&(s, e): &&(usize, usize)| s < e && s >= off && e <= raw.len();
    let any = ranges.iter().any(|r| shown(&r));
    if (!any && !labelled) || meta.kind == LineKind::GroupEnd {
        return 0;
    }
    let content = raw.get(off..).unwrap_or_default();
    let line = p.line as u32;
    let before = hits.len();
    if !labelled && sgr_codes(content, &mut scratch.codes) {
        for &(s, e) in ranges.iter().filter(|r| shown(r)) {
            match shift(&scratch.codes, s - off, e - off) {
                Some((s, e)) => hits.push(Hit {
                    line,
                    start: s as u32,
                    end: e as u32,
                }),
                // A hit inside a colour code itself does not show.
                None => hits.push(Hit {
                    line,
                    start: 0,
                    end: 0,
                }),
            }
        }
        return hits.len() - before;
    }
    line_hits(p.line, content, meta, line_regex, &mut scratch.styled, hits);
    if hits.len() == before && any {
        hits.push(Hit {
            line,
            start: 0,
            end: 0,
        });
    }
    hits.len() - before
}

/// The SGR colour codes (`ESC [ digits and ; m`) of `content` into `codes`, when they are its
/// only special bytes and the rest is UTF-8: then its display text is `content` without them.
fn sgr_codes(content: &[u8], codes: &mut Vec<(usize, usize)>) -> bool {
    codes.clear();
    let mut at = 0;
    for esc in memchr::memchr_iter(0x1b, content) {
        if esc < at {
            return false;
        }
        let params = content
            .get(esc + 2..)
            .unwrap_or_default()
            .iter()
            .take_while(|b| b.is_ascii_digit() || **b == b';')
            .count();
        let end = esc + 2 + params;
        if content.get(esc + 1) != Some(&b'[') || content.get(end) != Some(&b'm') {
            return false;
        }
        if as_display(&content[at..esc]).is_none() {
            return false;
        }
        codes.push((esc, end + 1));
        at = end + 1;
    }
    as_display(&content[at..]).is_some()
}

/// A content range less the colour codes before it; None when it overlaps one.
fn shift(codes: &[(usize, usize)], s: usize, e: usize) -> Option<(usize, usize)> {
    let mut removed = 0;
    for &(cs, ce) in codes {
        if ce <= s {
            removed += ce - cs;
        } else if cs < e {
            return None;
        } else {
            break;
        }
    }
    Some((s - removed, e - removed))
}

/// Matches `regex` on a line's display text (label, then the cleaned content).
fn line_hits(
    line: usize,
    content: &[u8],
    meta: LineMeta,
    regex: &Regex,
    buf: &mut StyledText,
    hits: &mut Vec<Hit>,
) {
    let body = match as_display(content) {
        Some(s) => s,
        None => {
            clean_into(content, usize::MAX, buf);
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
        if m.start() < m.end() {
            hits.push(Hit {
                line: line as u32,
                start: m.start() as u32,
                end: m.end() as u32,
            });
        }
    }
}

/// Line by line on the display text, for patterns a buffer search cannot run.
fn by_line(regex: &Regex, scan: &Scan, out: &mut Batches, hits: &mut Vec<Hit>) -> Result<(), Stop> {
    let Scan {
        snapshot,
        cancel,
        budget,
    } = *scan;
    let mut seen = 0usize;
    let mut found = 0usize;
    let mut buf = StyledText::default();
    let mut stop = None;
    snapshot.for_each_line(|i, line, meta| {
        seen += 1;
        if seen.is_multiple_of(CANCEL_CHECK_LINES) {
            if cancel.load(Ordering::Relaxed) {
                stop = Some(Stop::Cancelled);
                return false;
            }
            if out.due() && !out.send(hits, i, false, false) {
                stop = Some(Stop::Cancelled);
                return false;
            }
        }
        if meta.kind == LineKind::GroupEnd {
            return true;
        }
        let before = hits.len();
        let content = line.get(meta.content_offset()..).unwrap_or_default();
        line_hits(i, content, meta, regex, &mut buf, hits);
        found += hits.len() - before;
        if found > budget {
            hits.truncate(hits.len() - (found - budget));
            stop = Some(Stop::Capped);
            return false;
        }
        true
    });
    match stop {
        Some(s) => Err(s),
        None => Ok(()),
    }
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

    #[test]
    fn raw_hits_map_past_colour_codes() {
        let content = b"test a ... \x1b[32mok\x1b[0m done";
        let mut codes = Vec::new();
        assert!(sgr_codes(content, &mut codes));
        assert_eq!(codes, [(11, 16), (18, 22)]);
        assert_eq!(shift(&codes, 16, 18), Some((11, 13)), "ok");
        assert_eq!(shift(&codes, 23, 27), Some((14, 18)), "done");
        assert_eq!(shift(&codes, 12, 14), None, "inside a code");
        assert!(!sgr_codes(b"a\x1b]0;title\x07b", &mut codes), "not SGR");
        assert!(!sgr_codes(b"tab\there", &mut codes), "a tab widens");
    }

    #[test]
    fn which_queries_can_touch_a_label_and_which_patterns_run_on_buffers() {
        assert!(touches_a_label("error", true));
        assert!(touches_a_label(": boom", true));
        assert!(touches_a_label("Error", false));
        assert!(!touches_a_label("assertion", true));
        assert!(!touches_a_label("ok", true));
        assert!(line_safe(r"retries_\d*7\b", false));
        assert!(!line_safe(r"^error", false), "anchored");
        assert!(!line_safe(r"[^x]+", false), "matches a newline");
        assert!(!line_safe(r"a\sb", false), "matches a newline");
    }
}
