//! Colours. `NO_COLOR` (https://no-color.org) gives a monochrome theme that relies on bold,
//! reverse and symbols only; the colours themselves come from `[ui.colors]` in the config.

use crate::config::ColorsConfig;
use ratatui::style::{Color, Modifier, Style};
use std::str::FromStr;

#[derive(Debug, Clone)]
pub struct Theme {
    pub color: bool,
    pub palette: Palette,
    /// How many colours the terminal shows (RGB colours become palette entries without 24-bit).
    pub depth: super::contrast::Depth,
}

/// The colours a coloured theme uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Palette {
    pub focus: Color,
    pub border: Color,
    pub selection: Color,
    pub selection_unfocused: Color,
    pub header: Color,
    pub dim: Color,
    pub ok: Color,
    pub bad: Color,
    pub warn: Color,
    pub running: Color,
    pub accent: Color,
    pub number: Color,
    pub waiting: Color,
}

impl Default for Palette {
    fn default() -> Self {
        // The defaults are ColorsConfig's, which always parse (a unit test says so).
        Palette::from_config(&ColorsConfig::default()).unwrap_or(Palette {
            focus: Color::Cyan,
            border: Color::DarkGray,
            selection: Color::Rgb(24, 36, 58),
            selection_unfocused: Color::Rgb(35, 35, 35),
            header: Color::Gray,
            dim: Color::DarkGray,
            ok: Color::Green,
            bad: Color::LightRed,
            warn: Color::Yellow,
            running: Color::Yellow,
            accent: Color::Magenta,
            number: Color::LightBlue,
            waiting: Color::Yellow,
        })
    }
}

/// A [`crate::config::Check`]: every `[ui.colors]` value is a colour.
pub fn check_colors(loaded: &crate::config::Loaded) -> Vec<(Vec<String>, String)> {
    match Palette::from_config(&loaded.config.ui.colors) {
        Ok(_) => Vec::new(),
        Err((field, message)) => vec![(vec!["ui".into(), "colors".into(), field.into()], message)],
    }
}

impl Palette {
    /// Reads `[ui.colors]`; the error names the field and says what a colour looks like.
    pub fn from_config(c: &ColorsConfig) -> Result<Palette, (&'static str, String)> {
        let parse = |field: &'static str, v: &str| {
            Color::from_str(v.trim()).map_err(|_| {
                (
                    field,
                    format!(
                        "{v:?} is not a colour (a name like cyan or darkgray, #rrggbb, or 0-255)"
                    ),
                )
            })
        };
        Ok(Palette {
            focus: parse("focus", &c.focus)?,
            border: parse("border", &c.border)?,
            selection: parse("selection", &c.selection)?,
            selection_unfocused: parse("selection_unfocused", &c.selection_unfocused)?,
            header: parse("header", &c.header)?,
            dim: parse("dim", &c.dim)?,
            ok: parse("ok", &c.ok)?,
            bad: parse("bad", &c.bad)?,
            warn: parse("warn", &c.warn)?,
            running: parse("running", &c.running)?,
            accent: parse("accent", &c.accent)?,
            number: parse("number", &c.number)?,
            waiting: parse("waiting", &c.waiting)?,
        })
    }
}

impl Theme {
    pub fn from_env() -> Theme {
        Theme {
            color: std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
            palette: Palette::default(),
            depth: Default::default(),
        }
    }

    pub fn mono() -> Theme {
        Theme {
            color: false,
            palette: Palette::default(),
            depth: Default::default(),
        }
    }

    /// The theme the config asks for: `auto` follows `NO_COLOR`, `color` and `mono` override it.
    pub fn from_config(ui: &crate::config::UiConfig, no_color: bool) -> Theme {
        let color = match ui.theme {
            crate::config::ThemeChoice::Auto => !no_color,
            crate::config::ThemeChoice::Color => true,
            crate::config::ThemeChoice::Mono => false,
        };
        Theme {
            color,
            palette: Palette::from_config(&ui.colors).unwrap_or_default(),
            depth: Default::default(),
        }
    }

    /// The same theme for a terminal that shows `depth` colours.
    pub fn with_depth(mut self, depth: super::contrast::Depth) -> Theme {
        self.depth = depth;
        self
    }

    fn fg(&self, c: Color) -> Style {
        if self.color {
            Style::new().fg(c)
        } else {
            Style::new()
        }
    }

    pub fn border(&self, focused: bool) -> Style {
        if focused {
            self.fg(self.palette.focus).add_modifier(Modifier::BOLD)
        } else {
            self.fg(self.palette.border)
        }
    }
    pub fn title(&self, focused: bool) -> Style {
        if focused {
            self.fg(self.palette.focus).add_modifier(Modifier::BOLD)
        } else {
            Style::new().add_modifier(Modifier::BOLD)
        }
    }
    pub fn selected(&self, focused: bool) -> Style {
        if !self.color {
            return Style::new().add_modifier(Modifier::REVERSED);
        }
        if focused {
            Style::new()
                .bg(self.palette.selection)
                .add_modifier(Modifier::BOLD)
        } else {
            Style::new().bg(self.palette.selection_unfocused)
        }
    }
    /// What the log viewer (`logs::LogView`) is drawn with.
    pub fn log_styles(&self) -> crate::logs::LogStyles {
        crate::logs::LogStyles {
            color: self.color,
            dim: self.dim(),
            step: self.title(true),
            error: self.bad(),
            warning: self.warn(),
            cursor: self.selected(true),
            cursor_unfocused: self.selected(false),
        }
    }
    /// Where a `/` filter matched, like a hit of the log search.
    pub fn hit(&self) -> Style {
        if self.color {
            Style::new().fg(Color::Black).bg(Color::Yellow)
        } else {
            Style::new().add_modifier(Modifier::UNDERLINED | Modifier::BOLD)
        }
    }
    pub fn header(&self) -> Style {
        self.fg(self.palette.header).add_modifier(Modifier::BOLD)
    }
    pub fn dim(&self) -> Style {
        if self.color {
            Style::new().fg(self.palette.dim)
        } else {
            Style::new().add_modifier(Modifier::DIM)
        }
    }
    pub fn ok(&self) -> Style {
        self.fg(self.palette.ok)
    }
    pub fn bad(&self) -> Style {
        self.fg(self.palette.bad).add_modifier(Modifier::BOLD)
    }
    pub fn warn(&self) -> Style {
        self.fg(self.palette.warn)
    }
    pub fn running(&self) -> Style {
        self.fg(self.palette.running)
    }
    pub fn accent(&self) -> Style {
        self.fg(self.palette.accent)
    }
    pub fn number(&self) -> Style {
        self.fg(self.palette.number)
    }
    pub fn waiting(&self) -> Style {
        if self.color {
            Style::new()
                .fg(Color::Black)
                .bg(self.palette.waiting)
                .add_modifier(Modifier::BOLD)
        } else {
            Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD)
        }
    }
    pub fn label(&self, hex: &str) -> Style {
        if !self.color {
            return self.dim();
        }
        match (
            u8::from_str_radix(hex.get(0..2).unwrap_or(""), 16),
            u8::from_str_radix(hex.get(2..4).unwrap_or(""), 16),
            u8::from_str_radix(hex.get(4..6).unwrap_or(""), 16),
        ) {
            (Ok(r), Ok(g), Ok(b)) => Style::new().fg(Color::Rgb(r, g, b)),
            _ => self.dim(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_colours_parse_and_keep_the_original_look() {
        let p = Palette::from_config(&ColorsConfig::default()).expect("defaults parse");
        assert_eq!(p.focus, Color::Cyan);
        assert_eq!(p.selection, Color::Rgb(24, 36, 58));
        assert_eq!(p.selection_unfocused, Color::Rgb(35, 35, 35));
        let bad = ColorsConfig {
            ok: "verdant".into(),
            ..ColorsConfig::default()
        };
        assert_eq!(Palette::from_config(&bad).map_err(|e| e.0), Err("ok"));
    }

    /// The default palette reads on every background it is drawn on — the terminal's, the
    /// selections, the waiting badge — in 24-bit colour and through the 256-colour palette,
    /// without the contrast guard having to step in.
    #[test]
    fn every_default_colour_reads_on_every_background() {
        use crate::ui::contrast::{nearest_256, ratio, rgb, DEFAULT_BG, DEFAULT_FG, MIN_RATIO};
        let t = Theme::from_config(&Default::default(), false);
        let fgs = [
            ("text", Style::new()),
            ("border", t.border(false)),
            ("focus", t.border(true)),
            ("header", t.header()),
            ("dim", t.dim()),
            ("ok", t.ok()),
            ("bad", t.bad()),
            ("warn", t.warn()),
            ("running", t.running()),
            ("accent", t.accent()),
            ("number", t.number()),
        ];
        let bgs = [
            ("terminal", Style::new()),
            ("selection", t.selected(true)),
            ("unfocused selection", t.selected(false)),
        ];
        let as_256 = |c: (u8, u8, u8)| {
            rgb(ratatui::style::Color::Indexed(nearest_256(c.0, c.1, c.2))).unwrap_or(c)
        };
        for (fname, f) in fgs {
            for (bname, b) in bgs {
                let fg = f.fg.and_then(rgb).unwrap_or(DEFAULT_FG);
                let bg = b.bg.and_then(rgb).unwrap_or(DEFAULT_BG);
                for (depth, fg, bg) in [("24-bit", fg, bg), ("256", fg, as_256(bg))] {
                    let r = ratio(fg, bg);
                    assert!(r >= MIN_RATIO, "{fname} on {bname} ({depth}): {r:.2}");
                }
            }
        }
        let w = t.waiting();
        let (fg, bg) = (w.fg.and_then(rgb), w.bg.and_then(rgb));
        assert!(ratio(fg.unwrap_or(DEFAULT_FG), bg.unwrap_or(DEFAULT_BG)) >= MIN_RATIO);
    }
}
