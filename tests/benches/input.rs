//! Key → frame latency of the real binary in a pseudo-terminal: the time from writing a key to
//! the pty until the screen (as a terminal emulator reads it) shows that key's effect. A bench,
//! not a test: a slow machine must not fail the suite. Run: `cargo bench --bench input`.
//!
//! Settings: the idle dashboard with no token (nothing polls, so nothing else wakes the loop),
//! the demo with a CI run going, typing 200 characters into the comment editor, and scrolling
//! a 1,000,000-line job log. Goal: p99 ≤ 16 ms (one frame at 60 Hz).

#[path = "../pty/mod.rs"]
mod pty;

use cockpit::demo::Demo;
use pty::{Pty, Spawn};
use std::time::{Duration, Instant};

const WAIT: Duration = Duration::from_secs(30);

struct Samples {
    name: &'static str,
    ms: Vec<f64>,
}

impl Samples {
    fn new(name: &'static str) -> Samples {
        Samples {
            name,
            ms: Vec::new(),
        }
    }

    /// Sends `key`, then waits until the screen (colours included) differs from what it was
    /// and its text satisfies `pred`.
    fn time(&mut self, pty: &mut Pty, key: &[u8], pred: impl Fn(&str) -> bool) {
        let before = pty.formatted();
        let t0 = Instant::now();
        pty.send(key);
        if !pty.until_changed(&before, WAIT, pred) {
            panic!(
                "{}: no frame answered {:?} within {WAIT:?}; screen:\n{}",
                self.name,
                String::from_utf8_lossy(key),
                pty.contents()
            );
        }
        self.ms.push(t0.elapsed().as_secs_f64() * 1000.0);
    }

    fn report(&mut self) {
        self.ms.sort_by(f64::total_cmp);
        let pct = |p: f64| {
            let i = ((self.ms.len() as f64 - 1.0) * p).round() as usize;
            self.ms.get(i).copied().unwrap_or(f64::NAN)
        };
        println!(
            "{:<44} n={:<4} p50 {:>6.2} ms   p99 {:>6.2} ms   max {:>6.2} ms",
            self.name,
            self.ms.len(),
            pct(0.5),
            pct(0.99),
            self.ms.last().copied().unwrap_or(f64::NAN)
        );
    }
}

/// `?` opens help, any key closes it: each press changes the screen.
fn toggle_help(s: &mut Samples, pty: &mut Pty, rounds: usize) {
    for _ in 0..rounds {
        s.time(pty, b"?", |x| x.contains("cockpit keys"));
        s.time(pty, b"x", |x| !x.contains("cockpit keys"));
    }
}

fn idle_without_token() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = dir.path().join("config.toml");
    std::fs::write(&config, "[poll]\nclock_secs = 3600\n").expect("config");
    let mut pty = Pty::start(Spawn {
        args: vec!["--config", config.to_str().expect("utf-8")],
        cols: 160,
        rows: 45,
        cwd: Some(dir.path()),
        env: Vec::new(),
    });
    pty.wait_for("not inside a git repository", 30);
    let mut s = Samples::new("idle dashboard, no token (help on/off)");
    toggle_help(&mut s, &mut pty, 100);
    s.report();
}

fn demo_with_a_run_going() {
    let mut pty = Pty::spawn(&["--demo"], 160, 45, None);
    pty.wait_for("Crash when HOME is unset", 30);
    pty.wait_for("● CI", 30);
    let mut s = Samples::new("demo, a run going (help on/off)");
    toggle_help(&mut s, &mut pty, 100);
    s.report();
}

fn typing_in_the_editor() {
    let mut pty = Pty::spawn(&["--demo"], 160, 45, None);
    pty.wait_for("Crash when HOME is unset", 30);
    pty.send(b"1");
    pty.send(b"c");
    pty.wait_for("Comment on #47", 30);
    let mut s = Samples::new("comment editor, 200 characters typed");
    // Five lines of 40 characters; each line starts with its own tag so that what has been
    // typed so far of it is found on screen only once it is really there. No spaces: a
    // trailing space changes no cell, so its frame could not be told from the one before.
    for line in 0..5 {
        let text = format!("L{line}:{}", "the-quick-brown-fox-jumps-over-a-lazy-dog");
        let text: String = text.chars().take(40).collect();
        for end in 1..=text.len() {
            let typed = &text[..end];
            let key = &text.as_bytes()[end - 1..end];
            s.time(&mut pty, key, |x| x.contains(typed));
        }
        pty.send(b"\r");
        pty.until(WAIT, |x| x.lines().any(|l| l.contains(&text)))
            .expect("line kept");
    }
    s.report();
}

fn scrolling_a_million_line_log(rt: &tokio::runtime::Runtime) {
    let demo = rt.block_on(Demo::start()).expect("demo");
    let log = bytes_of_a_big_log();
    let jobs: Vec<u64> = demo.hub.with_world(|w| {
        w.repos
            .iter()
            .flat_map(|r| r.runs.iter())
            .flat_map(|r| r.attempts.iter().flat_map(|a| a.jobs.iter().map(|j| j.id)))
            .collect()
    });
    for id in jobs {
        demo.hub.set_job_log(id, log.clone());
    }
    let base = demo.hub.base_url();
    let workdir = demo.repo.workdir.clone();
    let mut pty = Pty::start(Spawn {
        args: vec!["--api-url", &base, "--repo", Demo::repo_name()],
        cols: 160,
        rows: 45,
        cwd: Some(&workdir),
        env: vec![("GH_TOKEN", Demo::token().to_string())],
    });
    pty.wait_for("Retry uploads on 5xx", 30);
    // CI panel, the completed run (#421), its first job's log.
    pty.send(b"4");
    pty.send(b"j");
    pty.send(b"\r");
    pty.wait_for("CI #421", 30);
    let opened = Instant::now();
    pty.send(b"\r");
    pty.until(Duration::from_secs(120), |x| {
        x.contains("· log ·") && x.contains("complete")
    })
    .expect("the log opens");
    println!(
        "{:<44} {:.0} ms (fetch 95 MB over HTTP, index, first screen)",
        "1M-line log: Enter → log on screen",
        opened.elapsed().as_secs_f64() * 1000.0
    );
    let mut s = Samples::new("1M-line log, scrolling (j ×150, k ×50)");
    for _ in 0..150 {
        s.time(&mut pty, b"j", |_| true);
    }
    for _ in 0..50 {
        s.time(&mut pty, b"k", |_| true);
    }
    s.report();
    drop(pty);
    drop(demo);
}

fn bytes_of_a_big_log() -> axum::body::Bytes {
    axum::body::Bytes::from(cockpit::fakehub::huge_log(1_000_000))
}

fn main() {
    // `cargo bench` passes --bench; a filter word runs only the settings that contain it.
    let filter: Option<String> = std::env::args().skip(1).find(|a| !a.starts_with('-'));
    let wants = |name: &str| filter.as_deref().is_none_or(|f| name.contains(f));
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    println!("key → frame latency, release binary in a pseudo-terminal (160x45)");
    if wants("idle") {
        idle_without_token();
    }
    if wants("demo") {
        demo_with_a_run_going();
    }
    if wants("typing") {
        typing_in_the_editor();
    }
    if wants("log") {
        scrolling_a_million_line_log(&rt);
    }
}
