//! One client per GitHub host: an [`Octocrab`] that carries the base URL, token, user agent and
//! API version and sends every REST and GraphQL request, with what its defaults would lose kept
//! here: conditional requests with the "changed" signal, the rate-limit headers of every answer
//! ([`super::transport`]), no automatic retry (a retried approval or dispatch is a double
//! action), `Link` pagination that stays on this API, and error mapping. Pointed at
//! api.github.com, an Enterprise host, or fakehub on 127.0.0.1 — the code path is the same.

use super::error::ApiError;
use super::models::GitHubErrorBody;
use super::ratelimit::RateLimit;
use super::secret::Token;
use super::transport::{ApiLayer, Host};
use crate::text::sanitize_line;
use bytes_cache::EtagCache;
use http_body_util::BodyExt;
use octocrab::{AuthState, Octocrab, OctocrabBuilder};
use reqwest::header::{
    HeaderMap, HeaderName, HeaderValue, ACCEPT, ETAG, IF_MODIFIED_SINCE, IF_NONE_MATCH,
    LAST_MODIFIED, LINK, LOCATION, USER_AGENT,
};
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use std::sync::{Arc, Mutex};
use std::time::Duration;

const API_VERSION: &str = "2022-11-28";

/// A GitHub answer plus whether it changed since the last time this URL was asked for.
#[derive(Debug, Clone)]
pub struct Fetched<T> {
    pub data: T,
    /// False when GitHub answered 304 and the cached body was used: nothing to redraw.
    pub changed: bool,
}

#[derive(Clone)]
pub struct GitHub {
    inner: Arc<Inner>,
}

struct Inner {
    octo: Octocrab,
    /// For what is not the API: log blobs behind a redirect, fetched without the token.
    http: reqwest::Client,
    host: Arc<Host>,
    cache: Mutex<EtagCache>,
}

impl std::fmt::Debug for GitHub {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GitHub")
            .field("rest_base", &self.inner.host.rest_base)
            .field("token", &self.inner.host.token)
            .finish()
    }
}

/// rustls needs one process-wide crypto provider; reqwest is built without one so that only
/// ring (fast to compile) is in the tree.
pub fn install_crypto_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// A status line, headers and body as GitHub answered.
struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: bytes::Bytes,
}

impl GitHub {
    pub fn new(rest_base: &str, token: Option<Token>) -> Result<GitHub, ApiError> {
        install_crypto_provider();
        // Callers parse user input first (`launch::ApiTarget`); this is the last line before
        // the token and the URL meet.
        let base = super::origin::check_api_url(rest_base).map_err(|reason| ApiError::Network {
            host: super::origin::shown(rest_base),
            reason,
        })?;
        let mut headers = HeaderMap::new();
        headers.insert(
            ACCEPT,
            HeaderValue::from_static("application/vnd.github+json"),
        );
        headers.insert(
            "x-github-api-version",
            HeaderValue::from_static(API_VERSION),
        );
        headers.insert(
            USER_AGENT,
            HeaderValue::from_static(concat!("cockpit/", env!("CARGO_PKG_VERSION"))),
        );
        let http = reqwest::Client::builder()
            .default_headers(headers)
            // Redirects are followed by hand so the token never travels to another host
            // (job logs redirect to blob storage).
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(30))
            .build()
            .map_err(|e| ApiError::Network {
                host: super::origin::shown(rest_base),
                reason: e.to_string(),
            })?;
        let host = Arc::new(Host {
            rest_base: rest_base.trim().trim_end_matches('/').to_string(),
            base,
            token,
            rate: Mutex::new(None),
            search_rate: Mutex::new(None),
        });
        // octocrab's stack without its retry, redirect, tracing and auth layers: the token
        // and the base URL are `ApiLayer`'s, the transport is the reqwest client above.
        let octo = OctocrabBuilder::new_empty()
            .with_service(
                octocrab::service::middleware::reqwest_connector::ReqwestConnector::new(
                    http.clone(),
                ),
            )
            .with_layer(&ApiLayer { host: host.clone() })
            .with_auth(AuthState::None)
            .build()
            .unwrap_or_else(|never| match never {});
        Ok(GitHub {
            inner: Arc::new(Inner {
                octo,
                http,
                host,
                cache: Mutex::new(EtagCache::default()),
            }),
        })
    }

    /// The octocrab client for this host, for its typed builders. Paths resolve against the
    /// REST base; answers pass the rate-limit reading.
    pub fn octocrab(&self) -> &Octocrab {
        &self.inner.octo
    }

    pub fn rest_base(&self) -> &str {
        &self.inner.host.rest_base
    }

    pub fn has_token(&self) -> bool {
        self.inner.host.token.is_some()
    }

    pub fn rate_limit(&self) -> Option<RateLimit> {
        self.inner.host.rate.lock().ok().and_then(|r| *r)
    }

    /// The search API's budget as its last answer reported it.
    pub fn search_rate_limit(&self) -> Option<RateLimit> {
        self.inner.host.search_rate.lock().ok().and_then(|r| *r)
    }

    fn url(&self, path: &str) -> String {
        self.inner.host.url(path)
    }

    fn host(&self) -> String {
        let u = &self.inner.host.base;
        let h = u.host_str().unwrap_or_default();
        match u.port() {
            Some(p) => format!("{h}:{p}"),
            None => h.to_string(),
        }
    }

    fn network_error(&self, e: &reqwest::Error) -> ApiError {
        let reason = if e.is_timeout() {
            "timed out".to_string()
        } else if e.is_connect() {
            "connection refused or host unreachable".to_string()
        } else {
            // reqwest's message names the URL, which never carries the token.
            sanitize_line(&e.to_string())
        };
        ApiError::Network {
            host: self.host(),
            reason,
        }
    }

    /// An octocrab error as the person at the keyboard should read it.
    pub(crate) fn octocrab_error(&self, e: octocrab::Error, path: &str) -> ApiError {
        match e {
            octocrab::Error::GitHub { source, .. } => {
                let body = GitHubErrorBody {
                    message: source.message.clone(),
                    errors: source.errors.clone().unwrap_or_default(),
                };
                let headers = source.headers.clone().unwrap_or_default();
                self.status_error(source.status_code, &headers, &body.full_message(), path)
            }
            octocrab::Error::Serde { source, .. } => malformed(path, source),
            octocrab::Error::Json { source, .. } => malformed(path, source),
            other => {
                // The transport's error sits under octocrab's service error: its own words
                // (timed out, refused) say more.
                let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(&other);
                while let Some(e) = cause {
                    if let Some(r) = e.downcast_ref::<reqwest::Error>() {
                        return self.network_error(r);
                    }
                    cause = e.source();
                }
                ApiError::Network {
                    host: self.host(),
                    reason: sanitize_line(other.to_string().lines().next().unwrap_or_default()),
                }
            }
        }
    }

    /// Runs one of octocrab's typed calls and reads its answer as cockpit's own model (the
    /// fields cockpit shows, statuses with fallbacks). `path` names the resource in errors.
    /// Never retried: the call may have been a mutation.
    pub(crate) async fn typed<A, B>(
        &self,
        path: &str,
        call: impl std::future::Future<Output = octocrab::Result<A>>,
    ) -> Result<B, ApiError>
    where
        A: serde::Serialize,
        B: DeserializeOwned,
    {
        let model = call.await.map_err(|e| self.octocrab_error(e, path))?;
        serde_json::to_value(model)
            .and_then(serde_json::from_value)
            .map_err(|e| malformed(path, e))
    }

    /// One request through octocrab, the whole body read. No retry: a failed request is
    /// reported, and pollers try again on their own schedule.
    async fn exchange(
        &self,
        method: Method,
        url: &str,
        extra: HeaderMap,
        body: Option<&serde_json::Value>,
    ) -> Result<Answer, ApiError> {
        let uri = self
            .inner
            .host
            .uri(url)
            .map_err(|reason| malformed(url, reason))?;
        let mut builder = http::Request::builder().method(method).uri(uri);
        for (name, value) in &extra {
            builder = builder.header(name, value);
        }
        let octo = &self.inner.octo;
        let request = octo
            .build_request(builder, body)
            .map_err(|e| self.octocrab_error(e, url))?;
        let resp = octo
            .execute(request)
            .await
            .map_err(|e| self.octocrab_error(e, url))?;
        let (parts, body) = resp.into_parts();
        let body = body
            .collect()
            .await
            .map_err(|e| self.octocrab_error(e, url))?
            .to_bytes();
        Ok(Answer {
            status: parts.status,
            headers: parts.headers,
            body,
        })
    }

    /// GET with `If-None-Match`; returns the raw body and whether it changed.
    async fn get_raw(&self, path: &str) -> Result<(Fetched<Arc<[u8]>>, HeaderMap), ApiError> {
        self.get_conditional(path, Validator::ETag).await
    }

    /// GET made conditional with `validator`: a 304 answers with the body cached for the URL.
    async fn get_conditional(
        &self,
        path: &str,
        validator: Validator,
    ) -> Result<(Fetched<Arc<[u8]>>, HeaderMap), ApiError> {
        let url = self.url(path);
        let key = validator.key(&url);
        let cached = self.inner.cache.lock().ok().and_then(|c| c.get(&key));
        let mut extra = HeaderMap::new();
        if let Some((tag, _)) = &cached {
            if let Ok(v) = HeaderValue::from_str(tag) {
                extra.insert(validator.request(), v);
            }
        }
        let Answer {
            status,
            headers,
            body,
        } = self.exchange(Method::GET, &url, extra, None).await?;
        if status == StatusCode::NOT_MODIFIED {
            if let Some((_, body)) = cached {
                return Ok((
                    Fetched {
                        data: body,
                        changed: false,
                    },
                    headers,
                ));
            }
        }
        if !status.is_success() {
            return Err(self.status_error(status, &headers, &error_message(&body), path));
        }
        let body: Arc<[u8]> = Arc::from(body.to_vec());
        if let Some(tag) = headers
            .get(validator.answer())
            .and_then(|v| v.to_str().ok())
        {
            if let Ok(mut c) = self.inner.cache.lock() {
                c.put(key, tag.to_string(), body.clone());
            }
        }
        Ok((
            Fetched {
                data: body,
                changed: true,
            },
            headers,
        ))
    }

    fn status_error(
        &self,
        status: StatusCode,
        headers: &HeaderMap,
        message: &str,
        path: &str,
    ) -> ApiError {
        let message = sanitize_line(message);
        let header_num =
            |name: &str| -> Option<u64> { headers.get(name)?.to_str().ok()?.trim().parse().ok() };
        match status.as_u16() {
            401 => ApiError::Unauthorized { message },
            403 | 429 => {
                let rl = RateLimit::from_headers(headers);
                if let Some(secs) = header_num("retry-after") {
                    ApiError::SecondaryRateLimit {
                        retry_after_secs: secs,
                    }
                } else if let Some(rl) = rl.filter(|r| r.remaining == 0) {
                    let search = headers
                        .get("x-ratelimit-resource")
                        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"search"));
                    ApiError::RateLimited {
                        reset: rl.reset,
                        search,
                    }
                } else if message.to_ascii_lowercase().contains("rate limit") {
                    ApiError::SecondaryRateLimit {
                        retry_after_secs: 60,
                    }
                } else {
                    ApiError::Forbidden { message }
                }
            }
            404 => ApiError::NotFound {
                path: sanitize_line(path.split('?').next().unwrap_or(path)),
            },
            s if s >= 500 => ApiError::Server { status: s },
            s => ApiError::Client { status: s, message },
        }
    }

    /// GET with the answer's headers, for the checks that read them (`x-oauth-scopes` in
    /// `auth status` and `doctor`).
    pub async fn get_with_headers<T: DeserializeOwned>(
        &self,
        path: &str,
    ) -> Result<(T, HeaderMap), ApiError> {
        let (raw, headers) = self.get_raw(path).await?;
        Ok((parse(&raw.data, path)?, headers))
    }

    /// GET made conditional with `If-Modified-Since` / `Last-Modified` (what GitHub documents
    /// for notifications, whose 304 costs no rate limit), with the answer's headers.
    pub async fn get_if_modified<T: DeserializeOwned>(
        &self,
        path: &str,
    ) -> Result<(Fetched<T>, HeaderMap), ApiError> {
        let (raw, headers) = self.get_conditional(path, Validator::LastModified).await?;
        let data = parse(&raw.data, path)?;
        Ok((
            Fetched {
                data,
                changed: raw.changed,
            },
            headers,
        ))
    }

    pub async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<Fetched<T>, ApiError> {
        let (raw, _) = self.get_raw(path).await?;
        let data = parse(&raw.data, path)?;
        Ok(Fetched {
            data,
            changed: raw.changed,
        })
    }

    /// Follows `Link: rel="next"` up to `max_pages`; `changed` is true if any page changed.
    /// A next link off this API (another scheme, host or port, user info) is not followed: the
    /// token would go with it. Nor is one back to a page already read: a cycle would repeat
    /// its rows.
    pub async fn get_pages<T: DeserializeOwned>(
        &self,
        path: &str,
        max_pages: usize,
    ) -> Result<Fetched<Vec<T>>, ApiError> {
        let mut out = Vec::new();
        let mut changed = false;
        let mut next = Some(path.to_string());
        let mut seen = std::collections::HashSet::new();
        while let Some(p) = next.take() {
            seen.insert(self.page_key(&p));
            let (raw, headers) = self.get_raw(&p).await?;
            changed |= raw.changed;
            let mut items: Vec<T> = parse(&raw.data, &p)?;
            out.append(&mut items);
            if seen.len() >= max_pages {
                break;
            }
            next = headers
                .get(LINK)
                .and_then(|v| v.to_str().ok())
                .and_then(next_link)
                .filter(|u| self.on_this_api(u))
                .filter(|u| {
                    let fresh = !seen.contains(&self.page_key(u));
                    if !fresh {
                        tracing::debug!(target: "cockpit::github", "next link back to a page already read; stopping");
                    }
                    fresh
                });
        }
        Ok(Fetched { data: out, changed })
    }

    fn on_this_api(&self, url: &str) -> bool {
        let ok =
            url::Url::parse(url).is_ok_and(|u| super::origin::within(&self.inner.host.base, &u));
        if !ok {
            tracing::debug!(target: "cockpit::github", "next link off this API not followed");
        }
        ok
    }

    /// One spelling per page, so that a link written differently still counts as seen.
    fn page_key(&self, path: &str) -> String {
        let url = self.url(path);
        url::Url::parse(&url).map_or(url, String::from)
    }

    /// Requests with a JSON body (mutations). Returns the parsed answer, or `None` for 204.
    pub async fn send_json<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: &serde_json::Value,
    ) -> Result<Option<T>, ApiError> {
        let url = self.url(path);
        // `Value::Null` is "no body" (DELETE of a label or a branch).
        let body = (!body.is_null()).then_some(body);
        let Answer {
            status,
            headers,
            body,
        } = self.exchange(method, &url, HeaderMap::new(), body).await?;
        if !status.is_success() {
            return Err(self.status_error(status, &headers, &error_message(&body), path));
        }
        if status == StatusCode::NO_CONTENT || body.is_empty() {
            return Ok(None);
        }
        parse(&body, path).map(Some)
    }

    /// Downloads a body that GitHub serves by redirecting to storage on another host
    /// (job and step logs). The token goes to GitHub only, never to the redirect target:
    /// the target is fetched with the plain reqwest client, outside octocrab.
    pub async fn download_redirected(&self, path: &str) -> Result<Vec<u8>, ApiError> {
        let url = self.url(path);
        let Answer {
            status,
            headers,
            body,
        } = self
            .exchange(Method::GET, &url, HeaderMap::new(), None)
            .await?;
        if status.is_redirection() {
            let location = headers
                .get(LOCATION)
                .and_then(|v| v.to_str().ok())
                .ok_or_else(|| ApiError::Malformed {
                    context: path.into(),
                    reason: "redirect without Location".into(),
                })?;
            let target = self
                .inner
                .http
                .get(location)
                .send()
                .await
                .map_err(|e| self.network_error(&e))?;
            let st = target.status();
            let bytes = target.bytes().await.map_err(|e| self.network_error(&e))?;
            if !st.is_success() {
                return Err(ApiError::Client {
                    status: st.as_u16(),
                    message: "log storage refused the download".into(),
                });
            }
            return Ok(bytes.to_vec());
        }
        if !status.is_success() {
            return Err(self.status_error(status, &headers, &error_message(&body), path));
        }
        Ok(body.to_vec())
    }
}

/// What makes a GET conditional: the answer's validator, sent back on the next request.
#[derive(Debug, Clone, Copy)]
enum Validator {
    ETag,
    LastModified,
}

impl Validator {
    fn request(self) -> HeaderName {
        match self {
            Validator::ETag => IF_NONE_MATCH,
            Validator::LastModified => IF_MODIFIED_SINCE,
        }
    }

    fn answer(self) -> HeaderName {
        match self {
            Validator::ETag => ETAG,
            Validator::LastModified => LAST_MODIFIED,
        }
    }

    /// The cache key: a URL asked both ways keeps two entries.
    fn key(self, url: &str) -> String {
        match self {
            Validator::ETag => url.to_string(),
            Validator::LastModified => format!("if-modified-since {url}"),
        }
    }
}

/// GitHub's message (with its validation details) from an error body, if it sent one.
fn error_message(body: &[u8]) -> String {
    serde_json::from_slice::<GitHubErrorBody>(body)
        .map(|b| b.full_message())
        .unwrap_or_default()
}

fn parse<T: DeserializeOwned>(body: &[u8], path: &str) -> Result<T, ApiError> {
    serde_json::from_slice(body).map_err(|e| malformed(path, e))
}

/// An answer that could not be read, named by its path without the query.
fn malformed(path: &str, reason: impl std::fmt::Display) -> ApiError {
    ApiError::Malformed {
        context: sanitize_line(path.split('?').next().unwrap_or(path)),
        reason: reason.to_string(),
    }
}

/// The `rel="next"` target of a `Link` header.
pub fn next_link(link: &str) -> Option<String> {
    link.split(',').find_map(|part| {
        let mut pieces = part.split(';');
        let target = pieces.next()?.trim();
        let is_next = pieces.any(|p| {
            let p = p.trim();
            p == "rel=\"next\"" || p == "rel=next"
        });
        if is_next {
            Some(
                target
                    .trim_start_matches('<')
                    .trim_end_matches('>')
                    .to_string(),
            )
        } else {
            None
        }
    })
}

mod bytes_cache {
    use std::collections::HashMap;
    use std::sync::Arc;

    /// ETag → body per URL. Bounded: a long session over many runs must not grow forever,
    /// and losing an entry only costs one counted request.
    #[derive(Default)]
    pub struct EtagCache {
        entries: HashMap<String, (String, Arc<[u8]>)>,
    }

    const MAX_ENTRIES: usize = 2000;

    impl EtagCache {
        pub fn get(&self, url: &str) -> Option<(String, Arc<[u8]>)> {
            self.entries.get(url).cloned()
        }

        pub fn put(&mut self, url: String, etag: String, body: Arc<[u8]>) {
            if self.entries.len() >= MAX_ENTRIES && !self.entries.contains_key(&url) {
                self.entries.clear();
            }
            self.entries.insert(url, (etag, body));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_next_link() {
        let h = r#"<https://api.github.com/repos/a/b/issues?page=2>; rel="next", <https://api.github.com/repos/a/b/issues?page=5>; rel="last""#;
        assert_eq!(
            next_link(h).as_deref(),
            Some("https://api.github.com/repos/a/b/issues?page=2")
        );
        assert_eq!(next_link(r#"<https://x/?page=1>; rel="prev""#), None);
    }
}
