//! Building API paths from names that can hold any character (branches, labels, environments,
//! logins): one place that encodes them.

/// A value in a query string (`?environment=…`).
pub fn query_value(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// One URL path segment (a label or branch name): like a query value, but a space is `%20`.
pub fn path_segment(s: &str) -> String {
    query_value(s).replace('+', "%20")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_what_a_path_or_query_cannot_hold() {
        assert_eq!(query_value("a b/c&d"), "a+b%2Fc%26d");
        assert_eq!(path_segment("good first issue"), "good%20first%20issue");
    }
}
