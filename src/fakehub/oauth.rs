//! GitHub's OAuth device flow (RFC 8628), as github.com serves it on the web host rather than
//! the API: `POST /login/device/code` hands out a device code and a user code, and
//! `POST /login/oauth/access_token` answers `authorization_pending`, `slow_down`,
//! `expired_token`, `access_denied` or the token. Like GitHub, errors come back with status 200
//! and an `error` field, as JSON when the client asks for it and form-encoded otherwise.
//!
//! Nobody types the user code into a browser here, so a test approves it instead:
//!
//! | request | body | effect |
//! |---|---|---|
//! | `GET /_fakehub/oauth/pending` | | user codes still waiting, oldest first |
//! | `POST /_fakehub/oauth/approve` | `{"user_code":..,"login":..,"scopes":[..]}` | the next poll gets a token for `login` (scopes default to the requested ones) |
//! | `POST /_fakehub/oauth/deny` | `{"user_code":..}` | the next poll gets `access_denied` |
//!
//! Time comes from the fakehub's [`Clock`](super::Clock), so a test with a manual clock decides
//! how fast the client "polls" and when the code expires.

use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::sync::{Arc, Mutex};

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use chrono::{DateTime, TimeDelta, Utc};
use serde::Deserialize;
use serde_json::{json, Value};

use super::server::{lock, Shared};
use super::FakeHub;

/// Seconds a device code lives, and the first polling interval (GitHub's numbers).
const EXPIRES_IN: i64 = 900;
const INTERVAL: i64 = 5;
const GRANT_TYPE: &str = "urn:ietf:params:oauth:grant-type:device_code";
const ERROR_DOCS: &str = "https://docs.github.com/developers/apps/authorizing-oauth-apps#error-codes-for-the-device-flow";

/// The device codes handed out so far.
#[derive(Default)]
pub(crate) struct DeviceFlows {
    inner: Mutex<Vec<Grant>>,
    random: RandomState,
}

struct Grant {
    device_code: String,
    user_code: String,
    client_id: String,
    scopes: Vec<String>,
    expires_at: DateTime<Utc>,
    interval: i64,
    last_poll: Option<DateTime<Utc>>,
    state: GrantState,
}

enum GrantState {
    Waiting,
    Approved {
        login: String,
        scopes: Vec<String>,
    },
    Denied,
    /// The token was handed out; the device code is spent.
    Exchanged,
}

impl DeviceFlows {
    fn random_u64(&self, salt: u64) -> u64 {
        self.random
            .hash_one((salt, std::time::SystemTime::now(), std::process::id()))
    }

    fn issue(&self, client_id: &str, scopes: Vec<String>, now: DateTime<Utc>) -> Value {
        let mut grants = lock(&self.inner);
        let n = grants.len() as u64;
        let device_code = format!(
            "{:016x}{:016x}{:08x}",
            self.random_u64(n),
            self.random_u64(n + 1_000),
            n
        );
        // GitHub's user codes: eight letters without vowels, split in two.
        const LETTERS: &[u8] = b"BCDFGHJKLMNPQRSTVWXZ";
        let mut r = self.random_u64(n + 2_000);
        let mut user_code = String::new();
        for i in 0..8 {
            if i == 4 {
                user_code.push('-');
            }
            user_code.push(char::from(LETTERS[(r % LETTERS.len() as u64) as usize]));
            r /= LETTERS.len() as u64;
        }
        grants.push(Grant {
            device_code: device_code.clone(),
            user_code: user_code.clone(),
            client_id: client_id.to_string(),
            scopes,
            expires_at: now + TimeDelta::seconds(EXPIRES_IN),
            interval: INTERVAL,
            last_poll: None,
            state: GrantState::Waiting,
        });
        json!({
            "device_code": device_code,
            "user_code": user_code,
            "expires_in": EXPIRES_IN,
            "interval": INTERVAL,
        })
    }

    fn set_state(&self, user_code: &str, state: GrantState) -> bool {
        let mut grants = lock(&self.inner);
        match grants
            .iter_mut()
            .find(|g| g.user_code.eq_ignore_ascii_case(user_code))
        {
            Some(g) if matches!(g.state, GrantState::Waiting) => {
                g.state = state;
                true
            }
            _ => false,
        }
    }

    fn requested_scopes(&self, user_code: &str) -> Option<Vec<String>> {
        lock(&self.inner)
            .iter()
            .find(|g| g.user_code.eq_ignore_ascii_case(user_code))
            .map(|g| g.scopes.clone())
    }

    fn pending(&self, now: DateTime<Utc>) -> Vec<String> {
        lock(&self.inner)
            .iter()
            .filter(|g| matches!(g.state, GrantState::Waiting) && now < g.expires_at)
            .map(|g| g.user_code.clone())
            .collect()
    }
}

/// The outcome of one poll: the token and its scopes, or an RFC 8628 error code.
enum Poll {
    Token {
        login: String,
        scopes: Vec<String>,
    },
    Error {
        code: &'static str,
        description: &'static str,
        interval: Option<i64>,
    },
}

fn error(code: &'static str, description: &'static str) -> Poll {
    Poll::Error {
        code,
        description,
        interval: None,
    }
}

fn poll(
    flows: &DeviceFlows,
    client_id: &str,
    device_code: &str,
    grant_type: &str,
    now: DateTime<Utc>,
) -> Poll {
    if grant_type != GRANT_TYPE {
        return error("unsupported_grant_type", "The grant type is not supported.");
    }
    let mut grants = lock(&flows.inner);
    let Some(g) = grants.iter_mut().find(|g| g.device_code == device_code) else {
        return error(
            "incorrect_device_code",
            "The device_code provided is not valid.",
        );
    };
    if g.client_id != client_id {
        return error(
            "incorrect_client_credentials",
            "The client_id is not valid for this device code.",
        );
    }
    if matches!(g.state, GrantState::Exchanged) {
        return error("incorrect_device_code", "The device_code was already used.");
    }
    if now >= g.expires_at {
        return error("expired_token", "The device_code has expired.");
    }
    if matches!(g.state, GrantState::Denied) {
        return error(
            "access_denied",
            "The user has denied your application access.",
        );
    }
    // Polling faster than the interval earns a slow_down and 5 more seconds, as on GitHub.
    let too_fast = g
        .last_poll
        .is_some_and(|last| now - last < TimeDelta::seconds(g.interval));
    g.last_poll = Some(now);
    if too_fast {
        g.interval += 5;
        return Poll::Error {
            code: "slow_down",
            description: "Too many requests have been made in the same timeframe.",
            interval: Some(g.interval),
        };
    }
    match std::mem::replace(&mut g.state, GrantState::Exchanged) {
        GrantState::Approved { login, scopes } => Poll::Token { login, scopes },
        other => {
            g.state = other;
            error(
                "authorization_pending",
                "The authorization request is still pending.",
            )
        }
    }
}

/// The routes, merged into the API listener's router by `server::spawn`.
pub(crate) fn routes() -> Router<Arc<Shared>> {
    Router::new()
        .route("/login/device/code", post(device_code))
        .route("/login/oauth/access_token", post(access_token))
        .route("/_fakehub/oauth/pending", get(admin_pending))
        .route("/_fakehub/oauth/approve", post(admin_approve))
        .route("/_fakehub/oauth/deny", post(admin_deny))
}

/// Form or JSON parameters, whichever the client sent (GitHub takes both).
fn params(headers: &HeaderMap, body: &[u8]) -> Vec<(String, String)> {
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("json"));
    if json {
        let v: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
        v.as_object()
            .map(|o| {
                o.iter()
                    .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
                    .collect()
            })
            .unwrap_or_default()
    } else {
        url::form_urlencoded::parse(body).into_owned().collect()
    }
}

fn param<'a>(p: &'a [(String, String)], name: &str) -> &'a str {
    p.iter()
        .find(|(k, _)| k == name)
        .map_or("", |(_, v)| v.as_str())
}

/// GitHub answers form-encoded unless the client asks for JSON.
fn answer(headers: &HeaderMap, status: u16, v: &Value) -> Response {
    let wants_json = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("json"));
    let (body, ctype) = if wants_json {
        (v.to_string(), "application/json; charset=utf-8")
    } else {
        let mut form = url::form_urlencoded::Serializer::new(String::new());
        if let Some(o) = v.as_object() {
            for (k, v) in o {
                match v {
                    Value::String(s) => form.append_pair(k, s),
                    other => form.append_pair(k, &other.to_string()),
                };
            }
        }
        (
            form.finish(),
            "application/x-www-form-urlencoded; charset=utf-8",
        )
    };
    let mut r = Response::new(Body::from(body));
    *r.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(ctype));
    r
}

async fn device_code(State(sh): State<Arc<Shared>>, headers: HeaderMap, body: Bytes) -> Response {
    let p = params(&headers, &body);
    let client_id = param(&p, "client_id");
    if client_id.is_empty() {
        return answer(
            &headers,
            400,
            &json!({"error": "incorrect_client_credentials",
                    "error_description": "client_id is required.", "error_uri": ERROR_DOCS}),
        );
    }
    let scopes = param(&p, "scope")
        .split([' ', ','])
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    let mut v = sh.oauth.issue(client_id, scopes, sh.clock.now());
    if let Some(o) = v.as_object_mut() {
        o.insert(
            "verification_uri".into(),
            Value::String(format!("{}/login/device", sh.api_base)),
        );
    }
    answer(&headers, 200, &v)
}

async fn access_token(State(sh): State<Arc<Shared>>, headers: HeaderMap, body: Bytes) -> Response {
    let p = params(&headers, &body);
    let outcome = poll(
        &sh.oauth,
        param(&p, "client_id"),
        param(&p, "device_code"),
        param(&p, "grant_type"),
        sh.clock.now(),
    );
    match outcome {
        Poll::Token { login, scopes } => {
            let n = sh.oauth.random_u64(lock(&sh.oauth.inner).len() as u64);
            let token = format!("gho_fakehub{n:020x}{:08x}", n.rotate_left(17) as u32);
            let refs: Vec<&str> = scopes.iter().map(String::as_str).collect();
            super::add_token_to(&mut sh.world(), &token, &login, &refs);
            answer(
                &headers,
                200,
                &json!({"access_token": token, "token_type": "bearer", "scope": scopes.join(",")}),
            )
        }
        Poll::Error {
            code,
            description,
            interval,
        } => {
            let mut v =
                json!({"error": code, "error_description": description, "error_uri": ERROR_DOCS});
            if let (Some(i), Some(o)) = (interval, v.as_object_mut()) {
                o.insert("interval".into(), json!(i));
            }
            answer(&headers, 200, &v)
        }
    }
}

#[derive(Deserialize)]
struct ApproveBody {
    user_code: String,
    login: String,
    #[serde(default)]
    scopes: Option<Vec<String>>,
}

#[derive(Deserialize)]
struct DenyBody {
    user_code: String,
}

fn admin_reply(status: u16, v: &Value) -> Response {
    let mut r = Response::new(Body::from(v.to_string()));
    *r.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    r
}

async fn admin_pending(State(sh): State<Arc<Shared>>) -> Response {
    admin_reply(200, &json!(sh.oauth.pending(sh.clock.now())))
}

async fn admin_approve(State(sh): State<Arc<Shared>>, body: Bytes) -> Response {
    match serde_json::from_slice::<ApproveBody>(&body) {
        Ok(b) => {
            let ok = approve(&sh, &b.user_code, &b.login, b.scopes);
            admin_reply(if ok { 200 } else { 404 }, &json!({"approved": ok}))
        }
        Err(e) => admin_reply(400, &json!({"message": e.to_string()})),
    }
}

async fn admin_deny(State(sh): State<Arc<Shared>>, body: Bytes) -> Response {
    match serde_json::from_slice::<DenyBody>(&body) {
        Ok(b) => {
            let ok = sh.oauth.set_state(&b.user_code, GrantState::Denied);
            admin_reply(if ok { 200 } else { 404 }, &json!({"denied": ok}))
        }
        Err(e) => admin_reply(400, &json!({"message": e.to_string()})),
    }
}

fn approve(sh: &Shared, user_code: &str, login: &str, scopes: Option<Vec<String>>) -> bool {
    let Some(requested) = sh.oauth.requested_scopes(user_code) else {
        return false;
    };
    sh.oauth.set_state(
        user_code,
        GrantState::Approved {
            login: login.to_string(),
            scopes: scopes.unwrap_or(requested),
        },
    )
}

impl FakeHub {
    /// User codes waiting for approval, oldest first.
    pub fn pending_device_codes(&self) -> Vec<String> {
        self.shared.oauth.pending(self.shared.clock.now())
    }

    /// Approves a waiting user code as `login` (who must exist or becomes a new user) with
    /// `scopes`, or the scopes the client asked for. False when the code is unknown or no longer
    /// waiting.
    pub fn approve_device(&self, user_code: &str, login: &str, scopes: Option<&[&str]>) -> bool {
        let scopes = scopes.map(|s| s.iter().map(|x| x.to_string()).collect());
        approve(&self.shared, user_code, login, scopes)
    }

    /// The user says no.
    pub fn deny_device(&self, user_code: &str) -> bool {
        self.shared.oauth.set_state(user_code, GrantState::Denied)
    }
}
