//! The viewer's key actions: follow vs. a still scroll position, error jumps, search, selection,
//! copy and save.

use cockpit::logs::clipboard::osc52;
use cockpit::logs::{LogView, LogViewState, Row, SaveMode, SearchMode};
use cockpit::ui::Theme;
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(20);

fn lines(from: usize, n: usize) -> Vec<u8> {
    let mut out = Vec::new();
    for i in from..from + n {
        out.extend_from_slice(format!("2026-11-22T10:00:00.0000000Z line {i}\n").as_bytes());
    }
    out
}

/// Draws at `h` rows and returns the first line on screen.
fn draw(view: &LogViewState, h: u16) -> String {
    let theme = Theme::mono();
    let mut t = Terminal::new(TestBackend::new(40, h)).expect("terminal");
    t.draw(|f| f.render_widget(LogView::new(view, theme.log_styles()), f.area()))
        .expect("draw");
    let buf = t.backend().buffer();
    (0..buf.area.width)
        .map(|x| buf[(x, 0)].symbol())
        .collect::<String>()
        .trim()
        .to_string()
}

#[test]
fn appends_never_move_the_view_unless_following() {
    let mut v = LogViewState::new();
    v.append(&lines(0, 100));
    assert_eq!(draw(&v, 10), "1   line 0");
    assert_eq!(v.rows(), 100);
    v.page(1);
    v.scroll(3);
    let top = draw(&v, 10);
    let cursor = v.cursor_line();
    assert_eq!(top, "11   line 10");
    v.append(&lines(100, 500));
    assert_eq!(draw(&v, 10), top);
    assert_eq!(v.cursor_line(), cursor);
    v.click_row(2);
    assert_eq!(
        v.cursor_line(),
        Some(12),
        "a click selects the row under it"
    );
    // Even at the tail, without follow the view stays where it is.
    v.to_bottom();
    draw(&v, 10);
    let at = v.cursor_line();
    v.append(&lines(600, 10));
    draw(&v, 10);
    assert_eq!(v.cursor_line(), at);

    // Follow: the view sticks to the tail.
    v.toggle_follow();
    assert!(v.following());
    v.append(&lines(610, 5));
    assert_eq!(v.cursor_line(), Some(614));
    assert_eq!(draw(&v, 10), "606   line 605");
    // A partial line is not shown until it ends.
    v.append(b"2026-11-22T10:00:00.0000000Z line 6");
    assert_eq!(v.cursor_line(), Some(614));
    v.append(b"15\n");
    assert_eq!(v.cursor_line(), Some(615));
    // Scrolling up leaves follow mode, so new lines stop pulling the view.
    v.scroll(-5);
    assert!(!v.following());
    v.append(&lines(616, 5));
    assert_eq!(v.cursor_line(), Some(610));
}

fn with_problems() -> LogViewState {
    let mut out = Vec::new();
    for i in 0..50 {
        let l = match i {
            5 => "##[warning]first warning".to_string(),
            20 => "##[error]first error".to_string(),
            31 => "##[group]Run tests".to_string(),
            32 => "##[error]hidden in a group".to_string(),
            33 => "##[endgroup]".to_string(),
            40 => "##[error]last error".to_string(),
            _ => format!("plain {i}"),
        };
        out.extend_from_slice(format!("2026-11-22T10:00:00.0000000Z {l}\n").as_bytes());
    }
    LogViewState::from_bytes(out)
}

#[test]
fn n_and_shift_n_jump_between_errors_and_warnings() {
    let mut v = with_problems();
    assert_eq!(v.problem_lines(), [5, 20, 32, 40]);
    assert_eq!(
        v.problem(2).map(|p| p.text),
        Some("Error: hidden in a group".to_string())
    );
    let st = v.status();
    assert_eq!((st.errors, st.warnings), (3, 1));
    v.next_problem();
    assert_eq!(v.cursor_line(), Some(5));
    v.next_problem();
    assert_eq!(v.cursor_line(), Some(20));
    // The next one is inside a folded group: the jump unfolds it.
    let rows = v.rows();
    v.jump_next();
    assert_eq!(v.cursor_line(), Some(32));
    assert_eq!(v.cursor_row(), Some(Row::Line(32)));
    assert!(v.rows() > rows);
    v.next_problem();
    assert_eq!(v.cursor_line(), Some(40));
    v.next_problem();
    assert_eq!(v.cursor_line(), Some(5), "wraps");
    v.prev_problem();
    assert_eq!(v.cursor_line(), Some(40), "wraps back");
    v.jump_prev();
    assert_eq!(v.cursor_line(), Some(32));
}

fn search(v: &mut LogViewState, q: &str, mode: SearchMode) -> usize {
    v.set_search(q, mode).expect("valid query");
    assert!(v.wait_search(WAIT));
    v.search_status().map_or(0, |s| s.hits)
}

#[test]
fn search_plain_regex_and_smart_case() {
    let mut v = LogViewState::from_bytes(
        b"2026-11-22T10:00:00.0000000Z Error: a.b\n\
          2026-11-22T10:00:00.0000000Z error axb \x1b[31mERR\x1b[0mOR\n\
          2026-11-22T10:00:00.0000000Z ##[error]boom\n"
            .to_vec(),
    );
    // "Error", "error" and the `##[error]` line's label; "ERR…OR" is split by a colour code.
    assert_eq!(
        search(&mut v, "error", SearchMode::Plain),
        3,
        "case-insensitive"
    );
    assert_eq!(
        search(&mut v, "Error", SearchMode::Plain),
        2,
        "upper case: exact"
    );
    assert_eq!(search(&mut v, "a.b", SearchMode::Plain), 1);
    assert_eq!(search(&mut v, "a.b", SearchMode::Regex), 2);
    assert_eq!(search(&mut v, r"^err\w+ a", SearchMode::Regex), 1);
    // The bytes are searched as they came, like grep: a colour code between letters
    // separates them; timestamps are not searched.
    assert_eq!(search(&mut v, "ERROR", SearchMode::Plain), 0);
    assert_eq!(search(&mut v, "2026", SearchMode::Plain), 0);
    assert!(v.set_search("(unclosed", SearchMode::Regex).is_err());
    v.set_search("", SearchMode::Plain).expect("clears");
    assert_eq!(v.search_status(), None);
}

/// Progress bars overwrite themselves with `\r`: what they overwrote is still in the log
/// and is found. A search runs over whole buffers and still lands on the right lines, across
/// chunks and appends.
#[test]
fn search_reads_the_raw_bytes_and_maps_hits_to_lines() {
    let mut v = LogViewState::from_bytes(
        b"2026-11-22T10:00:00.0000000Z Downloading 10%\rDownloading 100%\n\
          2026-11-22T10:00:01.0000000Z done\n"
            .to_vec(),
    );
    assert_eq!(search(&mut v, "10%", SearchMode::Plain), 1);
    assert_eq!(v.search_hits()[0].line, 0);
    assert_eq!(search(&mut v, "Done", SearchMode::Regex), 0, "smart case");
    // Highlights come from what the line shows: the overwritten word is not on screen.
    assert_eq!(search(&mut v, r"do\w+", SearchMode::Regex), 2);

    let mut big = LogViewState::new();
    let mut expected = Vec::new();
    for i in 0..60_000usize {
        let line = if i % 1_000 == 7 {
            expected.push(i as u32);
            format!("2026-11-22T10:00:00.0000000Z step {i}: needle here\n")
        } else {
            format!("2026-11-22T10:00:00.0000000Z step {i}: hay\n")
        };
        big.append(line.as_bytes());
    }
    assert_eq!(
        search(&mut big, "needle", SearchMode::Plain),
        expected.len()
    );
    let lines: Vec<u32> = big.search_hits().iter().map(|h| h.line).collect();
    assert_eq!(lines, expected);
    let h = big.search_hits()[0];
    assert_eq!(
        (h.start, h.end),
        (8, 14),
        "display positions: after \"step 7: \""
    );
}

#[test]
fn search_jumps_and_moves_with_n() {
    let mut v = with_problems();
    v.scroll(10);
    assert_eq!(search(&mut v, "plain 1", SearchMode::Plain), 11);
    // Incremental search jumps to the first hit at or after the cursor.
    assert_eq!(v.cursor_line(), Some(10));
    v.search_next();
    assert_eq!(v.cursor_line(), Some(11));
    v.search_prev();
    v.search_prev();
    assert_eq!(v.cursor_line(), Some(1), "wraps to the hit before");
    v.search_prev();
    assert_eq!(v.cursor_line(), Some(19), "wraps around the end");
    assert_eq!(v.search_status().and_then(|s| s.current), Some(10));
}

#[test]
fn search_keeps_up_with_a_growing_log_and_wakes_the_app() {
    let mut v = LogViewState::new();
    let wakes = Arc::new(AtomicUsize::new(0));
    let w = Arc::clone(&wakes);
    v.set_waker(Arc::new(move || {
        w.fetch_add(1, Ordering::SeqCst);
    }));
    v.append(&lines(0, 1000));
    assert_eq!(search(&mut v, "line 9", SearchMode::Plain), 111);
    // The thread wakes the app after it sends (so a poll always finds the data).
    let until = std::time::Instant::now() + WAIT;
    while wakes.load(Ordering::SeqCst) == 0 && std::time::Instant::now() < until {
        std::thread::sleep(Duration::from_millis(5));
    }
    assert!(wakes.load(Ordering::SeqCst) >= 1);
    // New lines are searched as they arrive, and only they.
    v.append(&lines(1000, 9000));
    assert!(v.wait_search(WAIT));
    assert_eq!(v.search_status().map(|s| s.hits), Some(1111));
    // A new query cancels the old one; stale results never mix in.
    v.set_search("line 99", SearchMode::Plain).expect("valid");
    v.set_search("line 5", SearchMode::Plain).expect("valid");
    assert!(v.wait_search(WAIT));
    assert_eq!(v.search_status().map(|s| s.hits), Some(1111));
    let hits = v.search_hits();
    assert!(
        hits.windows(2).all(|w| w[0] < w[1]),
        "sorted, no duplicates"
    );
}

#[test]
fn poll_search_is_non_blocking() {
    let data = cockpit::fakehub::huge_log(200_000);
    let mut v = LogViewState::from_bytes(data);
    v.set_search("assertion", SearchMode::Plain).expect("valid");
    // Returns at once whatever has arrived.
    let started = std::time::Instant::now();
    v.poll_search();
    assert!(started.elapsed() < Duration::from_secs(1));
    assert!(v.wait_search(Duration::from_secs(60)));
    assert_eq!(
        v.search_status().map(|s| s.hits),
        Some(
            v.problem_lines()
                .iter()
                .filter(|&&l| v.store().kind(l) == cockpit::logs::LineKind::Error)
                .count()
        )
    );
}

#[test]
fn copy_selected_lines_as_clean_text() {
    let mut v = LogViewState::from_bytes(
        b"2026-11-22T10:00:00.1000000Z one \x1b]52;c;ZXZpbA==\x07\x1b[31mred\x1b[0m\n\
          2026-11-22T10:00:01.2000000Z ##[error]two\n\
          2026-11-22T10:00:02.3000000Z three\n"
            .to_vec(),
    );
    assert_eq!(v.copy_text(), "one red", "the cursor line");
    v.toggle_selection();
    v.scroll(1);
    assert_eq!(v.selection(), Some((0, 1)));
    assert_eq!(v.copy_text(), "one red\nError: two");
    v.toggle_timestamps();
    assert_eq!(
        v.copy_text(),
        "2026-11-22T10:00:00.1000000Z one red\n2026-11-22T10:00:01.2000000Z Error: two"
    );
    v.select_lines(2, 1);
    assert_eq!(v.selection(), Some((1, 2)));
    v.clear_selection();
    assert_eq!(v.selection(), None);
    // OSC 52 of clean text: one sequence, its payload base64 only.
    let seq = osc52(&v.copy_text());
    assert!(seq.starts_with("\u{1b}]52;c;") && seq.ends_with('\u{7}'));
    let payload = &seq[7..seq.len() - 1];
    assert!(payload
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "+/=".contains(c)));
}

#[test]
fn save_raw_and_text() {
    let raw = b"\xef\xbb\xbf2026-11-22T10:00:00.1000000Z ##[group]Run x\n\
                2026-11-22T10:00:00.2000000Z \x1b[32mok\x1b[0m\x1b]0;title\x07\n\
                2026-11-22T10:00:00.3000000Z ##[endgroup]\n\
                2026-11-22T10:00:00.4000000Z ##[warning]careful\n\
                2026-11-22T10:00:00.5000000Z unfinished"
        .to_vec();
    let mut v = LogViewState::new();
    v.append(&raw);
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("job.log");
    let n = v.save(&path, SaveMode::Raw).expect("saved");
    assert_eq!(std::fs::read(&path).expect("read"), raw, "byte for byte");
    assert_eq!(n, raw.len() as u64);
    v.save(&path, SaveMode::Text).expect("saved");
    assert_eq!(
        std::fs::read_to_string(&path).expect("read"),
        "Run x\nok\nWarning: careful\n"
    );
    // A save job runs on any thread while the view keeps taking lines.
    let job = v.save_job(SaveMode::Text);
    v.toggle_timestamps();
    v.finish();
    let p2 = dir.path().join("later.log");
    std::thread::spawn(move || job.write_to(&p2).map(|_| p2))
        .join()
        .expect("thread")
        .expect("saved");
    v.save(&path, SaveMode::Text).expect("saved");
    let text = std::fs::read_to_string(&path).expect("read");
    assert!(
        text.starts_with("2026-11-22T10:00:00.1000000Z Run x\n"),
        "{text}"
    );
    assert!(
        text.ends_with("2026-11-22T10:00:00.5000000Z unfinished\n"),
        "{text}"
    );
    assert!(v
        .save(&dir.path().join("no/such/dir/x.log"), SaveMode::Raw)
        .is_err());
}

#[test]
fn replacing_the_log_keeps_the_place_and_the_search() {
    let mut v = LogViewState::new();
    v.append_step(Some(1), "first", &lines(0, 40));
    draw(&v, 10);
    v.jump_to_line(25);
    v.set_search("line 3", SearchMode::Plain).expect("valid");
    assert!(v.wait_search(WAIT));
    assert_eq!(
        v.cursor_line(),
        Some(30),
        "jumped to the first hit after line 25"
    );
    v.toggle_timestamps();
    let mut whole = lines(0, 40);
    whole.extend(lines(40, 40));
    v.replace(whole);
    assert_eq!(v.store().len(), 80);
    assert!(v.store().steps().is_empty());
    assert_eq!(v.cursor_line(), Some(30));
    assert!(v.timestamps_shown());
    assert!(v.wait_search(WAIT));
    assert_eq!(v.search_status().map(|s| s.hits), Some(11));
    v.to_top();
    v.replace(lines(0, 80));
    assert!(v.wait_search(WAIT));
    assert_eq!(
        v.cursor_line(),
        Some(0),
        "a carried-over search does not jump"
    );
}
