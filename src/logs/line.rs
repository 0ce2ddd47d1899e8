//! The shape of one GitHub Actions log line, read once at ingest.
//!
//! A line is `[BOM]<RFC 3339 time>Z <content>`; the content may start with a workflow command
//! marker (`##[group]`, `##[error]`, …). Knowing where the time ends and what the marker is lets
//! the viewer hide timestamps, fold groups and list errors without reading the bytes again.

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// What a line is, from its workflow-command marker.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum LineKind {
    Plain,
    /// `##[group]Title`: starts a foldable group.
    GroupStart,
    /// `##[endgroup]`: ends it (not shown, like on the web).
    GroupEnd,
    Error,
    Warning,
    Notice,
    /// `##[command]…`: a command the runner echoes.
    Command,
    /// `##[debug]…`: step debug logging.
    Debug,
}

const MARKERS: &[(&[u8], LineKind)] = &[
    (b"##[group]", LineKind::GroupStart),
    (b"##[endgroup]", LineKind::GroupEnd),
    (b"##[error]", LineKind::Error),
    (b"##[warning]", LineKind::Warning),
    (b"##[notice]", LineKind::Notice),
    (b"##[command]", LineKind::Command),
    (b"##[debug]", LineKind::Debug),
];

impl LineKind {
    /// The marker bytes that start such a line's content (empty for plain lines).
    pub fn marker(self) -> &'static [u8] {
        MARKERS
            .iter()
            .find(|(_, k)| *k == self)
            .map_or(&b""[..], |(m, _)| m)
    }

    /// Errors and warnings: the lines `n`/`N` jump between.
    pub fn is_problem(self) -> bool {
        matches!(self, LineKind::Error | LineKind::Warning)
    }

    /// The label the viewer writes in place of the marker (what the web UI shows). It is part
    /// of a line's display text, so a search for "error" finds error lines.
    pub fn label(self) -> &'static str {
        match self {
            LineKind::Error => "Error: ",
            LineKind::Warning => "Warning: ",
            LineKind::Notice => "Notice: ",
            LineKind::Debug => "Debug: ",
            _ => "",
        }
    }
}

/// Byte strings a failing line holds (before escape sequences are removed, `error` may be
/// coloured apart from its colon): the candidates [`is_failure_text`] decides on.
pub const FAILURE_NEEDLES: [&[u8]; 4] = [b"rror", b"RROR", b"FAILED", b"panicked at"];

/// Whether a line's display text says a build or test failed: `error:` / `error[E…]:` as a
/// word (any case: rustc, gcc, Go, Node), `FAILED` (cargo test, pytest, ctest), `panicked at`.
pub fn is_failure_text(text: &str) -> bool {
    if text.contains("FAILED") || text.contains("panicked at") {
        return true;
    }
    let lower = text.to_ascii_lowercase();
    lower.match_indices("error").any(|(i, _)| {
        let before = lower[..i].chars().next_back();
        let word_start = before.is_none_or(|c| !c.is_alphanumeric() && c != '_');
        let after = lower.as_bytes().get(i + "error".len());
        word_start && matches!(after, Some(b':') | Some(b'['))
    })
}

/// Per-line metadata, 3 bytes: where the timestamp is and what the line is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LineMeta {
    /// Bytes of a UTF-8 BOM before the timestamp (3 on the first line of a GitHub log).
    pub lead: u8,
    /// Length of the timestamp including its trailing space (0: none).
    pub stamp: u8,
    pub kind: LineKind,
}

impl LineMeta {
    /// Offset of the content (after BOM, timestamp and marker) within the line.
    pub fn content_offset(&self) -> usize {
        usize::from(self.lead) + usize::from(self.stamp) + self.kind.marker().len()
    }

    /// The timestamp of `line` (the line these metadata were read from), without the space.
    pub fn stamp<'a>(&self, line: &'a [u8]) -> &'a [u8] {
        let start = usize::from(self.lead);
        let end = start + usize::from(self.stamp);
        let s = line.get(start..end).unwrap_or_default();
        s.strip_suffix(b" ").unwrap_or(s)
    }
}

/// Reads one line (without its terminator).
pub fn classify(line: &[u8]) -> LineMeta {
    let lead = if line.starts_with(BOM) { BOM.len() } else { 0 };
    let rest = &line[lead..];
    let stamp = stamp_len(rest);
    let content = &rest[stamp..];
    let kind = if content.starts_with(b"##[") {
        MARKERS
            .iter()
            .find(|(m, _)| content.starts_with(m))
            .map_or(LineKind::Plain, |(_, k)| *k)
    } else {
        LineKind::Plain
    };
    LineMeta {
        lead: lead as u8,
        // stamp_len never returns more than 40.
        stamp: stamp as u8,
        kind,
    }
}

/// Length of a leading `YYYY-MM-DDTHH:MM:SS[.fraction]Z` plus one space (0 when the line does
/// not start with one). Strict, so that only digits and fixed punctuation are ever shown from
/// it without cleaning.
pub fn stamp_len(b: &[u8]) -> usize {
    const SHAPE: &[u8] = b"dddd-dd-ddTdd:dd:dd";
    if b.len() < SHAPE.len() + 1 {
        return 0;
    }
    for (i, want) in SHAPE.iter().enumerate() {
        let ok = match want {
            b'd' => b[i].is_ascii_digit(),
            w => b[i] == *w,
        };
        if !ok {
            return 0;
        }
    }
    let mut i = SHAPE.len();
    if b.get(i) == Some(&b'.') {
        let digits = b[i + 1..]
            .iter()
            .take(9)
            .take_while(|c| c.is_ascii_digit())
            .count();
        if digits == 0 {
            return 0;
        }
        i += 1 + digits;
    }
    if b.get(i) != Some(&b'Z') {
        return 0;
    }
    i += 1;
    match b.get(i) {
        Some(b' ') => i + 1,
        None => i,
        Some(_) => 0,
    }
}

/// The time of a validated timestamp, in microseconds since the Unix epoch.
pub fn stamp_micros(stamp: &[u8]) -> Option<i64> {
    let s = std::str::from_utf8(stamp).ok()?.trim_end();
    let t = chrono::DateTime::parse_from_rfc3339(s).ok()?;
    Some(t.timestamp_micros())
}

/// The part of a timestamp the viewer shows: `HH:MM:SS.mmm` (UTC, as in the log).
pub fn short_stamp(stamp: &[u8]) -> &str {
    // Validated by `stamp_len`: ASCII, the time at 11..19, an optional fraction after it.
    let mut end = stamp.len().min(19);
    if stamp.get(19) == Some(&b'.') {
        let digits = stamp[20..]
            .iter()
            .take(3)
            .take_while(|c| c.is_ascii_digit())
            .count();
        end = 20 + digits;
    }
    std::str::from_utf8(stamp.get(11..end).unwrap_or_default()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_bom_stamp_and_marker() {
        let m = classify(b"\xEF\xBB\xBF2026-11-22T10:00:00.1234567Z ##[group]Run x");
        assert_eq!(m.lead, 3);
        assert_eq!(m.stamp, 29);
        assert_eq!(m.kind, LineKind::GroupStart);
        assert_eq!(m.content_offset(), 3 + 29 + 9);
        let line = b"\xEF\xBB\xBF2026-11-22T10:00:00.1234567Z ##[group]Run x";
        assert_eq!(m.stamp(line), b"2026-11-22T10:00:00.1234567Z");
    }

    #[test]
    fn stamps_are_strict() {
        assert_eq!(stamp_len(b"2026-11-22T10:00:00Z x"), 21);
        assert_eq!(stamp_len(b"2026-11-22T10:00:00Z"), 20);
        assert_eq!(stamp_len(b"2026-11-22T10:00:00.Z x"), 0);
        assert_eq!(stamp_len(b"2026-11-22 10:00:00Z x"), 0);
        assert_eq!(stamp_len(b"2026-11-22T10:00:00.1234567Zx"), 0);
        assert_eq!(stamp_len(b"hello"), 0);
        assert_eq!(classify(b"plain ##[error]x").kind, LineKind::Plain);
        assert_eq!(classify(b"##[error]x").kind, LineKind::Error);
        assert_eq!(classify(b"##[bogus]x").kind, LineKind::Plain);
    }

    #[test]
    fn failing_lines() {
        for yes in [
            "error: could not compile `rocket`",
            "error[E0308]: mismatched types",
            "src/main.c:3:5: error: expected ';'",
            "Error: Cannot find module 'x'",
            "test upload::tests::retries ... FAILED",
            "thread 'main' panicked at src/lib.rs:3:5:",
        ] {
            assert!(is_failure_text(yes), "{yes}");
        }
        for no in [
            "test handles_error_input ... ok",
            "0 errors",
            "terror: none",
            "Compiling error-chain v0.12",
        ] {
            assert!(!is_failure_text(no), "{no}");
        }
    }

    #[test]
    fn short_stamp_is_time_with_millis() {
        assert_eq!(short_stamp(b"2026-11-22T10:00:00.1234567Z"), "10:00:00.123");
        assert_eq!(short_stamp(b"2026-11-22T10:00:00Z"), "10:00:00");
        assert_eq!(
            stamp_micros(b"2026-11-22T10:00:01.5Z"),
            stamp_micros(b"2026-11-22T10:00:00Z").map(|t| t + 1_500_000)
        );
    }
}
