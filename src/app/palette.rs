//! The `:` palette: a fuzzy search over every action of the keymap, the user's own commands and
//! the commands that take an argument (`repo OWNER/NAME`). Enter runs the choice the way its
//! key would; Tab completes names and arguments; Up/Down recall what ran before.

use super::effect::Effect;
use super::keymap::{Action, Keymap};
use super::state::{AppState, PanelId};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// How many past commands the session keeps.
const HISTORY: usize = 100;

/// The open palette.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Palette {
    pub input: String,
    /// The highlighted line of the filtered list.
    pub selected: usize,
    /// The history entry shown (Up/Down), as an index into `AppState::palette_history`.
    pub recalled: Option<usize>,
    /// Tab cycling through completions: what was typed before the first Tab, and how many
    /// times Tab was pressed since.
    pub tab: Option<(String, usize)>,
    /// Why the last Enter did nothing (an unknown command, a bad argument).
    pub error: Option<String>,
}

/// A command that takes an argument. Adding one is one entry in [`ARG_COMMANDS`].
pub struct ArgCommand {
    pub name: &'static str,
    /// What the argument looks like, for the list (`OWNER/NAME`); empty: none.
    pub usage: &'static str,
    pub what: &'static str,
    /// Whether Enter on its line without an argument asks for one instead of running.
    pub needs_arg: bool,
    /// What Tab offers for the argument.
    pub complete: fn(&AppState) -> Vec<String>,
    /// Runs it with the argument (trimmed; may be empty). An `Err` is shown in the palette,
    /// which stays open.
    pub run: fn(&mut AppState, &Keymap, &str) -> Result<Vec<Effect>, String>,
}

pub const ARG_COMMANDS: &[ArgCommand] = &[
    ArgCommand {
        name: "repo",
        usage: "OWNER/NAME",
        what: "show another repository (the watched ones complete)",
        needs_arg: true,
        complete: repo_candidates,
        run: repo,
    },
    ArgCommand {
        name: "theme",
        usage: "[color|mono]",
        what: "switch the theme (colours / monochrome)",
        needs_arg: false,
        complete: |_| THEMES.iter().map(|t| t.to_string()).collect(),
        run: theme,
    },
    ArgCommand {
        name: "section",
        usage: "NAME",
        what: "show a section of Issues or Pull requests (its title completes)",
        needs_arg: true,
        complete: super::sections::titles,
        run: |state, keymap, name| {
            let (panel, index) = super::sections::find(state, name)?;
            let mut fx = super::update::run_action(state, keymap, Action::Focus(panel));
            fx.extend(super::sections::show(state, index));
            Ok(fx)
        },
    },
    ArgCommand {
        name: "open",
        usage: "",
        what: "open the selection's URL in the browser",
        needs_arg: false,
        complete: |_| Vec::new(),
        run: |state, keymap, _| {
            Ok(super::update::run_action(
                state,
                keymap,
                Action::OpenInBrowser,
            ))
        },
    },
];

const THEMES: [&str; 2] = ["color", "mono"];

/// What a line of the palette runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entry {
    Arg(usize),
    Action(Action),
    Command(usize),
}

/// A line of the palette.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub entry: Entry,
    /// What to type to run it.
    pub name: String,
    pub what: String,
    /// Its keys, as the help shows them.
    pub keys: String,
    /// The panel it applies to; `None`: everywhere.
    pub panel: Option<PanelId>,
}

/// The panel an action applies to: where its keys are bound, else where they are by default.
fn action_panel(keymap: &Keymap, a: Action) -> Option<PanelId> {
    let of = |km: &Keymap| -> Option<Option<PanelId>> {
        let mut bound = km.bindings.iter().filter(|b| b.action == a).peekable();
        bound.peek()?;
        Some(if bound.clone().any(|b| b.panel.is_none()) {
            None
        } else {
            bound.next().and_then(|b| b.panel)
        })
    };
    of(keymap).or_else(|| of(&Keymap::default())).flatten()
}

/// Every line, before filtering: the commands with arguments, the actions, the user's commands.
pub fn all_items(keymap: &Keymap) -> Vec<Item> {
    let mut items: Vec<Item> = ARG_COMMANDS
        .iter()
        .enumerate()
        .map(|(i, c)| Item {
            entry: Entry::Arg(i),
            name: if c.usage.is_empty() {
                c.name.to_string()
            } else {
                format!("{} {}", c.name, c.usage)
            },
            what: c.what.to_string(),
            keys: String::new(),
            panel: None,
        })
        .collect();
    for a in Action::ALL {
        let keys: Vec<String> = keymap
            .bindings
            .iter()
            .filter(|b| b.action == a)
            .map(|b| super::keymap::sequence_label(&b.keys))
            .collect();
        items.push(Item {
            entry: Entry::Action(a),
            name: a.name().to_string(),
            what: a.describe().to_string(),
            keys: keys.join(", "),
            panel: action_panel(keymap, a),
        });
    }
    for (i, c) in keymap.commands.iter().enumerate() {
        items.push(Item {
            entry: Entry::Command(i),
            name: c.name.clone(),
            what: format!("your command: {}", c.template),
            keys: c.key_label(),
            panel: c.panel,
        });
    }
    items
}

/// How well `query` matches `text` (both lower case): higher is better, `None` is no match.
/// Letters of the query must appear in order; together and early scores best.
fn score(query: &str, text: &str) -> Option<i64> {
    if query.is_empty() {
        return Some(0);
    }
    if let Some(at) = text.find(query) {
        return Some(10_000 - at as i64 * 10 - text.len() as i64);
    }
    let mut gaps = 0i64;
    let mut chars = text.chars().enumerate();
    let mut last = None;
    for q in query.chars() {
        let (i, _) = chars.by_ref().find(|(_, c)| *c == q)?;
        if let Some(l) = last {
            gaps += (i - l - 1) as i64;
        }
        last = Some(i);
    }
    Some(5_000 - gaps * 10 - text.len() as i64)
}

/// The command with an argument the input starts with (`repo acme/x`), and its argument.
fn arg_command(input: &str) -> Option<(usize, &str)> {
    let input = input.trim_start();
    let (word, rest) = input.split_once(' ').unwrap_or((input, ""));
    ARG_COMMANDS
        .iter()
        .position(|c| c.name == word)
        .map(|i| (i, rest.trim()))
}

/// The lines matching the input, best first.
pub fn items(keymap: &Keymap, input: &str) -> Vec<Item> {
    let all = all_items(keymap);
    if let Some((i, _)) = arg_command(input).filter(|_| input.contains(' ')) {
        return all
            .into_iter()
            .filter(|it| it.entry == Entry::Arg(i))
            .collect();
    }
    let query = input.trim().to_lowercase();
    let mut scored: Vec<(i64, usize, Item)> = all
        .into_iter()
        .enumerate()
        .filter_map(|(order, it)| {
            // The name counts most; the description and the panel still find a line.
            let name = score(&query, &it.name.to_lowercase()).map(|s| s + 20_000);
            let panel = it.panel.map(PanelId::title).unwrap_or("");
            let rest = format!("{} {} {}", it.name, it.what, panel).to_lowercase();
            let s = name.or_else(|| score(&query, &rest))?;
            Some((s, order, it))
        })
        .collect();
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    scored.into_iter().map(|(_, _, it)| it).collect()
}

/// `:` opens the palette.
pub fn open(state: &mut AppState) -> Vec<Effect> {
    state.palette = Some(Palette::default());
    Vec::new()
}

/// Keys while the palette is open: it keeps every key, so nothing behind it acts.
pub fn key(state: &mut AppState, keymap: &Keymap, k: KeyEvent) -> Vec<Effect> {
    let Some(p) = state.palette.as_mut() else {
        return Vec::new();
    };
    let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
    let list_len = items(keymap, &p.input).len();
    match k.code {
        KeyCode::Esc => state.palette = None,
        KeyCode::Enter => return enter(state, keymap),
        KeyCode::Tab => complete(state, keymap),
        KeyCode::Up => recall(state, -1),
        KeyCode::Down => recall(state, 1),
        KeyCode::Char('p') | KeyCode::Char('k') if ctrl => {
            p.selected = p.selected.saturating_sub(1);
        }
        KeyCode::Char('n') | KeyCode::Char('j') if ctrl => {
            p.selected = (p.selected + 1).min(list_len.saturating_sub(1));
        }
        KeyCode::Backspace => {
            p.input.pop();
            edited(p);
        }
        KeyCode::Char('u') if ctrl => {
            p.input.clear();
            edited(p);
        }
        KeyCode::Char(c) if !ctrl => {
            p.input.push(c);
            edited(p);
        }
        _ => {}
    }
    Vec::new()
}

/// A paste types into the input, on one line.
pub fn paste(state: &mut AppState, text: &str) {
    if let Some(p) = state.palette.as_mut() {
        p.input.push_str(&text.replace('\n', " "));
        edited(p);
    }
}

fn edited(p: &mut Palette) {
    p.selected = 0;
    p.recalled = None;
    p.tab = None;
    p.error = None;
}

fn recall(state: &mut AppState, delta: isize) {
    let len = state.palette_history.len();
    let Some(p) = state.palette.as_mut() else {
        return;
    };
    if len == 0 {
        return;
    }
    let next = match (p.recalled, delta < 0) {
        (None, true) => Some(len - 1),
        (None, false) => None,
        (Some(i), true) => Some(i.saturating_sub(1)),
        (Some(i), false) => (i + 1 < len).then_some(i + 1),
    };
    p.input = next
        .and_then(|i| state.palette_history.get(i).cloned())
        .unwrap_or_default();
    p.recalled = next;
    p.selected = 0;
    p.tab = None;
    p.error = None;
}

/// Tab: the argument of a command that takes one, else the highlighted line's name. Pressed
/// again, the next candidate.
fn complete(state: &mut AppState, keymap: &Keymap) {
    let candidates_of = |state: &AppState, i: usize, typed: &str| -> Vec<String> {
        let typed = typed.to_lowercase();
        let all = (ARG_COMMANDS[i].complete)(state);
        let starts: Vec<String> = all
            .iter()
            .filter(|c| c.to_lowercase().starts_with(&typed))
            .cloned()
            .collect();
        if starts.is_empty() {
            all.into_iter()
                .filter(|c| c.to_lowercase().contains(&typed))
                .collect()
        } else {
            starts
        }
    };
    let Some(p) = state.palette.as_ref() else {
        return;
    };
    let (typed, presses) = p.tab.clone().unwrap_or_else(|| (p.input.clone(), 0));
    let next = match arg_command(&typed).filter(|_| typed.contains(' ')) {
        Some((i, arg)) => {
            let candidates = candidates_of(state, i, arg);
            match candidates.get(presses % candidates.len().max(1)) {
                Some(c) => Ok(format!("{} {c}", ARG_COMMANDS[i].name)),
                None => Err(format!("Nothing to complete for {}", ARG_COMMANDS[i].name)),
            }
        }
        None => {
            let list = items(keymap, &typed);
            let at = if presses == 0 { p.selected } else { presses };
            match list.get(at % list.len().max(1)) {
                Some(it) => Ok(match it.entry {
                    Entry::Arg(i) if ARG_COMMANDS[i].usage.is_empty() => {
                        ARG_COMMANDS[i].name.to_string()
                    }
                    Entry::Arg(i) => format!("{} ", ARG_COMMANDS[i].name),
                    _ => it.name.clone(),
                }),
                None => Err(format!(
                    "No command matches \"{}\"",
                    crate::text::sanitize_line(typed.trim())
                )),
            }
        }
    };
    let Some(p) = state.palette.as_mut() else {
        return;
    };
    match next {
        Ok(input) => {
            let arg_done = input.ends_with(' ');
            p.input = input;
            p.error = None;
            p.recalled = None;
            // After a command name that takes an argument, the next Tab completes the argument.
            p.tab = if arg_done {
                None
            } else {
                Some((typed, presses + 1))
            };
            if p.tab.as_ref().is_some_and(|(t, _)| !t.contains(' ')) {
                p.selected = 0;
            }
        }
        Err(why) => p.error = Some(why),
    }
}

fn remember(state: &mut AppState, line: String) {
    state.palette_history.retain(|h| *h != line);
    state.palette_history.push(line);
    if state.palette_history.len() > HISTORY {
        state.palette_history.remove(0);
    }
}

fn enter(state: &mut AppState, keymap: &Keymap) -> Vec<Effect> {
    let Some(p) = state.palette.clone() else {
        return Vec::new();
    };
    let input = p.input.trim().to_string();
    if let Some((i, arg)) = arg_command(&input) {
        let cmd = &ARG_COMMANDS[i];
        if cmd.needs_arg && arg.is_empty() {
            return fail(state, format!("{} needs {}", cmd.name, cmd.usage));
        }
        let arg = arg.to_string();
        return match (cmd.run)(state, keymap, &arg) {
            Ok(fx) => {
                state.palette = None;
                remember(state, input);
                fx
            }
            Err(why) => fail(state, why),
        };
    }
    let list = items(keymap, &input);
    let Some(item) = list.get(p.selected).or(list.first()) else {
        return fail(
            state,
            format!(
                "Unknown command \"{}\": Tab completes, Esc closes",
                crate::text::sanitize_line(&input)
            ),
        );
    };
    match item.entry {
        Entry::Arg(i) => {
            // The line of a command that takes an argument: its name, then the argument.
            let cmd = &ARG_COMMANDS[i];
            if cmd.needs_arg {
                if let Some(p) = state.palette.as_mut() {
                    p.input = format!("{} ", cmd.name);
                    edited(p);
                }
                return Vec::new();
            }
            let name = cmd.name.to_string();
            match (cmd.run)(state, keymap, "") {
                Ok(fx) => {
                    state.palette = None;
                    remember(state, name);
                    fx
                }
                Err(why) => fail(state, why),
            }
        }
        Entry::Action(a) => {
            state.palette = None;
            remember(state, item.name.clone());
            let mut fx = Vec::new();
            // A panel's action runs in its panel, as its key would there.
            if let Some(panel) = item.panel.filter(|p| *p != state.focus) {
                fx.extend(super::update::run_action(
                    state,
                    keymap,
                    Action::Focus(panel),
                ));
            }
            fx.extend(super::update::run_action(state, keymap, a));
            fx
        }
        Entry::Command(i) => {
            state.palette = None;
            remember(state, item.name.clone());
            match keymap.commands.get(i) {
                Some(cmd) => super::commands::start(state, cmd),
                None => Vec::new(),
            }
        }
    }
}

fn fail(state: &mut AppState, why: String) -> Vec<Effect> {
    if let Some(p) = state.palette.as_mut() {
        p.error = Some(why);
    }
    Vec::new()
}

/// The repositories `repo` completes: the watched ones, and the one cockpit started with.
fn repo_candidates(state: &AppState) -> Vec<String> {
    let mut out: Vec<String> = state
        .home_repo
        .iter()
        .chain(state.ctx.watched.iter())
        .map(|w| w.slug.full_name())
        .collect();
    if let Some(r) = &state.ctx.repo {
        out.retain(|s| *s != r.full_name());
    }
    out.dedup();
    out
}

fn repo(state: &mut AppState, _: &Keymap, arg: &str) -> Result<Vec<Effect>, String> {
    let slug = crate::github::Slug::check(arg)?;
    if state.ctx.repo.as_ref() == Some(&slug) {
        return Err(format!("{} is already shown", slug.full_name()));
    }
    let path = state
        .home_repo
        .iter()
        .chain(state.ctx.watched.iter())
        .find(|w| w.slug == slug)
        .and_then(|w| w.path.clone());
    Ok(super::update::switch_repo(state, slug, path))
}

fn theme(state: &mut AppState, _: &Keymap, arg: &str) -> Result<Vec<Effect>, String> {
    let color = match arg {
        "" => !state.color.unwrap_or(true),
        "color" => true,
        "mono" => false,
        other => {
            return Err(format!(
                "Unknown theme \"{}\": the themes are {}",
                crate::text::sanitize_line(other),
                THEMES.join(" and ")
            ))
        }
    };
    state.color = Some(color);
    state.toast(
        format!("Theme: {}", if color { "color" } else { "mono" }),
        false,
    );
    Ok(Vec::new())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fuzzy_scores_prefer_names_and_order() {
        let km = Keymap::default();
        let first = |q: &str| items(&km, q).first().map(|i| i.name.clone());
        assert_eq!(first("refresh").as_deref(), Some("refresh"));
        assert_eq!(first("rrf").as_deref(), Some("rerun_failed"));
        assert_eq!(first("repo").as_deref(), Some("repo OWNER/NAME"));
        assert!(items(&km, "zzzzqx").is_empty());
        // The description finds a line too.
        assert!(items(&km, "browser")
            .iter()
            .any(|i| i.entry == Entry::Action(Action::OpenInBrowser)));
    }
}
