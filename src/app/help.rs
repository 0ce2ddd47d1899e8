//! Keys in the help overlay: it scrolls like a list, `/` filters it, Esc or the help key
//! closes it, and the quit key still quits so the user is never trapped.

use super::effect::Effect;
use super::keymap::{Action, Keymap};
use super::state::AppState;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

pub fn key(state: &mut AppState, keymap: &Keymap, k: KeyEvent) -> Vec<Effect> {
    let view = &mut state.help_view;
    if view.typing {
        match k.code {
            KeyCode::Esc => {
                view.filter.clear();
                view.typing = false;
            }
            KeyCode::Enter => view.typing = false,
            KeyCode::Backspace => {
                view.filter.pop();
            }
            KeyCode::Char(c) if !k.modifiers.contains(KeyModifiers::CONTROL) => {
                view.filter.push(c);
                view.scroll = Default::default();
            }
            _ => {}
        }
        return Vec::new();
    }
    let page = (state.size.1 as isize - 4).max(1);
    let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
    match k.code {
        KeyCode::Esc if !view.filter.is_empty() => view.filter.clear(),
        KeyCode::Esc => close(state),
        KeyCode::Char('/') => {
            view.typing = true;
            view.filter.clear();
            view.scroll = Default::default();
        }
        KeyCode::Char('j') | KeyCode::Down => view.scroll.by(1),
        KeyCode::Char('k') | KeyCode::Up => view.scroll.by(-1),
        KeyCode::PageDown | KeyCode::Char(' ') => view.scroll.by(page),
        KeyCode::Char('d') if ctrl => view.scroll.by(page),
        KeyCode::PageUp => view.scroll.by(-page),
        KeyCode::Char('u') if ctrl => view.scroll.by(-page),
        KeyCode::Char('g') | KeyCode::Home => view.scroll = Default::default(),
        KeyCode::Char('G') | KeyCode::End => view.scroll.by(isize::MAX / 2),
        _ => match keymap.lookup_global(&k) {
            Some(Action::Help) => close(state),
            Some(Action::Quit) => {
                state.should_quit = true;
                return vec![Effect::Quit];
            }
            _ => {}
        },
    }
    Vec::new()
}

fn close(state: &mut AppState) {
    state.help = false;
    state.help_view = Default::default();
    state.pending_keys.clear();
}

/// The mouse wheel over the help scrolls it.
pub fn wheel(state: &mut AppState, delta: isize) -> bool {
    if !state.help {
        return false;
    }
    state.help_view.scroll.by(delta);
    true
}
