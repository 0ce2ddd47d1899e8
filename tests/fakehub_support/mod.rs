//! Shared helpers for the fakehub tests: a hub on a manual clock and a small HTTP client.
#![allow(dead_code)]

use std::time::Duration;

use chrono::{DateTime, Utc};
use cockpit::fakehub::{Clock, FakeHub, Scenario, DEMO_TOKEN};
use reqwest::{Method, Response};
use serde_json::Value;

pub const T0: &str = "2026-11-22T10:00:00Z";

pub fn t0() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(T0)
        .expect("valid time")
        .to_utc()
}

pub struct Api {
    pub hub: FakeHub,
    pub http: reqwest::Client,
}

pub async fn start() -> Api {
    // reqwest is built without a default TLS provider; plain http still wants one installed.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let hub = FakeHub::start(Scenario::demo(), Clock::manual(t0()))
        .await
        .expect("fakehub starts");
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    Api { hub, http }
}

impl Api {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.hub.base_url())
    }

    pub fn advance(&self, secs: u64) {
        self.hub.clock().advance(Duration::from_secs(secs));
    }

    pub async fn send(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Response {
        let mut rb = self.http.request(method, self.url(path));
        if let Some(t) = token {
            rb = rb.header("authorization", format!("Bearer {t}"));
        }
        if let Some(b) = body {
            rb = rb.json(&b);
        }
        rb.send().await.expect("request")
    }

    pub async fn get(&self, path: &str) -> Response {
        self.send(Method::GET, path, Some(DEMO_TOKEN), None).await
    }

    /// GET as the demo user, asserting 200, returning the JSON body.
    pub async fn json(&self, path: &str) -> Value {
        let r = self.get(path).await;
        assert_eq!(r.status(), 200, "GET {path}");
        r.json().await.expect("json body")
    }

    pub async fn post(&self, path: &str, body: Value) -> Response {
        self.send(Method::POST, path, Some(DEMO_TOKEN), Some(body))
            .await
    }

    pub async fn run(&self, id: u64) -> Value {
        self.json(&format!("/repos/acme/rocket/actions/runs/{id}"))
            .await
    }

    pub async fn jobs(&self, id: u64) -> Vec<Value> {
        let v = self
            .json(&format!("/repos/acme/rocket/actions/runs/{id}/jobs"))
            .await;
        v["jobs"].as_array().cloned().unwrap_or_default()
    }
}

pub fn header(r: &Response, name: &str) -> String {
    r.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

pub fn remaining(r: &Response) -> u32 {
    header(r, "x-ratelimit-remaining")
        .parse()
        .expect("remaining header")
}
