//! Log viewer benchmarks (a bench binary, not timed tests: a slow machine must not fail the
//! suite). Run: `cargo bench --bench logs`; `-- --test` runs each measurement once.
//!
//! On a 1,000,000-line (~100 MB) job log from fakehub's generator: opening it and drawing the
//! first screen (target < 1 s), drawing at the top / middle / end (the cost must not depend on
//! the position), paging through, searching (target well under a second, off the UI thread,
//! with frames still drawn meanwhile, and within 2x of `grep -c` on the same bytes, run side
//! by side), and memory (store vs. log size, target < 2x). Function costs go through criterion;
//! the search race with grep, memory and the ratios are printed rows.

use std::time::{Duration, Instant};

use cockpit::fakehub::huge_log;
use cockpit::logs::{LogView, LogViewState, SearchMode};
use cockpit::ui::Theme;
use criterion::Criterion;
use ratatui::backend::TestBackend;
use ratatui::Terminal;

mod measure;

const LINES: usize = 1_000_000;
const W: u16 = 160;
const H: u16 = 45;

fn rss_kib() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn mib(bytes: f64) -> f64 {
    bytes / (1024.0 * 1024.0)
}

struct Screen {
    term: Terminal<TestBackend>,
    theme: Theme,
}

impl Screen {
    fn new() -> Screen {
        Screen {
            term: Terminal::new(TestBackend::new(W, H)).expect("terminal"),
            theme: Theme::from_config(&Default::default(), false),
        }
    }

    fn draw(&mut self, view: &LogViewState) {
        let theme = &self.theme;
        self.term
            .draw(|f| f.render_widget(LogView::new(view, theme.log_styles()), f.area()))
            .expect("draw");
    }
}

/// `grep ARGS QUERY FILE`: best time of three runs in ms and its count (None without grep).
fn grep(args: &[&str], query: &str, file: &std::path::Path) -> Option<(f64, String)> {
    let mut best = f64::MAX;
    let mut count = String::new();
    for _ in 0..3 {
        let t = Instant::now();
        let out = std::process::Command::new("grep")
            .args(args)
            .arg("--")
            .arg(query)
            .arg(file)
            .output()
            .ok()?;
        best = best.min(t.elapsed().as_secs_f64() * 1e3);
        count = String::from_utf8_lossy(&out.stdout).trim().to_string();
    }
    Some((best, count))
}

fn row(label: &str, value: String) {
    println!("  {label:<52} {value}");
}

fn main() {
    let mut c = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args();
    println!("cockpit log benchmark ({W}x{H} viewport, colour theme)");
    let t = Instant::now();
    let data = huge_log(LINES);
    let log_len = data.len();
    println!(
        "generated a {LINES}-line log: {:.1} MiB in {:.0} ms (fakehub::huge_log)",
        mib(log_len as f64),
        t.elapsed().as_secs_f64() * 1e3
    );

    // Open + first screen; each sample ingests a fresh copy (the copy is not timed).
    let mut screen = Screen::new();
    let mut group = c.benchmark_group(format!("log open ({LINES} lines)"));
    measure::timed_by_routine(
        &mut group,
        "open + first screen drawn (target < 1000 ms)",
        Duration::from_secs(8),
        || {
            let bytes = data.clone();
            let t = Instant::now();
            let view = LogViewState::from_bytes(bytes);
            screen.draw(&view);
            t.elapsed()
        },
    );

    // The same log arriving in 64 KiB pieces (the append path: partial lines, chunking).
    let mut appended = None;
    measure::timed_by_routine(
        &mut group,
        "append in 64 KiB pieces (1,500 appends)",
        Duration::from_secs(8),
        || {
            let t = Instant::now();
            let mut live = LogViewState::new();
            for piece in data.chunks(64 * 1024) {
                live.append(piece);
            }
            live.finish();
            let took = t.elapsed();
            appended = Some((live.store().len(), live.store().heap_bytes()));
            took
        },
    );
    group.finish();

    let rss_before = rss_kib();
    let t = Instant::now();
    let mut view = LogViewState::from_bytes(data);
    let ingest = t.elapsed();
    println!("open");
    row(
        "ingest (lines, metadata, groups, problems), once",
        format!("{:>8.1} ms", ingest.as_secs_f64() * 1e3),
    );

    // Memory.
    let heap = view.store().heap_bytes();
    println!("memory");
    row(
        "store heap (bytes + indexes) / log size (target < 2x)",
        format!(
            "{:>8.3}x  ({:.1} MiB for {:.1} MiB)",
            heap as f64 / log_len as f64,
            mib(heap as f64),
            mib(log_len as f64)
        ),
    );
    if let (Some(before), Some(after)) = (rss_before, rss_kib()) {
        row(
            "resident memory added by opening (indexes only)",
            format!("{:>8.1} MiB", after.saturating_sub(before) as f64 / 1024.0),
        );
    }
    if let Some((lines, live_heap)) = appended {
        row(
            "store heap after the 64 KiB appends / log size",
            format!("{:>8.3}x", live_heap as f64 / log_len as f64),
        );
        assert_eq!(lines, view.store().len());
    }

    // Render cost by position: groups folded (default) and everything unfolded.
    let mut group = c
        .benchmark_group("log render (per frame; the same at any position means size-independent)");
    let mut results = Vec::new();
    for unfolded in [false, true] {
        if unfolded {
            view.unfold_all();
        }
        for (name, line) in [("top", 0), ("middle", LINES / 2), ("end", LINES - 1)] {
            view.jump_to_line(line);
            let folded = if unfolded { "unfolded" } else { "folded" };
            results.push(measure::median_us(
                &mut group,
                &format!("{folded} at the {name}"),
                || screen.draw(&view),
            ));
        }
    }
    view.toggle_timestamps();
    view.jump_to_line(LINES / 2);
    measure::median_us(&mut group, "unfolded, timestamps shown, middle", || {
        screen.draw(&view)
    });
    view.toggle_timestamps();
    group.finish();
    let (lo, hi) = results
        .iter()
        .fold((f64::MAX, 0f64), |(lo, hi), &v| (lo.min(v), hi.max(v)));
    row(
        "render: slowest / fastest position",
        format!("{:>8.2}", hi / lo),
    );

    // Paging: each page is new lines (cache misses), so this is the real scrolling cost. Back
    // to the top before the end, where a page would no longer move.
    let mut group = c.benchmark_group("log scrolling");
    view.to_top();
    screen.draw(&view);
    let mut pages = 0u32;
    measure::median_us(&mut group, "page down + draw (cold lines)", || {
        pages += 1;
        if pages.is_multiple_of(10_000) {
            view.to_top();
        }
        view.page(1);
        screen.draw(&view);
    });
    view.to_top();
    let mut lines = 0usize;
    measure::median_us(&mut group, "line down + draw", || {
        lines += 1;
        if lines.is_multiple_of(LINES / 2) {
            view.to_top();
        }
        view.scroll(1);
        screen.draw(&view);
    });
    measure::median_us(
        &mut group,
        "fold all + unfold all (two layout rebuilds)",
        || {
            view.fold_all();
            view.unfold_all();
        },
    );
    group.finish();

    // Search: time to complete, while the UI keeps drawing frames; grep on the same bytes.
    let file = tempfile::NamedTempFile::new().expect("temporary file");
    view.save_job(cockpit::logs::SaveMode::Raw)
        .write_to(file.path())
        .expect("the log on disk");
    println!("search (background thread; frames drawn meanwhile) vs. `grep -c` on the same file");
    // Smart case: a query without capitals ignores case, and grep is told the same.
    for (query, mode, grep_args) in [
        (
            "assertion `left == right`",
            SearchMode::Plain,
            &["-c", "-i", "-F"][..],
        ),
        (
            r"retries_on_503_\d*7\b",
            SearchMode::Regex,
            &["-c", "-i", "-P"][..],
        ),
        ("Compiling", SearchMode::Plain, &["-c", "-F"][..]),
        ("ok", SearchMode::Plain, &["-c", "-i", "-F"][..]),
    ] {
        view.to_top();
        let t = Instant::now();
        view.set_search(query, mode).expect("valid query");
        let mut frames = 0u32;
        let mut worst = Duration::ZERO;
        loop {
            let f = Instant::now();
            view.poll_search();
            screen.draw(&view);
            worst = worst.max(f.elapsed());
            frames += 1;
            if view.search_status().is_some_and(|s| s.done) {
                break;
            }
            std::thread::sleep(Duration::from_millis(4));
        }
        let took = t.elapsed();
        let st = view.search_status();
        let hits = st.as_ref().map_or(0, |s| s.hits);
        let capped = st.is_some_and(|s| s.capped);
        row(
            &format!(
                "{query:?} ({})",
                if mode == SearchMode::Regex {
                    "regex"
                } else {
                    "plain"
                }
            ),
            format!(
                "{:>8.1} ms  {hits}{} hits, {frames} frames, slowest frame {:.1} ms",
                took.as_secs_f64() * 1e3,
                if capped { "+" } else { "" },
                worst.as_secs_f64() * 1e3
            ),
        );
        if let Some((ms, lines)) = grep(grep_args, query, file.path()) {
            row(
                "  grep -c, same bytes (best of 3)",
                format!(
                    "{ms:>8.1} ms  {lines} lines; cockpit/grep {:.2}x",
                    took.as_secs_f64() * 1e3 / ms
                ),
            );
        }
    }
    let mut group = c.benchmark_group("log search");
    measure::median_us(&mut group, "n (next hit) + draw", || {
        view.search_next();
        screen.draw(&view);
    });
    group.finish();

    c.final_summary();
}
