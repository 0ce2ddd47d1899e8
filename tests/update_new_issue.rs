//! The new-issue form through `update` alone (pure, like `update_flows`): its draft saved as
//! it is typed, the change going to the repository the form was prepared for — also when it
//! is sent again after a failure —, the form back with the reason, and the new issue selected
//! when the list shows it.

use chrono::{DateTime, TimeZone, Utc};
use cockpit::app::effect::{Effect, Prepare, ResourceKind};
use cockpit::app::keymap::Keymap;
use cockpit::app::modal::Modal;
use cockpit::app::mutation::{Done, Mutation};
use cockpit::app::resource;
use cockpit::app::state::{AppState, Context, Loaded, PanelId};
use cockpit::app::{new_issue, selection, update, Msg};
use cockpit::github::dashboard::Slug;
use cockpit::github::issues_write::NewIssue;
use cockpit::github::models::Issue;
use cockpit::github::search::Found;
use cockpit::github::{ApiError, Fetched};
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use serde_json::json;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, 10, 0, 0)
        .single()
        .expect("valid date")
}

fn slug(s: &str) -> Slug {
    Slug::parse(s).expect("slug")
}

fn issue(number: u64, repo: &str) -> Issue {
    serde_json::from_value(json!({
        "number": number, "title": format!("Issue {number}"), "state": "open",
        "created_at": "2026-11-01T10:00:00Z",
        "repository_url": format!("https://api.github.com/repos/{repo}"),
        "html_url": format!("https://github.com/{repo}/issues/{number}"),
    }))
    .expect("issue")
}

fn issues(list: Vec<Issue>, at: DateTime<Utc>) -> Msg {
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
        at,
        None,
    )
}

fn key(s: &mut AppState, code: KeyCode, mods: KeyModifiers) -> Vec<Effect> {
    update(
        s,
        &Keymap::default(),
        Msg::Input(Event::Key(KeyEvent::new(code, mods))),
    )
}

fn typed(s: &mut AppState, text: &str) -> Vec<Effect> {
    text.chars()
        .flat_map(|c| key(s, KeyCode::Char(c), KeyModifiers::NONE))
        .collect()
}

fn form_error(s: &AppState) -> Option<String> {
    match &s.modal {
        Some(Modal::Form(f)) => f.error.clone(),
        _ => None,
    }
}

/// The dashboard of acme/rocket watching acme/infra, the Issues panel showing an issue of each;
/// the cursor on acme/infra's.
fn dashboard() -> AppState {
    let mut s = AppState::new(
        Context {
            repo: Some(slug("acme/rocket")),
            has_token: true,
            ..Context::default()
        },
        now(),
        (120, 40),
    );
    s.login = Some("octodemo".into());
    s.issues = Loaded {
        data: Some(vec![issue(47, "acme/rocket"), issue(7, "acme/infra")]),
        updated: Some(now()),
        ..Loaded::default()
    };
    s.cursor_mut(PanelId::Issues).selected = 1;
    s
}

#[test]
fn a_new_issue_goes_to_its_repository_keeps_its_draft_and_is_selected_once_listed() {
    let mut s = dashboard();
    let infra = slug("acme/infra");
    let draft_key = new_issue::draft_key("acme/infra");

    // n: the form is prepared for the selected row's repository, from no draft.
    let fx = key(&mut s, KeyCode::Char('n'), KeyModifiers::NONE);
    let generation = match fx.as_slice() {
        [Effect::Prepare {
            generation,
            repo,
            prepare: Prepare::NewIssue { draft },
        }] => {
            assert_eq!(repo.as_ref(), Some(&infra));
            assert_eq!(draft.title, "");
            *generation
        }
        other => panic!("{other:?}"),
    };
    let form = new_issue::form(
        &infra,
        Default::default(),
        Ok(vec!["bug".into(), "ops".into()]),
        Err("403 Forbidden".into()),
    );
    update(
        &mut s,
        &Keymap::default(),
        Msg::Prepared {
            generation,
            repo: Some(infra.clone()),
            result: Ok(Modal::Form(Box::new(form))),
        },
    );

    // An empty title is refused; the form stays.
    let fx = key(&mut s, KeyCode::Char('s'), KeyModifiers::CONTROL);
    assert!(fx.is_empty(), "{fx:?}");
    assert_eq!(form_error(&s).as_deref(), Some("Title is required"));

    // Typing saves the draft.
    let fx = typed(&mut s, "Rotate keys");
    assert!(
        fx.iter()
            .any(|e| matches!(e, Effect::SaveDraft { key, text }
            if *key == draft_key && text.contains("Rotate keys"))),
        "{fx:?}"
    );
    // Enter moves to the body, Tab to the labels: bug ticked.
    key(&mut s, KeyCode::Enter, KeyModifiers::NONE);
    typed(&mut s, "Yearly.");
    key(&mut s, KeyCode::Tab, KeyModifiers::NONE);
    key(&mut s, KeyCode::Char(' '), KeyModifiers::NONE);

    let sent = |s: &mut AppState| -> (Option<Slug>, Mutation) {
        let fx = key(s, KeyCode::Char('s'), KeyModifiers::CONTROL);
        fx.into_iter()
            .find_map(|e| match e {
                Effect::Mutate { repo, mutation, .. } => Some((repo, mutation)),
                _ => None,
            })
            .expect("a change starts")
    };
    // The prepared form set the acting repository: it goes to acme/infra.
    let (repo, mutation) = sent(&mut s);
    assert_eq!(repo.as_ref(), Some(&infra));
    let Mutation::CreateIssue { new, .. } = &mutation else {
        panic!("{mutation:?}");
    };
    assert_eq!(new.title, "Rotate keys");
    assert_eq!(new.body, "Yearly.");
    assert_eq!(new.labels, vec!["bug".to_string()]);
    assert!(s.modal.is_none());

    // GitHub refuses: the form comes back as it was, with the reason. (The user acted in
    // acme/rocket meanwhile.)
    s.acting_repo = Some(slug("acme/rocket"));
    update(
        &mut s,
        &Keymap::default(),
        Msg::Mutated {
            id: 1,
            repo: Some(infra.clone()),
            mutation: mutation.clone(),
            result: Err(ApiError::Server { status: 502 }),
        },
    );
    let why = form_error(&s).expect("the form is back");
    assert!(why.starts_with("Could not open the issue"), "{why}");
    assert!(s.drafts[&draft_key].contains("Rotate keys"));
    // Sent again, it goes where the failed one went.
    let (repo, mutation) = sent(&mut s);
    assert_eq!(repo.as_ref(), Some(&infra));

    // Opened: the draft goes, the issues list refreshes, the issue is selected when listed.
    s.cursor_mut(PanelId::Issues).selected = 0;
    let fx = update(
        &mut s,
        &Keymap::default(),
        Msg::Mutated {
            id: 2,
            repo: Some(infra.clone()),
            mutation,
            result: Ok(Done {
                message: "Opened issue #8".into(),
                started_run: None,
                created_pull: None,
                merged_sha: None,
                created_issue: Some(8),
            }),
        },
    );
    assert!(
        fx.contains(&Effect::Refresh(vec![ResourceKind::Issues])),
        "{fx:?}"
    );
    assert!(fx.contains(&Effect::DeleteDraft {
        key: draft_key.clone()
    }));
    assert!(!s.drafts.contains_key(&draft_key));
    let later = now() + chrono::Duration::seconds(5);
    update(
        &mut s,
        &Keymap::default(),
        issues(
            vec![
                issue(8, "acme/infra"),
                issue(47, "acme/rocket"),
                issue(7, "acme/infra"),
            ],
            later,
        ),
    );
    assert_eq!(selection::issue(&s).map(|i| i.number), Some(8));
}

#[test]
fn esc_keeps_a_draft_and_says_so_an_empty_form_leaves_none() {
    let mut s = dashboard();
    s.cursor_mut(PanelId::Issues).selected = 0;
    let rocket = slug("acme/rocket");
    let open = |s: &mut AppState, draft| {
        s.acting_repo = Some(rocket.clone());
        let form = new_issue::form(&rocket, draft, Ok(vec![]), Ok(vec!["octodemo".into()]));
        s.open_modal(Modal::Form(Box::new(form)));
    };
    open(&mut s, Default::default());
    key(&mut s, KeyCode::Esc, KeyModifiers::NONE);
    assert!(s.modal.is_none());
    assert!(s.toast.is_none(), "nothing to keep: {:?}", s.toast);

    open(&mut s, Default::default());
    // Ticking an assignee is worth keeping too.
    key(&mut s, KeyCode::BackTab, KeyModifiers::NONE);
    let fx = key(&mut s, KeyCode::Char(' '), KeyModifiers::NONE);
    assert!(
        fx.iter().any(|e| matches!(e, Effect::SaveDraft { .. })),
        "{fx:?}"
    );
    key(&mut s, KeyCode::Esc, KeyModifiers::NONE);
    assert!(s
        .toast
        .as_ref()
        .is_some_and(|t| t.text.starts_with("Draft kept")));
    let kept = new_issue::decode(&s.drafts[&new_issue::draft_key("acme/rocket")]);
    assert_eq!(kept.assignees, vec!["octodemo".to_string()]);
    // The draft's choices are offered again even when the repository's cannot be read.
    let form = new_issue::form(&rocket, kept, Ok(vec![]), Err("timed out".into()));
    assert_eq!(new_issue::from_form(&form).assignees, vec!["octodemo"]);
    assert!(form.intro.iter().any(|l| l.contains("could not be read")));
}

#[test]
fn a_label_goes_to_github_as_it_is_named_and_is_shown_without_its_escapes() {
    let rocket = slug("acme/rocket");
    // A variation selector belongs to the label's name; the escape sequence must not reach
    // the screen. Sanitising the name for GitHub would name another label.
    let raw = "\u{26a0}\u{fe0f} triage\u{1b}[2J";
    let form = new_issue::form(
        &rocket,
        NewIssue {
            title: "Flaky".into(),
            labels: vec![raw.into()],
            ..Default::default()
        },
        Ok(vec![raw.into(), "bug".into()]),
        Ok(vec![]),
    );
    let labels: Vec<&str> = form
        .fields
        .iter()
        .map(|f| f.label.as_str())
        .filter(|l| l.starts_with("label "))
        .collect();
    assert_eq!(labels, ["label \u{26a0} triage", "label bug"]);
    assert_eq!(new_issue::from_form(&form).labels, vec![raw.to_string()]);
}
