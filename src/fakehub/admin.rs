//! `/_fakehub/*`: control of a fakehub from another process (end-to-end tests). No auth, not
//! rate limited, not recorded.
//!
//! | request | body | effect |
//! |---|---|---|
//! | `POST /_fakehub/faults` | `{"path_contains":..,"kind":"status"\|"latency"\|"malformed_json"\|"rate_limit_exhausted","status":..,"latency_ms":..,"times":..}` | adds a fault |
//! | `DELETE /_fakehub/faults` | | clears faults |
//!
//! `path_contains` is text the path and query contain, or a route: `*` for one path segment
//! and a final `$` for the end of the path (`/pulls/*$`: a single pull request, not its
//! reviews).
//! | `POST /_fakehub/clock/advance` | `{"secs": N}` | moves the clock |
//! | `GET /_fakehub/clock` | | `{"now": ..}` |
//! | `GET /_fakehub/requests` | | every request served |
//! | `POST /_fakehub/branches` | `{"branch":..,"sha":..}` | sets a branch head |
//! | `POST /_fakehub/tokens` | `{"token":..,"login":..,"scopes":[..]}` | adds a token |
//! | `DELETE /_fakehub/tokens/{token}` | | revokes it |

use std::time::Duration;

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode};
use axum::response::Response;
use serde::Deserialize;
use serde_json::{json, Value};

use super::render::ts;
use super::server::Shared;
use super::{Fault, FaultKind};

fn reply(status: u16, v: &Value) -> Response {
    let mut r = Response::new(Body::from(v.to_string()));
    *r.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
    r.headers_mut().insert(
        "content-type",
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    r
}

fn bad(message: impl std::fmt::Display) -> Response {
    reply(400, &json!({"message": message.to_string()}))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FaultBody {
    #[serde(default)]
    path_contains: Option<String>,
    kind: String,
    #[serde(default)]
    status: Option<u16>,
    #[serde(default)]
    latency_ms: Option<u64>,
    #[serde(default)]
    times: Option<u32>,
}

#[derive(Deserialize)]
struct AdvanceBody {
    secs: f64,
}

#[derive(Deserialize)]
struct BranchBody {
    branch: String,
    sha: String,
}

#[derive(Deserialize)]
struct TokenBody {
    token: String,
    login: String,
    #[serde(default)]
    scopes: Vec<String>,
}

pub(crate) fn handle(sh: &Shared, method: &str, path: &str, body: &[u8]) -> Response {
    let rest = path.trim_start_matches("/_fakehub").trim_end_matches('/');
    match (method, rest) {
        ("POST", "/faults") => {
            let f: FaultBody = match serde_json::from_slice(body) {
                Ok(f) => f,
                Err(e) => return bad(e),
            };
            let kind = match f.kind.as_str() {
                "status" => match f.status {
                    Some(s) if (100..=599).contains(&s) => FaultKind::Status(s),
                    _ => return bad("kind status needs \"status\": 100..=599"),
                },
                "latency" => {
                    FaultKind::Latency(Duration::from_millis(f.latency_ms.unwrap_or(1000)))
                }
                "malformed_json" => FaultKind::MalformedJson,
                "rate_limit_exhausted" => FaultKind::RateLimitExhausted,
                other => return bad(format!("unknown fault kind {other}")),
            };
            super::add_fault(
                sh,
                Fault {
                    path_contains: f.path_contains,
                    kind,
                    times: f.times,
                },
            );
            reply(201, &json!({}))
        }
        ("DELETE", "/faults") => {
            sh.control().faults.clear();
            reply(204, &json!({})).map(|_| Body::empty())
        }
        ("GET", "/clock") => reply(200, &json!({"now": ts(sh.clock.now())})),
        ("POST", "/clock/advance") => {
            let a: AdvanceBody = match serde_json::from_slice(body) {
                Ok(a) => a,
                Err(e) => return bad(e),
            };
            if !a.secs.is_finite() || a.secs < 0.0 {
                return bad("secs must be a non-negative number");
            }
            sh.clock.advance(Duration::from_secs_f64(a.secs));
            reply(200, &json!({"now": ts(sh.clock.now())}))
        }
        ("GET", "/requests") => {
            let reqs = sh.control().requests.clone();
            reply(200, &serde_json::to_value(reqs).unwrap_or(Value::Null))
        }
        ("POST", "/branches") => {
            let b: BranchBody = match serde_json::from_slice(body) {
                Ok(b) => b,
                Err(e) => return bad(e),
            };
            if b.sha.len() != 40 || !b.sha.bytes().all(|c| c.is_ascii_hexdigit()) {
                return bad("sha must be 40 hex digits");
            }
            super::set_branch(sh, &b.branch, &b.sha);
            reply(200, &json!({}))
        }
        ("POST", "/tokens") => {
            let t: TokenBody = match serde_json::from_slice(body) {
                Ok(t) => t,
                Err(e) => return bad(e),
            };
            let scopes: Vec<&str> = t.scopes.iter().map(String::as_str).collect();
            super::add_token_to(&mut sh.world(), &t.token, &t.login, &scopes);
            reply(201, &json!({}))
        }
        ("DELETE", p) if p.starts_with("/tokens/") => {
            let token = &p["/tokens/".len()..];
            if let Some(t) = sh.world().tokens.get_mut(token) {
                t.revoked = true;
            }
            reply(204, &json!({})).map(|_| Body::empty())
        }
        _ => reply(404, &json!({"message": "Not Found"})),
    }
}
