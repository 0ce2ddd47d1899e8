//! The keymap a config file asks for: the defaults, with each `[keys.CONTEXT]` entry
//! (`"g g" = "top"`, `x = "none"`) replacing whatever the same keys did in that context. Two
//! spellings of one key in one context, an unknown action, or a sequence that starts with a
//! bound key is an error, never a guess.

use super::keys::{parse_sequence, sequence_label, KeyPress};
use super::{Action, Binding, Keymap};
use crate::app::state::PanelId;

/// Where a binding applies: `[keys.global]`, or one panel's table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyContext {
    Global,
    Panel(PanelId),
}

impl KeyContext {
    pub const ALL: [KeyContext; 6] = [
        KeyContext::Global,
        KeyContext::Panel(PanelId::Issues),
        KeyContext::Panel(PanelId::Branches),
        KeyContext::Panel(PanelId::Pulls),
        KeyContext::Panel(PanelId::Ci),
        KeyContext::Panel(PanelId::Deploys),
    ];

    /// The table's name under `[keys]`.
    pub fn table(self) -> &'static str {
        match self {
            KeyContext::Global => "global",
            KeyContext::Panel(PanelId::Issues) => "issues",
            KeyContext::Panel(PanelId::Branches) => "branches",
            KeyContext::Panel(PanelId::Pulls) => "pulls",
            KeyContext::Panel(PanelId::Ci) => "ci",
            KeyContext::Panel(PanelId::Deploys) => "deploys",
        }
    }

    fn panel(self) -> Option<PanelId> {
        match self {
            KeyContext::Global => None,
            KeyContext::Panel(p) => Some(p),
        }
    }
}

/// A binding the config cannot have, named by its table and its key as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BindingError {
    pub context: KeyContext,
    pub key: String,
    pub message: String,
}

/// What unbinds a key.
const NONE: &str = "none";

struct Entry<'a> {
    context: KeyContext,
    text: &'a str,
    keys: Vec<KeyPress>,
    action: Option<Action>,
}

fn action_names() -> String {
    Action::ALL
        .iter()
        .map(|a| a.name())
        .collect::<Vec<_>>()
        .join(", ")
}

impl Keymap {
    /// The defaults with `entries` — (context, key as written, action name), in file order —
    /// applied. Every problem is returned, in file order.
    pub fn with_bindings(
        entries: &[(KeyContext, String, String)],
    ) -> Result<Keymap, Vec<BindingError>> {
        let mut errors = Vec::new();
        let mut parsed: Vec<Entry> = Vec::new();
        for (context, text, action) in entries {
            let err = |message: String| BindingError {
                context: *context,
                key: text.clone(),
                message,
            };
            let keys = match parse_sequence(text) {
                Ok(k) => k,
                Err(e) => {
                    errors.push(err(e));
                    continue;
                }
            };
            let action = if action == NONE {
                None
            } else {
                match Action::from_name(action) {
                    Some(a) => Some(a),
                    None => {
                        errors.push(err(format!(
                            "unknown action {action:?}; the actions are {}, and \"none\" unbinds the key",
                            action_names()
                        )));
                        continue;
                    }
                }
            };
            if let Some(first) = parsed
                .iter()
                .find(|e| e.context == *context && e.keys == keys)
            {
                errors.push(err(format!(
                    "{} is bound twice in [keys.{}]: here and as {:?}",
                    sequence_label(&keys),
                    context.table(),
                    first.text
                )));
                continue;
            }
            parsed.push(Entry {
                context: *context,
                text,
                keys,
                action,
            });
        }

        let mut km = Keymap::default();
        for e in &parsed {
            let scope = e.context.panel();
            km.bindings
                .retain(|b| !(b.panel == scope && b.keys == e.keys));
            match (e.action, scope) {
                (Some(action), _) => km.bindings.push(Binding {
                    keys: e.keys.clone(),
                    panel: scope,
                    action,
                }),
                (None, Some(p)) => km.unbound.push((p, e.keys.clone())),
                (None, None) => {}
            }
        }

        // A sequence whose first keys are themselves bound could never be typed.
        let from_config = |b: &Binding| {
            parsed
                .iter()
                .position(|e| e.context.panel() == b.panel && e.keys == b.keys)
        };
        for long in &km.bindings {
            for short in &km.bindings {
                if short.panel != long.panel
                    || short.keys.len() >= long.keys.len()
                    || !long.keys.starts_with(&short.keys)
                {
                    continue;
                }
                let (short_at, long_at) = (from_config(short), from_config(long));
                let short_label = sequence_label(&short.keys);
                let (at, message) = match (long_at, short_at) {
                    (Some(l), Some(s)) => (
                        l.max(s),
                        format!(
                            "{:?} starts with {short_label}, which [keys.{}] binds to {} as {:?}; \
                             a sequence cannot start with a bound key",
                            parsed[l].text,
                            parsed[l].context.table(),
                            short.action.name(),
                            parsed[s].text
                        ),
                    ),
                    (Some(l), None) => (
                        l,
                        format!(
                            "starts with {short_label}, which is bound to {} by default; unbind it \
                             with {:?} = \"none\" in [keys.{}], or choose another sequence",
                            short.action.name(),
                            short_label_config(&short.keys),
                            parsed[l].context.table()
                        ),
                    ),
                    (None, Some(s)) => (
                        s,
                        format!(
                            "{short_label} starts {}, which is bound to {} by default; unbind that \
                             with {:?} = \"none\", or choose another key",
                            sequence_label(&long.keys),
                            long.action.name(),
                            short_label_config(&long.keys)
                        ),
                    ),
                    (None, None) => continue,
                };
                let e = &parsed[at];
                errors.push(BindingError {
                    context: e.context,
                    key: e.text.to_string(),
                    message,
                });
            }
        }
        if errors.is_empty() {
            Ok(km)
        } else {
            Err(errors)
        }
    }
}

impl Keymap {
    /// The keymap with the user's commands bound: each command's keys in its context. Keys
    /// already bound where the command applies (equal, or one starting the other) are an
    /// error naming what has them, never a silent override. Errors are (command index, message).
    pub fn with_commands(
        mut self,
        commands: Vec<crate::app::commands::CustomCommand>,
    ) -> Result<Keymap, Vec<(usize, String)>> {
        let mut errors = Vec::new();
        // Global keys and a panel's keys meet in that panel; two panels never meet.
        let overlap = |a: Option<PanelId>, b: Option<PanelId>| a.is_none() || b.is_none() || a == b;
        let clash = |a: &[KeyPress], b: &[KeyPress]| a.starts_with(b) || b.starts_with(a);
        for (i, c) in commands.iter().enumerate() {
            if c.keys.is_empty() {
                continue;
            }
            let taken = self
                .bindings
                .iter()
                .find(|b| overlap(b.panel, c.panel) && clash(&b.keys, &c.keys));
            if let Some(b) = taken {
                let action = match b.action {
                    Action::Command(j) => format!(
                        "your command {:?}",
                        commands.get(j).map_or("", |o| o.name.as_str())
                    ),
                    a => a.name().to_string(),
                };
                let at = b
                    .panel
                    .map_or("everywhere".to_string(), |p| format!("in {}", p.title()));
                errors.push((
                    i,
                    format!(
                        "{} is taken: {} is bound to {action} {at}; choose another key, or unbind \
                         that one in [keys] with \"none\"",
                        sequence_label(&c.keys),
                        sequence_label(&b.keys),
                    ),
                ));
                continue;
            }
            self.bindings.push(Binding {
                keys: c.keys.clone(),
                panel: c.panel,
                action: Action::Command(i),
            });
        }
        self.commands = commands;
        if errors.is_empty() {
            Ok(self)
        } else {
            Err(errors)
        }
    }
}

/// A sequence as a config file spells it (`ctrl-d`, `g g`).
fn short_label_config(keys: &[KeyPress]) -> String {
    keys.iter()
        .map(KeyPress::config_text)
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

    fn entries(list: &[(KeyContext, &str, &str)]) -> Vec<(KeyContext, String, String)> {
        list.iter()
            .map(|(c, k, a)| (*c, k.to_string(), a.to_string()))
            .collect()
    }

    fn build(list: &[(KeyContext, &str, &str)]) -> Result<Keymap, Vec<BindingError>> {
        Keymap::with_bindings(&entries(list))
    }

    fn messages(list: &[(KeyContext, &str, &str)]) -> Vec<String> {
        build(list)
            .expect_err("conflict")
            .into_iter()
            .map(|e| format!("[keys.{}] {}: {}", e.context.table(), e.key, e.message))
            .collect()
    }

    use KeyContext::{Global, Panel};

    #[test]
    fn no_entries_is_the_default() {
        assert_eq!(build(&[]).expect("ok"), Keymap::default());
    }

    #[test]
    fn rebinding_replaces_and_none_unbinds() {
        let km = build(&[
            (Global, "x", "quit"),
            (Global, "q", "refresh"),
            (Global, "z", "none"),
            (Panel(PanelId::Ci), "r", "none"),
        ])
        .expect("ok");
        let key = |c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE);
        assert_eq!(km.lookup(&key('x'), PanelId::Branches), Some(Action::Quit));
        assert_eq!(km.lookup(&key('q'), PanelId::Issues), Some(Action::Refresh));
        assert_eq!(km.lookup(&key('z'), PanelId::Issues), None);
        assert_eq!(km.lookup(&key('r'), PanelId::Ci), None);
        assert_eq!(km.lookup(&key('r'), PanelId::Pulls), Some(Action::Refresh));
        // ctrl-c still quits: only `q` moved.
        let cc = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(km.lookup(&cc, PanelId::Issues), Some(Action::Quit));
    }

    #[test]
    fn a_sequence_works_once_its_prefix_is_free() {
        let km = build(&[(Global, "g", "none"), (Global, "g g", "top")]).expect("ok");
        let mut pending = Vec::new();
        let g = KeyEvent::new(KeyCode::Char('g'), KeyModifiers::NONE);
        assert_eq!(
            km.resolve(&mut pending, &g, PanelId::Issues),
            super::super::Resolution::Pending
        );
        assert_eq!(
            km.resolve(&mut pending, &g, PanelId::Issues),
            super::super::Resolution::Action(Action::Top)
        );
    }

    #[test]
    fn conflicts_are_reported_with_their_keys() {
        assert_eq!(
            messages(&[(Global, "ctrl-x", "quit"), (Global, "C-x", "refresh")]),
            vec!["[keys.global] C-x: C-x is bound twice in [keys.global]: here and as \"ctrl-x\""]
        );
        assert_eq!(
            messages(&[(Global, "g g", "top")]),
            vec![
                "[keys.global] g g: starts with g, which is bound to top by default; unbind it \
                  with \"g\" = \"none\" in [keys.global], or choose another sequence"
            ]
        );
        assert_eq!(
            messages(&[(Global, "w", "zoom"), (Global, "w q", "quit")]),
            vec![
                "[keys.global] w q: \"w q\" starts with w, which [keys.global] binds to zoom as \
                  \"w\"; a sequence cannot start with a bound key"
            ]
        );
        assert_eq!(
            messages(&[(Global, "ctrl-w", "nonsense")]),
            vec![format!(
                "[keys.global] ctrl-w: unknown action \"nonsense\"; the actions are {}, and \
                 \"none\" unbinds the key",
                action_names()
            )]
        );
        assert!(messages(&[(Global, "hyper-q", "quit")])[0].contains("is not a key"));
        // The same key in two contexts is an override, not a conflict.
        assert!(build(&[(Global, "x", "zoom"), (Panel(PanelId::Ci), "x", "refresh")]).is_ok());
    }
}
