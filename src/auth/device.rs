//! The OAuth device flow (RFC 8628) as GitHub runs it: ask the web host for a device code and
//! a user code, show the user code and the verification URL, and poll for the token at the
//! interval GitHub asks for — five seconds more after each `slow_down` — until it is approved,
//! denied or expired. The sleep is injected so tests run the whole flow without waiting.

use crate::github::Token;
use crate::text::sanitize_line;
use reqwest::header::{ACCEPT, CONTENT_TYPE, USER_AGENT};
use serde::Deserialize;
use std::future::Future;
use std::time::Duration;

const GRANT_TYPE: &str = "urn:ietf:params:oauth:grant-type:device_code";

/// What the user needs to see, and what the poll needs to send back.
pub struct DeviceCode {
    /// Sent back while polling. Not a token, but it can become one: never shown.
    device_code: String,
    pub user_code: String,
    pub verification_uri: String,
    pub expires_in: Duration,
    pub interval: Duration,
}

impl std::fmt::Debug for DeviceCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DeviceCode")
            .field("user_code", &self.user_code)
            .field("verification_uri", &self.verification_uri)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeviceError {
    #[error("cannot reach {host}: {reason}")]
    Network { host: String, reason: String },
    #[error("the code expired before it was approved; run `cockpit auth login` again")]
    Expired,
    #[error("the request was denied in the browser")]
    Denied,
    #[error("the device flow is not enabled for this OAuth app (enable it in the app's settings on GitHub)")]
    Disabled,
    #[error("GitHub rejected the OAuth client id: {0} (check [auth] client_id in the config)")]
    BadClient(String),
    #[error("GitHub answered {code}: {description}")]
    Refused { code: String, description: String },
    #[error("unexpected answer from {url}: {reason}")]
    BadResponse { url: String, reason: String },
}

#[derive(Deserialize)]
struct CodeBody {
    device_code: Option<String>,
    user_code: Option<String>,
    verification_uri: Option<String>,
    expires_in: Option<u64>,
    interval: Option<u64>,
    error: Option<String>,
    error_description: Option<String>,
}

#[derive(Deserialize)]
struct TokenBody {
    access_token: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
    interval: Option<u64>,
}

/// One device flow against one host.
pub struct DeviceFlow {
    http: reqwest::Client,
    web_base: String,
    client_id: String,
}

impl DeviceFlow {
    /// `web_base` is the web host (`https://github.com`, `https://HOST` for Enterprise), not the
    /// API: that is where GitHub serves the device flow.
    pub fn new(web_base: &str, client_id: &str) -> Result<DeviceFlow, DeviceError> {
        crate::github::client::install_crypto_provider();
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(30))
            .build()
            .map_err(|e| DeviceError::Network {
                host: web_base.to_string(),
                reason: e.to_string(),
            })?;
        Ok(DeviceFlow {
            http,
            web_base: web_base.trim_end_matches('/').to_string(),
            client_id: client_id.to_string(),
        })
    }

    async fn post<T: for<'de> Deserialize<'de>>(
        &self,
        path: &str,
        form: &[(&str, &str)],
    ) -> Result<T, DeviceError> {
        let url = format!("{}{path}", self.web_base);
        let body = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(form)
            .finish();
        let network = |e: reqwest::Error| DeviceError::Network {
            host: self.web_base.clone(),
            reason: if e.is_connect() {
                "connection refused or host unreachable".into()
            } else if e.is_timeout() {
                "timed out".into()
            } else {
                sanitize_line(&e.to_string())
            },
        };
        let resp = self
            .http
            .post(&url)
            .header(ACCEPT, "application/json")
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(USER_AGENT, concat!("cockpit/", env!("CARGO_PKG_VERSION")))
            .body(body)
            .send()
            .await
            .map_err(network)?;
        let status = resp.status();
        let bytes = resp.bytes().await.map_err(network)?;
        serde_json::from_slice(&bytes).map_err(|_| DeviceError::BadResponse {
            url: url.clone(),
            reason: if status.is_success() {
                "not the JSON the device flow answers with".into()
            } else {
                format!("HTTP {} (is this a GitHub host?)", status.as_u16())
            },
        })
    }

    /// Step one: a code for the user to enter at `verification_uri`.
    pub async fn start(&self, scopes: &[&str]) -> Result<DeviceCode, DeviceError> {
        let scope = scopes.join(" ");
        let b: CodeBody = self
            .post(
                "/login/device/code",
                &[("client_id", &self.client_id), ("scope", &scope)],
            )
            .await?;
        if let Some(code) = b.error {
            let description = sanitize_line(&b.error_description.unwrap_or_default());
            return Err(match code.as_str() {
                "device_flow_disabled" => DeviceError::Disabled,
                "incorrect_client_credentials" | "unauthorized_client" => {
                    DeviceError::BadClient(description)
                }
                _ => DeviceError::Refused {
                    code: sanitize_line(&code),
                    description,
                },
            });
        }
        match (b.device_code, b.user_code, b.verification_uri) {
            (Some(device_code), Some(user_code), Some(uri)) => Ok(DeviceCode {
                device_code,
                user_code: sanitize_line(&user_code),
                verification_uri: sanitize_line(&uri),
                expires_in: Duration::from_secs(b.expires_in.unwrap_or(900)),
                // RFC 8628: five seconds when the server does not say.
                interval: Duration::from_secs(b.interval.unwrap_or(5).max(1)),
            }),
            _ => Err(DeviceError::BadResponse {
                url: format!("{}/login/device/code", self.web_base),
                reason: "no device code in the answer".into(),
            }),
        }
    }

    /// Step two: poll until the user approves, denies, or the code expires. `sleep` waits the
    /// given time (tests pass one that advances a simulated clock instead).
    pub async fn wait<S, F>(&self, code: &DeviceCode, mut sleep: S) -> Result<Token, DeviceError>
    where
        S: FnMut(Duration) -> F,
        F: Future<Output = ()>,
    {
        let mut interval = code.interval;
        let mut waited = Duration::ZERO;
        loop {
            if waited >= code.expires_in {
                return Err(DeviceError::Expired);
            }
            sleep(interval).await;
            waited += interval;
            let b: TokenBody = self
                .post(
                    "/login/oauth/access_token",
                    &[
                        ("client_id", &self.client_id),
                        ("device_code", &code.device_code),
                        ("grant_type", GRANT_TYPE),
                    ],
                )
                .await?;
            if let Some(t) = b.access_token.and_then(Token::new) {
                return Ok(t);
            }
            let description = sanitize_line(&b.error_description.unwrap_or_default());
            match b.error.as_deref() {
                Some("authorization_pending") => {}
                Some("slow_down") => {
                    let asked = Duration::from_secs(b.interval.unwrap_or(0));
                    interval = (interval + Duration::from_secs(5)).max(asked);
                }
                Some("expired_token") => return Err(DeviceError::Expired),
                Some("access_denied") => return Err(DeviceError::Denied),
                Some("device_flow_disabled") => return Err(DeviceError::Disabled),
                Some("incorrect_client_credentials") => {
                    return Err(DeviceError::BadClient(description))
                }
                Some(other) => {
                    return Err(DeviceError::Refused {
                        code: sanitize_line(other),
                        description,
                    })
                }
                None => {
                    return Err(DeviceError::BadResponse {
                        url: format!("{}/login/oauth/access_token", self.web_base),
                        reason: "neither a token nor an error".into(),
                    })
                }
            }
        }
    }
}
