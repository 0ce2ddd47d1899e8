//! The `:` palette and the user's `[[commands]]`: the config's checks, the palette's keys
//! through `update`, commands run for real with hostile values, `--readonly`, the pager, and
//! `:repo` against fakehub.

mod common;

use chrono::{TimeZone, Utc};
use cockpit::app::commands::CommandRun;
use cockpit::app::effect::{Effect, ResourceKind};
use cockpit::app::keymap::Keymap;
use cockpit::app::state::{AppState, Context, PanelId};
use cockpit::app::{update, Msg};
use cockpit::config::CommandOutput;
use cockpit::git::{BranchInfo, BranchSnapshot};
use cockpit::github::dashboard::Slug;
use cockpit::github::models::Issue;
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};

fn errors(text: &str) -> Vec<String> {
    cockpit::settings::parse(text)
        .expect_err("invalid")
        .iter()
        .map(|p| p.to_string())
        .collect()
}

fn keymap(toml: &str) -> Keymap {
    cockpit::settings::keymap(&cockpit::settings::parse(toml).expect("valid config"))
}

#[test]
fn commands_in_the_config_are_checked_with_their_line() {
    let e = errors(
        "[[commands]]\ncommand = \"echo {{title}}\"\n\
         [[commands]]\nkey = \"q\"\ncommand = \"true\"\n\
         [[commands]]\nkey = \"c\"\ncontext = \"pulls\"\ncommand = \"true\"\n\
         [[commands]]\ncommand = \"  \"\n",
    );
    assert_eq!(e.len(), 4, "{e:?}");
    assert!(
        e[0].starts_with(
            "line 2, key commands[0].command: unknown value {{title}}; the values are {{repo}}"
        ),
        "{e:?}"
    );
    assert!(
        e[1].starts_with("line 4, key commands[1].key: q is taken: q is bound to quit everywhere"),
        "{e:?}"
    );
    assert!(
        e[2].starts_with(
            "line 7, key commands[2].key: c is taken: c is bound to reply in Pull requests"
        ),
        "{e:?}"
    );
    assert_eq!(
        e[3],
        "line 11, key commands[3].command: the command cannot be empty"
    );
    assert_eq!(
        errors("[[commands]]\ncontext = \"wiki\"\ncommand = \"true\"\n")[0]
            .split(',')
            .take(2)
            .collect::<Vec<_>>()
            .join(","),
        "line 2, key commands[0].context: unknown variant `wiki`"
    );
    assert!(
        errors("[[commands]]\noutput = \"popup\"\ncommand = \"true\"\n")[0]
            .starts_with("line 2, key commands[0].output: unknown variant `popup`")
    );
    // A key free where the command applies is bound there; `x` in Branches is free.
    let km = keymap("[[commands]]\nkey = \"x\"\ncontext = \"branches\"\ncommand = \"true\"\n");
    let x = KeyEvent::new(KeyCode::Char('x'), KeyModifiers::NONE);
    assert_eq!(
        km.lookup(&x, PanelId::Branches),
        Some(cockpit::app::keymap::Action::Command(0))
    );
}

// ---------------------------------------------------------------------------------------------
// A small dashboard in memory.

fn now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, 10, 0, 0)
        .single()
        .expect("date")
}

fn issue(number: u64, url: &str) -> Issue {
    serde_json::from_value(serde_json::json!({
        "number": number, "title": "$(touch pwned)", "state": "open",
        "created_at": "2026-11-01T10:00:00Z", "html_url": url,
    }))
    .expect("issue")
}

fn branch(name: &str) -> BranchInfo {
    BranchInfo {
        name: name.into(),
        is_head: false,
        sha: "9092ce7".into(),
        upstream: None,
        upstream_gone: false,
        ahead: 0,
        behind: 0,
        summary: Default::default(),
        commit_time: now(),
        author: Default::default(),
        merged_into_default: false,
        issue: None,
        stale: false,
    }
}

fn state(workdir: Option<&std::path::Path>) -> AppState {
    let ctx = Context {
        repo: Slug::parse("acme/rocket"),
        has_local_repo: workdir.is_some(),
        workdir: workdir.map(|p| p.to_path_buf()),
        has_token: true,
        web_base: "https://github.com".into(),
        ..Context::default()
    };
    let mut s = AppState::new(ctx, now(), (120, 40));
    s.login = Some("octodemo".into());
    s.issues.data = Some(vec![issue(
        47,
        "https://github.com/acme/rocket/issues/47?$(touch pwned)'; touch pwned '",
    )]);
    s.branches.data = Some(BranchSnapshot {
        branches: vec![branch("x;touch pwned"), branch("it's'; touch pwned; '")],
        status: Default::default(),
        default_branch: Some("main".into()),
        detached_at: None,
        operation: None,
    });
    s
}

fn key(s: &mut AppState, km: &Keymap, code: KeyCode) -> Vec<Effect> {
    update(
        s,
        km,
        Msg::Input(Event::Key(KeyEvent::new(code, KeyModifiers::NONE))),
    )
}

fn typed(s: &mut AppState, km: &Keymap, text: &str) -> Vec<Effect> {
    let mut fx = Vec::new();
    for c in text.chars() {
        fx.extend(key(s, km, KeyCode::Char(c)));
    }
    fx
}

#[test]
fn the_palette_filters_runs_completes_and_remembers() {
    let km = Keymap::default();
    let mut s = state(None);
    assert!(key(&mut s, &km, KeyCode::Char(':')).is_empty());
    assert!(s.palette.is_some());
    // Keys type into the palette: `r` is not a refresh here.
    assert!(typed(&mut s, &km, "rfrsh").is_empty());
    let list = cockpit::app::palette::items(&km, "rfrsh");
    assert_eq!(list[0].name, "refresh");
    assert_eq!(list[0].keys, "r");
    let fx = key(&mut s, &km, KeyCode::Enter);
    assert!(
        matches!(fx.as_slice(), [Effect::Refresh(kinds)] if kinds.contains(&ResourceKind::Issues)),
        "{fx:?}"
    );
    assert!(s.palette.is_none());
    assert_eq!(s.palette_history, vec!["refresh".to_string()]);

    // Up recalls it; Esc closes without running anything.
    key(&mut s, &km, KeyCode::Char(':'));
    key(&mut s, &km, KeyCode::Up);
    assert_eq!(
        s.palette.as_ref().map(|p| p.input.as_str()),
        Some("refresh")
    );
    key(&mut s, &km, KeyCode::Down);
    assert_eq!(s.palette.as_ref().map(|p| p.input.as_str()), Some(""));
    assert!(key(&mut s, &km, KeyCode::Esc).is_empty());
    assert!(s.palette.is_none());

    // Tab completes a command's name, then its argument.
    key(&mut s, &km, KeyCode::Char(':'));
    typed(&mut s, &km, "them");
    key(&mut s, &km, KeyCode::Tab);
    assert_eq!(s.palette.as_ref().map(|p| p.input.as_str()), Some("theme "));
    typed(&mut s, &km, "m");
    key(&mut s, &km, KeyCode::Tab);
    assert_eq!(
        s.palette.as_ref().map(|p| p.input.as_str()),
        Some("theme mono")
    );
    key(&mut s, &km, KeyCode::Enter);
    assert_eq!(s.color, Some(false));
    assert!(s.palette.is_none());

    // An unknown command or theme says so and leaves the palette open.
    key(&mut s, &km, KeyCode::Char(':'));
    typed(&mut s, &km, "zzqxv");
    key(&mut s, &km, KeyCode::Enter);
    let p = s.palette.as_ref().expect("still open");
    assert_eq!(
        p.error.as_deref(),
        Some("Unknown command \"zzqxv\": Tab completes, Esc closes")
    );
    key(&mut s, &km, KeyCode::Esc);
    key(&mut s, &km, KeyCode::Char(':'));
    typed(&mut s, &km, "theme neon");
    key(&mut s, &km, KeyCode::Enter);
    assert_eq!(
        s.palette.as_ref().and_then(|p| p.error.as_deref()),
        Some("Unknown theme \"neon\": the themes are color and mono")
    );
    key(&mut s, &km, KeyCode::Esc);

    // `repo` checks the name before anything is switched.
    key(&mut s, &km, KeyCode::Char(':'));
    typed(&mut s, &km, "repo acme/../x");
    assert!(key(&mut s, &km, KeyCode::Enter).is_empty());
    assert!(s
        .palette
        .as_ref()
        .and_then(|p| p.error.as_deref())
        .is_some_and(|e| e.contains("is not a repository name")));
    key(&mut s, &km, KeyCode::Esc);
    key(&mut s, &km, KeyCode::Char(':'));
    typed(&mut s, &km, "repo acme/infra");
    let fx = key(&mut s, &km, KeyCode::Enter);
    assert!(
        matches!(fx.first(), Some(Effect::SwitchRepo { slug, path: None }) if slug.full_name() == "acme/infra"),
        "{fx:?}"
    );
    assert!(s.issues.data.is_none() && s.branches.data.is_none());
    // The repository cockpit started with completes, to come back to.
    key(&mut s, &km, KeyCode::Char(':'));
    typed(&mut s, &km, "repo ");
    key(&mut s, &km, KeyCode::Tab);
    assert_eq!(
        s.palette.as_ref().map(|p| p.input.as_str()),
        Some("repo acme/rocket")
    );
}

#[test]
fn an_action_from_the_palette_takes_the_keys_path_readonly_included() {
    let km = Keymap::default();
    let mut s = state(None);
    s.ctx.readonly = true;
    key(&mut s, &km, KeyCode::Char(':'));
    typed(&mut s, &km, "close_reopen");
    assert!(key(&mut s, &km, KeyCode::Enter).is_empty());
    let toast = s.toast.as_ref().expect("refused");
    assert!(
        toast.text.starts_with("Read-only mode (--readonly)"),
        "{toast:?}"
    );
    // A panel's action runs in its panel.
    s.ctx.readonly = false;
    s.focus = PanelId::Ci;
    key(&mut s, &km, KeyCode::Char(':'));
    typed(&mut s, &km, "close_reopen");
    key(&mut s, &km, KeyCode::Enter);
    assert_eq!(s.focus, PanelId::Issues);
    assert!(s.modal.is_some(), "the close form opens");
}

fn run_of(fx: Vec<Effect>) -> CommandRun {
    match fx.as_slice() {
        [Effect::RunCommand(run)] => run.clone(),
        other => panic!("expected one command to run, got {other:?}"),
    }
}

/// Values with shell syntax in them stay data: the command prints them back unchanged and
/// the file they try to create never appears.
#[test]
fn template_values_with_shell_metacharacters_are_inert() {
    let dir = tempfile::tempdir().expect("tempdir");
    let km = keymap(
        "[[commands]]\nkey = \"L\"\ncontext = \"branches\"\ncommand = \"printf '%s|' {{branch}} {{repo}}\"\n\
         [[commands]]\nkey = \"U\"\ncontext = \"issues\"\ncommand = \"printf '%s' {{url}}\"\n",
    );
    let mut s = state(Some(dir.path()));
    s.focus = PanelId::Branches;
    for (row, name) in ["x;touch pwned", "it's'; touch pwned; '"]
        .iter()
        .enumerate()
    {
        s.cursor_mut(PanelId::Branches).selected = row;
        let run = run_of(key(&mut s, &km, KeyCode::Char('L')));
        assert_eq!(run.cwd.as_deref(), Some(dir.path()));
        let out = cockpit::app::shell::capture(&run).expect("runs");
        assert_eq!(out.code, Some(0), "{out:?}");
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            format!("{name}|acme/rocket|")
        );
    }
    s.focus = PanelId::Issues;
    let run = run_of(key(&mut s, &km, KeyCode::Char('U')));
    let out = cockpit::app::shell::capture(&run).expect("runs");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "https://github.com/acme/rocket/issues/47?$(touch pwned)'; touch pwned '"
    );
    assert!(!dir.path().join("pwned").exists(), "a value ran as code");
    // A value the selection does not have refuses the command, naming it.
    let km =
        keymap("[[commands]]\nkey = \"U\"\ncontext = \"issues\"\ncommand = \"echo {{run_id}}\"\n");
    assert!(key(&mut s, &km, KeyCode::Char('U')).is_empty());
    assert_eq!(
        s.toast.as_ref().map(|t| t.text.as_str()),
        Some("\"echo {{run_id}}\" needs {{run_id}}, which the selection in Issues does not have")
    );
}

#[test]
fn readonly_refuses_a_dangerous_command_and_confirm_shows_the_command() {
    let km = keymap(
        "[[commands]]\nname = \"nuke\"\nkey = \"K\"\ncommand = \"rm -rf {{repo_path}}\"\ndangerous = true\n\
         [[commands]]\nname = \"say\"\nkey = \"H\"\ncommand = \"echo {{repo}}\"\nconfirm = true\n",
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let mut s = state(Some(dir.path()));
    s.ctx.readonly = true;
    assert!(key(&mut s, &km, KeyCode::Char('K')).is_empty());
    assert_eq!(
        s.toast.as_ref().map(|t| t.text.as_str()),
        Some("Read-only mode (--readonly): \"nuke\" is a dangerous command, not run")
    );
    // From the palette too.
    key(&mut s, &km, KeyCode::Char(':'));
    typed(&mut s, &km, "nuke");
    assert!(key(&mut s, &km, KeyCode::Enter).is_empty());
    assert!(s.modal.is_none());
    // A harmless command with a confirmation still runs under --readonly, once confirmed.
    assert!(key(&mut s, &km, KeyCode::Char('H')).is_empty());
    match &s.modal {
        Some(cockpit::app::modal::Modal::Confirm(c)) => {
            assert_eq!(c.lines, vec!["echo 'acme/rocket'".to_string()])
        }
        other => panic!("expected a confirmation, got {other:?}"),
    }
    let run = run_of(key(&mut s, &km, KeyCode::Char('y')));
    assert_eq!(run.script, "echo 'acme/rocket'");
}

#[test]
fn outputs_end_in_a_toast_or_the_pager() {
    let km = Keymap::default();
    let mut s = state(None);
    let done = |code, stdout: &[u8], stderr: &[u8]| {
        Ok(cockpit::app::commands::Captured {
            code: Some(code),
            stdout: stdout.to_vec(),
            stderr: stderr.to_vec(),
            cut: false,
        })
    };
    let msg = |output, result| Msg::CommandDone {
        name: "mine".into(),
        output,
        result,
    };
    update(
        &mut s,
        &km,
        msg(CommandOutput::Toast, done(0, b"\nfirst\nsecond", b"")),
    );
    assert_eq!(s.toast.as_ref().map(|t| t.text.as_str()), Some("first"));
    s.toast = None;
    update(
        &mut s,
        &km,
        msg(CommandOutput::None, done(0, b"ignored", b"")),
    );
    assert!(s.toast.is_none());
    update(
        &mut s,
        &km,
        msg(
            CommandOutput::None,
            done(2, b"", b"warming up\nfatal: no such ref\x1b[2J\n"),
        ),
    );
    let t = s.toast.as_ref().expect("failure told");
    assert!(t.error);
    assert!(
        t.text
            .starts_with("\"mine\" failed (exit 2): fatal: no such ref"),
        "{t:?}"
    );
    assert!(!t.text.contains('\x1b'));

    // The pager: drawn full screen, escape sequences neutralised; Esc closes it.
    let mut out = Vec::new();
    for i in 0..200 {
        out.extend(format!("line {i} \x1b]0;evil title\x07\x1b[31mred\x1b[0m\n").as_bytes());
    }
    update(&mut s, &km, msg(CommandOutput::Pager, done(0, &out, b"")));
    assert!(s.pager.is_some());
    let backend = ratatui::backend::TestBackend::new(100, 30);
    let mut term = ratatui::Terminal::new(backend).expect("terminal");
    let theme = cockpit::ui::Theme::mono();
    term.draw(|f| cockpit::ui::draw(f, &s, &km, &theme))
        .expect("draw");
    let text = common::screen_text(term.backend().buffer());
    assert!(text.contains("line 0") && text.contains("red"), "{text}");
    assert!(!text.contains("evil") && !text.contains('\x1b'), "{text}");
    assert!(text.contains("mine"), "{text}");
    key(&mut s, &km, KeyCode::Char('G'));
    term.draw(|f| cockpit::ui::draw(f, &s, &km, &theme))
        .expect("draw");
    let text = common::screen_text(term.backend().buffer());
    assert!(text.contains("line 199"), "{text}");
    // Keys stay in the pager: `1` does not focus Issues behind it.
    s.focus = PanelId::Ci;
    key(&mut s, &km, KeyCode::Char('1'));
    assert_eq!(s.focus, PanelId::Ci);
    key(&mut s, &km, KeyCode::Esc);
    assert!(s.pager.is_none());
}

/// `:repo` against fakehub: the services are rebuilt for the other repository (one fakehub
/// does not have: its panels say so, the dashboard goes on), and Tab brings back the first.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn repo_switches_the_dashboard_and_back() {
    let mut h = common::Harness::start().await;
    h.wait_until("issues listed", |s| s.contains("#47")).await;
    h.key(':');
    h.type_text("repo acme/elsewhere");
    h.wait_for("repo acme/elsewhere").await;
    h.code(KeyCode::Enter);
    h.wait_until("the other repository shown", |s| {
        s.contains("acme/elsewhere") && !s.contains("#47") && s.contains("not found (404)")
    })
    .await;
    h.key(':');
    h.type_text("repo ");
    h.code(KeyCode::Tab);
    h.wait_for("repo acme/rocket").await;
    h.code(KeyCode::Enter);
    h.wait_until("back on acme/rocket", |s| {
        s.contains("acme/rocket") && s.contains("#47")
    })
    .await;
    h.quit().await;
}

/// A pager command through the runtime: the real shell, its output on screen.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pager_command_runs_in_the_repository() {
    let km = keymap(
        "[[commands]]\nname = \"where\"\nkey = \"Y\"\ncommand = \"echo in; pwd; echo token=$COCKPIT_NO_SUCH; ls -a | grep -c git; echo oops >&2; exit 3\"\noutput = \"pager\"\n",
    );
    let mut h = common::Harness::with(common::Setup {
        keymap: Some(km),
        ..common::Setup::default()
    })
    .await;
    h.wait_until("issues listed", |s| s.contains("#47")).await;
    h.key('Y');
    let screen = h
        .wait_until("the pager", |s| {
            s.contains("where (exit 3)") && s.contains("oops")
        })
        .await;
    let workdir = h.demo.repo.workdir.display().to_string();
    let tail: String = workdir
        .chars()
        .rev()
        .take(20)
        .collect::<String>()
        .chars()
        .rev()
        .collect();
    assert!(screen.contains(&tail), "{screen}");
    h.code(KeyCode::Esc);
    h.wait_gone("where (exit 3)").await;
    h.quit().await;
}
