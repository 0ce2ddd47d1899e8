//! `cockpit metrics --json` through the real binary against fakehub, with an environment whose
//! name carries an 8-bit CSI, an 8-bit OSC and a right-to-left override: stdout holds none of
//! them raw, and the JSON still says the name exactly.

use cockpit::fakehub::{FakeHub, DEMO_TOKEN};
use std::process::{Command, Stdio};

const HOSTILE: &str = "stag\u{9b}2J\u{9d}0;pwned\u{7}\u{202e}gni\u{200b}";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_json_escapes_controls_and_bidi_from_github() {
    let hub = FakeHub::start_demo().await.expect("fakehub");
    hub.with_world_mut(|w| {
        let repo = &mut w.repos[0];
        for e in repo.environments.iter_mut().filter(|e| e.name == "staging") {
            e.name = HOSTILE.to_string();
        }
        for d in repo
            .deployments
            .iter_mut()
            .filter(|d| d.environment == "staging")
        {
            d.environment = HOSTILE.to_string();
        }
    });
    let home = tempfile::tempdir().expect("home");
    let api = hub.base_url();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_cockpit"));
    cmd.args([
        "--api-url",
        &api,
        "--repo",
        "acme/rocket",
        "metrics",
        "--json",
    ])
    .current_dir(home.path())
    .env_clear()
    .env("HOME", home.path())
    .env("XDG_CONFIG_HOME", home.path().join("config"))
    .env("PATH", "")
    .env("COCKPIT_KEYRING", "off")
    .env("GH_TOKEN", DEMO_TOKEN)
    .stdin(Stdio::null());
    let out = tokio::task::spawn_blocking(move || cmd.output())
        .await
        .expect("join")
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout.clone()).expect("UTF-8");
    for raw in ['\u{9b}', '\u{9d}', '\u{7}', '\u{202e}', '\u{200b}'] {
        assert!(!text.contains(raw), "{raw:?} reached stdout raw:\n{text:?}");
    }
    assert!(
        text.contains(r"stag\u009b2J\u009d0;pwned\u0007\u202egni\u200b"),
        "{text}"
    );
    let v: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    assert!(
        v.as_array()
            .is_some_and(|envs| envs.iter().any(|e| e["environment"] == HOSTILE)),
        "{v}"
    );
}
