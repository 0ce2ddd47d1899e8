//! `update` is pure, so its flows are tested as tables: a dashboard state built in memory, keys
//! and messages in, the resulting state and effects checked. Issues and comments (`work.rs`),
//! approvals and CI actions (`deploys.rs`) and a job's log (`logview.rs`).

mod flow_support;

use cockpit::app::effect::{Effect, GitOp, Prepare, Resource, ResourceKind};
use cockpit::app::keymap::Keymap;
use cockpit::app::modal::{Form, Modal, Purpose};
use cockpit::app::msg::GitSuccess;
use cockpit::app::mutation::{Done, Mutation};
use cockpit::app::resource;
use cockpit::app::state::{AppState, Detail, LogPhase, PanelId};
use cockpit::app::{update, Msg};
use cockpit::git::{BranchInfo, BranchSnapshot};
use cockpit::github::dashboard::{EnvRow, Slug};
use cockpit::github::issues_write::CloseReason;
use cockpit::github::models::{Issue, Job, WorkflowRun};
use cockpit::github::{ApiError, Fetched};
use flow_support::{each_case, from, loaded, msgs, now, In};
use ratatui::crossterm::event::KeyCode;
use serde_json::json;

// ---------------------------------------------------------------------------------------------
// The state: a small dashboard of acme/rocket, signed in as octodemo.

const RUN_LIVE: u64 = 4240;
const RUN_FAILED: u64 = 4210;
const RUN_WAITING: u64 = 1900;
const JOB_LINT: u64 = 77;
const JOB_TEST: u64 = 78;
const COMMENT_KEY: &str = "acme/rocket#47/comment";

fn issue(number: u64, title: &str, state: &str, assignees: &[&str]) -> Issue {
    from(json!({
        "number": number,
        "title": title,
        "state": state,
        "labels": [{"name": "bug", "color": "d73a4a"}],
        "assignees": assignees.iter().map(|l| json!({"login": l})).collect::<Vec<_>>(),
        "created_at": "2026-11-01T10:00:00Z",
        "html_url": format!("https://github.com/acme/rocket/issues/{number}"),
    }))
}

fn rocket() -> Slug {
    Slug::parse("acme/rocket").expect("slug")
}

/// All my issues, across repositories: the selected one is acme/infra's.
fn other_repo_issue(s: &mut AppState) {
    s.search_all = true;
    let mut i = issue(7, "Rotate the keys", "open", &["octodemo"]);
    i.repository_url = "https://api.github.com/repos/acme/infra".into();
    s.issues = loaded(vec![i]);
}

fn run(id: u64, number: u64, status: &str, conclusion: Option<&str>) -> WorkflowRun {
    from(json!({
        "id": id,
        "name": "CI",
        "display_title": "Retry uploads",
        "head_branch": "42-retry-flaky-uploads",
        "head_sha": "9092ce7d0123456789abcdef0123456789abcdef",
        "event": "pull_request",
        "status": status,
        "conclusion": conclusion,
        "run_number": number,
        "created_at": "2026-11-20T10:00:00Z",
        "html_url": format!("https://github.com/acme/rocket/actions/runs/{id}"),
    }))
}

fn job(id: u64, name: &str, status: &str, steps: &[(u64, &str, &str)]) -> Job {
    from(json!({
        "id": id,
        "run_id": RUN_FAILED,
        "name": name,
        "status": status,
        "conclusion": if status == "completed" { Some("failure") } else { None },
        "steps": steps
            .iter()
            .map(|(n, name, st)| json!({"number": n, "name": name, "status": st}))
            .collect::<Vec<_>>(),
    }))
}

/// An environment; `waiting` is a deploy run waiting for a review, and whether I may give it.
fn env(id: u64, name: &str, waiting: Option<bool>) -> EnvRow {
    let reviewers = json!([{"type": "User", "reviewer": {"login": "carol"}}]);
    EnvRow {
        repo: Slug::parse("acme/rocket").expect("slug"),
        env: from(json!({
            "id": id,
            "name": name,
            "protection_rules": [{"type": "required_reviewers", "reviewers": reviewers}],
        })),
        history: Vec::new(),
        waiting: waiting
            .map(|can| {
                let mut r = run(RUN_WAITING, 190, "waiting", None);
                r.name = Some("Deploy".into());
                r.head_branch = Some("main".into());
                let pending = from(json!({
                    "environment": {"id": id, "name": name},
                    "current_user_can_approve": can,
                    "reviewers": reviewers,
                }));
                vec![(r, pending)]
            })
            .unwrap_or_default(),
        gaps: Default::default(),
    }
}

fn dashboard() -> AppState {
    let mut s = flow_support::rocket();
    s.ci_branch = Some("42-retry-flaky-uploads".into());
    s.issues = loaded(vec![
        issue(47, "Crash when HOME is unset", "open", &["octodemo"]),
        issue(42, "Retry flaky uploads", "open", &[]),
        issue(12, "Old bug", "closed", &[]),
    ]);
    s.runs = loaded(vec![
        run(RUN_LIVE, 424, "in_progress", None),
        run(RUN_FAILED, 421, "completed", Some("failure")),
    ]);
    s.envs = loaded(vec![
        env(1, "staging", None),
        env(2, "production", Some(true)),
    ]);
    s
}

// ---------------------------------------------------------------------------------------------
// Inputs, and what to look at afterwards.

use In::{Code, Ctrl, Key, Text};

/// The effects of the last input and of all of them.
struct Out {
    last: Vec<Effect>,
    all: Vec<Effect>,
}

fn feed(s: &mut AppState, inputs: &[In]) -> Out {
    let keymap = Keymap::default();
    let mut out = Out {
        last: Vec::new(),
        all: Vec::new(),
    };
    for input in inputs {
        out.last.clear();
        for m in msgs(*input) {
            let fx = update(s, &keymap, m);
            out.last.extend(fx.iter().cloned());
            out.all.extend(fx);
        }
    }
    out
}

struct Case {
    name: &'static str,
    setup: fn(&mut AppState),
    inputs: &'static [In],
    check: fn(&AppState, &Out),
}

/// Runs every case on a fresh dashboard; a failing case does not hide the others.
fn table(cases: &[Case]) {
    each_case(
        cases,
        |c| c.name,
        |c| {
            let mut s = dashboard();
            (c.setup)(&mut s);
            let out = feed(&mut s, c.inputs);
            (c.check)(&s, &out);
        },
    );
}

fn toast(s: &AppState) -> &str {
    s.toast.as_ref().map_or("", |t| t.text.as_str())
}

/// Everything the open modal says: title, text, warnings, error.
fn modal_text(s: &AppState) -> String {
    let mut out = Vec::new();
    match &s.modal {
        Some(Modal::Form(f)) => {
            out.push(f.title.clone());
            out.extend(f.intro.iter().cloned());
            out.extend(f.error.iter().cloned());
        }
        Some(Modal::Confirm(c)) => {
            out.push(c.title.clone());
            out.extend(c.lines.iter().cloned());
            out.extend(c.warnings.iter().cloned());
        }
        Some(Modal::Editor(e)) => {
            out.push(e.title.clone());
            out.extend(e.context.iter().cloned());
            out.extend(e.error.iter().cloned());
        }
        None => {}
    }
    out.join("\n")
}

fn modal_says(s: &AppState, text: &str) {
    assert!(modal_text(s).contains(text), "{}", modal_text(s));
}

fn toast_says(s: &AppState, text: &str) {
    assert!(toast(s).contains(text), "{}", toast(s));
}

fn editor_text(s: &AppState) -> Option<String> {
    match &s.modal {
        Some(Modal::Editor(e)) => Some(e.body()),
        _ => None,
    }
}

/// The input was refused: no modal, no effect, and a message that says why.
fn refused(s: &AppState, out: &Out, says: &str) {
    assert!(s.modal.is_none(), "{}", modal_text(s));
    assert!(out.all.is_empty(), "{:?}", out.all);
    toast_says(s, says);
}

/// The last input sent exactly this change to GitHub.
fn sends(out: &Out, m: Mutation) {
    assert_eq!(mutations(&out.last), vec![&m]);
}

fn assign(number: u64, add: bool) -> Mutation {
    Mutation::Assign {
        number,
        login: "octodemo".into(),
        add,
    }
}

/// The logs the effects ask for.
fn log_fetches(fx: &[Effect]) -> Vec<&Effect> {
    fx.iter()
        .filter(|e| matches!(e, Effect::FetchLog { .. }))
        .collect()
}

/// The request for a form, as the first one asked for on a fresh dashboard.
fn prepare(generation: u64, prepare: Prepare) -> Effect {
    Effect::Prepare {
        generation,
        repo: Slug::parse("acme/rocket"),
        prepare,
    }
}

fn mutations(fx: &[Effect]) -> Vec<&Mutation> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::Mutate { mutation, .. } => Some(mutation),
            _ => None,
        })
        .collect()
}

/// The changes sent to GitHub, each with the repository it goes to.
fn sent_to(fx: &[Effect]) -> Vec<(Option<Slug>, &Mutation)> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::Mutate { repo, mutation, .. } => Some((repo.clone(), mutation)),
            _ => None,
        })
        .collect()
}

fn nothing(_: &mut AppState) {}

fn focus(p: PanelId) -> impl Fn(&mut AppState) {
    move |s| s.focus = p
}

fn on_deploys(s: &mut AppState) {
    focus(PanelId::Deploys)(s);
}

fn on_production(s: &mut AppState) {
    on_deploys(s);
    s.cursor_mut(PanelId::Deploys).selected = 1;
}

fn on_ci(s: &mut AppState) {
    focus(PanelId::Ci)(s);
}

fn on_finished_run(s: &mut AppState) {
    on_ci(s);
    s.cursor_mut(PanelId::Ci).selected = 1;
}

fn on_closed_issue(s: &mut AppState) {
    s.cursor_mut(PanelId::Issues).selected = 2;
}

fn readonly(s: &mut AppState) {
    s.ctx.readonly = true;
}

// ---------------------------------------------------------------------------------------------
// work.rs: issues, comments and their drafts.

fn comment_sent() -> Msg {
    Msg::Mutated {
        id: 1,
        repo: Slug::parse("acme/rocket"),
        mutation: Mutation::CommentOnIssue {
            number: 47,
            body: "HOME can be unset".into(),
            draft_key: COMMENT_KEY.into(),
        },
        result: Ok(Done {
            message: "Commented on #47".into(),
            started_run: None,
            created_pull: None,
            merged_sha: None,
            created_issue: None,
        }),
    }
}

fn comment_failed() -> Msg {
    Msg::Mutated {
        id: 1,
        repo: Slug::parse("acme/rocket"),
        mutation: Mutation::CommentOnIssue {
            number: 47,
            body: "HOME can be unset".into(),
            draft_key: COMMENT_KEY.into(),
        },
        result: Err(ApiError::Server { status: 502 }),
    }
}

fn with_draft(s: &mut AppState) {
    s.drafts
        .insert(COMMENT_KEY.into(), "HOME can be unset".into());
}

#[test]
fn issue_flows() {
    table(&[
        Case {
            name: "c on an issue opens its comment editor, nothing else",
            setup: nothing,
            inputs: &[Key('c')],
            check: |s, out| {
                modal_says(s, "Comment on #47");
                assert_eq!(editor_text(s).as_deref(), Some(""));
                assert!(out.all.is_empty(), "{:?}", out.all);
            },
        },
        Case {
            name: "the editor opens with the draft from last time",
            setup: with_draft,
            inputs: &[Key('c')],
            check: |s, _| {
                assert_eq!(editor_text(s).as_deref(), Some("HOME can be unset"));
            },
        },
        Case {
            name: "typing saves the draft as it goes",
            setup: nothing,
            inputs: &[Key('c'), Text("hi")],
            check: |s, out| {
                let save = |text: &str| Effect::SaveDraft {
                    key: COMMENT_KEY.into(),
                    text: text.into(),
                };
                assert_eq!(out.last, vec![save("h"), save("hi")]);
                assert_eq!(s.drafts.get(COMMENT_KEY).map(String::as_str), Some("hi"));
            },
        },
        Case {
            name: "Esc closes the editor and keeps the draft",
            setup: nothing,
            inputs: &[Key('c'), Text("half a thought"), Code(KeyCode::Esc)],
            check: |s, out| {
                assert!(s.modal.is_none());
                assert!(out.last.is_empty(), "{:?}", out.last);
                assert!(!out
                    .all
                    .iter()
                    .any(|e| matches!(e, Effect::DeleteDraft { .. })));
                assert_eq!(
                    s.drafts.get(COMMENT_KEY).map(String::as_str),
                    Some("half a thought")
                );
                toast_says(s, "Draft kept");
            },
        },
        Case {
            name: "Ctrl-S with nothing written is refused in the editor",
            setup: nothing,
            inputs: &[Key('c'), Text("   "), Ctrl('s')],
            check: |s, out| {
                assert!(mutations(&out.all).is_empty(), "{:?}", out.all);
                modal_says(s, "Nothing to send yet");
            },
        },
        Case {
            name: "Ctrl-S sends the comment, keeping the draft until it succeeds",
            setup: with_draft,
            inputs: &[Key('c'), Ctrl('s')],
            check: |s, out| {
                assert_eq!(
                    out.last,
                    vec![Effect::Mutate {
                        id: 1,
                        repo: Slug::parse("acme/rocket"),
                        mutation: Mutation::CommentOnIssue {
                            number: 47,
                            body: "HOME can be unset".into(),
                            draft_key: COMMENT_KEY.into(),
                        },
                    }]
                );
                assert!(s.modal.is_none());
                assert_eq!(s.in_flight.len(), 1);
                assert!(s.drafts.contains_key(COMMENT_KEY));
            },
        },
        Case {
            name: "a sent comment deletes its draft and refreshes",
            setup: with_draft,
            inputs: &[In::Msg(comment_sent)],
            check: |s, out| {
                assert!(out.last.contains(&Effect::DeleteDraft {
                    key: COMMENT_KEY.into()
                }));
                assert!(out.last.iter().any(|e| matches!(e, Effect::Refresh(_))));
                assert!(!s.drafts.contains_key(COMMENT_KEY));
                toast_says(s, "Commented on #47");
            },
        },
        Case {
            name: "a failed comment reopens the editor with the text and the reason",
            setup: with_draft,
            inputs: &[In::Msg(comment_failed)],
            check: |s, out| {
                assert!(out.last.is_empty(), "{:?}", out.last);
                assert_eq!(editor_text(s).as_deref(), Some("HOME can be unset"));
                modal_says(s, "502");
                assert!(s.drafts.contains_key(COMMENT_KEY));
            },
        },
        Case {
            name: "read-only: c is refused before an editor opens",
            setup: readonly,
            inputs: &[Key('c')],
            check: |s, out| refused(s, out, "Read-only"),
        },
        Case {
            name: "x on an open issue asks why; Enter closes it as completed",
            setup: nothing,
            inputs: &[Key('x'), Code(KeyCode::Enter)],
            check: |s, out| {
                sends(
                    out,
                    Mutation::CloseIssue {
                        number: 47,
                        reason: CloseReason::Completed,
                    },
                );
                assert!(s.modal.is_none());
            },
        },
        Case {
            name: "the close form's other reason is not planned",
            setup: nothing,
            inputs: &[Key('x'), Code(KeyCode::Right), Code(KeyCode::Enter)],
            check: |_, out| {
                sends(
                    out,
                    Mutation::CloseIssue {
                        number: 47,
                        reason: CloseReason::NotPlanned,
                    },
                )
            },
        },
        Case {
            name: "x on a closed issue asks to reopen it; y reopens",
            setup: on_closed_issue,
            inputs: &[Key('x')],
            check: |s, out| {
                assert!(out.all.is_empty());
                modal_says(s, "Reopen #12");
            },
        },
        Case {
            name: "y on the reopen question",
            setup: on_closed_issue,
            inputs: &[Key('x'), Key('y')],
            check: |_, out| sends(out, Mutation::ReopenIssue { number: 12 }),
        },
        Case {
            name: "n on a question changes nothing",
            setup: on_closed_issue,
            inputs: &[Key('x'), Key('n')],
            check: |s, out| {
                assert!(out.all.is_empty());
                assert!(s.modal.is_none());
            },
        },
        Case {
            name: "m unassigns me from an issue I have",
            setup: nothing,
            inputs: &[Key('m')],
            check: |_, out| sends(out, assign(47, false)),
        },
        Case {
            name: "m assigns me to an issue I do not have",
            setup: |s| s.cursor_mut(PanelId::Issues).selected = 1,
            inputs: &[Key('m')],
            check: |_, out| sends(out, assign(42, true)),
        },
        Case {
            name: "m without knowing who I am says so",
            setup: |s| s.login = None,
            inputs: &[Key('m')],
            check: |s, out| refused(s, out, "Not signed in"),
        },
        Case {
            name: "l prepares the label picker with the current labels",
            setup: nothing,
            inputs: &[Key('l')],
            check: |_, out| {
                assert_eq!(
                    out.last,
                    vec![prepare(
                        1,
                        Prepare::Labels {
                            number: 47,
                            current: vec!["bug".into()]
                        }
                    )]
                );
            },
        },
        Case {
            name: "b branches from the issue, and a second b waits for the first",
            setup: nothing,
            inputs: &[Key('b'), Key('b')],
            check: |s, out| {
                let ops: Vec<_> = out
                    .all
                    .iter()
                    .filter(|e| matches!(e, Effect::Git { .. }))
                    .collect();
                assert_eq!(ops.len(), 1, "{:?}", out.all);
                assert!(s.git_busy.is_some());
                assert!(toast(s).starts_with("Busy"), "{}", toast(s));
            },
        },
        Case {
            name: "b before the default branch is known asks to wait",
            setup: |s| s.default_branch = None,
            inputs: &[Key('b')],
            check: |s, out| refused(s, out, "default branch"),
        },
        Case {
            name: "c on an issue of another repository comments there",
            setup: other_repo_issue,
            inputs: &[Key('c'), Text("hi"), Ctrl('s')],
            check: |_, out| {
                let sent: Vec<_> = out
                    .all
                    .iter()
                    .filter_map(|e| match e {
                        Effect::Mutate { repo, .. } => Some(repo.clone()),
                        _ => None,
                    })
                    .collect();
                assert_eq!(sent, vec![Slug::parse("acme/infra")], "{:?}", out.all);
            },
        },
        Case {
            name: "b on an issue of another repository refuses: the clone is this one's",
            setup: other_repo_issue,
            inputs: &[Key('b')],
            check: |s, out| refused(s, out, "is in acme/infra"),
        },
        Case {
            name: "c with no issues says to select one",
            setup: |s| s.issues = loaded(Vec::new()),
            inputs: &[Key('c')],
            check: |s, out| refused(s, out, "Select an issue"),
        },
    ]);
}

/// The read-only guard at the moment of sending (the key was allowed when the editor opened).
#[test]
fn readonly_refuses_to_send_an_open_editor() {
    let mut s = dashboard();
    feed(&mut s, &[Key('c'), Text("ok")]);
    s.ctx.readonly = true;
    let out = feed(&mut s, &[Ctrl('s')]);
    assert!(mutations(&out.all).is_empty(), "{:?}", out.all);
    assert!(s.modal.is_none());
    assert!(toast(&s).contains("nothing is sent"), "{}", toast(&s));
    assert_eq!(s.drafts.get(COMMENT_KEY).map(String::as_str), Some("ok"));
}

// ---------------------------------------------------------------------------------------------
// deploys.rs: approvals, deploys, CI actions.

fn approved() -> Msg {
    Msg::Mutated {
        id: 1,
        repo: Slug::parse("acme/rocket"),
        mutation: Mutation::ReviewDeployment {
            run_id: RUN_WAITING,
            run_number: 190,
            environment_id: 2,
            environment: "production".into(),
            approve: true,
            comment: String::new(),
        },
        result: Ok(Done {
            message: "Approved".into(),
            started_run: None,
            created_pull: None,
            merged_sha: None,
            created_issue: None,
        }),
    }
}

#[test]
fn deploy_flows() {
    table(&[
        Case {
            name: "a on a waiting deploy: a form naming the run, the ref and the environment",
            setup: on_production,
            inputs: &[Key('a')],
            check: |s, out| {
                assert!(out.all.is_empty());
                let t = modal_text(s);
                assert!(t.contains("Approve deploy to production"), "{t}");
                assert!(t.contains("Run #190"), "{t}");
                assert!(t.contains("main@9092ce7"), "{t}");
            },
        },
        Case {
            name: "the form leads to a confirmation with the production warning",
            setup: on_production,
            inputs: &[Key('a'), Text("ship it"), Ctrl('s')],
            check: |s, out| {
                assert!(
                    out.all.is_empty(),
                    "nothing is sent before the confirmation"
                );
                let t = modal_text(s);
                assert!(
                    t.contains("Approve run #190 deploying main@9092ce7 to production?"),
                    "{t}"
                );
                assert!(t.contains("production is a production environment"), "{t}");
            },
        },
        Case {
            name: "y approves, with the comment",
            setup: on_production,
            inputs: &[Key('a'), Text("ship it"), Ctrl('s'), Key('y')],
            check: |s, out| {
                assert_eq!(
                    out.last,
                    vec![Effect::Mutate {
                        id: 1,
                        repo: Slug::parse("acme/rocket"),
                        mutation: Mutation::ReviewDeployment {
                            run_id: RUN_WAITING,
                            run_number: 190,
                            environment_id: 2,
                            environment: "production".into(),
                            approve: true,
                            comment: "ship it".into(),
                        }
                    }]
                );
                assert!(s.modal.is_none());
                assert_eq!(s.in_flight.len(), 1);
            },
        },
        Case {
            name: "A rejects, without the production warning",
            setup: on_production,
            inputs: &[Key('A'), Ctrl('s')],
            check: |s, _| {
                let t = modal_text(s);
                assert!(
                    t.contains("Reject run #190 deploying main@9092ce7 to production?"),
                    "{t}"
                );
                assert!(!t.contains("is a production environment"), "{t}");
            },
        },
        Case {
            name: "Esc on the confirmation sends nothing",
            setup: on_production,
            inputs: &[Key('a'), Ctrl('s'), Code(KeyCode::Esc)],
            check: |s, out| {
                assert!(s.modal.is_none());
                assert!(mutations(&out.all).is_empty());
            },
        },
        Case {
            name: "a when I may not approve names the reviewers",
            setup: |s| {
                on_production(s);
                if let Some(envs) = s.envs.data.as_mut() {
                    envs[1] = env(2, "production", Some(false));
                }
            },
            inputs: &[Key('a')],
            check: |s, _| {
                assert!(s.modal.is_none());
                assert_eq!(
                    toast(s),
                    "You cannot approve deploys to production: the reviewers are carol"
                );
            },
        },
        Case {
            name: "a where nothing waits says so",
            setup: on_deploys,
            inputs: &[Key('a')],
            check: |s, out| refused(s, out, "Nothing is waiting for approval to staging"),
        },
        Case {
            name: "read-only refuses a, D and B before any form",
            setup: |s| {
                on_production(s);
                readonly(s);
            },
            inputs: &[Key('a'), Key('D'), Key('B')],
            check: |s, out| {
                assert!(s.modal.is_none());
                assert!(out.all.is_empty(), "{:?}", out.all);
                toast_says(s, "Read-only");
            },
        },
        Case {
            name: "D prepares a deploy of the CI branch",
            setup: on_production,
            inputs: &[Key('D')],
            check: |_, out| {
                assert_eq!(
                    out.last,
                    vec![prepare(
                        1,
                        Prepare::Deploy {
                            environment: "production".into(),
                            default_ref: "42-retry-flaky-uploads".into(),
                        }
                    )]
                );
            },
        },
        Case {
            name: "B without a deployment history says there is nothing to roll back to",
            setup: on_production,
            inputs: &[Key('B')],
            check: |s, out| refused(s, out, "no deployment history"),
        },
        Case {
            name: "an approval that went through follows the deploy run",
            setup: on_production,
            inputs: &[In::Msg(approved)],
            check: |s, out| {
                assert!(out.last.contains(&Effect::Poll(Resource::FollowedRuns(
                    resource::FollowedRuns {
                        runs: vec![(Slug::parse("acme/rocket").expect("slug"), RUN_WAITING)]
                    }
                ))));
                assert!(out.last.iter().any(|e| matches!(e, Effect::Refresh(_))));
                assert_eq!(s.followed.len(), 1);
                assert_eq!(s.followed[0].environment.as_deref(), Some("production"));
            },
        },
    ]);
}

fn rerun_failed_run(only_failed: bool) -> Mutation {
    Mutation::Rerun {
        run_id: RUN_FAILED,
        run_number: 421,
        only_failed,
    }
}

#[test]
fn ci_flows() {
    table(&[
        Case {
            name: "x on a running run asks; y cancels it",
            setup: on_ci,
            inputs: &[Key('x'), Key('y')],
            check: |_, out| {
                sends(
                    out,
                    Mutation::Cancel {
                        run_id: RUN_LIVE,
                        run_number: 424,
                    },
                )
            },
        },
        Case {
            name: "the cancel question names the run",
            setup: on_ci,
            inputs: &[Key('x')],
            check: |s, _| {
                modal_says(s, "Cancel run #424 (CI: Retry uploads)?");
            },
        },
        Case {
            name: "R on a running run is refused",
            setup: on_ci,
            inputs: &[Key('R')],
            check: |s, out| refused(s, out, "still running"),
        },
        Case {
            name: "x on a finished run is refused",
            setup: on_finished_run,
            inputs: &[Key('x')],
            check: |s, out| refused(s, out, "Run #421 has already finished"),
        },
        Case {
            name: "R on a finished run re-runs its failed jobs",
            setup: on_finished_run,
            inputs: &[Key('R'), Key('y')],
            check: |_, out| sends(out, rerun_failed_run(true)),
        },
        Case {
            name: "Ctrl-R re-runs every job",
            setup: on_finished_run,
            inputs: &[Ctrl('r'), Key('y')],
            check: |_, out| sends(out, rerun_failed_run(false)),
        },
        Case {
            name: "d prepares the dispatch form for the CI branch",
            setup: on_ci,
            inputs: &[Key('d')],
            check: |_, out| {
                assert_eq!(
                    out.last,
                    vec![prepare(
                        1,
                        Prepare::DispatchChoice {
                            default_ref: "42-retry-flaky-uploads".into()
                        }
                    )]
                );
            },
        },
    ]);
}

const RUN_FORK: u64 = 4250;

/// A fork's run of acme/launchpad (a watched repository) that waits for approval, selected.
fn on_fork_run(s: &mut AppState) {
    on_ci(s);
    let mut r = run(RUN_FORK, 425, "completed", Some("action_required"));
    r.repository = Some(from(json!({"full_name": "acme/launchpad"})));
    r.actor = Some(from(json!({"login": "dave", "id": 5})));
    if let Some(runs) = s.runs.data.as_mut() {
        runs.push(r);
    }
    s.cursor_mut(PanelId::Ci).selected = 2;
}

#[test]
fn approving_a_forks_run() {
    table(&[
        Case {
            name: "a on a fork's waiting run asks, naming it, its author and its repository",
            setup: on_fork_run,
            inputs: &[Key('a')],
            check: |s, out| {
                assert!(out.all.is_empty(), "{:?}", out.all);
                modal_says(
                    s,
                    "Approve run #425 (CI: Retry uploads) by @dave in acme/launchpad?",
                );
                modal_says(s, "runs the fork's code");
            },
        },
        Case {
            name: "y approves it in the row's own repository",
            setup: on_fork_run,
            inputs: &[Key('a'), Key('y')],
            check: |_, out| {
                assert_eq!(
                    sent_to(&out.last),
                    vec![(
                        Slug::parse("acme/launchpad"),
                        &Mutation::ApproveRun {
                            run_id: RUN_FORK,
                            run_number: 425
                        }
                    )]
                );
            },
        },
        Case {
            name: "a on a run that does not wait is refused",
            setup: on_finished_run,
            inputs: &[Key('a')],
            check: |s, out| refused(s, out, "Run #421 does not wait for approval"),
        },
        Case {
            name: "a under --readonly is refused",
            setup: |s| {
                on_fork_run(s);
                readonly(s);
            },
            inputs: &[Key('a')],
            check: |s, out| refused(s, out, "Read-only"),
        },
        Case {
            name: "a 403 says what the token lacks and keeps the list",
            setup: on_fork_run,
            inputs: &[Key('a'), Key('y'), In::Msg(approve_forbidden)],
            check: |s, _| {
                toast_says(s, "Could not approve run #425: forbidden (403");
                assert_eq!(s.runs.data.as_ref().map(Vec::len), Some(3));
                assert!(s.modal.is_none());
            },
        },
    ]);
}

fn approve_forbidden() -> Msg {
    Msg::Mutated {
        id: 1,
        repo: Slug::parse("acme/launchpad"),
        mutation: Mutation::ApproveRun {
            run_id: RUN_FORK,
            run_number: 425,
        },
        result: Err(ApiError::Forbidden {
            message: "Must have admin rights to Repository.".into(),
        }),
    }
}

/// The read-only guard at the moment of confirming (the key was allowed when the question
/// opened).
#[test]
fn readonly_refuses_a_confirmed_mutation() {
    let mut s = dashboard();
    on_ci(&mut s);
    feed(&mut s, &[Key('x')]);
    assert!(s.modal.is_some());
    s.ctx.readonly = true;
    let out = feed(&mut s, &[Key('y')]);
    assert!(out.all.is_empty(), "{:?}", out.all);
    assert!(s.modal.is_none());
    assert!(toast(&s).contains("nothing is changed"), "{}", toast(&s));
    assert!(s.in_flight.is_empty());
}

// ---------------------------------------------------------------------------------------------
// Prepared forms: a late answer never replaces what the user opened since.

/// The label picker that `l` (the first request) asked for.
fn labels_form() -> Msg {
    Msg::Prepared {
        repo: Slug::parse("acme/rocket"),
        generation: 1,
        result: Ok(Modal::Form(Box::new(Form {
            title: "Labels of #47".into(),
            intro: Vec::new(),
            fields: Vec::new(),
            focus: 0,
            error: None,
            purpose: Purpose::Labels {
                number: 47,
                current: vec!["bug".into()],
            },
        }))),
    }
}

fn labels_failed() -> Msg {
    Msg::Prepared {
        repo: Slug::parse("acme/rocket"),
        generation: 1,
        result: Err("Could not read the labels".into()),
    }
}

/// The deploy form that `D` asked for as the second request.
fn deploy_form() -> Msg {
    Msg::Prepared {
        repo: Slug::parse("acme/rocket"),
        generation: 2,
        result: Ok(Modal::Form(Box::new(Form {
            title: "Deploy to production".into(),
            intro: Vec::new(),
            fields: Vec::new(),
            focus: 0,
            error: None,
            purpose: Purpose::Deploy {
                environment: "production".into(),
                workflow: "deploy.yml".into(),
            },
        }))),
    }
}

#[test]
fn prepared_form_flows() {
    table(&[
        Case {
            name: "the answer to the latest request opens its form",
            setup: nothing,
            inputs: &[Key('l'), In::Msg(labels_form)],
            check: |s, _| modal_says(s, "Labels of #47"),
        },
        Case {
            name: "a late form does not replace the editor opened since",
            setup: nothing,
            inputs: &[Key('l'), Key('c'), In::Msg(labels_form)],
            check: |s, _| modal_says(s, "Comment on #47"),
        },
        Case {
            name: "a late form does not replace the form asked for since",
            setup: nothing,
            inputs: &[
                Key('l'),
                Key('5'),
                Key('D'),
                In::Msg(deploy_form),
                In::Msg(labels_form),
            ],
            check: |s, out| {
                assert!(
                    out.all.contains(&prepare(
                        2,
                        Prepare::Deploy {
                            environment: "staging".into(),
                            default_ref: "42-retry-flaky-uploads".into(),
                        }
                    )),
                    "{:?}",
                    out.all
                );
                modal_says(s, "Deploy to production");
            },
        },
        Case {
            name: "a late form arriving before the newer one is dropped too",
            setup: nothing,
            inputs: &[Key('l'), Key('5'), Key('D'), In::Msg(labels_form)],
            check: |s, _| assert!(s.modal.is_none(), "{}", modal_text(s)),
        },
        Case {
            name: "a late failure says nothing over the editor opened since",
            setup: nothing,
            inputs: &[Key('l'), Key('c'), In::Msg(labels_failed)],
            check: |s, _| {
                modal_says(s, "Comment on #47");
                assert!(!toast(s).contains("labels"), "{}", toast(s));
            },
        },
    ]);
}

// ---------------------------------------------------------------------------------------------
// Local git work (work.rs): one path, `Effect::Git`, whether a key or a confirmation starts it.

fn branch(name: &str, is_head: bool, merged: bool) -> BranchInfo {
    BranchInfo {
        name: name.into(),
        is_head,
        sha: "9092ce7".into(),
        upstream: Some(format!("origin/{name}").into()),
        upstream_gone: false,
        ahead: 0,
        behind: 0,
        summary: Default::default(),
        commit_time: now(),
        author: Default::default(),
        merged_into_default: merged,
        issue: None,
        stale: false,
    }
}

/// A clean working tree on main's repository with these branches.
fn snapshot(branches: Vec<BranchInfo>) -> BranchSnapshot {
    BranchSnapshot {
        branches,
        status: Default::default(),
        default_branch: Some("main".into()),
        detached_at: None,
        operation: None,
    }
}

/// The Branches panel: main checked out, a merged branch selected, an unmerged one below.
fn on_merged_branch(s: &mut AppState) {
    s.focus = PanelId::Branches;
    s.branches = loaded(snapshot(vec![
        branch("main", true, false),
        branch("41-old-fix", false, true),
        branch("42-retry-flaky-uploads", false, false),
    ]));
    s.cursor_mut(PanelId::Branches).selected = 1;
}

fn git_ops(fx: &[Effect]) -> Vec<&GitOp> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::Git { op, .. } => Some(op),
            _ => None,
        })
        .collect()
}

fn deleted() -> Msg {
    Msg::GitDone {
        id: 1,
        op: GitOp::DeleteMerged {
            name: "41-old-fix".into(),
        },
        result: Ok(String::from("Deleted 41-old-fix").into()),
    }
}

#[test]
fn branch_flows() {
    table(&[
        Case {
            name: "D on a merged branch asks first and changes nothing yet",
            setup: on_merged_branch,
            inputs: &[Key('D')],
            check: |s, out| {
                assert!(out.all.is_empty(), "{:?}", out.all);
                modal_says(s, "Delete the local branch 41-old-fix?");
            },
        },
        Case {
            name: "y deletes it as git work, not as a GitHub mutation",
            setup: on_merged_branch,
            inputs: &[Key('D'), Key('y')],
            check: |s, out| {
                assert_eq!(
                    git_ops(&out.last),
                    vec![&GitOp::DeleteMerged {
                        name: "41-old-fix".into()
                    }]
                );
                assert!(mutations(&out.all).is_empty(), "{:?}", out.all);
                assert!(s.in_flight.is_empty(), "{:?}", s.in_flight);
                assert!(s.git_busy.is_some());
            },
        },
        Case {
            name: "when git reports back nothing is left under way",
            setup: on_merged_branch,
            inputs: &[Key('D'), Key('y'), In::Msg(deleted)],
            check: |s, out| {
                assert!(s.git_busy.is_none());
                assert!(s.in_flight.is_empty(), "{:?}", s.in_flight);
                toast_says(s, "Deleted 41-old-fix");
                assert!(out
                    .last
                    .contains(&Effect::Refresh(vec![ResourceKind::Branches])));
            },
        },
        Case {
            name: "D on an unmerged branch is refused",
            setup: |s| {
                on_merged_branch(s);
                s.cursor_mut(PanelId::Branches).selected = 2;
            },
            inputs: &[Key('D')],
            check: |s, out| refused(s, out, "not merged into main"),
        },
        Case {
            name: "D while git is busy says so after the confirmation",
            setup: |s| {
                on_merged_branch(s);
                s.git_busy = Some((9, "fetch…".into()));
            },
            inputs: &[Key('D'), Key('y')],
            check: |s, out| {
                assert!(out.all.is_empty(), "{:?}", out.all);
                toast_says(s, "Busy: fetch");
            },
        },
        Case {
            name: "the confirmation in read-only mode changes nothing",
            setup: |s| {
                on_merged_branch(s);
                s.ctx.readonly = true;
            },
            inputs: &[Key('D')],
            check: |s, out| refused(s, out, "Read-only"),
        },
    ]);
}

// ---------------------------------------------------------------------------------------------
// logview.rs: a job's log, its search and closing it.

const LOG: &str = "2026-11-20T10:00:00.0000000Z ##[group]Run cargo test\n\
2026-11-20T10:00:01.0000000Z running 3 tests\n\
2026-11-20T10:00:02.0000000Z test upload ... FAILED\n\
2026-11-20T10:00:03.0000000Z assertion failed: retries == 3\n\
2026-11-20T10:00:04.0000000Z ##[endgroup]\n\
2026-11-20T10:00:05.0000000Z ##[error]Process completed with exit code 101.\n";

/// The branch just made from issue 47, committed to and not yet pushed.
fn on_unpushed_branch(s: &mut AppState) {
    let mut b = branch("47-crash-when-home-is-unset", true, false);
    b.sha = "1111111111111111111111111111111111111111".into();
    b.upstream = None;
    b.issue = Some(47);
    s.branches = loaded(snapshot(vec![b]));
    s.focus = PanelId::Branches;
}

const PUSHED_SHA: &str = "2222222222222222222222222222222222222222";

fn pushed() -> Msg {
    Msg::GitDone {
        id: 1,
        op: cockpit::app::effect::GitOp::Push,
        result: Ok(GitSuccess {
            message: "Pushed 47-crash-when-home-is-unset".into(),
            pushed: Some(cockpit::git::PushOutcome {
                remote: "origin".into(),
                branch: "47-crash-when-home-is-unset".into(),
                upstream: "origin/47-crash-when-home-is-unset".into(),
                sha: PUSHED_SHA.into(),
                remote_messages: Vec::new(),
            }),
        }),
    }
}

/// A push is known from its own answer: the runs of the commit it sent are awaited, and `P`
/// right after it opens the pull request form even before the refreshed branch list arrives.
#[test]
fn push_flows() {
    table(&[
        Case {
            name: "P before the push is refused: the branch is not on GitHub",
            setup: on_unpushed_branch,
            inputs: &[Key('P')],
            check: |s, out| refused(s, out, "not on GitHub yet"),
        },
        Case {
            name: "the push's commit is awaited, not the branch list's head",
            setup: on_unpushed_branch,
            inputs: &[In::Msg(pushed)],
            check: |_, out| {
                assert!(
                    out.all.iter().any(|e| matches!(e,
                        Effect::Poll(Resource::CommitRuns(resource::CommitRuns { sha, .. })) if sha == PUSHED_SHA)),
                    "{:?}",
                    out.all
                );
            },
        },
        Case {
            name: "P right after the push prepares the pull request",
            setup: on_unpushed_branch,
            inputs: &[In::Msg(pushed), Key('P')],
            check: |_, out| {
                assert!(
                    out.last.iter().any(|e| matches!(e,
                        Effect::Prepare { prepare: Prepare::NewPull { head, issue: Some(47) }, .. }
                            if head == "47-crash-when-home-is-unset")),
                    "{:?}",
                    out.last
                );
            },
        },
    ]);
}

/// The failed run's detail is open with its jobs: a finished test job, a running lint job.
fn run_detail(s: &mut AppState) {
    on_ci(s);
    s.cursor_mut(PanelId::Ci).selected = 1;
    let jobs = vec![
        job(
            JOB_TEST,
            "test",
            "completed",
            &[(1, "Checkout", "completed"), (2, "Test", "completed")],
        ),
        job(
            JOB_LINT,
            "lint",
            "in_progress",
            &[
                (1, "Checkout", "completed"),
                (2, "Clippy", "in_progress"),
                (3, "Fmt", "queued"),
            ],
        ),
    ];
    s.detail = Some(Detail::Run {
        repo: rocket(),
        run_id: RUN_FAILED,
        data: loaded((run(RUN_FAILED, 421, "completed", Some("failure")), jobs)),
        cursor: Default::default(),
        annotations: Vec::new(),
    });
}

/// The failed run's jobs as the poller reports them, with the test job's annotation.
fn jobs_with_annotation() -> Msg {
    let note = from(json!({
        "path": "src/upload.rs", "start_line": 12, "annotation_level": "failure",
        "message": "assertion failed: retries == 3"
    }));
    Msg::answer(
        resource::Answer {
            resource: resource::Jobs {
                repo: rocket(),
                run_id: RUN_FAILED,
            },
            answer: (
                Ok(Fetched {
                    data: (
                        run(RUN_FAILED, 421, "completed", Some("failure")),
                        vec![job(JOB_TEST, "test", "completed", &[])],
                    ),
                    changed: true,
                }),
                vec![(JOB_TEST, vec![note])],
            ),
        },
        now(),
        None,
    )
}

#[test]
fn run_annotations_live_with_the_run() {
    table(&[
        Case {
            name: "the open run keeps its jobs' annotations, and its log gets the job's",
            setup: run_detail,
            inputs: &[In::Msg(jobs_with_annotation), Code(KeyCode::Enter)],
            check: |s, _| {
                let log = s.log().expect("log open");
                assert_eq!(log.annotations.len(), 1);
                assert_eq!(log.annotations[0].path, "src/upload.rs");
            },
        },
        Case {
            name: "a run's annotations are shown while it is open",
            setup: run_detail,
            inputs: &[In::Msg(jobs_with_annotation)],
            check: |s, _| assert_eq!(s.run_annotations().len(), 1),
        },
        Case {
            name: "closed, the run's annotations are gone, and a late answer brings none back",
            setup: run_detail,
            inputs: &[
                In::Msg(jobs_with_annotation),
                Code(KeyCode::Esc),
                In::Msg(jobs_with_annotation),
            ],
            check: |s, _| {
                assert!(s.detail.is_none());
                assert!(s.run_annotations().is_empty());
            },
        },
        Case {
            name: "closing the log closes its session with it",
            setup: log_open,
            inputs: &[Code(KeyCode::Esc), Code(KeyCode::Esc)],
            check: |s, _| {
                assert!(s.log().is_none());
                assert!(s.detail.is_none());
            },
        },
    ]);
}

/// The same, with the running lint job selected.
fn on_running_job(s: &mut AppState) {
    run_detail(s);
    if let Some(Detail::Run { cursor, .. }) = &mut s.detail {
        cursor.selected = 1;
    }
}

fn test_log() -> Msg {
    Msg::LogChunk {
        job_id: JOB_TEST,
        bytes: Ok(LOG.as_bytes().to_vec()),
    }
}

/// The test job's whole log is open.
fn log_open(s: &mut AppState) {
    run_detail(s);
    feed(s, &[Code(KeyCode::Enter), In::Msg(test_log)]);
}

fn search_jobs(fx: &[Effect]) -> usize {
    fx.iter()
        .filter(|e| matches!(e, Effect::SearchLog(_)))
        .count()
}

fn search_hits(s: &AppState) -> Option<(usize, bool)> {
    let status = s.log()?.view.search_status()?;
    Some((status.hits, status.done))
}

/// `update` starts no thread: a search is an effect, and its results come back as messages.
#[test]
fn a_log_search_runs_only_as_an_effect() {
    let mut s = dashboard();
    log_open(&mut s);
    let out = feed(&mut s, &[Key('/'), Text("assert"), Code(KeyCode::Enter)]);
    let job = out
        .last
        .iter()
        .find_map(|e| match e {
            Effect::SearchLog(job) => Some(job.clone()),
            _ => None,
        })
        .expect("the search is asked for");
    assert_eq!(search_hits(&s), Some((0, false)), "nothing searched yet");
    // What the runtime does with the effect: a thread whose news wake the loop.
    let (tx, news) = std::sync::mpsc::channel();
    job.start(Some(std::sync::Arc::new(move || {
        let _ = tx.send(());
    })))
    .expect("search thread");
    while search_hits(&s).is_some_and(|(_, done)| !done) {
        news.recv_timeout(std::time::Duration::from_secs(60))
            .expect("the search reports");
        feed(&mut s, &[In::Msg(|| Msg::LogSearch)]);
    }
    assert_eq!(search_hits(&s), Some((1, true)));
}

fn search_input(s: &AppState) -> Option<(String, bool)> {
    s.log().and_then(|l| l.search_input.clone())
}

fn search_query(s: &AppState) -> Option<String> {
    s.log()
        .and_then(|l| l.view.search_status())
        .map(|st| st.query)
}

#[test]
fn log_flows() {
    table(&[
        Case {
            name: "Enter on a finished job fetches its whole log",
            setup: run_detail,
            inputs: &[Code(KeyCode::Enter)],
            check: |s, out| {
                assert_eq!(
                    out.last,
                    vec![
                        Effect::Stop(ResourceKind::Jobs),
                        Effect::Poll(Resource::JobStatus(resource::JobStatus {
                            repo: rocket(),
                            job_id: JOB_TEST
                        })),
                        Effect::FetchLog {
                            repo: rocket(),
                            job_id: JOB_TEST
                        },
                    ]
                );
                assert_eq!(
                    s.log().map(|l| (l.run_id, l.job_id)),
                    Some((RUN_FAILED, JOB_TEST))
                );
                assert_eq!(s.log().map(|l| &l.phase), Some(&LogPhase::Fetching));
            },
        },
        Case {
            // GitHub serves no log of a running job: its steps show live, the log comes when
            // the job completes.
            name: "Enter on a running job fetches nothing yet",
            setup: on_running_job,
            inputs: &[Code(KeyCode::Enter)],
            check: |s, out| {
                assert!(log_fetches(&out.last).is_empty(), "{:?}", out.last);
                assert_eq!(s.log().map(|l| &l.phase), Some(&LogPhase::Running));
            },
        },
        Case {
            name: "the whole log arrives: complete",
            setup: log_open,
            inputs: &[],
            check: |s, _| {
                let log = s.log().expect("log open");
                assert_eq!(log.phase, LogPhase::Complete);
                assert!(log.view.store().len() >= 5, "{}", log.view.store().len());
            },
        },
        Case {
            name: "a log for another job is not mixed in",
            setup: |s| {
                run_detail(s);
                feed(s, &[Code(KeyCode::Enter)]);
            },
            inputs: &[In::Msg(|| Msg::LogChunk {
                job_id: JOB_LINT,
                bytes: Ok(b"other job\n".to_vec()),
            })],
            check: |s, _| {
                let log = s.log().expect("log open");
                assert_eq!(log.phase, LogPhase::Fetching);
                assert_eq!(log.view.store().len(), 0);
            },
        },
        Case {
            name: "/ opens the search prompt",
            setup: log_open,
            inputs: &[Key('/')],
            check: |s, out| {
                assert!(out.all.is_empty());
                assert_eq!(search_input(s), Some((String::new(), false)));
            },
        },
        Case {
            name: "typing goes into the prompt, not to the keymap",
            setup: log_open,
            inputs: &[Key('/'), Text("assert q"), Code(KeyCode::Backspace)],
            check: |s, out| {
                assert!(out.all.is_empty(), "{:?}", out.all);
                assert!(!s.should_quit, "q in the prompt is text");
                assert_eq!(search_input(s), Some(("assert ".into(), false)));
            },
        },
        Case {
            name: "Ctrl-R in the prompt makes it a regex",
            setup: log_open,
            inputs: &[Key('/'), Ctrl('r'), Text("re.*3")],
            check: |s, _| {
                assert_eq!(search_input(s), Some(("re.*3".into(), true)));
            },
        },
        Case {
            name: "Enter starts the search and closes the prompt",
            setup: log_open,
            inputs: &[Key('/'), Text("assert"), Code(KeyCode::Enter)],
            check: |s, out| {
                assert_eq!(search_jobs(&out.last), 1, "{:?}", out.last);
                assert_eq!(search_input(s), None);
                assert_eq!(search_query(s).as_deref(), Some("assert"));
                assert!(matches!(s.detail, Some(Detail::Log { .. })));
            },
        },
        Case {
            name: "a search typed before the log arrives starts when it does",
            setup: run_detail,
            inputs: &[
                Code(KeyCode::Enter),
                Key('/'),
                Text("assert"),
                Code(KeyCode::Enter),
                In::Msg(test_log),
            ],
            check: |s, out| {
                assert_eq!(search_jobs(&out.last), 1, "{:?}", out.last);
                assert_eq!(search_query(s).as_deref(), Some("assert"));
            },
        },
        Case {
            name: "an invalid regex is reported, not searched",
            setup: log_open,
            inputs: &[Key('/'), Ctrl('r'), Text("(unclosed"), Code(KeyCode::Enter)],
            check: |s, _| {
                assert_eq!(search_input(s), None);
                assert_eq!(search_query(s), None);
                assert!(toast(s).starts_with("Search:"), "{}", toast(s));
            },
        },
        Case {
            name: "Esc in the prompt drops it and keeps the log open",
            setup: log_open,
            inputs: &[Key('/'), Text("assert"), Code(KeyCode::Esc)],
            check: |s, out| {
                assert!(out.all.is_empty());
                assert_eq!(search_input(s), None);
                assert_eq!(search_query(s), None);
                assert!(s.log().is_some());
                assert!(matches!(s.detail, Some(Detail::Log { .. })));
            },
        },
        Case {
            name: "Esc closes the log: back to the run, its jobs polled again",
            setup: log_open,
            inputs: &[Code(KeyCode::Esc)],
            check: |s, out| {
                assert!(s.log().is_none());
                assert!(matches!(
                    s.detail,
                    Some(Detail::Run {
                        run_id: RUN_FAILED,
                        ..
                    })
                ));
                assert_eq!(
                    out.last,
                    vec![
                        Effect::Stop(ResourceKind::JobStatus),
                        Effect::Poll(Resource::Jobs(resource::Jobs {
                            repo: rocket(),
                            run_id: RUN_FAILED
                        })),
                    ]
                );
            },
        },
        Case {
            name: "y copies the line under the cursor",
            setup: log_open,
            inputs: &[Key('y')],
            check: |s, out| {
                assert!(
                    matches!(out.last.as_slice(), [Effect::Copy { .. }]),
                    "{:?}",
                    out.last
                );
                assert!(toast(s).starts_with("Copied"), "{}", toast(s));
            },
        },
        Case {
            // `/` filters the runs instead (tests/list_filter.rs).
            name: "log keys without a log say how to open one",
            setup: on_ci,
            inputs: &[Key('n')],
            check: |s, out| {
                assert!(out.all.is_empty());
                assert!(s.log().is_none());
                toast_says(s, "Open a job's log first");
            },
        },
        Case {
            // No step logs on GitHub: a finished step changes the steps shown, fetches nothing.
            name: "a running job's newly finished step fetches no log",
            setup: |s| {
                on_running_job(s);
                feed(s, &[Code(KeyCode::Enter)]);
            },
            inputs: &[In::Msg(lint_status), In::Msg(lint_status)],
            check: |_, out| {
                assert!(log_fetches(&out.all).is_empty(), "{:?}", out.all);
            },
        },
    ]);
}

/// The lint job with its second step finished.
fn lint_status() -> Msg {
    Msg::answer(
        resource::Answer {
            resource: resource::JobStatus {
                repo: rocket(),
                job_id: JOB_LINT,
            },
            answer: (
                Ok(cockpit::github::Fetched {
                    data: job(
                        JOB_LINT,
                        "lint",
                        "in_progress",
                        &[
                            (1, "Checkout", "completed"),
                            (2, "Clippy", "completed"),
                            (3, "Fmt", "in_progress"),
                        ],
                    ),
                    changed: true,
                }),
                None,
            ),
        },
        now(),
        None,
    )
}

// ---------------------------------------------------------------------------------------------
// Where is it live: looked up once, only for what is shown, only where something is deployed.

fn deployed(row: &mut EnvRow, sha: &str) {
    row.history = vec![cockpit::github::dashboard::DeploymentEntry {
        deployment: from(json!({
            "id": 900, "sha": sha, "ref": "main", "environment": row.env.name,
            "created_at": "2026-11-22T08:00:00Z",
        })),
        status: Some(from(json!({
            "id": 901, "state": "success", "created_at": "2026-11-22T08:01:00Z",
        }))),
        status_unread: false,
    }];
}

fn live_lookups(fx: &[Effect]) -> Vec<&cockpit::app::live::Lookup> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::Live { lookup, .. } => Some(lookup),
            _ => None,
        })
        .collect()
}

#[test]
fn where_is_it_live_asks_once_for_what_is_shown() {
    use cockpit::app::live::{Answer, Lookup};
    let km = Keymap::default();
    let mut s = dashboard();
    s.ctx.has_local_repo = false;
    let tick = || Msg::Tick(now());
    // Nothing deployed: nothing to ask, even for the closed issue on screen.
    assert!(live_lookups(&update(&mut s, &km, tick())).is_empty());
    let (staging, production) = ("a".repeat(40), "b".repeat(40));
    if let Some(envs) = s.envs.data.as_mut() {
        deployed(&mut envs[0], &staging);
        deployed(&mut envs[1], &production);
    }
    // The closed issue's closing commit, once; open issues get nothing.
    let fx = update(&mut s, &km, tick());
    assert_eq!(
        live_lookups(&fx),
        vec![&Lookup::ClosingCommit { number: 12 }]
    );
    assert!(live_lookups(&update(&mut s, &km, tick())).is_empty());
    // Its commit is known: one comparison per environment, then nothing more.
    let merge = "c".repeat(40);
    let fx = update(
        &mut s,
        &km,
        Msg::Live {
            repo: rocket(),
            answer: Answer::ClosingCommit {
                number: 12,
                result: Ok(Some(merge.clone())),
            },
        },
    );
    let compare = |head: &str| Lookup::Compare {
        base: merge.clone(),
        head: head.to_string(),
    };
    assert_eq!(
        live_lookups(&fx),
        vec![&compare(&staging), &compare(&production)]
    );
    assert!(live_lookups(&update(&mut s, &km, tick())).is_empty());
}

// ---------------------------------------------------------------------------------------------
// inbox.rs: the notifications view.

use cockpit::github::notifications::{Thread, ThreadChange};

fn thread(id: &str, reason: &str, kind: &str, url: &str, title: &str) -> Thread {
    let repo = url
        .split("/repos/")
        .nth(1)
        .map(|r| r.splitn(3, '/').take(2).collect::<Vec<_>>().join("/"))
        .unwrap_or_default();
    from(json!({
        "id": id, "unread": true, "reason": reason, "updated_at": "2026-11-22T09:00:00Z",
        "last_read_at": null,
        "subject": {"title": title, "url": url, "latest_comment_url": url, "type": kind},
        "repository": {"full_name": repo, "html_url": format!("https://github.com/{repo}")},
    }))
}

/// Two threads: a review request in acme/launchpad, and a mention whose issue is gone.
fn with_inbox(s: &mut AppState) {
    s.inbox.threads = loaded(vec![
        thread(
            "101",
            "review_requested",
            "PullRequest",
            "https://api.github.com/repos/acme/launchpad/pulls/9",
            "Faster deploys",
        ),
        thread(
            "102",
            "mention",
            "Issue",
            "https://api.github.com/repos/acme/rocket/issues/14",
            "Uploads time out",
        ),
    ]);
}

fn readonly_inbox(s: &mut AppState) {
    with_inbox(s);
    readonly(s);
}

fn thread_change(thread_id: u64, change: ThreadChange, title: &str) -> Mutation {
    Mutation::Thread {
        thread_id,
        change,
        title: title.into(),
    }
}

/// The target of the selected thread was looked up.
fn target_answer(found: Result<resource::Found, ApiError>) -> Msg {
    Msg::answer(
        resource::Answer {
            resource: resource::NotificationTarget {
                repo: Slug::parse("acme/launchpad").expect("slug"),
                thread: thread(
                    "101",
                    "review_requested",
                    "PullRequest",
                    "https://api.github.com/repos/acme/launchpad/pulls/9",
                    "Faster deploys",
                ),
            },
            answer: found,
        },
        now(),
        None,
    )
}

fn pull_found() -> Msg {
    target_answer(Ok(resource::Found::Pull(9)))
}

fn pull_gone() -> Msg {
    target_answer(Err(ApiError::NotFound {
        path: "/repos/acme/launchpad/pulls/9".into(),
    }))
}

fn marked_done() -> Msg {
    Msg::Mutated {
        id: 1,
        repo: None,
        mutation: thread_change(101, ThreadChange::Done, "Faster deploys"),
        result: Ok(Done {
            message: "Marked done".into(),
            started_run: None,
            created_pull: None,
            merged_sha: None,
            created_issue: None,
        }),
    }
}

/// The one effect changing GitHub names no repository: a thread is the account's.
fn account_change(out: &Out, m: Mutation) {
    let sent: Vec<_> = out
        .last
        .iter()
        .filter_map(|e| match e {
            Effect::Mutate { repo, mutation, .. } => Some((repo.clone(), mutation.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(sent, vec![(None, m)]);
}

#[test]
fn inbox_flows() {
    table(&[
        Case {
            name: "i opens the inbox over the dashboard, Esc closes it",
            setup: with_inbox,
            inputs: &[Key('i')],
            check: |s, out| {
                assert!(s.inbox.open);
                assert!(out.all.is_empty());
            },
        },
        Case {
            name: "Esc closes the inbox",
            setup: with_inbox,
            inputs: &[Key('i'), Code(KeyCode::Esc)],
            check: |s, _| assert!(!s.inbox.open),
        },
        Case {
            name: "r marks the selected thread read, for the account (no repository)",
            setup: with_inbox,
            inputs: &[Key('i'), Key('r')],
            check: |_, out| {
                account_change(
                    out,
                    thread_change(101, ThreadChange::Read, "Faster deploys"),
                )
            },
        },
        Case {
            name: "d on the second thread marks it done",
            setup: with_inbox,
            inputs: &[Key('i'), Key('j'), Key('d')],
            check: |_, out| {
                account_change(
                    out,
                    thread_change(102, ThreadChange::Done, "Uploads time out"),
                )
            },
        },
        Case {
            name: "u asks first",
            setup: with_inbox,
            inputs: &[Key('i'), Key('u')],
            check: |s, out| {
                assert!(out.all.is_empty());
                modal_says(s, "Unsubscribe");
            },
        },
        Case {
            name: "y on the question unsubscribes",
            setup: with_inbox,
            inputs: &[Key('i'), Key('u'), Key('y')],
            check: |_, out| {
                account_change(
                    out,
                    thread_change(101, ThreadChange::Unsubscribe, "Faster deploys"),
                )
            },
        },
        Case {
            name: "read-only: r is refused",
            setup: readonly_inbox,
            inputs: &[Key('i'), Key('r')],
            check: |s, out| refused(s, out, "Read-only"),
        },
        Case {
            name: "read-only: d is refused",
            setup: readonly_inbox,
            inputs: &[Key('i'), Key('d')],
            check: |s, out| refused(s, out, "Read-only"),
        },
        Case {
            name: "read-only: u is refused before the question",
            setup: readonly_inbox,
            inputs: &[Key('i'), Key('u')],
            check: |s, out| refused(s, out, "Read-only"),
        },
        Case {
            name: "Enter looks the target up in the thread's own repository",
            setup: with_inbox,
            inputs: &[Key('i'), Code(KeyCode::Enter)],
            check: |s, out| {
                let asked = out.last.iter().any(|e| {
                    matches!(e,
                    Effect::Poll(Resource::NotificationTarget(t))
                        if t.repo == Slug::parse("acme/launchpad").expect("slug")
                            && t.thread.id == "101")
                });
                assert!(asked, "{:?}", out.last);
                assert_eq!(s.inbox.opening.as_deref(), Some("101"));
            },
        },
        Case {
            name: "the target found: its detail in Pull requests, of its repository, marked read",
            setup: with_inbox,
            inputs: &[Key('i'), Code(KeyCode::Enter), In::Msg(pull_found)],
            check: |s, out| {
                assert!(!s.inbox.open);
                assert_eq!(s.focus, PanelId::Pulls);
                assert!(
                    matches!(&s.detail, Some(Detail::Pull { repo, number: 9, .. })
                    if repo.full_name() == "acme/launchpad")
                );
                assert!(mutations(&out.last).contains(&&thread_change(
                    101,
                    ThreadChange::Read,
                    "Faster deploys"
                )));
            },
        },
        Case {
            name: "a gone target says so; the inbox stays and d still works",
            setup: with_inbox,
            inputs: &[Key('i'), Code(KeyCode::Enter), In::Msg(pull_gone), Key('d')],
            check: |s, out| {
                assert!(s.inbox.open);
                assert!(s.detail.is_none());
                account_change(
                    out,
                    thread_change(101, ThreadChange::Done, "Faster deploys"),
                );
            },
        },
        Case {
            name: "the gone target's message",
            setup: with_inbox,
            inputs: &[Key('i'), Code(KeyCode::Enter), In::Msg(pull_gone)],
            check: |s, out| {
                assert!(mutations(&out.last).is_empty());
                toast_says(s, "is gone");
            },
        },
        Case {
            name: "done removes the thread from the inbox",
            setup: with_inbox,
            inputs: &[Key('i'), In::Msg(marked_done)],
            check: |s, _| {
                let ids: Vec<&str> = s
                    .inbox
                    .threads
                    .data
                    .iter()
                    .flatten()
                    .map(|t| t.id.as_str())
                    .collect();
                assert_eq!(ids, ["102"]);
            },
        },
    ]);
}

// ---------------------------------------------------------------------------------------------
// Watched repositories: W, rows acting on their own repository, the approval queue.

fn infra() -> Slug {
    Slug::parse("acme/infra").expect("slug")
}

fn watching(s: &mut AppState) {
    s.ctx.watched = vec![cockpit::app::state::WatchedRepo {
        slug: infra(),
        path: Some("/src/infra".into()),
    }];
}

/// Watched scope, on acme/infra's production (a deploy waits for me there).
fn on_infra_production(s: &mut AppState) {
    watching(s);
    s.scope = cockpit::app::state::Scope::Watched;
    let mut e = env(3, "production", Some(true));
    e.repo = infra();
    if let Some(envs) = s.envs.data.as_mut() {
        envs.push(e);
    }
    s.focus = PanelId::Deploys;
    s.cursor_mut(PanelId::Deploys).selected = 2;
}

fn infra_waiting(s: &mut AppState) {
    watching(s);
    let e = env(3, "production", Some(true));
    let (run, pending) = e.waiting[0].clone();
    s.queue.items = loaded(vec![cockpit::app::state::Approval {
        repo: infra(),
        run,
        pending,
    }]);
}

fn polls(out: &Out, r: Resource) -> bool {
    out.last.contains(&Effect::Poll(r))
}

#[test]
fn watch_flows() {
    table(&[
        Case {
            name: "W without watched repositories says how to add them",
            setup: nothing,
            inputs: &[Key('W')],
            check: |s, out| {
                refused(s, out, "No watched repositories");
                assert_eq!(s.scope, cockpit::app::state::Scope::Here);
            },
        },
        Case {
            name: "W polls every repository's runs and environments, and searches issues and PRs in both",
            setup: watching,
            inputs: &[Key('W')],
            check: |s, out| {
                assert_eq!(s.scope, cockpit::app::state::Scope::Watched);
                let repos = vec![rocket(), infra()];
                assert!(polls(
                    out,
                    Resource::WatchedRuns(resource::WatchedRuns {
                        repos: repos.clone()
                    })
                ));
                assert!(polls(
                    out,
                    Resource::Environments(resource::Environments { repos })
                ));
                // The sections search both repositories now.
                let searches: Vec<&str> = out
                    .last
                    .iter()
                    .filter_map(|e| match e {
                        Effect::Poll(Resource::Issues(r)) => Some(r.query.as_str()),
                        Effect::Poll(Resource::Pulls(r)) => Some(r.query.as_str()),
                        _ => None,
                    })
                    .collect();
                assert_eq!(searches.len(), 2, "{:?}", out.last);
                for q in searches {
                    assert!(q.contains("repo:acme/rocket") && q.contains("repo:acme/infra"), "{q}");
                }
                assert!(s.runs.loading && s.envs.loading);
            },
        },
        Case {
            name: "W again: the branch's runs of this repository",
            setup: watching,
            inputs: &[Key('W'), Key('W')],
            check: |s, out| {
                assert_eq!(s.scope, cockpit::app::state::Scope::Here);
                assert!(polls(
                    out,
                    Resource::Runs(resource::Runs {
                        branch: "42-retry-flaky-uploads".into()
                    })
                ));
                assert!(polls(
                    out,
                    Resource::Environments(resource::Environments {
                        repos: vec![rocket()]
                    })
                ));
            },
        },
        Case {
            name: "an approval on a watched repository's environment goes to that repository",
            setup: on_infra_production,
            inputs: &[Key('a'), Ctrl('s'), Key('y')],
            check: |_, out| {
                let sent = sent_to(&out.last);
                assert_eq!(sent.len(), 1, "{:?}", out.last);
                assert_eq!(sent[0].0, Some(infra()));
                assert!(matches!(
                    sent[0].1,
                    Mutation::ReviewDeployment { approve: true, .. }
                ));
            },
        },
        Case {
            name: "an archived repository refuses changes before any form",
            setup: |s| {
                on_infra_production(s);
                s.repo_health
                    .push((infra(), cockpit::app::state::RepoHealth::Archived));
            },
            inputs: &[Key('a')],
            check: |s, out| {
                refused(s, out, "acme/infra is archived");
                assert!(s.modal.is_none());
            },
        },
        Case {
            name: "b on a watched repository's issue branches in its clone",
            setup: |s| {
                watching(s);
                other_repo_issue(s);
                s.repo_defaults.push((infra(), "trunk".into()));
            },
            inputs: &[Key('b')],
            check: |_, out| {
                let git: Vec<_> = out
                    .last
                    .iter()
                    .filter_map(|e| match e {
                        Effect::Git { op, dir, .. } => Some((op, dir)),
                        _ => None,
                    })
                    .collect();
                assert_eq!(git.len(), 1, "{:?}", out.last);
                assert_eq!(
                    git[0].1.as_deref(),
                    Some(std::path::Path::new("/src/infra"))
                );
                assert!(
                    matches!(git[0].0, GitOp::BranchFromIssue { number: 7, default_branch, .. }
                    if default_branch == "trunk")
                );
            },
        },
        Case {
            name: "b on an issue of a repository without a clone says how to name one",
            setup: other_repo_issue,
            inputs: &[Key('b')],
            check: |s, out| refused(s, out, "name its clone in the config"),
        },
        Case {
            name: "Q opens the queue; a reviews the item in its own repository",
            setup: infra_waiting,
            inputs: &[Key('Q'), Key('a')],
            check: |s, _| {
                assert!(s.queue.open);
                modal_says(s, "Approve deploy to production in acme/infra");
                assert_eq!(s.acting_repo, Some(infra()));
            },
        },
        Case {
            name: "Esc closes the queue; q in it still quits",
            setup: infra_waiting,
            inputs: &[Key('Q'), Code(KeyCode::Esc)],
            check: |s, _| assert!(!s.queue.open && !s.should_quit),
        },
        Case {
            name: "o on a watched repository's environment opens that repository's page",
            setup: |s| {
                on_infra_production(s);
                s.ctx.web_base = "https://github.com".into();
            },
            inputs: &[Key('o')],
            check: |_, out| {
                assert_eq!(
                    out.last,
                    vec![Effect::OpenUrl(
                        "https://github.com/acme/infra/deployments/production".into()
                    )]
                );
            },
        },
    ]);
}

// ---------------------------------------------------------------------------------------------
// A pull request's detail reads its base branch's rules once per opening.

fn pull_answer() -> Msg {
    let pr = from(json!({
        "number": 43, "title": "Retry uploads", "state": "open",
        "head": {"ref": "42-retry-flaky-uploads", "sha": "9092ce7d0123456789abcdef0123456789abcdef"},
        "base": {"ref": "main", "sha": "40d489cd1713f45a22b8efb4652e0a20b7aea0b2"},
        "created_at": "2026-11-20T10:00:00Z", "mergeable_state": "blocked",
    }));
    Msg::answer(
        resource::Answer {
            resource: resource::PullDetail {
                repo: rocket(),
                number: 43,
            },
            answer: Ok(cockpit::github::pulls::PullDetail {
                pr,
                reviews: Vec::new(),
                checks: Vec::new(),
                threads: Vec::new(),
                gaps: Default::default(),
            }),
        },
        now(),
        None,
    )
}

fn rules_polls(fx: &[Effect]) -> Vec<&resource::BranchRules> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::Poll(Resource::BranchRules(r)) => Some(r),
            _ => None,
        })
        .collect()
}

#[test]
fn a_pull_requests_rules_are_read_once_per_opening() {
    let mut s = dashboard();
    let (detail, _) = cockpit::app::work::open_pull(rocket(), 43);
    s.detail = Some(detail);
    let first = feed(&mut s, &[In::Msg(pull_answer)]);
    assert_eq!(
        rules_polls(&first.all),
        vec![&resource::BranchRules {
            repo: rocket(),
            number: 43,
            base: "main".into(),
        }]
    );
    // The next answers (every few seconds) ask nothing more.
    let later = feed(&mut s, &[In::Msg(pull_answer), In::Msg(pull_answer)]);
    assert!(rules_polls(&later.all).is_empty(), "{:?}", later.all);
    // Closing stops it with the detail.
    let closed = feed(&mut s, &[Code(KeyCode::Esc)]);
    assert!(closed
        .all
        .contains(&Effect::Stop(ResourceKind::BranchRules)));
}
