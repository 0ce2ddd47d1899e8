//! Things said in a few words, the same on screen and in messages: counts that read right
//! ("1 comment", "2 comments", never "1 comments" or "comment(s)") and a commit by its short id.

/// `n` and the noun, in the plural unless `n` is 1 (the plural adds an `s`).
pub fn count(n: u64, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// A commit as people quote it: its first seven hex digits (`9092ce7`), safe to show.
pub fn short_sha(sha: &str) -> String {
    crate::text::sanitize_line(sha.get(..7).unwrap_or(sha))
}

#[cfg(test)]
mod tests {
    use super::count;

    #[test]
    fn one_is_singular_and_everything_else_plural() {
        assert_eq!(count(0, "comment"), "0 comments");
        assert_eq!(count(1, "comment"), "1 comment");
        assert_eq!(count(2, "check"), "2 checks");
    }
}
