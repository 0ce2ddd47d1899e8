//! Render and start-up benchmarks (a bench binary, not timed tests: a slow machine must not
//! fail the suite). Run: `cargo bench --bench render`.
//!
//! What it shows: a panel's render cost does not grow with the number of items (100 vs
//! 10,000 issues, selection at the top vs the bottom), and how long the demo takes from start
//! to its first frame.

use chrono::{Duration, Utc};
use cockpit::app::keymap::Keymap;
use cockpit::app::state::{AppState, Context, Loaded, PanelId};
use cockpit::github::dashboard::Slug;
use cockpit::github::models::{Issue, WorkflowRun};
use cockpit::ui::{self, Theme};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use serde_json::json;
use std::time::Instant;

fn issues(n: usize) -> Vec<Issue> {
    let now = Utc::now();
    (0..n)
        .map(|i| {
            serde_json::from_value(json!({
                "number": i + 1,
                "title": format!("Issue number {i} with a reasonably long title to fill the column"),
                "labels": [{"name": "bug", "color": "d73a4a"}, {"name": "area/ui", "color": "0e8a16"}],
                "created_at": (now - Duration::minutes(i as i64)).to_rfc3339(),
            }))
            .expect("issue")
        })
        .collect()
}

fn runs(n: usize) -> Vec<WorkflowRun> {
    let now = Utc::now();
    (0..n)
        .map(|i| {
            serde_json::from_value(json!({
                "id": i + 1, "name": "CI", "display_title": format!("Run {i}"), "head_sha": "0123456789abcdef",
                "event": "push", "status": "completed", "conclusion": "success", "run_number": i,
                "created_at": (now - Duration::minutes(i as i64)).to_rfc3339(),
            }))
            .expect("run")
        })
        .collect()
}

fn state(n: usize, selected: usize) -> AppState {
    let ctx = Context {
        repo: Slug::parse("acme/rocket"),
        has_token: true,
        ..Context::default()
    };
    let mut s = AppState::new(ctx, Utc::now(), (160, 45));
    s.login = Some("octodemo".into());
    s.issues = Loaded {
        data: Some(issues(n)),
        updated: Some(Utc::now()),
        ..Loaded::default()
    };
    s.runs = Loaded {
        data: Some(runs(n)),
        updated: Some(Utc::now()),
        ..Loaded::default()
    };
    s.focus = PanelId::Issues;
    s.cursor_mut(PanelId::Issues).selected = selected.min(n.saturating_sub(1));
    s
}

fn time_frames(label: &str, s: &AppState, frames: u32) -> f64 {
    let mut t = Terminal::new(TestBackend::new(160, 45)).expect("terminal");
    let km = Keymap::default();
    let theme = Theme::mono();
    // Warm up (first frame fills both buffers).
    for _ in 0..10 {
        t.draw(|f| ui::draw(f, s, &km, &theme)).expect("draw");
    }
    let start = Instant::now();
    for _ in 0..frames {
        t.draw(|f| ui::draw(f, s, &km, &theme)).expect("draw");
    }
    let per = start.elapsed().as_secs_f64() * 1e6 / f64::from(frames);
    println!("{label:<58} {per:>9.1} µs/frame");
    per
}

fn main() {
    println!("cockpit render benchmark (whole 160x45 dashboard, all five panels drawn)");
    let small = time_frames(
        "100 issues + 100 runs, selection at top",
        &state(100, 0),
        500,
    );
    let big_top = time_frames(
        "10,000 issues + 10,000 runs, selection at top",
        &state(10_000, 0),
        500,
    );
    let big_end = time_frames(
        "10,000 issues + 10,000 runs, selection at the end",
        &state(10_000, 9_999),
        500,
    );
    let ratio = big_end.max(big_top) / small;
    println!("size/position independence: 10k vs 100 ratio = {ratio:.2} (1.0 = independent)");

    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let mut firsts = Vec::new();
    for _ in 0..5 {
        let start = Instant::now();
        let first = rt.block_on(async {
            let demo = cockpit::demo::Demo::start().await.expect("demo");
            let launched = cockpit::launch::build(cockpit::launch::LaunchSpec {
                target: cockpit::launch::ApiTarget::from_api_url(&demo.hub.base_url()),
                repo: cockpit::launch::RepoChoice {
                    slug: Slug::parse(cockpit::demo::Demo::repo_name()),
                    problem: None,
                    workdir: Some(demo.repo.workdir.clone()),
                    head_branch: None,
                },
                token: cockpit::github::Token::new(cockpit::demo::Demo::token()).map(|t| (t, None)),
                readonly: false,
                demo: true,
                intervals: Default::default(),
                size: (160, 45),
                deploy_targets: Default::default(),
                drafts_dir: Some(demo.repo.dir.path().join("drafts")),
                stale_days: 30,
            })
            .expect("launch");
            let mut t = Terminal::new(TestBackend::new(160, 45)).expect("terminal");
            t.draw(|f| ui::draw(f, &launched.state, &Keymap::default(), &Theme::mono()))
                .expect("draw");
            let at = start.elapsed();
            drop(demo);
            at
        });
        firsts.push(first.as_secs_f64() * 1000.0);
    }
    firsts.sort_by(f64::total_cmp);
    println!("demo start → first frame (fakehub + throwaway repo + first draw): median {:.1} ms, worst {:.1} ms", firsts[2], firsts[4]);
}
