//! fakehub's HTTP behaviour: pagination, ETags, rate limits, auth, errors and faults.

mod fakehub_support;

use std::time::{Duration, Instant};

use cockpit::fakehub::{Fault, FaultKind, DEMO_TOKEN};
use fakehub_support::{header, remaining, start};
use reqwest::Method;
use serde_json::{json, Value};

#[tokio::test(flavor = "multi_thread")]
async fn pagination_uses_link_headers_and_keeps_other_params() {
    let api = start().await;
    let mut seen = Vec::new();
    let mut url = api.url("/repos/acme/rocket/issues?state=all&per_page=10");
    let mut pages = 0;
    loop {
        let r = api
            .http
            .get(&url)
            .bearer_auth(DEMO_TOKEN)
            .send()
            .await
            .expect("request");
        assert_eq!(r.status(), 200);
        let link = header(&r, "link");
        pages += 1;
        if pages == 1 {
            assert!(link.contains("page=2>; rel=\"next\""), "{link}");
            assert!(link.contains("rel=\"last\""), "{link}");
            assert!(!link.contains("rel=\"prev\""), "{link}");
            assert!(link.contains("state=all"), "{link}");
            assert!(link.contains("per_page=10"), "{link}");
            assert!(link.starts_with(&format!(
                "<{}/repos/acme/rocket/issues?",
                api.hub.base_url()
            )));
        }
        if pages == 2 {
            for rel in ["prev", "next", "last", "first"] {
                assert!(link.contains(&format!("rel=\"{rel}\"")), "{rel} in {link}");
            }
        }
        let items: Vec<Value> = r.json().await.expect("json");
        assert!(items.len() <= 10);
        seen.extend(items.iter().map(|i| i["number"].as_u64().unwrap_or(0)));
        let next = link
            .split(", ")
            .find(|l| l.ends_with("rel=\"next\""))
            .map(|l| l[1..l.find('>').unwrap_or(1)].to_string());
        match next {
            Some(n) => url = n,
            None => {
                assert!(link.contains("rel=\"first\"") && !link.contains("rel=\"next\""));
                break;
            }
        }
    }
    assert_eq!(pages, 4);
    assert_eq!(seen.len(), 34, "30 issues and 4 pull requests");
    let mut sorted = seen.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(sorted.len(), seen.len(), "no duplicates across pages");
    // Newest first by default.
    assert_eq!(seen[0], 48);

    // per_page is capped at 100; a page past the end is empty.
    let r = api
        .get("/repos/acme/rocket/issues?state=all&per_page=500")
        .await;
    assert_eq!(header(&r, "link"), "");
    let all: Vec<Value> = r.json().await.expect("json");
    assert_eq!(all.len(), 34);
    let past = api.json("/repos/acme/rocket/issues?page=9").await;
    assert_eq!(past, json!([]));
}

#[tokio::test(flavor = "multi_thread")]
async fn etag_gives_304_that_is_not_counted() {
    let api = start().await;
    let r = api.get("/repos/acme/rocket/issues/42").await;
    assert_eq!(r.status(), 200);
    let etag = header(&r, "etag");
    assert!(etag.starts_with("W/\"") && etag.ends_with('"'), "{etag}");
    let before = remaining(&r);

    let r = api
        .http
        .get(api.url("/repos/acme/rocket/issues/42"))
        .bearer_auth(DEMO_TOKEN)
        .header("if-none-match", &etag)
        .send()
        .await
        .expect("request");
    assert_eq!(r.status(), 304);
    assert_eq!(remaining(&r), before, "a 304 does not count");
    assert_eq!(header(&r, "etag"), etag);
    assert!(r.bytes().await.expect("body").is_empty());
    let last = api.hub.requests().pop().expect("recorded");
    assert_eq!((last.status, last.counted), (304, false));

    // A change makes the ETag change.
    let r = api
        .post(
            "/repos/acme/rocket/issues/42/comments",
            json!({"body": "Working on it."}),
        )
        .await;
    assert_eq!(r.status(), 201);
    let r = api
        .http
        .get(api.url("/repos/acme/rocket/issues/42"))
        .bearer_auth(DEMO_TOKEN)
        .header("if-none-match", &etag)
        .send()
        .await
        .expect("request");
    assert_eq!(r.status(), 200);
    assert_ne!(header(&r, "etag"), etag);
}

#[tokio::test(flavor = "multi_thread")]
async fn rate_limit_headers_count_down_and_exhaustion_gives_403() {
    let api = start().await;
    let r1 = api.get("/repos/acme/rocket").await;
    let r2 = api.get("/repos/acme/rocket/labels").await;
    assert_eq!(header(&r1, "x-ratelimit-limit"), "5000");
    assert_eq!(header(&r1, "x-ratelimit-resource"), "core");
    assert_eq!(remaining(&r1), 4999);
    assert_eq!(remaining(&r2), 4998);
    assert_eq!(header(&r2, "x-ratelimit-used"), "2");
    assert!(header(&r2, "x-ratelimit-reset").parse::<i64>().is_ok());
    assert_eq!(header(&r2, "x-oauth-scopes"), "repo, read:org, workflow");
    assert!(!header(&r2, "x-github-request-id").is_empty());
    assert_eq!(api.hub.rate_remaining(DEMO_TOKEN), 4998);

    // /rate_limit is free and reports the same numbers.
    let rl = api.json("/rate_limit").await;
    assert_eq!(rl["resources"]["core"]["remaining"], 4998);
    assert_eq!(rl["rate"]["used"], 2);
    assert_eq!(api.hub.rate_remaining(DEMO_TOKEN), 4998);

    // Anonymous clients get 60 an hour, then 403 with GitHub's message.
    let mut last = None;
    for _ in 0..60 {
        let r = api
            .send(Method::GET, "/repos/acme/rocket/labels", None, None)
            .await;
        assert_eq!(r.status(), 200);
        last = Some(remaining(&r));
    }
    assert_eq!(last, Some(0));
    let r = api
        .send(Method::GET, "/repos/acme/rocket/labels", None, None)
        .await;
    assert_eq!(r.status(), 403);
    assert_eq!(remaining(&r), 0);
    let body: Value = r.json().await.expect("json");
    let msg = body["message"].as_str().unwrap_or_default();
    assert!(
        msg.starts_with("API rate limit exceeded for 127.0.0.1."),
        "{msg}"
    );
    assert!(body["documentation_url"].is_string());
    // The authenticated user is unaffected; a new hour resets the anonymous window.
    assert_eq!(api.get("/repos/acme/rocket").await.status(), 200);
    api.advance(3601);
    let r = api
        .send(Method::GET, "/repos/acme/rocket/labels", None, None)
        .await;
    assert_eq!((r.status().as_u16(), remaining(&r)), (200, 59));
}

#[tokio::test(flavor = "multi_thread")]
async fn auth_errors_look_like_github() {
    let api = start().await;
    let r = api
        .send(Method::GET, "/repos/acme/rocket", Some("nope"), None)
        .await;
    assert_eq!(r.status(), 401);
    let body: Value = r.json().await.expect("json");
    assert_eq!(body["message"], "Bad credentials");
    assert_eq!(body["documentation_url"], "https://docs.github.com/rest");
    assert_eq!(body["status"], "401");

    // `token X` works like `Bearer X`.
    let r = api
        .http
        .get(api.url("/user"))
        .header("authorization", format!("token {DEMO_TOKEN}"))
        .send()
        .await
        .expect("request");
    assert_eq!(r.status(), 200);
    let me: Value = r.json().await.expect("json");
    assert_eq!(me["login"], "octodemo");
    assert_eq!(me["type"], "User");

    // Anonymous: public reads work, /user and private repositories do not.
    let r = api.send(Method::GET, "/user", None, None).await;
    assert_eq!(r.status(), 401);
    let body: Value = r.json().await.expect("json");
    assert_eq!(body["message"], "Requires authentication");
    let r = api
        .send(Method::GET, "/repos/acme/rocket", None, None)
        .await;
    assert_eq!(r.status(), 200);
    assert_eq!(header(&r, "x-ratelimit-limit"), "60");
    let r = api
        .send(Method::GET, "/repos/acme/launchpad", None, None)
        .await;
    assert_eq!(r.status(), 404);

    // Added and revoked tokens.
    api.hub.add_token("t-dave", "dave", &["repo"]);
    let r = api.send(Method::GET, "/user", Some("t-dave"), None).await;
    assert_eq!(r.status(), 200);
    api.hub.revoke_token("t-dave");
    let r = api.send(Method::GET, "/user", Some("t-dave"), None).await;
    assert_eq!(r.status(), 401);

    let recs = api.hub.requests();
    let last = recs.last().expect("recorded");
    assert!(last.had_authorization_header && last.authorized_as.is_none());
    assert!(!last.counted);
    assert!(recs
        .iter()
        .any(|r| r.authorized_as.as_deref() == Some("octodemo")));
}

#[tokio::test(flavor = "multi_thread")]
async fn errors_have_github_shapes() {
    let api = start().await;
    let r = api.get("/repos/acme/rocket/issues/9999").await;
    assert_eq!(r.status(), 404);
    let body: Value = r.json().await.expect("json");
    assert_eq!(body["message"], "Not Found");
    assert!(body["documentation_url"].is_string());
    assert_eq!(api.get("/repos/acme/nope").await.status(), 404);
    assert_eq!(api.get("/repos/acme/rocket/issues/abc").await.status(), 404);

    let r = api
        .http
        .patch(api.url("/repos/acme/rocket/issues/42"))
        .bearer_auth(DEMO_TOKEN)
        .body("{\"state\": ")
        .send()
        .await
        .expect("request");
    assert_eq!(r.status(), 400);
    let body: Value = r.json().await.expect("json");
    assert_eq!(body["message"], "Problems parsing JSON");

    let r = api
        .post("/repos/acme/rocket/issues/42/comments", json!({}))
        .await;
    assert_eq!(r.status(), 422);
    let body: Value = r.json().await.expect("json");
    assert_eq!(body["message"], "Validation Failed");
    assert_eq!(
        body["errors"],
        json!([{"resource": "IssueComment", "code": "missing_field", "field": "body"}])
    );

    let r = api.get("/repos/acme/rocket/issues?state=weird").await;
    assert_eq!(r.status(), 422);
}

#[tokio::test(flavor = "multi_thread")]
async fn faults_status_malformed_latency_and_rate_limit() {
    let api = start().await;
    api.hub.set_fault(Fault {
        path_contains: Some("/labels".into()),
        kind: FaultKind::Status(502),
        times: Some(1),
    });
    let r = api.get("/repos/acme/rocket/labels").await;
    assert_eq!(r.status(), 502);
    let body: Value = r.json().await.expect("json error body");
    assert!(body["message"].is_string());
    assert_eq!(api.get("/repos/acme/rocket/labels").await.status(), 200);
    assert_eq!(api.get("/repos/acme/rocket").await.status(), 200);

    api.hub.set_fault(Fault {
        path_contains: None,
        kind: FaultKind::MalformedJson,
        times: None,
    });
    for path in ["/repos/acme/rocket", "/user"] {
        let r = api.get(path).await;
        assert_eq!(r.status(), 200);
        let text = r.text().await.expect("text");
        assert!(serde_json::from_str::<Value>(&text).is_err(), "{text}");
    }
    api.hub.clear_faults();
    assert!(api.get("/user").await.json::<Value>().await.is_ok());

    // Long enough that an undelayed request on a busy machine never takes as long.
    let latency = Duration::from_secs(2);
    api.hub.set_fault(Fault {
        path_contains: Some("/repos/acme/rocket/pulls".into()),
        kind: FaultKind::Latency(latency),
        times: Some(1),
    });
    let t = Instant::now();
    assert_eq!(api.get("/repos/acme/rocket/pulls").await.status(), 200);
    assert!(t.elapsed() >= latency);
    let t = Instant::now();
    assert_eq!(api.get("/repos/acme/rocket/pulls").await.status(), 200);
    assert!(t.elapsed() < latency);

    api.hub.set_fault(Fault {
        path_contains: None,
        kind: FaultKind::RateLimitExhausted,
        times: Some(1),
    });
    let r = api.get("/repos/acme/rocket").await;
    assert_eq!(r.status(), 403);
    assert_eq!(remaining(&r), 0);
    let body: Value = r.json().await.expect("json");
    assert!(body["message"]
        .as_str()
        .unwrap_or_default()
        .starts_with("API rate limit exceeded for user ID 149000001."));
    assert_eq!(api.get("/repos/acme/rocket").await.status(), 200);
}

#[tokio::test(flavor = "multi_thread")]
async fn admin_surface_drives_a_hub_over_http() {
    let api = start().await;
    let admin = |p: &str| api.url(&format!("/_fakehub{p}"));
    let r = api
        .http
        .post(admin("/faults"))
        .json(&json!({"path_contains": "/labels", "kind": "status", "status": 503, "times": 2}))
        .send()
        .await
        .expect("request");
    assert_eq!(r.status(), 201);
    assert_eq!(api.get("/repos/acme/rocket/labels").await.status(), 503);
    let r = api
        .http
        .delete(admin("/faults"))
        .send()
        .await
        .expect("request");
    assert_eq!(r.status(), 204);
    assert_eq!(api.get("/repos/acme/rocket/labels").await.status(), 200);

    let r = api
        .http
        .post(admin("/clock/advance"))
        .json(&json!({"secs": 90}))
        .send()
        .await
        .expect("request");
    let v: Value = r.json().await.expect("json");
    assert_eq!(v["now"], "2026-11-22T10:01:30Z");
    assert_eq!(
        api.hub.clock().now(),
        fakehub_support::t0() + chrono::TimeDelta::seconds(90)
    );

    let r = api
        .http
        .post(admin("/faults"))
        .json(&json!({"kind": "bogus"}))
        .send()
        .await
        .expect("request");
    assert_eq!(r.status(), 400);

    let recs: Vec<Value> = api
        .http
        .get(admin("/requests"))
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("json");
    assert_eq!(recs.len(), 2, "admin calls are not recorded: {recs:?}");
    assert_eq!(recs[0]["status"], 503);
    assert_eq!(recs[1]["path_and_query"], "/repos/acme/rocket/labels");
}

#[tokio::test(flavor = "multi_thread")]
async fn html_urls_answer_with_a_page_and_drop_stops_the_server() {
    let api = start().await;
    let issue = api.json("/repos/acme/rocket/issues/42").await;
    let html = issue["html_url"].as_str().unwrap_or_default().to_string();
    assert_eq!(
        html,
        format!("{}/acme/rocket/issues/42", api.hub.base_url())
    );
    let r = api.http.get(&html).send().await.expect("request");
    assert_eq!(r.status(), 200);
    assert!(header(&r, "content-type").starts_with("text/html"));

    let fakehub_support::Api { hub, http } = api;
    let url = format!("{}/repos/acme/rocket", hub.base_url());
    drop(hub);
    let fresh = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .expect("client");
    // Dropping aborts the server's tasks; the listener closes once the runtime gets to them.
    let deadline = Instant::now() + Duration::from_secs(60);
    while fresh.get(&url).send().await.is_ok() {
        assert!(Instant::now() < deadline, "server stopped");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    drop(http);
}

#[tokio::test(flavor = "multi_thread")]
async fn serve_forever_only_listens_on_loopback() {
    let scenario = cockpit::fakehub::Scenario::demo();
    let addr: std::net::SocketAddr = "0.0.0.0:0".parse().expect("addr");
    let err = cockpit::fakehub::serve_forever(addr, scenario)
        .await
        .expect_err("refused");
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
    assert!(cockpit::fakehub::Scenario::from_json("{\"users\": []}").is_err());
}
