//! One failed request degrades a view; it never blanks it. A row assembled from several
//! requests keeps what it could read and records, per part, what it could not and why: the
//! panel shows `?` there, the detail view and the status bar say why.

use super::error::ApiError;
use crate::text::Safe;

/// A part of a row that comes from a request of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// A pull request's check runs (`/commits/{sha}/check-runs`).
    Checks,
    /// A pull request's reviews (`/pulls/{n}/reviews`).
    Reviews,
    /// A pull request's comment counts (the single pull request, `/pulls/{n}`).
    Comments,
    /// A pull request's review threads (GraphQL).
    Threads,
    /// An environment's deployments (`/deployments?environment=`).
    Deployments,
    /// The statuses of an environment's deployments (`/deployments/{id}/statuses`).
    Statuses,
    /// Runs waiting for approval (`/actions/runs?status=waiting` and their
    /// `/pending_deployments`).
    Approvals,
}

impl Part {
    pub fn label(self) -> &'static str {
        match self {
            Part::Checks => "checks",
            Part::Reviews => "reviews",
            Part::Comments => "comment count",
            Part::Threads => "review threads",
            Part::Deployments => "deployments",
            Part::Statuses => "deployment statuses",
            Part::Approvals => "waiting approvals",
        }
    }
}

/// A part that could not be read, and GitHub's reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unread {
    pub part: Part,
    /// Made safe to draw as it is noted.
    pub why: Safe,
}

// "waiting approvals unreadable: run #190: GitHub had a server error (500)"
impl std::fmt::Display for Unread {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} unreadable: {}", self.part.label(), self.why)
    }
}

/// The parts of a row that could not be read (empty: the row is whole).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Gaps(Vec<Unread>);

impl Gaps {
    /// Records that `part` could not be read; the first reason per part is kept.
    pub fn note(&mut self, part: Part, why: impl AsRef<str>) {
        if self.get(part).is_none() {
            self.0.push(Unread {
                part,
                why: Safe::line(why.as_ref()),
            });
        }
    }

    pub fn get(&self, part: Part) -> Option<&Unread> {
        self.0.iter().find(|u| u.part == part)
    }

    pub fn has(&self, part: Part) -> bool {
        self.get(part).is_some()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Unread> {
        self.0.iter()
    }
}

/// Errors about the session as a whole (the token, the rate limit) fail the whole view, so
/// that the poller backs off and the panel says what to do; any other error of a part's
/// request only marks that part.
fn is_session_wide(e: &ApiError) -> bool {
    matches!(
        e,
        ApiError::NoToken
            | ApiError::Unauthorized { .. }
            | ApiError::RateLimited { .. }
            | ApiError::SecondaryRateLimit { .. }
    )
}

/// The result of a part's request: its data, or `None` with the gap noted in `gaps`. A
/// session-wide error is passed on.
pub fn part<T>(r: Result<T, ApiError>, part: Part, gaps: &mut Gaps) -> Result<Option<T>, ApiError> {
    part_for(r, part, "", gaps)
}

/// [`part`] for one of several requests of a part: the reason starts with `what` (`run #7`).
pub fn part_for<T>(
    r: Result<T, ApiError>,
    part: Part,
    what: &str,
    gaps: &mut Gaps,
) -> Result<Option<T>, ApiError> {
    match r {
        Ok(v) => Ok(Some(v)),
        Err(e) if is_session_wide(&e) => Err(e),
        Err(e) if what.is_empty() => {
            gaps.note(part, e.to_string());
            Ok(None)
        }
        Err(e) => {
            gaps.note(part, format!("{what}: {e}"));
            Ok(None)
        }
    }
}

/// Rows that may carry gaps: what the status bar summarises.
pub trait Partial {
    /// The row's label in a sentence (`#12`, `production`) and its gaps.
    fn gaps(&self) -> (String, &Gaps);
}

/// One line for the status bar about the gaps of `rows`, or `None` when every row is whole:
/// `checks of #12 unreadable: GitHub had a server error (500) (and 2 more)`.
pub fn summary<R: Partial>(rows: &[R]) -> Option<String> {
    let mut all = rows
        .iter()
        .flat_map(|r| {
            let (label, gaps) = r.gaps();
            gaps.iter().map(move |u| (label.clone(), u))
        })
        .peekable();
    let (label, first) = all.next()?;
    let more = all.count();
    let mut text = format!(
        "{} of {label} unreadable: {}",
        first.part.label(),
        first.why
    );
    if more > 0 {
        text.push_str(&format!(" (and {more} more)"));
    }
    Some(text)
}

/// Whether any row has a gap.
pub fn any_gaps<R: Partial>(rows: &[R]) -> bool {
    rows.iter().any(|r| !r.gaps().1.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Row(&'static str, Gaps);
    impl Partial for Row {
        fn gaps(&self) -> (String, &Gaps) {
            (self.0.to_string(), &self.1)
        }
    }

    #[test]
    fn a_part_error_is_a_gap_and_a_session_error_is_not() {
        let mut gaps = Gaps::default();
        let server = ApiError::Server { status: 500 };
        assert_eq!(part::<u8>(Err(server), Part::Checks, &mut gaps), Ok(None));
        assert_eq!(part(Ok(3u8), Part::Reviews, &mut gaps), Ok(Some(3)));
        assert!(gaps.has(Part::Checks) && !gaps.has(Part::Reviews));
        let rate = ApiError::SecondaryRateLimit {
            retry_after_secs: 60,
        };
        assert!(part::<u8>(Err(rate), Part::Reviews, &mut gaps).is_err());
        let mut g2 = Gaps::default();
        g2.note(Part::Statuses, "forbidden");
        g2.note(Part::Statuses, "second reason is not kept");
        let rows = [
            Row("#1", Gaps::default()),
            Row("staging", g2),
            Row("#3", gaps),
        ];
        assert_eq!(
            summary(&rows).as_deref(),
            Some("deployment statuses of staging unreadable: forbidden (and 1 more)")
        );
        assert!(summary(&rows[..1]).is_none());
    }
}
