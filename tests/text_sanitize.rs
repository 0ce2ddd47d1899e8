//! Outside text, once sanitised, is as wide on screen as ratatui counts it: a property test over
//! random Unicode, weighted toward the characters that break terminals (escapes, controls,
//! format characters, bidi controls, joiners, variation selectors, fillers, and the sequences
//! unicode-width narrows).

use cockpit::text::{sanitize_block, sanitize_line};
use proptest::prelude::*;
use regex::Regex;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Characters that are known trouble, alone or next to each other.
const TRICKY: &[char] = &[
    '\u{1b}',
    '[',
    ']',
    '\\',
    '\u{7}',
    '\u{9b}',
    '\u{9c}',
    '\u{9d}',
    '\u{90}',
    '\r',
    '\n',
    '\t',
    '\u{0}',
    '\u{7f}',
    '\u{85}',
    '\u{ad}',
    '\u{200b}',
    '\u{200c}',
    '\u{200d}',
    '\u{200e}',
    '\u{2060}',
    '\u{2061}',
    '\u{feff}',
    '\u{2028}',
    '\u{2029}',
    '\u{202a}',
    '\u{202e}',
    '\u{2066}',
    '\u{2069}',
    '\u{61c}',
    '\u{600}',
    '\u{6dd}',
    '\u{70f}',
    '\u{110bd}',
    '\u{e0001}',
    '\u{e0041}',
    '\u{e007f}',
    '\u{fe0e}',
    '\u{fe0f}',
    '\u{fe00}',
    '\u{e0100}',
    '\u{34f}',
    '\u{180b}',
    '\u{180e}',
    '\u{3164}',
    '\u{ffa0}',
    '\u{115f}',
    '\u{1160}',
    '\u{1100}',
    '\u{1161}',
    '\u{11a8}',
    '\u{17b4}',
    '\u{1780}',
    '\u{17d2}',
    '\u{2d31}',
    '\u{2d7f}',
    '\u{a4fc}',
    '\u{a4f8}',
    '\u{16d63}',
    '\u{16d67}',
    '\u{16d68}',
    '\u{5d0}',
    '\u{5dc}',
    '\u{644}',
    '\u{627}',
    '\u{622}',
    '\u{671}',
    '\u{64e}',
    '\u{1a10}',
    '\u{1a17}',
    '\u{1a15}',
    '\u{10c03}',
    '\u{10c32}',
    '\u{338}',
    '\u{301}',
    '\u{20e3}',
    '\u{2764}',
    '\u{1f44d}',
    '\u{1f3fd}',
    '\u{1f468}',
    '\u{1f469}',
    '\u{1f1fa}',
    '\u{1f1f8}',
    '\u{1f3f4}',
    '#',
    '1',
    '\u{2018}',
    '\u{201c}',
    '\u{4e00}',
    'a',
    ' ',
    '\u{e9}',
];

fn tricky_text() -> impl Strategy<Value = String> {
    let one = prop_oneof![
        3 => proptest::sample::select(TRICKY),
        1 => any::<char>(),
    ];
    proptest::collection::vec(one, 0..40).prop_map(|v| v.into_iter().collect())
}

/// What must never reach a cell: controls, format characters (bidi controls, joiners, …),
/// default-ignorables, separators.
fn forbidden() -> Regex {
    Regex::new(r"[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}\p{Bidi_Control}]")
        .expect("regex")
}

/// Zero-width characters a terminal draws as zero-width too: combining marks, and the vowel and
/// final jamo that join a Hangul syllable. (unicode-width may know a newer Unicode than the
/// regex crate's tables: a character those call unassigned is not judged.)
fn zero_width_ok(c: char) -> bool {
    static MARK: std::sync::OnceLock<Regex> = std::sync::OnceLock::new();
    let mark = MARK.get_or_init(|| Regex::new(r"^[\p{M}\p{Cn}]$").expect("regex"));
    mark.is_match(c.encode_utf8(&mut [0; 4]))
        || matches!(c, '\u{1160}'..='\u{11ff}' | '\u{d7b0}'..='\u{d7ff}')
}

fn check_line(line: &str) -> Result<(), TestCaseError> {
    let sum: usize = line.chars().map(|c| c.width().unwrap_or(0)).sum();
    prop_assert_eq!(
        line.width(),
        sum,
        "width of {:?} is not the sum of its characters'",
        line
    );
    for c in line.chars() {
        if c.width() == Some(0) {
            prop_assert!(
                zero_width_ok(c),
                "{:?} (U+{:04X}) is zero-width but drawn",
                c,
                c as u32
            );
        }
    }
    Ok(())
}

proptest! {
    // No regression file: a failure prints its minimal input, which goes into a unit test.
    #![proptest_config(ProptestConfig {
        cases: 2000,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn a_sanitised_line_draws_as_wide_as_it_counts(s in tricky_text()) {
        let clean = sanitize_line(&s);
        let bad = forbidden();
        prop_assert!(!bad.is_match(&clean), "{:?} → {:?} keeps {:?}", s, clean, bad.find(&clean).map(|m| m.as_str()));
        prop_assert!(!clean.contains('\n'));
        check_line(&clean)?;
    }

    #[test]
    fn a_sanitised_block_draws_each_line_as_wide_as_it_counts(s in tricky_text()) {
        let clean = sanitize_block(&s);
        let bad = forbidden();
        for line in clean.split('\n') {
            prop_assert!(!bad.is_match(line), "{:?} → {:?} keeps {:?}", s, line, bad.find(line).map(|m| m.as_str()));
            check_line(line)?;
        }
    }

    #[test]
    fn plain_text_is_left_alone(s in "[a-zA-Z0-9 .,:;!?()\u{e9}\u{4e00}-\u{4e10}\u{3b1}-\u{3c9}-]{0,60}") {
        prop_assert_eq!(sanitize_line(&s), s);
    }
}

#[test]
fn the_audits_characters_are_dropped_or_broken() {
    assert_eq!(
        sanitize_line("a\u{200b}b\u{200d}c\u{2060}d\u{feff}e\u{ad}f"),
        "abcdef"
    );
    assert_eq!(
        sanitize_line("one\u{2028}two\u{2029}three"),
        "one two three"
    );
    assert_eq!(sanitize_block("one\u{2028}two"), "one\ntwo");
    // A family emoji falls apart into its people, as a terminal without ZWJ support draws it.
    assert_eq!(
        sanitize_line("\u{1f468}\u{200d}\u{1f469}"),
        "\u{1f468}\u{1f469}"
    );
    // Arabic "la" becomes its one-cell ligature; other Arabic is untouched.
    assert_eq!(sanitize_line("\u{644}\u{627}"), "\u{fefb}");
    assert_eq!(
        sanitize_line("\u{633}\u{644}\u{645}"),
        "\u{633}\u{644}\u{645}"
    );
    // Found by the property test: a prepended letter unicode-width calls zero-width, the
    // Tifinagh joiner, and Kirat Rai vowel signs that narrow each other.
    assert_eq!(sanitize_line("\u{111c2}"), "");
    assert_eq!(
        sanitize_line("\u{2d31}\u{2d7f}\u{2d31}"),
        "\u{2d31}\u{2d31}"
    );
    assert_eq!(
        sanitize_line("\u{16d68}\u{16d68}\u{16d67}"),
        "\u{16d68}\u{16d68}"
    );
}

/// Hostile sequences, each one alone and all of them truncated at every character: outside
/// text (titles, bodies) and log lines are cleaned by one scanner, so they agree on what is
/// removed, including a sequence cut off at the end of a chunk.
#[test]
fn text_and_logs_remove_the_same_sequences() {
    let huge_params = format!("\u{1b}[{}m", "9".repeat(10_000));
    let many_params = format!("\u{1b}[{}1H", "1;".repeat(5_000));
    let hostile = [
        "\u{1b}]52;c;ZXZpbA==\u{7}",
        "\u{1b}]52;p;?\u{1b}\\",
        "\u{1b}]8;;https://evil.example\u{1b}\\link\u{1b}]8;;\u{1b}\\",
        "\u{9d}8;;https://evil.example\u{9c}link\u{9d}8;;\u{9c}",
        "\u{1b}]0;title\u{7}",
        "\u{1b}P1$qm\u{1b}\\",
        "\u{90}q#0;2;0;0;0\u{9c}",
        "\u{1b}X sos \u{1b}\\\u{98}sos\u{9c}\u{1b}^pm\u{7}\u{9e}pm\u{9c}\u{1b}_apc\u{1b}\\\u{9f}apc\u{9c}",
        huge_params.as_str(),
        many_params.as_str(),
        "\u{1b}[99999999999;;;31m",
        "\u{1b}[?1049h\u{1b}[2J\u{1b}[6n\u{1b}[>c\u{1b}[1 q",
        "\u{9b}31m\u{9b}2J",
        "\u{85}\u{84}\u{8d}\u{9c}\u{9a}\u{96}",
        "\u{1b}(0\u{1b}#8\u{1b}c\u{1b}7\u{1b}M",
        "\u{1b}[31\u{7}m",
        "\u{1b}]52;c;AAAA",
        "\u{1b}[12",
        "\u{1b}P",
        "\u{1b}",
    ];
    let plain = |s: &str| cockpit::logs::ansi::clean(s.as_bytes(), usize::MAX).text;
    let mut cases: Vec<String> = Vec::new();
    for h in hostile {
        cases.push(format!("before {h} after"));
        // Cut at every character boundary (every one for the long ones would be slow).
        let cuts: Vec<usize> = h.char_indices().map(|(i, _)| i).take(64).collect();
        for cut in cuts {
            cases.push(format!("x{}", &h[..cut]));
        }
    }
    cases.push(hostile.concat());
    for case in &cases {
        let text = sanitize_line(case);
        assert_eq!(text, plain(case), "text and logs disagree on {case:?}");
        assert!(
            !text.contains(|c: char| c.is_control()),
            "a control survived {case:?}"
        );
        assert!(
            !text.contains("evil") && !text.contains("ZXZp") && !text.contains("title"),
            "a sequence's payload survived {case:?}: {text:?}"
        );
    }
    assert_eq!(
        sanitize_line("before \u{1b}]8;;https://evil.example\u{1b}\\link\u{1b}]8;;\u{1b}\\ after"),
        "before link after"
    );
}

/// The models hold shown-only text as `text::Safe`, sanitised when it is read; the screen and
/// the application draw it as it is. A `sanitize_*` call on such a field would mean the type
/// is not trusted (or a field went back to `String`): each call's arguments are checked for
/// the fields that are `Safe`.
#[test]
fn the_screen_does_not_sanitise_what_the_models_made_safe() {
    let safe_field = Regex::new(
        r"\.(title|display_title|event|description)\b($|[^(])|\b(step|job)\.name\b|\.name\.as_deref\(\)|display_name\(\)|state_label\(\)|state\.as_str\(\)",
    )
    .expect("pattern");
    let mut found = Vec::new();
    for dir in ["src/ui", "src/app"] {
        for path in rust_files(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(dir)) {
            let code = std::fs::read_to_string(&path).expect("source file");
            for (at, _) in code.match_indices("sanitize_") {
                let Some(open) = code[at..].find('(').map(|i| at + i) else {
                    continue;
                };
                let args = call_arguments(&code[open..]);
                if safe_field.is_match(args) {
                    let line = code[..at].lines().count();
                    found.push(format!("{}:{line}: {args}", path.display()));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "sanitising Safe fields again:\n{}",
        found.join("\n")
    );
}

/// `(…)` up to its matching parenthesis.
fn call_arguments(from_paren: &str) -> &str {
    let mut depth = 0;
    for (i, c) in from_paren.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    return &from_paren[..=i];
                }
            }
            _ => {}
        }
    }
    from_paren
}

fn rust_files(dir: std::path::PathBuf) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return out;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(rust_files(p));
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
    out
}
