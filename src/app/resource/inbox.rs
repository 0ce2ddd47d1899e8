//! The notifications inbox, polled whenever there is a token, and the one-off look-up of a
//! notification's target when the user opens it (so a target that is gone says so instead of
//! opening an empty detail).

use super::{Polled, ResourceKind};
use crate::app::effect::Effect;
use crate::app::pollers::{Intervals, Services};
use crate::app::state::AppState;
use crate::github::notifications::{Inbox, Target, Thread};
use crate::github::{ApiError, Fetched, Slug};
use chrono::{DateTime, Utc};
use std::hash::{Hash, Hasher};
use std::time::Duration;

/// The account's notification threads.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Notifications;

impl Polled for Notifications {
    const KIND: ResourceKind = ResourceKind::Notifications;
    type Answer = Result<Inbox, ApiError>;

    async fn fetch(&self, s: &Services) -> Self::Answer {
        s.gh.notifications().await
    }

    /// Never sooner than GitHub's `X-Poll-Interval`, whatever the config asks.
    fn pace(&self, answer: &Self::Answer, iv: &Intervals) -> Option<Duration> {
        let asked = answer.as_ref().ok().and_then(|a| a.poll_interval);
        Some(asked.map_or(iv.notifications, |p| p.max(iv.notifications)))
    }

    fn apply(self, state: &mut AppState, at: DateTime<Utc>, answer: Self::Answer) -> Vec<Effect> {
        let inbox = &mut state.inbox;
        // A 304 keeps the threads shown: they carry what was done here (read, done) before
        // GitHub's Last-Modified may say so. Only this poller reads /notifications and it
        // applies every answer, so its 304 does mean "what is shown".
        let answer = answer.map(|a| match (a.changed, inbox.threads.data.take()) {
            (false, Some(shown)) => shown,
            _ => a.threads,
        });
        // An account without access to notifications (a fine-grained token) loses only this
        // view: the reason stays in it, not in the status bar.
        let _ = crate::app::update::store(
            &mut inbox.threads,
            answer.map(|data| Fetched {
                data,
                changed: true,
            }),
            at,
        );
        let len = inbox.len();
        inbox.cursor.clamp(len);
        Vec::new()
    }
}

/// What a notification's target turned out to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    Pull(u64),
    Issue(u64),
    Run(u64),
    /// A CI notification whose run is no longer listed.
    NoRun,
}

/// Looks up the target of `thread` in `repo`, once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotificationTarget {
    pub repo: Slug,
    pub thread: Thread,
}

impl Hash for NotificationTarget {
    fn hash<H: Hasher>(&self, h: &mut H) {
        self.repo.hash(h);
        self.thread.id.hash(h);
    }
}

impl Polled for NotificationTarget {
    const KIND: ResourceKind = ResourceKind::NotificationTarget;
    type Answer = Result<Found, ApiError>;

    async fn fetch(&self, s: &Services) -> Self::Answer {
        let repo = &self.repo;
        match self.thread.target() {
            Target::Pull(n) => s.gh.pull(repo, n).await.map(|p| Found::Pull(p.number)),
            Target::Issue(n) => {
                s.gh.issue(repo, n)
                    .await
                    .map(|i| Found::Issue(i.data.number))
            }
            Target::CheckSuite(_) => Ok(s
                .gh
                .run_of_thread(repo, &self.thread)
                .await?
                .map_or(Found::NoRun, |r| Found::Run(r.id))),
            Target::Elsewhere => Ok(Found::NoRun),
        }
    }

    fn pace(&self, _: &Self::Answer, _: &Intervals) -> Option<Duration> {
        None
    }

    fn apply(self, state: &mut AppState, _: DateTime<Utc>, answer: Self::Answer) -> Vec<Effect> {
        let mut fx = vec![Effect::Stop(ResourceKind::NotificationTarget)];
        fx.extend(crate::app::inbox::target_found(
            state,
            self.repo,
            self.thread,
            answer,
        ));
        fx
    }
}
