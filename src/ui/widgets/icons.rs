//! Status symbols, readable without colour too.

use crate::github::models::{Conclusion, RunStatus};
use crate::ui::Theme;
use ratatui::style::Style;

pub fn run(
    status: &RunStatus,
    conclusion: Option<&Conclusion>,
    theme: &Theme,
) -> (&'static str, Style) {
    match (status, conclusion) {
        (RunStatus::Completed, Some(Conclusion::Success)) => ("✓", theme.ok()),
        (RunStatus::Completed, Some(Conclusion::Skipped | Conclusion::Neutral)) => {
            ("-", theme.dim())
        }
        (RunStatus::Completed, Some(Conclusion::Cancelled)) => ("⊘", theme.dim()),
        (RunStatus::Completed, Some(c)) if c.is_failure() => ("✗", theme.bad()),
        (RunStatus::Completed, _) => ("?", theme.dim()),
        (RunStatus::InProgress, _) => ("●", theme.running()),
        (RunStatus::Waiting, _) => ("⏸", theme.waiting()),
        _ => ("○", theme.warn()),
    }
}

pub fn run_word(status: &RunStatus, conclusion: Option<&Conclusion>) -> String {
    let raw = match (status, conclusion) {
        (RunStatus::Completed, Some(c)) => serde_json::to_value(c)
            .ok()
            .and_then(|v| v.as_str().map(String::from)),
        (s, _) => serde_json::to_value(s)
            .ok()
            .and_then(|v| v.as_str().map(String::from)),
    };
    raw.unwrap_or_else(|| "unknown".into()).replace('_', " ")
}

pub fn deploy_state(state: &str, theme: &Theme) -> (&'static str, Style) {
    match state {
        "success" => ("✓", theme.ok()),
        "failure" | "error" => ("✗", theme.bad()),
        "in_progress" | "queued" | "pending" => ("●", theme.running()),
        "inactive" => ("-", theme.dim()),
        _ => ("?", theme.dim()),
    }
}
