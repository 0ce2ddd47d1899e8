//! What GitHub accepts as an account (the owner of a repository) and as a repository name.
//!
//! A slug goes into every API path (`/repos/OWNER/NAME/…`): `.` or `..` there would climb out of
//! it (`--repo ../..` asked for `/issues` at the API root and showed every repository's issues
//! as this one's), so these rules hold wherever a slug comes from: `--repo`, a git remote, the
//! config.

use crate::text::sanitize_line;

const MAX_OWNER: usize = 39;
const MAX_NAME: usize = 100;

/// An account: letters, digits, `-` (and `_`, which Enterprise Managed Users' names carry),
/// starting with a letter or digit, at most 39 characters. Older accounts with doubled or
/// trailing hyphens exist, so those are let through.
pub fn check_owner(owner: &str) -> Result<(), String> {
    let ok = owner.len() <= MAX_OWNER
        && owner.starts_with(|c: char| c.is_ascii_alphanumeric())
        && owner
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if ok {
        Ok(())
    } else {
        Err(format!(
            "{:?} is not a GitHub account name (letters, digits and '-', at most {MAX_OWNER})",
            sanitize_line(owner)
        ))
    }
}

/// A repository: letters, digits, `.`, `-` and `_`, at most 100 characters, not `.` or `..`.
pub fn check_name(name: &str) -> Result<(), String> {
    let ok = !name.is_empty()
        && name.len() <= MAX_NAME
        && name != "."
        && name != ".."
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'));
    if ok {
        Ok(())
    } else {
        Err(format!(
            "{:?} is not a repository name (letters, digits, '.', '-' and '_', at most \
             {MAX_NAME}, not \".\" or \"..\")",
            sanitize_line(name)
        ))
    }
}

/// `OWNER/NAME` (a trailing `.git` is dropped) split into its two checked parts.
pub fn check_slug(text: &str) -> Result<(String, String), String> {
    let text = text.trim();
    let Some((owner, name)) = text.trim_end_matches(".git").split_once('/') else {
        return Err(format!("{:?} is not OWNER/NAME", sanitize_line(text)));
    };
    check_owner(owner)?;
    check_name(name)?;
    Ok((owner.to_string(), name.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_follow_githubs_rules() {
        for ok in [
            "acme/rocket",
            "acme/rocket.git",
            "a-b/c.d_e-f",
            "octocat_acme/dotfiles",
            "0/1",
            "acme/.github",
            "acme/..x",
        ] {
            assert!(check_slug(ok).is_ok(), "{ok}");
        }
        for bad in [
            "../..",
            "./.",
            "acme/..",
            "acme/.",
            "../rocket",
            "acme/..git",
            "acme",
            "a/b/c",
            "/x",
            "x/",
            "-acme/rocket",
            "ac me/rocket",
            "acme/rock et",
            "acme/rocket%2F..",
            "acme/roc\u{1b}[2Jket",
        ] {
            assert!(check_slug(bad).is_err(), "{bad}");
        }
        assert!(check_owner(&"a".repeat(39)).is_ok());
        assert!(check_owner(&"a".repeat(40)).is_err());
        assert!(check_name(&"a".repeat(100)).is_ok());
        assert!(check_name(&"a".repeat(101)).is_err());
        let e = check_slug("../..").expect_err("dots");
        assert_eq!(
            e,
            "\"..\" is not a GitHub account name (letters, digits and '-', at most 39)"
        );
        let e = check_slug("acme/..").expect_err("dots");
        assert!(e.starts_with("\"..\" is not a repository name"), "{e}");
        let e = check_slug("acme/roc\u{1b}[2Jket").expect_err("escape");
        assert!(!e.contains('\u{1b}'), "{e:?}");
    }
}
