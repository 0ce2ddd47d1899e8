//! The primary rate limit as the response headers report it, and how pollers pace by it.

use chrono::{DateTime, TimeZone, Utc};
use reqwest::header::HeaderMap;
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    pub limit: u32,
    pub remaining: u32,
    pub used: u32,
    pub reset: DateTime<Utc>,
}

impl RateLimit {
    pub fn from_headers(headers: &HeaderMap) -> Option<RateLimit> {
        let num =
            |name: &str| -> Option<u64> { headers.get(name)?.to_str().ok()?.trim().parse().ok() };
        let limit = num("x-ratelimit-limit")?;
        let remaining = num("x-ratelimit-remaining")?;
        let used = num("x-ratelimit-used").unwrap_or(limit.saturating_sub(remaining));
        let reset = num("x-ratelimit-reset")
            .and_then(|s| Utc.timestamp_opt(i64::try_from(s).ok()?, 0).single())
            .unwrap_or_else(Utc::now);
        Some(RateLimit {
            limit: u32::try_from(limit).unwrap_or(u32::MAX),
            remaining: u32::try_from(remaining).unwrap_or(u32::MAX),
            used: u32::try_from(used).unwrap_or(u32::MAX),
            reset,
        })
    }

    /// Stretches a poll interval as the budget runs low, so a long session never hits zero:
    /// below a quarter the pace halves, below a tenth it quarters, at zero it waits for reset.
    pub fn pace(&self, base: Duration, now: DateTime<Utc>) -> Duration {
        if self.remaining == 0 {
            let wait = (self.reset - now).to_std().unwrap_or(Duration::ZERO);
            return wait.max(base);
        }
        let share = f64::from(self.remaining) / f64::from(self.limit.max(1));
        if share < 0.10 {
            base * 4
        } else if share < 0.25 {
            base * 2
        } else {
            base
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rl(remaining: u32) -> RateLimit {
        RateLimit {
            limit: 5000,
            remaining,
            used: 5000 - remaining,
            reset: Utc::now() + chrono::Duration::seconds(600),
        }
    }

    #[test]
    fn pace_slows_down_as_budget_shrinks() {
        let base = Duration::from_secs(10);
        let now = Utc::now();
        assert_eq!(rl(4000).pace(base, now), base);
        assert_eq!(rl(1000).pace(base, now), base * 2);
        assert_eq!(rl(100).pace(base, now), base * 4);
        assert!(rl(0).pace(base, now) >= Duration::from_secs(590));
    }

    #[test]
    fn reads_headers() {
        let mut h = HeaderMap::new();
        h.insert("x-ratelimit-limit", "5000".parse().expect("header"));
        h.insert("x-ratelimit-remaining", "4990".parse().expect("header"));
        h.insert("x-ratelimit-reset", "1700000000".parse().expect("header"));
        let r = RateLimit::from_headers(&h).expect("parsed");
        assert_eq!((r.limit, r.remaining, r.used), (5000, 4990, 10));
        assert_eq!(r.reset.timestamp(), 1_700_000_000);
        assert!(RateLimit::from_headers(&HeaderMap::new()).is_none());
    }
}
