//! DORA delivery metrics for one environment, computed from its deployment history. Pure:
//! the inputs are plain records, so the rules can be checked by hand (see the README's
//! "How the delivery metrics are computed", which these functions implement).

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

/// One deployment as the metrics see it.
#[derive(Debug, Clone, PartialEq)]
pub struct DeployRecord {
    pub id: u64,
    pub sha: String,
    pub created_at: DateTime<Utc>,
    /// The first terminal status: `success`, `failure` or `error`, with its time. `None`
    /// while the deployment is still queued or in progress.
    pub outcome: Option<(Outcome, DateTime<Utc>)>,
    /// Marked as a rollback by whoever deployed it (payload `rollback: true`, or a
    /// description starting with "rollback"), or a redeploy of an older sha.
    pub rollback: bool,
    /// Commit times of the changes this deployment carried that the previous successful one
    /// did not (empty for a redeploy).
    pub commit_times: Vec<DateTime<Utc>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Success,
    Failure,
    Error,
}

impl Outcome {
    pub fn from_state(state: &crate::github::models::DeploymentState) -> Option<Outcome> {
        use crate::github::models::DeploymentState as S;
        match state {
            S::Success => Some(Outcome::Success),
            S::Failure => Some(Outcome::Failure),
            S::Error => Some(Outcome::Error),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EnvMetrics {
    pub environment: String,
    pub window_days: i64,
    pub window_start: DateTime<Utc>,
    pub window_end: DateTime<Utc>,
    /// Deployments created in the window (any outcome, including in flight).
    pub deployments: usize,
    pub successful: usize,
    /// Successful deployments per day over the window.
    pub deployment_frequency_per_day: f64,
    /// Median and 90th percentile of (deployment success − commit time) over every commit the
    /// window's successful deployments carried, in seconds.
    pub lead_time_median_secs: Option<i64>,
    pub lead_time_p90_secs: Option<i64>,
    pub lead_time_commits: usize,
    /// Failed changes / deployments with an outcome. A failed change is a deployment that
    /// failed or errored, or a successful one that a rollback replaced.
    pub change_failure_rate: Option<f64>,
    pub failed_changes: usize,
    pub rollbacks: usize,
    /// Median time from a failed change to the next successful deployment, in seconds.
    pub time_to_restore_median_secs: Option<i64>,
    pub restores: usize,
    /// Successful deployments per day, oldest day first (for the sparkline).
    pub daily_successes: Vec<u64>,
}

fn percentile(sorted: &[i64], p: f64) -> Option<i64> {
    if sorted.is_empty() {
        return None;
    }
    // Nearest-rank: the smallest value with at least p of the data at or below it.
    let rank = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    Some(sorted[rank - 1])
}

fn median(mut v: Vec<i64>) -> Option<i64> {
    v.sort_unstable();
    if v.is_empty() {
        return None;
    }
    let n = v.len();
    Some(if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2
    })
}

pub fn compute(
    environment: &str,
    records: &[DeployRecord],
    window_end: DateTime<Utc>,
    window_days: i64,
) -> EnvMetrics {
    let window_days = window_days.max(1);
    let window_start = window_end - Duration::days(window_days);
    let mut recs: Vec<&DeployRecord> = records
        .iter()
        .filter(|r| r.created_at >= window_start && r.created_at <= window_end)
        .collect();
    recs.sort_by_key(|r| r.created_at);

    let successes: Vec<&DeployRecord> = recs
        .iter()
        .copied()
        .filter(|r| matches!(r.outcome, Some((Outcome::Success, _))))
        .collect();

    // A rollback condemns the successful deployment it replaced: the last success before it.
    let mut rolled_back: Vec<u64> = Vec::new();
    for (i, r) in recs.iter().enumerate() {
        if r.rollback {
            if let Some(prev) = recs[..i]
                .iter()
                .rev()
                .find(|p| matches!(p.outcome, Some((Outcome::Success, _))) && !p.rollback)
            {
                rolled_back.push(prev.id);
            }
        }
    }
    let is_failed_change = |r: &DeployRecord| -> bool {
        matches!(r.outcome, Some((Outcome::Failure | Outcome::Error, _)))
            || rolled_back.contains(&r.id)
    };
    let with_outcome = recs.iter().filter(|r| r.outcome.is_some()).count();
    let failed_changes = recs.iter().filter(|r| is_failed_change(r)).count();

    // Time to restore: from the failure (a failed status, or the moment a bad change went
    // live) to the next success that is not itself a failed change.
    let mut restores = Vec::new();
    for (i, r) in recs.iter().enumerate() {
        if !is_failed_change(r) {
            continue;
        }
        let Some((_, failed_at)) = r.outcome else {
            continue;
        };
        let next_good = recs[i + 1..]
            .iter()
            .find(|n| matches!(n.outcome, Some((Outcome::Success, _))) && !is_failed_change(n));
        if let Some(Some((_, restored_at))) = next_good.map(|n| n.outcome) {
            restores.push((restored_at - failed_at).num_seconds());
        }
    }

    let mut lead: Vec<i64> = successes
        .iter()
        .filter_map(|r| r.outcome.map(|(_, at)| (r, at)))
        .flat_map(|(r, at)| {
            r.commit_times
                .iter()
                .map(move |c| (at - *c).num_seconds().max(0))
        })
        .collect();
    lead.sort_unstable();

    let mut daily = vec![0u64; window_days as usize];
    for r in &successes {
        let day = (r.created_at - window_start).num_days();
        if let Some(slot) = usize::try_from(day).ok().and_then(|d| daily.get_mut(d)) {
            *slot += 1;
        }
    }

    EnvMetrics {
        environment: environment.to_string(),
        window_days,
        window_start,
        window_end,
        deployments: recs.len(),
        successful: successes.len(),
        deployment_frequency_per_day: successes.len() as f64 / window_days as f64,
        lead_time_median_secs: median(lead.clone()),
        lead_time_p90_secs: percentile(&lead, 0.9),
        lead_time_commits: lead.len(),
        change_failure_rate: (with_outcome > 0)
            .then(|| failed_changes as f64 / with_outcome as f64),
        failed_changes,
        rollbacks: recs.iter().filter(|r| r.rollback).count(),
        restores: restores.len(),
        time_to_restore_median_secs: median(restores),
        daily_successes: daily,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t(day: u32, hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, day, hour, 0, 0)
            .single()
            .expect("date")
    }

    fn rec(
        id: u64,
        day: u32,
        outcome: Option<(Outcome, u32)>,
        rollback: bool,
        commits: &[(u32, u32)],
    ) -> DeployRecord {
        DeployRecord {
            id,
            sha: format!("sha{id}"),
            created_at: t(day, 10),
            outcome: outcome.map(|(o, hour)| (o, t(day, hour))),
            rollback,
            commit_times: commits.iter().map(|(d, h)| t(*d, *h)).collect(),
        }
    }

    /// A week checked by hand:
    /// d1 #1 success 11:00, carries commits d1 08:00 and d1 09:00 → lead 3h, 2h
    /// d2 #2 failure 11:00 (carries d2 07:00, but failures carry no lead time)
    /// d2 #3 success 14:00, carries d2 07:00 and d2 12:00 → lead 7h, 2h; restores #2 in 3h
    /// d4 #4 success 11:00, carries d3 11:00 → lead 24h; later rolled back
    /// d4 #5 rollback, success 13:00 → restores #4 (live at 11:00) in 2h
    /// d6 #6 still in progress: counted as a deployment, not in any rate
    #[test]
    fn hand_checked_week() {
        let recs = vec![
            rec(1, 1, Some((Outcome::Success, 11)), false, &[(1, 8), (1, 9)]),
            rec(2, 2, Some((Outcome::Failure, 11)), false, &[(2, 7)]),
            rec(
                3,
                2,
                Some((Outcome::Success, 14)),
                false,
                &[(2, 7), (2, 12)],
            ),
            rec(4, 4, Some((Outcome::Success, 11)), false, &[(3, 11)]),
            rec(5, 4, Some((Outcome::Success, 13)), true, &[]),
            rec(6, 6, None, false, &[(6, 9)]),
        ];
        let m = compute("production", &recs, t(7, 0), 7);
        assert_eq!(m.deployments, 6);
        assert_eq!(m.successful, 4);
        assert!((m.deployment_frequency_per_day - 4.0 / 7.0).abs() < 1e-9);
        // Lead times (h): 3, 2, 7, 2, 24 → sorted 2, 2, 3, 7, 24: median 3h, p90 24h.
        assert_eq!(m.lead_time_commits, 5);
        assert_eq!(m.lead_time_median_secs, Some(3 * 3600));
        assert_eq!(m.lead_time_p90_secs, Some(24 * 3600));
        // Failed changes: #2 (failed) and #4 (rolled back) out of 5 with an outcome.
        assert_eq!(m.failed_changes, 2);
        assert_eq!(m.rollbacks, 1);
        assert_eq!(m.change_failure_rate, Some(0.4));
        // Restores: 3h and 2h → median of two = 2.5h.
        assert_eq!(m.restores, 2);
        assert_eq!(m.time_to_restore_median_secs, Some(9000));
        assert_eq!(m.daily_successes, vec![0, 1, 1, 0, 2, 0, 0]);
    }

    #[test]
    fn window_excludes_older_deployments_and_empty_history_has_no_rates() {
        let recs = vec![rec(1, 1, Some((Outcome::Success, 11)), false, &[(1, 8)])];
        let m = compute("staging", &recs, t(20, 0), 7);
        assert_eq!(m.deployments, 0);
        assert_eq!(m.change_failure_rate, None);
        assert_eq!(m.lead_time_median_secs, None);
        assert_eq!(m.time_to_restore_median_secs, None);
        let m = compute("staging", &[], t(20, 0), 30);
        assert_eq!(m.daily_successes.len(), 30);
    }
}
