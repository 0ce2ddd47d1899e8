//! Where the token may go, and how an API URL may be shown.
//!
//! The token belongs to one API: one scheme, host and port. A URL that arrives in an answer (a
//! `Link` header, a redirect) or from git is compared with that origin after parsing, never by
//! text: `https://api.github.com@evil.tld/` and `https://api.github.com.evil.tld/` both start
//! with `https://api.github.com`, and `http://127.0.0.1:18081` starts with
//! `http://127.0.0.1:1808`.
//!
//! User info in a URL (`https://alice:s3cr3t@host`, `https://TOKEN@host`) is a credential
//! cockpit neither sends nor prints: API URLs that carry it are refused with a message that
//! does not repeat it.

use url::Url;

/// Same scheme, host and port (a default port counts as written), and no user info in
/// `candidate`.
pub fn same_origin(base: &Url, candidate: &Url) -> bool {
    !has_userinfo(candidate)
        && candidate.scheme() == base.scheme()
        && candidate.host() == base.host()
        && candidate.port_or_known_default() == base.port_or_known_default()
}

/// `candidate` is on `base`'s origin and under its path (`https://HOST/api/v3` → `/api/v3/…`).
pub fn within(base: &Url, candidate: &Url) -> bool {
    let root = base.path().trim_end_matches('/');
    let path = candidate.path();
    same_origin(base, candidate)
        && (root.is_empty() || path == root || path.starts_with(&format!("{root}/")))
}

pub fn has_userinfo(u: &Url) -> bool {
    !u.username().is_empty() || u.password().is_some()
}

/// `text` as it may be shown or logged: without user info, on one line. Text that does not
/// parse as a URL but holds an `@` is not shown at all: where its user info ends cannot be
/// told.
pub fn shown(text: &str) -> String {
    match Url::parse(text.trim()) {
        Ok(mut u) => {
            // Only fails for URLs that cannot have user info in the first place.
            let _ = u.set_username("");
            let _ = u.set_password(None);
            crate::text::sanitize_line(u.as_str())
        }
        Err(_) if text.contains('@') => "(not shown: it holds an '@')".to_string(),
        Err(_) => format!("{:?}", crate::text::sanitize_line(text)),
    }
}

const NO_CREDENTIALS: &str = "carries a user name or password, which cockpit never sends or \
     prints: remove the part before '@' and sign in with GH_TOKEN or `cockpit auth login`";

/// An API base URL as the user may give it: http or https, a host, no user info. The error
/// names the URL without its user info.
pub fn check_api_url(text: &str) -> Result<Url, String> {
    let text = text.trim();
    let parsed = Url::parse(text);
    match parsed {
        Ok(u) if has_userinfo(&u) => Err(format!("{} {NO_CREDENTIALS}", shown(text))),
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host_str().is_some() => Ok(u),
        Ok(_) => Err(format!(
            "{:?} is not an http(s) URL (https://HOST/api/v3)",
            crate::text::sanitize_line(text)
        )),
        Err(_) => Err(format!(
            "{} is not an http(s) URL (https://HOST/api/v3)",
            shown(text)
        )),
    }
}

/// A host name as the user may give it (`GH_HOST`, `[[hosts]] host`): no user info, no scheme,
/// path or port.
pub fn check_host(text: &str) -> Result<(), String> {
    let text = text.trim();
    if let Some((_, host)) = text.rsplit_once('@') {
        return Err(format!(
            "{:?} {NO_CREDENTIALS}",
            crate::text::sanitize_line(host)
        ));
    }
    let plain = !text.is_empty()
        && Url::parse(&format!("https://{text}/")).is_ok_and(|u| {
            u.port().is_none()
                && u.path() == "/"
                && u.host_str().is_some_and(|h| {
                    h.trim_end_matches('.')
                        .eq_ignore_ascii_case(text.trim_end_matches('.'))
                })
        });
    if plain {
        Ok(())
    } else {
        Err(format!(
            "{:?} is not a host name (ghe.example.com)",
            crate::text::sanitize_line(text)
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).expect("test URL")
    }

    #[test]
    fn origins_compare_parsed_not_as_text() {
        let base = url("https://api.github.com");
        for ok in [
            "https://api.github.com/repos/a/b/issues?page=2",
            "https://API.github.com/repos/a/b/issues?page=2",
            "https://api.github.com:443/repos/a/b/issues?page=2",
        ] {
            assert!(within(&base, &url(ok)), "{ok}");
        }
        for bad in [
            "https://api.github.com@evil.tld/repos/a/b/issues?page=2",
            "https://api.github.com.evil.tld/repos/a/b/issues?page=2",
            "https://user@api.github.com/repos/a/b/issues",
            "https://u:p@api.github.com/repos/a/b/issues",
            "http://api.github.com/repos/a/b/issues",
            "https://api.github.com:8443/repos/a/b/issues",
        ] {
            assert!(!within(&base, &url(bad)), "{bad}");
        }
        let local = url("http://127.0.0.1:1808");
        assert!(!within(&local, &url("http://127.0.0.1:18081/x")));
        assert!(!within(
            &local,
            &url("http://127.0.0.1:1808@127.0.0.2:1808/x")
        ));
        assert!(within(&local, &url("http://127.0.0.1:1808/x")));
    }

    #[test]
    fn enterprise_links_stay_under_the_api_path() {
        let base = url("https://ghe.corp/api/v3/");
        assert!(within(
            &base,
            &url("https://ghe.corp/api/v3/repos/a/b?page=2")
        ));
        assert!(!within(&base, &url("https://ghe.corp/api/v30/x")));
        assert!(!within(&base, &url("https://ghe.corp/login")));
        assert!(!within(&base, &url("https://ghe.corp/api/v3/../../login")));
    }

    #[test]
    fn user_info_is_refused_and_never_repeated() {
        for (input, secret) in [
            ("http://alice:s3cr3tPW@127.0.0.1:9/", "s3cr3tPW"),
            ("http://SECRET@127.0.0.1:9", "SECRET"),
            ("ftp://alice:s3cr3tPW@host/", "s3cr3tPW"),
            ("https://ghp_abc:@ghe.corp/api/v3", "ghp_abc"),
            ("not a url alice:s3cr3tPW@host", "s3cr3tPW"),
        ] {
            let e = check_api_url(input).expect_err(input);
            assert!(!e.contains(secret), "{e}");
        }
        let e = check_api_url("http://alice:s3cr3tPW@127.0.0.1:9/").expect_err("userinfo");
        assert!(
            e.starts_with("http://127.0.0.1:9/ carries a user name"),
            "{e}"
        );
        assert!(check_api_url("ftp://host/").is_err());
        assert!(check_api_url("https://ghe.corp/api/v3").is_ok());
        let e = check_host("alice:pw@ghe.corp").expect_err("userinfo");
        assert!(!e.contains("pw"), "{e}");
        assert!(check_host("ghe.corp").is_ok());
        assert!(check_host("GHE.corp.").is_ok());
        for bad in ["", "ghe.corp/x", "ghe.corp:8443", "https://ghe.corp", "a b"] {
            assert!(check_host(bad).is_err(), "{bad}");
        }
    }
}
