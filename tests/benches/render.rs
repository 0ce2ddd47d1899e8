//! Render and start-up benchmarks on criterion (a bench binary, not timed tests: a slow machine
//! must not fail the suite). Run: `cargo bench --bench render`; `-- --test` runs each once.
//!
//! What it shows: a panel's render cost does not grow with the number of items (100 vs
//! 10,000 issues, selection at the top vs the bottom, a `/` filter active), what a `/` filter
//! keystroke on 10,000 issues costs through `update`, and how long the demo takes from start
//! to its first frame.

use chrono::Utc;
use cockpit::app::keymap::Keymap;
use cockpit::app::state::{AppState, Context, Loaded, PanelId};
use cockpit::github::dashboard::Slug;
use cockpit::github::models::{Issue, WorkflowRun};
use cockpit::ui::{self, Theme};
use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, Criterion};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use serde_json::json;
use std::time::{Duration, Instant};

mod measure;

fn issues(n: usize) -> Vec<Issue> {
    let now = Utc::now();
    (0..n)
        .map(|i| {
            serde_json::from_value(json!({
                "number": i + 1,
                "title": format!("Issue number {i} with a reasonably long title to fill the column"),
                "labels": [{"name": "bug", "color": "d73a4a"}, {"name": "area/ui", "color": "0e8a16"}],
                "created_at": (now - chrono::Duration::minutes(i as i64)).to_rfc3339(),
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
                "created_at": (now - chrono::Duration::minutes(i as i64)).to_rfc3339(),
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

fn frames(group: &mut BenchmarkGroup<'_, WallTime>, label: &str, s: &AppState) -> f64 {
    let mut t = Terminal::new(TestBackend::new(160, 45)).expect("terminal");
    let km = Keymap::default();
    let theme = Theme::mono();
    measure::median_us(group, label, || {
        t.draw(|f| ui::draw(f, s, &km, &theme)).expect("draw");
    })
}

fn key(c: char) -> cockpit::app::Msg {
    use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
    let code = match c {
        '\u{8}' => KeyCode::Backspace,
        c => KeyCode::Char(c),
    };
    cockpit::app::Msg::Input(Event::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

/// `keys` typed into the issues panel (after `/`), the real path: `update`.
fn typed(s: &mut AppState, keys: &str) {
    let km = Keymap::default();
    for c in keys.chars() {
        cockpit::app::update(s, &km, key(c));
    }
}

/// A `/` filter's keystrokes on 10,000 issues, through `update`.
fn filter_keystrokes(c: &mut Criterion) -> (f64, f64) {
    let km = Keymap::default();
    let mut group = c.benchmark_group("/ filter on 10,000 issues, through update");
    let mut s = state(10_000, 0);
    typed(&mut s, "/bug");
    // `bug 5` refines `bug` (scans its 10,000 matches); the Backspace back to `bug` scans all
    // 10,000 rows again.
    let pair = measure::median_us(
        &mut group,
        "bug → bug 5 → bug: 4 keystrokes, 2 passes over 10,000 rows (per pass)",
        || {
            cockpit::app::update(&mut s, &km, key(' '));
            cockpit::app::update(&mut s, &km, key('5'));
            cockpit::app::update(&mut s, &km, key('\u{8}'));
            cockpit::app::update(&mut s, &km, key('\u{8}'));
        },
    ) / 2.0;
    // New data: the first keystroke after it also builds every row's text.
    let fresh = issues(10_000);
    let mut s = state(10_000, 0);
    typed(&mut s, "/");
    let first = measure::median_us_timed(
        &mut group,
        "the first keystroke on new data (builds 10,000 rows' text)",
        || {
            s.issues.data = Some(fresh.clone());
            let start = Instant::now();
            cockpit::app::update(&mut s, &km, key('5'));
            let took = start.elapsed();
            cockpit::app::update(&mut s, &km, key('\u{8}'));
            took
        },
    );
    group.finish();
    (pair, first)
}

/// A pull request's diff of `files` files of 20 changed lines each, laid out, the cursor on
/// its first row or its last.
fn diff_state(files: usize, at_end: bool) -> (AppState, Duration) {
    use cockpit::app::diffview::{DiffData, DiffLayout, DiffView};
    use cockpit::github::diff::PullFile;
    let patch: String = std::iter::once("@@ -1,10 +1,20 @@ fn main() {".to_string())
        .chain((0..10).map(|i| format!(" let context_{i} = {i};")))
        .chain((0..10).map(|i| format!("+let added_{i} = compute({i}, \"a longer line\");")))
        .collect::<Vec<_>>()
        .join("\n");
    let data = DiffData {
        head_sha: "0123456789abcdef0123456789abcdef01234567".into(),
        title: "A large change".into(),
        files: (0..files)
            .map(|i| PullFile {
                filename: format!("src/module_{i}/file.rs").into(),
                status: "modified".into(),
                additions: 10,
                deletions: 0,
                patch: Some(patch.clone()),
                previous_filename: None,
            })
            .collect(),
        threads: Vec::new(),
        threads_error: None,
    };
    let start = Instant::now();
    let layout = DiffLayout::build(&data);
    let took = start.elapsed();
    let mut s = state(100, 0);
    let mut cursor = cockpit::app::state::Cursor::default();
    if at_end {
        cursor.selected = layout.rows.len() - 1;
    }
    s.focus = PanelId::Pulls;
    s.detail = Some(cockpit::app::state::Detail::Diff(Box::new(DiffView {
        repo: Slug::parse("acme/rocket").expect("slug"),
        number: 43,
        data: Loaded {
            data: Some(layout),
            ..Loaded::default()
        },
        cursor,
        from_detail: false,
    })));
    (s, took)
}

/// Demo start-up to its first frame; the demo is dropped outside the timed part.
fn start_to_first_frame(rt: &tokio::runtime::Runtime) -> Duration {
    let start = Instant::now();
    rt.block_on(async {
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
            watch: Vec::new(),
        })
        .expect("launch");
        let mut t = Terminal::new(TestBackend::new(160, 45)).expect("terminal");
        t.draw(|f| ui::draw(f, &launched.state, &Keymap::default(), &Theme::mono()))
            .expect("draw");
        let at = start.elapsed();
        drop(demo);
        at
    })
}

fn main() {
    let mut c = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args();

    let mut group = c.benchmark_group("render 160x45 dashboard, all five panels drawn");
    let small = frames(
        &mut group,
        "100 issues + 100 runs, selection at top",
        &state(100, 0),
    );
    let big_top = frames(
        &mut group,
        "10,000 issues + 10,000 runs, selection at top",
        &state(10_000, 0),
    );
    let big_end = frames(
        &mut group,
        "10,000 issues + 10,000 runs, selection at the end",
        &state(10_000, 9_999),
    );
    let mut filtered = state(10_000, 0);
    typed(&mut filtered, "/issue 5");
    let label = format!(
        "10,000 issues filtered by `/issue 5` ({} shown, matches marked) + 10,000 runs",
        filtered.panel_len(PanelId::Issues)
    );
    let big_filtered = frames(&mut group, &label, &filtered);
    group.finish();
    let ratio = big_end.max(big_top).max(big_filtered) / small;
    println!("size/position independence: 10k vs 100 ratio = {ratio:.2} (1.0 = independent)");
    let mut group = c.benchmark_group("render 160x45 pull request diff");
    let (small_diff, _) = diff_state(10, false);
    let small = frames(&mut group, "10 files (220 rows)", &small_diff);
    let (big_diff, layout) = diff_state(5_000, true);
    let big = frames(
        &mut group,
        "5,000 files (110,000 rows), cursor on the last",
        &big_diff,
    );
    group.finish();
    println!(
        "diff: 5,000 vs 10 files frame ratio = {:.2} (1.0 = independent); laying out 110,000 rows \
         once on arrival: {:.1} ms",
        big / small,
        layout.as_secs_f64() * 1000.0
    );
    let (keystroke, first) = filter_keystrokes(&mut c);
    println!(
        "/ filter on 10,000 issues: {:.2} ms a keystroke, {:.2} ms the first one on new data \
         (budget 16 ms)",
        keystroke / 1000.0,
        first / 1000.0
    );

    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let mut group = c.benchmark_group("demo start");
    // Each start spins up fakehub and a throwaway repository: few, equal-sized samples.
    measure::timed_by_routine(
        &mut group,
        "start to first frame (fakehub + throwaway repo + first draw)",
        Duration::from_secs(5),
        || start_to_first_frame(&rt),
    );
    group.finish();

    c.final_summary();
}
