//! The token stays home: the real GitHub client and git transport against hostile stand-ins on
//! loopback addresses, each recording the raw requests it received. A `Link` header, a
//! redirect or a git remote pointing elsewhere must never carry `Authorization` there; a
//! `Link` cycle must not repeat rows.

mod common;
mod hostile_support;

use cockpit::git::{fetch, Cancel, GitError, RemoteAuth};
use cockpit::github::{GitHub, Token};
use hostile_support::{Answer, Hostile, Request};
use serde_json::Value;

const CANARY: &str = "canary-token-that-must-stay-home-0123456789";

fn client(api: &Hostile) -> GitHub {
    GitHub::new(&api.url(), Token::new(CANARY)).expect("client")
}

/// The `host:port` the client addressed, as the request's Host header says.
fn host_of(r: &Request) -> String {
    r.head
        .lines()
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case("host").then(|| v.trim().to_string())
        })
        .unwrap_or_default()
}

/// A `Link` header naming `target` as the next page.
fn next_is(target: &str) -> String {
    format!("<{target}>; rel=\"next\"")
}

/// Every page `get_pages` reads from `api`, starting at `first`.
async fn read_pages(api: &Hostile, first: &str, max: usize) -> Vec<Value> {
    client(api)
        .get_pages::<Value>(first, max)
        .await
        .expect("pages")
        .data
}

fn one_page(n: u32) -> Answer {
    Answer::json(&format!("[{{\"n\":{n}}}]"))
}

/// The token travels in the Authorization header and nowhere else (not in a URL).
fn assert_only_in_the_header(api: &Hostile) {
    for r in api.requests() {
        for l in r.head.lines().filter(|l| l.contains(CANARY)) {
            assert!(l.to_ascii_lowercase().starts_with("authorization:"), "{l}");
        }
    }
}

fn assert_untouched(evil: &Hostile) {
    let got = evil.requests();
    assert!(
        got.iter().all(|r| !r.has_authorization()),
        "the token reached the other host:\n{}",
        got.iter().map(|r| r.head.as_str()).collect::<String>()
    );
    assert!(got.is_empty(), "the other host was asked: {got:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_next_link_with_the_api_as_user_info_does_not_take_the_token_elsewhere() {
    let evil = Hostile::start("127.0.0.2", |_| one_page(2));
    let evil_addr = evil.addr;
    // `http://127.0.0.1:PORT@127.0.0.2:OTHER/…` starts with the API's URL; its host is
    // 127.0.0.2.
    let api = Hostile::start("127.0.0.1", move |r| {
        let link = format!(
            "http://{}@{evil_addr}/repos/acme/rocket/issues?page=2",
            host_of(r)
        );
        one_page(1).header("link", &next_is(&link))
    });
    let got = read_pages(&api, "/repos/acme/rocket/issues?per_page=100", 10).await;
    assert_eq!(got.len(), 1);
    assert!(api.requests()[0].has_authorization(), "the API gets it");
    assert_only_in_the_header(&api);
    assert_untouched(&evil);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_next_link_to_a_port_that_extends_the_api_port_gets_no_token() {
    // The API on port P and the stand-in on port P·10+d: `http://127.0.0.1:P` is a prefix of
    // `http://127.0.0.1:P…`.
    let (api, evil) = (0..50)
        .find_map(|_| {
            let evil = Hostile::start("127.0.0.1", |_| one_page(2));
            let short = evil.addr.port() / 10;
            let link = next_is(&format!("{}/repos/acme/rocket/issues?page=2", evil.url()));
            let api = (short >= 1024)
                .then(|| {
                    Hostile::try_at(&format!("127.0.0.1:{short}"), move |_| {
                        one_page(1).header("link", &link)
                    })
                })
                .flatten()?;
            Some((api, evil))
        })
        .expect("a free port pair");
    assert!(
        evil.url().starts_with(&api.url()),
        "{} {}",
        api.url(),
        evil.url()
    );
    let got = read_pages(&api, "/repos/acme/rocket/issues?per_page=100", 10).await;
    assert_eq!(got.len(), 1);
    assert_untouched(&evil);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_api_redirect_is_not_followed() {
    let evil = Hostile::start("127.0.0.2", |_| Answer::json("{}"));
    let to = format!("{}/user", evil.url());
    let api = Hostile::start("127.0.0.1", move |_| {
        Answer::status(302).header("location", &to)
    });
    let err = client(&api)
        .get::<Value>("/user")
        .await
        .expect_err("a redirect is not an answer");
    assert!(err.to_string().contains("302"), "{err}");
    assert_untouched(&evil);
}

/// octocrab's own methods take absolute URLs too; whatever octocrab is asked, the token
/// goes only to this API's origin (not to another host, nor to the same host over plain http
/// on another port), and a path goes under the API's base.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn octocrab_gives_the_token_to_this_api_only() {
    let evil = Hostile::start("127.0.0.2", |_| Answer::json("{}"));
    let api = Hostile::start("127.0.0.1", |_| Answer::json("{}"));
    let gh = client(&api);
    let crab = gh.octocrab();
    crab._get(format!("{}/user", evil.url()))
        .await
        .expect("the other host answers");
    let got = evil.requests();
    assert_eq!(got.len(), 1);
    assert!(!got[0].has_authorization(), "{}", got[0].head);
    crab._get("/user").await.expect("the API answers");
    let asked = api.requests();
    assert_eq!(asked.len(), 1);
    assert!(asked[0].has_authorization(), "{}", asked[0].head);
    assert!(asked[0].head.starts_with("GET /user "), "{}", asked[0].head);
    assert_only_in_the_header(&api);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_log_blob_is_fetched_without_the_token() {
    let blob = Hostile::start("127.0.0.2", |_| Answer {
        status: 200,
        headers: Vec::new(),
        body: b"2026-01-01T00:00:00.0000000Z hello\n".to_vec(),
    });
    let to = format!("{}/blob/job-1?sig=abc", blob.url());
    let api = Hostile::start("127.0.0.1", move |_| {
        Answer::status(302).header("location", &to)
    });
    let log = client(&api)
        .download_redirected("/repos/acme/rocket/actions/jobs/1/logs")
        .await
        .expect("log");
    assert!(String::from_utf8_lossy(&log).contains("hello"));
    assert!(api.requests()[0].has_authorization());
    let fetched = blob.requests();
    assert_eq!(fetched.len(), 1);
    assert!(!fetched[0].has_authorization(), "{}", fetched[0].head);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_next_link_back_to_the_same_page_stops_pagination() {
    // Seven issues, and a next link that names this very page.
    let seven = format!(
        "[{}]",
        (1..=7)
            .map(|n| format!("{{\"n\":{n}}}"))
            .collect::<Vec<_>>()
            .join(",")
    );
    let api = Hostile::start("127.0.0.1", move |r| {
        let itself = format!("http://{}{}", host_of(r), r.path());
        Answer::json(&seven).header("link", &next_is(&itself))
    });
    let got = read_pages(&api, "/repos/acme/rocket/issues?per_page=100", 10).await;
    assert_eq!(got.len(), 7, "each issue once");
    assert_eq!(api.requests().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_two_page_link_cycle_reads_each_page_once() {
    let api = Hostile::start("127.0.0.1", move |r| {
        let (n, next) = if r.path().ends_with("page=2") {
            (2, "page=1")
        } else {
            (1, "page=2")
        };
        let link = format!("http://{}/repos/acme/rocket/issues?{next}", host_of(r));
        one_page(n).header("link", &next_is(&link))
    });
    let got = read_pages(&api, "/repos/acme/rocket/issues?page=1", 10).await;
    assert_eq!(got.len(), 2);
    assert_eq!(api.requests().len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_endless_chain_of_pages_stops_at_the_cap() {
    let api = Hostile::start("127.0.0.1", move |r| {
        let n: u32 = r
            .path()
            .rsplit('=')
            .next()
            .and_then(|n| n.parse().ok())
            .unwrap_or(1);
        let link = format!(
            "http://{}/repos/acme/rocket/issues?page={}",
            host_of(r),
            n + 1
        );
        one_page(n).header("link", &next_is(&link))
    });
    let got = read_pages(&api, "/repos/acme/rocket/issues?page=1", 4).await;
    assert_eq!(got.len(), 4);
    assert_eq!(api.requests().len(), 4);
    assert_only_in_the_header(&api);
}

/// A fetch with the canary token from a fresh clone whose origin is `url` on `git`; the stand-in
/// serves no repository, so it always fails.
async fn fetch_from(git: &Hostile, url: String) -> GitError {
    let dir = tempfile::tempdir().expect("tempdir");
    git2::Repository::init(dir.path())
        .and_then(|repo| repo.remote("origin", &url).map(drop))
        .expect("a clone with an origin");
    let auth = RemoteAuth::github(Token::new(CANARY), &git.url());
    tokio::task::spawn_blocking(move || {
        fetch(dir.path(), "origin", &auth, &Cancel::new(), &mut |_| {})
    })
    .await
    .expect("join")
    .expect_err("the stand-in serves no repository")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_git_remote_redirecting_to_another_host_is_not_followed() {
    let evil = Hostile::start("127.0.0.2", |_| Answer::status(500));
    let to = evil.url();
    let git = Hostile::start("127.0.0.1", move |r| {
        Answer::status(302).header("location", &format!("{to}{}", r.path()))
    });
    let err = fetch_from(&git, format!("{}/acme/rocket.git", git.url())).await;
    assert!(
        git.requests()[0].has_authorization(),
        "the remote's own host gets the token"
    );
    assert_untouched(&evil);
    let text = err.to_string();
    assert!(matches!(err, GitError::Network { .. }), "{err:?}");
    assert!(text.contains("redirects to http://127.0.0.2"), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_git_redirect_on_the_same_host_is_followed_with_the_token() {
    // A renamed repository: the old path redirects to the new one on the same host.
    let git = Hostile::start("127.0.0.1", move |r| {
        if r.path().starts_with("/acme/old.git") {
            let new = r.path().replacen("/acme/old.git", "/acme/rocket.git", 1);
            Answer::status(301).header("location", &new)
        } else {
            Answer::status(404)
        }
    });
    let err = fetch_from(&git, format!("{}/acme/old.git", git.url())).await;
    let seen = git.requests();
    assert_eq!(seen.len(), 2, "{seen:?}");
    assert!(seen[1].path().starts_with("/acme/rocket.git/info/refs"));
    assert!(seen.iter().all(Request::has_authorization));
    assert!(err.to_string().contains("was not found"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_token_is_never_on_screen() {
    use ratatui::crossterm::event::KeyCode;
    let mut h = common::Harness::start().await;
    let token = cockpit::fakehub::DEMO_TOKEN;
    let mut seen = vec![h.wait_until("dashboard", common::every_panel_loaded).await];
    h.key('?');
    seen.push(h.wait_for("cockpit keys").await);
    h.code(KeyCode::Esc);
    seen.push(h.wait_gone("cockpit keys").await);
    for panel in ['1', '3', '4', '5'] {
        h.key(panel);
        h.code(KeyCode::Enter);
        seen.push(h.wait_for("Esc back").await);
        h.code(KeyCode::Esc);
        seen.push(h.wait_gone("Esc back").await);
    }
    for s in &seen {
        assert!(!s.contains(token), "{s}");
    }
    h.quit().await;
}
