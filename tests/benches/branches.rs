//! The Branches panel on repositories with many branches, against `git for-each-ref` computing
//! the same figures (upstream ahead/behind, and ahead/behind the default branch) on the same
//! repository. A bench, not a test: a slow machine must not fail the suite.
//! Run: `cargo bench --bench branches` (sizes as arguments: `-- 250 1000`).
//!
//! For each size: `git for-each-ref` (best of 5), cockpit's branch listing as the panel calls it
//! (`git::snapshot_with`, best of 5), and the real binary in a pseudo-terminal from start until
//! the Branches panel shows its count. Goal: the listing within 2x `git for-each-ref`.

#[path = "../branch_repo/mod.rs"]
mod branch_repo;
#[path = "../pty/mod.rs"]
mod pty;

use pty::{Pty, Spawn};
use std::path::Path;
use std::time::{Duration, Instant};

const RUNS: usize = 5;

fn best_of<T>(runs: usize, mut f: impl FnMut() -> T) -> Duration {
    (0..runs)
        .map(|_| {
            let t0 = Instant::now();
            std::hint::black_box(f());
            t0.elapsed()
        })
        .min()
        .unwrap_or_default()
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// From starting the binary until the Branches panel's title shows `branches` rows.
fn panel_in_a_terminal(dir: &Path, branches: usize) -> Duration {
    let config = dir.join(".git/cockpit-bench.toml");
    std::fs::write(&config, "[poll]\nclock_secs = 3600\n").expect("config");
    // The title reads "3 Branches · clean (N)".
    let count = format!("({branches})");
    let t0 = Instant::now();
    let pty = Pty::start(Spawn {
        // Nothing but git: the remote is not on GitHub and the API address is a closed port.
        args: vec![
            "--config",
            config.to_str().expect("utf-8"),
            "--api-url",
            "http://127.0.0.1:1",
        ],
        cols: 160,
        rows: 45,
        cwd: Some(dir),
        env: Vec::new(),
    });
    if pty
        .until(Duration::from_secs(120), |s| {
            s.lines()
                .any(|l| l.contains("Branches") && l.contains(&count))
        })
        .is_none()
    {
        panic!(
            "the Branches panel did not show {count:?}; screen:\n{}",
            pty.contents()
        );
    }
    t0.elapsed()
}

fn main() {
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let sizes = if sizes.is_empty() {
        vec![250, 1_000, 5_000]
    } else {
        sizes
    };
    println!(
        "{:>8} {:>18} {:>18} {:>7} {:>20}",
        "branches", "git for-each-ref", "cockpit listing", "ratio", "panel in a terminal"
    );
    for n in sizes {
        let dir = tempfile::tempdir().expect("tempdir");
        branch_repo::build(dir.path(), n);
        let git = best_of(RUNS, || branch_repo::for_each_ref(dir.path()));
        let listing = best_of(RUNS, || {
            cockpit::git::snapshot_with(dir.path(), None, Some(90)).expect("snapshot")
        });
        // main plus the topic branches.
        let panel = panel_in_a_terminal(dir.path(), n + 1);
        println!(
            "{:>8} {:>15.1} ms {:>15.1} ms {:>6.2}x {:>17.1} ms",
            n,
            ms(git),
            ms(listing),
            listing.as_secs_f64() / git.as_secs_f64(),
            ms(panel)
        );
    }
}
