//! What reaches `update`: the user's input, the clock, and results from background work.

use super::resource::{Answer, Arrival, Polled};
use crate::github::ratelimit::RateLimit;
use crate::github::ApiError;
use chrono::{DateTime, Utc};
use ratatui::crossterm::event::Event;

#[derive(Debug)]
pub enum Msg {
    Input(Event),
    /// The wall clock moved (elapsed timers, ages). Only sent while something on screen changes with time.
    Tick(DateTime<Utc>),
    /// A poller's answer with its resource; applying it drops one no longer shown.
    Data {
        at: DateTime<Utc>,
        answer: Box<dyn Arrival>,
        rate: Option<RateLimit>,
        /// The search API's budget (its own, 30 a minute), when a search answered.
        search_rate: Option<RateLimit>,
    },
    /// The runtime could not do something the user asked (open a browser, …).
    Failed(String),
    /// A prepared form or confirmation, or why it cannot be offered, for the request of
    /// `generation` (`AppState::modal_generation` when it was asked for).
    Prepared {
        generation: u64,
        /// The repository it was prepared for: what the form ends in changes that one.
        repo: Option<crate::github::Slug>,
        result: Result<super::modal::Modal, String>,
    },
    Mutated {
        id: u64,
        /// The repository it changed (as the effect named it): what follows, a followed run
        /// or an awaited merge, is looked for there.
        repo: Option<crate::github::Slug>,
        mutation: super::mutation::Mutation,
        result: Result<super::mutation::Done, ApiError>,
    },
    GitProgress {
        id: u64,
        text: String,
    },
    /// A job's whole log arrived, or could not be had.
    LogChunk {
        job_id: u64,
        bytes: Result<Vec<u8>, ApiError>,
    },
    /// The log search thread has news: poll it.
    LogSearch,
    /// A saved log or a copy finished (or failed), for a toast.
    Done(Result<String, String>),
    GitDone {
        id: u64,
        op: super::effect::GitOp,
        result: Result<GitSuccess, String>,
    },
    /// An answer for the live cache (where is it live).
    Live {
        repo: crate::github::Slug,
        answer: super::live::Answer,
    },
    /// One of the user's commands finished (or could not start).
    CommandDone {
        name: String,
        output: crate::config::CommandOutput,
        result: Result<super::commands::Captured, String>,
    },
}

/// What finished git work says, for a toast.
#[derive(Debug)]
pub struct GitSuccess {
    pub message: String,
    /// After a push: what it sent, read from the push itself (the branch list may not have
    /// seen the commit or the new upstream yet).
    pub pushed: Option<crate::git::PushOutcome>,
}

impl From<String> for GitSuccess {
    fn from(message: String) -> Self {
        GitSuccess {
            message,
            pushed: None,
        }
    }
}

impl Msg {
    /// The message carrying `answer`, polled `at`.
    pub fn answer<R: Polled>(answer: Answer<R>, at: DateTime<Utc>, rate: Option<RateLimit>) -> Msg {
        Msg::Data {
            at,
            answer: Box::new(answer),
            rate,
            search_rate: None,
        }
    }
}
