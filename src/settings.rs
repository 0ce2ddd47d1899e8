//! The config file as cockpit runs with it. `config` reads the file into plain data and checks
//! its shape; what some values mean belongs to the layers above — the keymap knows the actions,
//! the theme the colours — so their checks are handed in here, and a problem they find still
//! comes back with its line, in file order with the rest.

use crate::app::keymap::Keymap;
use crate::config::{self, Check, ConfigError, Loaded, Problem};
use std::path::Path;

const CHECKS: &[Check] = &[
    crate::app::settings::check_bindings,
    crate::app::settings::check_commands,
    crate::ui::theme::check_colors,
];

/// [`config::load`] with every check.
pub fn load(path: &Path, explicit: bool) -> Result<Loaded, ConfigError> {
    config::load(path, explicit, CHECKS)
}

/// [`config::parse`] with every check.
pub fn parse(text: &str) -> Result<Loaded, Vec<Problem>> {
    config::parse(text, CHECKS)
}

/// The keymap a loaded file makes: the defaults with its bindings on top, and its commands.
pub fn keymap(loaded: &Loaded) -> Keymap {
    // `load` and `parse` refused any binding this could fail on; defaults (no file) have none.
    crate::app::settings::keymap_with_commands(loaded)
        .unwrap_or_else(|_| crate::app::settings::keymap(&loaded.bindings).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(text: &str) -> Vec<String> {
        parse(text)
            .expect_err("invalid")
            .iter()
            .map(Problem::to_string)
            .collect()
    }

    #[test]
    fn the_example_makes_the_default_keymap() {
        let example = include_str!("../config.example.toml");
        let loaded = parse(example).expect("example parses");
        // The example spells out every default binding; they must make the default keymap.
        let mut km = keymap(&loaded);
        assert!(!km.commands.is_empty(), "the example shows commands");
        km.bindings
            .retain(|b| !matches!(b.action, crate::app::keymap::Action::Command(_)));
        km.commands.clear();
        assert_eq!(km, Keymap::default());
    }

    #[test]
    fn the_example_documents_every_action() {
        let example = include_str!("../config.example.toml");
        for a in crate::app::keymap::Action::ALL {
            assert!(
                example.contains(&format!("= \"{}\"", a.name())),
                "{} is missing from config.example.toml",
                a.name()
            );
        }
    }

    #[test]
    fn bindings_and_colours_are_checked_with_their_line() {
        assert_eq!(
            errors("[keys.global]\n\"ctrl-x\" = \"launch_rockets\"\n")[0]
                .split(';')
                .next(),
            Some("line 2, key keys.global.ctrl-x: unknown action \"launch_rockets\"")
        );
        assert_eq!(
            errors("[keys.global]\nx = \"zoom\"\n\"ctrl-c\" = \"refresh\"\n\"C-c\" = \"help\"\n"),
            vec!["line 4, key keys.global.C-c: C-c is bound twice in [keys.global]: here and as \"ctrl-c\""]
        );
        assert_eq!(
            errors("[ui.colors]\nfocus = \"ultraviolet\"\n"),
            vec!["line 2, key ui.colors.focus: \"ultraviolet\" is not a colour (a name like cyan or darkgray, #rrggbb, or 0-255)"]
        );
    }

    #[test]
    fn several_errors_come_back_in_file_order() {
        let e = errors(
            "[keys.global]\nx = \"nope\"\n[ui.colors]\nok = \"verdant\"\n[poll]\nissues_secs = 1\n",
        );
        assert_eq!(e.len(), 3);
        assert!(e[0].starts_with("line 2, key keys.global.x"), "{e:?}");
        assert!(e[1].starts_with("line 4, key ui.colors.ok"), "{e:?}");
        assert!(e[2].starts_with("line 6, key poll.issues_secs"), "{e:?}");
    }

    #[test]
    fn bindings_change_the_keymap() {
        let loaded =
            parse("[keys.global]\ng = \"none\"\n\"g g\" = \"top\"\n[keys.ci]\nR = \"refresh\"\n")
                .expect("valid");
        assert_ne!(keymap(&loaded), Keymap::default());
        assert_eq!(keymap(&Loaded::default()), Keymap::default());
    }
}
