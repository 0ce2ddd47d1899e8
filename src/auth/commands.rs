//! `cockpit auth login | status | logout`. Everything from outside — the environment, the
//! keyring, gh, standard input, the clock of the device flow — is passed in, so tests run these
//! exactly as the binary does. No function here prints a token.

use super::device::{DeviceError, DeviceFlow};
use super::scopes::{self, Coverage};
use super::store::{service_name, CredentialStore, StoreError};
use super::{env_vars, find_token, key_host, Sources, TokenSource};
use crate::github::models::User;
use crate::github::{ApiError, GitHub, Token};
use crate::launch::ApiTarget;
use crate::text::sanitize_line;
use std::future::Future;
use std::io::Write;
use std::time::Duration;

/// The outside world the auth commands read.
pub struct AuthContext<'a> {
    pub env: &'a dyn Fn(&str) -> Option<String>,
    pub store: &'a dyn CredentialStore,
    pub gh: &'a dyn Fn(&str) -> Option<Token>,
}

impl AuthContext<'_> {
    fn sources(&self) -> Sources<'_> {
        Sources {
            env: self.env,
            keyring: Some(self.store),
            gh: self.gh,
        }
    }

    /// The first environment variable that holds a token for `host`, if any.
    fn env_token_var(&self, host: &str) -> Option<&'static str> {
        env_vars(host)
            .iter()
            .copied()
            .find(|v| (self.env)(v).and_then(Token::new).is_some())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error(
        "cannot store the token: {reason}.\n\
         cockpit keeps tokens only in the system keyring, never in a file. Give it the token \
         through the environment instead:\n    export {var}=<token>\n\
         or sign in with gh (`gh auth login`), whose token cockpit also reads."
    )]
    NoKeyring {
        reason: StoreError,
        var: &'static str,
    },
    #[error("the keyring: {0}")]
    Keyring(StoreError),
    #[error(
        "no token on standard input (pipe one in: `cockpit auth login --with-token < token.txt`)"
    )]
    NoTokenOnStdin,
    #[error("cannot read standard input: {0}")]
    Stdin(String),
    #[error("GitHub ({host}) rejected the token: {message}; nothing was stored")]
    Rejected { host: String, message: String },
    #[error("{0}")]
    Api(ApiError),
    #[error(
        "the device flow needs an OAuth app's client id for {host}: set client_id under [auth] \
         (or under this host's [[hosts]] entry) in the config file — register an OAuth app with \
         the device flow enabled at {web}/settings/applications/new — or paste a token instead: \
         `cockpit auth login --with-token < token.txt`"
    )]
    NoClientId { host: String, web: String },
    #[error("device flow: {0}")]
    Device(DeviceError),
    #[error("not signed in to {host} through cockpit: the keyring has no entry {service}")]
    NotLoggedIn { host: String, service: String },
    #[error(
        "{reason}, so cockpit has no keyring entry for {host} to remove; a token in the \
         environment ({vars}) stays in use until it is unset"
    )]
    NothingToRemove {
        host: String,
        reason: StoreError,
        vars: String,
    },
}

/// Who a token belongs to and what it may do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub login: String,
    /// From `x-oauth-scopes`; None when the token does not report scopes.
    pub scopes: Option<Vec<String>>,
}

/// Asks GitHub who the token belongs to (`GET /user`), reading the scopes from the answer.
pub async fn verify(target: &ApiTarget, token: &Token) -> Result<Account, ApiError> {
    let gh = GitHub::new(&target.rest_base, Some(token.clone()))?;
    let (user, headers) = gh.get_with_headers::<User>("/user").await?;
    let header = headers.get("x-oauth-scopes").and_then(|v| v.to_str().ok());
    Ok(Account {
        login: sanitize_line(&user.login),
        scopes: scopes::parse(header),
    })
}

/// The variable to suggest for `host`.
fn suggested_var(host: &str) -> &'static str {
    env_vars(host).first().copied().unwrap_or("GH_TOKEN")
}

/// `auth login` keeps the token in the keyring: where there is none, it cannot help.
fn no_keyring(store: &dyn CredentialStore) -> bool {
    matches!(store.probe(), Err(StoreError::Unavailable(_)))
}

/// How to sign in to `host` on this machine.
pub fn sign_in_fix(host: &str, store: &dyn CredentialStore) -> String {
    let var = suggested_var(host);
    if no_keyring(store) {
        format!(
            "export {var}=<token> (cockpit auth login needs a keyring, and there is none here), \
             or sign in with gh (gh auth login --hostname {host})"
        )
    } else {
        format!("cockpit auth login --hostname {host}, or export {var}=<token>")
    }
}

/// What to do about a token GitHub rejected: fix it where it came from, since that source
/// comes first again next time.
pub fn rejected_fix(host: &str, source: TokenSource, store: &dyn CredentialStore) -> String {
    match source {
        TokenSource::Env(var) if no_keyring(store) => {
            format!("export {var}=<a valid token>, or unset it")
        }
        TokenSource::Env(var) => {
            format!("replace {var} with a valid token, or unset it and run cockpit auth login")
        }
        TokenSource::Keyring => format!("cockpit auth login --hostname {host}"),
        TokenSource::GhCli => format!("gh auth login --hostname {host}"),
    }
}

/// Fails early, before any prompt or network round trip, when the token could not be kept.
fn require_store(ctx: &AuthContext, host: &str) -> Result<(), AuthError> {
    match ctx.store.probe() {
        Ok(()) => Ok(()),
        Err(reason @ StoreError::Unavailable(_)) => Err(AuthError::NoKeyring {
            reason,
            var: suggested_var(host),
        }),
        Err(e) => Err(AuthError::Keyring(e)),
    }
}

async fn verify_for_login(target: &ApiTarget, token: &Token) -> Result<Account, AuthError> {
    verify(target, token).await.map_err(|e| match e {
        ApiError::Unauthorized { message } => AuthError::Rejected {
            host: target.host.clone(),
            message: if message.is_empty() {
                "401".into()
            } else {
                message
            },
        },
        other => AuthError::Api(other),
    })
}

fn store_and_report(
    ctx: &AuthContext,
    target: &ApiTarget,
    token: &Token,
    account: &Account,
    out: &mut dyn Write,
) -> Result<(), AuthError> {
    let host = key_host(&target.host);
    ctx.store.set(&host, token).map_err(|e| match e {
        reason @ StoreError::Unavailable(_) => AuthError::NoKeyring {
            reason,
            var: suggested_var(&host),
        },
        other => AuthError::Keyring(other),
    })?;
    let _ = writeln!(
        out,
        "✓ Signed in to {host} as {}; the token is in {} (entry {}).",
        account.login,
        ctx.store.name(),
        service_name(&host)
    );
    if let Some(gap) = scope_gap(account.scopes.as_deref()) {
        let _ = writeln!(out, "! {gap}");
    }
    if let Some(var) = ctx.env_token_var(&host) {
        let _ = writeln!(
            out,
            "! {var} is set in this environment and takes precedence over the keyring: unset it \
             to use the token just stored."
        );
    }
    Ok(())
}

/// One warning about what the scopes leave out, if anything.
fn scope_gap(scopes: Option<&[String]>) -> Option<String> {
    let mut gaps = Vec::new();
    match scopes::read(scopes) {
        Coverage::Missing(m) => gaps.push(format!("reading needs {}", m.join(", "))),
        Coverage::Partial(why) => gaps.push(why),
        _ => {}
    }
    if let Coverage::Missing(m) = scopes::act(scopes) {
        gaps.push(format!(
            "acting (re-run, dispatch, deploy, approve) needs {}",
            m.join(", ")
        ));
    }
    (!gaps.is_empty()).then(|| format!("The token's scopes fall short: {}.", gaps.join("; ")))
}

/// `cockpit auth login --with-token`: the token comes from `input` (standard input).
pub async fn login_with_token(
    ctx: &AuthContext<'_>,
    target: &ApiTarget,
    input: &mut dyn std::io::Read,
    out: &mut dyn Write,
) -> Result<(), AuthError> {
    require_store(ctx, &target.host)?;
    let mut text = String::new();
    input
        .read_to_string(&mut text)
        .map_err(|e| AuthError::Stdin(e.to_string()))?;
    let token = Token::new(text).ok_or(AuthError::NoTokenOnStdin)?;
    let account = verify_for_login(target, &token).await?;
    store_and_report(ctx, target, &token, &account, out)
}

/// `cockpit auth login`: the OAuth device flow. `sleep` waits between polls.
pub async fn login_device<S, F>(
    ctx: &AuthContext<'_>,
    target: &ApiTarget,
    client_id: Option<&str>,
    out: &mut dyn Write,
    sleep: S,
) -> Result<(), AuthError>
where
    S: FnMut(Duration) -> F,
    F: Future<Output = ()>,
{
    let client_id = client_id.ok_or_else(|| AuthError::NoClientId {
        host: key_host(&target.host),
        web: target.web_base.clone(),
    })?;
    require_store(ctx, &target.host)?;
    let flow = DeviceFlow::new(&target.web_base, client_id).map_err(AuthError::Device)?;
    let code = flow
        .start(scopes::REQUESTED)
        .await
        .map_err(AuthError::Device)?;
    let _ = writeln!(out, "! First copy your one-time code: {}", code.user_code);
    let _ = writeln!(
        out,
        "  Then open {} in a browser and enter it. Waiting for approval (Ctrl-C cancels)…",
        code.verification_uri
    );
    let _ = out.flush();
    let token = flow.wait(&code, sleep).await.map_err(AuthError::Device)?;
    let account = verify_for_login(target, &token).await?;
    store_and_report(ctx, target, &token, &account, out)
}

/// `cockpit auth logout`: removes cockpit's keyring entry for the host; other sources are
/// named, not touched.
pub fn logout(
    ctx: &AuthContext<'_>,
    target: &ApiTarget,
    out: &mut dyn Write,
) -> Result<(), AuthError> {
    let host = key_host(&target.host);
    let removed = ctx.store.delete(&host).map_err(|e| match e {
        reason @ StoreError::Unavailable(_) => AuthError::NothingToRemove {
            reason,
            vars: env_vars(&host).join(", "),
            host: host.clone(),
        },
        other => AuthError::Keyring(other),
    })?;
    if !removed {
        return Err(AuthError::NotLoggedIn {
            service: service_name(&host),
            host,
        });
    }
    let _ = writeln!(out, "✓ Removed cockpit's keyring entry for {host}.");
    if let Some(var) = ctx.env_token_var(&host) {
        let _ = writeln!(
            out,
            "! {var} is still set in this environment; cockpit keeps using it until it is unset."
        );
    }
    Ok(())
}

/// `cockpit auth status` for each target. Returns whether every host is signed in with a
/// token GitHub accepts.
pub async fn status(ctx: &AuthContext<'_>, targets: &[ApiTarget], out: &mut dyn Write) -> bool {
    let mut all_ok = true;
    for (i, target) in targets.iter().enumerate() {
        if i > 0 {
            let _ = writeln!(out);
        }
        all_ok &= host_status(ctx, target, out).await;
    }
    all_ok
}

async fn host_status(ctx: &AuthContext<'_>, target: &ApiTarget, out: &mut dyn Write) -> bool {
    let host = key_host(&target.host);
    let _ = writeln!(out, "{host} ({})", target.rest_base);
    let lookup = find_token(&host, &ctx.sources());
    if let Some(e) = &lookup.keyring_error {
        let _ = writeln!(out, "  ! keyring: {e}");
    }
    let sign_in = sign_in_fix(&host, ctx.store);
    let Some((token, source)) = lookup.found else {
        let vars = env_vars(&host).join(", ");
        let _ = writeln!(
            out,
            "  ✗ not signed in: no token in {vars}, the keyring ({}), or gh",
            service_name(&host)
        );
        let _ = writeln!(out, "    fix: {sign_in}");
        return false;
    };
    let source_text = match source {
        TokenSource::Keyring => format!("keyring entry {}", service_name(&host)),
        other => other.to_string(),
    };
    let account = match verify(target, &token).await {
        Ok(a) => a,
        Err(ApiError::Unauthorized { message }) => {
            let _ = writeln!(
                out,
                "  ✗ the token from {source_text} was rejected ({message}): revoked or expired"
            );
            // The fix is where the token came from: that source comes first again next time.
            let _ = writeln!(out, "    fix: {}", rejected_fix(&host, source, ctx.store));
            return false;
        }
        Err(e) => {
            let _ = writeln!(out, "  ✗ cannot check the token from {source_text}: {e}");
            return false;
        }
    };
    let _ = writeln!(
        out,
        "  ✓ signed in as {} (token from {source_text})",
        account.login
    );
    if source != TokenSource::Keyring && lookup.keyring_error.is_none() {
        match ctx.store.get(&host) {
            Ok(Some(_)) => {
                let _ = writeln!(
                    out,
                    "  · cockpit's keyring entry is set too, but {source_text} comes first"
                );
            }
            Ok(None) => {}
            Err(e) => {
                let _ = writeln!(out, "  ! keyring: {e} (not needed: {source_text} is used)");
            }
        }
    }
    let scopes_ref = account.scopes.as_deref();
    match scopes_ref {
        Some([]) => {
            let _ = writeln!(out, "  ! scopes: none");
        }
        Some(s) => {
            let _ = writeln!(out, "  ✓ scopes: {}", s.join(", "));
        }
        None => {
            let _ = writeln!(
                out,
                "  · scopes: not reported (a fine-grained or app token; permissions show when used)"
            );
        }
    }
    let line = |what: &str, c: Coverage| match c {
        Coverage::Full => format!("  ✓ {what}: covered"),
        Coverage::Unknown => format!("  · {what}: cannot tell from the token"),
        Coverage::Partial(why) => format!("  ! {what}: partly — {why}"),
        Coverage::Missing(m) => format!("  ✗ {what}: missing {}", m.join(", ")),
    };
    let _ = writeln!(
        out,
        "{}",
        line(
            "read (issues, pull requests, CI, deploys)",
            scopes::read(scopes_ref)
        )
    );
    let _ = writeln!(
        out,
        "{}",
        line(
            "act (re-run, dispatch, deploy, approve)",
            scopes::act(scopes_ref)
        )
    );
    true
}
