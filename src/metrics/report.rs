//! `cockpit metrics`: the delivery metrics of every environment, as a table or as JSON for
//! scripts (the same figures the Deploys detail shows).

use super::compute::EnvMetrics;
use super::{duration_label, environment_metrics, frequency_label, rate_label};
use crate::github::{ApiError, GitHub, Slug};
use chrono::Utc;

/// Why `cockpit metrics` has no figures to print.
#[derive(Debug, thiserror::Error)]
pub enum MetricsError {
    #[error(transparent)]
    Api(#[from] ApiError),
    /// `--environment` names none of the repository's environments: an empty table would look
    /// like an environment without deployments.
    #[error("{repo} has no environment named {name:?}; {}", known_list(known))]
    UnknownEnvironment {
        repo: String,
        name: String,
        known: Vec<String>,
    },
}

fn known_list(known: &[String]) -> String {
    if known.is_empty() {
        "it has no environments".into()
    } else {
        format!("it has: {}", known.join(", "))
    }
}

pub async fn collect(
    gh: &GitHub,
    slug: &Slug,
    only: Option<&str>,
    window_days: i64,
) -> Result<Vec<EnvMetrics>, MetricsError> {
    let envs = gh.environments(slug).await?.data;
    if let Some(name) = only.filter(|o| !envs.iter().any(|e| e.name == *o)) {
        return Err(MetricsError::UnknownEnvironment {
            repo: slug.full_name(),
            name: crate::text::sanitize_line(name),
            known: envs
                .iter()
                .map(|e| crate::text::sanitize_line(&e.name))
                .collect(),
        });
    }
    let now = Utc::now();
    let mut out = Vec::new();
    for e in envs.iter().filter(|e| only.is_none_or(|o| o == e.name)) {
        out.push(environment_metrics(gh, slug, &e.name, now, window_days).await?);
    }
    Ok(out)
}

pub fn table(metrics: &[EnvMetrics]) -> String {
    let mut s = format!(
        "{:<14} {:>12} {:>10} {:>10} {:>10} {:>8}\n",
        "environment", "frequency", "lead time", "failure", "restore", "deploys"
    );
    for m in metrics {
        s.push_str(&format!(
            "{:<14} {:>12} {:>10} {:>10} {:>10} {:>8}\n",
            crate::text::sanitize_line(&m.environment),
            frequency_label(m.deployment_frequency_per_day),
            duration_label(m.lead_time_median_secs),
            rate_label(m.change_failure_rate),
            duration_label(m.time_to_restore_median_secs),
            m.deployments
        ));
    }
    if let Some(m) = metrics.first() {
        s.push_str(&format!(
            "window: last {} (to {})\n",
            crate::words::count(m.window_days.max(0) as u64, "day"),
            m.window_end.format("%Y-%m-%d %H:%M UTC")
        ));
    }
    s
}
