//! Everything that talks to GitHub.

pub mod client;
pub mod dashboard;
pub mod error;
pub mod graphql;
pub mod issues_write;
pub mod logs;
pub mod models;
pub mod names;
pub mod origin;
pub mod partial;
pub mod paths;
pub mod pulls;
pub mod ratelimit;
pub mod secret;
mod transport;

pub use client::{Fetched, GitHub};
pub use dashboard::Slug;
pub use error::ApiError;
pub use graphql::{graphql_url, ReviewThread, ThreadComment};
pub use issues_write::CloseReason;
pub use pulls::{MergeMethod, MergeMethods, MergeResult, NewPull, PullDetail, ReviewEvent};
pub use secret::Token;
pub mod actions;
pub mod workflow_file;
