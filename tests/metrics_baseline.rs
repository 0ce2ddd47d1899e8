//! `cockpit metrics` reads history back to the window's baseline: the last successful
//! deployment before the window, however old (up to a bound), so the first deployment in the
//! window keeps its commits in the lead time.

use chrono::{DateTime, Utc};
use cockpit::fakehub::{Clock, FakeHub, Scenario, DEMO_TOKEN};
use cockpit::github::{GitHub, Slug, Token};
use serde_json::Value;

fn t0() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-22T10:00:00Z")
        .expect("valid time")
        .to_utc()
}

const DAY: i64 = 86_400;
/// Production's oldest deployment in the demo (v1.3.0, 38 days ago).
const V1_3_0: &str = "7be46e1f533e0016a898279f6afcb4f7d5c386dc";
/// Production's deployment 4 days ago.
const FOUR_DAYS_AGO: &str = "518a76da42e2bfca36e51188437cd3701edc6c4f";

/// The demo world without production's deployments from 37 to 5 days ago, v1.3.0 moved to
/// `v1_3_0_days` ago: a 5-day window's first deployment is measured from it.
fn scenario(v1_3_0_days: i64) -> Scenario {
    let mut spec: Value =
        serde_json::from_str(include_str!("../assets/demo/scenario.json")).expect("demo JSON");
    if let Some(deployments) = spec["repos"][0]["deployments"].as_array_mut() {
        deployments.retain(|d| {
            let off = d["created_offset_secs"].as_i64().unwrap_or_default();
            d["environment"] != "production" || !(-37 * DAY..-5 * DAY).contains(&off)
        });
        for d in deployments.iter_mut().filter(|d| d["sha"] == V1_3_0) {
            d["created_offset_secs"] = (-v1_3_0_days * DAY).into();
        }
    }
    Scenario::from_json(&spec.to_string()).expect("scenario")
}

/// Production's metrics over the last 5 days, and the compare requests they made.
async fn metrics(scenario: Scenario) -> (usize, Vec<String>) {
    cockpit::github::client::install_crypto_provider();
    let hub = FakeHub::start(scenario, Clock::manual(t0()))
        .await
        .expect("fakehub starts");
    let gh = GitHub::new(&hub.base_url(), Token::new(DEMO_TOKEN)).expect("client");
    let slug = Slug::parse("acme/rocket").expect("slug");
    let m = cockpit::metrics::environment_metrics(&gh, &slug, "production", t0(), 5)
        .await
        .expect("metrics");
    let compares = hub
        .requests()
        .into_iter()
        .map(|r| r.path_and_query)
        .filter(|p| p.contains("/compare/"))
        .collect();
    (m.lead_time_commits, compares)
}

fn from_baseline(compares: &[String]) -> bool {
    let want = format!("/compare/{V1_3_0}...{FOUR_DAYS_AGO}");
    compares.iter().any(|c| c.ends_with(&want))
}

#[tokio::test(flavor = "multi_thread")]
async fn the_first_deployment_in_the_window_is_measured_from_an_old_baseline() {
    // The success before the window is 38 days old: 33 days before the window, past the
    // 30 days that used to be read.
    let (commits, compares) = metrics(scenario(38)).await;
    assert!(from_baseline(&compares), "{compares:?}");
    let (without, _) = metrics(scenario(-1)).await;
    assert!(commits > without, "its commits count in the lead time");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_look_back_is_bounded() {
    let days = 5 + cockpit::metrics::MAX_BASELINE_DAYS + 10;
    let (_, compares) = metrics(scenario(days)).await;
    assert!(!from_baseline(&compares), "{compares:?}");
    let (_, compares) = metrics(scenario(days - 20)).await;
    assert!(from_baseline(&compares), "within the bound: {compares:?}");
}
