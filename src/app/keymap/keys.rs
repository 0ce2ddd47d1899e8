//! One key press, as the keymap compares them, and its text form in the config file and the help:
//! `q`, `G`, `?`, `ctrl-d`, `alt-x`, `shift-tab`, `enter`, `pgdn`, `f5`, `space`. A sequence is
//! keys separated by spaces: `g g`, `ctrl-w l`.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// A normalized key press. Terminals disagree on whether an upper-case letter carries SHIFT, so
/// a letter carries its case and never SHIFT; with CTRL a letter is lower case (terminals cannot
/// tell ctrl-c from ctrl-C); Shift-Tab is `BackTab` without SHIFT.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeyPress {
    pub code: KeyCode,
    pub mods: KeyModifiers,
}

impl KeyPress {
    pub fn new(code: KeyCode, mods: KeyModifiers) -> KeyPress {
        let relevant = KeyModifiers::CONTROL | KeyModifiers::ALT | KeyModifiers::SHIFT;
        let mut mods = mods & relevant;
        let code = match code {
            KeyCode::Char(c) => {
                let c = if mods.contains(KeyModifiers::CONTROL) {
                    c.to_ascii_lowercase()
                } else if mods.contains(KeyModifiers::SHIFT) {
                    c.to_ascii_uppercase()
                } else {
                    c
                };
                mods -= KeyModifiers::SHIFT;
                KeyCode::Char(c)
            }
            KeyCode::BackTab => {
                mods -= KeyModifiers::SHIFT;
                KeyCode::BackTab
            }
            KeyCode::Tab if mods.contains(KeyModifiers::SHIFT) => {
                mods -= KeyModifiers::SHIFT;
                KeyCode::BackTab
            }
            other => other,
        };
        KeyPress { code, mods }
    }

    pub fn from_event(ev: &KeyEvent) -> KeyPress {
        KeyPress::new(ev.code, ev.modifiers)
    }

    pub fn char(c: char) -> KeyPress {
        KeyPress::new(KeyCode::Char(c), KeyModifiers::NONE)
    }

    pub fn ctrl(c: char) -> KeyPress {
        KeyPress::new(KeyCode::Char(c), KeyModifiers::CONTROL)
    }

    pub fn code(code: KeyCode) -> KeyPress {
        KeyPress::new(code, KeyModifiers::NONE)
    }

    /// Parses one key (`ctrl-d`, `G`, `pgdn`). The error says what was not understood.
    pub fn parse(text: &str) -> Result<KeyPress, String> {
        let mut mods = KeyModifiers::NONE;
        let mut rest = text;
        // `-` alone is the minus key; `ctrl--` is ctrl and minus.
        while let Some((head, tail)) = rest.split_once('-') {
            if tail.is_empty() {
                break;
            }
            let m = match head.to_ascii_lowercase().as_str() {
                "ctrl" | "control" | "c" => KeyModifiers::CONTROL,
                "alt" | "meta" | "m" | "a" => KeyModifiers::ALT,
                "shift" | "s" => KeyModifiers::SHIFT,
                _ => break,
            };
            mods |= m;
            rest = tail;
        }
        let mut chars = rest.chars();
        let code = match (chars.next(), chars.next()) {
            (Some(c), None) => KeyCode::Char(c),
            (None, _) => return Err(format!("{text:?} is not a key")),
            _ => named(rest).ok_or_else(|| {
                format!(
                    "{text:?} is not a key (a character, or one of enter, esc, tab, backtab, \
                     backspace, delete, insert, home, end, pgup, pgdn, up, down, left, right, \
                     space, f1..f12, with ctrl-, alt-, shift- before it)"
                )
            })?,
        };
        Ok(KeyPress::new(code, mods))
    }

    /// The text form, as the help and the status bar show it (`C-d`, `M-x`, `S-Tab`, `PgDn`).
    pub fn label(&self) -> String {
        let base = match self.code {
            KeyCode::Char(' ') => "Space".into(),
            KeyCode::Char(c) => c.to_string(),
            KeyCode::Tab => "Tab".into(),
            KeyCode::BackTab => "S-Tab".into(),
            KeyCode::Enter => "Enter".into(),
            KeyCode::Esc => "Esc".into(),
            KeyCode::Backspace => "Backspace".into(),
            KeyCode::Delete => "Del".into(),
            KeyCode::Insert => "Ins".into(),
            KeyCode::Up => "↑".into(),
            KeyCode::Down => "↓".into(),
            KeyCode::Left => "←".into(),
            KeyCode::Right => "→".into(),
            KeyCode::PageUp => "PgUp".into(),
            KeyCode::PageDown => "PgDn".into(),
            KeyCode::Home => "Home".into(),
            KeyCode::End => "End".into(),
            KeyCode::F(n) => format!("F{n}"),
            other => format!("{other:?}"),
        };
        let mut out = String::new();
        if self.mods.contains(KeyModifiers::CONTROL) {
            out.push_str("C-");
        }
        if self.mods.contains(KeyModifiers::ALT) {
            out.push_str("M-");
        }
        if self.mods.contains(KeyModifiers::SHIFT) {
            out.push_str("S-");
        }
        out + &base
    }
}

impl KeyPress {
    /// The spelling a config file uses (`ctrl-d`, `pgdn`, `G`), which [`KeyPress::parse`] reads back.
    pub fn config_text(&self) -> String {
        let base = match self.code {
            KeyCode::Char(' ') => "space".into(),
            KeyCode::Char(c) => c.to_string(),
            KeyCode::Tab => "tab".into(),
            KeyCode::BackTab => "backtab".into(),
            KeyCode::Enter => "enter".into(),
            KeyCode::Esc => "esc".into(),
            KeyCode::Backspace => "backspace".into(),
            KeyCode::Delete => "delete".into(),
            KeyCode::Insert => "insert".into(),
            KeyCode::Up => "up".into(),
            KeyCode::Down => "down".into(),
            KeyCode::Left => "left".into(),
            KeyCode::Right => "right".into(),
            KeyCode::PageUp => "pgup".into(),
            KeyCode::PageDown => "pgdn".into(),
            KeyCode::Home => "home".into(),
            KeyCode::End => "end".into(),
            KeyCode::F(n) => format!("f{n}"),
            other => format!("{other:?}").to_lowercase(),
        };
        let mut out = String::new();
        if self.mods.contains(KeyModifiers::CONTROL) {
            out.push_str("ctrl-");
        }
        if self.mods.contains(KeyModifiers::ALT) {
            out.push_str("alt-");
        }
        if self.mods.contains(KeyModifiers::SHIFT) {
            out.push_str("shift-");
        }
        out + &base
    }
}

fn named(name: &str) -> Option<KeyCode> {
    let lower = name.to_ascii_lowercase();
    Some(match lower.as_str() {
        "enter" | "return" | "cr" => KeyCode::Enter,
        "esc" | "escape" => KeyCode::Esc,
        "tab" => KeyCode::Tab,
        "backtab" => KeyCode::BackTab,
        "backspace" | "bs" => KeyCode::Backspace,
        "delete" | "del" => KeyCode::Delete,
        "insert" | "ins" => KeyCode::Insert,
        "home" => KeyCode::Home,
        "end" => KeyCode::End,
        "pageup" | "pgup" => KeyCode::PageUp,
        "pagedown" | "pgdn" | "pgdown" => KeyCode::PageDown,
        "up" => KeyCode::Up,
        "down" => KeyCode::Down,
        "left" => KeyCode::Left,
        "right" => KeyCode::Right,
        "space" => KeyCode::Char(' '),
        "minus" => KeyCode::Char('-'),
        f if f.starts_with('f') => {
            let n: u8 = f[1..].parse().ok()?;
            if (1..=24).contains(&n) {
                KeyCode::F(n)
            } else {
                return None;
            }
        }
        _ => return None,
    })
}

/// Parses a sequence: keys separated by spaces.
pub fn parse_sequence(text: &str) -> Result<Vec<KeyPress>, String> {
    let keys: Vec<&str> = text.split_whitespace().collect();
    if keys.is_empty() {
        return Err("an empty key".into());
    }
    keys.into_iter().map(KeyPress::parse).collect()
}

pub fn sequence_label(keys: &[KeyPress]) -> String {
    keys.iter()
        .map(KeyPress::label)
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> KeyPress {
        KeyPress::parse(s).expect(s)
    }

    #[test]
    fn spellings_that_mean_the_same_key_are_equal() {
        assert_eq!(p("ctrl-c"), p("C-c"));
        assert_eq!(p("ctrl-C"), KeyPress::ctrl('c'));
        assert_eq!(p("shift-g"), p("G"));
        assert_eq!(p("shift-tab"), p("backtab"));
        assert_eq!(p("PgDn"), KeyPress::code(KeyCode::PageDown));
        assert_eq!(p("-"), KeyPress::char('-'));
        assert_eq!(p("ctrl--"), KeyPress::ctrl('-'));
        assert_eq!(p("space"), KeyPress::char(' '));
        assert_eq!(p("f5"), KeyPress::code(KeyCode::F(5)));
        let shifted = KeyEvent::new(KeyCode::Char('G'), KeyModifiers::SHIFT);
        assert_eq!(KeyPress::from_event(&shifted), p("G"));
        let backtab = KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT);
        assert_eq!(KeyPress::from_event(&backtab), p("shift-tab"));
    }

    #[test]
    fn bad_keys_say_what_is_wrong() {
        assert!(KeyPress::parse("ctrl-").is_err());
        let e = KeyPress::parse("hyper-x").expect_err("unknown modifier");
        assert!(e.contains("\"hyper-x\" is not a key"), "{e}");
        assert!(parse_sequence("  ").is_err());
        assert_eq!(
            parse_sequence("g g").expect("seq"),
            vec![KeyPress::char('g'), KeyPress::char('g')]
        );
        assert_eq!(
            sequence_label(&parse_sequence("ctrl-w l").expect("seq")),
            "C-w l"
        );
        for text in [
            "ctrl-d", "pgdn", "G", "backtab", "space", "alt-x", "f5", "-", "enter",
        ] {
            assert_eq!(p(text).config_text(), text);
        }
    }
}
