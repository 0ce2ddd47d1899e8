//! `cockpit auth login | status | logout` and the device flow, against fakehub on 127.0.0.1,
//! with an in-memory keyring standing in for the system's.

use chrono::{TimeZone, Utc};
use cockpit::auth::commands::{self, AuthContext, AuthError};
use cockpit::auth::device::{DeviceError, DeviceFlow};
use cockpit::auth::store::{CredentialStore, MemoryStore};
use cockpit::fakehub::{Clock, FakeHub, Scenario, DEMO_TOKEN};
use cockpit::github::Token;
use cockpit::launch::ApiTarget;
use std::sync::{Arc, Mutex};
use std::time::Duration;

async fn hub() -> FakeHub {
    cockpit::github::client::install_crypto_provider();
    let start = Utc
        .with_ymd_and_hms(2026, 11, 22, 10, 0, 0)
        .single()
        .expect("date");
    FakeHub::start(Scenario::demo(), Clock::manual(start))
        .await
        .expect("fakehub")
}

fn no_env(_: &str) -> Option<String> {
    None
}

fn no_gh(_: &str) -> Option<Token> {
    None
}

fn text(out: &[u8]) -> String {
    String::from_utf8_lossy(out).into_owned()
}

/// A sleep that moves fakehub's clock instead of waiting, and remembers what it was asked for.
/// With `early`, the second wait is cut short, as if the client polled too soon.
fn clock_sleep(
    clock: Clock,
    asked: Arc<Mutex<Vec<u64>>>,
    early: bool,
) -> impl FnMut(Duration) -> std::future::Ready<()> {
    let mut n = 0;
    move |d: Duration| {
        if let Ok(mut a) = asked.lock() {
            a.push(d.as_secs());
        }
        let step = if early && n == 1 {
            Duration::from_secs(1)
        } else {
            d
        };
        n += 1;
        clock.advance(step);
        std::future::ready(())
    }
}

#[tokio::test]
async fn device_flow_waits_slows_down_and_gets_the_token() {
    let hub = hub().await;
    let flow = DeviceFlow::new(&hub.base_url(), "Iv1.cockpit-test").expect("client");
    let code = flow
        .start(&["repo", "read:org", "workflow"])
        .await
        .expect("code");
    assert_eq!(code.interval, Duration::from_secs(5));
    assert_eq!(code.user_code.len(), 9, "{}", code.user_code);
    assert_eq!(
        code.verification_uri,
        format!("{}/login/device", hub.base_url())
    );
    assert_eq!(hub.pending_device_codes(), vec![code.user_code.clone()]);
    // No Debug of the code ever shows the device code.
    assert!(!format!("{code:?}").contains("device_code:"));

    let asked = Arc::new(Mutex::new(Vec::new()));
    let hub = Arc::new(hub);
    let mut sleep = clock_sleep(hub.clock(), asked.clone(), true);
    let (approver, user_code, waits) = (hub.clone(), code.user_code.clone(), asked.clone());
    let token = flow
        .wait(&code, move |d| {
            // The user approves in the browser after the third poll.
            if waits.lock().map(|a| a.len()).unwrap_or(0) == 3 {
                assert!(approver.approve_device(&user_code, "octodemo", None));
            }
            sleep(d)
        })
        .await
        .expect("token");
    // 5 s, 5 s (cut to 1 s: too early → slow_down), then 10 s from then on.
    let asked = asked.lock().expect("asked").clone();
    assert_eq!(asked, vec![5, 5, 10, 10], "{asked:?}");
    // The token works and carries the scopes asked for.
    let target = ApiTarget::from_api_url(&hub.base_url());
    let account = commands::verify(&target, &token).await.expect("verified");
    assert_eq!(account.login, "octodemo");
    assert_eq!(
        account.scopes,
        Some(vec!["repo".into(), "read:org".into(), "workflow".into()])
    );
    // A spent device code gives nothing more.
    assert!(hub.pending_device_codes().is_empty());
}

#[tokio::test]
async fn device_flow_expired_and_denied() {
    let hub = hub().await;
    let flow = DeviceFlow::new(&hub.base_url(), "Iv1.cockpit-test").expect("client");
    let code = flow.start(&["repo"]).await.expect("code");
    let clock = hub.clock();
    // Nobody approves: the 900 s run out.
    let err = flow
        .wait(&code, clock_sleep(clock.clone(), Arc::default(), false))
        .await
        .expect_err("expires");
    assert_eq!(err, DeviceError::Expired);

    let code = flow.start(&["repo"]).await.expect("code");
    assert!(hub.deny_device(&code.user_code));
    let err = flow
        .wait(&code, clock_sleep(clock, Arc::default(), false))
        .await
        .expect_err("denied");
    assert_eq!(err, DeviceError::Denied);
}

#[tokio::test]
async fn device_flow_against_a_host_that_is_not_there() {
    let flow = DeviceFlow::new("http://127.0.0.1:9", "Iv1.x").expect("client");
    let err = flow.start(&["repo"]).await.expect_err("refused");
    assert!(matches!(err, DeviceError::Network { .. }), "{err}");
}

#[tokio::test]
async fn login_device_stores_the_token_and_status_reports_it() {
    let hub = Arc::new(hub().await);
    let target = ApiTarget::from_api_url(&hub.base_url());
    let store = MemoryStore::new();
    let ctx = AuthContext {
        env: &no_env,
        store: &store,
        gh: &no_gh,
    };
    let mut out = Vec::new();
    let clock = hub.clock();
    let h = hub.clone();
    let result = commands::login_device(&ctx, &target, Some("Iv1.cockpit-test"), &mut out, {
        move |d: Duration| {
            // Approve as soon as the code is out; each poll moves the clock by the interval.
            for code in h.pending_device_codes() {
                h.approve_device(&code, "alice", Some(&["repo", "workflow"]));
            }
            clock.advance(d);
            std::future::ready(())
        }
    })
    .await;
    result.expect("login");
    let said = text(&out);
    assert!(said.contains("First copy your one-time code: "), "{said}");
    assert!(said.contains("/login/device"), "{said}");
    assert!(said.contains("Signed in to 127.0.0.1 as alice"), "{said}");
    let stored = store.get("127.0.0.1").expect("get").expect("stored");
    assert!(stored.expose().starts_with("gho_"));
    assert!(
        !said.contains(stored.expose()),
        "the token is never printed"
    );
}

#[tokio::test]
async fn login_device_without_a_client_id_says_how_to_get_one() {
    let hub = hub().await;
    let target = ApiTarget::from_api_url(&hub.base_url());
    let store = MemoryStore::new();
    let ctx = AuthContext {
        env: &no_env,
        store: &store,
        gh: &no_gh,
    };
    let err = commands::login_device(&ctx, &target, None, &mut Vec::new(), |_| {
        std::future::ready(())
    })
    .await
    .expect_err("no client id");
    let msg = err.to_string();
    assert!(matches!(err, AuthError::NoClientId { .. }));
    assert!(
        msg.contains("[auth]") && msg.contains("--with-token"),
        "{msg}"
    );
}

#[tokio::test]
async fn with_token_status_logout_round_trip() {
    let hub = hub().await;
    let target = ApiTarget::from_api_url(&hub.base_url());
    let store = MemoryStore::new();
    let ctx = AuthContext {
        env: &no_env,
        store: &store,
        gh: &no_gh,
    };

    // Not signed in yet: status fails and says how to fix it.
    let mut out = Vec::new();
    assert!(!commands::status(&ctx, std::slice::from_ref(&target), &mut out).await);
    let said = text(&out);
    assert!(said.contains("✗ not signed in"), "{said}");
    assert!(
        said.contains("cockpit auth login --hostname 127.0.0.1"),
        "{said}"
    );

    // A rejected token is not stored.
    let err = commands::login_with_token(
        &ctx,
        &target,
        &mut "not-a-token\n".as_bytes(),
        &mut Vec::new(),
    )
    .await
    .expect_err("rejected");
    assert!(matches!(err, AuthError::Rejected { .. }), "{err}");
    assert_eq!(store.get("127.0.0.1"), Ok(None));
    let err = commands::login_with_token(&ctx, &target, &mut "  \n".as_bytes(), &mut Vec::new())
        .await
        .expect_err("empty");
    assert!(matches!(err, AuthError::NoTokenOnStdin));

    // bob's token lacks workflow: stored, with a warning.
    let mut out = Vec::new();
    commands::login_with_token(
        &ctx,
        &target,
        &mut format!("{}\n", cockpit::fakehub::demo::BOB_TOKEN).as_bytes(),
        &mut out,
    )
    .await
    .expect("login");
    let said = text(&out);
    assert!(said.contains("Signed in to 127.0.0.1 as bob"), "{said}");
    assert!(
        said.contains("acting (re-run, dispatch, deploy, approve) needs workflow"),
        "{said}"
    );

    let mut out = Vec::new();
    assert!(commands::status(&ctx, std::slice::from_ref(&target), &mut out).await);
    let said = text(&out);
    assert!(
        said.contains("✓ signed in as bob (token from keyring entry cockpit:127.0.0.1)"),
        "{said}"
    );
    assert!(said.contains("✓ scopes: repo"), "{said}");
    assert!(
        said.contains("✓ read (issues, pull requests, CI, deploys): covered"),
        "{said}"
    );
    assert!(
        said.contains("✗ act (re-run, dispatch, deploy, approve): missing workflow"),
        "{said}"
    );
    assert!(!said.contains(cockpit::fakehub::demo::BOB_TOKEN), "{said}");

    // An environment variable wins over the keyring, and status says both.
    let env = |v: &str| (v == "GH_ENTERPRISE_TOKEN").then(|| DEMO_TOKEN.to_string());
    let with_env = AuthContext {
        env: &env,
        store: &store,
        gh: &no_gh,
    };
    let mut out = Vec::new();
    assert!(commands::status(&with_env, std::slice::from_ref(&target), &mut out).await);
    let said = text(&out);
    assert!(
        said.contains(
            "signed in as octodemo (token from environment variable GH_ENTERPRISE_TOKEN)"
        ),
        "{said}"
    );
    assert!(said.contains("keyring entry is set too"), "{said}");

    // Logout removes the entry, once.
    let mut out = Vec::new();
    commands::logout(&ctx, &target, &mut out).expect("logout");
    assert!(text(&out).contains("Removed cockpit's keyring entry for 127.0.0.1"));
    assert_eq!(store.get("127.0.0.1"), Ok(None));
    let err = commands::logout(&ctx, &target, &mut Vec::new()).expect_err("nothing left");
    assert!(matches!(err, AuthError::NotLoggedIn { .. }), "{err}");

    // A revoked token: status fails and names its source.
    hub.revoke_token(DEMO_TOKEN);
    let mut out = Vec::new();
    assert!(!commands::status(&with_env, std::slice::from_ref(&target), &mut out).await);
    assert!(text(&out).contains("was rejected"), "{}", text(&out));
}

#[tokio::test]
async fn without_a_keyring_login_refuses_and_offers_the_environment() {
    let hub = hub().await;
    let target = ApiTarget::from_api_url(&hub.base_url());
    let store = MemoryStore::unavailable("no D-Bus session bus");
    let ctx = AuthContext {
        env: &no_env,
        store: &store,
        gh: &no_gh,
    };
    let err = commands::login_with_token(
        &ctx,
        &target,
        &mut format!("{DEMO_TOKEN}\n").as_bytes(),
        &mut Vec::new(),
    )
    .await
    .expect_err("no keyring");
    let msg = err.to_string();
    assert!(
        msg.contains("no keyring service is available (no D-Bus session bus)"),
        "{msg}"
    );
    assert!(msg.contains("never in a file"), "{msg}");
    assert!(msg.contains("export GH_ENTERPRISE_TOKEN=<token>"), "{msg}");
    assert!(!msg.contains(DEMO_TOKEN));
    // The device flow refuses before showing a code nobody could use.
    let mut out = Vec::new();
    let err = commands::login_device(&ctx, &target, Some("Iv1.x"), &mut out, |_| {
        std::future::ready(())
    })
    .await
    .expect_err("no keyring");
    assert!(matches!(err, AuthError::NoKeyring { .. }));
    assert!(out.is_empty());
    assert!(hub.pending_device_codes().is_empty());
    // Logout has nothing to remove, and says why.
    let err = commands::logout(&ctx, &target, &mut Vec::new()).expect_err("no keyring");
    assert_eq!(
        err.to_string(),
        "no keyring service is available (no D-Bus session bus), so cockpit has no keyring entry \
         for 127.0.0.1 to remove; a token in the environment (GH_ENTERPRISE_TOKEN, \
         GITHUB_ENTERPRISE_TOKEN, GH_TOKEN, GITHUB_TOKEN) stays in use until it is unset"
    );
    // Status still works from the environment, and mentions the keyring.
    let env = |v: &str| (v == "GH_TOKEN").then(|| DEMO_TOKEN.to_string());
    let ctx = AuthContext { env: &env, ..ctx };
    let mut out = Vec::new();
    assert!(commands::status(&ctx, std::slice::from_ref(&target), &mut out).await);
    assert!(
        text(&out).contains("! keyring: no keyring service"),
        "{}",
        text(&out)
    );
}

/// On a machine without a keyring, `auth status` does not send the user to `auth login`
/// (which needs one); a rejected token's fix is where that token came from.
#[tokio::test]
async fn status_fixes_fit_the_machine_and_the_source() {
    let hub = hub().await;
    let target = ApiTarget::from_api_url(&hub.base_url());
    let store = MemoryStore::unavailable("no D-Bus session");
    let ctx = AuthContext {
        env: &no_env,
        store: &store,
        gh: &no_gh,
    };
    let said = failed_status(&ctx, &target).await;
    assert!(said.contains("✗ not signed in"), "{said}");
    assert!(!said.contains("fix: cockpit auth login"), "{said}");
    // 127.0.0.1 is not github.com: the Enterprise variable comes first.
    assert!(
        said.contains("fix: export GH_ENTERPRISE_TOKEN=<token>"),
        "{said}"
    );

    let bad_env = |v: &str| (v == "GH_TOKEN").then(|| "revoked-token".to_string());
    let ctx = AuthContext {
        env: &bad_env,
        store: &store,
        gh: &no_gh,
    };
    let said = failed_status(&ctx, &target).await;
    assert!(said.contains("was rejected"), "{said}");
    assert!(
        said.contains("fix: export GH_TOKEN=<a valid token>, or unset it"),
        "{said}"
    );
}

/// What `auth status` says, asserting that it fails.
async fn failed_status(ctx: &AuthContext<'_>, target: &ApiTarget) -> String {
    let mut out = Vec::new();
    assert!(!commands::status(ctx, std::slice::from_ref(target), &mut out).await);
    text(&out)
}
