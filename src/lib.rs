//! cockpit: a terminal cockpit for the whole delivery loop.
//!
//! The binary (`src/main.rs`) is a thin shell over this library so that the integration tests
//! can drive the same application, GitHub client and simulation the user runs.

pub mod app;
pub mod auth;
pub mod cli;
pub mod config;
pub mod demo;
pub mod doctor;
pub mod drafts;
pub mod fakehub;
pub mod git;
pub mod github;
pub mod launch;
pub mod logging;
pub mod logs;
pub mod metrics;
pub mod names;
pub mod origin;
pub mod secret;
pub mod settings;
pub mod terminal;
pub mod text;
pub mod ui;
pub mod words;
