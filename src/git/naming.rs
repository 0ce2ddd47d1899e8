//! Branch names made from issues: `<number>-<slug-of-title>`.

/// Longest slug part, in bytes (ASCII only, so also in characters). Long enough to recognise
/// the issue, short enough for the Branches panel and a terminal prompt.
const MAX_SLUG: usize = 40;

/// The branch name for an issue: `47-crash-when-home-is-unset`.
///
/// Lower-case ASCII letters and digits joined by single hyphens; everything else (punctuation,
/// spaces, non-ASCII letters) separates words. The slug is cut at a word boundary after at most
/// 40 characters. The result is always a valid git branch name: no `..`, no trailing `.` or
/// `.lock`, no control characters. A title with nothing usable gives just the number.
pub fn branch_name_for_issue(number: u64, title: &str) -> String {
    let mut words: Vec<String> = Vec::new();
    let mut current = String::new();
    for c in title.chars() {
        if c.is_ascii_alphanumeric() {
            current.push(c.to_ascii_lowercase());
        } else if c == '\'' || c == '’' {
            // "don't" → "dont" rather than "don-t".
        } else if !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        words.push(current);
    }

    let mut slug = String::new();
    for word in words {
        let extra = usize::from(!slug.is_empty()) + word.len();
        if slug.len() + extra > MAX_SLUG {
            if slug.is_empty() {
                // One very long word: cut it rather than drop the whole title.
                slug.push_str(&word[..MAX_SLUG]);
            }
            break;
        }
        if !slug.is_empty() {
            slug.push('-');
        }
        slug.push_str(&word);
    }
    // Only [a-z0-9-] remain, so the sole ref-name hazard left is a `.lock` suffix, which cannot
    // occur without a dot; trimming stays for safety if the alphabet above ever widens.
    while slug.ends_with(".lock") || slug.ends_with('.') || slug.ends_with('-') {
        slug.pop();
    }
    if slug.is_empty() {
        number.to_string()
    } else {
        format!("{number}-{slug}")
    }
}

/// Whether `name` is acceptable as a local branch name (git's ref-name rules).
pub fn is_valid_branch_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('-')
        && name != "HEAD"
        && git2::Reference::is_valid_name(&format!("refs/heads/{name}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_titles() {
        assert_eq!(
            branch_name_for_issue(47, "Crash when HOME is unset"),
            "47-crash-when-home-is-unset"
        );
        assert_eq!(
            branch_name_for_issue(39, "Upload progress bar stalls at 99%"),
            "39-upload-progress-bar-stalls-at-99"
        );
        assert_eq!(
            branch_name_for_issue(17, "Add `--dry-run` to `rocket launch`"),
            "17-add-dry-run-to-rocket-launch"
        );
        assert_eq!(branch_name_for_issue(5, "Don't panic"), "5-dont-panic");
        assert_eq!(
            branch_name_for_issue(8, "Über große Dateien"),
            "8-ber-gro-e-dateien"
        );
        assert_eq!(branch_name_for_issue(9, "!!! ??? 🚀"), "9");
        assert_eq!(branch_name_for_issue(10, "config.lock"), "10-config-lock");
        assert_eq!(branch_name_for_issue(11, "..\\..//x..y@{z}"), "11-x-y-z");
    }

    #[test]
    fn caps_length_at_a_word_boundary() {
        let name = branch_name_for_issue(
            1,
            "Replace the hand-written argument parser with clap and document every flag",
        );
        assert_eq!(name, "1-replace-the-hand-written-argument-parser");
        assert!(name.len() <= 2 + MAX_SLUG);
        let long = branch_name_for_issue(2, &"a".repeat(100));
        assert_eq!(long.len(), 2 + MAX_SLUG);
    }

    #[test]
    fn results_are_valid_ref_names() {
        for title in [
            "",
            ".",
            "a.lock",
            "-x-",
            "HEAD",
            "@",
            "a..b",
            "x/y",
            "tab\there",
        ] {
            let name = branch_name_for_issue(3, title);
            assert!(is_valid_branch_name(&name), "{title:?} gave {name:?}");
        }
        assert!(!is_valid_branch_name("a..b"));
        assert!(!is_valid_branch_name("x.lock"));
        assert!(!is_valid_branch_name("-x"));
        assert!(!is_valid_branch_name(""));
    }
}
