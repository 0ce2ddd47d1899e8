//! Job logs and check-run annotations.
//!
//! GitHub has no log stream for a running job and no endpoint for a step's log (its OpenAPI
//! description lists every operation; none serves either): `GET …/actions/jobs/{id}/logs` is
//! 404 until the job completes, and for a second or two after. So: fetch when the Jobs API
//! says the job completed, retrying a 404 with backoff ([`LogRetry`], 1/2/4 s by default). The
//! answer is a 302 to blob storage on another host; [`GitHub::download_redirected`] follows it
//! without the token. While a job runs, its steps (Jobs API) and annotations (Checks API) are
//! what there is to show.

use std::time::Duration;

use serde::Deserialize;

use super::client::{Fetched, GitHub};
use super::dashboard::Slug;
use super::error::ApiError;
use super::models::Job;
use crate::logs::StepInfo;
use crate::text::{Name, Safe};

/// One check-run annotation (a problem matcher's or a workflow command's error/warning with a
/// file and line). Text fields are outside text: sanitize before drawing.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Annotation {
    pub path: Name,
    pub start_line: u64,
    #[serde(default)]
    pub end_line: Option<u64>,
    #[serde(default)]
    pub annotation_level: AnnotationLevel,
    /// The message's first line: all a one-line list shows.
    #[serde(
        default,
        rename = "message",
        deserialize_with = "crate::text::first_line"
    )]
    pub headline: Safe,
    /// GitHub sends `""` or null for no title.
    #[serde(default)]
    pub title: Option<String>,
}

impl Annotation {
    /// `path:line` or `path:start-end`, as shown.
    pub fn location(&self) -> String {
        let path = self.path.shown();
        match self.end_line {
            Some(end) if end != self.start_line => format!("{path}:{}-{end}", self.start_line),
            _ => format!("{path}:{}", self.start_line),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum AnnotationLevel {
    Failure,
    Warning,
    #[default]
    Notice,
    /// A level this version does not know.
    #[serde(other)]
    Other,
}

/// How long to keep asking for a just-completed job's log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogRetry {
    /// Pauses before each retry of a 404.
    pub delays: Vec<Duration>,
}

impl Default for LogRetry {
    /// 1, 2, 4 s: GitHub's log is usually there 1–2 s after the job completes.
    fn default() -> Self {
        LogRetry {
            delays: [1, 2, 4].map(Duration::from_secs).to_vec(),
        }
    }
}

/// A job's steps as the log viewer wants them, to split a whole job log into step sections
/// (`LogViewState::set_steps`).
pub fn step_infos(job: &Job) -> Vec<StepInfo> {
    job.steps
        .iter()
        .map(|s| StepInfo {
            number: u32::try_from(s.number).unwrap_or(u32::MAX),
            name: s.name.to_string(),
            started_at: s.started_at,
        })
        .collect()
}

/// A 404 from the API or from blob storage: the log is not there yet.
fn not_there_yet(e: &ApiError) -> bool {
    matches!(
        e,
        ApiError::NotFound { .. } | ApiError::Client { status: 404, .. }
    )
}

impl GitHub {
    /// The whole log of a job (raw bytes, BOM included). 404 until the job completes.
    pub async fn job_log(&self, slug: &Slug, job_id: u64) -> Result<Vec<u8>, ApiError> {
        let path = format!("{}/actions/jobs/{job_id}/logs", slug.api_path());
        self.download_redirected(&path).await
    }

    /// The log of a job that has just completed: a 404 is retried after each of
    /// `retry.delays`; the last error is returned when they run out.
    pub async fn job_log_when_ready(
        &self,
        slug: &Slug,
        job_id: u64,
        retry: &LogRetry,
    ) -> Result<Vec<u8>, ApiError> {
        let mut delays = retry.delays.iter();
        loop {
            match self.job_log(slug, job_id).await {
                Err(e) if not_there_yet(&e) => match delays.next() {
                    Some(d) => tokio::time::sleep(*d).await,
                    None => return Err(e),
                },
                other => return other,
            }
        }
    }

    /// A check run's annotations (a job's id is its check run's id). Conditional, like every
    /// poll: unchanged annotations cost no rate limit.
    pub async fn annotations(
        &self,
        slug: &Slug,
        check_run_id: u64,
    ) -> Result<Fetched<Vec<Annotation>>, ApiError> {
        let path = format!(
            "{}/check-runs/{check_run_id}/annotations?per_page=100",
            slug.api_path()
        );
        self.get_pages(&path, 10).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn annotations_parse_with_unknown_levels_and_null_titles() {
        let v: Vec<Annotation> = serde_json::from_str(
            r#"[{"path":"src/a.rs","start_line":3,"end_line":5,"annotation_level":"failure","message":"m","title":null},
                {"path":"b","start_line":1,"end_line":1,"annotation_level":"spooky","message":"x","title":"t"}]"#,
        )
        .unwrap_or_default();
        assert_eq!(v.len(), 2);
        assert_eq!(v[0].annotation_level, AnnotationLevel::Failure);
        assert_eq!(v[0].location(), "src/a.rs:3-5");
        assert_eq!(v[1].annotation_level, AnnotationLevel::Other);
        assert_eq!(v[1].location(), "b:1");
    }
}
