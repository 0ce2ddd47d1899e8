//! fakehub's simulated GitHub Actions and deployments, driven by a manual clock.

mod fakehub_support;

use cockpit::fakehub::DEMO_TOKEN;
use fakehub_support::{header, start, Api};
use reqwest::Method;
use serde_json::{json, Value};

use cockpit::fakehub::demo;

const LIVE_RUN: u64 = demo::RUN_LIVE;
const LIVE_TEST_JOB: u64 = demo::RUN_LIVE_JOBS[1];
const WAITING_RUN: u64 = demo::RUN_WAITING_DEPLOY;
const FLAKY_RUN: u64 = demo::RUN_FLAKY;
const FLAKY_TEST_JOB: u64 = demo::JOB_FLAKY_TEST;
const CLIPPY_JOB: u64 = demo::JOB_DARK_MODE_LINT;
const PRODUCTION: u64 = demo::ENV_PRODUCTION;

async fn runs(api: &Api, query: &str) -> Vec<Value> {
    let v = api
        .json(&format!("/repos/acme/rocket/actions/runs?{query}"))
        .await;
    v["workflow_runs"].as_array().cloned().unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread")]
async fn runs_progress_as_the_clock_advances() {
    let api = start().await;
    let run = api.run(LIVE_RUN).await;
    assert_eq!(run["status"], "in_progress");
    assert_eq!(run["conclusion"], Value::Null);
    assert_eq!(run["head_branch"], "42-retry-flaky-uploads");
    assert_eq!(run["pull_requests"][0]["number"], 43);
    let jobs = api.jobs(LIVE_RUN).await;
    let names: Vec<&str> = jobs.iter().filter_map(|j| j["name"].as_str()).collect();
    assert_eq!(names, ["lint", "test", "build (release)"]);
    assert_eq!(jobs[1]["id"], LIVE_TEST_JOB);
    assert_eq!(jobs[1]["status"], "in_progress");
    assert_eq!(jobs[2]["status"], "queued");
    assert_eq!(jobs[2]["steps"], json!([]));
    let steps = jobs[1]["steps"].as_array().cloned().unwrap_or_default();
    assert_eq!(steps[0]["name"], "Set up job");
    assert_eq!(steps[0]["conclusion"], "success");
    assert!(steps.iter().any(|s| s["status"] == "in_progress"));
    assert_eq!(
        steps.last().map(|s| s["name"].clone()),
        Some(json!("Complete job"))
    );

    // Same state, same ETag; a state change changes updated_at.
    let r1 = api
        .get(&format!("/repos/acme/rocket/actions/runs/{LIVE_RUN}"))
        .await;
    let r2 = api
        .get(&format!("/repos/acme/rocket/actions/runs/{LIVE_RUN}"))
        .await;
    assert_eq!(header(&r1, "etag"), header(&r2, "etag"));
    api.advance(60);
    let later = api.run(LIVE_RUN).await;
    assert_ne!(later["updated_at"], run["updated_at"]);

    api.advance(120);
    let done = api.run(LIVE_RUN).await;
    assert_eq!(done["status"], "completed");
    assert_eq!(done["conclusion"], "success");
    for j in api.jobs(LIVE_RUN).await {
        assert_eq!(j["conclusion"], "success", "{}", j["name"]);
        assert!(j["completed_at"].is_string());
    }

    // A dispatched run goes queued → in_progress → completed.
    let r = api
        .post(
            "/repos/acme/rocket/actions/workflows/ci.yml/dispatches",
            json!({"ref": "main", "inputs": {"log-level": "debug", "run-benchmarks": true}}),
        )
        .await;
    assert_eq!(r.status(), 204);
    let newest = runs(&api, "event=workflow_dispatch&per_page=1").await;
    let id = newest[0]["id"].as_u64().unwrap_or_default();
    assert_eq!(newest[0]["status"], "queued");
    assert_eq!(newest[0]["actor"]["login"], "octodemo");
    assert_eq!(newest[0]["name"], "CI");
    assert_eq!(
        newest[0]["created_at"].as_str(),
        Some(fakehub_support::T0.replace("10:00:00", "10:03:00").as_str())
    );
    api.advance(3);
    assert_eq!(api.run(id).await["status"], "in_progress");
    api.advance(300);
    let run = api.run(id).await;
    assert_eq!(
        (run["status"].clone(), run["conclusion"].clone()),
        (json!("completed"), json!("success"))
    );

    // Filters: status accepts statuses and conclusions; newest first.
    let failed = runs(&api, "status=failure&per_page=100").await;
    assert!(!failed.is_empty());
    assert!(failed.iter().all(|r| r["conclusion"] == "failure"));
    let on_branch = runs(&api, "branch=42-retry-flaky-uploads").await;
    let ids: Vec<u64> = on_branch.iter().filter_map(|r| r["id"].as_u64()).collect();
    assert_eq!(ids, [LIVE_RUN, FLAKY_RUN]);
    let all = api
        .json("/repos/acme/rocket/actions/runs?per_page=100")
        .await;
    assert!(all["total_count"].as_u64().unwrap_or_default() >= 20);
}

#[tokio::test(flavor = "multi_thread")]
async fn job_logs_404_until_completed_then_redirect_to_a_blob_that_refuses_tokens() {
    let api = start().await;
    let logs = format!("/repos/acme/rocket/actions/jobs/{LIVE_TEST_JOB}/logs");
    assert_eq!(api.get(&logs).await.status(), 404);
    // GitHub has no step logs: not even a finished step of a running job has one.
    let r = api
        .get(&format!(
            "/repos/acme/rocket/actions/jobs/{LIVE_TEST_JOB}/steps/1/logs"
        ))
        .await;
    assert_eq!(r.status(), 404);

    api.advance(150);
    let r = api.get(&logs).await;
    assert_eq!(r.status(), 302);
    let location = header(&r, "location");
    assert!(location.starts_with(&api.hub.blob_url()), "{location}");
    assert!(!location.starts_with(&api.hub.base_url()));

    // The blob refuses an Authorization header, as GitHub's storage does.
    let r = api
        .http
        .get(&location)
        .bearer_auth(DEMO_TOKEN)
        .send()
        .await
        .expect("request");
    assert_eq!(r.status(), 400);
    let r = api.http.get(&location).send().await.expect("request");
    assert_eq!(r.status(), 200);
    let text = r.text().await.expect("text");
    let first = text.lines().next().unwrap_or_default();
    assert!(
        first.starts_with('\u{feff}'),
        "GitHub logs start with a BOM"
    );
    let ts = first.trim_start_matches('\u{feff}');
    assert_eq!(&ts[27..29], "Z ", "{ts}");
    assert!(
        chrono::DateTime::parse_from_rfc3339(&ts[..28]).is_ok(),
        "{ts}"
    );
    assert!(text.contains("##[group]Run cargo test --all --locked"));
    assert!(text.contains("##[endgroup]"));
    assert!(text.contains("\u{1b}[32mok\u{1b}[0m"));
    assert!(text.contains("test result:"));
    for line in text.lines() {
        let l = line.trim_start_matches('\u{feff}');
        assert!(l.len() >= 29 && &l[27..29] == "Z ", "{l:?}");
    }

    // A tampered or expired signature is refused.
    let tampered = location.replace("sig=", "sig=0");
    let r = api.http.get(&tampered).send().await.expect("request");
    assert_eq!(r.status(), 403);
    api.advance(120);
    let r = api.http.get(&location).send().await.expect("request");
    assert_eq!(r.status(), 403);

    // reqwest drops the token when a redirect crosses to another port.
    let follow = reqwest::Client::new();
    let r = follow
        .get(api.url(&logs))
        .bearer_auth(DEMO_TOKEN)
        .send()
        .await
        .expect("request");
    assert_eq!(r.status(), 200);

    let blob: Vec<_> = api
        .hub
        .requests()
        .into_iter()
        .filter(|r| r.path_and_query.starts_with("/blob/"))
        .collect();
    assert!(blob
        .iter()
        .any(|r| r.had_authorization_header && r.status == 400));
    assert!(blob.iter().all(|r| !r.counted));

    // A failed job's log carries the error.
    let r = api
        .get(&format!(
            "/repos/acme/rocket/actions/jobs/{FLAKY_TEST_JOB}/logs"
        ))
        .await;
    let text = api
        .http
        .get(header(&r, "location"))
        .send()
        .await
        .expect("request")
        .text()
        .await
        .expect("text");
    assert!(text.contains("gives_up_after_max_attempts ... \u{1b}[31mFAILED"));
    assert!(text.contains("##[error]Process completed with exit code 101."));

    // Annotations show up as workflow-command lines.
    let r = api
        .get(&format!(
            "/repos/acme/rocket/actions/jobs/{CLIPPY_JOB}/logs"
        ))
        .await;
    let text = api
        .http
        .get(header(&r, "location"))
        .send()
        .await
        .expect("request")
        .text()
        .await
        .expect("text");
    assert!(text.contains("Z ##[error]src/ui/theme.rs:42: expected `Rgb`, found integer\n"));
    assert!(text.contains("Z ##[warning]src/ui/palette.rs:3: unused import: `Color`\n"));
}

#[tokio::test(flavor = "multi_thread")]
async fn check_runs_and_annotations() {
    let api = start().await;
    let v = api
        .json("/repos/acme/rocket/commits/37-dark-mode/check-runs")
        .await;
    assert_eq!(v["total_count"], 3);
    let lint = v["check_runs"]
        .as_array()
        .and_then(|a| a.iter().find(|c| c["name"] == "lint"))
        .cloned()
        .unwrap_or_default();
    assert_eq!(lint["id"], CLIPPY_JOB);
    assert_eq!(lint["conclusion"], "failure");
    assert_eq!(lint["app"]["slug"], "github-actions");
    assert_eq!(lint["output"]["annotations_count"], 3);
    let ann = api
        .json(&format!(
            "/repos/acme/rocket/check-runs/{CLIPPY_JOB}/annotations"
        ))
        .await;
    assert_eq!(ann[0]["path"], "src/ui/theme.rs");
    assert_eq!(ann[0]["start_line"], 42);
    assert_eq!(ann[0]["annotation_level"], "failure");
    assert_eq!(ann[1]["annotation_level"], "warning");
    assert_eq!(ann[2]["message"], "Process completed with exit code 101.");

    // Checks of an in-progress head: the same ids as the jobs.
    let head = api
        .json("/repos/acme/rocket/commits/42-retry-flaky-uploads/check-runs")
        .await;
    let ids: Vec<u64> = head["check_runs"]
        .as_array()
        .map(|a| a.iter().filter_map(|c| c["id"].as_u64()).collect())
        .unwrap_or_default();
    assert!(ids.contains(&LIVE_TEST_JOB));
    assert_eq!(
        api.get("/repos/acme/rocket/commits/not-a-ref/check-runs")
            .await
            .status(),
        422
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn approving_a_pending_deployment_lets_the_deploy_run() {
    let api = start().await;
    let run = api.run(WAITING_RUN).await;
    assert_eq!(run["status"], "waiting");
    let waiting = runs(&api, "status=waiting").await;
    assert_eq!(waiting.len(), 1);
    assert_eq!(waiting[0]["id"], WAITING_RUN);

    let path = format!("/repos/acme/rocket/actions/runs/{WAITING_RUN}/pending_deployments");
    let pending = api.json(&path).await;
    assert_eq!(pending[0]["environment"]["id"], PRODUCTION);
    assert_eq!(pending[0]["environment"]["name"], "production");
    assert_eq!(pending[0]["current_user_can_approve"], true);
    assert_eq!(pending[0]["wait_timer"], 0);
    assert_eq!(pending[0]["reviewers"][0]["type"], "User");
    assert_eq!(pending[0]["reviewers"][0]["reviewer"]["login"], "octodemo");

    // bob is not a reviewer of production.
    let r = api
        .send(Method::GET, &path, Some("fakehub-bob-token"), None)
        .await;
    let v: Value = r.json().await.expect("json");
    assert_eq!(v[0]["current_user_can_approve"], false);
    let body = json!({"environment_ids": [PRODUCTION], "state": "approved", "comment": "ok"});
    let r = api
        .send(
            Method::POST,
            &path,
            Some("fakehub-bob-token"),
            Some(body.clone()),
        )
        .await;
    assert_eq!(r.status(), 422);

    // All three fields are required.
    for missing in ["environment_ids", "state", "comment"] {
        let mut b = body.clone();
        b.as_object_mut().map(|m| m.remove(missing));
        let r = api.post(&path, b).await;
        assert_eq!(r.status(), 422, "without {missing}");
    }
    let r = api
        .post(
            &path,
            json!({"environment_ids": [5100000001u64], "state": "approved", "comment": "x"}),
        )
        .await;
    assert_eq!(r.status(), 422, "staging is not waiting");

    let before = api
        .json("/repos/acme/rocket/deployments?environment=production&per_page=1")
        .await;
    let r = api.post(&path, body).await;
    assert_eq!(r.status(), 200);
    let created: Value = r.json().await.expect("json");
    assert_eq!(created[0]["environment"], "production");
    assert_eq!(created[0]["ref"], "main");
    assert_eq!(api.json(&path).await, json!([]));
    assert_eq!(api.run(WAITING_RUN).await["status"], "in_progress");

    api.advance(120);
    let run = api.run(WAITING_RUN).await;
    assert_eq!(
        (run["status"].clone(), run["conclusion"].clone()),
        (json!("completed"), json!("success"))
    );
    let latest = api
        .json("/repos/acme/rocket/deployments?environment=production&per_page=1")
        .await;
    assert_ne!(latest[0]["id"], before[0]["id"]);
    assert_eq!(latest[0]["id"], created[0]["id"]);
    let statuses = api
        .json(&format!(
            "/repos/acme/rocket/deployments/{}/statuses",
            latest[0]["id"]
        ))
        .await;
    let states: Vec<&str> = statuses
        .as_array()
        .map(|a| a.iter().filter_map(|s| s["state"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(states, ["success", "in_progress", "queued"]);
    assert_eq!(
        statuses[0]["environment_url"],
        "https://rocket.acme.example"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn rejecting_a_pending_deployment_fails_the_run() {
    let api = start().await;
    let path = format!("/repos/acme/rocket/actions/runs/{WAITING_RUN}/pending_deployments");
    let body = json!({"environment_ids": [PRODUCTION], "state": "rejected", "comment": "Not on a Friday."});
    let r = api
        .send(Method::POST, &path, Some("fakehub-alice-token"), Some(body))
        .await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.json::<Value>().await.expect("json"), json!([]));
    let run = api.run(WAITING_RUN).await;
    assert_eq!(
        (run["status"].clone(), run["conclusion"].clone()),
        (json!("completed"), json!("failure"))
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_forks_run_waits_for_approval_then_runs() {
    let api = start().await;
    let base = format!(
        "/repos/{}/actions/runs/{}",
        demo::SECOND_REPO,
        demo::SECOND_REPO_FORK_RUN
    );
    let state = |v: &Value| (v["status"].clone(), v["conclusion"].clone());
    let run = api.json(&base).await;
    assert_eq!(state(&run), (json!("completed"), json!("action_required")));
    let jobs = api.json(&format!("{base}/jobs")).await;
    assert_eq!(jobs["total_count"], 0, "no job before the approval");
    let approve = format!("{base}/approve");
    // A token that may only read: 403, and the run still waits.
    api.hub.add_token("read-only", "octodemo", &["read:org"]);
    let refused = api
        .send(Method::POST, &approve, Some("read-only"), None)
        .await;
    assert_eq!(refused.status(), 403);
    assert_eq!(api.json(&base).await["conclusion"], "action_required");
    let r = api
        .send(Method::POST, &approve, Some(DEMO_TOKEN), None)
        .await;
    assert_eq!(r.status(), 201);
    assert_eq!(r.json::<Value>().await.expect("json"), json!({}));
    let run = api.json(&base).await;
    assert_eq!(state(&run), (json!("queued"), Value::Null));
    api.advance(30);
    assert_eq!(api.json(&base).await["status"], "in_progress");
    api.advance(3600);
    let run = api.json(&base).await;
    assert_eq!(state(&run), (json!("completed"), json!("success")));
    let again = api
        .send(Method::POST, &approve, Some(DEMO_TOKEN), None)
        .await;
    assert_eq!(again.status(), 403, "it no longer waits");
}

#[tokio::test(flavor = "multi_thread")]
async fn dispatch_checks_the_workflow_the_ref_and_the_inputs() {
    let api = start().await;
    let d = |wf: &str| format!("/repos/acme/rocket/actions/workflows/{wf}/dispatches");
    let r = api.post(&d("nightly.yml"), json!({"ref": "main"})).await;
    assert_eq!(r.status(), 422);
    let body: Value = r.json().await.expect("json");
    assert_eq!(
        body["message"],
        "Workflow does not have 'workflow_dispatch' trigger"
    );
    for (wf, body) in [
        ("ci.yml", json!({"ref": "nope"})),
        (
            "ci.yml",
            json!({"ref": "main", "inputs": {"log-level": "loud"}}),
        ),
        ("ci.yml", json!({"ref": "main", "inputs": {"unknown": "x"}})),
        (
            "ci.yml",
            json!({"ref": "main", "inputs": {"run-benchmarks": "maybe"}}),
        ),
        ("ci.yml", json!({"inputs": {}})),
        (
            "deploy.yml",
            json!({"ref": "main", "inputs": {"environment": "qa"}}),
        ),
    ] {
        let r = api.post(&d(wf), body.clone()).await;
        assert_eq!(r.status(), 422, "{wf} {body}");
    }
    assert_eq!(
        api.post(&d("nope.yml"), json!({"ref": "main"}))
            .await
            .status(),
        404
    );
    let workflows = api.json("/repos/acme/rocket/actions/workflows").await;
    assert_eq!(workflows["total_count"], 3);
    assert_eq!(
        workflows["workflows"][0]["path"],
        ".github/workflows/ci.yml"
    );
    // The workflow file is served by the contents API (for the dispatch form's inputs).
    let file = api
        .json("/repos/acme/rocket/contents/.github/workflows/ci.yml?ref=main")
        .await;
    assert_eq!(file["encoding"], "base64");
    assert_eq!(file["type"], "file");
    assert!(file["content"]
        .as_str()
        .is_some_and(|c| c.starts_with("bmFtZTogQ0kK")));
    let yaml = api.hub.with_world(|w| {
        w.repo("acme/rocket")
            .and_then(|r| r.workflows.first())
            .map(|wf| wf.yaml())
    });
    let yaml = yaml.unwrap_or_default();
    assert!(
        yaml.contains("  workflow_dispatch:\n    inputs:\n      log-level:\n"),
        "{yaml}"
    );
    assert!(yaml.contains("type: choice") && yaml.contains("type: boolean"));
    assert!(
        yaml.contains("  build-release:\n    name: 'build (release)'\n"),
        "{yaml}"
    );
    let dir = api
        .json("/repos/acme/rocket/contents/.github/workflows")
        .await;
    assert_eq!(dir.as_array().map(Vec::len), Some(3));
    assert_eq!(
        api.get("/repos/acme/rocket/contents/README.md")
            .await
            .status(),
        404
    );

    // A production deploy by id, with run details, ends up waiting for approval.
    let r = api
        .post(
            &d("61000002"),
            json!({"ref": "refs/heads/main", "inputs": {"environment": "production"}, "return_run_details": true}),
        )
        .await;
    assert_eq!(r.status(), 200);
    let details: Value = r.json().await.expect("json");
    let id = details["workflow_run_id"].as_u64().unwrap_or_default();
    assert!(details["run_url"]
        .as_str()
        .unwrap_or_default()
        .ends_with(&id.to_string()));
    api.advance(60);
    assert_eq!(api.run(id).await["status"], "waiting");
    let pending = api
        .json(&format!(
            "/repos/acme/rocket/actions/runs/{id}/pending_deployments"
        ))
        .await;
    assert_eq!(pending[0]["environment"]["name"], "production");
    assert_eq!(runs(&api, "status=waiting").await.len(), 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn rerun_failed_jobs_and_cancel() {
    let api = start().await;
    let base = "/repos/acme/rocket/actions/runs";
    // Only completed runs can be re-run; only running ones cancelled.
    let r = api
        .post(&format!("{base}/{LIVE_RUN}/rerun"), json!({}))
        .await;
    assert_eq!(r.status(), 403);
    let r = api
        .post(&format!("{base}/{FLAKY_RUN}/cancel"), json!({}))
        .await;
    assert_eq!(r.status(), 409);

    let r = api
        .post(&format!("{base}/{FLAKY_RUN}/rerun-failed-jobs"), json!({}))
        .await;
    assert_eq!(r.status(), 201);
    let run = api.run(FLAKY_RUN).await;
    assert_eq!(run["run_attempt"], 2);
    assert_eq!(
        run["status"], "in_progress",
        "the carried-over lint job is done"
    );
    let jobs = api.jobs(FLAKY_RUN).await;
    assert_eq!(jobs[0]["id"], 33000000038u64, "lint is carried over");
    assert_eq!(jobs[0]["conclusion"], "success");
    assert_ne!(jobs[1]["id"], FLAKY_TEST_JOB);
    assert_eq!(jobs[1]["status"], "queued");
    assert_eq!(jobs[1]["run_attempt"], 2);
    let all = api
        .json(&format!("{base}/{FLAKY_RUN}/jobs?filter=all"))
        .await;
    assert_eq!(all["total_count"], 5);
    api.advance(300);
    let run = api.run(FLAKY_RUN).await;
    assert_eq!(
        run["conclusion"], "success",
        "the flaky test passes on a re-run"
    );
    // The old attempt's job is still there, with its log.
    assert_eq!(
        api.get(&format!("/repos/acme/rocket/actions/jobs/{FLAKY_TEST_JOB}"))
            .await
            .status(),
        200
    );

    // Cancel a running run.
    let r = api
        .post(
            "/repos/acme/rocket/actions/workflows/ci.yml/dispatches",
            json!({"ref": "37-dark-mode"}),
        )
        .await;
    assert_eq!(r.status(), 204);
    let id = runs(&api, "branch=37-dark-mode&per_page=1").await[0]["id"]
        .as_u64()
        .unwrap_or_default();
    api.advance(20);
    let r = api.post(&format!("{base}/{id}/cancel"), json!({})).await;
    assert_eq!(r.status(), 202);
    let run = api.run(id).await;
    assert_eq!(
        (run["status"].clone(), run["conclusion"].clone()),
        (json!("completed"), json!("cancelled"))
    );
    for j in api.jobs(id).await {
        assert_eq!(j["conclusion"], "cancelled", "{}", j["name"]);
    }

    // Re-run a single job: it gets a new id in attempt 2, the others are carried.
    let r = api
        .post(
            &format!("/repos/acme/rocket/actions/jobs/{CLIPPY_JOB}/rerun"),
            json!({}),
        )
        .await;
    assert_eq!(r.status(), 201);
    let jobs = api.jobs(11842000433).await;
    assert_ne!(jobs[0]["id"], CLIPPY_JOB);
    assert_eq!(jobs[1]["id"], 33000000036u64);
    api.advance(200);
    let jobs = api.jobs(11842000433).await;
    assert_eq!(
        jobs[0]["conclusion"], "failure",
        "a real failure fails again"
    );
    assert_eq!(jobs[2]["conclusion"], "skipped");

    // Anonymous users cannot act.
    let r = api
        .send(
            Method::POST,
            &format!("{base}/{LIVE_RUN}/cancel"),
            None,
            None,
        )
        .await;
    assert_eq!(r.status(), 401);
    let r = api
        .send(
            Method::POST,
            &format!("{base}/{LIVE_RUN}/cancel"),
            Some("fakehub-carol-token"),
            None,
        )
        .await;
    assert_eq!(r.status(), 403, "carol only triages");
}

#[tokio::test(flavor = "multi_thread")]
async fn branch_heads_move_runs_checks_and_pull_requests() {
    let api = start().await;
    let sha = "0123456789abcdef0123456789abcdef01234567";
    api.hub.set_branch_head("42-retry-flaky-uploads", sha);
    assert_eq!(api.run(LIVE_RUN).await["head_sha"], sha);
    assert_eq!(
        api.run(FLAKY_RUN).await["head_sha"]
            .as_str()
            .map(|s| s == sha),
        Some(false)
    );
    let pr = api.json("/repos/acme/rocket/pulls/43").await;
    assert_eq!(pr["head"]["sha"], sha);
    assert_eq!(pr["head"]["ref"], "42-retry-flaky-uploads");
    let checks = api
        .json(&format!("/repos/acme/rocket/commits/{sha}/check-runs"))
        .await;
    assert_eq!(checks["total_count"], 3);
    assert_eq!(runs(&api, &format!("head_sha={sha}")).await.len(), 1);

    // Deployments made by a run on a moved branch follow it too.
    api.hub.set_branch_head("main", sha);
    let staging = api
        .json("/repos/acme/rocket/deployments?environment=staging&per_page=1")
        .await;
    assert_eq!(staging[0]["sha"], sha);
    let states = api
        .json(&format!(
            "/repos/acme/rocket/deployments/{}/statuses",
            staging[0]["id"]
        ))
        .await;
    assert_eq!(states[0]["state"], "in_progress");
}

#[tokio::test(flavor = "multi_thread")]
async fn environments_and_deployment_history() {
    let api = start().await;
    let envs = api.json("/repos/acme/rocket/environments").await;
    assert_eq!(envs["total_count"], 2);
    let prod = &envs["environments"][1];
    assert_eq!(prod["name"], "production");
    assert_eq!(prod["protection_rules"][0]["type"], "required_reviewers");
    let reviewers: Vec<&str> = prod["protection_rules"][0]["reviewers"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|r| r["reviewer"]["login"].as_str())
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(reviewers, ["octodemo", "alice"]);
    assert_eq!(prod["protection_rules"][1]["type"], "wait_timer");
    assert_eq!(prod["protection_rules"][1]["wait_timer"], 0);

    let deps = api
        .json("/repos/acme/rocket/deployments?per_page=100")
        .await;
    let deps = deps.as_array().cloned().unwrap_or_default();
    assert!(deps.len() >= 25, "{}", deps.len());
    let ids: Vec<u64> = deps.iter().filter_map(|d| d["id"].as_u64()).collect();
    let mut sorted = ids.clone();
    sorted.sort_unstable_by(|a, b| b.cmp(a));
    assert_eq!(ids, sorted, "newest first, ids grow with time");
    assert!(deps
        .iter()
        .any(|d| d["payload"]["rollback"] == true && d["environment"] == "production"));
    let staging_now = &deps[0];
    assert_eq!(staging_now["environment"], "staging");
    let st = api
        .json(&format!(
            "/repos/acme/rocket/deployments/{}/statuses",
            staging_now["id"]
        ))
        .await;
    assert_eq!(st[0]["state"], "in_progress");
    let mut states = std::collections::BTreeSet::new();
    for d in deps.iter().take(40) {
        let st = api
            .json(&format!(
                "/repos/acme/rocket/deployments/{}/statuses",
                d["id"]
            ))
            .await;
        if let Some(s) = st[0]["state"].as_str() {
            states.insert(s.to_string());
        }
    }
    for s in ["success", "failure", "error", "in_progress"] {
        assert!(states.contains(s), "a deployment ends in {s}: {states:?}");
    }
}
