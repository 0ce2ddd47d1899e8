//! GitHub's JSON shapes, built from the world as seen at `ctx.now` by `ctx.viewer`.

use chrono::SecondsFormat;
use serde_json::{json, Map, Value};

use super::world::{
    deployment_statuses, job_annotations, job_view, Annotation, Attempt, Deployment,
    DeploymentStatus, Environment, Issue, Job, JobPlan, JobView, Repo, Review, ReviewComment, Run,
    RunView, Time, Workflow, World,
};

/// Who asks, when, and where the server lives.
#[derive(Clone, Debug)]
pub(crate) struct Ctx {
    /// REST root, e.g. `http://127.0.0.1:4321`.
    pub api: String,
    pub now: Time,
    pub viewer: Option<String>,
}

impl Ctx {
    /// Root of the fake web UI (html_url); the same server answers there with a small page.
    pub fn web(&self) -> &str {
        &self.api
    }
}

pub(crate) fn ts(t: Time) -> Value {
    Value::String(t.to_rfc3339_opts(SecondsFormat::Secs, true))
}

fn ts_opt(t: Option<Time>) -> Value {
    t.map_or(Value::Null, ts)
}

pub(crate) fn node_id(prefix: &str, id: u64) -> String {
    format!("{prefix}_kwDO{id:X}")
}

pub(crate) fn user_json(w: &World, login: &str, ctx: &Ctx) -> Value {
    let (id, org) = w
        .user(login)
        .map_or((10_137, false), |u| (u.id, u.organization));
    let api = &ctx.api;
    json!({
        "login": login,
        "id": id,
        "node_id": node_id("U", id),
        "avatar_url": format!("{}/avatars/u/{id}?v=4", ctx.web()),
        "gravatar_id": "",
        "url": format!("{api}/users/{login}"),
        "html_url": format!("{}/{login}", ctx.web()),
        "followers_url": format!("{api}/users/{login}/followers"),
        "following_url": format!("{api}/users/{login}/following{{/other_user}}"),
        "gists_url": format!("{api}/users/{login}/gists{{/gist_id}}"),
        "starred_url": format!("{api}/users/{login}/starred{{/owner}}{{/repo}}"),
        "subscriptions_url": format!("{api}/users/{login}/subscriptions"),
        "organizations_url": format!("{api}/users/{login}/orgs"),
        "repos_url": format!("{api}/users/{login}/repos"),
        "events_url": format!("{api}/users/{login}/events{{/privacy}}"),
        "received_events_url": format!("{api}/users/{login}/received_events"),
        "type": if org { "Organization" } else { "User" },
        "user_view_type": "public",
        "site_admin": false,
    })
}

fn user_opt(w: &World, login: Option<&str>, ctx: &Ctx) -> Value {
    login.map_or(Value::Null, |l| user_json(w, l, ctx))
}

/// `GET /user` and `GET /users/{login}`.
pub(crate) fn full_user_json(w: &World, login: &str, ctx: &Ctx) -> Value {
    let mut v = user_json(w, login, ctx);
    let name = w.user(login).and_then(|u| u.name.clone());
    let public_repos = w
        .repos
        .iter()
        .filter(|r| r.owner == login && !r.private)
        .count();
    if let Value::Object(m) = &mut v {
        m.insert("name".into(), json!(name));
        m.insert("company".into(), json!("@acme"));
        m.insert("blog".into(), json!(""));
        m.insert("location".into(), Value::Null);
        m.insert("email".into(), Value::Null);
        m.insert("hireable".into(), Value::Null);
        m.insert("bio".into(), Value::Null);
        m.insert("twitter_username".into(), Value::Null);
        m.insert("public_repos".into(), json!(public_repos));
        m.insert("public_gists".into(), json!(0));
        m.insert("followers".into(), json!(3));
        m.insert("following".into(), json!(2));
        m.insert("created_at".into(), json!("2019-03-14T09:26:53Z"));
        m.insert("updated_at".into(), json!("2026-01-05T17:02:11Z"));
    }
    v
}

fn repo_urls(repo: &Repo, ctx: &Ctx, m: &mut Map<String, Value>) {
    let u = format!("{}/repos/{}", ctx.api, repo.full_name());
    for (k, suffix) in [
        ("url", ""),
        ("issues_url", "/issues{/number}"),
        ("pulls_url", "/pulls{/number}"),
        ("labels_url", "/labels{/name}"),
        ("comments_url", "/comments{/number}"),
        ("branches_url", "/branches{/branch}"),
        ("commits_url", "/commits{/sha}"),
        ("deployments_url", "/deployments"),
        ("hooks_url", "/hooks"),
        ("events_url", "/events"),
        ("contents_url", "/contents/{+path}"),
        ("statuses_url", "/statuses/{sha}"),
        ("archive_url", "/{archive_format}{/ref}"),
        ("assignees_url", "/assignees{/user}"),
        ("blobs_url", "/git/blobs{/sha}"),
        ("collaborators_url", "/collaborators{/collaborator}"),
        ("compare_url", "/compare/{base}...{head}"),
        ("contributors_url", "/contributors"),
        ("downloads_url", "/downloads"),
        ("forks_url", "/forks"),
        ("git_commits_url", "/git/commits{/sha}"),
        ("git_refs_url", "/git/refs{/sha}"),
        ("git_tags_url", "/git/tags{/sha}"),
        ("issue_comment_url", "/issues/comments{/number}"),
        ("issue_events_url", "/issues/events{/number}"),
        ("keys_url", "/keys{/key_id}"),
        ("languages_url", "/languages"),
        ("merges_url", "/merges"),
        ("milestones_url", "/milestones{/number}"),
        (
            "notifications_url",
            "/notifications{?since,all,participating}",
        ),
        ("releases_url", "/releases{/id}"),
        ("stargazers_url", "/stargazers"),
        ("subscribers_url", "/subscribers"),
        ("subscription_url", "/subscription"),
        ("tags_url", "/tags"),
        ("teams_url", "/teams"),
        ("trees_url", "/git/trees{/sha}"),
    ] {
        m.insert(k.into(), json!(format!("{u}{suffix}")));
    }
}

/// The short repository object embedded in issues, runs, PR heads.
pub(crate) fn repo_min_json(w: &World, repo: &Repo, ctx: &Ctx) -> Value {
    let mut m = Map::new();
    m.insert("id".into(), json!(repo.id));
    m.insert("node_id".into(), json!(node_id("R", repo.id)));
    m.insert("name".into(), json!(repo.name));
    m.insert("full_name".into(), json!(repo.full_name()));
    m.insert("private".into(), json!(repo.private));
    m.insert("owner".into(), user_json(w, &repo.owner, ctx));
    m.insert(
        "html_url".into(),
        json!(format!("{}/{}", ctx.web(), repo.full_name())),
    );
    m.insert("description".into(), json!(repo.description));
    m.insert("fork".into(), json!(false));
    repo_urls(repo, ctx, &mut m);
    Value::Object(m)
}

pub(crate) fn repo_json(w: &World, repo: &Repo, ctx: &Ctx) -> Value {
    let Value::Object(mut m) = repo_min_json(w, repo, ctx) else {
        return Value::Null;
    };
    let pushed = repo
        .runs
        .iter()
        .map(|r| r.created_at)
        .filter(|&t| t <= ctx.now)
        .max()
        .unwrap_or(repo.created_at);
    let updated = repo
        .issues
        .values()
        .map(|i| i.updated_at)
        .filter(|&t| t <= ctx.now)
        .max()
        .unwrap_or(repo.created_at)
        .max(pushed);
    let open_issues = repo.issues.values().filter(|i| i.state == "open").count();
    let full = repo.full_name();
    let extra = json!({
        "created_at": ts(repo.created_at),
        "updated_at": ts(updated),
        "pushed_at": ts(pushed),
        "git_url": format!("git://fakehub.invalid/{full}.git"),
        "ssh_url": format!("git@fakehub.invalid:{full}.git"),
        "clone_url": format!("{}/{full}.git", ctx.web()),
        "svn_url": format!("{}/{full}", ctx.web()),
        "mirror_url": null,
        "has_downloads": true,
        "homepage": null,
        "size": 2048,
        "stargazers_count": 42,
        "watchers_count": 42,
        "language": "Rust",
        "has_issues": true,
        "has_projects": false,
        "has_wiki": false,
        "has_pages": false,
        "has_discussions": false,
        "forks_count": 3,
        "archived": repo.archived,
        "disabled": false,
        "open_issues_count": open_issues,
        "license": null,
        "allow_forking": true,
        "is_template": false,
        "topics": [],
        "visibility": if repo.private { "private" } else { "public" },
        "forks": 3,
        "open_issues": open_issues,
        "watchers": 42,
        "default_branch": repo.default_branch,
        "allow_merge_commit": repo.allow_merge_commit,
        "allow_squash_merge": repo.allow_squash_merge,
        "allow_rebase_merge": repo.allow_rebase_merge,
        "allow_auto_merge": false,
        "delete_branch_on_merge": true,
        "network_count": 3,
        "subscribers_count": 4,
    });
    if let Value::Object(e) = extra {
        m.extend(e);
    }
    if let Some(viewer) = &ctx.viewer {
        let role = repo.role(viewer);
        let rank = match role {
            Some("admin") => 5,
            Some("maintain") => 4,
            Some("write") => 3,
            Some("triage") => 2,
            _ => 1,
        };
        m.insert(
            "permissions".into(),
            json!({
                "admin": rank >= 5,
                "maintain": rank >= 4,
                "push": rank >= 3,
                "triage": rank >= 2,
                "pull": true,
            }),
        );
    }
    Value::Object(m)
}

pub(crate) fn label_json(repo: &Repo, name: &str, ctx: &Ctx) -> Value {
    let l = repo.labels.iter().find(|l| l.name == name);
    let id = l.map_or(0, |l| l.id);
    json!({
        "id": id,
        "node_id": node_id("LA", id),
        "url": format!("{}/repos/{}/labels/{}", ctx.api, repo.full_name(), encode(name)),
        "name": name,
        "color": l.map_or("ededed", |l| l.color.as_str()),
        "default": matches!(name, "bug" | "documentation" | "duplicate" | "enhancement"
            | "good first issue" | "help wanted" | "invalid" | "question" | "wontfix"),
        "description": l.and_then(|l| l.description.clone()),
    })
}

/// Percent-encodes a path segment.
pub(crate) fn encode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes())
        .collect::<String>()
        .replace('+', "%20")
}

fn association(repo: &Repo, login: &str) -> &'static str {
    if login == repo.owner {
        "OWNER"
    } else if repo.collaborators.contains_key(login) {
        "MEMBER"
    } else {
        "CONTRIBUTOR"
    }
}

pub(crate) fn issue_json(
    w: &World,
    repo: &Repo,
    issue: &Issue,
    ctx: &Ctx,
    with_repository: bool,
) -> Value {
    let full = repo.full_name();
    let u = format!("{}/repos/{full}/issues/{}", ctx.api, issue.number);
    let html_kind = if issue.pull.is_some() {
        "pull"
    } else {
        "issues"
    };
    let mut v = json!({
        "url": u,
        "repository_url": format!("{}/repos/{full}", ctx.api),
        "labels_url": format!("{u}/labels{{/name}}"),
        "comments_url": format!("{u}/comments"),
        "events_url": format!("{u}/events"),
        "html_url": format!("{}/{full}/{html_kind}/{}", ctx.web(), issue.number),
        "id": issue.id,
        "node_id": node_id(if issue.pull.is_some() { "PR" } else { "I" }, issue.id),
        "number": issue.number,
        "title": issue.title,
        "user": user_json(w, &issue.user, ctx),
        "labels": issue.labels.iter().map(|l| label_json(repo, l, ctx)).collect::<Vec<_>>(),
        "state": issue.state,
        "locked": issue.locked,
        "assignee": user_opt(w, issue.assignees.first().map(String::as_str), ctx),
        "assignees": issue.assignees.iter().map(|a| user_json(w, a, ctx)).collect::<Vec<_>>(),
        "milestone": null,
        "comments": issue.comments.len(),
        "created_at": ts(issue.created_at),
        "updated_at": ts(issue.updated_at),
        "closed_at": ts_opt(issue.closed_at),
        "author_association": association(repo, &issue.user),
        "type": null,
        "active_lock_reason": null,
        "sub_issues_summary": {"total": 0, "completed": 0, "percent_completed": 0},
        "body": issue.body,
        "closed_by": user_opt(w, issue.closed_by.as_deref(), ctx),
        "reactions": {
            "url": format!("{u}/reactions"), "total_count": 0, "+1": 0, "-1": 0, "laugh": 0,
            "hooray": 0, "confused": 0, "heart": 0, "rocket": 0, "eyes": 0
        },
        "timeline_url": format!("{u}/timeline"),
        "performed_via_github_app": null,
        "state_reason": issue.state_reason,
    });
    if let (Value::Object(m), Some(p)) = (&mut v, &issue.pull) {
        let pu = format!("{}/repos/{full}/pulls/{}", ctx.api, issue.number);
        let hu = format!("{}/{full}/pull/{}", ctx.web(), issue.number);
        m.insert("draft".into(), json!(p.draft));
        m.insert(
            "pull_request".into(),
            json!({
                "url": pu,
                "html_url": hu,
                "diff_url": format!("{hu}.diff"),
                "patch_url": format!("{hu}.patch"),
                "merged_at": ts_opt(p.merged_at),
            }),
        );
    }
    if with_repository {
        if let Value::Object(m) = &mut v {
            m.insert("repository".into(), repo_json(w, repo, ctx));
        }
    }
    v
}

pub(crate) fn comment_json(
    w: &World,
    repo: &Repo,
    issue: &Issue,
    c: &super::world::Comment,
    ctx: &Ctx,
) -> Value {
    let full = repo.full_name();
    let kind = if issue.pull.is_some() {
        "pull"
    } else {
        "issues"
    };
    json!({
        "url": format!("{}/repos/{full}/issues/comments/{}", ctx.api, c.id),
        "html_url": format!("{}/{full}/{kind}/{}#issuecomment-{}", ctx.web(), issue.number, c.id),
        "issue_url": format!("{}/repos/{full}/issues/{}", ctx.api, issue.number),
        "id": c.id,
        "node_id": node_id("IC", c.id),
        "user": user_json(w, &c.user, ctx),
        "created_at": ts(c.created_at),
        "updated_at": ts(c.updated_at),
        "author_association": association(repo, &c.user),
        "body": c.body,
        "reactions": {
            "url": format!("{}/repos/{full}/issues/comments/{}/reactions", ctx.api, c.id),
            "total_count": 0, "+1": 0, "-1": 0, "laugh": 0, "hooray": 0, "confused": 0,
            "heart": 0, "rocket": 0, "eyes": 0
        },
        "performed_via_github_app": null,
    })
}

fn pr_ref_json(w: &World, repo: &Repo, branch: &str, ctx: &Ctx) -> Value {
    json!({
        "label": format!("{}:{branch}", repo.owner),
        "ref": branch,
        "sha": repo.branch_sha(branch),
        "user": user_json(w, &repo.owner, ctx),
        "repo": repo_json(w, repo, ctx),
    })
}

pub(crate) fn pull_json(w: &World, repo: &Repo, issue: &Issue, ctx: &Ctx, full: bool) -> Value {
    let Some(p) = &issue.pull else {
        return Value::Null;
    };
    let fname = repo.full_name();
    let n = issue.number;
    let u = format!("{}/repos/{fname}/pulls/{n}", ctx.api);
    let iu = format!("{}/repos/{fname}/issues/{n}", ctx.api);
    let hu = format!("{}/{fname}/pull/{n}", ctx.web());
    let head_sha = repo.branch_sha(&p.head);
    let state = if issue.state == "open" {
        "open"
    } else {
        "closed"
    };
    let review_comment = format!("{}/repos/{fname}/pulls/comments{{/number}}", ctx.api);
    let statuses = format!("{}/repos/{fname}/statuses/{head_sha}", ctx.api);
    let links = json!({
        "self": {"href": u},
        "html": {"href": hu},
        "issue": {"href": iu},
        "comments": {"href": format!("{iu}/comments")},
        "review_comments": {"href": format!("{u}/comments")},
        "review_comment": {"href": review_comment},
        "commits": {"href": format!("{u}/commits")},
        "statuses": {"href": statuses},
    });
    let users = |v: &[String]| v.iter().map(|a| user_json(w, a, ctx)).collect::<Vec<_>>();
    let labels: Vec<Value> = issue
        .labels
        .iter()
        .map(|l| label_json(repo, l, ctx))
        .collect();
    let head = pr_ref_json(w, repo, &p.head, ctx);
    let base = pr_ref_json(w, repo, &p.base, ctx);
    let mut v = json!({
        "url": u,
        "id": p.id,
        "node_id": node_id("PR", p.id),
        "html_url": hu,
        "diff_url": format!("{hu}.diff"),
        "patch_url": format!("{hu}.patch"),
        "issue_url": iu,
        "commits_url": format!("{u}/commits"),
        "review_comments_url": format!("{u}/comments"),
        "review_comment_url": review_comment,
        "comments_url": format!("{iu}/comments"),
        "statuses_url": statuses,
        "number": n,
        "state": state,
        "locked": issue.locked,
        "title": issue.title,
        "user": user_json(w, &issue.user, ctx),
        "body": issue.body,
        "labels": labels,
        "milestone": null,
        "active_lock_reason": null,
        "created_at": ts(issue.created_at),
        "updated_at": ts(issue.updated_at),
        "closed_at": ts_opt(issue.closed_at),
        "merged_at": ts_opt(p.merged_at),
        "merge_commit_sha": p.merge_commit_sha,
        "assignee": user_opt(w, issue.assignees.first().map(String::as_str), ctx),
        "assignees": users(&issue.assignees),
        "requested_reviewers": users(&p.requested_reviewers),
        "requested_teams": [],
        "head": head,
        "base": base,
        "_links": links,
        "author_association": association(repo, &issue.user),
        "auto_merge": null,
        "draft": p.draft,
    });
    if full {
        if let Value::Object(m) = &mut v {
            let merged = p.merged_at.is_some();
            let extra = json!({
                "merged": merged,
                "mergeable": if state == "open" { json!(p.mergeable) } else { Value::Null },
                "rebaseable": if state == "open" { json!(p.mergeable) } else { Value::Null },
                "mergeable_state": p.mergeable_state,
                "merged_by": user_opt(w, p.merged_by.as_deref(), ctx),
                "comments": issue.comments.len(),
                "review_comments": p.review_comments.len(),
                "maintainer_can_modify": false,
                "commits": p.commits,
                "additions": p.additions,
                "deletions": p.deletions,
                "changed_files": p.changed_files,
            });
            if let Value::Object(e) = extra {
                m.extend(e);
            }
        }
    }
    v
}

pub(crate) fn review_json(w: &World, repo: &Repo, issue: &Issue, r: &Review, ctx: &Ctx) -> Value {
    let fname = repo.full_name();
    let n = issue.number;
    let head = issue
        .pull
        .as_ref()
        .map(|p| repo.branch_sha(&p.head))
        .unwrap_or_default();
    let hu = format!("{}/{fname}/pull/{n}#pullrequestreview-{}", ctx.web(), r.id);
    let pu = format!("{}/repos/{fname}/pulls/{n}", ctx.api);
    json!({
        "id": r.id,
        "node_id": node_id("PRR", r.id),
        "user": user_json(w, &r.user, ctx),
        "body": r.body,
        "state": r.state,
        "html_url": hu,
        "pull_request_url": pu,
        "author_association": association(repo, &r.user),
        "_links": {"html": {"href": hu}, "pull_request": {"href": pu}},
        "submitted_at": ts(r.submitted_at),
        "commit_id": r.commit_id.clone().unwrap_or(head),
    })
}

pub(crate) fn review_comment_json(
    w: &World,
    repo: &Repo,
    issue: &Issue,
    c: &ReviewComment,
    ctx: &Ctx,
) -> Value {
    let fname = repo.full_name();
    let n = issue.number;
    let head = issue
        .pull
        .as_ref()
        .map(|p| repo.branch_sha(&p.head))
        .unwrap_or_default();
    let original_commit = c.commit_id.clone().unwrap_or_else(|| head.clone());
    let commit = if c.line.is_some() {
        head.clone()
    } else {
        original_commit.clone()
    };
    let u = format!("{}/repos/{fname}/pulls/comments/{}", ctx.api, c.id);
    let hu = format!("{}/{fname}/pull/{n}#discussion_r{}", ctx.web(), c.id);
    let pu = format!("{}/repos/{fname}/pulls/{n}", ctx.api);
    let mut v = json!({
        "url": u,
        "pull_request_review_id": c.review_id,
        "id": c.id,
        "node_id": node_id("PRRC", c.id),
        "diff_hunk": c.diff_hunk,
        "path": c.path,
        "original_position": c.diff_hunk.lines().count().max(1),
        "commit_id": commit,
        "original_commit_id": original_commit,
        "user": user_json(w, &c.user, ctx),
        "body": c.body,
        "created_at": ts(c.created_at),
        "updated_at": ts(c.updated_at),
        "html_url": hu,
        "pull_request_url": pu,
        "author_association": association(repo, &c.user),
        "_links": {"self": {"href": u}, "html": {"href": hu}, "pull_request": {"href": pu}},
        "reactions": {
            "url": format!("{u}/reactions"), "total_count": 0, "+1": 0, "-1": 0, "laugh": 0,
            "hooray": 0, "confused": 0, "heart": 0, "rocket": 0, "eyes": 0
        },
        "start_line": c.start_line,
        "original_start_line": c.start_line,
        "start_side": if c.start_line.is_some() { json!(c.side) } else { Value::Null },
        "original_line": c.original_line,
        "side": c.side,
        "subject_type": "line",
    });
    if let (Value::Object(m), Some(r)) = (&mut v, c.in_reply_to_id) {
        m.insert("in_reply_to_id".into(), json!(r));
    }
    // GitHub's schema types these as integers: an outdated comment's are left out.
    if let (Value::Object(m), Some(line)) = (&mut v, c.line) {
        m.insert("line".into(), json!(line));
        m.insert("position".into(), json!(c.diff_hunk.lines().count().max(1)));
    }
    v
}

pub(crate) fn workflow_json(repo: &Repo, wf: &Workflow, ctx: &Ctx) -> Value {
    let fname = repo.full_name();
    json!({
        "id": wf.id,
        "node_id": node_id("W", wf.id),
        "name": wf.name,
        "path": wf.path(),
        "state": "active",
        "created_at": ts(wf.created_at),
        "updated_at": ts(wf.created_at),
        "url": format!("{}/repos/{fname}/actions/workflows/{}", ctx.api, wf.id),
        "html_url": format!("{}/{fname}/blob/{}/{}", ctx.web(), repo.default_branch, wf.path()),
        "badge_url": format!("{}/{fname}/workflows/{}/badge.svg", ctx.web(), encode(&wf.name)),
    })
}

pub(crate) fn run_json(w: &World, repo: &Repo, run: &Run, view: &RunView, ctx: &Ctx) -> Value {
    let fname = repo.full_name();
    let api = format!("{}/repos/{fname}", ctx.api);
    let u = format!("{api}/actions/runs/{}", run.id);
    let att = run.latest();
    let wf = repo.workflow(run.workflow_id);
    let sha = repo.run_sha(run);
    let message = repo
        .branch(&run.branch)
        .and_then(|b| b.message.clone())
        .unwrap_or_else(|| run.display_title.clone());
    let pull_requests: Vec<Value> = run
        .pr
        .and_then(|n| repo.issues.get(&n))
        .and_then(|i| i.pull.as_ref().map(|p| (i, p)))
        .filter(|(i, _)| i.state == "open")
        .map(|(i, p)| {
            let small = json!({"id": repo.id, "url": api, "name": repo.name});
            json!({
                "url": format!("{api}/pulls/{}", i.number),
                "id": p.id,
                "number": i.number,
                "head": {"ref": p.head, "sha": repo.branch_sha(&p.head), "repo": small},
                "base": {"ref": p.base, "sha": repo.branch_sha(&p.base), "repo": small},
            })
        })
        .into_iter()
        .collect();
    let author =
        json!({"name": run.actor, "email": format!("{}@users.noreply.fakehub.invalid", run.actor)});
    json!({
        "id": run.id,
        "name": wf.map(|w| w.name.clone()),
        "node_id": node_id("WFR", run.id),
        "head_branch": run.branch,
        "head_sha": sha,
        "path": wf.map(|w| w.path()),
        "display_title": run.display_title,
        "run_number": run.run_number,
        "event": run.event,
        "status": view.status,
        "conclusion": view.conclusion,
        "workflow_id": run.workflow_id,
        "check_suite_id": att.check_suite_id,
        "check_suite_node_id": node_id("CS", att.check_suite_id),
        "url": u,
        "html_url": format!("{}/{fname}/actions/runs/{}", ctx.web(), run.id),
        "pull_requests": pull_requests,
        "created_at": ts(run.created_at),
        "updated_at": ts(view.updated_at),
        "actor": user_json(w, &run.actor, ctx),
        "run_attempt": att.number,
        "referenced_workflows": [],
        "run_started_at": ts(att.started_at),
        "triggering_actor": user_json(w, &att.triggering_actor, ctx),
        "jobs_url": format!("{u}/jobs"),
        "logs_url": format!("{u}/logs"),
        "check_suite_url": format!("{api}/check-suites/{}", att.check_suite_id),
        "artifacts_url": format!("{u}/artifacts"),
        "cancel_url": format!("{u}/cancel"),
        "rerun_url": format!("{u}/rerun"),
        "previous_attempt_url": if att.number > 1 {
            json!(format!("{u}/attempts/{}", att.number - 1))
        } else {
            Value::Null
        },
        "workflow_url": format!("{api}/actions/workflows/{}", run.workflow_id),
        "head_commit": {
            "id": sha,
            "tree_id": tree_id(&sha),
            "message": message,
            "timestamp": ts(run.created_at),
            "author": author,
            "committer": author,
        },
        "repository": repo_min_json(w, repo, ctx),
        "head_repository": repo_min_json(w, repo, ctx),
    })
}

fn tree_id(sha: &str) -> String {
    sha.chars().rev().collect()
}

#[allow(clippy::too_many_arguments)]
pub(crate) fn job_json(
    repo: &Repo,
    run: &Run,
    att: &Attempt,
    job: &Job,
    view: &JobView,
    ctx: &Ctx,
) -> Value {
    let fname = repo.full_name();
    let api = format!("{}/repos/{fname}", ctx.api);
    let wf = repo.workflow(run.workflow_id);
    let steps: Vec<Value> = job
        .steps
        .iter()
        .zip(&view.steps)
        .enumerate()
        .map(|(k, (s, v))| {
            json!({
                "name": s.name,
                "status": v.status,
                "conclusion": v.conclusion,
                "number": k + 1,
                "started_at": ts_opt(v.started_at),
                "completed_at": ts_opt(v.completed_at),
            })
        })
        .collect();
    let picked = !view.steps.is_empty();
    json!({
        "id": job.id,
        "run_id": run.id,
        "run_url": format!("{api}/actions/runs/{}", run.id),
        "run_attempt": att.number,
        "node_id": node_id("CR", job.id),
        "head_sha": repo.run_sha(run),
        "url": format!("{api}/actions/jobs/{}", job.id),
        "html_url": format!("{}/{fname}/actions/runs/{}/job/{}", ctx.web(), run.id, job.id),
        "status": view.status,
        "conclusion": view.conclusion,
        "created_at": ts(view.created_at),
        "started_at": ts(view.started_at),
        "completed_at": ts_opt(view.completed_at),
        "name": job.name,
        "steps": steps,
        "check_run_url": format!("{api}/check-runs/{}", job.id),
        "labels": [job.runs_on],
        "runner_id": if picked { json!(job.id % 100 + 1) } else { Value::Null },
        "runner_name": if picked { json!(format!("GitHub Actions {}", job.id % 100 + 1)) } else { Value::Null },
        "runner_group_id": if picked { json!(1) } else { Value::Null },
        "runner_group_name": if picked { json!("GitHub Actions") } else { Value::Null },
        "workflow_name": wf.map(|w| w.name.clone()),
        "head_branch": run.branch,
    })
}

pub(crate) fn check_run_json(
    w: &World,
    repo: &Repo,
    run: &Run,
    job: &Job,
    plan: &JobPlan,
    ctx: &Ctx,
) -> Value {
    let view = job_view(plan, ctx.now);
    let fname = repo.full_name();
    let api = format!("{}/repos/{fname}", ctx.api);
    let att = run.latest();
    let annotations = job_annotations(job, plan, ctx.now);
    let html = format!(
        "{}/{fname}/actions/runs/{}/job/{}",
        ctx.web(),
        run.id,
        job.id
    );
    let repo_ref = json!({"id": repo.id, "url": api, "name": repo.name});
    let pull_requests: Vec<Value> = match run.pr.and_then(|n| repo.issues.get(&n)) {
        Some(i) if i.state == "open" => i
            .pull
            .as_ref()
            .map(|p| {
                json!({
                    "url": format!("{api}/pulls/{}", i.number),
                    "id": p.id,
                    "number": i.number,
                    "head": {"ref": p.head, "sha": repo.branch_sha(&p.head), "repo": repo_ref},
                    "base": {"ref": p.base, "sha": repo.branch_sha(&p.base), "repo": repo_ref},
                })
            })
            .into_iter()
            .collect(),
        _ => Vec::new(),
    };
    json!({
        "id": job.id,
        "name": job.name,
        "node_id": node_id("CR", job.id),
        "head_sha": repo.run_sha(run),
        "external_id": format!("{:x}-{}", run.id, job.id),
        "url": format!("{api}/check-runs/{}", job.id),
        "html_url": html,
        "details_url": html,
        "status": match view.status { "waiting" => "waiting", s => s },
        "conclusion": view.conclusion,
        "started_at": ts(view.started_at),
        "completed_at": ts_opt(view.completed_at),
        "output": {
            "title": null,
            "summary": null,
            "text": null,
            "annotations_count": annotations.len(),
            "annotations_url": format!("{api}/check-runs/{}/annotations", job.id),
        },
        "check_suite": {"id": att.check_suite_id},
        "app": actions_app(w, ctx),
        "pull_requests": pull_requests,
    })
}

/// The GitHub Actions app, as check runs and deployments name it.
fn actions_app(w: &World, ctx: &Ctx) -> Value {
    json!({
        "id": 15368,
        "slug": "github-actions",
        "node_id": "MDM6QXBwMTUzNjg=",
        "client_id": "Iv1.05c79e9ad1f6bdfa",
        "owner": user_json(w, "github", ctx),
        "name": "GitHub Actions",
        "description": "Automate your workflow from idea to production",
        "external_url": "https://help.github.com/en/actions",
        "html_url": format!("{}/apps/github-actions", ctx.web()),
        "created_at": "2018-07-30T09:30:17Z",
        "updated_at": "2024-04-10T20:33:16Z",
        "permissions": {
            "actions": "write",
            "checks": "write",
            "contents": "write",
            "deployments": "write",
            "metadata": "read",
            "pull_requests": "write",
            "statuses": "write",
        },
        "events": ["check_run", "check_suite", "deployment", "deployment_status", "push", "workflow_run"],
    })
}

pub(crate) fn annotation_json(repo: &Repo, a: &Annotation, sha: &str, ctx: &Ctx) -> Value {
    json!({
        "path": a.path,
        "blob_href": format!("{}/{}/blob/{sha}/{}", ctx.web(), repo.full_name(), a.path),
        "start_line": a.start_line,
        "end_line": a.end_line,
        "start_column": null,
        "end_column": null,
        "annotation_level": a.level,
        "title": a.title.clone().unwrap_or_default(),
        "message": a.message,
        "raw_details": "",
    })
}

pub(crate) fn environment_json(w: &World, repo: &Repo, e: &Environment, ctx: &Ctx) -> Value {
    let fname = repo.full_name();
    let mut rules = Vec::new();
    if e.protected() {
        rules.push(json!({
            "id": e.id * 10 + 1,
            "node_id": node_id("GA", e.id * 10 + 1),
            "prevent_self_review": e.prevent_self_review,
            "type": "required_reviewers",
            "reviewers": e.reviewers.iter().map(|r| json!({
                "type": "User",
                "reviewer": user_json(w, r, ctx),
            })).collect::<Vec<_>>(),
        }));
        rules.push(json!({
            "id": e.id * 10 + 2,
            "node_id": node_id("GA", e.id * 10 + 2),
            "type": "wait_timer",
            "wait_timer": e.wait_timer,
        }));
    } else if e.wait_timer > 0 {
        rules.push(json!({
            "id": e.id * 10 + 2,
            "node_id": node_id("GA", e.id * 10 + 2),
            "type": "wait_timer",
            "wait_timer": e.wait_timer,
        }));
    }
    let updated = repo
        .deployments
        .iter()
        .filter(|d| d.environment == e.name && d.created_at <= ctx.now)
        .map(|d| d.created_at)
        .max()
        .unwrap_or(e.created_at);
    json!({
        "id": e.id,
        "node_id": node_id("EN", e.id),
        "name": e.name,
        "url": format!("{}/repos/{fname}/environments/{}", ctx.api, encode(&e.name)),
        "html_url": format!("{}/{fname}/deployments/activity_log?environments_filter={}", ctx.web(), encode(&e.name)),
        "created_at": ts(e.created_at),
        "updated_at": ts(updated),
        "can_admins_bypass": true,
        "protection_rules": rules,
        "deployment_branch_policy": if e.production {
            json!({"protected_branches": false, "custom_branch_policies": true})
        } else {
            Value::Null
        },
    })
}

pub(crate) fn environment_min_json(repo: &Repo, e: &Environment, ctx: &Ctx) -> Value {
    let fname = repo.full_name();
    json!({
        "id": e.id,
        "node_id": node_id("EN", e.id),
        "name": e.name,
        "url": format!("{}/repos/{fname}/environments/{}", ctx.api, encode(&e.name)),
        "html_url": format!("{}/{fname}/deployments/activity_log?environments_filter={}", ctx.web(), encode(&e.name)),
    })
}

pub(crate) fn deployment_sha(repo: &Repo, d: &Deployment) -> String {
    match &d.sha {
        Some(s) => s.clone(),
        None => match d.source.and_then(|s| repo.run(s.run_id)) {
            Some(run) => repo.run_sha(run),
            None => repo.branch_sha(&d.git_ref),
        },
    }
}

pub(crate) fn deployment_json(w: &World, repo: &Repo, d: &Deployment, ctx: &Ctx) -> Value {
    let fname = repo.full_name();
    let u = format!("{}/repos/{fname}/deployments/{}", ctx.api, d.id);
    let statuses = deployment_statuses(repo, d, ctx.now);
    let updated = statuses.last().map_or(d.created_at, |s| s.created_at);
    json!({
        "url": u,
        "id": d.id,
        "node_id": node_id("DE", d.id),
        "task": d.task,
        "original_environment": d.environment,
        "environment": d.environment,
        "description": d.description,
        "created_at": ts(d.created_at),
        "updated_at": ts(updated),
        "statuses_url": format!("{u}/statuses"),
        "repository_url": format!("{}/repos/{fname}", ctx.api),
        "creator": user_json(w, &d.creator, ctx),
        "sha": deployment_sha(repo, d),
        "ref": d.git_ref,
        "payload": d.payload,
        "transient_environment": false,
        "production_environment": d.production,
        "performed_via_github_app": if d.source.is_some() {
            actions_app(w, ctx)
        } else {
            Value::Null
        },
    })
}

pub(crate) fn deployment_status_json(
    w: &World,
    repo: &Repo,
    d: &Deployment,
    s: &DeploymentStatus,
    ctx: &Ctx,
) -> Value {
    let fname = repo.full_name();
    let du = format!("{}/repos/{fname}/deployments/{}", ctx.api, d.id);
    let env_url = repo
        .environment(&d.environment)
        .and_then(|e| e.url.clone())
        .unwrap_or_default();
    let log_url = s.log_url.clone().unwrap_or_else(|| match d.source {
        Some(src) => format!("{}/{fname}/actions/runs/{}", ctx.web(), src.run_id),
        None => String::new(),
    });
    json!({
        "url": format!("{du}/statuses/{}", s.id),
        "id": s.id,
        "node_id": node_id("DES", s.id),
        "state": s.state,
        "creator": user_json(w, &s.creator, ctx),
        "description": s.description.clone().unwrap_or_default(),
        "environment": d.environment,
        "target_url": log_url,
        "created_at": ts(s.created_at),
        "updated_at": ts(s.created_at),
        "deployment_url": du,
        "repository_url": format!("{}/repos/{fname}", ctx.api),
        "environment_url": env_url,
        "log_url": log_url,
        "performed_via_github_app": null,
    })
}
