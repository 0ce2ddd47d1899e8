//! What the tests that drive `update` as tables share: a dashboard of acme/rocket built in
//! memory (no server), the inputs a case feeds, and the runner that reports every failing case.
#![allow(dead_code)]

use chrono::{DateTime, TimeZone, Utc};
use cockpit::app::state::{AppState, Context, Loaded};
use cockpit::app::Msg;
use cockpit::github::Slug;
use ratatui::crossterm::event::{
    Event, KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};
use serde_json::Value;
use std::panic::{catch_unwind, AssertUnwindSafe};

pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, 10, 0, 0)
        .single()
        .expect("valid date")
}

pub fn from<T: serde::de::DeserializeOwned>(v: Value) -> T {
    serde_json::from_value(v).expect("valid test data")
}

pub fn loaded<T>(data: T) -> Loaded<T> {
    Loaded {
        data: Some(data),
        updated: Some(now()),
        ..Loaded::default()
    }
}

/// acme/rocket with a local clone and a token, signed in as octodemo, default branch main, on
/// a 160x45 screen; no list loaded yet.
pub fn rocket() -> AppState {
    let ctx = Context {
        repo: Slug::parse("acme/rocket"),
        has_local_repo: true,
        has_token: true,
        ..Context::default()
    };
    let mut s = AppState::new(ctx, now(), (160, 45));
    s.login = Some("octodemo".into());
    s.default_branch = Some("main".into());
    s
}

/// One input of a case.
#[derive(Clone, Copy)]
pub enum In {
    Key(char),
    Code(KeyCode),
    Ctrl(char),
    Text(&'static str),
    /// A left click at (column, row).
    Click(u16, u16),
    Msg(fn() -> Msg),
}

pub fn key_msg(code: KeyCode, mods: KeyModifiers) -> Msg {
    Msg::Input(Event::Key(KeyEvent::new(code, mods)))
}

/// A typed character, with Shift when it is an upper-case letter.
pub fn char_msg(c: char) -> Msg {
    let mods = if c.is_ascii_uppercase() {
        KeyModifiers::SHIFT
    } else {
        KeyModifiers::NONE
    };
    key_msg(KeyCode::Char(c), mods)
}

/// The messages an input makes, in order.
pub fn msgs(input: In) -> Vec<Msg> {
    match input {
        In::Key(c) => vec![char_msg(c)],
        In::Code(c) => vec![key_msg(c, KeyModifiers::NONE)],
        In::Ctrl(c) => vec![key_msg(KeyCode::Char(c), KeyModifiers::CONTROL)],
        In::Text(t) => t.chars().map(char_msg).collect(),
        In::Click(column, row) => vec![Msg::Input(Event::Mouse(MouseEvent {
            kind: MouseEventKind::Down(MouseButton::Left),
            column,
            row,
            modifiers: KeyModifiers::NONE,
        }))],
        In::Msg(f) => vec![f()],
    }
}

/// Runs every case; a failing case does not hide the others.
pub fn each_case<C>(cases: &[C], name: fn(&C) -> &'static str, run: impl Fn(&C)) {
    let mut failed = Vec::new();
    for c in cases {
        if catch_unwind(AssertUnwindSafe(|| run(c))).is_err() {
            failed.push(name(c));
        }
    }
    assert!(failed.is_empty(), "failing cases: {failed:?}");
}
