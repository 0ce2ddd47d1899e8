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

/// `e` finds where a build or test failed, not only the `##[error]` summary at the end.
#[test]
fn failing_lines_are_errors_whatever_their_marker() {
    let data = log(&[
        "test retries_on_503 ... \u{1b}[32mok\u{1b}[0m",
        "test gives_up_after_max_attempts ... \u{1b}[31mFAILED\u{1b}[0m",
        "thread 'gives_up_after_max_attempts' panicked at tests/upload.rs:88:5:",
        "##[warning]disk almost full",
        "\u{1b}[1m\u{1b}[91merror\u{1b}[0m: test failed, to rerun pass `--test upload`",
        "\u{1b}[0m\u{1b}[1m\u{1b}[91merror[E0308]\u{1b}[0m\u{1b}[0m\u{1b}[1m: mismatched types",
        "test handles_error_input ... ok",
        "##[command]cargo test 2>&1 | grep error:",
        "##[error]Process completed with exit code 101.",
    ]);
    for split in [data.len(), 40, 7] {
        let mut s = LogStore::new();
        for piece in data.chunks(split) {
            s.append(piece);
        }
        s.finish();
        assert_eq!(s.problems(), [1, 2, 3, 4, 5, 8], "split {split}");
        assert_eq!(s.error_count(), 5);
        assert!(!s.is_error(3));
    }
    let mut view = LogViewState::from_bytes(data);
    assert!(view.to_first_error());
    assert_eq!(view.cursor_line(), Some(1));
}

/// The Jobs API gives whole seconds; a step's last lines are often stamped after the next
/// step's (truncated) start. The `##[group]Run …` header says where each step begins.
#[test]
fn steps_split_at_their_group_headers_not_at_whole_second_times() {
    let stamped = |body: &[(&str, &str)]| -> Vec<u8> {
        let mut out = "\u{feff}".as_bytes().to_vec();
        for (t, l) in body {
            out.extend_from_slice(format!("2026-11-22T10:00:{t}Z {l}\n").as_bytes());
        }
        out
    };
    let mut view = LogViewState::from_bytes(stamped(&[
        ("00.1000000", "Current runner version: '2.328.0'"),
        ("00.4000000", "##[group]Operating System"),
        ("00.4100000", "Ubuntu"),
        ("00.4200000", "##[endgroup]"),
        ("01.7000000", "Secret source: Actions"),
        ("01.8000000", "##[group]Run actions/checkout@v4"),
        ("01.8100000", "##[endgroup]"),
        ("03.2000000", "Syncing repository: acme/rocket"),
        ("04.9000000", "##[group]Run Swatinem/rust-cache@v2"),
        ("04.9500000", "##[endgroup]"),
        ("09.6000000", "Cache restored successfully (1.2 GB)"),
        ("09.7000000", "##[group]Run cargo build --locked"),
        ("09.7100000", "##[endgroup]"),
        ("20.0000000", "Finished"),
        ("20.5000000", "Post job cleanup."),
        ("21.3000000", "Cleaning up orphan processes"),
    ]));
    let step = |number, name: &str, at: &str| StepInfo {
        number,
        name: name.into(),
        started_at: DateTime::parse_from_rfc3339(&format!("2026-11-22T10:00:{at}Z"))
            .ok()
            .map(|d| d.to_utc()),
    };
    view.set_steps(&[
        step(1, "Set up job", "00"),
        step(2, "Checkout", "01"),
        step(3, "Cache", "04"),
        step(4, "Build", "09"),
        step(5, "Post Checkout", "20"),
        step(6, "Complete job", "21"),
    ]);
    let store = view.store();
    let contents = lines(store);
    let step_of = |text: &str| {
        let l = contents.iter().position(|c| c == text).expect("line");
        store.steps()[store.step_of(l).expect("in a step")]
            .title
            .clone()
    };
    assert_eq!(step_of("Secret source: Actions"), "Set up job");
    assert_eq!(step_of("Syncing repository: acme/rocket"), "Checkout");
    assert_eq!(step_of("Cache restored successfully (1.2 GB)"), "Cache");
    assert_eq!(step_of("Finished"), "Build");
    assert_eq!(step_of("Post job cleanup."), "Post Checkout");
    assert_eq!(step_of("Cleaning up orphan processes"), "Complete job");
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
