//! What watching a run costs in rate limit. Runs the real dashboard (all five panels polling,
//! plus a run's jobs open) against fakehub for one simulated hour, with every poll interval
//! and the simulation clock sped up by the same factor, and counts the requests GitHub would
//! charge (304s to conditional requests are free). `gh run watch` spends ~2 requests every
//! 3 s: about 2,400 an hour. Then the same hour with ten watched repositories, each with a
//! deploy waiting for approval, shown in Watched scope (`W`) with the approval queue polled.
//! Run: `cargo bench --bench watch`.

#[path = "../common/mod.rs"]
mod common;

use cockpit::app::pollers::Intervals;
use cockpit::fakehub::Scenario;
use common::Harness;
use ratatui::crossterm::event::KeyCode;
use serde_json::{json, Value};
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
        notifications: s(iv.notifications),
    }
}

/// Runs the dashboard for `simulated` time: the clock moves SPEED times faster than the
/// pollers' real time, which are SPEED times shorter than their real intervals.
async fn simulate(h: &Harness, simulated: Duration) {
    let step = Duration::from_millis(10);
    let mut done = Duration::ZERO;
    while done < simulated {
        tokio::time::sleep(step).await;
        h.clock.advance(step * SPEED);
        done += step * SPEED;
    }
}

/// One simulated hour: the requests fakehub saw in it, and the real time it took.
async fn one_hour(h: &Harness) -> (Vec<cockpit::fakehub::RequestRecord>, Duration) {
    let start = h.hub().requests().len();
    let t0 = Instant::now();
    simulate(h, Duration::from_secs(3600)).await;
    let reqs = h.hub().requests().into_iter().skip(start).collect();
    (reqs, t0.elapsed())
}

fn report(what: &str, reqs: &[cockpit::fakehub::RequestRecord], real: Duration, target: &str) {
    let counted = reqs.iter().filter(|r| r.counted).count();
    let free = reqs.iter().filter(|r| r.status == 304).count();
    println!(
        "one simulated hour {what} ({:.1} s real):",
        real.as_secs_f64()
    );
    println!("  requests sent:                 {}", reqs.len());
    println!("  answered 304 (free):           {free}");
    println!("  charged to the rate limit:     {counted}   ({target})");
    // Search has its own budget (30 a minute): its share is shown apart.
    let search = reqs
        .iter()
        .filter(|r| r.counted && r.path_and_query.starts_with("/search/"))
        .count();
    println!("    of which searches:           {search}   (their own budget, 30 a minute)");
    if std::env::var_os("WATCH_BENCH_LIST").is_some() {
        for r in reqs.iter().filter(|r| r.counted) {
            println!("  counted: {} {} {}", r.status, r.method, r.path_and_query);
        }
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
        let (reqs, real) = one_hour(&h).await;
        report(
            "watching run #424 with the whole dashboard open",
            &reqs,
            real,
            "target < 200; gh run watch ≈ 2,400",
        );
        h.quit().await;
        ten_watched_repositories_idle_for_an_hour().await;
    });
}

/// The demo world with nine more copies of its second repository: ten watched repositories.
fn ten_repositories() -> (Scenario, Vec<String>) {
    let mut spec: Value =
        serde_json::from_str(include_str!("../../assets/demo/scenario.json")).expect("demo json");
    let repos = spec["repos"].as_array_mut().expect("repos");
    let second = repos[1].clone();
    let mut names = vec![second["full_name"].as_str().expect("name").to_string()];
    for k in 1..=9u64 {
        let mut r = second.clone();
        let name = format!("acme/watched-{k}");
        r["full_name"] = json!(name);
        r["id"] = json!(700_000_100 + k);
        let bump = |v: &mut Value, by: u64| {
            let id = v["id"].as_u64().expect("id");
            v["id"] = json!(id + by);
        };
        for w in r["workflows"].as_array_mut().expect("workflows") {
            bump(w, 100 * k);
        }
        for run in r["runs"].as_array_mut().expect("runs") {
            bump(run, 1_000 * k);
        }
        for e in r["environments"].as_array_mut().expect("environments") {
            bump(e, 100 * k);
        }
        names.push(name);
        repos.push(r);
    }
    let scenario = Scenario::from_json(&spec.to_string()).expect("valid scenario");
    (scenario, names)
}

async fn ten_watched_repositories_idle_for_an_hour() {
    let (scenario, names) = ten_repositories();
    let mut h = Harness::with(common::Setup {
        intervals: Some(scaled(&Intervals::default())),
        scenario: Some(scenario),
        watch: names
            .iter()
            .map(|n| cockpit::config::WatchEntry {
                repo: n.clone(),
                path: None,
            })
            .collect(),
        ..common::Setup::default()
    })
    .await;
    h.key('W');
    h.wait_until("every repository in the panels", |s| {
        s.contains("11 repositories")
    })
    .await;
    // The queue itself: the status bar's count yields to the demo's path at this width.
    h.key('Q');
    h.wait_for("Approval queue · 11 waiting for you in 11 repositories")
        .await;
    h.code(KeyCode::Esc);
    // Settle first: what is loaded now is what an idle hour would keep asking about.
    simulate(&h, Duration::from_secs(60)).await;
    let (reqs, real) = one_hour(&h).await;
    report(
        "idle with ten watched repositories in Watched scope",
        &reqs,
        real,
        "target ≤ 600",
    );
    let mut by_path: std::collections::BTreeMap<String, usize> = Default::default();
    for r in reqs.iter().filter(|r| r.counted) {
        *by_path.entry(r.path_and_query.clone()).or_default() += 1;
    }
    for (p, n) in by_path.iter().filter(|(_, n)| **n > 5) {
        println!("    {n:5}  {p}");
    }
    h.quit().await;
}
