//! The pager: a command's captured output in a full-screen view. It is the log viewer's engine
//! (escape sequences neutralised, only the rows on screen drawn), so it scrolls and searches
//! the way a job's log does.

use super::effect::Effect;
use super::state::AppState;
use crate::logs::SearchMode;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Keys while the pager is open: it keeps all of them, so nothing behind it acts.
pub fn key(state: &mut AppState, k: KeyEvent) -> Vec<Effect> {
    let Some(pager) = state.pager.as_mut() else {
        return Vec::new();
    };
    let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
    if let Some(query) = pager.search_input.as_mut() {
        match k.code {
            KeyCode::Esc => pager.search_input = None,
            KeyCode::Enter => {
                let query = query.clone();
                pager.search_input = None;
                if let Err(e) = pager.view.set_search(&query, SearchMode::Plain) {
                    state.toast(format!("Search: {e}"), true);
                }
                return super::logview::search_job(state.pager.as_mut().map(|p| &mut p.view));
            }
            KeyCode::Backspace => {
                query.pop();
            }
            KeyCode::Char(c) if !ctrl => query.push(c),
            _ => {}
        }
        return Vec::new();
    }
    let view = &mut pager.view;
    match k.code {
        KeyCode::Esc | KeyCode::Char('q') => state.pager = None,
        KeyCode::Char('j') | KeyCode::Down => view.scroll(1),
        KeyCode::Char('k') | KeyCode::Up => view.scroll(-1),
        KeyCode::PageDown | KeyCode::Char(' ') => view.page(1),
        KeyCode::Char('d') if ctrl => view.page(1),
        KeyCode::PageUp => view.page(-1),
        KeyCode::Char('u') if ctrl => view.page(-1),
        KeyCode::Char('g') | KeyCode::Home => view.to_top(),
        KeyCode::Char('G') | KeyCode::End => view.to_bottom(),
        KeyCode::Char('h') | KeyCode::Left => view.scroll_horizontal(-8),
        KeyCode::Char('l') | KeyCode::Right => view.scroll_horizontal(8),
        KeyCode::Char('/') => pager.search_input = Some(String::new()),
        KeyCode::Char('n') => {
            view.jump_next();
        }
        KeyCode::Char('N') => {
            view.jump_prev();
        }
        _ => {}
    }
    Vec::new()
}
