//! Reusable pieces: the virtual table every panel is built on, status icons, the status bar
//! and the help overlay.

pub mod help;
pub mod icons;
pub mod inbox;
pub mod modal;
pub mod palette;
pub mod queue;
pub mod status;
pub mod table;
