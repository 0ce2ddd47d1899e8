//! Text must stay readable whatever colours meet in a cell: a theme colour on the selection, a
//! label colour GitHub users picked, a log's own ANSI colours. This models how a terminal shows
//! a cell (xterm's default palette on a dark background, `REVERSED` swapping the colours) and,
//! after every frame is drawn, gives any glyph whose colours are too close a colour that reads:
//! the terminal's own foreground where the background is the terminal's, else black or white.
//! On terminals without 24-bit colour it also maps RGB colours to the nearest of the 256.

use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};

/// The contrast ratio (WCAG 2) a glyph needs with its background. 4.5 is the web's bar for body
/// text; terminal palettes put the basic ANSI colours on black around 3 to 5, and dim text is
/// meant to recede, so 3 — the bar for large text — is what a terminal can hold everywhere.
pub const MIN_RATIO: f64 = 3.0;

/// What the terminal shows for `Color::Reset`: cockpit's palette assumes a dark background.
pub const DEFAULT_FG: (u8, u8, u8) = (229, 229, 229);
pub const DEFAULT_BG: (u8, u8, u8) = (0, 0, 0);

/// How many colours the terminal shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Depth {
    /// 24-bit colour: RGB colours are sent as they are.
    #[default]
    TrueColor,
    /// The 256-colour palette: RGB colours are sent as their nearest palette entry.
    Ansi256,
}

impl Depth {
    /// From `COLORTERM` (`truecolor` / `24bit` announce 24-bit colour; anything else gets the
    /// 256-colour palette, which nearly every terminal understands).
    pub fn detect(env: &dyn Fn(&str) -> Option<String>) -> Depth {
        match env("COLORTERM").as_deref().map(str::to_ascii_lowercase) {
            Some(v) if v == "truecolor" || v == "24bit" => Depth::TrueColor,
            _ => Depth::Ansi256,
        }
    }
}

const ANSI: [(u8, u8, u8); 16] = [
    (0, 0, 0),
    (205, 0, 0),
    (0, 205, 0),
    (205, 205, 0),
    (0, 0, 238),
    (205, 0, 205),
    (0, 205, 205),
    (229, 229, 229),
    (127, 127, 127),
    (255, 0, 0),
    (0, 255, 0),
    (255, 255, 0),
    (92, 92, 255),
    (255, 0, 255),
    (0, 255, 255),
    (255, 255, 255),
];

const CUBE: [u8; 6] = [0, 95, 135, 175, 215, 255];

fn indexed(n: u8) -> (u8, u8, u8) {
    match n {
        0..=15 => ANSI[usize::from(n)],
        16..=231 => {
            let k = n - 16;
            (
                CUBE[usize::from(k / 36)],
                CUBE[usize::from(k / 6 % 6)],
                CUBE[usize::from(k % 6)],
            )
        }
        _ => {
            let v = 8 + 10 * (n - 232);
            (v, v, v)
        }
    }
}

/// The colour a terminal shows for `c`, `None` for the terminal's default.
pub fn rgb(c: Color) -> Option<(u8, u8, u8)> {
    Some(match c {
        Color::Reset => return None,
        Color::Black => ANSI[0],
        Color::Red => ANSI[1],
        Color::Green => ANSI[2],
        Color::Yellow => ANSI[3],
        Color::Blue => ANSI[4],
        Color::Magenta => ANSI[5],
        Color::Cyan => ANSI[6],
        Color::Gray => ANSI[7],
        Color::DarkGray => ANSI[8],
        Color::LightRed => ANSI[9],
        Color::LightGreen => ANSI[10],
        Color::LightYellow => ANSI[11],
        Color::LightBlue => ANSI[12],
        Color::LightMagenta => ANSI[13],
        Color::LightCyan => ANSI[14],
        Color::White => ANSI[15],
        Color::Indexed(n) => indexed(n),
        Color::Rgb(r, g, b) => (r, g, b),
    })
}

/// The nearest entry of the 256-colour palette above the basic 16 (whose look varies most
/// between terminals).
pub fn nearest_256(r: u8, g: u8, b: u8) -> u8 {
    let dist = |(x, y, z): (u8, u8, u8)| {
        let d = |a: u8, b: u8| (i32::from(a) - i32::from(b)).pow(2);
        d(x, r) + d(y, g) + d(z, b)
    };
    (16..=255u8).min_by_key(|n| dist(indexed(*n))).unwrap_or(16)
}

fn luminance((r, g, b): (u8, u8, u8)) -> f64 {
    let lin = |c: u8| {
        let c = f64::from(c) / 255.0;
        if c <= 0.039_28 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)
}

/// The WCAG contrast ratio of two colours, from 1 (the same) to 21 (black and white).
pub fn ratio(a: (u8, u8, u8), b: (u8, u8, u8)) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    let (hi, lo) = if la > lb { (la, lb) } else { (lb, la) };
    (hi + 0.05) / (lo + 0.05)
}

/// The colours a glyph is seen in: `(foreground, background)` after defaults and `REVERSED`.
pub fn seen(fg: Color, bg: Color, modifier: Modifier) -> ((u8, u8, u8), (u8, u8, u8)) {
    let f = rgb(fg).unwrap_or(DEFAULT_FG);
    let b = rgb(bg).unwrap_or(DEFAULT_BG);
    if modifier.contains(Modifier::REVERSED) {
        (b, f)
    } else {
        (f, b)
    }
}

/// Makes every glyph in `area` readable (see the module documentation), mapping RGB colours to
/// the 256-colour palette first where the terminal has no 24-bit colour.
pub fn guard(buf: &mut Buffer, depth: Depth) {
    let area = buf.area;
    // A frame holds few distinct colour pairs: remember the verdicts.
    let mut known: Vec<((Color, Color, bool), bool)> = Vec::new();
    let mut mapped: Vec<(Color, Color)> = Vec::new();
    let mut to_256 = |c: Color| match c {
        Color::Rgb(r, g, b) => match mapped.iter().find(|(from, _)| *from == c) {
            Some((_, to)) => *to,
            None => {
                let to = Color::Indexed(nearest_256(r, g, b));
                mapped.push((c, to));
                to
            }
        },
        other => other,
    };
    for y in area.top()..area.bottom() {
        for x in area.left()..area.right() {
            let cell = &mut buf[(x, y)];
            if depth == Depth::Ansi256 {
                cell.fg = to_256(cell.fg);
                cell.bg = to_256(cell.bg);
            }
            if cell.symbol().trim().is_empty()
                || (cell.fg == Color::Reset && cell.bg == Color::Reset)
            {
                continue;
            }
            let reversed = cell.modifier.contains(Modifier::REVERSED);
            let key = (cell.fg, cell.bg, reversed);
            let ok = match known.iter().find(|(k, _)| *k == key) {
                Some((_, ok)) => *ok,
                None => {
                    let (f, b) = seen(cell.fg, cell.bg, cell.modifier);
                    let ok = ratio(f, b) >= MIN_RATIO;
                    known.push((key, ok));
                    ok
                }
            };
            if ok {
                continue;
            }
            if reversed {
                // Reversed default colours always read.
                cell.fg = Color::Reset;
                cell.bg = Color::Reset;
            } else if cell.bg == Color::Reset {
                cell.fg = Color::Reset;
            } else {
                let b = rgb(cell.bg).unwrap_or(DEFAULT_BG);
                cell.fg = if ratio((0, 0, 0), b) >= ratio((255, 255, 255), b) {
                    Color::Black
                } else {
                    Color::White
                };
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_model_knows_black_from_white_and_the_palette() {
        assert!((ratio((0, 0, 0), (255, 255, 255)) - 21.0).abs() < 0.01);
        assert_eq!(rgb(Color::Indexed(16)), Some((0, 0, 0)));
        assert_eq!(rgb(Color::Indexed(231)), Some((255, 255, 255)));
        assert_eq!(rgb(Color::Indexed(232)), Some((8, 8, 8)));
        assert_eq!(nearest_256(0, 0, 95), 17);
        assert_eq!(nearest_256(38, 38, 38), 235);
    }

    #[test]
    fn unreadable_glyphs_get_a_colour_that_reads() {
        use ratatui::layout::Rect;
        use ratatui::style::Style;
        let mut buf = Buffer::empty(Rect::new(0, 0, 3, 1));
        // Black on the selection blue; a black label on the terminal's background; fine text.
        buf.set_string(
            0,
            0,
            "a",
            Style::new().fg(Color::Black).bg(Color::Rgb(40, 60, 90)),
        );
        buf.set_string(1, 0, "b", Style::new().fg(Color::Rgb(0, 0, 0)));
        buf.set_string(2, 0, "c", Style::new().fg(Color::Green));
        guard(&mut buf, Depth::TrueColor);
        assert_eq!(buf[(0, 0)].fg, Color::White);
        assert_eq!(buf[(1, 0)].fg, Color::Reset);
        assert_eq!(buf[(2, 0)].fg, Color::Green);
    }
}
