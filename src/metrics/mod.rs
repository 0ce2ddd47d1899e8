//! Delivery (DORA) metrics per environment: fetch the history, turn it into records, compute.

pub mod compute;
pub mod json;
pub mod report;

use crate::github::models::{Deployment, DeploymentStatus};
use crate::github::{ApiError, GitHub, Slug};
use chrono::{DateTime, Duration, Utc};
use compute::{DeployRecord, EnvMetrics, Outcome};
use futures_util::future::join_all;

/// How far before the window history is read at most: the first deployment in the window
/// needs the success before it (its baseline) to know which commits it carried, and history
/// is read back until that one is found, but no further than this.
pub const MAX_BASELINE_DAYS: i64 = 365;

fn is_marked_rollback(d: &Deployment) -> bool {
    let flagged = d
        .payload
        .as_ref()
        .and_then(|p| p.get("rollback"))
        .and_then(|v| v.as_bool())
        .unwrap_or(false);
    let described = d
        .description
        .as_deref()
        .is_some_and(|s| s.trim_start().to_ascii_lowercase().starts_with("rollback"));
    flagged || described
}

/// Turns a history (any order) into records, oldest first, without commit times yet.
pub fn records(history: Vec<(Deployment, Vec<DeploymentStatus>)>) -> Vec<DeployRecord> {
    let mut history = history;
    history.sort_by_key(|(d, _)| d.created_at);
    let mut out: Vec<DeployRecord> = Vec::new();
    for (d, mut statuses) in history {
        statuses.sort_by_key(|s| s.created_at);
        let outcome = statuses
            .iter()
            .find_map(|s| Outcome::from_state(&s.state).map(|o| (o, s.created_at)));
        let last_success_sha = out
            .iter()
            .rev()
            .find(|r| matches!(r.outcome, Some((Outcome::Success, _))))
            .map(|r| r.sha.clone());
        // Redeploying a sha that was live before, other than the one live now, goes back.
        let redeploys_older = last_success_sha.as_deref() != Some(d.sha.as_str())
            && out
                .iter()
                .any(|r| r.sha == d.sha && matches!(r.outcome, Some((Outcome::Success, _))));
        out.push(DeployRecord {
            id: d.id,
            sha: d.sha.clone(),
            created_at: d.created_at,
            outcome,
            rollback: is_marked_rollback(&d) || redeploys_older,
            commit_times: Vec::new(),
        });
    }
    out
}

/// Fills in commit times: for each successful deployment, the commits between the previous
/// successful deployment's sha and its own (compare API). The first one has no baseline.
async fn add_commit_times(
    gh: &GitHub,
    slug: &Slug,
    recs: &mut [DeployRecord],
) -> Result<(), ApiError> {
    let mut pairs = Vec::new();
    let mut prev_sha: Option<String> = None;
    for (i, r) in recs.iter().enumerate() {
        if !matches!(r.outcome, Some((Outcome::Success, _))) {
            continue;
        }
        if let Some(p) = &prev_sha {
            if *p != r.sha && !r.rollback {
                pairs.push((i, p.clone(), r.sha.clone()));
            }
        }
        prev_sha = Some(r.sha.clone());
    }
    let results = join_all(
        pairs
            .iter()
            .map(|(_, base, head)| gh.compare(slug, base, head)),
    )
    .await;
    for ((i, _, _), res) in pairs.iter().zip(results) {
        let cmp = match res {
            Ok(c) => c,
            // A sha that is gone (force-push) loses its lead time, not the whole report.
            Err(ApiError::NotFound { .. }) => continue,
            Err(e) => return Err(e),
        };
        if matches!(
            cmp.status,
            crate::github::models::CompareStatus::Ahead
                | crate::github::models::CompareStatus::Diverged
        ) {
            recs[*i].commit_times = cmp
                .commits
                .iter()
                .map(|c| c.commit.committer.date)
                .collect();
        }
    }
    Ok(())
}

/// Where the window ending at `end` starts.
pub fn window_start(end: DateTime<Utc>, window_days: i64) -> DateTime<Utc> {
    end - Duration::days(window_days.max(1))
}

/// The deployments of a window, and before them back to the last success (the baseline of
/// the window's first deployment), at most [`MAX_BASELINE_DAYS`] before the window.
pub async fn window_history(
    gh: &GitHub,
    slug: &Slug,
    environment: &str,
    window_end: DateTime<Utc>,
    window_days: i64,
) -> Result<Vec<(Deployment, Vec<DeploymentStatus>)>, ApiError> {
    let start = window_start(window_end, window_days);
    let floor = start - Duration::days(MAX_BASELINE_DAYS);
    gh.deployment_history_with_baseline(slug, environment, start, floor)
        .await
}

/// Distinct shas of the deployments that succeeded, newest first: the live one, then the
/// one before it.
pub fn successful_shas(history: &[(Deployment, Vec<DeploymentStatus>)]) -> Vec<String> {
    let mut good: Vec<&(Deployment, Vec<DeploymentStatus>)> = history
        .iter()
        .filter(|(_, st)| {
            st.iter()
                .any(|s| s.state == crate::github::models::DeploymentState::Success)
        })
        .collect();
    good.sort_by_key(|(d, _)| std::cmp::Reverse(d.created_at));
    let mut shas: Vec<String> = Vec::new();
    for (d, _) in good {
        if !shas.contains(&d.sha) {
            shas.push(d.sha.clone());
        }
    }
    shas
}

/// The metrics of a history already fetched ([`window_history`]).
pub async fn from_history(
    gh: &GitHub,
    slug: &Slug,
    environment: &str,
    history: Vec<(Deployment, Vec<DeploymentStatus>)>,
    window_end: DateTime<Utc>,
    window_days: i64,
) -> Result<EnvMetrics, ApiError> {
    let mut recs = records(history);
    add_commit_times(gh, slug, &mut recs).await?;
    Ok(compute::compute(
        environment,
        &recs,
        window_end,
        window_days,
    ))
}

pub async fn environment_metrics(
    gh: &GitHub,
    slug: &Slug,
    environment: &str,
    window_end: DateTime<Utc>,
    window_days: i64,
) -> Result<EnvMetrics, ApiError> {
    let history = window_history(gh, slug, environment, window_end, window_days).await?;
    from_history(gh, slug, environment, history, window_end, window_days).await
}

/// "3.2/day", "4/week", "none".
pub fn frequency_label(per_day: f64) -> String {
    if per_day <= 0.0 {
        "none".into()
    } else if per_day >= 1.0 {
        format!("{per_day:.1}/day")
    } else {
        format!("{:.1}/week", per_day * 7.0)
    }
}

pub fn duration_label(secs: Option<i64>) -> String {
    match secs {
        None => "—".into(),
        Some(s) if s < 3600 => format!("{}m", (s / 60).max(1)),
        Some(s) if s < 86_400 * 2 => format!("{:.1}h", s as f64 / 3600.0),
        Some(s) => format!("{:.1}d", s as f64 / 86_400.0),
    }
}

pub fn rate_label(rate: Option<f64>) -> String {
    rate.map(|r| format!("{:.0}%", r * 100.0))
        .unwrap_or_else(|| "—".into())
}
