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
pub fn step_log(repo: &Repo, run: &Run, job: &Job, plan: &JobPlan, k: usize) -> String {
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
