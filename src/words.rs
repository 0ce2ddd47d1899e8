//! Counts that read right: "1 comment", "2 comments", never "1 comments" or "comment(s)".

/// `n` and the noun, in the plural unless `n` is 1 (the plural adds an `s`).
pub fn count(n: u64, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
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
