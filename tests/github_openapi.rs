//! fakehub and cockpit held to GitHub's own description of its REST API
//! (tests/fixtures/github-openapi, see its README): every route fakehub serves is one of
//! GitHub's operations, every JSON body it sends validates against that operation's response
//! schema, and cockpit's models read GitHub's own example responses.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use cockpit::fakehub::{demo, Clock, FakeHub, Scenario, DEMO_TOKEN, OPERATIONS};
use cockpit::github::actions::{Comparison, WorkflowInfo};
use cockpit::github::logs::Annotation;
use cockpit::github::models::{
    CheckRunList, Deployment, DeploymentStatus, EnvironmentList, Issue, IssueComment, Job, JobList,
    Label, PendingDeployment, PullRequest, Repository, Review, RunList, User, WorkflowRun,
};
use cockpit::github::pulls::MergeResult;
use serde::de::DeserializeOwned;
use serde_json::{json, Value};

const OPERATIONS_TSV: &str = include_str!("fixtures/github-openapi/operations.tsv");
const ENDPOINTS: &str = include_str!("fixtures/github-openapi/endpoints.json");

/// Operations GitHub describes without a response schema in the fixture (the source has no
/// entry for them): their bodies are not validated.
const UNDESCRIBED: &[&str] = &[
    "GET /repos/{owner}/{repo}/branches/{branch}",
    "GET /repos/{owner}/{repo}/contents/{path}",
    // In operations.tsv, but endpoints.json carries no schema for it.
    "GET /repos/{owner}/{repo}/issues/{issue_number}/events",
    "DELETE /notifications/threads/{thread_id}/subscription",
    "GET /repos/{owner}/{repo}/assignees",
];

/// Undescribed operations whose answer GitHub documents as a shape the fixture has elsewhere
/// (a JSON pointer into it): validated against that.
const SAME_SHAPE: &[(&str, &str)] = &[(
    // "An array of simple users": what an issue's `assignees` is.
    "GET /repos/{owner}/{repo}/assignees",
    "/operations/POST ~1repos~1{owner}~1{repo}~1issues~1{issue_number}~1assignees/responses/201/schema/properties/assignees",
)];

/// `/a/{x}/b` and `/a/{y}/b` are the same route.
fn structural(template: &str) -> String {
    template
        .split('/')
        .map(|s| if s.starts_with('{') { "{}" } else { s })
        .collect::<Vec<_>>()
        .join("/")
}

fn github_operations() -> BTreeSet<(String, String)> {
    OPERATIONS_TSV
        .lines()
        .skip(1)
        .filter_map(|l| {
            let mut f = l.split('\t');
            Some((f.next()?.to_string(), structural(f.next()?)))
        })
        .collect()
}

fn endpoints() -> Value {
    serde_json::from_str(ENDPOINTS).expect("the fixture is JSON")
}

#[test]
fn every_route_fakehub_serves_is_a_github_operation() {
    let github = github_operations();
    assert!(github.len() > 1000, "the whole list: {}", github.len());
    let mut seen = BTreeSet::new();
    for (method, template) in OPERATIONS {
        assert!(
            github.contains(&(method.to_string(), structural(template))),
            "fakehub serves {method} {template}, which github.com does not have"
        );
        assert!(seen.insert((method, template)), "{method} {template} twice");
    }
    // No log stream and no step logs on GitHub: nothing fakehub may serve.
    for path in [
        "/repos/{owner}/{repo}/actions/jobs/{job_id}/steps/{step}/logs",
        "/repos/{owner}/{repo}/actions/jobs/{job_id}/logs/live",
    ] {
        assert!(
            !github.contains(&("GET".into(), structural(path))),
            "{path}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Schemas

/// OpenAPI 3.0's `nullable: true` in JSON Schema terms (`null` allowed as well), throughout.
fn json_schema(v: &Value) -> Value {
    match v {
        Value::Object(m) => {
            let mut out = serde_json::Map::new();
            for (k, x) in m {
                let x = match k.as_str() {
                    "properties" | "patternProperties" => match x {
                        Value::Object(p) => Value::Object(
                            p.iter().map(|(n, s)| (n.clone(), json_schema(s))).collect(),
                        ),
                        other => other.clone(),
                    },
                    "items" | "additionalProperties" | "not" => json_schema(x),
                    "anyOf" | "oneOf" | "allOf" => match x {
                        Value::Array(a) => Value::Array(a.iter().map(json_schema).collect()),
                        other => other.clone(),
                    },
                    "nullable" | "discriminator" | "readOnly" | "writeOnly" | "xml" => continue,
                    _ => x.clone(),
                };
                out.insert(k.clone(), x);
            }
            if m.get("nullable") != Some(&Value::Bool(true)) {
                return Value::Object(out);
            }
            if let Some(Value::Array(e)) = out.get_mut("enum") {
                e.push(Value::Null);
            }
            match out.get("type").cloned() {
                Some(Value::String(t)) => {
                    out.insert("type".into(), json!([t, "null"]));
                    Value::Object(out)
                }
                _ => json!({"anyOf": [Value::Object(out), {"type": "null"}]}),
            }
        }
        other => other.clone(),
    }
}

/// The validator for `op`'s answer with `status`, if GitHub describes a JSON body for it.
fn validator(endpoints: &Value, op: &str, status: u16) -> Option<jsonschema::Validator> {
    validator_at(
        endpoints,
        &format!(
            "/operations/{}/responses/{status}/schema",
            op.replace('~', "~0").replace('/', "~1")
        ),
    )
}

/// The validator for the schema at `pointer` in the fixture.
fn validator_at(endpoints: &Value, pointer: &str) -> Option<jsonschema::Validator> {
    let schema = endpoints.pointer(pointer)?.clone();
    let mut root = json_schema(&schema);
    let defs: serde_json::Map<String, Value> = endpoints["$defs"]
        .as_object()
        .map(|d| d.iter().map(|(k, v)| (k.clone(), json_schema(v))).collect())
        .unwrap_or_default();
    if let Value::Object(m) = &mut root {
        m.insert("$defs".into(), Value::Object(defs));
    }
    Some(
        jsonschema::options()
            .with_draft(jsonschema::Draft::Draft202012)
            .should_validate_formats(true)
            .build(&root)
            .unwrap_or_else(|e| panic!("{pointer}: GitHub's schema does not compile: {e}")),
    )
}

fn t0() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-22T10:00:00Z")
        .expect("valid time")
        .to_utc()
}

struct Api {
    base: String,
    http: reqwest::Client,
}

impl Api {
    async fn call(&self, method: &str, path: &str, body: Option<Value>) -> (u16, Option<Value>) {
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
        let mut rq = self
            .http
            .request(method, format!("{}{path}", self.base))
            .header("authorization", format!("Bearer {DEMO_TOKEN}"))
            .header("accept", "application/vnd.github+json")
            .header("user-agent", "cockpit-tests");
        if let Some(b) = body {
            rq = rq.json(&b);
        }
        let r = rq.send().await.expect("fakehub answers");
        let status = r.status().as_u16();
        let text = r.text().await.unwrap_or_default();
        (status, serde_json::from_str(&text).ok())
    }

    async fn get(&self, path: &str) -> Value {
        let (status, body) = self.call("GET", path, None).await;
        assert_eq!(status, 200, "GET {path}");
        body.unwrap_or(Value::Null)
    }
}

/// One request per operation fakehub serves, each meant to succeed; ids come from the demo
/// scenario or from an earlier answer.
async fn samples(hub: &FakeHub, api: &Api) -> Vec<(&'static str, String, Option<Value>)> {
    let r = "/repos/acme/rocket";
    let deployment = api.get(&format!("{r}/deployments")).await[0]["id"].clone();
    let thread = api
        .get(&format!("{r}/pulls/{}/comments", demo::PR_RETRY))
        .await[0]["id"]
        .clone();
    let pending = api
        .get(&format!(
            "{r}/actions/runs/{}/pending_deployments",
            demo::RUN_WAITING_DEPLOY
        ))
        .await;
    let env_id = pending[0]["environment"]["id"].clone();
    let jobs = api
        .get(&format!(
            "{r}/actions/runs/{}/jobs",
            demo::RUN_FASTER_BUILDS
        ))
        .await;
    let done_job = jobs["jobs"][0]["id"].clone();
    let (issue, pr) = (47, demo::PR_RETRY);
    let head = api.get(&format!("{r}/pulls/{pr}")).await["head"]["sha"].clone();
    // A pushed branch without a pull request yet, to open one from.
    hub.set_branch_head("47-home-unset", "4c1d2a9e0b7f6e5d4c3b2a1908f7e6d5c4b3a291");
    let (flaky_job, live) = (demo::JOB_FLAKY_TEST, demo::RUN_LIVE);
    let threads = api.get("/notifications?all=true").await;
    let id = |k: usize| threads[k]["id"].as_str().unwrap_or_default().to_string();
    let (read, done, unsubscribed) = (id(0), id(1), id(2));
    vec![
        ("GET", "/user".into(), None),
        ("GET", "/users/alice".into(), None),
        ("GET", "/rate_limit".into(), None),
        ("GET", "/issues?filter=assigned&state=open".into(), None),
        (
            "GET",
            "/search/issues?q=is%3Aopen+is%3Apr+author%3A%40me".into(),
            None,
        ),
        ("GET", r.into(), None),
        ("GET", format!("{r}/branches"), None),
        ("GET", format!("{r}/branches/main"), None),
        (
            "GET",
            format!("{r}/contents/.github/workflows/ci.yml"),
            None,
        ),
        ("GET", format!("{r}/labels"), None),
        (
            "GET",
            format!("{r}/issues?assignee=octodemo&state=open"),
            None,
        ),
        ("GET", format!("{r}/issues/{issue}"), None),
        ("GET", format!("{r}/issues/{issue}/comments"), None),
        ("GET", format!("{r}/issues/16/events"), None),
        ("GET", format!("{r}/pulls?state=open"), None),
        ("GET", format!("{r}/pulls/{pr}"), None),
        ("GET", format!("{r}/pulls/{pr}/reviews"), None),
        ("GET", format!("{r}/pulls/{pr}/comments"), None),
        ("GET", format!("{r}/pulls/{pr}/files"), None),
        ("GET", format!("{r}/pulls/{}/merge", demo::PR_RELEASE), None),
        (
            "GET",
            format!("{r}/commits/42-retry-flaky-uploads/check-runs"),
            None,
        ),
        ("GET", format!("{r}/check-runs/{flaky_job}"), None),
        (
            "GET",
            format!("{r}/check-runs/{flaky_job}/annotations"),
            None,
        ),
        ("GET", format!("{r}/actions/workflows"), None),
        ("GET", format!("{r}/actions/workflows/ci.yml"), None),
        ("GET", format!("{r}/actions/workflows/ci.yml/runs"), None),
        ("GET", format!("{r}/actions/runs"), None),
        (
            "GET",
            format!("{r}/actions/runs?head_sha=756f7943f960313f0de8a591e8a4a804b2522cd9"),
            None,
        ),
        ("GET", format!("{r}/actions/runs/{}", demo::RUN_FLAKY), None),
        (
            "GET",
            format!("{r}/actions/runs/{live}/jobs?filter=latest"),
            None,
        ),
        (
            "GET",
            format!(
                "{r}/actions/runs/{}/pending_deployments",
                demo::RUN_WAITING_DEPLOY
            ),
            None,
        ),
        ("GET", format!("{r}/actions/jobs/{flaky_job}"), None),
        ("GET", format!("{r}/actions/jobs/{flaky_job}/logs"), None),
        ("GET", format!("{r}/environments"), None),
        ("GET", format!("{r}/environments/staging"), None),
        (
            "GET",
            format!("{r}/compare/main...42-retry-flaky-uploads"),
            None,
        ),
        (
            "GET",
            format!("{r}/deployments?environment=production"),
            None,
        ),
        ("GET", format!("{r}/deployments/{deployment}"), None),
        (
            "GET",
            format!("{r}/deployments/{deployment}/statuses"),
            None,
        ),
        // Changes.
        (
            "POST",
            format!("{r}/issues/{issue}/comments"),
            Some(json!({"body": "On it."})),
        ),
        (
            "POST",
            format!("{r}/issues/{issue}/labels"),
            Some(json!({"labels": ["documentation"]})),
        ),
        (
            "DELETE",
            format!("{r}/issues/{issue}/labels/documentation"),
            None,
        ),
        (
            "POST",
            format!("{r}/issues/{issue}/assignees"),
            Some(json!({"assignees": ["alice"]})),
        ),
        (
            "DELETE",
            format!("{r}/issues/{issue}/assignees"),
            Some(json!({"assignees": ["alice"]})),
        ),
        (
            "PATCH",
            format!("{r}/issues/{issue}"),
            Some(json!({"state": "closed", "state_reason": "completed"})),
        ),
        (
            "POST",
            format!("{r}/pulls"),
            Some(
                json!({"title": "Crash when HOME is unset", "head": "47-home-unset", "base": "main", "body": "Closes #47"}),
            ),
        ),
        (
            "POST",
            format!("{r}/pulls/{}/reviews", demo::PR_FASTER_BUILDS),
            Some(json!({"event": "APPROVE", "body": "Looks good."})),
        ),
        (
            "POST",
            format!("{r}/pulls/{pr}/comments/{thread}/replies"),
            Some(json!({"body": "Done."})),
        ),
        (
            "POST",
            format!("{r}/pulls/{pr}/comments"),
            Some(
                json!({"body": "Why 30 s?", "commit_id": head, "path": "src/upload/retry.rs", "line": 32, "side": "RIGHT"}),
            ),
        ),
        (
            "PATCH",
            format!("{r}/pulls/{}", demo::PR_DARK_MODE),
            Some(json!({"title": "Dark mode for the progress view", "body": "Adds --color."})),
        ),
        (
            "PUT",
            format!("{r}/pulls/{}/update-branch", demo::PR_RETRY),
            Some(json!({})),
        ),
        ("GET", format!("{r}/rules/branches/main"), None),
        (
            "PUT",
            format!("{r}/pulls/{}/merge", demo::PR_FASTER_BUILDS),
            Some(json!({"merge_method": "squash"})),
        ),
        (
            "DELETE",
            format!("{r}/git/refs/heads/alice/faster-builds"),
            None,
        ),
        (
            "POST",
            format!("{r}/actions/workflows/ci.yml/dispatches"),
            Some(
                json!({"ref": "main", "inputs": {"log-level": "info"}, "return_run_details": true}),
            ),
        ),
        (
            "POST",
            format!("{r}/actions/runs/{}/rerun-failed-jobs", demo::RUN_FLAKY),
            Some(json!({})),
        ),
        (
            "POST",
            format!("{r}/actions/runs/{}/rerun", demo::RUN_DARK_MODE),
            Some(json!({})),
        ),
        (
            "POST",
            format!("{r}/actions/jobs/{done_job}/rerun"),
            Some(json!({})),
        ),
        (
            "POST",
            format!("{r}/actions/runs/{live}/cancel"),
            Some(json!({})),
        ),
        (
            "POST",
            format!(
                "/repos/{}/actions/runs/{}/approve",
                demo::SECOND_REPO,
                demo::SECOND_REPO_FORK_RUN
            ),
            None,
        ),
        (
            "POST",
            format!(
                "{r}/actions/runs/{}/pending_deployments",
                demo::RUN_WAITING_DEPLOY
            ),
            Some(json!({"environment_ids": [env_id], "state": "approved", "comment": "Ship it."})),
        ),
        ("GET", format!("{r}/assignees"), None),
        (
            "POST",
            format!("{r}/issues"),
            Some(
                json!({"title": "Retry count is not configurable", "body": "It is 3.", "labels": ["bug"], "assignees": ["alice"]}),
            ),
        ),
        (
            "GET",
            "/notifications?all=true&participating=true".into(),
            None,
        ),
        ("PATCH", format!("/notifications/threads/{read}"), None),
        ("DELETE", format!("/notifications/threads/{done}"), None),
        (
            "DELETE",
            format!("/notifications/threads/{unsubscribed}/subscription"),
            None,
        ),
    ]
}

#[tokio::test(flavor = "multi_thread")]
async fn every_json_body_fakehub_sends_validates_against_githubs_schema() {
    cockpit::github::client::install_crypto_provider();
    let hub = FakeHub::start(Scenario::demo(), Clock::manual(t0()))
        .await
        .expect("fakehub starts");
    let api = Api {
        base: hub.base_url(),
        http: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client"),
    };
    let endpoints = endpoints();
    let mut covered = BTreeSet::new();
    let mut problems = Vec::new();
    for (method, path, body) in samples(&hub, &api).await {
        let bare = path.split('?').next().unwrap_or(&path);
        let template = cockpit::fakehub::routes::operation(method, bare)
            .unwrap_or_else(|| panic!("{method} {path} is no operation of fakehub's"));
        let op = format!("{method} {template}");
        covered.insert(op.clone());
        let (status, json) = api.call(method, &path, body).await;
        if !(200..300).contains(&status) && status != 302 {
            problems.push(format!(
                "{op}: {path} answered {status}, not a success: {json:?}"
            ));
            continue;
        }
        if let Some((_, pointer)) = SAME_SHAPE.iter().find(|(o, _)| *o == op) {
            let v = validator_at(&endpoints, pointer).expect("the shape is in the fixture");
            for e in v.iter_errors(&json.unwrap_or(Value::Null)).take(10) {
                problems.push(format!("{op} ({path}): {} at {}", e, e.instance_path()));
            }
            continue;
        }
        if UNDESCRIBED.contains(&op.as_str()) {
            continue;
        }
        let described = endpoints
            .pointer(&format!(
                "/operations/{}/responses/{status}",
                op.replace('~', "~0").replace('/', "~1")
            ))
            .is_some();
        if !described {
            problems.push(format!("{op}: GitHub never answers {status}"));
            continue;
        }
        match (validator(&endpoints, &op, status), json) {
            (Some(v), Some(json)) => {
                for e in v.iter_errors(&json).take(10) {
                    problems.push(format!("{op} ({path}): {} at {}", e, e.instance_path()));
                }
            }
            (Some(_), None) => problems.push(format!("{op}: {status} without a JSON body")),
            (None, _) => {}
        }
    }
    let all: BTreeSet<String> = OPERATIONS.iter().map(|(m, t)| format!("{m} {t}")).collect();
    let missing: Vec<&String> = all.difference(&covered).collect();
    assert!(
        missing.is_empty(),
        "operations without a sample: {missing:?}"
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

// ---------------------------------------------------------------------------------------------
// GitHub's examples through cockpit's models

fn reads<T: DeserializeOwned>(v: &Value) -> Result<(), String> {
    serde_json::from_value::<T>(v.clone())
        .map(|_| ())
        .map_err(|e| e.to_string())
}

fn reads_in<T: DeserializeOwned>(key: &'static str) -> impl Fn(&Value) -> Result<(), String> {
    move |v| reads::<T>(&v[key])
}

type Reader = Box<dyn Fn(&Value) -> Result<(), String>>;

/// Every operation cockpit calls, with the type it reads the answer into.
fn cockpit_reads() -> BTreeMap<&'static str, Reader> {
    let mut m: BTreeMap<&'static str, Reader> = BTreeMap::new();
    m.insert("GET /user 200", Box::new(reads::<User>));
    m.insert("GET /issues 200", Box::new(reads::<Vec<Issue>>));
    m.insert(
        "GET /repos/{owner}/{repo} 200",
        Box::new(reads::<Repository>),
    );
    m.insert(
        "GET /repos/{owner}/{repo}/labels 200",
        Box::new(reads::<Vec<Label>>),
    );
    m.insert(
        "GET /repos/{owner}/{repo}/issues 200",
        Box::new(reads::<Vec<Issue>>),
    );
    m.insert(
        "GET /repos/{owner}/{repo}/issues/{issue_number} 200",
        Box::new(reads::<Issue>),
    );
    m.insert(
        "PATCH /repos/{owner}/{repo}/issues/{issue_number} 200",
        Box::new(reads::<Issue>),
    );
    m.insert(
        "GET /repos/{owner}/{repo}/issues/{issue_number}/comments 200",
        Box::new(reads::<Vec<IssueComment>>),
    );
    m.insert(
        "POST /repos/{owner}/{repo}/issues/{issue_number}/comments 201",
        Box::new(reads::<IssueComment>),
    );
    m.insert(
        "POST /repos/{owner}/{repo}/issues/{issue_number}/labels 200",
        Box::new(reads::<Vec<Label>>),
    );
    m.insert(
        "DELETE /repos/{owner}/{repo}/issues/{issue_number}/labels/{name} 200",
        Box::new(reads::<Vec<Label>>),
    );
    m.insert(
        "POST /repos/{owner}/{repo}/issues/{issue_number}/assignees 201",
        Box::new(reads::<Issue>),
    );
    m.insert(
        "DELETE /repos/{owner}/{repo}/issues/{issue_number}/assignees 200",
        Box::new(reads::<Issue>),
    );
    m.insert(
        "GET /repos/{owner}/{repo}/pulls 200",
        Box::new(reads::<Vec<PullRequest>>),
    );
    m.insert(
        "POST /repos/{owner}/{repo}/pulls 201",
        Box::new(reads::<PullRequest>),
    );
    m.insert(
        "GET /repos/{owner}/{repo}/pulls/{pull_number} 200",
        Box::new(reads::<PullRequest>),
    );
    m.insert(
        "GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews 200",
        Box::new(reads::<Vec<Review>>),
    );
    m.insert(
        "POST /repos/{owner}/{repo}/pulls/{pull_number}/reviews 200",
        Box::new(reads::<Review>),
    );
    m.insert(
        "PUT /repos/{owner}/{repo}/pulls/{pull_number}/merge 200",
        Box::new(reads::<MergeResult>),
    );
    m.insert(
        "GET /repos/{owner}/{repo}/commits/{ref}/check-runs 200",
        Box::new(reads::<CheckRunList>),
    );
    m.insert(
        "GET /repos/{owner}/{repo}/check-runs/{check_run_id}/annotations 200",
        Box::new(reads::<Vec<Annotation>>),
    );
    m.insert(
        "GET /repos/{owner}/{repo}/actions/workflows 200",
        Box::new(reads_in::<Vec<WorkflowInfo>>("workflows")),
    );
    m.insert(
        "GET /repos/{owner}/{repo}/actions/runs 200",
        Box::new(reads::<RunList>),
    );
    m.insert(
        "GET /repos/{owner}/{repo}/actions/runs/{run_id} 200",
        Box::new(reads::<WorkflowRun>),
    );
    m.insert(
        "GET /repos/{owner}/{repo}/actions/runs/{run_id}/jobs 200",
        Box::new(reads::<JobList>),
    );
    m.insert(
        "GET /repos/{owner}/{repo}/actions/runs/{run_id}/pending_deployments 200",
        Box::new(reads::<Vec<PendingDeployment>>),
    );
    m.insert(
        "GET /repos/{owner}/{repo}/actions/jobs/{job_id} 200",
        Box::new(reads::<Job>),
    );
    m.insert(
        "GET /repos/{owner}/{repo}/environments 200",
        Box::new(reads::<EnvironmentList>),
    );
    m.insert(
        "GET /repos/{owner}/{repo}/compare/{basehead} 200",
        Box::new(reads::<Comparison>),
    );
    m.insert(
        "GET /repos/{owner}/{repo}/deployments 200",
        Box::new(reads::<Vec<Deployment>>),
    );
    m.insert(
        "GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses 200",
        Box::new(reads::<Vec<DeploymentStatus>>),
    );
    m.insert(
        "POST /repos/{owner}/{repo}/issues 201",
        Box::new(reads::<Issue>),
    );
    m.insert(
        "GET /notifications 200",
        Box::new(reads::<Vec<cockpit::github::notifications::Thread>>),
    );
    m
}

#[test]
fn cockpits_models_read_githubs_own_examples() {
    let endpoints = endpoints();
    let mut failures = Vec::new();
    for (key, read) in cockpit_reads() {
        let (op, status) = key.rsplit_once(' ').expect("OP STATUS");
        let examples = endpoints
            .pointer(&format!(
                "/operations/{}/responses/{status}/examples",
                op.replace('~', "~0").replace('/', "~1")
            ))
            .and_then(Value::as_object)
            .unwrap_or_else(|| panic!("GitHub has no example for {key}"));
        for (name, example) in examples {
            // Named examples (OpenAPI's Example objects) hold the body under `value`, beside
            // `x-…` extensions.
            let example = match example.as_object() {
                Some(o)
                    if o.contains_key("value")
                        && o.keys().all(|k| k == "value" || k.starts_with("x-")) =>
                {
                    &o["value"]
                }
                _ => example,
            };
            if let Err(e) = read(example) {
                failures.push(format!("{key} ({name}): {e}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
