//! No token reaches the log: a session of real requests against fakehub with logging at trace
//! level (in this process, and through the real binary), then the whole log is searched for
//! every token used. Fails if any appears.

mod common;

use cockpit::auth::commands::{self, AuthContext};
use cockpit::auth::store::MemoryStore;
use cockpit::config::LogLevel;
use cockpit::fakehub::DEMO_TOKEN;
use cockpit::github::{GitHub, Token};
use cockpit::launch::ApiTarget;
use common::{until, Harness};
use ratatui::crossterm::event::KeyCode;
use std::process::{Command, Stdio};
use std::time::Duration;

fn assert_clean(log: &str, secrets: &[&str]) {
    for s in secrets {
        assert!(!s.is_empty());
        if let Some(at) = log.find(s) {
            let from = log[..at].rfind('\n').map_or(0, |i| i + 1);
            let to = log[at..].find('\n').map_or(log.len(), |i| at + i);
            panic!("a token reached the log:\n{}", &log[from..to]);
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_traced_session_never_logs_a_token() {
    let dir = tempfile::tempdir().expect("dir");
    let log_path = dir.path().join("state").join("cockpit.log");
    cockpit::logging::init(LogLevel::Trace, &log_path).expect("logging starts");

    // The dashboard, polling everything, with the demo token.
    let mut h = Harness::start().await;
    h.wait_for("@octodemo").await;
    h.wait_for("Crash when HOME is unset").await;
    h.code(KeyCode::Char('4'));
    h.code(KeyCode::Enter);
    h.wait_until("run detail", |s| {
        s.contains("Esc back") && !s.contains("loading…")
    })
    .await;
    let before = h.hub().requests().len();
    h.key('r');
    // The refresh asks for the run's jobs again: the session went through a detail's requests.
    until("the jobs asked for again", || {
        h.hub()
            .requests()
            .iter()
            .skip(before)
            .any(|r| r.path_and_query.contains("/jobs"))
    })
    .await;
    h.code(KeyCode::Esc);

    // A GitHub-shaped token, a rejected one, and a token from the device flow.
    let hub = h.hub();
    let api = hub.base_url();
    let classic = "ghp_Zx9LogLeakCanaryToken0123456789abcd";
    hub.add_token(classic, "octodemo", &["repo", "workflow"]);
    let gh = GitHub::new(&api, Token::new(classic)).expect("client");
    gh.get::<serde_json::Value>("/user").await.expect("user");
    tracing::debug!("client: {gh:?}");
    let revoked = "revoked-canary-token-for-the-log";
    hub.add_token(revoked, "octodemo", &["repo"]);
    hub.revoke_token(revoked);
    let bad = GitHub::new(&api, Token::new(revoked)).expect("client");
    let err = bad
        .get::<serde_json::Value>("/user")
        .await
        .expect_err("401");
    tracing::warn!("expected failure: {err}");

    let target = ApiTarget::from_api_url(&api);
    let store = MemoryStore::new();
    let ctx = AuthContext {
        env: &|_| None,
        store: &store,
        gh: &|_| None,
    };
    let clock = hub.clock();
    let login = commands::login_device(&ctx, &target, Some("Iv1.log-test"), &mut Vec::new(), {
        move |d: Duration| {
            for code in hub.pending_device_codes() {
                hub.approve_device(&code, "octodemo", None);
            }
            clock.advance(d);
            std::future::ready(())
        }
    })
    .await;
    login.expect("device login");
    let oauth = {
        use cockpit::auth::store::CredentialStore;
        store.get("127.0.0.1").expect("get").expect("stored")
    };

    // Even a careless event that prints a header is blanked on its way to the file.
    tracing::trace!("careless: authorization: Bearer {}", oauth.expose());
    tracing::trace!("careless: {}", classic);

    h.quit().await;
    let log = std::fs::read_to_string(&log_path).expect("log written");
    assert!(log.contains("/user -> 200"), "requests are logged:\n{log}");
    assert!(log.contains("/user -> 401"), "{log}");
    assert!(log.contains("careless: authorization: <redacted>"), "{log}");
    assert_clean(&log, &[DEMO_TOKEN, classic, revoked, oauth.expose()]);
    // Nothing is left for anyone but the owner to read.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&log_path)
            .expect("meta")
            .permissions()
            .mode();
        assert_eq!(mode & 0o077, 0, "{mode:o}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_binary_logs_to_the_state_directory_without_tokens() {
    let hub = cockpit::fakehub::FakeHub::start_demo()
        .await
        .expect("fakehub");
    let home = tempfile::tempdir().expect("home");
    let secret = "ghp_BinaryLogCanary0123456789abcdefghij";
    hub.add_token(secret, "octodemo", &["repo", "workflow"]);
    let api = hub.base_url();
    let run = |args: Vec<String>, stdin: Option<String>| {
        let home = home.path().to_path_buf();
        let secret = secret.to_string();
        tokio::task::spawn_blocking(move || {
            let mut child = Command::new(env!("CARGO_BIN_EXE_cockpit"))
                .args(&args)
                .current_dir(&home)
                .env_clear()
                .env("HOME", &home)
                .env("XDG_STATE_HOME", home.join("state"))
                .env("XDG_CONFIG_HOME", home.join("config"))
                .env("PATH", "")
                .env("COCKPIT_KEYRING", "off")
                .env("GH_ENTERPRISE_TOKEN", &secret)
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("spawn");
            if let (Some(text), Some(mut input)) = (stdin, child.stdin.take()) {
                use std::io::Write;
                let _ = input.write_all(text.as_bytes());
            }
            child.wait_with_output().expect("wait")
        })
    };
    let out = run(
        vec![
            "--log-level".into(),
            "trace".into(),
            "doctor".into(),
            "--api-url".into(),
            api.clone(),
        ],
        None,
    )
    .await
    .expect("join");
    assert!(String::from_utf8_lossy(&out.stdout).contains("signed in as octodemo"));
    let out = run(
        vec![
            "auth".into(),
            "login".into(),
            "--with-token".into(),
            "--log-level=trace".into(),
            "--api-url".into(),
            api.clone(),
        ],
        Some(format!("{secret}\n")),
    )
    .await
    .expect("join");
    assert_eq!(out.status.code(), Some(1), "no keyring here");
    let log_path = home
        .path()
        .join("state")
        .join("cockpit")
        .join("cockpit.log");
    let log = std::fs::read_to_string(&log_path).expect("log in the state directory");
    assert!(log.contains("/user -> 200"), "{log}");
    assert!(log.contains("no keyring service"), "{log}");
    assert_clean(&log, &[secret]);
    // The log went to the file only: nothing of it on the terminal's streams.
    assert!(!String::from_utf8_lossy(&out.stdout).contains("TRACE"));
    assert!(!String::from_utf8_lossy(&out.stderr).contains("TRACE"));
}
