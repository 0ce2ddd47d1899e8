//! Panel rendering on ratatui's TestBackend with fixed data and a fixed clock, compared with
//! insta snapshots (the clock is fixed, so ages need no masking).

mod common;

use chrono::{DateTime, Duration, Utc};
use cockpit::app::keymap::Keymap;
use cockpit::app::state::{AppState, Context, Detail, Loaded, PanelId};
use cockpit::git::{BranchInfo, BranchSnapshot, WorkTreeStatus};
use cockpit::github::dashboard::{
    ChecksRollup, DeploymentEntry, EnvRow, PullRole, PullRow, ReviewDecision, Slug,
};
use cockpit::github::models::*;
use cockpit::ui::{self, Theme};
use common::{screen_text, start_time};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use serde_json::json;

fn now() -> DateTime<Utc> {
    start_time()
}

fn ago(mins: i64) -> String {
    (now() - Duration::minutes(mins)).to_rfc3339()
}

fn issue(n: u64, title: &str, labels: &[(&str, &str)], mins: i64) -> Issue {
    serde_json::from_value(json!({
        "number": n, "title": title, "state": "open", "user": {"login": "alice"},
        "labels": labels.iter().map(|(n, c)| json!({"name": n, "color": c})).collect::<Vec<_>>(),
        "assignees": [{"login": "octodemo"}], "comments": 2, "created_at": ago(mins),
        "html_url": format!("https://github.com/acme/rocket/issues/{n}"), "body": "Body of the issue"
    }))
    .expect("issue json")
}

fn run(
    id: u64,
    name: &str,
    title: &str,
    status: &str,
    conclusion: Option<&str>,
    mins: i64,
) -> WorkflowRun {
    serde_json::from_value(json!({
        "id": id, "name": name, "display_title": title, "head_branch": "42-retry-flaky-uploads",
        "head_sha": "0123456789abcdef0123456789abcdef01234567", "event": "push", "status": status,
        "conclusion": conclusion, "run_number": id % 1000, "created_at": ago(mins),
        "run_started_at": ago(mins), "updated_at": ago(mins - 3), "html_url": format!("https://github.com/acme/rocket/actions/runs/{id}")
    }))
    .expect("run json")
}

fn pull(n: u64, title: &str, author: &str, draft: bool) -> PullRequest {
    serde_json::from_value(json!({
        "number": n, "title": title, "state": "open", "draft": draft, "user": {"login": author},
        "head": {"ref": "42-retry-flaky-uploads", "sha": "0123456789abcdef0123456789abcdef01234567"},
        "base": {"ref": "main", "sha": "fedcba9876543210fedcba9876543210fedcba98"},
        "requested_reviewers": [], "html_url": format!("https://github.com/acme/rocket/pull/{n}"),
        "created_at": ago(60 * 26), "body": "Retries uploads with backoff.\n\nCloses #42"
    }))
    .expect("pr json")
}

fn branch(
    name: &str,
    head: bool,
    upstream: Option<&str>,
    ahead: usize,
    behind: usize,
    mins: i64,
    merged: bool,
) -> BranchInfo {
    BranchInfo {
        name: name.into(),
        is_head: head,
        sha: "0123456789abcdef0123456789abcdef01234567".into(),
        upstream: upstream.map(Into::into),
        upstream_gone: false,
        ahead,
        behind,
        summary: format!("Work on {name}").into(),
        commit_time: now() - Duration::minutes(mins),
        author: "octodemo".into(),
        merged_into_default: merged,
        issue: None,
        stale: false,
    }
}

fn deployment(id: u64, env: &str, r: &str, state: &str, mins: i64) -> DeploymentEntry {
    let d: Deployment = serde_json::from_value(json!({
        "id": id, "sha": "abcdef0123456789abcdef0123456789abcdef01", "ref": r, "environment": env,
        "creator": {"login": "bob"}, "created_at": ago(mins), "description": "deploy"
    }))
    .expect("deployment json");
    let s: DeploymentStatus = serde_json::from_value(json!({
        "id": id * 10, "state": state, "created_at": ago(mins - 4)
    }))
    .expect("status json");
    DeploymentEntry {
        deployment: d,
        status: Some(s),
        status_unread: false,
    }
}

fn env(id: u64, name: &str) -> Environment {
    serde_json::from_value(json!({"id": id, "name": name, "protection_rules": []}))
        .expect("env json")
}

pub fn full_state(size: (u16, u16)) -> AppState {
    let ctx = Context {
        repo: Slug::parse("acme/rocket"),
        has_local_repo: true,
        has_token: true,
        api_host: "github.com".into(),
        web_base: "https://github.com".into(),
        ..Context::default()
    };
    let mut s = AppState::new(ctx, now(), size);
    s.login = Some("octodemo".into());
    let at = Some(now() - Duration::seconds(5));
    s.issues = Loaded {
        data: Some(vec![
            issue(
                42,
                "Uploads fail on flaky networks",
                &[("bug", "d73a4a"), ("p1", "b60205")],
                60 * 24 * 3,
            ),
            issue(
                37,
                "Dark mode for the TUI",
                &[("enhancement", "a2eeef")],
                60 * 24 * 12,
            ),
            issue(51, "Document the config file", &[], 90),
        ]),
        updated: at,
        ..Loaded::default()
    };
    s.branches = Loaded {
        data: Some(BranchSnapshot {
            branches: vec![
                branch(
                    "42-retry-flaky-uploads",
                    true,
                    Some("origin/42-retry-flaky-uploads"),
                    2,
                    0,
                    30,
                    false,
                ),
                branch("main", false, Some("origin/main"), 0, 0, 60 * 5, false),
                branch(
                    "37-dark-mode",
                    false,
                    Some("origin/37-dark-mode"),
                    0,
                    1,
                    60 * 24 * 2,
                    false,
                ),
                branch("spike-cache", false, None, 0, 0, 60 * 24 * 20, false),
                branch(
                    "release-1.4",
                    false,
                    Some("origin/release-1.4"),
                    0,
                    0,
                    60 * 24 * 60,
                    true,
                ),
            ],
            status: WorkTreeStatus {
                modified: 1,
                staged: 0,
                untracked: 0,
                conflicted: 0,
            },
            default_branch: Some("main".into()),
            detached_at: None,
            operation: None,
        }),
        updated: at,
        ..Loaded::default()
    };
    s.pulls = Loaded {
        data: Some(vec![
            PullRow {
                repo: Slug::parse("acme/rocket").expect("slug"),
                pr: pull(43, "Retry flaky uploads with backoff", "octodemo", false),
                role: PullRole::Mine,
                checks: Some(ChecksRollup {
                    passed: 2,
                    failed: 0,
                    pending: 1,
                    skipped: 0,
                }),
                decision: ReviewDecision::ChangesRequested,
                comments: 4,
                gaps: Default::default(),
            },
            PullRow {
                repo: Slug::parse("acme/rocket").expect("slug"),
                pr: pull(38, "Dark mode", "octodemo", true),
                role: PullRole::Mine,
                checks: Some(ChecksRollup {
                    passed: 1,
                    failed: 1,
                    pending: 0,
                    skipped: 0,
                }),
                decision: ReviewDecision::None,
                comments: 0,
                gaps: Default::default(),
            },
            PullRow {
                repo: Slug::parse("acme/rocket").expect("slug"),
                pr: pull(45, "Faster builds with sccache", "alice", false),
                role: PullRole::ReviewRequested,
                checks: Some(ChecksRollup {
                    passed: 3,
                    failed: 0,
                    pending: 0,
                    skipped: 0,
                }),
                decision: ReviewDecision::ReviewRequired,
                comments: 1,
                gaps: Default::default(),
            },
        ]),
        updated: at,
        ..Loaded::default()
    };
    s.ci_branch = Some("42-retry-flaky-uploads".into());
    s.runs = Loaded {
        data: Some(vec![
            run(9003, "CI", "Retry flaky uploads", "in_progress", None, 2),
            run(
                9002,
                "CI",
                "Address review",
                "completed",
                Some("failure"),
                60,
            ),
            run(
                9001,
                "CI",
                "First draft",
                "completed",
                Some("success"),
                60 * 24,
            ),
        ]),
        updated: at,
        ..Loaded::default()
    };
    let pending: PendingDeployment = serde_json::from_value(json!({
        "environment": {"id": 2, "name": "production"}, "wait_timer": 0, "current_user_can_approve": true,
        "reviewers": [{"type": "User", "reviewer": {"login": "octodemo"}}]
    }))
    .expect("pending json");
    s.envs = Loaded {
        data: Some(vec![
            EnvRow {
                repo: Slug::parse("acme/rocket").expect("slug"),
                env: env(1, "staging"),
                history: vec![
                    deployment(12, "staging", "main", "in_progress", 3),
                    deployment(11, "staging", "main", "success", 60 * 5),
                ],
                waiting: vec![],
                gaps: Default::default(),
            },
            EnvRow {
                repo: Slug::parse("acme/rocket").expect("slug"),
                env: env(2, "production"),
                history: vec![deployment(
                    21,
                    "production",
                    "v1.4.2",
                    "success",
                    60 * 24 * 2,
                )],
                waiting: vec![(
                    run(7001, "Deploy", "Deploy v1.5.0", "waiting", None, 10),
                    pending,
                )],
                gaps: Default::default(),
            },
        ]),
        updated: at,
        ..Loaded::default()
    };
    s
}

fn draw(state: &AppState) -> String {
    let (w, h) = state.size;
    let mut t = Terminal::new(TestBackend::new(w, h)).expect("terminal");
    let frame = t
        .draw(|f| ui::draw(f, state, &Keymap::default(), &Theme::mono()))
        .expect("draw");
    screen_text(frame.buffer)
}

#[test]
fn dashboard_160x45() {
    let s = full_state((160, 45));
    insta::assert_snapshot!(draw(&s));
}

#[test]
fn dashboard_100x30() {
    let s = full_state((100, 30));
    let text = draw(&s);
    for needle in [
        "1 Issues",
        "2 Branches",
        "3 Pull requests",
        "4 CI",
        "5 Deploys",
        "#42",
        "production",
    ] {
        assert!(text.contains(needle), "{needle} missing at 100x30:\n{text}");
    }
    insta::assert_snapshot!(text);
}

#[test]
fn small_terminal_shows_focused_panel_with_tabs() {
    let mut s = full_state((80, 24));
    s.focus = PanelId::Ci;
    insta::assert_snapshot!(draw(&s));
}

#[test]
fn tiny_terminal_says_so() {
    let s = full_state((20, 5));
    let text = draw(&s);
    assert!(text.contains("needs at"), "{text}");
}

#[test]
fn help_overlay_lists_keys() {
    let mut s = full_state((160, 45));
    s.help = true;
    let text = draw(&s);
    for needle in [
        "cockpit keys",
        "quit",
        "zoom",
        "open the selection in the browser",
        "Tab",
    ] {
        assert!(text.contains(needle), "{needle} missing:\n{text}");
    }
    // Further down the list: found by the help's filter.
    s.help_view.filter = "suspend".into();
    let text = draw(&s);
    for needle in ["Ctrl-Z", "suspend to the shell"] {
        assert!(text.contains(needle), "{needle} missing:\n{text}");
    }
}

#[test]
fn stale_panel_keeps_rows_and_says_why() {
    let mut s = full_state((160, 45));
    s.issues.error = Some("GitHub had a server error (502); will retry".into());
    s.last_error = Some((
        now(),
        "issues: GitHub had a server error (502); will retry".into(),
    ));
    let text = draw(&s);
    assert!(text.contains("stale"), "{text}");
    assert!(
        text.contains("Uploads fail on flaky networks"),
        "rows kept:\n{text}"
    );
    assert!(text.contains("server error (502)"), "{text}");
}

#[test]
fn hostile_text_never_reaches_the_terminal_raw() {
    let mut s = full_state((160, 45));
    let evil = "Pwn\u{1b}]52;c;ZXZpbA==\u{7}ed\u{1b}[2J\u{1b}]0;title\u{7} \u{9b}6n\u{202e}txt";
    if let Some(issues) = s.issues.data.as_mut() {
        issues[0].title = evil.into();
        issues[0].labels[0].name = "\u{1b}[31mred".into();
    }
    let (w, h) = s.size;
    let mut t = Terminal::new(TestBackend::new(w, h)).expect("terminal");
    let frame = t
        .draw(|f| ui::draw(f, &s, &Keymap::default(), &Theme::mono()))
        .expect("draw");
    for cell in frame.buffer.content() {
        assert!(
            !cell
                .symbol()
                .chars()
                .any(|c| c.is_control() || c == '\u{202e}'),
            "control char in cell {:?}",
            cell.symbol()
        );
    }
    let text = screen_text(frame.buffer);
    assert!(text.contains("Pwned"), "{text}");
}

/// The screen a terminal shows for `state`: ratatui's crossterm backend writes the frame's
/// bytes, vt100 (which advances the cursor character by character, as terminals do) reads them.
fn terminal_screen(state: &AppState) -> (Vec<u8>, vt100::Parser) {
    use ratatui::backend::CrosstermBackend;
    use ratatui::layout::Rect;
    use ratatui::{TerminalOptions, Viewport};
    #[derive(Clone, Default)]
    struct Sink(std::rc::Rc<std::cell::RefCell<Vec<u8>>>);
    impl std::io::Write for Sink {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0.borrow_mut().extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let sink = Sink::default();
    let (w, h) = state.size;
    let mut t = Terminal::with_options(
        CrosstermBackend::new(sink.clone()),
        TerminalOptions {
            viewport: Viewport::Fixed(Rect::new(0, 0, w, h)),
        },
    )
    .expect("terminal");
    t.draw(|f| ui::draw(f, state, &Keymap::default(), &Theme::mono()))
        .expect("draw");
    let bytes = sink.0.borrow().clone();
    let mut parser = vt100::Parser::new(h, w, 0);
    parser.process(&bytes);
    (bytes, parser)
}

/// Columns of each row that hold a box-drawing border.
fn border_columns(parser: &vt100::Parser) -> Vec<Vec<u16>> {
    let screen = parser.screen();
    let (rows, cols) = screen.size();
    (0..rows)
        .map(|r| {
            (0..cols)
                .filter(|&c| {
                    screen.cell(r, c).is_some_and(|cell| {
                        let s = cell.contents();
                        !s.is_empty() && "│╭╮╰╯".contains(s)
                    })
                })
                .collect()
        })
        .collect()
}

#[test]
fn invisible_and_format_characters_keep_borders_aligned() {
    let invisible = "Fix\u{200b} up\u{200d}load\u{2060}s \u{feff}on\u{ad} flaky\u{2028}net\u{2029}works \u{202e}\u{2066}ok\u{2069} \u{e0041}\u{fe0f}\u{3164}";
    let narrowed = " \u{644}\u{627} \u{1f44d}\u{1f3fd} \u{1780}\u{17d2}\u{1780}";
    let mut plain = full_state((160, 45));
    let mut hostile = full_state((160, 45));
    if let Some(issues) = hostile.issues.data.as_mut() {
        issues[0].title = format!("{invisible}{narrowed}").into();
        issues[1].labels[0].name = "enh\u{200d}ance\u{2028}ment".into();
    }
    if let Some(issues) = plain.issues.data.as_mut() {
        issues[0].title = format!("Fix uploads on flaky net works ok {narrowed}").into();
    }
    let bad =
        regex::Regex::new(r"[\p{Cf}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}\p{Bidi_Control}]")
            .expect("regex");
    // What ratatui puts in its cells is what reaches the terminal.
    let (w, h) = hostile.size;
    let mut t = Terminal::new(TestBackend::new(w, h)).expect("terminal");
    let frame = t
        .draw(|f| ui::draw(f, &hostile, &Keymap::default(), &Theme::mono()))
        .expect("draw");
    for cell in frame.buffer.content() {
        assert!(
            !bad.is_match(cell.symbol()),
            "an invisible character is drawn: {:?}",
            cell.symbol()
        );
    }
    let text = screen_text(frame.buffer);
    assert!(text.contains("Fix uploads on flaky net works"), "{text}");
    let (bytes, screen) = terminal_screen(&hostile);
    let written = String::from_utf8_lossy(&bytes);
    assert!(
        !bad.is_match(&written),
        "the terminal is sent {:?}",
        bad.find(&written).map(|m| m.as_str())
    );
    let (_, clean) = terminal_screen(&plain);
    assert_eq!(
        border_columns(&screen),
        border_columns(&clean),
        "borders moved:\n{}",
        screen.screen().contents()
    );
}

#[test]
fn run_detail_shows_jobs_and_steps() {
    let mut s = full_state((120, 30));
    s.focus = PanelId::Ci;
    let job: Job = serde_json::from_value(json!({
        "id": 1, "run_id": 9003, "name": "test (ubuntu)", "status": "in_progress", "started_at": ago(2),
        "steps": [
            {"name": "Checkout", "status": "completed", "conclusion": "success", "number": 1, "started_at": ago(2), "completed_at": ago(1)},
            {"name": "cargo test", "status": "in_progress", "number": 2, "started_at": ago(1)},
            {"name": "Upload", "status": "queued", "number": 3}
        ]
    }))
    .expect("job json");
    s.detail = Some(Detail::Run {
        repo: Slug::parse("acme/rocket").expect("slug"),
        run_id: 9003,
        data: Loaded {
            data: Some((
                run(9003, "CI", "Retry flaky uploads", "in_progress", None, 2),
                vec![job],
            )),
            ..Loaded::default()
        },
        cursor: Default::default(),
        annotations: Vec::new(),
    });
    insta::assert_snapshot!(draw(&s));
}

#[test]
fn environment_detail_shows_history_and_waiting_run() {
    let mut s = full_state((120, 30));
    s.focus = PanelId::Deploys;
    s.detail = Some(Detail::Environment {
        repo: Slug::parse("acme/rocket").expect("slug"),
        insights: Default::default(),
        name: "production".into(),
        cursor: Default::default(),
    });
    let text = draw(&s);
    assert!(text.contains("waits for approval"), "{text}");
    assert!(text.contains("v1.4.2"), "{text}");
}

fn draw_buffer(state: &AppState) -> ratatui::buffer::Buffer {
    let (w, h) = state.size;
    let mut t = Terminal::new(TestBackend::new(w, h)).expect("terminal");
    let frame = t
        .draw(|f| ui::draw(f, state, &Keymap::default(), &Theme::mono()))
        .expect("draw");
    frame.buffer.clone()
}

fn press(state: &mut AppState, code: ratatui::crossterm::event::KeyCode) {
    use ratatui::crossterm::event::{Event, KeyEvent, KeyModifiers};
    let ev = KeyEvent::new(code, KeyModifiers::NONE);
    let _ = cockpit::app::update(
        state,
        &Keymap::default(),
        cockpit::app::Msg::Input(Event::Key(ev)),
    );
}

/// `/`, then `query` typed key by key.
fn slash(state: &mut AppState, query: &str) {
    use ratatui::crossterm::event::KeyCode;
    press(state, KeyCode::Char('/'));
    for c in query.chars() {
        press(state, KeyCode::Char(c));
    }
}

/// The text inside the help box, one string per row and column of entries, and its footer.
fn help_box(buf: &ratatui::buffer::Buffer) -> (Vec<Vec<String>>, String) {
    let row_text = |y: u16, from: u16, to: u16| -> String {
        (from..to).map(|x| buf[(x, y)].symbol()).collect::<String>()
    };
    let area = buf.area;
    let top = (0..area.height)
        .find(|y| row_text(*y, 0, area.width).contains("cockpit keys"))
        .expect("help box on screen");
    let title = (0..area.width)
        .find(|x| row_text(top, *x, area.width).starts_with(" cockpit keys"))
        .expect("title");
    let left = (0..title)
        .rev()
        .find(|x| buf[(*x, top)].symbol() == "╭")
        .expect("corner");
    let right = (left + 1..area.width)
        .find(|x| buf[(*x, top)].symbol() == "╮")
        .expect("corner");
    let bottom = (top..area.height)
        .find(|y| buf[(left, *y)].symbol() == "╰")
        .expect("bottom");
    let inner = right - left - 1;
    // Two columns of 76 with one cell between them, or one.
    let cols: Vec<(u16, u16)> = if inner == 76 * 2 + 1 {
        vec![(left + 1, left + 77), (left + 78, right)]
    } else {
        vec![(left + 1, right)]
    };
    let columns = cols
        .iter()
        .map(|(a, b)| (top + 1..bottom).map(|y| row_text(y, *a, *b)).collect())
        .collect();
    (columns, row_text(bottom, left, right + 1))
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Everything the help shows, read the way a user does: scrolling one line at a time to the end.
fn read_whole_help(s: &mut AppState) -> String {
    use ratatui::crossterm::event::KeyCode;
    let (columns, _) = help_box(&draw_buffer(s));
    let mut rows: Vec<String> = columns.into_iter().flatten().collect();
    for _ in 0..400 {
        let before = help_box(&draw_buffer(s)).0;
        press(s, KeyCode::Char('j'));
        let (after, _) = help_box(&draw_buffer(s));
        if after == before {
            break;
        }
        if let Some(last) = after.last().and_then(|c| c.last()) {
            rows.push(last.clone());
        }
    }
    collapse(&rows.join(" "))
}

#[test]
fn help_shows_every_binding_whole_at_any_size() {
    for size in [(80, 24), (160, 45), (100, 30), (40, 12), (60, 40)] {
        let mut s = full_state(size);
        s.help = true;
        let text = read_whole_help(&mut s);
        for (keys, what) in Keymap::default().help_lines() {
            assert!(
                text.contains(&collapse(&format!("{keys} {what}"))),
                "{keys} {what:?} missing or cut at {size:?}:\n{text}"
            );
        }
        assert!(
            text.contains("⇄ Pull requests: asks for your review"),
            "{text}"
        );
    }
}

#[test]
fn help_scrolls_by_page_and_says_where_it_is() {
    use ratatui::crossterm::event::KeyCode;
    let mut s = full_state((80, 24));
    s.help = true;
    let (first, footer) = help_box(&draw_buffer(&s));
    assert!(
        footer.contains(" 1–") && footer.contains(" of "),
        "{footer}"
    );
    press(&mut s, KeyCode::PageDown);
    let (second, footer) = help_box(&draw_buffer(&s));
    assert_ne!(first, second);
    assert!(!footer.contains(" 1–"), "{footer}");
    press(&mut s, KeyCode::PageUp);
    assert_eq!(help_box(&draw_buffer(&s)).0, first);
    press(&mut s, KeyCode::Esc);
    assert!(!s.help, "Esc closes the help");
}

#[test]
fn help_filters_with_slash() {
    use ratatui::crossterm::event::KeyCode;
    let mut s = full_state((80, 24));
    s.help = true;
    slash(&mut s, "roll");
    let (rows, footer) = help_box(&draw_buffer(&s));
    let text = collapse(&rows.concat().join(" "));
    assert!(footer.contains("/roll"), "{footer}");
    assert!(
        text.contains("roll back to the previous good deployment"),
        "{text}"
    );
    assert!(!text.contains("quit"), "{text}");
    press(&mut s, KeyCode::Enter);
    // The filter stays; keys scroll again, and Esc first clears the filter, then closes.
    press(&mut s, KeyCode::Char('q'));
    assert!(s.should_quit, "q still quits from the help");
    s.should_quit = false;
    press(&mut s, KeyCode::Esc);
    assert!(s.help && s.help_view.filter.is_empty());
    press(&mut s, KeyCode::Esc);
    assert!(!s.help);
}

/// The dashboard with a row in every state the panels draw: labels in colours GitHub users
/// pick (black and white among them), branches current / merged / gone / stale / local, pull
/// requests of every review decision and check outcome, runs of every status, environments
/// deploying, waiting for me and for others, failed, idle, and one running a deploy cockpit
/// follows.
fn every_state() -> AppState {
    let mut s = full_state((160, 45));
    if let Some(issues) = s.issues.data.as_mut() {
        issues.push(issue(
            60,
            "Labels in every colour",
            &[
                ("ink", "000000"),
                ("paper", "ffffff"),
                ("navy", "1d2d6b"),
                ("lime", "c2e0c6"),
            ],
            30,
        ));
    }
    if let Some(b) = s.branches.data.as_mut() {
        let mut gone = branch("gone-upstream", false, Some("origin/gone"), 0, 0, 60, false);
        gone.upstream_gone = true;
        let mut stale = branch(
            "old-work",
            false,
            Some("origin/old-work"),
            3,
            2,
            60 * 24 * 90,
            false,
        );
        stale.stale = true;
        stale.issue = Some(12);
        b.branches.extend([gone, stale]);
    }
    if let Some(p) = s.pulls.data.as_mut() {
        p.push(PullRow {
            repo: Slug::parse("acme/rocket").expect("slug"),
            pr: pull(47, "Approved and green", "octodemo", false),
            role: PullRole::Mine,
            checks: Some(ChecksRollup {
                passed: 3,
                failed: 0,
                pending: 0,
                skipped: 1,
            }),
            decision: ReviewDecision::Approved,
            comments: 12,
            gaps: Default::default(),
        });
        p.push(PullRow {
            repo: Slug::parse("acme/rocket").expect("slug"),
            pr: pull(48, "No checks at all", "alice", false),
            role: PullRole::ReviewRequested,
            checks: None,
            decision: ReviewDecision::None,
            comments: 0,
            gaps: Default::default(),
        });
    }
    if let Some(r) = s.runs.data.as_mut() {
        r.push(run(9004, "CI", "Queued", "queued", None, 1));
        r.push(run(
            9005,
            "CI",
            "Cancelled",
            "completed",
            Some("cancelled"),
            90,
        ));
        r.push(run(9006, "Deploy", "Waiting", "waiting", None, 5));
        r.push(run(
            9007,
            "CI",
            "Skipped",
            "completed",
            Some("skipped"),
            100,
        ));
    }
    let others: PendingDeployment = serde_json::from_value(json!({
        "environment": {"id": 3, "name": "eu"}, "wait_timer": 0, "current_user_can_approve": false,
        "reviewers": [{"type": "User", "reviewer": {"login": "alice"}}]
    }))
    .expect("pending json");
    if let Some(e) = s.envs.data.as_mut() {
        e.push(EnvRow {
            repo: Slug::parse("acme/rocket").expect("slug"),
            env: env(3, "eu"),
            history: vec![deployment(31, "eu", "main", "success", 60)],
            waiting: vec![(run(7002, "Deploy", "Deploy", "waiting", None, 3), others)],
            gaps: Default::default(),
        });
        e.push(EnvRow {
            repo: Slug::parse("acme/rocket").expect("slug"),
            env: env(4, "qa"),
            history: vec![deployment(41, "qa", "main", "failure", 60)],
            waiting: vec![],
            gaps: Default::default(),
        });
        e.push(EnvRow {
            repo: Slug::parse("acme/rocket").expect("slug"),
            env: env(5, "preview"),
            history: vec![],
            waiting: vec![],
            gaps: Default::default(),
        });
        e.push(EnvRow {
            repo: Slug::parse("acme/rocket").expect("slug"),
            env: env(6, "canary"),
            history: vec![deployment(61, "canary", "main", "success", 600)],
            waiting: vec![],
            gaps: Default::default(),
        });
    }
    s.followed.push(cockpit::app::state::Followed {
        repo: Slug::parse("acme/rocket").expect("slug"),
        run_id: 8001,
        what: "roll back canary".into(),
        environment: Some("canary".into()),
        target: Some("main@abcdef0".into()),
        run: Some(run(8001, "Deploy", "Deploy", "in_progress", None, 1)),
    });
    s
}

/// Every glyph drawn, in every row state, selected or not, focused or not, in every theme:
/// its colours differ and contrast enough (`ui::contrast`'s model of the terminal).
#[test]
fn every_row_state_reads_selected_or_not_in_every_theme() {
    use cockpit::config::{ThemeChoice, UiConfig};
    use cockpit::ui::contrast::{ratio, seen, Depth, MIN_RATIO};
    let mono = UiConfig {
        theme: ThemeChoice::Mono,
        ..UiConfig::default()
    };
    let themes = [
        ("colour", Theme::from_config(&UiConfig::default(), false)),
        (
            "256",
            Theme::from_config(&UiConfig::default(), false).with_depth(Depth::Ansi256),
        ),
        ("mono", Theme::from_config(&mono, false)),
        ("NO_COLOR", Theme::from_config(&UiConfig::default(), true)),
    ];
    let base = every_state();
    for (name, theme) in &themes {
        for panel in PanelId::ALL {
            for row in 0..base.panel_len(panel) {
                let mut s = every_state();
                s.focus = panel;
                s.cursors[panel.index()].selected = row;
                let mut t = Terminal::new(TestBackend::new(160, 45)).expect("terminal");
                let frame = t
                    .draw(|f| ui::draw(f, &s, &Keymap::default(), theme))
                    .expect("draw");
                for cell in frame.buffer.content() {
                    if cell.symbol().trim().is_empty() {
                        continue;
                    }
                    if *name == "256" {
                        assert!(
                            !matches!(cell.fg, ratatui::style::Color::Rgb(..))
                                && !matches!(cell.bg, ratatui::style::Color::Rgb(..)),
                            "24-bit colour sent to a 256-colour terminal: {cell:?}"
                        );
                    }
                    let (fg, bg) = seen(cell.fg, cell.bg, cell.modifier);
                    let r = ratio(fg, bg);
                    assert!(
                        fg != bg && r >= MIN_RATIO,
                        "{name}: {panel:?} row {row} selected: {:?} reads at {r:.2} ({cell:?})",
                        cell.symbol()
                    );
                }
            }
        }
    }
}

/// The waiting badge keeps its own colours in a selected row: the row's selection colour under
/// its black text made it unreadable exactly when it was selected to approve.
#[test]
fn a_selected_waiting_deploy_keeps_its_badge() {
    use cockpit::config::UiConfig;
    let theme = Theme::from_config(&UiConfig::default(), false);
    let mut s = full_state((160, 45));
    s.focus = PanelId::Deploys;
    s.cursors[PanelId::Deploys.index()].selected = 1;
    let mut t = Terminal::new(TestBackend::new(160, 45)).expect("terminal");
    let frame = t
        .draw(|f| ui::draw(f, &s, &Keymap::default(), &theme))
        .expect("draw");
    let buf = frame.buffer;
    let (x, y) = (0..buf.area.height)
        .flat_map(|y| (0..buf.area.width).map(move |x| (x, y)))
        .find(|(x, y)| buf[(*x, *y)].symbol() == "⏸")
        .expect("the badge");
    let badge = &buf[(x + 2, y)];
    assert_eq!(badge.bg, theme.palette.waiting, "{badge:?}");
    assert_eq!(badge.fg, ratatui::style::Color::Black, "{badge:?}");
    // The rest of the row shows the selection.
    let name = (0..x)
        .find(|x| {
            (*x..*x + 10)
                .map(|x| buf[(x, y)].symbol())
                .collect::<String>()
                == "production"
        })
        .expect("production");
    assert_eq!(buf[(name, y)].bg, theme.palette.selection);
}

/// A form taller than the screen scrolls to the focused field and says there is more.
#[test]
fn a_long_form_keeps_the_focused_field_in_view() {
    use cockpit::app::modal::{Field, Form, Modal, Purpose};
    let mut s = full_state((80, 24));
    let fields: Vec<Field> = (0..30)
        .map(|i| Field::toggle(&format!("label-{i}"), &format!("label-{i}"), false))
        .collect();
    let mut form = Form {
        title: "Labels of #42".into(),
        intro: vec!["Space toggles a label; Enter applies.".into()],
        fields,
        focus: 0,
        error: None,
        purpose: Purpose::Labels {
            number: 42,
            current: Vec::new(),
        },
    };
    s.modal = Some(Modal::Form(Box::new(form.clone())));
    let top = draw(&s);
    assert!(top.contains("label-0 ") && top.contains("↓"), "{top}");
    assert!(!top.contains("label-29"), "{top}");
    form.focus = 29;
    s.modal = Some(Modal::Form(Box::new(form)));
    let bottom = draw(&s);
    assert!(bottom.contains("label-29"), "{bottom}");
    assert!(bottom.contains("↑"), "{bottom}");
}

/// A deploy cockpit follows, past its approval, is not hidden by another run waiting in the
/// same environment: the badge comes first, the deploy under way after it.
#[test]
fn a_followed_deploy_shows_beside_another_waiting_run() {
    let mut s = full_state((160, 45));
    s.followed.push(cockpit::app::state::Followed {
        repo: Slug::parse("acme/rocket").expect("slug"),
        run_id: 8002,
        what: "roll back production".into(),
        environment: Some("production".into()),
        target: Some("main@abcdef0".into()),
        run: Some(run(8002, "Deploy", "Deploy", "in_progress", None, 1)),
    });
    let text = draw(&s);
    let row = text
        .lines()
        .find(|l| l.contains("production"))
        .expect("production row");
    assert!(
        row.contains("⏸ #1 waits for you") && row.contains("● #2 in progress"),
        "{row}"
    );
}

/// The cells of the row of `buf` that holds `text`, from where `text` starts.
fn cells_at(buf: &ratatui::buffer::Buffer, text: &str) -> Vec<ratatui::buffer::Cell> {
    let area = buf.area;
    for y in area.top()..area.bottom() {
        let row: Vec<&ratatui::buffer::Cell> =
            (area.left()..area.right()).map(|x| &buf[(x, y)]).collect();
        let line: String = row.iter().map(|c| c.symbol()).collect();
        if let Some(at) = line.find(text) {
            let col = line[..at].chars().count();
            return row[col..].iter().map(|c| (*c).clone()).collect();
        }
    }
    panic!("{text} is not on screen");
}

/// `/` on a list: the title shows the query and "N of M", the bottom line how to leave the
/// prompt, the rows that match only, with the matched words marked.
#[test]
fn a_filter_shows_its_query_count_and_marks() {
    use ratatui::crossterm::event::KeyCode;
    use ratatui::style::Modifier;
    let mut s = full_state((160, 45));
    slash(&mut s, "FLAKY up");
    let buf = draw_buffer(&s);
    let text = screen_text(&buf);
    assert!(text.contains(" /FLAKY up▏ 1 of 3 "), "{text}");
    assert!(text.contains("Enter keeps · Esc clears"), "{text}");
    assert!(text.contains("Uploads fail on flaky networks"), "{text}");
    assert!(!text.contains("Dark mode for the TUI"), "{text}");
    // Mono theme: a match is underlined; the text between the matched words is not.
    let cells = cells_at(&buf, "Uploads fail on flaky");
    let marked = |i: usize| cells[i].modifier.contains(Modifier::UNDERLINED);
    assert!(marked(0) && marked(1), "Up of Uploads is marked");
    assert!(!marked(2) && !marked(8), "the rest of the word is not");
    assert!(marked(16) && marked(20), "flaky is marked");
    // Enter keeps it: the prompt's help goes, the query stays in the title.
    press(&mut s, KeyCode::Enter);
    let text = draw(&s);
    assert!(text.contains("/FLAKY up 1 of 3"), "{text}");
    assert!(!text.contains("Enter keeps"), "{text}");
}

#[test]
fn a_filter_that_matches_nothing_says_so() {
    let mut s = full_state((160, 45));
    s.focus = PanelId::Branches;
    slash(&mut s, "xyz");
    let text = draw(&s);
    assert!(text.contains("no row matches 'xyz' — Esc clears"), "{text}");
    assert!(text.contains("/xyz▏ 0 of"), "{text}");
}

/// The help's `/` works like a list's: words in any order, matches marked, "N of M".
#[test]
fn the_help_filter_matches_words_and_marks_them() {
    use ratatui::style::Modifier;
    let mut s = full_state((160, 45));
    s.help = true;
    slash(&mut s, "LOG search");
    let buf = draw_buffer(&s);
    let text = screen_text(&buf);
    assert!(text.contains("Log: search"), "{text}");
    assert!(!text.contains("zoom the panel"), "{text}");
    assert!(text.contains("/LOG search▏ 4 of"), "{text}");
    let cells = cells_at(&buf, "Log: search");
    assert!(cells[0].modifier.contains(Modifier::UNDERLINED));
    assert!(!cells[3].modifier.contains(Modifier::UNDERLINED));
}
