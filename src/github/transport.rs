//! The layer between octocrab and reqwest that every GitHub request passes, typed or raw:
//! it resolves a path against this host's REST base, adds the token only when the request
//! stays on the API's origin, and reads the rate-limit headers of every answer.
//!
//! octocrab's own layers are not used: its base-URI layer prefixes `/api/v3` to GraphQL's
//! `/api/graphql` on Enterprise Server, and its auth layer compares hosts without scheme or
//! port (a `http://` link on the same host would get the token).

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use http::header::{HeaderValue, AUTHORIZATION};
use http::{HeaderMap, Request, Response, StatusCode, Uri};

use super::ratelimit::RateLimit;
use super::secret::Token;

/// What the layer knows about the host; shared with [`super::client::GitHub`].
pub(crate) struct Host {
    /// The REST base as given, without a trailing slash.
    pub rest_base: String,
    /// `rest_base` parsed: the origin the token belongs to.
    pub base: url::Url,
    pub token: Option<Token>,
    pub rate: Mutex<Option<RateLimit>>,
    /// The search API's own budget (30 a minute), kept apart so it neither hides nor paces
    /// the primary one.
    pub search_rate: Mutex<Option<RateLimit>>,
}

impl Host {
    /// An absolute URL for `path`: paths (what octocrab's typed builders send) go under the
    /// REST base; absolute URLs are kept.
    pub fn url(&self, path: &str) -> String {
        if path.starts_with("http://") || path.starts_with("https://") {
            path.to_string()
        } else {
            format!("{}{}", self.rest_base, path)
        }
    }

    /// `url` as an `http::Uri`, percent-encoded the way `url` does it.
    pub fn uri(&self, url: &str) -> Result<Uri, String> {
        let parsed = url::Url::parse(url).map_err(|e| e.to_string())?;
        Uri::try_from(parsed.as_str()).map_err(|e| e.to_string())
    }

    fn note_rate_limit(&self, headers: &HeaderMap) {
        if let Some(rl) = RateLimit::from_headers(headers) {
            let search = headers
                .get("x-ratelimit-resource")
                .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"search"));
            let slot = if search {
                &self.search_rate
            } else {
                &self.rate
            };
            if let Ok(mut slot) = slot.lock() {
                *slot = Some(rl);
            }
        }
    }

    fn authorization(&self, uri: &Uri) -> Option<HeaderValue> {
        let token = self.token.as_ref()?;
        let target = url::Url::parse(&uri.to_string()).ok()?;
        if !super::origin::same_origin(&self.base, &target) {
            tracing::debug!(target: "cockpit::github", "request off this API's origin: no token");
            return None;
        }
        let mut value = HeaderValue::from_str(&format!("Bearer {}", token.expose())).ok()?;
        value.set_sensitive(true);
        Some(value)
    }
}

#[derive(Clone)]
pub(crate) struct ApiLayer {
    pub host: Arc<Host>,
}

impl<S> tower::Layer<S> for ApiLayer {
    type Service = ApiService<S>;

    fn layer(&self, inner: S) -> ApiService<S> {
        ApiService {
            inner,
            host: self.host.clone(),
        }
    }
}

#[derive(Clone)]
pub(crate) struct ApiService<S> {
    inner: S,
    host: Arc<Host>,
}

type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send>>;

impl<S, B, R> tower::Service<Request<B>> for ApiService<S>
where
    S: tower::Service<Request<B>, Response = Response<R>>,
    S::Future: Send + 'static,
    S::Error: Send + 'static,
    R: Send + 'static,
{
    type Response = Response<R>;
    type Error = S::Error;
    type Future = BoxFuture<Result<Response<R>, S::Error>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut req: Request<B>) -> Self::Future {
        if req.uri().authority().is_none() {
            let path = req
                .uri()
                .path_and_query()
                .map_or("/", |p| p.as_str())
                .to_string();
            // Only fails for a base that did not parse, which `GitHub::new` refuses.
            if let Ok(uri) = self.host.uri(&self.host.url(&path)) {
                *req.uri_mut() = uri;
            }
        }
        // Never one from a caller: the token is this layer's to give.
        req.headers_mut().remove(AUTHORIZATION);
        if let Some(value) = self.host.authorization(req.uri()) {
            req.headers_mut().insert(AUTHORIZATION, value);
        }
        let method = req.method().clone();
        let uri = req.uri().clone();
        let host = self.host.clone();
        let answer = self.inner.call(req);
        Box::pin(async move {
            let resp = answer.await?;
            host.note_rate_limit(resp.headers());
            log_response(&method, &uri, resp.status(), resp.headers());
            Ok(resp)
        })
    }
}

/// One debug line per answer. Never the headers we sent (Authorization) nor a query string
/// (signed log URLs carry their signature there); the log writer redacts tokens on top.
fn log_response(method: &http::Method, uri: &Uri, status: StatusCode, headers: &HeaderMap) {
    let remaining = headers
        .get("x-ratelimit-remaining")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-");
    // Host and port only: an authority may carry user info.
    let port = uri.port_u16().map(|p| format!(":{p}")).unwrap_or_default();
    let shown = format!(
        "{}://{}{port}{}",
        uri.scheme_str().unwrap_or("https"),
        uri.host().unwrap_or_default(),
        uri.path()
    );
    tracing::debug!(
        target: "cockpit::github",
        "{method} {shown} -> {} (rate limit left {remaining})",
        status.as_u16()
    );
}
