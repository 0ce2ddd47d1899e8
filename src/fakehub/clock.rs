//! The simulation's clock: real (for `cockpit --demo`) or manual (for tests).
//!
//! Everything time-dependent in the world (run progress, deployment statuses, rate-limit windows,
//! signed blob URLs) is computed from `Clock::now()` on each request, so advancing a manual clock
//! moves the whole simulation forward at once.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};

#[derive(Debug)]
enum Kind {
    /// Wall-clock time plus an offset that `advance` grows (lets a demo or an end-to-end test
    /// fast-forward a real-time fakehub).
    Real { offset: TimeDelta },
    /// Time that only moves when `advance` is called.
    Manual { now: DateTime<Utc> },
}

/// A cloneable clock handle; clones share the same time.
#[derive(Clone, Debug)]
pub struct Clock {
    inner: Arc<Mutex<Kind>>,
}

impl Clock {
    /// The wall clock.
    pub fn real() -> Clock {
        Clock {
            inner: Arc::new(Mutex::new(Kind::Real {
                offset: TimeDelta::zero(),
            })),
        }
    }

    /// A clock frozen at `start` until advanced.
    pub fn manual(start: DateTime<Utc>) -> Clock {
        Clock {
            inner: Arc::new(Mutex::new(Kind::Manual { now: start })),
        }
    }

    /// The current simulated time.
    pub fn now(&self) -> DateTime<Utc> {
        match &*self.lock() {
            Kind::Real { offset } => Utc::now() + *offset,
            Kind::Manual { now } => *now,
        }
    }

    /// Moves time forward. On a real clock this adds a permanent offset to the wall clock.
    pub fn advance(&self, by: Duration) {
        let delta = TimeDelta::from_std(by).unwrap_or(TimeDelta::MAX);
        match &mut *self.lock() {
            Kind::Real { offset } => *offset = offset.checked_add(&delta).unwrap_or(*offset),
            Kind::Manual { now } => *now = now.checked_add_signed(delta).unwrap_or(*now),
        }
    }

    /// Whether this is a manual (test) clock.
    pub fn is_manual(&self) -> bool {
        matches!(&*self.lock(), Kind::Manual { .. })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Kind> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manual_clock_moves_only_when_advanced() {
        let start = DateTime::parse_from_rfc3339("2026-11-22T10:00:00Z")
            .map(|d| d.with_timezone(&Utc))
            .unwrap_or_default();
        let c = Clock::manual(start);
        let c2 = c.clone();
        assert_eq!(c.now(), start);
        c2.advance(Duration::from_secs(90));
        assert_eq!(c.now(), start + TimeDelta::seconds(90));
    }

    #[test]
    fn real_clock_advance_adds_offset() {
        let c = Clock::real();
        let before = c.now();
        c.advance(Duration::from_secs(3600));
        assert!(c.now() >= before + TimeDelta::seconds(3600));
    }
}
