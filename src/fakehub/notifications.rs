//! Notification threads, as GitHub would have sent them for what happens in the world: a review
//! requested of the viewer, an issue assigned to them by someone else, a comment naming
//! `@them`, a workflow run that ended on a pull request of theirs. The scenario may seed more
//! (one whose target is gone, for one). What the world keeps is each thread's id and what
//! the account did with it (read, done); the threads themselves are derived at each request,
//! so a run ending or a review request shows up by itself.

use std::collections::{BTreeMap, BTreeSet};

use super::world::{run_view, Repo, Time, World};

/// What the account did with a thread, by thread key.
#[derive(Clone, Debug, Default)]
pub struct ThreadState {
    pub id: u64,
    pub last_read_at: Option<Time>,
    pub done_at: Option<Time>,
}

/// A thread the scenario seeded for `login`.
#[derive(Clone, Debug)]
pub struct Seeded {
    pub login: String,
    pub repo: String,
    pub reason: String,
    pub kind: String,
    pub number: u64,
    pub title: String,
    pub updated_at: Time,
    pub unread: bool,
}

#[derive(Clone, Debug, Default)]
pub struct Notifications {
    /// By `login key`: threads are per account.
    pub threads: BTreeMap<String, ThreadState>,
    pub seeded: Vec<Seeded>,
    next_id: u64,
    /// The last change the account made (read, done): the list changed then too.
    pub changed_at: Option<Time>,
    /// `X-Poll-Interval` in seconds, when a test asks for another than GitHub's 60.
    pub poll_interval: Option<u64>,
}

impl super::FakeHub {
    /// Makes `/notifications` ask clients to wait `secs` between polls (GitHub says 60).
    pub fn set_notifications_poll_interval(&self, secs: u64) {
        self.shared.world().notifications.poll_interval = Some(secs);
    }
}

/// One thread as derived from the world.
#[derive(Clone, Debug)]
pub struct Derived {
    pub key: String,
    pub repo: usize,
    pub reason: &'static str,
    pub kind: &'static str,
    pub title: String,
    /// The subject's API path below the root, e.g. `/repos/acme/rocket/pulls/43`.
    pub path: String,
    pub updated_at: Time,
}

/// A listed thread: the derived one with its state.
#[derive(Clone, Debug)]
pub struct Listed {
    pub thread: Derived,
    pub id: u64,
    pub unread: bool,
    pub last_read_at: Option<Time>,
}

const FIRST_ID: u64 = 8_100_000_001;

impl Notifications {
    fn state(&mut self, login: &str, key: &str) -> &mut ThreadState {
        let next = &mut self.next_id;
        self.threads
            .entry(format!("{login} {key}"))
            .or_insert_with(|| {
                *next = (*next).max(FIRST_ID) + 1;
                ThreadState {
                    id: *next - 1,
                    ..ThreadState::default()
                }
            })
    }

    /// The state of thread `id` of `login`, if it is theirs.
    pub fn by_id(&mut self, login: &str, id: u64) -> Option<&mut ThreadState> {
        let prefix = format!("{login} ");
        self.threads
            .iter_mut()
            .find(|(k, s)| s.id == id && k.starts_with(&prefix))
            .map(|(_, s)| s)
    }
}

impl World {
    /// The threads of `login` at `now`, done ones left out, newest first.
    pub(crate) fn notification_threads(&mut self, login: &str, now: Time) -> Vec<Listed> {
        let derived = self.derive_threads(login, now);
        // Once per request, not once per thread: the list grows with the whole world.
        let seeded_read: BTreeSet<String> = self
            .notifications
            .seeded
            .iter()
            .filter(|s| s.login == login && !s.unread)
            .map(seeded_key)
            .collect();
        let mut out = Vec::new();
        for d in derived {
            let st = self.notifications.state(login, &d.key);
            if seeded_read.contains(&d.key) && st.last_read_at.is_none() {
                st.last_read_at = Some(d.updated_at);
            }
            if st.done_at.is_some_and(|t| t >= d.updated_at) {
                continue;
            }
            let unread = st.last_read_at.is_none_or(|t| t < d.updated_at);
            out.push(Listed {
                id: st.id,
                unread,
                last_read_at: st.last_read_at,
                thread: d,
            });
        }
        out.sort_by_key(|t| std::cmp::Reverse(t.thread.updated_at));
        out
    }

    fn derive_threads(&self, login: &str, now: Time) -> Vec<Derived> {
        let mut out = Vec::new();
        for (k, repo) in self.repos.iter().enumerate() {
            if !repo.can_read(Some(login)) {
                continue;
            }
            issue_threads(k, repo, login, now, &mut out);
            self.ci_threads(k, repo, login, now, &mut out);
        }
        for s in self
            .notifications
            .seeded
            .iter()
            .filter(|s| s.login == login)
        {
            let Some(k) = self.repos.iter().position(|r| r.full_name() == s.repo) else {
                continue;
            };
            if s.updated_at > now {
                continue;
            }
            let collection = if s.kind == "PullRequest" {
                "pulls"
            } else {
                "issues"
            };
            out.push(Derived {
                key: seeded_key(s),
                repo: k,
                reason: known_reason(&s.reason),
                kind: if s.kind == "PullRequest" {
                    "PullRequest"
                } else {
                    "Issue"
                },
                title: s.title.clone(),
                path: format!("/repos/{}/{collection}/{}", s.repo, s.number),
                updated_at: s.updated_at,
            });
        }
        out
    }

    /// The latest ended run of each workflow on each branch of an open pull request `login`
    /// opened: GitHub's "CI activity".
    fn ci_threads(&self, k: usize, repo: &Repo, login: &str, now: Time, out: &mut Vec<Derived>) {
        let mine: BTreeSet<&str> = repo
            .issues
            .values()
            .filter(|i| i.user == login && i.state == "open")
            .filter_map(|i| i.pull.as_ref().map(|p| p.head.as_str()))
            .collect();
        let mut latest: BTreeMap<(u64, &str), Derived> = BTreeMap::new();
        for run in repo
            .runs
            .iter()
            .filter(|r| mine.contains(r.branch.as_str()))
        {
            if run.created_at > now {
                continue;
            }
            let view = run_view(repo, run, now);
            if view.status != "completed" {
                continue;
            }
            let Some(wf) = repo.workflow(run.workflow_id) else {
                continue;
            };
            let outcome = match view.conclusion {
                Some("success") => "succeeded",
                Some("failure") => "failed",
                Some("cancelled") => "cancelled",
                _ => "completed",
            };
            let d = Derived {
                key: format!("{} suite {} {}", repo.id, wf.id, run.branch),
                repo: k,
                reason: "ci_activity",
                kind: "CheckSuite",
                title: format!(
                    "{} workflow run {outcome} for {} branch",
                    wf.name, run.branch
                ),
                path: format!(
                    "/repos/{}/check-suites/{}",
                    repo.full_name(),
                    run.latest().check_suite_id
                ),
                updated_at: view.updated_at,
            };
            let slot = latest
                .entry((wf.id, run.branch.as_str()))
                .or_insert(d.clone());
            if d.updated_at > slot.updated_at {
                *slot = d;
            }
        }
        out.extend(latest.into_values());
    }
}

/// Review requests, assignments by others and mentions in comments: one thread per issue or
/// pull request, with the reason that matters most.
fn issue_threads(k: usize, repo: &Repo, login: &str, now: Time, out: &mut Vec<Derived>) {
    let mention = format!("@{login}");
    for issue in repo.issues.values().filter(|i| i.state == "open") {
        if issue.created_at > now {
            continue;
        }
        let mentioned = issue
            .comments
            .iter()
            .filter(|c| c.user != login && c.created_at <= now && c.body.contains(&mention))
            .map(|c| c.created_at)
            .max();
        let reason = match &issue.pull {
            Some(p) if p.requested_reviewers.iter().any(|r| r == login) => "review_requested",
            _ if mentioned.is_some() => "mention",
            _ if issue.assignees.iter().any(|a| a == login) && issue.user != login => "assign",
            _ => continue,
        };
        let (kind, collection) = if issue.pull.is_some() {
            ("PullRequest", "pulls")
        } else {
            ("Issue", "issues")
        };
        out.push(Derived {
            key: format!("{} issue {}", repo.id, issue.number),
            repo: k,
            reason,
            kind,
            title: issue.title.clone(),
            path: format!("/repos/{}/{collection}/{}", repo.full_name(), issue.number),
            updated_at: mentioned.map_or(issue.updated_at, |m| m.max(issue.updated_at)),
        });
    }
}

fn seeded_key(s: &Seeded) -> String {
    format!("seeded {} {}", s.repo, s.number)
}

/// GitHub's reasons as static text (a seeded one GitHub does not have reads as `subscribed`).
fn known_reason(r: &str) -> &'static str {
    const REASONS: [&str; 15] = [
        "approval_requested",
        "assign",
        "author",
        "ci_activity",
        "comment",
        "invitation",
        "manual",
        "member_feature_requested",
        "mention",
        "review_requested",
        "security_advisory_credit",
        "security_alert",
        "state_change",
        "subscribed",
        "team_mention",
    ];
    REASONS
        .into_iter()
        .find(|x| *x == r)
        .unwrap_or("subscribed")
}
