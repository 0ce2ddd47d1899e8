//! Job logs in GitHub's text format: every line is `<RFC 3339 time with 7 decimals>Z <text>`,
//! a step starts with `##[group]Run …`/`##[endgroup]`, failures print `##[error]…`, output has
//! ANSI SGR colours. The whole job log starts with a UTF-8 BOM, as GitHub's does.

use chrono::{Datelike, TimeDelta, Timelike};

use super::world::{Job, JobPlan, Repo, Run, Step, Time};

/// The log of a completed job (only steps that ran appear).
pub fn job_log(repo: &Repo, run: &Run, job: &Job, plan: &JobPlan) -> String {
    let mut out = String::from("\u{feff}");
    for k in 0..job.steps.len() {
        out.push_str(&step_log(repo, run, job, plan, k));
    }
    out
}

/// The log of one step (empty when it did not run).
fn step_log(repo: &Repo, run: &Run, job: &Job, plan: &JobPlan, k: usize) -> String {
    let (Some(step), Some(p)) = (job.steps.get(k), plan.steps.get(k)) else {
        return String::new();
    };
    if !p.ran {
        return String::new();
    }
    let lines = step_lines(repo, run, job, step, k);
    let n = lines.len().max(1) as i64;
    let span = (p.completed_at - p.started_at).num_milliseconds().max(0);
    let mut out = String::new();
    for (i, line) in lines.iter().enumerate() {
        // Spread lines over the step's duration, with a sub-second part like GitHub's.
        let offset = span * i as i64 / n;
        let t = p.started_at
            + TimeDelta::milliseconds(offset)
            + TimeDelta::microseconds(((i as i64 * 7919 + k as i64 * 104_729) % 997) * 100);
        out.push_str(&stamp(t));
        out.push(' ');
        out.push_str(line);
        out.push('\n');
    }
    out
}

fn stamp(t: Time) -> String {
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:07}Z",
        t.year(),
        t.month(),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        t.nanosecond() / 100
    )
}

fn step_lines(repo: &Repo, run: &Run, job: &Job, step: &Step, k: usize) -> Vec<String> {
    let mut l: Vec<String> = Vec::new();
    let failing = job.fail.as_ref().filter(|f| f.step == k);
    if step.synthetic && k == 0 {
        l.push("Current runner version: '2.328.0'".into());
        for (group, items) in [
            (
                "Runner Image Provisioner",
                &["Hosted Compute Agent", "Version: 20250829.383"][..],
            ),
            ("Operating System", &["Ubuntu", "24.04.3", "LTS"][..]),
            (
                "Runner Image",
                &["Image: ubuntu-24.04", "Version: 20250907.24.1"][..],
            ),
            (
                "GITHUB_TOKEN Permissions",
                &["Contents: read", "Metadata: read"][..],
            ),
        ] {
            l.push(format!("##[group]{group}"));
            l.extend(items.iter().map(|s| s.to_string()));
            l.push("##[endgroup]".into());
        }
        l.push("Secret source: Actions".into());
        l.push("Prepare workflow directory".into());
        l.push("Prepare all required actions".into());
        l.push("Getting action download info".into());
        for s in &job.steps {
            if let Some(u) = &s.uses {
                l.push(format!(
                    "Download action repository '{u}' (SHA:{})",
                    pseudo_sha(u)
                ));
            }
        }
        if let Some(env) = &job.environment {
            l.push(format!("Environment: {env}"));
        }
        l.push(format!("Complete job name: {}", job.name));
        return l;
    }
    if step.synthetic {
        l.push("Cleaning up orphan processes".into());
        return l;
    }
    if let Some(u) = &step.uses {
        l.push(format!("##[group]Run {u}"));
        l.push("with:".into());
        l.push(format!("  repository: {}", repo.full_name()));
        l.push("  token: ***".into());
        l.push(format!("  ref: {}", run.branch));
        l.push("##[endgroup]".into());
    } else if let Some(r) = &step.run {
        let first = r.lines().next().unwrap_or_default();
        l.push(format!("##[group]Run {first}"));
        for line in r.lines() {
            l.push(format!("\u{1b}[36;1m{line}\u{1b}[0m"));
        }
        l.push("shell: /usr/bin/bash -e {0}".into());
        l.push("env:".into());
        l.push("  CARGO_TERM_COLOR: always".into());
        l.push("  CARGO_REGISTRY_TOKEN: ***".into());
        l.push("##[endgroup]".into());
    }
    match failing {
        Some(f) if !f.log.is_empty() => l.extend(f.log.iter().cloned()),
        _ => {
            l.extend(step.log.iter().cloned());
            if step.test_lines > 0 {
                test_lines(&mut l, step.test_lines, failing.is_some());
            }
        }
    }
    // Annotations come from workflow commands / problem matchers in the log.
    let annotations = step
        .annotations
        .iter()
        .chain(failing.iter().flat_map(|f| f.annotations.iter()));
    for a in annotations {
        let command = match a.level.as_str() {
            "failure" => "error",
            "warning" => "warning",
            _ => "notice",
        };
        let first = a.message.lines().next().unwrap_or_default();
        l.push(format!("##[{command}]{}:{}: {first}", a.path, a.start_line));
    }
    if let Some(f) = failing {
        l.push(format!(
            "##[error]Process completed with exit code {}.",
            f.exit_code
        ));
    }
    l
}

const MODULES: &[&str] = &[
    "upload::retry",
    "upload::chunker",
    "config::parse",
    "api::client",
    "launch::sequence",
    "telemetry::buffer",
    "cli::args",
];
const NAMES: &[&str] = &[
    "handles_empty_input",
    "retries_on_503",
    "gives_up_after_max_attempts",
    "keeps_order_of_chunks",
    "rejects_unknown_keys",
    "resumes_after_disconnect",
    "backs_off_exponentially",
    "parses_durations",
    "round_trips_json",
];

fn test_lines(l: &mut Vec<String>, n: u32, failed: bool) {
    l.push(format!(
        "\u{1b}[1m\u{1b}[92m     Running\u{1b}[0m unittests src/lib.rs (target/debug/deps/rocket-{})",
        &pseudo_sha("rocket")[..16]
    ));
    l.push(String::new());
    l.push(format!("running {n} tests"));
    for i in 0..n as usize {
        let m = MODULES[i % MODULES.len()];
        let t = NAMES[(i * 7 + i / MODULES.len()) % NAMES.len()];
        if i % 23 == 22 {
            l.push(format!(
                "test {m}::tests::{t}_{i} ... \u{1b}[33mignored\u{1b}[0m"
            ));
        } else {
            l.push(format!(
                "test {m}::tests::{t}_{i} ... \u{1b}[32mok\u{1b}[0m"
            ));
        }
    }
    l.push(String::new());
    let ignored = n / 23;
    if failed {
        return;
    }
    l.push(format!(
        "test result: \u{1b}[32mok\u{1b}[0m. {} passed; 0 failed; {ignored} ignored; 0 measured; 0 filtered out; finished in 4.17s",
        n - ignored
    ));
    l.push(String::new());
}

/// A stable fake 40-hex sha for a string.
pub(crate) fn pseudo_sha(s: &str) -> String {
    let mut out = String::with_capacity(40);
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for round in 0u64..3 {
        for b in s.bytes().chain(round.to_le_bytes()) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        out.push_str(&format!("{h:016x}"));
    }
    out.truncate(40);
    out
}

/// Logs set by a test or the demo, by job id; `Bytes` so that serving a 100 MB log does not
/// copy it.
pub(crate) type LogOverrides = std::collections::HashMap<u64, axum::body::Bytes>;

/// A big job log in GitHub's format, about 100 bytes a line (1,000,000 lines ≈ 100 MB): BOM,
/// timestamps an hour apart from first to last, a `##[group]` step header every 5,000 lines,
/// compiler and test output with SGR colours, an error every 10,007 lines and a warning every
/// 4,999, and a long line now and then. Deterministic.
pub fn huge_log(lines: usize) -> Vec<u8> {
    use std::io::Write;
    let start = chrono::DateTime::parse_from_rfc3339("2026-11-22T10:00:00Z")
        .map(|d| d.to_utc())
        .unwrap_or_default();
    let mut out = Vec::with_capacity(lines * 102 + 3);
    out.extend_from_slice("\u{feff}".as_bytes());
    let mut stamp_second = i64::MIN;
    let mut prefix = String::new();
    for i in 0..lines {
        // 3.6 ms a line: the stamp's seconds are formatted once per second.
        let micros = i as i64 * 3_600;
        let t = start + TimeDelta::microseconds(micros);
        if t.timestamp() != stamp_second {
            stamp_second = t.timestamp();
            prefix = stamp(t);
            prefix.truncate(20); // "2026-11-22T10:00:00."
        }
        let _ = write!(out, "{prefix}{:07}Z ", t.nanosecond() / 100);
        let n = i % 5_000;
        let crate_no = i / 5_000;
        let _ = match n {
            0 => write!(out, "##[group]Run cargo test --package rocket-{crate_no} --all-features --locked"),
            1 => write!(out, "\u{1b}[36;1mcargo test --package rocket-{crate_no} --all-features --locked\u{1b}[0m"),
            2 => write!(out, "shell: /usr/bin/bash -e {{0}}"),
            3 => write!(out, "  CARGO_TERM_COLOR: always"),
            4 => write!(out, "##[endgroup]"),
            _ if i % 10_007 == 5_003 => write!(
                out,
                "##[error]crates/rocket-{crate_no}/src/upload.rs:{}: assertion `left == right` failed (left: 3, right: 4)",
                i % 997
            ),
            _ if i % 4_999 == 17 => write!(
                out,
                "##[warning]crates/rocket-{crate_no}/src/lib.rs:{}: unused variable: `attempt_{i}`",
                i % 313
            ),
            _ if i % 97 == 0 => write!(
                out,
                "note: {} (seed {i:016x})",
                "the quick brown fox jumps over the lazy dog; ".repeat(5)
            ),
            _ if i % 7 == 0 => write!(
                out,
                "\u{1b}[1m\u{1b}[32m   Compiling\u{1b}[0m dep-{} v0.{}.{} (registry)",
                i % 211,
                i % 17,
                i % 9
            ),
            _ => write!(
                out,
                "test {}::tests::{}_{i} ... \u{1b}[32mok\u{1b}[0m",
                MODULES[i % MODULES.len()],
                NAMES[i % NAMES.len()]
            ),
        };
        out.push(b'\n');
    }
    out
}

/// A job log that tries to take over the terminal: OSC 52 clipboard writes, title changes,
/// cursor movement, device queries, OSC 8 hyperlinks, DCS/APC/PM/SOS strings, C1 controls
/// (UTF-8 and raw bytes), bidi overrides, raw control characters, mode switches, a carriage
/// return, unterminated sequences — mixed with SGR colours that must survive as colours.
pub fn hostile_log() -> Vec<u8> {
    const LINES: &[&[u8]] = &[
        b"##[group]Run ./evil.sh",
        b"./evil.sh",
        b"##[endgroup]",
        b"clipboard \x1b]52;c;ZWNobyBwd25lZA==\x07write",
        b"clipboard-st \x1b]52;p;ZWNobyBwd25lZA==\x1b\\write",
        b"title \x1b]0;pwned\x07\x1b]2;owned\x1b\\set",
        b"cursor \x1b[2J\x1b[H\x1b[10A\x1b[5;5H\x1b7\x1b8\x1bMmoved",
        b"queries \x1b[6n\x1b[c\x1b[>c\x1b[?u\x1b]11;?\x07\x1bP+q544e\x1b\\asked",
        b"link \x1b]8;;https://evil.example/\x1b\\click me\x1b]8;;\x1b\\ end",
        "c1 \u{9b}31mcsi \u{9d}0;c1 title\u{9c}osc \u{90}dcs\u{9c}nel\u{85} end".as_bytes(),
        b"raw c1 bytes \x9b31m \x9d0;x\x9c end",
        "bidi \u{202e}exe.txt\u{202c} \u{2066}isolate\u{2069} \u{200f}rlm end".as_bytes(),
        b"controls \x07bell \x08bs \x0bvt \x0cff \x00nul \x7fdel \x0e\x0fshift end",
        b"modes \x1b[?1049h\x1b[?1000h\x1b[?2004h\x1b[?25l\x1b=\x1b(0 modes end",
        b"reset \x1bc\x1b[!p end",
        b"strings \x1b_Gf=100;AAAA\x1b\\\x1b^privacy\x1b\\\x1bXsos\x1b\\end",
        b"iterm \x1b]1337;File=inline=1:AAAA\x07\x1b]4;1;rgb:ff/00/00\x07palette end",
        b"\x1b[31mred\x1b[0m \x1b[1;38;5;208morange\x1b[0m \x1b[38;2;10;200;30mtruecolor\x1b[0m kept",
        b"##[error]\x1b]52;c;cm0gLXJmIH4=\x07error with a clipboard write",
        b"progress 10%\r\x1b]0;x\x07progress 100%",
        b"unterminated \x1b]52;c;AAAAAAAA",
        b"after unterminated: visible",
        b"unterminated csi \x1b[12",
        b"unterminated dcs \x1bPq#0",
        b"done",
    ];
    let start = chrono::DateTime::parse_from_rfc3339("2026-11-22T10:00:00Z")
        .map(|d| d.to_utc())
        .unwrap_or_default();
    let mut out = "\u{feff}".as_bytes().to_vec();
    for (i, line) in LINES.iter().enumerate() {
        out.extend_from_slice(stamp(start + TimeDelta::milliseconds(i as i64 * 10)).as_bytes());
        out.push(b' ');
        out.extend_from_slice(line);
        out.push(b'\n');
    }
    out
}
