//! `/` on a list, through `update` as the user drives it: typing narrows, Enter keeps the
//! filter for the list keys, Esc clears it, the actions act on the filtered row the user sees
//! selected, and new data from a poll keeps the selected row selected.

mod flow_support;

use cockpit::app::effect::{Effect, Prepare};
use cockpit::app::keymap::Keymap;
use cockpit::app::mutation::Mutation;
use cockpit::app::resource;
use cockpit::app::selection;
use cockpit::app::state::{AppState, Detail, PanelId};
use cockpit::app::{update, Msg};
use cockpit::github::dashboard::{EnvRow, PullRole, PullRow, ReviewDecision, Slug};
use cockpit::github::models::{Issue, WorkflowRun};
use cockpit::github::search::Found;
use cockpit::github::Fetched;
use flow_support::{each_case, from, loaded, msgs, now, In};
use ratatui::crossterm::event::KeyCode;
use serde_json::json;

fn issue(number: u64, title: &str, label: &str) -> Issue {
    from(json!({
        "number": number, "title": title, "state": "open",
        "labels": [{"name": label, "color": "d73a4a"}],
        "user": {"login": "alice"},
        "created_at": "2026-11-01T10:00:00Z",
        "html_url": format!("https://github.com/acme/rocket/issues/{number}"),
    }))
}

fn run(id: u64, number: u64, name: &str, branch: &str) -> WorkflowRun {
    from(json!({
        "id": id, "name": name, "display_title": format!("{name} on {branch}"),
        "head_branch": branch, "head_sha": "9092ce7d0123456789abcdef0123456789abcdef",
        "event": "push", "status": "completed", "conclusion": "failure", "run_number": number,
        "created_at": "2026-11-20T10:00:00Z",
        "html_url": format!("https://github.com/acme/rocket/actions/runs/{id}"),
    }))
}

fn pull(number: u64, title: &str) -> PullRow {
    PullRow {
        pr: from(json!({
            "number": number, "title": title, "state": "open", "user": {"login": "bob"},
            "head": {"ref": format!("topic-{number}"), "sha": "0123456789abcdef0123456789abcdef01234567"},
            "base": {"ref": "main", "sha": "fedcba9876543210fedcba9876543210fedcba98"},
            "html_url": format!("https://github.com/acme/rocket/pull/{number}"),
            "created_at": "2026-11-20T10:00:00Z",
        })),
        role: PullRole::Mine,
        checks: None,
        decision: ReviewDecision::None,
        comments: 0,
        gaps: Default::default(),
        repo: Slug::parse("acme/rocket").expect("slug"),
    }
}

fn env(id: u64, name: &str) -> EnvRow {
    EnvRow {
        env: from(json!({"id": id, "name": name, "protection_rules": []})),
        history: Vec::new(),
        waiting: Vec::new(),
        gaps: Default::default(),
        repo: Slug::parse("acme/rocket").expect("slug"),
    }
}

fn issues() -> Vec<Issue> {
    vec![
        issue(47, "Crash when HOME is unset", "bug"),
        issue(42, "Retry flaky uploads", "enhancement"),
        issue(12, "Old crash in the uploader", "bug"),
    ]
}

fn dashboard() -> AppState {
    let mut s = flow_support::rocket();
    s.ci_branch = Some("main".into());
    s.issues = loaded(issues());
    s.pulls = loaded(vec![pull(7, "Faster uploads"), pull(9, "Docs for retries")]);
    s.runs = loaded(vec![
        run(501, 51, "CI", "main"),
        run(502, 52, "Deploy", "main"),
        run(503, 53, "CI", "release"),
    ]);
    s.envs = loaded(vec![env(1, "staging"), env(2, "production")]);
    s
}

// ---------------------------------------------------------------------------------------------

use In::{Click, Code, Key, Text};

fn feed(s: &mut AppState, inputs: &[In]) -> Vec<Effect> {
    let keymap = Keymap::default();
    let mut last = Vec::new();
    for input in inputs {
        last.clear();
        for m in msgs(*input) {
            last.extend(update(s, &keymap, m));
        }
    }
    last
}

struct Case {
    name: &'static str,
    focus: PanelId,
    inputs: &'static [In],
    check: fn(&AppState, &[Effect]),
}

fn table(cases: &[Case]) {
    each_case(
        cases,
        |c| c.name,
        |c| {
            let mut s = dashboard();
            s.focus = c.focus;
            let last = feed(&mut s, c.inputs);
            (c.check)(&s, &last);
        },
    );
}

fn shown_issues(s: &AppState) -> Vec<u64> {
    let data = s.issues.data.as_deref().unwrap_or_default();
    let shown = cockpit::app::filter::visible(s, PanelId::Issues);
    (0..shown.len())
        .filter_map(|i| shown.index(i).and_then(|i| data.get(i)))
        .map(|i| i.number)
        .collect()
}

fn selected_issue(s: &AppState) -> Option<u64> {
    selection::issue(s).map(|i| i.number)
}

fn query(s: &AppState, p: PanelId) -> &str {
    &s.filters[p.index()].query
}

fn typing(s: &AppState, p: PanelId) -> bool {
    s.filters[p.index()].typing
}

fn mutations(fx: &[Effect]) -> Vec<&Mutation> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::Mutate { mutation, .. } => Some(mutation),
            _ => None,
        })
        .collect()
}

fn assign(number: u64) -> Mutation {
    Mutation::Assign {
        number,
        login: "octodemo".into(),
        add: true,
    }
}

/// A poll answer with a new issue first: every row moves down one.
fn issues_with_a_new_one() -> Msg {
    let mut list = issues();
    list.insert(0, issue(50, "Retry downloads too", "enhancement"));
    Msg::answer(
        resource::Answer {
            resource: resource::Issues {
                query: "is:issue is:open assignee:@me repo:acme/rocket".into(),
            },
            answer: Ok(Fetched {
                data: Found::all(list),
                changed: true,
            }),
        },
        now(),
        None,
    )
}

/// The pull requests again, with #11 that cockpit just opened (and wants selected).
fn pulls_with_the_new_one() -> Msg {
    Msg::answer(
        resource::Answer {
            resource: resource::Pulls {
                query: "is:pr is:open author:@me repo:acme/rocket".into(),
                login: "octodemo".into(),
            },
            answer: Ok(Fetched {
                data: Found::all(vec![
                    pull(7, "Faster uploads"),
                    pull(9, "Docs for retries"),
                    pull(11, "Bump the toolchain"),
                ]),
                changed: true,
            }),
        },
        now(),
        None,
    )
}

#[test]
fn typing_narrows_enter_keeps_esc_clears() {
    table(&[
        Case {
            name: "each key narrows the list at once, any case, every word",
            focus: PanelId::Issues,
            inputs: &[Key('/'), Text("CRASH bug")],
            check: |s, _| {
                assert_eq!(shown_issues(s), [47, 12]);
                assert!(typing(s, PanelId::Issues));
                assert_eq!(s.panel_len(PanelId::Issues), 2);
            },
        },
        Case {
            name: "labels and numbers match too",
            focus: PanelId::Issues,
            inputs: &[Key('/'), Text("#42 enhance")],
            check: |s, _| assert_eq!(shown_issues(s), [42]),
        },
        Case {
            name: "typing keeps the selected row when it still shows",
            focus: PanelId::Issues,
            inputs: &[Key('j'), Key('j'), Key('/'), Text("crash")],
            check: |s, _| {
                assert_eq!(selected_issue(s), Some(12));
                assert_eq!(s.cursor(PanelId::Issues).selected, 1);
            },
        },
        Case {
            name: "a hidden selected row gives way to the next one shown",
            focus: PanelId::Issues,
            inputs: &[Key('j'), Key('/'), Text("crash")],
            check: |s, _| assert_eq!(selected_issue(s), Some(12)),
        },
        Case {
            name: "Backspace widens the list again",
            focus: PanelId::Issues,
            inputs: &[Key('/'), Text("crashx"), Code(KeyCode::Backspace)],
            check: |s, _| {
                assert_eq!(query(s, PanelId::Issues), "crash");
                assert_eq!(shown_issues(s), [47, 12]);
            },
        },
        Case {
            name: "letters that are keys elsewhere type into the prompt",
            focus: PanelId::Issues,
            inputs: &[Key('/'), Text("mcqx")],
            check: |s, fx| {
                assert_eq!(query(s, PanelId::Issues), "mcqx");
                assert!(!s.should_quit && s.modal.is_none(), "{fx:?}");
            },
        },
        Case {
            name: "Enter keeps the filter and gives the keys back to the list",
            focus: PanelId::Issues,
            inputs: &[Key('/'), Text("crash"), Code(KeyCode::Enter), Key('j')],
            check: |s, _| {
                assert!(!typing(s, PanelId::Issues));
                assert_eq!(shown_issues(s), [47, 12]);
                assert_eq!(selected_issue(s), Some(12));
            },
        },
        Case {
            name: "j stops at the last row shown",
            focus: PanelId::Issues,
            inputs: &[
                Key('/'),
                Text("crash"),
                Code(KeyCode::Enter),
                Key('G'),
                Key('j'),
            ],
            check: |s, _| {
                assert_eq!(s.cursor(PanelId::Issues).selected, 1);
                assert_eq!(selected_issue(s), Some(12));
            },
        },
        Case {
            name: "Esc while typing clears the filter and keeps the row",
            focus: PanelId::Issues,
            inputs: &[Key('/'), Text("retry"), Code(KeyCode::Esc)],
            check: |s, _| {
                assert_eq!(query(s, PanelId::Issues), "");
                assert!(!typing(s, PanelId::Issues));
                assert_eq!(shown_issues(s), [47, 42, 12]);
                assert_eq!(selected_issue(s), Some(42));
            },
        },
        Case {
            name: "Esc on a kept filter clears it",
            focus: PanelId::Issues,
            inputs: &[
                Key('/'),
                Text("old"),
                Code(KeyCode::Enter),
                Code(KeyCode::Esc),
            ],
            check: |s, _| {
                assert_eq!(query(s, PanelId::Issues), "");
                assert_eq!(selected_issue(s), Some(12));
            },
        },
        Case {
            name: "Esc on a kept filter clears it before it unzooms",
            focus: PanelId::Issues,
            inputs: &[
                Key('z'),
                Key('/'),
                Key('x'),
                Code(KeyCode::Enter),
                Code(KeyCode::Esc),
            ],
            check: |s, _| {
                assert!(s.zoom);
                assert_eq!(query(s, PanelId::Issues), "");
            },
        },
        Case {
            name: "nothing matches: no row, no selection, the title count says 0",
            focus: PanelId::Issues,
            inputs: &[Key('/'), Text("zzz"), Code(KeyCode::Enter), Key('m')],
            check: |s, fx| {
                assert_eq!(s.panel_len(PanelId::Issues), 0);
                assert_eq!(selected_issue(s), None);
                assert!(mutations(fx).is_empty(), "{fx:?}");
            },
        },
        Case {
            name: "each panel has its own filter; leaving one closes its prompt",
            focus: PanelId::Issues,
            inputs: &[Key('/'), Text("crash"), Code(KeyCode::Tab)],
            check: |s, _| {
                assert_eq!(query(s, PanelId::Issues), "crash");
                assert!(!typing(s, PanelId::Issues));
                assert_eq!(query(s, PanelId::Branches), "");
                assert_eq!(s.focus, PanelId::Branches);
            },
        },
        Case {
            name: "↓ moves the list under the open prompt",
            focus: PanelId::Issues,
            inputs: &[Key('/'), Text("crash"), Code(KeyCode::Down)],
            check: |s, _| {
                assert!(typing(s, PanelId::Issues));
                assert_eq!(selected_issue(s), Some(12));
            },
        },
        Case {
            name: "/ over an open detail goes back to the list and filters it",
            focus: PanelId::Issues,
            inputs: &[Code(KeyCode::Enter), Key('/')],
            check: |s, fx| {
                assert!(s.detail.is_none());
                assert!(typing(s, PanelId::Issues));
                assert!(!fx.is_empty(), "the detail's poller stops: {fx:?}");
            },
        },
    ]);
}

#[test]
fn actions_act_on_the_filtered_row_the_user_sees_selected() {
    table(&[
        Case {
            name: "m assigns the issue selected in the filtered list",
            focus: PanelId::Issues,
            inputs: &[Key('/'), Text("old"), Code(KeyCode::Enter), Key('m')],
            check: |_, fx| assert_eq!(mutations(fx), vec![&assign(12)]),
        },
        Case {
            name: "Enter opens the filtered row's detail",
            focus: PanelId::Issues,
            inputs: &[
                Key('/'),
                Text("retry"),
                Code(KeyCode::Enter),
                Code(KeyCode::Enter),
            ],
            check: |s, _| {
                assert!(
                    matches!(s.detail, Some(Detail::Issue { number: 42, .. })),
                    "{:?}",
                    s.detail
                );
            },
        },
        Case {
            name: "M merges the pull request selected in the filtered list",
            focus: PanelId::Pulls,
            inputs: &[Key('/'), Text("docs"), Code(KeyCode::Enter), Key('M')],
            check: |_, fx| {
                assert!(
                    fx.iter().any(|e| matches!(
                        e,
                        Effect::Prepare {
                            prepare: Prepare::Merge { number: 9 },
                            ..
                        }
                    )),
                    "{fx:?}"
                );
            },
        },
        Case {
            name: "in CI, / filters the runs and R re-runs the filtered one",
            focus: PanelId::Ci,
            inputs: &[
                Key('/'),
                Text("release"),
                Code(KeyCode::Enter),
                Key('R'),
                Key('y'),
            ],
            check: |s, fx| {
                assert_eq!(query(s, PanelId::Ci), "release");
                assert_eq!(
                    mutations(fx),
                    vec![&Mutation::Rerun {
                        run_id: 503,
                        run_number: 53,
                        only_failed: true,
                    }]
                );
            },
        },
        Case {
            name: "environments filter by name",
            focus: PanelId::Deploys,
            inputs: &[Key('/'), Text("prod"), Code(KeyCode::Enter)],
            check: |s, _| {
                assert_eq!(
                    selection::env(s).map(|e| e.env.name.as_str()),
                    Some("production")
                );
            },
        },
        Case {
            // Issues sits top left on a 160x45 grid: its rows start on line 2.
            name: "a click picks the row drawn there, not the data's row at that place",
            focus: PanelId::Issues,
            inputs: &[Key('/'), Text("crash"), Code(KeyCode::Enter), Click(5, 3)],
            check: |s, _| assert_eq!(selected_issue(s), Some(12)),
        },
    ]);
}

#[test]
fn new_data_keeps_the_selected_row() {
    table(&[
        Case {
            name: "without a filter: the row moved down, the cursor follows it",
            focus: PanelId::Issues,
            inputs: &[Key('j'), In::Msg(issues_with_a_new_one)],
            check: |s, _| {
                assert_eq!(selected_issue(s), Some(42));
                assert_eq!(s.cursor(PanelId::Issues).selected, 2);
            },
        },
        Case {
            name: "with a filter: the new row matches too, the cursor stays on its row",
            focus: PanelId::Issues,
            inputs: &[
                Key('/'),
                Text("retry"),
                Code(KeyCode::Enter),
                In::Msg(issues_with_a_new_one),
            ],
            check: |s, _| {
                assert_eq!(shown_issues(s), [50, 42]);
                assert_eq!(selected_issue(s), Some(42));
            },
        },
        Case {
            name: "the filter is applied to the new data",
            focus: PanelId::Issues,
            inputs: &[
                Key('/'),
                Text("downloads"),
                Code(KeyCode::Enter),
                In::Msg(issues_with_a_new_one),
            ],
            check: |s, _| assert_eq!(shown_issues(s), [50]),
        },
    ]);
}

/// A pull request cockpit just opened is selected when the list has it (the mutation's
/// answer sets `select_pull`; set here as it would), over the row kept and through a filter
/// that hides it.
#[test]
fn a_wanted_row_wins_over_the_kept_one_and_the_filter() {
    for filtered in [false, true] {
        let mut s = dashboard();
        s.focus = PanelId::Pulls;
        feed(&mut s, &[Key('j')]);
        if filtered {
            feed(&mut s, &[Key('/'), Text("docs"), Code(KeyCode::Enter)]);
        }
        s.select_pull = Some(11);
        feed(&mut s, &[In::Msg(pulls_with_the_new_one)]);
        assert_eq!(selection::pull(&s).map(|p| p.pr.number), Some(11));
        assert_eq!(query(&s, PanelId::Pulls), "");
    }
}
