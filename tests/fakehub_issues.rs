//! fakehub's issues, pull requests and reviews.

mod fakehub_support;

use cockpit::fakehub::{DEMO_REPO, DEMO_USER};
use fakehub_support::start;
use reqwest::Method;
use serde_json::{json, Value};

fn numbers(v: &Value) -> Vec<u64> {
    v.as_array()
        .map(|a| a.iter().filter_map(|i| i["number"].as_u64()).collect())
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread")]
async fn assigned_issues_in_one_repo_and_across_repos() {
    let api = start().await;
    let mine = api
        .json(&format!(
            "/repos/{DEMO_REPO}/issues?assignee={DEMO_USER}&state=open&per_page=100"
        ))
        .await;
    let all = mine.as_array().cloned().unwrap_or_default();
    let issues: Vec<u64> = all
        .iter()
        .filter(|i| i.get("pull_request").is_none())
        .filter_map(|i| i["number"].as_u64())
        .collect();
    assert_eq!(issues, [47, 45, 42, 39, 37, 31]);
    let prs: Vec<&Value> = all
        .iter()
        .filter(|i| i.get("pull_request").is_some())
        .collect();
    assert_eq!(prs.len(), 2, "PRs #43 and #44 are assigned too");
    assert_eq!(prs[0]["draft"], true);
    assert!(prs[0]["pull_request"]["html_url"].is_string());

    let i42 = all
        .iter()
        .find(|i| i["number"] == 42)
        .cloned()
        .unwrap_or_default();
    assert_eq!(i42["title"], "Retry flaky uploads on 5xx");
    assert_eq!(i42["state"], "open");
    assert_eq!(i42["comments"], 3);
    assert_eq!(i42["user"]["login"], "alice");
    assert_eq!(i42["assignee"]["login"], "octodemo");
    let labels: Vec<&str> = i42["labels"]
        .as_array()
        .map(|a| a.iter().filter_map(|l| l["name"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(labels, ["bug", "uploads", "priority: high"]);
    assert!(i42["body"]
        .as_str()
        .unwrap_or_default()
        .contains("## Expected"));
    assert!(i42.get("repository").is_none());

    let across = api
        .json("/issues?filter=assigned&state=open&per_page=100")
        .await;
    let items = across.as_array().cloned().unwrap_or_default();
    let repos: std::collections::BTreeSet<&str> = items
        .iter()
        .filter_map(|i| i["repository"]["full_name"].as_str())
        .collect();
    assert_eq!(
        repos.into_iter().collect::<Vec<_>>(),
        ["acme/launchpad", "acme/rocket"]
    );
    let launchpad: Vec<u64> = items
        .iter()
        .filter(|i| i["repository"]["name"] == "launchpad")
        .filter_map(|i| i["number"].as_u64())
        .collect();
    assert_eq!(launchpad, [5, 3]);
    assert_eq!(items.len(), 10);

    // Filters: labels (all must match), state, sort and direction.
    let v = api
        .json(&format!(
            "/repos/{DEMO_REPO}/issues?labels=bug,uploads&state=all&sort=created&direction=asc"
        ))
        .await;
    assert_eq!(numbers(&v), [23, 35, 39, 42]);
    let closed = api
        .json(&format!(
            "/repos/{DEMO_REPO}/issues?state=closed&per_page=100"
        ))
        .await;
    let c = closed.as_array().cloned().unwrap_or_default();
    assert!(c
        .iter()
        .all(|i| i["state"] == "closed" && i["closed_at"].is_string()));
    assert!(c.iter().any(|i| i["state_reason"] == "not_planned"));
    let none = api
        .json(&format!(
            "/repos/{DEMO_REPO}/issues?assignee=none&per_page=100"
        ))
        .await;
    assert!(none
        .as_array()
        .is_some_and(|a| a.iter().all(|i| i["assignees"] == json!([]))));
}

#[tokio::test(flavor = "multi_thread")]
async fn comment_and_edit_an_issue() {
    let api = start().await;
    let comments = api
        .json(&format!("/repos/{DEMO_REPO}/issues/31/comments"))
        .await;
    assert_eq!(comments.as_array().map(Vec::len), Some(3));
    assert!(comments[0]["id"].is_u64() && comments[0]["body"].is_string());

    api.advance(60);
    let r = api
        .post(
            &format!("/repos/{DEMO_REPO}/issues/31/comments"),
            json!({"body": "Bounded flush is in review: #49"}),
        )
        .await;
    assert_eq!(r.status(), 201);
    assert!(r
        .headers()
        .get("location")
        .is_some_and(|l| l.to_str().is_ok_and(|l| l.contains("/issues/comments/"))));
    let c: Value = r.json().await.expect("json");
    assert_eq!(c["user"]["login"], "octodemo");
    assert_eq!(c["created_at"], "2026-11-22T10:01:00Z");
    let issue = api.json(&format!("/repos/{DEMO_REPO}/issues/31")).await;
    assert_eq!(issue["comments"], 4);
    assert_eq!(issue["updated_at"], "2026-11-22T10:01:00Z");

    let patch = |body: Value| {
        let api = &api;
        async move {
            api.send(
                Method::PATCH,
                &format!("/repos/{DEMO_REPO}/issues/31"),
                Some(cockpit::fakehub::DEMO_TOKEN),
                Some(body),
            )
            .await
        }
    };
    let r = patch(json!({"state": "closed", "state_reason": "completed"})).await;
    assert_eq!(r.status(), 200);
    let v: Value = r.json().await.expect("json");
    assert_eq!(v["state"], "closed");
    assert_eq!(v["state_reason"], "completed");
    assert_eq!(v["closed_by"]["login"], "octodemo");
    let r = patch(json!({"state": "open"})).await;
    let v: Value = r.json().await.expect("json");
    assert_eq!(
        (v["state"].clone(), v["state_reason"].clone()),
        (json!("open"), json!("reopened"))
    );
    assert_eq!(v["closed_at"], Value::Null);

    let r = patch(json!({"labels": ["bug", "needs-design"], "assignees": ["octodemo", "carol"], "title": "Flush telemetry on shutdown"})).await;
    assert_eq!(r.status(), 200);
    let v: Value = r.json().await.expect("json");
    assert_eq!(v["title"], "Flush telemetry on shutdown");
    let labels: Vec<&str> = v["labels"]
        .as_array()
        .map(|a| a.iter().filter_map(|l| l["name"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(labels, ["bug", "needs-design"]);
    assert_eq!(v["assignees"][1]["login"], "carol");
    let repo_labels = api
        .json(&format!("/repos/{DEMO_REPO}/labels?per_page=100"))
        .await;
    assert!(repo_labels
        .as_array()
        .is_some_and(|a| a.iter().any(|l| l["name"] == "needs-design")));

    for bad in [
        json!({"state": "done"}),
        json!({"assignees": ["nobody"]}),
        json!({"title": ""}),
        json!({"title": 5}),
    ] {
        assert_eq!(patch(bad.clone()).await.status(), 422, "{bad}");
    }
    // The world sees the changes.
    let state = api.hub.with_world(|w| {
        w.repo(DEMO_REPO)
            .and_then(|r| r.issues.get(&31))
            .map(|i| (i.title.clone(), i.comments.len()))
    });
    assert_eq!(state, Some(("Flush telemetry on shutdown".to_string(), 4)));

    // carol (triage) cannot relabel an issue she did not open.
    let r = api
        .send(
            Method::PATCH,
            &format!("/repos/{DEMO_REPO}/issues/42"),
            Some("fakehub-carol-token"),
            Some(json!({"labels": []})),
        )
        .await;
    assert_eq!(r.status(), 403);
}

#[tokio::test(flavor = "multi_thread")]
async fn pull_requests_reviews_and_review_comments() {
    let api = start().await;
    let open = api.json(&format!("/repos/{DEMO_REPO}/pulls")).await;
    assert_eq!(numbers(&open), [46, 44, 43]);
    let by_head = api
        .json(&format!(
            "/repos/{DEMO_REPO}/pulls?head=acme:37-dark-mode&state=all"
        ))
        .await;
    assert_eq!(numbers(&by_head), [44]);
    let merged = api
        .json(&format!("/repos/{DEMO_REPO}/pulls?state=closed"))
        .await;
    assert_eq!(numbers(&merged), [16]);
    assert!(merged[0]["merged_at"].is_string());

    let pr = api.json(&format!("/repos/{DEMO_REPO}/pulls/43")).await;
    assert_eq!(pr["head"]["ref"], "42-retry-flaky-uploads");
    assert_eq!(pr["base"]["ref"], "main");
    assert_eq!(pr["user"]["login"], "octodemo");
    assert_eq!(pr["draft"], false);
    assert_eq!(pr["mergeable"], true);
    assert_eq!(pr["mergeable_state"], "blocked");
    assert_eq!(pr["review_comments"], 6);
    assert_eq!(pr["comments"], 2);
    assert_eq!(
        (
            pr["commits"].clone(),
            pr["additions"].clone(),
            pr["deletions"].clone(),
            pr["changed_files"].clone()
        ),
        (json!(4), json!(186), json!(41), json!(5))
    );
    let alice_pr = api.json(&format!("/repos/{DEMO_REPO}/pulls/46")).await;
    assert_eq!(alice_pr["requested_reviewers"][0]["login"], "octodemo");

    let reviews = api
        .json(&format!("/repos/{DEMO_REPO}/pulls/43/reviews"))
        .await;
    let states: Vec<(&str, &str)> = reviews
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|r| Some((r["user"]["login"].as_str()?, r["state"].as_str()?)))
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(
        states,
        [
            ("alice", "CHANGES_REQUESTED"),
            ("octodemo", "COMMENTED"),
            ("bob", "APPROVED")
        ]
    );

    let comments = api
        .json(&format!("/repos/{DEMO_REPO}/pulls/43/comments"))
        .await;
    let cs = comments.as_array().cloned().unwrap_or_default();
    assert_eq!(cs.len(), 6);
    let root = &cs[0];
    assert_eq!(root["path"], "src/upload/retry.rs");
    assert_eq!(root["line"], 34);
    assert_eq!(root["side"], "RIGHT");
    assert!(root.get("in_reply_to_id").is_none());
    assert!(root["diff_hunk"]
        .as_str()
        .unwrap_or_default()
        .starts_with("@@ "));
    assert_eq!(root["pull_request_review_id"], reviews[0]["id"]);
    let reply = cs
        .iter()
        .find(|c| c["in_reply_to_id"] == root["id"])
        .cloned()
        .unwrap_or_default();
    assert_eq!(reply["user"]["login"], "octodemo");
    let outdated = cs
        .iter()
        .find(|c| c["path"] == "tests/upload.rs")
        .cloned()
        .unwrap_or_default();
    assert_eq!(outdated["line"], Value::Null);
    assert_eq!(outdated["original_line"], 8);
    assert!(outdated["commit_id"].is_string());
    assert_eq!(
        api.get(&format!("/repos/{DEMO_REPO}/pulls/42"))
            .await
            .status(),
        404
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn search_finds_my_pull_requests_and_review_requests() {
    let api = start().await;
    let search = |q: &str| {
        let q = url::form_urlencoded::byte_serialize(q.as_bytes()).collect::<String>();
        format!("/search/issues?q={q}")
    };
    let r = api.get(&search("is:open is:pr author:@me")).await;
    assert_eq!(r.status(), 200);
    assert_eq!(
        fakehub_support::header(&r, "x-ratelimit-resource"),
        "search"
    );
    assert_eq!(fakehub_support::header(&r, "x-ratelimit-limit"), "30");
    let v: Value = r.json().await.expect("json");
    assert_eq!(v["incomplete_results"], false);
    assert_eq!(numbers(&v["items"]), [43, 44]);
    assert_eq!(v["total_count"], 2);

    let v = api
        .json(&search("is:pr is:open review-requested:@me"))
        .await;
    assert_eq!(numbers(&v["items"]), [46]);
    let v = api
        .json(&search("is:issue is:open assignee:@me repo:acme/launchpad"))
        .await;
    assert_eq!(numbers(&v["items"]), [5, 3]);
    let v = api
        .json(&search(
            "is:issue label:\"priority: high\" -label:telemetry sort:created-asc",
        ))
        .await;
    assert_eq!(numbers(&v["items"]), [42, 47]);
    let v = api.json(&search("retry in:title is:issue")).await;
    assert!(numbers(&v["items"]).contains(&42));
    assert_eq!(api.get("/search/issues").await.status(), 422);

    // Search has its own window, visible in /rate_limit.
    let rl = api.json("/rate_limit").await;
    assert_eq!(rl["resources"]["search"]["used"], 6);
    assert_eq!(rl["resources"]["core"]["used"], 0);
}

/// What the sections ask: several `repo:` widen the search (as on github.com), `mentions:` and
/// `involves:` see comments, `org:` scopes to an owner; and after 30 searches in a minute the
/// answer is GitHub's: 403, `x-ratelimit-remaining: 0`, `x-ratelimit-resource: search`.
#[tokio::test(flavor = "multi_thread")]
async fn search_qualifiers_of_sections_and_the_search_budget() {
    let api = start().await;
    let search = |q: &str| {
        let q = url::form_urlencoded::byte_serialize(q.as_bytes()).collect::<String>();
        format!("/search/issues?q={q}&sort=updated&order=desc&per_page=100")
    };
    let both = api
        .json(&search(
            "is:issue is:open assignee:@me repo:acme/rocket repo:acme/launchpad",
        ))
        .await;
    let found = numbers(&both["items"]);
    assert!(found.contains(&47) && found.contains(&5), "{found:?}");
    let v = api
        .json(&search(
            "is:issue is:open assignee:@me org:acme -repo:acme/rocket",
        ))
        .await;
    assert_eq!(numbers(&v["items"]), [5, 3]);
    let v = api
        .json(&search("is:issue is:open mentions:@me repo:acme/rocket"))
        .await;
    assert_eq!(numbers(&v["items"]), [29], "a mention in a comment counts");
    let v = api
        .json(&search("is:pr is:open involves:@me -author:@me"))
        .await;
    assert_eq!(numbers(&v["items"]), [46]);
    let v = api
        .json(&search("is:issue is:open author:@me repo:acme/rocket"))
        .await;
    assert_eq!(numbers(&v["items"]), [26]);
    let v = api
        .json(&search("is:issue label:p1 repo:acme/rocket"))
        .await;
    assert_eq!(
        (v["total_count"].as_u64(), numbers(&v["items"]).len()),
        (Some(0), 0)
    );

    let mut last = None;
    for i in 0..30 {
        last = Some(api.get(&search(&format!("is:issue n{i}"))).await);
    }
    let last = last.expect("answers");
    assert_eq!(last.status(), 403);
    assert_eq!(fakehub_support::header(&last, "x-ratelimit-remaining"), "0");
    assert_eq!(
        fakehub_support::header(&last, "x-ratelimit-resource"),
        "search"
    );
    // The primary budget is untouched, and a minute later search answers again.
    assert_eq!(api.get("/user").await.status(), 200);
    api.advance(61);
    assert_eq!(api.get(&search("is:issue again")).await.status(), 200);
}
