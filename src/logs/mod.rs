//! The log engine and viewer for CI job logs.
//!
//! - [`store`]: append-only bytes plus line offsets and per-line metadata (timestamp, kind),
//!   groups, steps and the error/warning index, built in one pass; no UI types.
//! - [`line`]: reading one GitHub Actions log line (BOM, timestamp, `##[…]` marker).
//! - [`layout`]: folds and the visible-row mapping, rebuilt when folds change.
//! - [`ansi`]: SGR colours kept as styles, every other escape sequence and control neutralised.
//! - [`search`]: regex/plain smart-case search on a background thread.
//! - [`view`]: [`LogViewState`], one method per key action.
//! - [`widget`]: [`LogView`], the ratatui widget that draws only the rows on screen.
//! - [`export`] (`s`) and [`clipboard`] (`y`): saving and copying.
//!
//! ```
//! use cockpit::logs::{LogViewState, LogView, SearchMode};
//! let mut view = LogViewState::from_bytes(b"2026-11-22T10:00:00.0000000Z ##[error]boom\n".to_vec());
//! view.next_problem();
//! view.set_search("boom", SearchMode::Plain).unwrap();
//! view.wait_search(std::time::Duration::from_secs(5));
//! assert_eq!(view.search_status().map(|s| s.hits), Some(1));
//! # let theme = cockpit::ui::Theme::mono();
//! # let _ = LogView::new(&view, theme.log_styles());
//! ```

pub mod ansi;
pub mod clipboard;
pub mod export;
pub mod layout;
pub mod line;
pub mod search;
pub mod store;
pub mod view;
pub mod widget;

pub use export::{SaveJob, SaveMode};
pub use layout::Row;
pub use line::LineKind;
pub use search::{Hit, SearchMode, Waker};
pub use store::{LogStore, StepInfo};
pub use view::{LogStatus, LogViewState, Problem, SearchJob, SearchStatus};
pub use widget::{LogStyles, LogView};
