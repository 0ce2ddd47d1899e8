//! Everything that talks to GitHub.

pub mod client;
pub mod dashboard;
pub mod diff;
pub mod error;
pub mod graphql;
pub mod issues_write;
pub mod logs;
pub mod models;
pub mod notifications;
pub mod partial;
pub mod paths;
pub mod pr_actions;
pub mod pulls;
pub mod ratelimit;
pub mod search;
mod transport;

// The rules of names, origins and secrets sit below `github` (git and the config use them too);
// they stay reachable here under their old paths.
pub use crate::{names, origin, secret};

pub use client::{Fetched, GitHub};
pub use dashboard::Slug;
pub use error::ApiError;
pub use graphql::{graphql_url, ReviewThread, ThreadComment};
pub use issues_write::CloseReason;
pub use pulls::{MergeMethod, MergeMethods, MergeResult, NewPull, PullDetail, ReviewEvent};
pub use secret::Token;
pub mod actions;
pub mod workflow_file;
