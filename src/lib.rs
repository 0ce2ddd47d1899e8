//! cockpit: a terminal cockpit for the whole delivery loop.
//!
//! The binary (`src/main.rs`) is a thin shell over this library so that the integration tests
//! can drive the same application, GitHub client and simulation the user runs.
//!
//! # Where things are
//!
//! Imports point down this list, never up (`tests/layers.rs` holds the code to it):
//!
//! 1. Entry points: `main.rs` (the binary), [`cli`] (flags), [`launch`] (target, token,
//!    services, first state), [`settings`] (the config file checked by the layers that give it
//!    meaning, and the keymap), [`doctor`], [`demo`], [`auth`] (tokens and the `auth`
//!    commands), [`terminal`] (raw mode, the input thread).
//! 2. [`ui`]: drawing only — panels, details, widgets, the theme. `ui::drawing` is what the
//!    loop is handed to draw with.
//! 3. [`app`]: state and the pure `update`, effects and messages, pollers, the loop
//!    (`app::runtime`), where panels sit on screen (`app::layout`, shared by drawing and mouse
//!    clicks), what the app builds from the config (`app::settings`).
//! 4. Services: [`github`] (the API), [`git`] (local repository, fetch and push), [`logs`] (the
//!    log store, viewer state and widget, which takes `LogStyles`), [`metrics`], [`drafts`],
//!    [`logging`].
//! 5. [`fakehub`]: the GitHub simulator behind `--demo` and the tests; it stands on its own.
//! 6. [`config`]: the file as plain data, with located errors.
//! 7. Helpers: [`text`] (outside text made safe once where it is read: `Safe` for what is
//!    only shown, `Name` for identifiers that go back to GitHub or git), [`words`] (counts, short commit ids),
//!    [`names`] (GitHub's account and repository names), [`origin`] (where a token may go),
//!    [`secret`] (a token that does not leak).

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
