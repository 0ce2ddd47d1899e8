//! Drives the real application headless: fakehub on 127.0.0.1, the demo git repository, the
//! real runtime loop drawing into ratatui's TestBackend, keys fed through a channel.
#![allow(dead_code)]

use chrono::{TimeZone, Utc};
use cockpit::app::keymap::Keymap;
use cockpit::app::pollers::Intervals;
use cockpit::app::runtime::{self, Opener, Options};
use cockpit::app::state::AppState;
use cockpit::demo::Demo;
use cockpit::fakehub::{Clock, FakeHub, Scenario};
use cockpit::github::{Slug, Token};
use cockpit::launch::{self, ApiTarget, LaunchSpec, RepoChoice};
use cockpit::ui::Theme;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use std::io;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;

/// How long a test waits for something certain to come before it gives up. It only bounds a
/// failure (a pass returns as soon as the condition holds), so it is sized for a machine busy
/// with other builds, not for an idle one.
pub const DEADLINE: Duration = Duration::from_secs(60);

pub fn screen_text(buf: &Buffer) -> String {
    let mut out = String::new();
    for y in 0..buf.area.height {
        for x in 0..buf.area.width {
            out.push_str(buf[(x, y)].symbol());
        }
        out.push('\n');
    }
    out
}

/// Fast intervals: tests wait for the next poll instead of pressing `r`.
/// Every panel of the demo dashboard has its rows (a key on a panel still loading does nothing,
/// so a test that opens each panel waits for this first).
/// The screen's text as one line, panel borders and padding gone: a long message that wraps
/// reads as written.
pub fn flat(screen: &str) -> String {
    screen
        .lines()
        .map(|l| l.trim_matches(|c: char| c == '│' || c.is_whitespace()))
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

pub fn every_panel_loaded(s: &str) -> bool {
    [
        "Crash when HOME is unset",
        "42-retry-flaky-uploads",
        "#43",
        "#424",
        "production",
        "@octodemo",
    ]
    .iter()
    .all(|needle| s.contains(needle))
        && !s.contains("loading…")
}

pub fn fast_intervals() -> Intervals {
    let ms = Duration::from_millis;
    Intervals {
        branches: ms(300),
        issues: ms(300),
        pulls: ms(300),
        runs_idle: ms(200),
        runs_active: ms(200),
        jobs_active: ms(200),
        environments_idle: ms(300),
        environments_active: ms(300),
        issue_detail: ms(300),
        notifications: ms(300),
    }
}

pub fn start_time() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, 10, 0, 0)
        .single()
        .expect("valid date")
}

pub struct Setup {
    pub token: Option<String>,
    pub repo: Option<String>,
    pub api_url: Option<String>,
    pub size: (u16, u16),
    pub local_repo: bool,
    pub readonly: bool,
    pub deploy_targets: std::collections::HashMap<String, cockpit::app::prepare::DeployTarget>,
    /// Drafts directory (default: inside the demo's temporary directory).
    pub drafts_dir: Option<std::path::PathBuf>,
    /// Poll intervals (default: fast ones for tests).
    pub intervals: Option<Intervals>,
    /// Start as in this directory: the repository and its problems come from it (as
    /// `cockpit` run there finds them) instead of `repo` and the demo clone.
    pub cwd: Option<std::path::PathBuf>,
    /// Changes the state before the app starts (what the config would set: sections, …).
    pub state: Option<fn(&mut AppState)>,
    /// The keymap (default: the default one), with any `[[commands]]`.
    pub keymap: Option<Keymap>,
    /// The config's `[repos] watch`.
    pub watch: Vec<cockpit::config::WatchEntry>,
    /// The world fakehub starts from (default: the demo's).
    pub scenario: Option<Scenario>,
}

impl Default for Setup {
    fn default() -> Self {
        Setup {
            token: Some(cockpit::fakehub::DEMO_TOKEN.to_string()),
            repo: Some(cockpit::fakehub::DEMO_REPO.to_string()),
            api_url: None,
            size: (160, 45),
            local_repo: true,
            readonly: false,
            deploy_targets: Default::default(),
            drafts_dir: None,
            intervals: None,
            cwd: None,
            state: None,
            keymap: None,
            watch: Vec::new(),
            scenario: None,
        }
    }
}

pub struct Harness {
    pub demo: Demo,
    pub clock: Clock,
    keys: mpsc::UnboundedSender<io::Result<Event>>,
    frames: watch::Receiver<Buffer>,
    pub opened: Arc<Mutex<Vec<String>>>,
    task: Option<JoinHandle<io::Result<AppState>>>,
}

impl Harness {
    pub async fn start() -> Harness {
        Harness::with(Setup::default()).await
    }

    pub async fn with(setup: Setup) -> Harness {
        let clock = Clock::manual(start_time());
        let scenario = setup.scenario.clone().unwrap_or_else(Scenario::demo);
        let hub = FakeHub::start(scenario, clock.clone())
            .await
            .expect("fakehub starts");
        let demo = Demo::with_hub(hub).await.expect("demo repo");
        let api = setup.api_url.clone().unwrap_or_else(|| demo.hub.base_url());
        let repo = match &setup.cwd {
            Some(dir) => launch::resolve_repo(dir, None, &[]),
            None => RepoChoice {
                slug: setup.repo.as_deref().and_then(Slug::parse),
                problem: if setup.repo.is_none() {
                    Some("no GitHub repository (test)".into())
                } else {
                    None
                },
                workdir: setup.local_repo.then(|| demo.repo.workdir.clone()),
                head_branch: if setup.local_repo {
                    cockpit::git::discover(&demo.repo.workdir)
                        .ok()
                        .and_then(|i| i.head_branch)
                } else {
                    None
                },
            },
        };
        let mut launched = launch::build(LaunchSpec {
            target: ApiTarget::from_api_url(&api),
            repo,
            token: setup
                .token
                .as_deref()
                .and_then(Token::new)
                .map(|t| (t, None)),
            readonly: setup.readonly,
            demo: true,
            intervals: setup.intervals.clone().unwrap_or_else(fast_intervals),
            size: setup.size,
            deploy_targets: setup.deploy_targets.clone(),
            drafts_dir: Some(
                setup
                    .drafts_dir
                    .clone()
                    .unwrap_or_else(|| demo.repo.dir.path().join("drafts")),
            ),
            stale_days: 30,
            watch: setup.watch.clone(),
        })
        .expect("launch");
        if let Some(tweak) = setup.state {
            tweak(&mut launched.state);
        }
        let (keys, rx) = mpsc::unbounded_channel::<io::Result<Event>>();
        let input = rx;
        let (frame_tx, frames) =
            watch::channel(Buffer::empty(ratatui::layout::Rect::new(0, 0, 1, 1)));
        let opened = Arc::new(Mutex::new(Vec::new()));
        let opts = Options {
            bell: true,
            desktop_notifications: false,
            notify_on: cockpit::config::NotifyConfig::default().on,
            keymap: setup.keymap.clone().unwrap_or_default(),
            draw: cockpit::ui::drawing(Theme::mono()),
            opener: Opener::Record(opened.clone()),
            frames: Some(frame_tx),
            clock: Duration::from_secs(15),
            suspend: None,
            hand_over: None,
        };
        let (w, h) = setup.size;
        let task = tokio::spawn(async move {
            let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("terminal");
            runtime::run(
                &mut terminal,
                input,
                Arc::new(launched.services),
                launched.state,
                opts,
                std::future::pending(),
            )
            .await
        });
        Harness {
            demo,
            clock,
            keys,
            frames,
            opened,
            task: Some(task),
        }
    }

    pub fn hub(&self) -> &FakeHub {
        &self.demo.hub
    }

    pub fn send(&self, ev: Event) {
        let _ = self.keys.send(Ok(ev));
    }

    pub fn key(&self, c: char) {
        let mods = if c.is_ascii_uppercase() {
            KeyModifiers::SHIFT
        } else {
            KeyModifiers::NONE
        };
        self.send(Event::Key(KeyEvent::new(KeyCode::Char(c), mods)));
    }

    pub fn ctrl(&self, c: char) {
        self.send(Event::Key(KeyEvent::new(
            KeyCode::Char(c),
            KeyModifiers::CONTROL,
        )));
    }

    pub fn type_text(&self, text: &str) {
        for c in text.chars() {
            self.key(c);
        }
    }

    pub fn code(&self, code: KeyCode) {
        self.send(Event::Key(KeyEvent::new(code, KeyModifiers::NONE)));
    }

    /// True when no cell of the last frame holds a control character or an escape.
    pub fn cells_are_clean(&self) -> bool {
        self.frames
            .borrow()
            .content()
            .iter()
            .all(|c| !c.symbol().chars().any(|ch| ch.is_control()))
    }

    pub fn screen(&self) -> String {
        screen_text(&self.frames.borrow())
    }

    /// Waits until the screen satisfies `pred` (up to [`DEADLINE`]), returning the screen. Panics
    /// with the last screen otherwise, so a failure shows what the user would have seen.
    pub async fn wait_until(&mut self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        let deadline = tokio::time::Instant::now() + DEADLINE;
        loop {
            let s = self.screen();
            if pred(&s) {
                return s;
            }
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            if left.is_zero() {
                panic!("timed out waiting for {what}; screen was:\n{s}");
            }
            let _ =
                tokio::time::timeout(left.min(Duration::from_millis(200)), self.frames.changed())
                    .await;
        }
    }

    /// Waits until the app has applied everything sent to it before this call: two frames drawn
    /// after it. The first may come from a batch that was already under way; the second comes
    /// from a batch that started after it, so it has seen every earlier key and message. The
    /// fast pollers keep frames coming even when nothing on screen changes.
    pub async fn settle(&mut self) {
        self.frames.borrow_and_update();
        for _ in 0..2 {
            tokio::time::timeout(DEADLINE, self.frames.changed())
                .await
                .expect("the app draws a frame")
                .expect("the app is running");
        }
    }

    pub async fn wait_for(&mut self, needle: &str) -> String {
        let n = needle.to_string();
        self.wait_until(&format!("{needle:?} on screen"), move |s| s.contains(&n))
            .await
    }

    pub async fn wait_gone(&mut self, needle: &str) -> String {
        let n = needle.to_string();
        self.wait_until(&format!("{needle:?} gone"), move |s| !s.contains(&n))
            .await
    }

    pub async fn quit(mut self) -> AppState {
        self.key('q');
        let task = self.task.take().expect("running");
        tokio::time::timeout(DEADLINE, task)
            .await
            .expect("quits")
            .expect("task joins")
            .expect("loop ends cleanly")
    }
}

impl Drop for Harness {
    fn drop(&mut self) {
        if let Some(t) = self.task.take() {
            t.abort();
        }
    }
}

/// Makes a commit of one file on the checked-out branch (cockpit itself never edits code); the
/// first commit of an empty repository too.
pub fn commit_file(dir: &std::path::Path, file: &str, content: &str, message: &str) -> String {
    std::fs::write(dir.join(file), content).expect("write");
    let repo = git2::Repository::open(dir).expect("open");
    let mut index = repo.index().expect("index");
    index.add_path(std::path::Path::new(file)).expect("add");
    index.write().expect("write index");
    let tree = repo
        .find_tree(index.write_tree().expect("tree"))
        .expect("tree");
    let parent = repo.head().and_then(|h| h.peel_to_commit()).ok();
    let parents: Vec<&git2::Commit> = parent.iter().collect();
    let sig = git2::Signature::now("octodemo", "octodemo@users.noreply.github.com").expect("sig");
    repo.commit(Some("HEAD"), &sig, &sig, message, &tree, &parents)
        .expect("commit")
        .to_string()
}

/// Throws away the uncommitted edit the demo clone starts with, so a switch of branch is clean.
pub fn discard_work_in_progress(dir: &std::path::Path) {
    let repo = git2::Repository::open(dir).expect("open");
    repo.checkout_head(Some(git2::build::CheckoutBuilder::new().force()))
        .expect("reset the demo's edit");
}

/// Polls `f` until it holds (up to [`DEADLINE`]): for state outside fakehub, such as files on
/// disk or what the app asked the browser to open.
pub async fn until(what: &str, f: impl Fn() -> bool) {
    until_some(what, || f().then_some(())).await
}

/// Polls `f` until it gives something (up to [`DEADLINE`]).
pub async fn until_some<T>(what: &str, f: impl Fn() -> Option<T>) -> T {
    let deadline = tokio::time::Instant::now() + DEADLINE;
    loop {
        if let Some(v) = f() {
            return v;
        }
        if tokio::time::Instant::now() >= deadline {
            panic!("timed out waiting for {what}");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// In a repository with `main` checked out (and no commits yet): `main` and `feature` change
/// the same line, and merging `feature` stops on the conflict, as `git merge` leaves it.
pub fn merge_with_a_conflict(repo: &git2::Repository) {
    use git2::build::CheckoutBuilder;
    let dir = repo.workdir().expect("workdir");
    let base = commit_file(dir, "a.txt", "base\n", "base");
    commit_file(dir, "a.txt", "main's change\n", "on main");
    let base = repo
        .find_commit(git2::Oid::from_str(&base).expect("sha"))
        .expect("base");
    repo.branch("feature", &base, false).expect("branch");
    let switch = |branch: &str| {
        repo.set_head(branch).expect("head");
        repo.checkout_head(Some(CheckoutBuilder::new().force()))
            .expect("checkout");
    };
    switch("refs/heads/feature");
    commit_file(dir, "a.txt", "feature's change\n", "on feature");
    switch("refs/heads/main");
    let feature = repo
        .reference_to_annotated_commit(&repo.find_reference("refs/heads/feature").expect("ref"))
        .expect("annotated");
    repo.merge(&[&feature], None, None).expect("merge runs");
}

/// Polls fakehub until `f` gives something (the remote watcher works on a one-second tick).
pub async fn eventually<T>(
    hub: &FakeHub,
    what: &str,
    f: impl Fn(&cockpit::fakehub::World) -> Option<T>,
) -> T {
    until_some(what, || hub.with_world(&f)).await
}
