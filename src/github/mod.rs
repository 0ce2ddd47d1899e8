//! Everything that talks to GitHub.

pub mod client;
pub mod dashboard;
pub mod error;
pub mod logs;
pub mod models;
pub mod ratelimit;
pub mod secret;

pub use client::{Fetched, GitHub};
pub use dashboard::Slug;
pub use error::ApiError;
pub use secret::Token;
