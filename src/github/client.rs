//! One HTTP client for GitHub's REST API: auth, conditional requests, rate-limit tracking,
//! `Link` pagination and error mapping. Pointed at api.github.com, an Enterprise host, or
//! fakehub on 127.0.0.1 — the code path is the same.

use super::error::ApiError;
use super::models::GitHubErrorBody;
use super::ratelimit::RateLimit;
use super::secret::Token;
use crate::text::sanitize_line;
use bytes_cache::EtagCache;
use reqwest::header::{
    HeaderMap, HeaderValue, ACCEPT, AUTHORIZATION, ETAG, IF_NONE_MATCH, LINK, LOCATION, USER_AGENT,
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
    http: reqwest::Client,
    rest_base: String,
    /// `rest_base` parsed: where the token may go ([`super::origin::within`]).
    base: url::Url,
    token: Option<Token>,
    cache: Mutex<EtagCache>,
    rate: Mutex<Option<RateLimit>>,
}

impl std::fmt::Debug for GitHub {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GitHub")
            .field("rest_base", &self.inner.rest_base)
            .field("token", &self.inner.token)
            .finish()
    }
}

/// rustls needs one process-wide crypto provider; reqwest is built without one so that only
/// ring (fast to compile) is in the tree.
pub fn install_crypto_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
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
        Ok(GitHub {
            inner: Arc::new(Inner {
                http,
                rest_base: rest_base.trim().trim_end_matches('/').to_string(),
                base,
                token,
                cache: Mutex::new(EtagCache::default()),
                rate: Mutex::new(None),
            }),
        })
    }

    pub fn rest_base(&self) -> &str {
        &self.inner.rest_base
    }

    pub fn has_token(&self) -> bool {
        self.inner.token.is_some()
    }

    pub fn rate_limit(&self) -> Option<RateLimit> {
        self.inner.rate.lock().ok().and_then(|r| *r)
    }

    fn url(&self, path: &str) -> String {
        if path.starts_with("http://") || path.starts_with("https://") {
            path.to_string()
        } else {
            format!("{}{}", self.inner.rest_base, path)
        }
    }

    fn host(&self) -> String {
        let u = &self.inner.base;
        let h = u.host_str().unwrap_or_default();
        match u.port() {
            Some(p) => format!("{h}:{p}"),
            None => h.to_string(),
        }
    }

    fn request(&self, method: Method, url: &str) -> reqwest::RequestBuilder {
        let mut req = self.inner.http.request(method, url);
        if let Some(t) = &self.inner.token {
            let mut value = HeaderValue::from_str(&format!("Bearer {}", t.expose()))
                .unwrap_or_else(|_| HeaderValue::from_static(""));
            value.set_sensitive(true);
            req = req.header(AUTHORIZATION, value);
        }
        req
    }

    fn note_rate_limit(&self, headers: &HeaderMap) {
        if let Some(rl) = RateLimit::from_headers(headers) {
            if let Ok(mut slot) = self.inner.rate.lock() {
                *slot = Some(rl);
            }
        }
    }

    fn network_error(&self, e: reqwest::Error) -> ApiError {
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

    /// GET with `If-None-Match`; returns the raw body and whether it changed.
    async fn get_raw(&self, path: &str) -> Result<(Fetched<Arc<[u8]>>, HeaderMap), ApiError> {
        let url = self.url(path);
        let cached = self.inner.cache.lock().ok().and_then(|c| c.get(&url));
        let mut req = self.request(Method::GET, &url);
        if let Some((etag, _)) = &cached {
            if let Ok(v) = HeaderValue::from_str(etag) {
                req = req.header(IF_NONE_MATCH, v);
            }
        }
        let resp = req.send().await.map_err(|e| self.network_error(e))?;
        let status = resp.status();
        let headers = resp.headers().clone();
        self.note_rate_limit(&headers);
        log_response("GET", &url, status, &headers);
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
        let body = resp.bytes().await.map_err(|e| self.network_error(e))?;
        if !status.is_success() {
            return Err(self.status_error(status, &headers, &body, path));
        }
        let body: Arc<[u8]> = Arc::from(body.to_vec());
        if let Some(etag) = headers.get(ETAG).and_then(|v| v.to_str().ok()) {
            if let Ok(mut c) = self.inner.cache.lock() {
                c.put(url, etag.to_string(), body.clone());
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
        body: &[u8],
        path: &str,
    ) -> ApiError {
        let message = serde_json::from_slice::<GitHubErrorBody>(body)
            .map(|b| sanitize_line(&b.full_message()))
            .unwrap_or_default();
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
                    ApiError::RateLimited { reset: rl.reset }
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
        let ok = url::Url::parse(url).is_ok_and(|u| super::origin::within(&self.inner.base, &u));
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
        let verb = method.to_string();
        let resp = self
            .request(method, &url)
            .json(body)
            .send()
            .await
            .map_err(|e| self.network_error(e))?;
        let status = resp.status();
        let headers = resp.headers().clone();
        self.note_rate_limit(&headers);
        log_response(&verb, &url, status, &headers);
        let bytes = resp.bytes().await.map_err(|e| self.network_error(e))?;
        if !status.is_success() {
            return Err(self.status_error(status, &headers, &bytes, path));
        }
        if status == StatusCode::NO_CONTENT || bytes.is_empty() {
            return Ok(None);
        }
        parse(&bytes, path).map(Some)
    }

    /// Downloads a body that GitHub serves by redirecting to storage on another host
    /// (job and step logs). The token goes to GitHub only, never to the redirect target.
    pub async fn download_redirected(&self, path: &str) -> Result<Vec<u8>, ApiError> {
        let url = self.url(path);
        let resp = self
            .request(Method::GET, &url)
            .send()
            .await
            .map_err(|e| self.network_error(e))?;
        let status = resp.status();
        let headers = resp.headers().clone();
        self.note_rate_limit(&headers);
        log_response("GET", &url, status, &headers);
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
                .map_err(|e| self.network_error(e))?;
            let st = target.status();
            let bytes = target.bytes().await.map_err(|e| self.network_error(e))?;
            if !st.is_success() {
                return Err(ApiError::Client {
                    status: st.as_u16(),
                    message: "log storage refused the download".into(),
                });
            }
            return Ok(bytes.to_vec());
        }
        let bytes = resp.bytes().await.map_err(|e| self.network_error(e))?;
        if !status.is_success() {
            return Err(self.status_error(status, &headers, &bytes, path));
        }
        Ok(bytes.to_vec())
    }
}

/// One debug line per answer. Never the headers we sent (Authorization) nor a query string
/// (signed log URLs carry their signature there); the log writer redacts tokens on top.
fn log_response(method: &str, url: &str, status: StatusCode, headers: &HeaderMap) {
    let remaining = headers
        .get("x-ratelimit-remaining")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-");
    tracing::debug!(
        target: "cockpit::github",
        "{method} {} -> {} (rate limit left {remaining})",
        url.split('?').next().unwrap_or(url),
        status.as_u16()
    );
}

fn parse<T: DeserializeOwned>(body: &[u8], path: &str) -> Result<T, ApiError> {
    serde_json::from_slice(body).map_err(|e| ApiError::Malformed {
        context: sanitize_line(path.split('?').next().unwrap_or(path)),
        reason: e.to_string(),
    })
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
