//! Status symbols, readable without colour too.

use crate::github::models::{Conclusion, DeploymentState, RunStatus};
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
        // A fork's run held for a maintainer's approval: nothing failed, it waits.
        (RunStatus::Completed, Some(Conclusion::ActionRequired)) => ("⏸", theme.waiting()),
        (RunStatus::Completed, Some(c)) if c.is_failure() => ("✗", theme.bad()),
        (RunStatus::Completed, _) => ("?", theme.dim()),
        (RunStatus::InProgress, _) => ("●", theme.running()),
        (RunStatus::Waiting, _) => ("⏸", theme.waiting()),
        _ => ("○", theme.warn()),
    }
}

pub fn run_word(status: &RunStatus, conclusion: Option<&Conclusion>) -> String {
    let raw = match (status, conclusion) {
        (RunStatus::Completed, Some(Conclusion::ActionRequired)) => {
            Some("waits for approval".to_string())
        }
        (RunStatus::Completed, Some(c)) => serde_json::to_value(c)
            .ok()
            .and_then(|v| v.as_str().map(String::from)),
        (s, _) => serde_json::to_value(s)
            .ok()
            .and_then(|v| v.as_str().map(String::from)),
    };
    raw.unwrap_or_else(|| "unknown".into()).replace('_', " ")
}

pub fn deploy_state(state: Option<&DeploymentState>, theme: &Theme) -> (&'static str, Style) {
    use DeploymentState as S;
    match state {
        Some(S::Success) => ("✓", theme.ok()),
        Some(S::Failure | S::Error) => ("✗", theme.bad()),
        Some(S::InProgress | S::Queued | S::Pending) => ("●", theme.running()),
        Some(S::Inactive) => ("-", theme.dim()),
        Some(S::Other(_)) | None => ("?", theme.dim()),
    }
}
