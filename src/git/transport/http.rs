//! git's smart HTTP protocol (stateless RPC) over reqwest + rustls.
//!
//! Each libgit2 action is one HTTP request: `GET …/info/refs?service=S` for the ref
//! advertisement, `POST …/S` with what libgit2 wrote as the body. The request goes out on the
//! first read; the response body is then read in chunks, each wait bounded by the operation's
//! idle timeout and interrupted by its cancel flag.

use std::io::{self, Read, Write};
use std::sync::Arc;
use std::time::Duration;

use git2::transport::{Service, SmartSubtransport, SmartSubtransportStream};
use reqwest::header::{ACCEPT, CONTENT_TYPE, USER_AGENT};
use reqwest::{Method, StatusCode};
use tokio::runtime::Runtime;

use super::{git_error, Failure, Operation};
use crate::git::remote::redact_url;

const AGENT: &str = concat!("git/2.0 (cockpit/", env!("CARGO_PKG_VERSION"), ")");

pub(super) struct Http {
    op: Arc<Operation>,
}

impl Http {
    pub fn new(op: Arc<Operation>) -> Http {
        Http { op }
    }
}

impl SmartSubtransport for Http {
    fn action(
        &self,
        url: &str,
        action: Service,
    ) -> Result<Box<dyn SmartSubtransportStream>, git2::Error> {
        crate::github::client::install_crypto_provider();
        let base = url.trim_end_matches('/');
        let (service, method, path) = match action {
            Service::UploadPackLs => (
                "upload-pack",
                Method::GET,
                "/info/refs?service=git-upload-pack",
            ),
            Service::UploadPack => ("upload-pack", Method::POST, "/git-upload-pack"),
            Service::ReceivePackLs => (
                "receive-pack",
                Method::GET,
                "/info/refs?service=git-receive-pack",
            ),
            Service::ReceivePack => ("receive-pack", Method::POST, "/git-receive-pack"),
        };
        let target = url::Url::parse(&format!("{base}{path}"))
            .map_err(|_| git_error(format!("'{}' is not a valid URL", redact_url(url))))?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| git_error(format!("starting the network runtime: {e}")))?;
        let client = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(15))
            .redirect(same_origin_redirects())
            .build()
            .map_err(|e| git_error(format!("building the HTTP client: {}", e.without_url())))?;
        Ok(Box::new(HttpStream {
            op: self.op.clone(),
            runtime: Arc::new(runtime),
            client,
            url: target,
            method,
            service,
            is_advertisement: matches!(action, Service::UploadPackLs | Service::ReceivePackLs),
            body: Vec::new(),
            response: None,
            pending: Vec::new(),
            offset: 0,
            finished: false,
        }))
    }

    fn close(&self) -> Result<(), git2::Error> {
        Ok(())
    }
}

/// Redirects on the remote's own scheme, host and port are followed (GitHub redirects a renamed
/// repository); one elsewhere is answered as it is, and [`HttpStream::send`] says where it
/// pointed. The token only ever goes to its own host (`RemoteAuth::token_for`), and a remote
/// on that host does not get to send the git conversation to another one.
fn same_origin_redirects() -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(|attempt| {
        let first = attempt.previous().first().cloned();
        match first {
            _ if attempt.previous().len() > 5 => attempt.error("too many redirects"),
            Some(first) if crate::origin::same_origin(&first, attempt.url()) => attempt.follow(),
            _ => attempt.stop(),
        }
    })
}

struct HttpStream {
    op: Arc<Operation>,
    runtime: Arc<Runtime>,
    client: reqwest::Client,
    url: url::Url,
    method: Method,
    service: &'static str,
    is_advertisement: bool,
    body: Vec<u8>,
    response: Option<reqwest::Response>,
    /// The current response chunk and how much of it was read.
    pending: Vec<u8>,
    offset: usize,
    finished: bool,
}

fn io_error(kind: io::ErrorKind, message: impl Into<String>) -> io::Error {
    io::Error::new(kind, message.into())
}

impl HttpStream {
    fn shown_url(&self) -> String {
        let mut u = self.url.clone();
        u.set_query(None);
        redact_url(u.as_str())
    }

    /// Waits for `fut`, giving up when the operation is cancelled or nothing happens for the
    /// idle timeout.
    fn wait<T>(
        &self,
        fut: impl std::future::Future<Output = Result<T, reqwest::Error>>,
    ) -> io::Result<T> {
        enum Outcome<T> {
            Done(Result<T, reqwest::Error>),
            Cancelled,
            Stalled,
        }
        let cancel = self.op.cancel.clone();
        let idle = self.op.auth.idle_timeout;
        let outcome = self.runtime.block_on(async move {
            tokio::select! {
                r = fut => Outcome::Done(r),
                _ = async {
                    while !cancel.is_cancelled() {
                        tokio::time::sleep(Duration::from_millis(50)).await;
                    }
                } => Outcome::Cancelled,
                _ = tokio::time::sleep(idle) => Outcome::Stalled,
            }
        });
        match outcome {
            Outcome::Done(Ok(v)) => Ok(v),
            Outcome::Done(Err(e)) => {
                let reason = if e.is_timeout() {
                    "timed out".to_string()
                } else if e.is_connect() {
                    "connection refused or host unreachable".to_string()
                } else {
                    // Without the URL: a remote URL may carry credentials the user put there.
                    crate::text::sanitize_line(&e.without_url().to_string())
                };
                self.op.record(Failure::Network {
                    reason: reason.clone(),
                });
                Err(io_error(io::ErrorKind::Other, reason))
            }
            Outcome::Cancelled => Err(io_error(io::ErrorKind::Interrupted, "cancelled")),
            Outcome::Stalled => {
                let reason = format!("no data for {:.1} s", idle.as_secs_f64());
                self.op.record(Failure::Network {
                    reason: reason.clone(),
                });
                Err(io_error(io::ErrorKind::TimedOut, reason))
            }
        }
    }

    fn send(&mut self) -> io::Result<()> {
        let mut request = self
            .client
            .request(self.method.clone(), self.url.clone())
            .header(USER_AGENT, AGENT);
        if self.is_advertisement {
            request = request.header(ACCEPT, "*/*");
        } else {
            request = request
                .header(
                    CONTENT_TYPE,
                    format!("application/x-git-{}-request", self.service),
                )
                .header(ACCEPT, format!("application/x-git-{}-result", self.service))
                .body(std::mem::take(&mut self.body));
        }
        let token = self.op.auth.token_for(&self.url).cloned();
        if let Some(token) = &token {
            // reqwest marks the header sensitive, so it never shows in a Debug print.
            request = request.basic_auth("x-access-token", Some(token.expose()));
        }
        let response = self.wait(request.send())?;
        let status = response.status();
        if status == StatusCode::UNAUTHORIZED || status == StatusCode::FORBIDDEN {
            let detail = format!("HTTP {}", status.as_u16());
            self.op.record(Failure::Auth {
                detail: detail.clone(),
                had_token: token.is_some(),
            });
            return Err(io_error(
                io::ErrorKind::PermissionDenied,
                format!("authentication failed ({detail})"),
            ));
        }
        if status == StatusCode::NOT_FOUND {
            let detail = format!(
                "{} was not found (HTTP 404; GitHub also says 404 when a private repository \
                 is out of reach of the credentials)",
                self.shown_url()
            );
            self.op.record(Failure::NotFound {
                detail: detail.clone(),
            });
            return Err(io_error(io::ErrorKind::NotFound, detail));
        }
        let elsewhere = status
            .is_redirection()
            .then(|| response.headers().get(reqwest::header::LOCATION))
            .flatten()
            .and_then(|v| v.to_str().ok())
            .and_then(|l| response.url().join(l).ok());
        if let Some(mut to) = elsewhere {
            to.set_query(None);
            let reason = format!(
                "{} redirects to {}, on another host; cockpit follows redirects on the \
                 remote's own host only: set the remote's URL to the new address",
                self.shown_url(),
                redact_url(to.as_str())
            );
            self.op.record(Failure::Network {
                reason: reason.clone(),
            });
            return Err(io_error(io::ErrorKind::Other, reason));
        }
        if !status.is_success() {
            let reason = format!("{} answered HTTP {}", self.shown_url(), status.as_u16());
            self.op.record(Failure::Network {
                reason: reason.clone(),
            });
            return Err(io_error(io::ErrorKind::Other, reason));
        }
        if self.is_advertisement {
            let expected = format!("application/x-git-{}-advertisement", self.service);
            let content_type = response
                .headers()
                .get(CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default();
            if !content_type.starts_with(&expected) {
                let reason = format!(
                    "{} is not a git smart HTTP server (content type '{}')",
                    self.shown_url(),
                    crate::text::sanitize_line(content_type)
                );
                self.op.record(Failure::Network {
                    reason: reason.clone(),
                });
                return Err(io_error(io::ErrorKind::InvalidData, reason));
            }
        }
        self.response = Some(response);
        Ok(())
    }
}

impl Read for HttpStream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.op.cancel.is_cancelled() {
            return Err(io_error(io::ErrorKind::Interrupted, "cancelled"));
        }
        if self.response.is_none() && !self.finished {
            self.send()?;
        }
        loop {
            let rest = &self.pending[self.offset..];
            if !rest.is_empty() {
                let n = buf.len().min(rest.len());
                buf[..n].copy_from_slice(&rest[..n]);
                self.offset += n;
                return Ok(n);
            }
            if self.finished {
                return Ok(0);
            }
            let Some(mut response) = self.response.take() else {
                return Ok(0);
            };
            let chunk = self.wait(response.chunk())?;
            self.response = Some(response);
            match chunk {
                Some(bytes) => {
                    self.pending = bytes.to_vec();
                    self.offset = 0;
                }
                None => {
                    self.finished = true;
                    self.response = None;
                }
            }
        }
    }
}

impl Write for HttpStream {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        if self.op.cancel.is_cancelled() {
            return Err(io_error(io::ErrorKind::Interrupted, "cancelled"));
        }
        if self.response.is_some() || self.finished {
            return Err(io_error(
                io::ErrorKind::Other,
                "git wrote after reading the answer of a stateless request",
            ));
        }
        self.body.extend_from_slice(data);
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}
