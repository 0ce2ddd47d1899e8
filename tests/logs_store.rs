//! The log store and folds: ingest across appends, CRLF, BOM, metadata, groups, steps.

use chrono::{DateTime, Utc};
use cockpit::logs::layout::{Folds, Layout};
use cockpit::logs::{LineKind, LogStore, LogViewState, Row, StepInfo};

const T: &str = "2026-11-22T10:00:00.1234567Z ";

fn lines(store: &LogStore) -> Vec<String> {
    (0..store.len())
        .map(|i| String::from_utf8_lossy(store.content(i)).into_owned())
        .collect()
}

fn log(body: &[&str]) -> Vec<u8> {
    let mut out = "\u{feff}".as_bytes().to_vec();
    for (i, l) in body.iter().enumerate() {
        out.extend_from_slice(format!("2026-11-22T10:00:{:02}.0000000Z {l}\n", i % 60).as_bytes());
    }
    out
}

#[test]
fn partial_lines_across_appends_in_any_split() {
    let data = log(&["one", "two", "##[error]three", "four"]);
    let whole = LogStore::from_bytes(data.clone());
    for split in [1, 2, 3, 7, 30, 31, 33, 64] {
        let mut s = LogStore::new();
        for piece in data.chunks(split) {
            s.append(piece);
        }
        s.finish();
        assert_eq!(lines(&s), lines(&whole), "split {split}");
        assert_eq!(s.byte_len(), data.len() as u64);
        for i in 0..s.len() {
            assert_eq!(s.meta(i), whole.meta(i), "split {split} line {i}");
        }
    }
    assert_eq!(lines(&whole), ["one", "two", "three", "four"]);
}

#[test]
fn a_partial_line_waits_for_its_newline() {
    let mut s = LogStore::new();
    s.append(format!("{T}hel").as_bytes());
    assert_eq!(s.len(), 0);
    s.append(b"lo\nwor");
    assert_eq!(lines(&s), ["hello"]);
    s.append(b"ld");
    assert_eq!(s.len(), 1);
    s.finish();
    assert_eq!(lines(&s), ["hello", "world"]);
    // After finish, new bytes start a new line instead of gluing onto the last.
    s.append(b"again\n");
    assert_eq!(lines(&s), ["hello", "world", "again"]);
}

#[test]
fn crlf_and_bom() {
    let s = LogStore::from_bytes(
        format!("\u{feff}{T}first\r\n{T}second\r\nno stamp\r\n\r\n{T}last").into_bytes(),
    );
    assert_eq!(lines(&s), ["first", "second", "no stamp", "", "last"]);
    let m = s.meta(0).expect("line 0");
    assert_eq!((m.lead, m.stamp), (3, 29));
    assert_eq!(s.stamp(0), b"2026-11-22T10:00:00.1234567Z");
    assert_eq!(s.meta(2).map(|m| m.stamp), Some(0));
    assert_eq!(s.stamp(2), b"");
    // A BOM split across appends is still recognised.
    let mut t = LogStore::new();
    let bytes = format!("\u{feff}{T}x\n").into_bytes();
    t.append(&bytes[..1]);
    t.append(&bytes[1..2]);
    t.append(&bytes[2..]);
    assert_eq!(lines(&t), ["x"]);
}

#[test]
fn metadata_kinds_problems_and_groups() {
    let s = LogStore::from_bytes(log(&[
        "Current runner version: '2.328.0'",
        "##[group]Run cargo test",
        "cargo test",
        "##[endgroup]",
        "running 3 tests",
        "##[warning]unused import",
        "##[notice]fyi",
        "##[command]/usr/bin/git version",
        "##[debug]Evaluating: success()",
        "##[error]Process completed with exit code 101.",
        "##[group]Open group",
        "inside",
    ]));
    let kinds: Vec<LineKind> = (0..s.len()).map(|i| s.kind(i)).collect();
    use LineKind::*;
    assert_eq!(
        kinds,
        [
            Plain, GroupStart, Plain, GroupEnd, Plain, Warning, Notice, Command, Debug, Error,
            GroupStart, Plain
        ]
    );
    assert_eq!(s.problems(), [5, 9]);
    assert_eq!(s.error_count(), 1);
    assert_eq!(s.content(1), b"Run cargo test");
    let g = s.groups();
    assert_eq!(g.len(), 2);
    assert_eq!((g[0].header, g[0].body_end, g[0].end_marker), (1, 3, true));
    assert_eq!((g[1].header, g[1].body_end), (10, usize::MAX));
    assert_eq!(s.group_at(1), Some(0));
    assert_eq!(s.group_around(2), Some(0));
    assert_eq!(s.group_around(3), Some(0));
    assert_eq!(s.group_around(4), None);
    assert_eq!(s.group_around(11), Some(1));
}

#[test]
fn a_new_group_closes_an_open_one() {
    let s = LogStore::from_bytes(log(&["##[group]a", "x", "##[group]b", "y", "##[endgroup]"]));
    let g = s.groups();
    assert_eq!((g[0].header, g[0].body_end, g[0].end_marker), (0, 2, false));
    assert_eq!((g[1].header, g[1].body_end, g[1].end_marker), (2, 4, true));
}

fn rows(layout: &Layout) -> Vec<Row> {
    (0..layout.rows()).filter_map(|r| layout.row(r)).collect()
}

#[test]
fn folding_hides_group_bodies_and_endgroup_lines() {
    let s = LogStore::from_bytes(log(&[
        "before",
        "##[group]Run x",
        "a",
        "b",
        "##[endgroup]",
        "after",
    ]));
    let mut folds = Folds::default();
    let l = Layout::build(&s, &mut folds);
    // Groups start folded, like on the web; the endgroup line is never shown.
    assert_eq!(rows(&l), [Row::Line(0), Row::Line(1), Row::Line(5)]);
    assert_eq!(l.row_of_line(5), Some(2));
    assert_eq!(l.row_of_line(2), None);
    assert_eq!(l.row_at_or_before(3), 1);
    folds.set_group(0, false);
    let l = Layout::build(&s, &mut folds);
    assert_eq!(
        rows(&l),
        [
            Row::Line(0),
            Row::Line(1),
            Row::Line(2),
            Row::Line(3),
            Row::Line(5)
        ]
    );
}

fn at(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s).ok().map(|d| d.to_utc())
}

#[test]
fn steps_by_time_and_by_append() {
    let mut view = LogViewState::from_bytes(log(&[
        "Current runner version",
        "Complete job name: test",
        "##[group]Run actions/checkout@v4",
        "with:",
        "##[endgroup]",
        "Syncing repository",
        "##[group]Run cargo test",
        "##[endgroup]",
        "test a ... ok",
        "##[error]boom",
    ]));
    view.set_steps(&[
        StepInfo {
            number: 1,
            name: "Set up job".into(),
            started_at: at("2026-11-22T10:00:00Z"),
        },
        StepInfo {
            number: 2,
            name: "Run actions/checkout@v4".into(),
            started_at: at("2026-11-22T10:00:02Z"),
        },
        StepInfo {
            number: 3,
            name: "cargo test".into(),
            started_at: at("2026-11-22T10:00:06Z"),
        },
        StepInfo {
            number: 4,
            name: "Skipped".into(),
            started_at: None,
        },
    ]);
    let store = view.store();
    let firsts: Vec<usize> = store.steps().iter().map(|s| s.first_line).collect();
    assert_eq!(firsts, [0, 2, 6]);
    assert_eq!(store.step_range(2), 6..10);
    let shown: Vec<Row> = (0..view.rows()).filter_map(|r| view.row_at(r)).collect();
    assert_eq!(
        shown,
        vec![
            Row::Step(0),
            Row::Line(0),
            Row::Line(1),
            Row::Step(1),
            Row::Line(2),
            Row::Line(5),
            Row::Step(2),
            Row::Line(6),
            Row::Line(8),
            Row::Line(9),
        ]
    );

    let mut live = LogViewState::new();
    live.append_step(Some(1), "Set up job", format!("{T}runner\n").as_bytes());
    live.append_step(
        Some(2),
        "Build\u{1b}]0;x\u{7}",
        format!("{T}compiling\n{T}done").as_bytes(),
    );
    let steps = live.store().steps();
    assert_eq!(steps.len(), 2);
    assert_eq!(steps[1].first_line, 1);
    assert_eq!(steps[1].title, "Build", "titles are cleaned");
    assert_eq!(live.store().len(), 3);
}

#[test]
fn toggle_fold_at_cursor_and_fold_all() {
    let mut v = LogViewState::from_bytes(log(&[
        "before",
        "##[group]Run x",
        "a",
        "b",
        "##[endgroup]",
        "after",
    ]));
    assert_eq!(v.rows(), 3);
    v.scroll(1);
    assert_eq!(v.cursor_row(), Some(Row::Line(1)));
    v.toggle_fold();
    assert_eq!(v.rows(), 5);
    v.scroll(2);
    assert_eq!(v.cursor_row(), Some(Row::Line(3)));
    // Inside an open group: folds it, the cursor goes to its header.
    v.toggle_fold();
    assert_eq!(v.rows(), 3);
    assert_eq!(v.cursor_row(), Some(Row::Line(1)));
    v.unfold_all();
    assert_eq!(v.rows(), 5);
    assert_eq!(v.cursor_row(), Some(Row::Line(1)));
    v.fold_all();
    assert_eq!(v.rows(), 3);
}

#[test]
fn memory_stays_under_twice_the_log() {
    let data = cockpit::fakehub::huge_log(20_000);
    let len = data.len();
    let s = LogStore::from_bytes(data);
    assert_eq!(s.len(), 20_000);
    assert!(s.heap_bytes() < 2 * len, "{} vs {len}", s.heap_bytes());
    assert!(s.problems().len() >= 4);
}
