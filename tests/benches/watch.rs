//! What watching a run costs in rate limit. Runs the real dashboard (all five panels polling,
//! plus a run's jobs open) against fakehub for one simulated hour, with every poll interval
//! and the simulation clock sped up by the same factor, and counts the requests GitHub would
//! charge (304s to conditional requests are free). `gh run watch` spends ~2 requests every
//! 3 s: about 2,400 an hour. Run: `cargo bench --bench watch`.

#[path = "../common/mod.rs"]
mod common;

use cockpit::app::pollers::Intervals;
use common::Harness;
use ratatui::crossterm::event::KeyCode;
use std::time::{Duration, Instant};

/// Simulated seconds per real second.
const SPEED: u32 = 600;

fn scaled(iv: &Intervals) -> Intervals {
    let s = |d: Duration| d / SPEED;
    Intervals {
        branches: s(iv.branches),
        issues: s(iv.issues),
        pulls: s(iv.pulls),
        runs_idle: s(iv.runs_idle),
        runs_active: s(iv.runs_active),
        jobs_active: s(iv.jobs_active),
        environments_idle: s(iv.environments_idle),
        environments_active: s(iv.environments_active),
        issue_detail: s(iv.issue_detail),
    }
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let mut h = Harness::with(common::Setup {
            intervals: Some(scaled(&Intervals::default())),
            ..common::Setup::default()
        })
        .await;
        h.wait_until("CI loaded", |s| s.contains("#424")).await;
        h.key('4');
        h.code(KeyCode::Enter);
        h.wait_until("run open", |s| s.contains("CI #424")).await;
        let start = h.hub().requests().len();
        // One simulated hour: the clock moves SPEED times faster than the pollers' real time,
        // which are SPEED times shorter than their real intervals.
        let t0 = Instant::now();
        let mut simulated = Duration::ZERO;
        while simulated < Duration::from_secs(3600) {
            tokio::time::sleep(Duration::from_millis(10)).await;
            let step = Duration::from_millis(10) * SPEED;
            h.clock.advance(step);
            simulated += step;
        }
        let reqs: Vec<_> = h.hub().requests().into_iter().skip(start).collect();
        let counted = reqs.iter().filter(|r| r.counted).count();
        // Search has its own budget (30 a minute): its share is shown apart.
        let search = reqs
            .iter()
            .filter(|r| r.counted && r.path_and_query.starts_with("/search/"))
            .count();
        if std::env::var_os("WATCH_BENCH_LIST").is_some() {
            for r in reqs.iter().filter(|r| r.counted) {
                println!("  counted: {} {} {}", r.status, r.method, r.path_and_query);
            }
        }
        let free = reqs.iter().filter(|r| r.status == 304).count();
        println!(
            "one simulated hour watching run #424 with the whole dashboard open ({:.1} s real):",
            t0.elapsed().as_secs_f64()
        );
        println!("  requests sent:                 {}", reqs.len());
        println!("  answered 304 (free):           {free}");
        println!(
            "  charged to the rate limit:     {counted}   (target < 200; gh run watch ≈ 2,400)"
        );
        println!("    of which searches:           {search}   (their own budget, 30 a minute)");
        h.quit().await;
    });
}
