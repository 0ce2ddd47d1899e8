//! Key bindings from a config file, in the app: a two-key sequence waits for its second key and
//! the status bar shows the first; Esc abandons it; the help shows what the config bound; config
//! warnings show in the status bar until the first key press.

use chrono::{TimeZone, Utc};
use cockpit::app::keymap::Keymap;
use cockpit::app::msg::Msg;
use cockpit::app::state::{AppState, Context, PanelId};
use cockpit::app::update::update;
use cockpit::ui::{self, Theme};
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;

const CONFIG: &str = r#"
[keys.global]
g = "none"
"g g" = "top"
"g e" = "bottom"
F1 = "help"
"ctrl-q" = "quit"
[keys.ci]
x = "refresh"
[poll]
isues_secs = 5
"#;

fn state() -> AppState {
    let now = Utc
        .with_ymd_and_hms(2026, 11, 22, 10, 0, 0)
        .single()
        .expect("date");
    let ctx = Context {
        api_host: "github.com".into(),
        web_base: "https://github.com".into(),
        ..Context::default()
    };
    AppState::new(ctx, now, (120, 30))
}

fn press(s: &mut AppState, km: &Keymap, code: KeyCode) {
    let ev = KeyEvent::new(code, KeyModifiers::NONE);
    let _ = update(s, km, Msg::Input(Event::Key(ev)));
}

fn screen(s: &AppState, km: &Keymap) -> String {
    let mut t = Terminal::new(TestBackend::new(s.size.0, s.size.1)).expect("terminal");
    let frame = t
        .draw(|f| ui::draw(f, s, km, &Theme::mono()))
        .expect("draw");
    let buf = frame.buffer;
    let mut out = String::new();
    for y in 0..buf.area.height {
        for x in 0..buf.area.width {
            out.push_str(buf[(x, y)].symbol());
        }
        out.push('\n');
    }
    out
}

fn last_line(screen: &str) -> &str {
    screen.lines().last().unwrap_or("")
}

#[test]
fn sequences_wait_show_their_prefix_and_esc_abandons_them() {
    let loaded = cockpit::settings::parse(CONFIG).expect("valid");
    let km = cockpit::settings::keymap(&loaded);
    let mut s = state();
    s.ctx.startup_warnings = loaded.warning_lines();

    // The warning is visible at start, with its line.
    let first = screen(&s, &km);
    assert!(
        last_line(&first).contains("⚠ config line 11: unknown key poll.isues_secs │"),
        "{}",
        last_line(&first)
    );

    // `g` alone no longer jumps: it waits, and the status bar says so.
    s.focus = PanelId::Ci;
    press(&mut s, &km, KeyCode::Char('g'));
    assert_eq!(s.pending_keys.len(), 1);
    let mid = screen(&s, &km);
    assert!(
        last_line(&mid).contains("g …  Esc cancels"),
        "{}",
        last_line(&mid)
    );
    // The first key press put the warning away.
    assert!(
        !last_line(&mid).contains("unknown key"),
        "{}",
        last_line(&mid)
    );

    // Esc abandons the sequence without going back or un-zooming.
    s.zoom = true;
    press(&mut s, &km, KeyCode::Esc);
    assert!(s.pending_keys.is_empty());
    assert!(s.zoom, "Esc only cancelled the sequence");
    let after = screen(&s, &km);
    assert!(!last_line(&after).contains("Esc cancels"));
    // The hint names the keys as bound.
    assert!(
        last_line(&after).contains("? help  q quit"),
        "{}",
        last_line(&after)
    );

    // A wrong second key drops the sequence; the right one acts.
    press(&mut s, &km, KeyCode::Char('g'));
    press(&mut s, &km, KeyCode::Char('q'));
    assert!(
        !s.should_quit,
        "g q is not bound, and q was consumed by the sequence"
    );
    assert!(s.pending_keys.is_empty());
    press(&mut s, &km, KeyCode::F(1));
    assert!(s.help);
    let help = screen(&s, &km);
    for needle in ["g g", "g e", "?, F1", "x (CI)", "q, C-c, C-q"] {
        assert!(help.contains(needle), "{needle} missing from help:\n{help}");
    }
    // Keys scroll the help; Esc closes it.
    press(&mut s, &km, KeyCode::Char('z'));
    assert!(s.help);
    press(&mut s, &km, KeyCode::Esc);
    assert!(!s.help);
    let ctrl_q = KeyEvent::new(KeyCode::Char('q'), KeyModifiers::CONTROL);
    let _ = update(&mut s, &km, Msg::Input(Event::Key(ctrl_q)));
    assert!(s.should_quit);
}

#[test]
fn panel_bindings_apply_only_in_their_panel() {
    let km = cockpit::settings::keymap(&cockpit::settings::parse(CONFIG).expect("valid"));
    let x = KeyEvent::new(KeyCode::Char('x'), KeyModifiers::NONE);
    assert_eq!(
        km.lookup(&x, PanelId::Ci),
        Some(cockpit::app::keymap::Action::Refresh)
    );
    assert_eq!(km.lookup(&x, PanelId::Branches), None);
}

/// The approval queue moves and quits with the keys the config binds, as the lists do.
#[test]
fn the_approval_queue_follows_the_bindings() {
    let loaded = cockpit::settings::parse("[keys.global]\nn = \"down\"\n\"ctrl-q\" = \"quit\"\n")
        .expect("valid");
    let km = cockpit::settings::keymap(&loaded);
    let mut s = state();
    let waiting = |id: u64| cockpit::app::state::Approval {
        repo: cockpit::github::Slug::parse("acme/rocket").expect("slug"),
        run: serde_json::from_value(serde_json::json!({
            "id": id,
            "head_sha": "9092ce7",
            "status": "waiting",
            "created_at": "2026-11-22T09:00:00Z",
        }))
        .expect("run"),
        pending: serde_json::from_value(serde_json::json!({
            "environment": {"id": 2, "name": "production"},
            "current_user_can_approve": true,
        }))
        .expect("pending"),
    };
    s.queue.items.data = Some(vec![waiting(1), waiting(2)]);
    s.queue.open = true;
    press(&mut s, &km, KeyCode::Char('n'));
    assert_eq!(s.queue.cursor.selected, 1);
    assert!(s.queue.open);
    let ctrl_q = KeyEvent::new(KeyCode::Char('q'), KeyModifiers::CONTROL);
    let fx = update(&mut s, &km, Msg::Input(Event::Key(ctrl_q)));
    assert!(s.should_quit, "{fx:?}");
}
