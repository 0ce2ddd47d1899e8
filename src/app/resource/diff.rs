//! A pull request's diff: its head, its files and its review threads, fetched once per
//! opening and again after a comment from the diff.

use super::{Polled, ResourceKind};
use crate::app::diffview::{self, DiffData};
use crate::app::effect::Effect;
use crate::app::pollers::{Intervals, Services};
use crate::app::state::AppState;
use crate::app::update::note_error;
use crate::github::dashboard::Slug;
use crate::github::ApiError;
use chrono::{DateTime, Utc};
use std::time::Duration;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PullDiff {
    pub repo: Slug,
    pub number: u64,
}

impl Polled for PullDiff {
    const KIND: ResourceKind = ResourceKind::PullDiff;
    type Answer = Result<DiffData, ApiError>;

    async fn fetch(&self, s: &Services) -> Self::Answer {
        let (pr, files, threads) = tokio::join!(
            s.gh.pull(&self.repo, self.number),
            s.gh.pull_files(&self.repo, self.number),
            s.gh.review_threads(&self.repo, self.number),
        );
        let pr = pr?;
        // The files are the diff; threads that cannot be read leave it readable, with a note.
        let (threads, threads_error) = match threads {
            Ok(t) => (t, None),
            Err(e) => (Vec::new(), Some(e.to_string())),
        };
        Ok(DiffData {
            head_sha: pr.head.sha,
            title: pr.title,
            files: files?,
            threads,
            threads_error,
        })
    }

    fn pace(&self, _: &Self::Answer, _: &Intervals) -> Option<Duration> {
        None
    }

    fn apply(self, state: &mut AppState, at: DateTime<Utc>, answer: Self::Answer) -> Vec<Effect> {
        let err = diffview::arrived(state, &self.repo, self.number, at, answer);
        note_error(state, at, "diff", err);
        Vec::new()
    }
}
