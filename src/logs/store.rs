//! The append-only log store: the bytes as they came, plus where each line starts and what
//! it is, built in one pass at ingest.
//!
//! Bytes live in shared chunks of whole lines (`Arc<Vec<u8>>`). A search or a save takes a
//! [`Snapshot`] — a few `Arc` clones — and reads it on another thread while the viewer keeps
//! appending: an append that finds its last chunk shared starts a new one instead of writing
//! into it. A whole downloaded log becomes one chunk without a copy. Memory is the bytes plus
//! 11 bytes a line (an offset and [`LineMeta`]), plus the group/step/problem indexes.

use std::sync::Arc;

use super::line::{classify, stamp_micros, LineKind, LineMeta};

/// Appends to the last chunk stop growing it past this size: a shared chunk is copied when
/// appended to, so this bounds the copy.
const CHUNK_TARGET: usize = 1 << 20;

#[derive(Clone, Debug)]
pub(crate) struct Chunk {
    pub bytes: Arc<Vec<u8>>,
    /// Offset of `bytes[0]` in the whole log.
    pub base: u64,
    /// Index of the first line in this chunk.
    pub first_line: usize,
}

/// A `##[group]` section. Groups do not nest on GitHub: a new `##[group]` closes an open one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Group {
    /// The `##[group]` line.
    pub header: usize,
    /// First line after the body: the `##[endgroup]` line, or the line that started the next
    /// group; `usize::MAX` while the group is still open.
    pub body_end: usize,
    /// Whether `body_end` is an `##[endgroup]` line (hidden when shown).
    pub end_marker: bool,
}

/// A step section: from `first_line` to the next step's first line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    pub first_line: usize,
    pub title: String,
    /// The step number on GitHub (1-based), when known.
    pub number: Option<u32>,
}

/// Step boundaries known from the Jobs API, for a whole job log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StepInfo {
    pub number: u32,
    pub name: String,
    /// When it started; a step that never ran (None) gets no section.
    pub started_at: Option<chrono::DateTime<chrono::Utc>>,
}

#[derive(Clone, Debug, Default)]
pub struct LogStore {
    chunks: Vec<Chunk>,
    /// The bytes after the last newline: a line not finished yet.
    pending: Vec<u8>,
    /// Offset of each complete line's first byte in the whole log.
    starts: Vec<u64>,
    meta: Vec<LineMeta>,
    /// Bytes in chunks.
    total: u64,
    groups: Vec<Group>,
    open_group: Option<usize>,
    /// Lines whose kind is an error or a warning, ascending.
    problems: Vec<usize>,
    errors: usize,
    steps: Vec<Step>,
}

impl LogStore {
    pub fn new() -> LogStore {
        LogStore::default()
    }

    /// A complete log (a finished download): taken without copying. A last line without a
    /// newline is a line.
    pub fn from_bytes(mut bytes: Vec<u8>) -> LogStore {
        let mut store = LogStore::new();
        let cut = memchr::memrchr(b'\n', &bytes).map_or(0, |i| i + 1);
        let tail = bytes.split_off(cut);
        store.commit(bytes);
        store.pending = tail;
        store.finish();
        store
    }

    /// Appends raw bytes: complete lines are indexed; a partial last line waits for the rest
    /// (the next append, or [`LogStore::finish`]).
    pub fn append(&mut self, data: &[u8]) {
        let Some(last_nl) = memchr::memrchr(b'\n', data) else {
            self.pending.extend_from_slice(data);
            return;
        };
        let (complete, rest) = data.split_at(last_nl + 1);
        let mut lines = std::mem::take(&mut self.pending);
        lines.extend_from_slice(complete);
        self.commit(lines);
        self.pending.extend_from_slice(rest);
    }

    /// The stream ended: a partial last line becomes a line.
    pub fn finish(&mut self) {
        if !self.pending.is_empty() {
            let mut last = std::mem::take(&mut self.pending);
            // Terminated here so that a later append starts a new line instead of gluing.
            last.push(b'\n');
            self.commit(last);
        }
    }

    /// Starts a step section at the next line (for logs appended step by step).
    pub fn begin_step(&mut self, number: Option<u32>, title: &str) {
        self.finish();
        let first_line = self.starts.len();
        // A step with no lines yet is replaced rather than stacked.
        if self
            .steps
            .last()
            .is_some_and(|s| s.first_line == first_line)
        {
            self.steps.pop();
        }
        self.steps.push(Step {
            first_line,
            title: crate::text::sanitize_line(title),
            number,
        });
    }

    /// Splits a whole job log into its steps (replacing any set before). GitHub's log marks
    /// where each workflow step starts with a `##[group]Run …` header (`uses:` and `run:`
    /// steps alike), and the runner's own steps with fixed first lines; the first step covers
    /// the runner's preamble from line 0. A step's start time from the Jobs API (whole
    /// seconds, while lines carry sub-second stamps) only says where to look for its marker,
    /// within a second or two; a step whose marker is not there starts at its time.
    pub fn set_steps(&mut self, steps: &[StepInfo]) {
        let mut ran: Vec<&StepInfo> = steps.iter().filter(|s| s.started_at.is_some()).collect();
        ran.sort_by_key(|s| s.number);
        let mut out: Vec<Step> = Vec::new();
        let mut from = 0;
        for (i, s) in ran.iter().enumerate() {
            let Some(t) = s.started_at else { continue };
            let at = t.timestamp_micros();
            let first_line = if i == 0 {
                0
            } else {
                self.step_marker(&s.name, at, from)
                    .unwrap_or_else(|| self.first_line_at_or_after(at).max(from))
            };
            if first_line >= self.len() && !out.is_empty() {
                // No lines of its own (yet); a later call places it.
                continue;
            }
            if out.last().is_some_and(|p| p.first_line == first_line) {
                // Two steps on the same line: the later one wins (the earlier had no output).
                out.pop();
            }
            out.push(Step {
                first_line,
                title: crate::text::sanitize_line(&s.name),
                number: Some(s.number),
            });
            from = first_line + 1;
        }
        self.steps = out;
    }

    /// The line at or after `from` that opens step `name` started at `at` (µs), looked for
    /// among the lines stamped from a second before to two seconds after.
    fn step_marker(&self, name: &str, at: i64, from: usize) -> Option<usize> {
        const SECOND: i64 = 1_000_000;
        let lo = self.first_line_at_or_after(at - SECOND).max(from);
        let hi = self.first_line_at_or_after(at + 2 * SECOND);
        let runner_step: &[&[u8]] = if name.starts_with("Post ") {
            &[b"Post job cleanup."]
        } else if name == "Complete job" {
            &[
                b"Evaluate and set job outputs",
                b"Cleaning up orphan processes",
            ]
        } else {
            &[]
        };
        (lo..hi).find(|&l| {
            let content = self.content(l);
            if runner_step.is_empty() {
                self.kind(l) == LineKind::GroupStart && content.starts_with(b"Run ")
            } else {
                runner_step.contains(&content)
            }
        })
    }

    fn time_of(&self, line: usize) -> Option<i64> {
        // Lines without a stamp take the nearest stamped line before them.
        (line.saturating_sub(64)..=line).rev().find_map(|l| {
            let m = self.meta.get(l)?;
            if m.stamp == 0 {
                return None;
            }
            stamp_micros(m.stamp(self.line_bytes(l)))
        })
    }

    /// Binary search by time (GitHub stamps lines in order).
    fn first_line_at_or_after(&self, micros: i64) -> usize {
        let (mut lo, mut hi) = (0, self.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if self.time_of(mid).unwrap_or(i64::MIN) < micros {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        lo
    }

    /// Adds complete lines (`bytes` ends with a newline).
    fn commit(&mut self, bytes: Vec<u8>) {
        if bytes.is_empty() {
            return;
        }
        let first_new = self.starts.len();
        let base = self.total;
        // Where the new bytes land: the end of the last chunk when it is small and not
        // shared with a snapshot, else a new chunk.
        let (chunk_idx, local) = match self.chunks.last_mut() {
            Some(last) if last.bytes.len() + bytes.len() <= CHUNK_TARGET => {
                let local = last.bytes.len();
                match Arc::get_mut(&mut last.bytes) {
                    Some(v) => {
                        // Grow by doubling but never past the target, so that a full chunk
                        // carries little unused capacity (memory stays near the log size).
                        let need = v.len() + bytes.len();
                        if need > v.capacity() {
                            let cap = (v.capacity() * 2).clamp(need, CHUNK_TARGET.max(need));
                            v.reserve_exact(cap - v.len());
                        }
                        v.extend_from_slice(&bytes);
                    }
                    None => {
                        let mut v = Vec::with_capacity(local + bytes.len());
                        v.extend_from_slice(&last.bytes);
                        v.extend_from_slice(&bytes);
                        last.bytes = Arc::new(v);
                    }
                }
                (self.chunks.len() - 1, local)
            }
            _ => {
                self.chunks.push(Chunk {
                    bytes: Arc::new(bytes),
                    base,
                    first_line: first_new,
                });
                (self.chunks.len() - 1, 0)
            }
        };
        let chunk = Arc::clone(&self.chunks[chunk_idx].bytes);
        let new = &chunk[local..];
        self.total += new.len() as u64;
        let mut at = 0;
        // Lines are found with memchr (SIMD); each is read once for its metadata.
        let expected = memchr::memchr_iter(b'\n', new).count();
        self.starts.reserve(expected);
        self.meta.reserve(expected);
        let problems_before = self.problems.len();
        for nl in memchr::memchr_iter(b'\n', new) {
            let line = trim_cr(&new[at..nl]);
            self.index_line(base + at as u64, classify(line));
            at = nl + 1;
        }
        self.index_failures(new, base, first_new, problems_before);
    }

    /// Lines that say a build or test failed without a `##[error]` marker (`error:`,
    /// `FAILED`, `panicked at`) count as errors too, so that `e` and a failed log's first
    /// screen find them. Candidates are found over the whole new buffer (memchr's SIMD
    /// search), then checked on their display text.
    fn index_failures(&mut self, new: &[u8], base: u64, first_new: usize, problems_before: usize) {
        let mut lines: Vec<usize> = Vec::new();
        for needle in super::line::FAILURE_NEEDLES {
            for hit in memchr::memmem::find_iter(new, needle) {
                let at = base + hit as u64;
                let line = first_new + self.starts[first_new..].partition_point(|&s| s <= at) - 1;
                if lines.last() != Some(&line) {
                    lines.push(line);
                }
            }
        }
        lines.sort_unstable();
        lines.dedup();
        lines.retain(|&l| {
            self.kind(l) == LineKind::Plain
                && super::line::is_failure_text(&super::ansi::clean_text(self.content(l)))
        });
        if lines.is_empty() {
            return;
        }
        self.errors += lines.len();
        lines.extend_from_slice(&self.problems[problems_before..]);
        lines.sort_unstable();
        self.problems.truncate(problems_before);
        self.problems.extend(lines);
    }

    fn index_line(&mut self, start: u64, meta: LineMeta) {
        let idx = self.starts.len();
        self.starts.push(start);
        self.meta.push(meta);
        match meta.kind {
            LineKind::GroupStart => {
                if let Some(g) = self.open_group.take() {
                    self.groups[g].body_end = idx;
                }
                self.open_group = Some(self.groups.len());
                self.groups.push(Group {
                    header: idx,
                    body_end: usize::MAX,
                    end_marker: false,
                });
            }
            LineKind::GroupEnd => {
                if let Some(g) = self.open_group.take() {
                    self.groups[g].body_end = idx;
                    self.groups[g].end_marker = true;
                }
            }
            LineKind::Error => {
                self.errors += 1;
                self.problems.push(idx);
            }
            LineKind::Warning => self.problems.push(idx),
            _ => {}
        }
    }

    /// Complete lines.
    pub fn len(&self) -> usize {
        self.starts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.starts.is_empty()
    }

    /// Bytes received, the unfinished line included.
    pub fn byte_len(&self) -> u64 {
        self.total + self.pending.len() as u64
    }

    fn chunk_of(&self, line: usize) -> Option<&Chunk> {
        let i = self.chunks.partition_point(|c| c.first_line <= line);
        self.chunks.get(i.checked_sub(1)?)
    }

    /// A line's bytes without its terminator (`\n` or `\r\n`); empty when out of range.
    pub fn line_bytes(&self, line: usize) -> &[u8] {
        let (Some(&start), Some(chunk)) = (self.starts.get(line), self.chunk_of(line)) else {
            return &[];
        };
        let local = (start - chunk.base) as usize;
        let chunk_end = chunk.bytes.len();
        let end = match self.starts.get(line + 1) {
            Some(&next) if next - chunk.base <= chunk_end as u64 => (next - chunk.base) as usize,
            _ => chunk_end,
        };
        let b = chunk.bytes.get(local..end).unwrap_or_default();
        trim_cr(b.strip_suffix(b"\n").unwrap_or(b))
    }

    pub fn meta(&self, line: usize) -> Option<LineMeta> {
        self.meta.get(line).copied()
    }

    pub fn kind(&self, line: usize) -> LineKind {
        self.meta.get(line).map_or(LineKind::Plain, |m| m.kind)
    }

    /// A line's content: after BOM, timestamp and marker.
    pub fn content(&self, line: usize) -> &[u8] {
        let b = self.line_bytes(line);
        let off = self.meta(line).map_or(0, |m| m.content_offset());
        b.get(off..).unwrap_or_default()
    }

    /// A line's timestamp (empty when it has none).
    pub fn stamp(&self, line: usize) -> &[u8] {
        match self.meta(line) {
            Some(m) => m.stamp(self.line_bytes(line)),
            None => &[],
        }
    }

    pub fn groups(&self) -> &[Group] {
        &self.groups
    }

    pub fn steps(&self) -> &[Step] {
        &self.steps
    }

    /// Error and warning lines, ascending.
    pub fn problems(&self) -> &[usize] {
        &self.problems
    }

    /// Error lines (the rest of `problems` are warnings).
    pub fn error_count(&self) -> usize {
        self.errors
    }

    /// Whether problem line `line` is an error (`##[error]` or a failing line), not a warning.
    pub fn is_error(&self, line: usize) -> bool {
        self.kind(line) != LineKind::Warning
    }

    /// The group whose body holds `line` (not its header), if any.
    pub fn group_around(&self, line: usize) -> Option<usize> {
        let i = self.groups.partition_point(|g| g.header < line);
        let g = i.checked_sub(1)?;
        let gr = &self.groups[g];
        let inside = line < gr.body_end || (gr.end_marker && line == gr.body_end);
        inside.then_some(g)
    }

    /// The group whose header is `line`.
    pub fn group_at(&self, line: usize) -> Option<usize> {
        let i = self.groups.partition_point(|g| g.header < line);
        (self.groups.get(i)?.header == line).then_some(i)
    }

    /// The step holding `line`, if steps are known.
    pub fn step_of(&self, line: usize) -> Option<usize> {
        self.steps
            .partition_point(|s| s.first_line <= line)
            .checked_sub(1)
    }

    /// The lines of step `k`: `[first, end)`.
    pub fn step_range(&self, k: usize) -> std::ops::Range<usize> {
        let first = self.steps.get(k).map_or(0, |s| s.first_line);
        let end = self
            .steps
            .get(k + 1)
            .map_or(self.len(), |s| s.first_line)
            .max(first);
        first..end.min(self.len()).max(first)
    }

    /// Heap bytes held: the log's bytes plus every index (for the memory budget).
    pub fn heap_bytes(&self) -> usize {
        let chunks: usize = self.chunks.iter().map(|c| c.bytes.capacity()).sum();
        chunks
            + self.chunks.capacity() * std::mem::size_of::<Chunk>()
            + self.pending.capacity()
            + self.starts.capacity() * std::mem::size_of::<u64>()
            + self.meta.capacity() * std::mem::size_of::<LineMeta>()
            + self.groups.capacity() * std::mem::size_of::<Group>()
            + self.problems.capacity() * std::mem::size_of::<usize>()
            + self
                .steps
                .iter()
                .map(|s| std::mem::size_of::<Step>() + s.title.capacity())
                .sum::<usize>()
    }

    /// The complete lines from `from_line` on, for reading on another thread.
    pub fn snapshot(&self, from_line: usize) -> Snapshot {
        let mut parts = Vec::new();
        let end_line = self.len();
        for (i, c) in self.chunks.iter().enumerate() {
            let next_first = self.chunks.get(i + 1).map_or(end_line, |n| n.first_line);
            if next_first <= from_line {
                continue;
            }
            let first = c.first_line.max(from_line);
            let local = self.starts.get(first).map_or(0, |&s| (s - c.base) as usize);
            parts.push(Part {
                bytes: Arc::clone(&c.bytes),
                base: c.base,
                from: local,
                first_line: first,
                lines: next_first - first,
            });
        }
        Snapshot {
            parts,
            pending: self.pending.clone(),
            first_line: from_line.min(end_line),
            starts: self.starts.get(from_line..).unwrap_or_default().to_vec(),
        }
    }
}

fn trim_cr(b: &[u8]) -> &[u8] {
    b.strip_suffix(b"\r").unwrap_or(b)
}

#[derive(Clone, Debug)]
struct Part {
    bytes: Arc<Vec<u8>>,
    /// Offset of `bytes[0]` in the whole log.
    base: u64,
    /// Byte offset of `first_line` in `bytes`.
    from: usize,
    first_line: usize,
    lines: usize,
}

/// Complete lines shared with a store, readable on any thread while the store grows.
#[derive(Clone, Debug, Default)]
pub struct Snapshot {
    parts: Vec<Part>,
    /// The unfinished last line at the time of the snapshot (raw saves keep it).
    pending: Vec<u8>,
    first_line: usize,
    /// Where each line from `first_line` on starts in the whole log: maps a byte offset
    /// found by a search over the buffer back to its line.
    starts: Vec<u64>,
}

impl Snapshot {
    /// Calls `f(line index, line bytes without terminator, metadata)` for every line, in order;
    /// stops early when `f` returns false.
    pub fn for_each_line(&self, mut f: impl FnMut(usize, &[u8], LineMeta) -> bool) {
        for p in &self.parts {
            let bytes = p.bytes.get(p.from..).unwrap_or_default();
            let mut at = 0;
            for n in 0..p.lines {
                let end = memchr::memchr(b'\n', &bytes[at..]).map_or(bytes.len(), |i| at + i);
                let line = trim_cr(&bytes[at..end]);
                if !f(p.first_line + n, line, classify(line)) {
                    return;
                }
                at = (end + 1).min(bytes.len());
            }
        }
    }

    /// The raw bytes, in order: the whole log as received when taken from line 0.
    pub fn raw_parts(&self) -> impl Iterator<Item = &[u8]> {
        self.parts
            .iter()
            .map(|p| p.bytes.get(p.from..).unwrap_or_default())
            .chain(std::iter::once(self.pending.as_slice()))
    }

    /// The bytes of every part (whole lines, from the snapshot's first line on), each with
    /// its offset in the whole log, for searching a buffer at a time.
    pub fn buffers(&self) -> impl Iterator<Item = (u64, &[u8])> {
        self.parts.iter().map(|p| {
            let b = p.bytes.get(p.from..).unwrap_or_default();
            (p.base + p.from as u64, b)
        })
    }

    /// The line holding byte `offset` of the whole log, with where that line starts.
    pub fn line_at(&self, offset: u64) -> Option<(usize, u64)> {
        let i = self
            .starts
            .partition_point(|&s| s <= offset)
            .checked_sub(1)?;
        Some((self.first_line + i, self.starts[i]))
    }

    /// Where line `line` starts in the whole log (one past the snapshot: its end).
    pub fn line_start(&self, line: usize) -> Option<u64> {
        self.starts.get(line.checked_sub(self.first_line)?).copied()
    }

    /// One past the last line.
    pub fn end_line(&self) -> usize {
        self.parts.last().map_or(0, |p| p.first_line + p.lines)
    }
}
