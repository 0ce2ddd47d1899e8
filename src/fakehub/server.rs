//! The HTTP side: two axum listeners on 127.0.0.1 (the REST API with its admin surface, and a
//! "blob storage" host for logs), and everything that wraps each API request: authentication,
//! rate limiting, faults, ETags / 304s, request recording and GitHub's headers.

use std::collections::HashMap;
use std::hash::BuildHasher;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};

use axum::body::{to_bytes, Body};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use axum::Router;
use serde_json::{json, Value};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

use super::api::{self, ApiError, RateSnapshot, Reply, Req};
use super::clock::Clock;
use super::render::Ctx;
use super::world::World;
use super::{Fault, FaultKind, RequestRecord};

const USER_LIMIT: u32 = 5000;
const ANON_LIMIT: u32 = 60;
const RATE_DOCS: &str = "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api";
const MAX_BODY: usize = 8 << 20;

pub(crate) struct Shared {
    pub world: Mutex<World>,
    pub clock: Clock,
    pub control: Mutex<Control>,
    pub api_base: String,
    pub blob_base: String,
    signer: std::collections::hash_map::RandomState,
    pub oauth: super::oauth::DeviceFlows,
}

#[derive(Default)]
pub(crate) struct Control {
    pub faults: Vec<ActiveFault>,
    pub requests: Vec<RequestRecord>,
    pub buckets: HashMap<String, Bucket>,
    pub seq: u64,
    /// Logs set by `FakeHub::set_job_log`, by job.
    pub logs: super::logs::LogOverrides,
}

pub(crate) struct ActiveFault {
    pub fault: Fault,
}

pub(crate) struct Bucket {
    pub used: u32,
    pub reset: i64,
}

pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Shared {
    pub fn world(&self) -> MutexGuard<'_, World> {
        lock(&self.world)
    }

    pub fn control(&self) -> MutexGuard<'_, Control> {
        lock(&self.control)
    }

    fn sign(&self, path: &str, exp: i64) -> String {
        format!("{:016x}", self.signer.hash_one((path, exp)))
    }

    /// The rate-limit window of a bucket at now (a new window starts when the last one ended).
    pub fn rate(&self, l: &Limit) -> RateSnapshot {
        let now = self.clock.now().timestamp();
        let mut c = self.control();
        let b = c.buckets.entry(l.key.clone()).or_insert(Bucket {
            used: 0,
            reset: now + l.window,
        });
        if now >= b.reset {
            b.used = 0;
            b.reset = now + l.window;
        }
        RateSnapshot {
            limit: l.limit,
            used: b.used,
            reset: b.reset,
            resource: l.resource,
        }
    }

    fn count(&self, l: &Limit) -> RateSnapshot {
        let snap = self.rate(l);
        let mut c = self.control();
        if let Some(b) = c.buckets.get_mut(&l.key) {
            b.used = (b.used + 1).min(l.limit);
            return RateSnapshot {
                used: b.used,
                ..snap
            };
        }
        snap
    }
}

/// A rate-limit bucket: per user (or per client IP when anonymous) and per resource.
pub(crate) struct Limit {
    pub key: String,
    pub limit: u32,
    pub window: i64,
    pub resource: &'static str,
}

impl Limit {
    /// `who` is `user:LOGIN` or `ip:ADDR`.
    pub fn new(who: &str, resource: &'static str) -> Limit {
        let user = who.starts_with("user:");
        let (limit, window) = match (resource, user) {
            ("search", true) => (30, 60),
            ("search", false) => (10, 60),
            (_, true) => (USER_LIMIT, 3600),
            (_, false) => (ANON_LIMIT, 3600),
        };
        Limit {
            key: format!("{who}:{resource}"),
            limit,
            window,
            resource,
        }
    }
}

/// Binds nothing itself: serves the two given listeners until the tasks are aborted.
pub(crate) fn spawn(
    world: World,
    clock: Clock,
    api: TcpListener,
    blob: TcpListener,
) -> std::io::Result<(Arc<Shared>, Vec<JoinHandle<()>>)> {
    let api_addr = api.local_addr()?;
    let blob_addr = blob.local_addr()?;
    let shared = Arc::new(Shared {
        world: Mutex::new(world),
        clock,
        control: Mutex::new(Control::default()),
        api_base: format!("http://{api_addr}"),
        blob_base: format!("http://{blob_addr}"),
        signer: std::collections::hash_map::RandomState::new(),
        oauth: Default::default(),
    });
    let api_router = Router::new()
        .merge(super::oauth::routes())
        .fallback(api_entry)
        .with_state(shared.clone());
    let blob_router = Router::new()
        .fallback(blob_entry)
        .with_state(shared.clone());
    let t1 = tokio::spawn(async move {
        let _ = axum::serve(
            api,
            api_router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await;
    });
    let t2 = tokio::spawn(async move {
        let _ = axum::serve(blob, blob_router.into_make_service()).await;
    });
    Ok((shared, vec![t1, t2]))
}

// ---------------------------------------------------------------------------------------------
// Responses

fn json_response(status: u16, body: &Value) -> Response {
    let text = serde_json::to_string(body).unwrap_or_else(|_| "{}".into());
    let mut r = Response::new(Body::from(text));
    *r.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    r
}

fn set(r: &mut Response, name: &'static str, value: &str) {
    if let Ok(v) = HeaderValue::from_str(value) {
        r.headers_mut().insert(name, v);
    }
}

fn etag_of(bytes: &[u8]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut h2: u64 = 0x8422_2325_cbf2_9ce4;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
        h2 = h2.rotate_left(5) ^ u64::from(b);
        h2 = h2.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
    format!("W/\"{h:016x}{h2:016x}\"")
}

fn if_none_match_hits(headers: &HeaderMap, etag: &str) -> bool {
    let strip = |s: &str| s.trim().trim_start_matches("W/").to_string();
    let want = strip(etag);
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|t| t.trim() == "*" || strip(t) == want)
}

enum Auth {
    None,
    Token(String),
    Malformed,
}

fn parse_auth(headers: &HeaderMap) -> Auth {
    let Some(v) = headers.get(header::AUTHORIZATION) else {
        return Auth::None;
    };
    let Ok(v) = v.to_str() else {
        return Auth::Malformed;
    };
    let v = v.trim();
    let (scheme, rest) = v.split_once(' ').unwrap_or((v, ""));
    if scheme.eq_ignore_ascii_case("bearer") || scheme.eq_ignore_ascii_case("token") {
        let t = rest.trim();
        if t.is_empty() {
            Auth::Malformed
        } else {
            Auth::Token(t.to_string())
        }
    } else {
        Auth::Malformed
    }
}

fn rate_headers(r: &mut Response, snap: RateSnapshot) {
    set(r, "x-ratelimit-limit", &snap.limit.to_string());
    set(
        r,
        "x-ratelimit-remaining",
        &snap.limit.saturating_sub(snap.used).to_string(),
    );
    set(r, "x-ratelimit-used", &snap.used.to_string());
    set(r, "x-ratelimit-reset", &snap.reset.to_string());
    set(r, "x-ratelimit-resource", snap.resource);
}

// ---------------------------------------------------------------------------------------------
// The API listener

const API_ROOTS: &[&str] = &[
    "user",
    "users",
    "repos",
    "issues",
    "rate_limit",
    "graphql",
    "orgs",
    "search",
    "notifications",
    "meta",
    "zen",
    "octocat",
    "emojis",
    "events",
    "gists",
    "installation",
    "applications",
    "app",
    "avatars",
];

async fn api_entry(
    State(sh): State<Arc<Shared>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    req: Request,
) -> Response {
    let (parts, body) = req.into_parts();
    let path = parts.uri.path().to_string();
    let pq = parts
        .uri
        .path_and_query()
        .map_or_else(|| path.clone(), |p| p.as_str().to_string());
    let body = match to_bytes(body, MAX_BODY).await {
        Ok(b) => b,
        Err(_) => return json_response(413, &ApiError::new(413, "Payload too large").body()),
    };
    if path == "/_fakehub" || path.starts_with("/_fakehub/") {
        return super::admin::handle(&sh, parts.method.as_str(), &path, &body);
    }
    let query = parts.uri.query().unwrap_or_default();
    if let Some(r) = super::git_http::handle(
        &sh,
        parts.method.as_str(),
        &parts.headers,
        &path,
        query,
        &body,
    )
    .await
    {
        return r;
    }
    if parts.method == "GET" {
        if let Some(page) = web_page(&sh, &path) {
            return page;
        }
    }
    let (resp, record) =
        api_request(&sh, &parts.method, &parts.headers, &path, &pq, &body, peer).await;
    sh.control().requests.push(record);
    resp
}

/// html_url targets: a tiny page instead of GitHub's web UI.
fn web_page(sh: &Shared, path: &str) -> Option<Response> {
    let first = path.trim_start_matches('/').split('/').next()?;
    if first.is_empty() || API_ROOTS.contains(&first) {
        return None;
    }
    sh.world().user(first)?;
    let esc = path
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    let html = format!(
        "<!doctype html><meta charset=utf-8><title>fakehub</title>\
         <h1>fakehub</h1><p>This page stands for <code>{esc}</code> on GitHub's web UI; \
         fakehub is a local simulation and has no web pages.</p>"
    );
    let mut r = Response::new(Body::from(html));
    set(&mut r, "content-type", "text/html; charset=utf-8");
    Some(r)
}

#[allow(clippy::too_many_arguments)]
async fn api_request(
    sh: &Arc<Shared>,
    method: &axum::http::Method,
    headers: &HeaderMap,
    path: &str,
    pq: &str,
    body: &[u8],
    peer: SocketAddr,
) -> (Response, RequestRecord) {
    let request_id = {
        let mut c = sh.control();
        c.seq += 1;
        let s = c.seq;
        format!(
            "{:04X}:{:05X}:{:06X}:{:07X}:{:08X}",
            peer.port(),
            s * 7 % 0xFFFFF,
            s * 131 % 0xFFFFFF,
            s,
            sh.clock.now().timestamp() as u64 & 0xFFFF_FFFF
        )
    };
    let had_auth = headers.contains_key(header::AUTHORIZATION);
    let mut record = RequestRecord {
        method: method.as_str().to_string(),
        path_and_query: pq.to_string(),
        status: 0,
        counted: false,
        authorized_as: None,
        had_authorization_header: had_auth,
    };
    let anon_key = format!("ip:{}", peer.ip());

    // Who is asking.
    let (login, scopes) = match parse_auth(headers) {
        Auth::None => (None, None),
        Auth::Malformed => (Some(Err(())), None),
        Auth::Token(t) => {
            let w = sh.world();
            match w.tokens.get(&t).filter(|x| !x.revoked) {
                Some(tok) => (Some(Ok(tok.login.clone())), Some(tok.scopes.clone())),
                None => (Some(Err(())), None),
            }
        }
    };
    let login = match login {
        Some(Err(())) => {
            let mut r = json_response(401, &ApiError::new(401, "Bad credentials").body());
            rate_headers(&mut r, sh.rate(&Limit::new(&anon_key, "core")));
            common_headers(&mut r, &request_id, None);
            record.status = 401;
            return (r, record);
        }
        Some(Ok(l)) => Some(l),
        None => None,
    };
    record.authorized_as = login.clone();
    let who = match &login {
        Some(l) => format!("user:{l}"),
        None => anon_key,
    };
    let is_search = path.starts_with("/search/");
    let lim = Limit::new(&who, if is_search { "search" } else { "core" });
    let scope_header = scopes.as_ref().map(|s| s.join(", "));
    let is_rate_limit = path.trim_end_matches('/') == "/rate_limit";

    // Out of requests?
    let snap = sh.rate(&lim);
    if snap.used >= snap.limit && !is_rate_limit {
        let r = rate_limited(sh, &login, peer, &request_id, snap, scope_header.as_deref());
        record.status = 403;
        return (r, record);
    }

    // Injected faults.
    let mut fault = None;
    for kind in take_faults(sh, pq) {
        match kind {
            FaultKind::Latency(d) => tokio::time::sleep(d).await,
            other => {
                fault = Some(other);
                break;
            }
        }
    }
    if let Some(kind) = fault {
        let (mut r, counted) = match kind {
            FaultKind::Status(code) => (json_response(code, &fault_body(code)), true),
            FaultKind::MalformedJson => {
                let mut r = Response::new(Body::from(r#"{"id": 1, "name": "trunc"#));
                set(&mut r, "content-type", "application/json; charset=utf-8");
                (r, true)
            }
            FaultKind::RateLimitExhausted => {
                let snap = RateSnapshot {
                    used: snap.limit,
                    ..snap
                };
                let r = rate_limited(sh, &login, peer, &request_id, snap, scope_header.as_deref());
                record.status = 403;
                return (r, record);
            }
            FaultKind::Latency(_) => (json_response(500, &fault_body(500)), true),
        };
        let snap = if counted && !is_rate_limit {
            sh.count(&lim)
        } else {
            sh.rate(&lim)
        };
        record.counted = counted && !is_rate_limit;
        rate_headers(&mut r, snap);
        common_headers(&mut r, &request_id, scope_header.as_deref());
        record.status = r.status().as_u16();
        return (r, record);
    }

    // The request itself.
    let query: Vec<(String, String)> = pq
        .split_once('?')
        .map(|(_, q)| {
            url::form_urlencoded::parse(q.as_bytes())
                .into_owned()
                .collect()
        })
        .unwrap_or_default();
    let ctx = Ctx {
        api: sh.api_base.clone(),
        now: sh.clock.now(),
        viewer: login.clone(),
    };
    let sign = |p: &str, exp: i64| sh.sign(p, exp);
    let req = Req {
        method: method.as_str(),
        path,
        query,
        body,
        scopes: scopes.as_deref(),
        rate: sh.rate(&Limit::new(&who, "core")),
        search: sh.rate(&Limit::new(&who, "search")),
        blob_base: &sh.blob_base,
        sign: &sign,
        if_modified_since: headers
            .get(header::IF_MODIFIED_SINCE)
            .and_then(|v| v.to_str().ok()),
    };
    let result = {
        let mut w = sh.world();
        api::route(&mut w, &ctx, &req)
    };
    let reply = match result {
        Ok(r) => r,
        Err(e) => Reply {
            status: e.status,
            body: api::Body::Json(e.body()),
            headers: Vec::new(),
        },
    };
    let mut resp = match &reply.body {
        api::Body::Json(v) => json_response(reply.status, v),
        api::Body::Empty => {
            let mut r = Response::new(Body::empty());
            *r.status_mut() =
                StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            r
        }
    };
    for (k, v) in &reply.headers {
        set(&mut resp, k, v);
    }
    let mut not_modified = false;
    if method == "GET" && reply.status == 200 {
        if let api::Body::Json(v) = &reply.body {
            let bytes = serde_json::to_vec(v).unwrap_or_default();
            let tag = etag_of(&bytes);
            if if_none_match_hits(headers, &tag) {
                not_modified = true;
                let mut r = Response::new(Body::empty());
                *r.status_mut() = StatusCode::NOT_MODIFIED;
                for (k, v) in &reply.headers {
                    set(&mut r, k, v);
                }
                resp = r;
            }
            set(&mut resp, "etag", &tag);
            let cache = if login.is_some() {
                "private, max-age=60, s-maxage=60"
            } else {
                "public, max-age=60, s-maxage=60"
            };
            set(&mut resp, "cache-control", cache);
            set(
                &mut resp,
                "vary",
                "Accept, Authorization, Cookie, X-GitHub-OTP, Accept-Encoding",
            );
        }
    }
    // A 304 costs nothing, whether from an ETag or from a handler's own condition.
    let counted = !not_modified && reply.status != 304 && !is_rate_limit;
    let snap = if counted {
        sh.count(&lim)
    } else {
        sh.rate(&lim)
    };
    record.counted = counted;
    rate_headers(&mut resp, snap);
    common_headers(&mut resp, &request_id, scope_header.as_deref());
    record.status = resp.status().as_u16();
    (resp, record)
}

fn common_headers(r: &mut Response, request_id: &str, scopes: Option<&str>) {
    set(r, "x-github-request-id", request_id);
    set(r, "x-github-media-type", "github.v3; format=json");
    set(r, "x-github-api-version-selected", "2022-11-28");
    set(r, "server", "fakehub");
    if let Some(s) = scopes {
        set(r, "x-oauth-scopes", s);
        set(r, "x-accepted-oauth-scopes", "");
    }
}

fn rate_limited(
    sh: &Shared,
    login: &Option<String>,
    peer: SocketAddr,
    request_id: &str,
    snap: RateSnapshot,
    scopes: Option<&str>,
) -> Response {
    let stamp = sh.clock.now().format("%Y-%m-%d %H:%M:%S UTC");
    let message = match login {
        Some(l) => {
            let id = sh.world().user(l).map_or(0, |u| u.id);
            format!(
                "API rate limit exceeded for user ID {id}. If you reach out to GitHub Support for \
                 help, please include the request ID {request_id} and timestamp {stamp}."
            )
        }
        None => format!(
            "API rate limit exceeded for {}. (But here's the good news: Authenticated requests \
             get a higher rate limit. Check out the documentation for more details.) If you reach \
             out to GitHub Support for help, please include the request ID {request_id} and \
             timestamp {stamp}.",
            peer.ip()
        ),
    };
    let body = json!({"message": message, "documentation_url": RATE_DOCS, "status": "403"});
    let mut r = json_response(403, &body);
    rate_headers(
        &mut r,
        RateSnapshot {
            used: snap.limit,
            ..snap
        },
    );
    common_headers(&mut r, request_id, scopes);
    r
}

fn fault_body(code: u16) -> Value {
    let message = match code {
        400 => "Bad Request",
        401 => "Bad credentials",
        403 => "Forbidden",
        404 => "Not Found",
        409 => "Conflict",
        410 => "Gone",
        422 => "Validation Failed",
        429 => "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
        502 => "Server Error",
        503 => "Service Unavailable",
        _ => "Server Error",
    };
    ApiError::new(code, message).body()
}

/// Faults matching `pq`, in order, each hit counted against its `times`.
fn take_faults(sh: &Shared, pq: &str) -> Vec<FaultKind> {
    let mut c = sh.control();
    let mut out = Vec::new();
    for f in c.faults.iter_mut() {
        let hit = f
            .fault
            .path_contains
            .as_deref()
            .is_none_or(|p| super::fault_matches(p, pq));
        if !hit || f.fault.times == Some(0) {
            continue;
        }
        if let Some(t) = f.fault.times.as_mut() {
            *t -= 1;
        }
        out.push(f.fault.kind.clone());
        if !matches!(f.fault.kind, FaultKind::Latency(_)) {
            break;
        }
    }
    c.faults.retain(|f| f.fault.times != Some(0));
    out
}

// ---------------------------------------------------------------------------------------------
// The blob listener (GitHub's log storage lives on another host and refuses tokens)

fn blob_error(status: u16, code: &str, message: &str) -> Response {
    let xml = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>{code}</Code><Message>{message}</Message></Error>"
    );
    let mut r = Response::new(Body::from(xml));
    *r.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST);
    set(&mut r, "content-type", "application/xml");
    r
}

async fn blob_entry(State(sh): State<Arc<Shared>>, req: Request) -> Response {
    let path = req.uri().path().to_string();
    let pq = req
        .uri()
        .path_and_query()
        .map_or_else(|| path.clone(), |p| p.as_str().to_string());
    let had_auth = req.headers().contains_key(header::AUTHORIZATION);
    let method = req.method().as_str().to_string();
    drop(req);
    let resp = blob_response(&sh, &method, &path, &pq, had_auth).await;
    sh.control().requests.push(RequestRecord {
        method,
        path_and_query: pq,
        status: resp.status().as_u16(),
        counted: false,
        authorized_as: None,
        had_authorization_header: had_auth,
    });
    resp
}

async fn blob_response(
    sh: &Shared,
    method: &str,
    path: &str,
    pq: &str,
    had_auth: bool,
) -> Response {
    let mut malformed = false;
    for kind in take_faults(sh, pq) {
        match kind {
            FaultKind::Latency(d) => tokio::time::sleep(d).await,
            FaultKind::Status(code) => {
                return blob_error(code, "ServerBusy", "Injected fault.");
            }
            FaultKind::MalformedJson => malformed = true,
            FaultKind::RateLimitExhausted => {}
        }
    }
    if method != "GET" {
        return blob_error(
            405,
            "UnsupportedHttpVerb",
            "The resource doesn't support the specified HTTP verb.",
        );
    }
    if had_auth {
        return blob_error(
            400,
            "InvalidAuthenticationInfo",
            "Authentication information is not given in the correct format. Check the value of Authorization header.",
        );
    }
    let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let target = match segs.as_slice() {
        ["blob", "jobs", id, "logs"] => id.parse::<u64>().ok(),
        _ => None,
    };
    let Some(job) = target else {
        return blob_error(
            404,
            "ResourceNotFound",
            "The specified resource does not exist.",
        );
    };
    let params: HashMap<String, String> = pq
        .split_once('?')
        .map(|(_, q)| {
            url::form_urlencoded::parse(q.as_bytes())
                .into_owned()
                .collect()
        })
        .unwrap_or_default();
    let exp = params.get("se").and_then(|s| s.parse::<i64>().ok());
    let sig = params.get("sig");
    let now = sh.clock.now();
    let valid = match (exp, sig) {
        (Some(exp), Some(sig)) => *sig == sh.sign(path, exp) && exp >= now.timestamp(),
        _ => false,
    };
    if !valid {
        return blob_error(
            403,
            "AuthenticationFailed",
            "Server failed to authenticate the request. Make sure the value of the signature is formed correctly or has not expired.",
        );
    }
    let text = {
        let w = sh.world();
        api::blob_log(&w, now, job)
    };
    let Some(mut text) = text else {
        return blob_error(404, "BlobNotFound", "The specified blob does not exist.");
    };
    // A log set by a test or the demo replaces the generated one, with the same timing.
    let custom = sh.control().logs.get(&job).cloned();
    if let Some(bytes) = custom {
        let body = if malformed {
            bytes.slice(..bytes.len() / 2)
        } else {
            bytes
        };
        let mut r = Response::new(Body::from(body));
        set(&mut r, "content-type", "text/plain; charset=utf-8");
        set(&mut r, "x-ms-blob-type", "BlockBlob");
        return r;
    }
    if malformed {
        let mut cut = text.len() / 2;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        text.truncate(cut);
    }
    let mut r = Response::new(Body::from(text));
    set(&mut r, "content-type", "text/plain; charset=utf-8");
    set(&mut r, "x-ms-blob-type", "BlockBlob");
    r
}
