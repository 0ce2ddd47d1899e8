//! The application: pure state and `update`, plus the runtime that executes effects.
//!
//! `update(state, msg) -> Vec<Effect>` is the only place state changes. It does no I/O:
//! pollers and git work run as tasks, report back as `Msg`s, and the runtime draws once per
//! batch of messages when something changed.

pub mod commands;
pub mod deploys;
pub mod diffview;
pub mod effect;
pub mod filter;
pub mod follow;
pub mod gitops;
pub mod help;
pub mod inbox;
pub mod keymap;
pub mod layout;
pub mod live;
mod live_lookup;
pub mod logview;
pub mod modal;
pub mod msg;
pub mod mutation;
pub mod new_issue;
pub mod pager;
pub mod palette;
pub mod pollers;
pub mod prepare;
pub mod resource;
pub mod runtime;
pub mod sections;
pub mod selection;
pub mod settings;
pub mod shell;
pub mod state;
pub mod submit;
pub mod update;
pub mod watch;
pub mod work;

pub use effect::{Effect, Resource};
pub use msg::Msg;
pub use state::{AppState, Context, Detail, PanelId};
pub use update::update;
