//! GitHub's issue and pull-request search (`GET /search/issues`): what the sections of the
//! Issues and Pull requests panels list. Search has its own budget (30 requests a minute,
//! `x-ratelimit-resource: search`), finds at most 1,000 items, and may say its results are
//! incomplete (it timed out): each answer carries those facts so the panel can say them.

use super::client::{Fetched, GitHub};
use super::dashboard::{PullRow, Slug};
use super::error::ApiError;
use super::models::{Issue, RepoRef};
use super::paths::query_value;
use futures_util::future::join_all;
use serde::Deserialize;

/// Issues a section shows: the newest updated first, one page.
pub const ISSUES_PER_SEARCH: usize = 100;
/// Pull requests a section shows. Each costs three more (conditional) requests for its checks
/// and reviews, so fewer than issues.
pub const PULLS_PER_SEARCH: usize = 30;

/// What a search found besides its rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SearchCount {
    /// Everything that matches, beyond what was fetched (GitHub lets one page through 1,000).
    pub total: u64,
    /// GitHub's `incomplete_results`: the search timed out and may have missed some.
    pub incomplete: bool,
    /// Items found that cannot be shown (a pull request whose repository the answer does not
    /// name).
    pub unreadable: usize,
}

#[derive(Debug, Clone)]
pub struct Found<T> {
    pub rows: Vec<T>,
    pub count: SearchCount,
}

impl<T> Found<T> {
    /// A complete answer: these rows are everything the search matched.
    pub fn all(rows: Vec<T>) -> Found<T> {
        let total = rows.len() as u64;
        Found {
            rows,
            count: SearchCount {
                total,
                ..SearchCount::default()
            },
        }
    }
}

#[derive(Deserialize)]
struct Page {
    #[serde(default)]
    total_count: u64,
    #[serde(default)]
    incomplete_results: bool,
    #[serde(default)]
    items: Vec<Item>,
}

#[derive(Deserialize)]
struct Item {
    #[serde(flatten)]
    issue: Issue,
    /// `…/repos/OWNER/NAME`: the only place a search item names its repository.
    #[serde(default)]
    repository_url: Option<String>,
}

/// The repository of an API URL `…/repos/OWNER/NAME`.
pub fn slug_of_url(url: &str) -> Option<Slug> {
    let (_, rest) = url.rsplit_once("/repos/")?;
    Slug::parse(rest.trim_end_matches('/'))
}

impl GitHub {
    async fn search(
        &self,
        query: &str,
        per_page: usize,
    ) -> Result<Fetched<Found<Issue>>, ApiError> {
        let path = format!(
            "/search/issues?q={}&sort=updated&order=desc&per_page={per_page}",
            query_value(query)
        );
        let f = self.get::<Page>(&path).await?;
        let rows = f
            .data
            .items
            .into_iter()
            .map(|item| {
                let mut issue = item.issue;
                if issue.repository.is_none() {
                    issue.repository =
                        item.repository_url
                            .as_deref()
                            .and_then(slug_of_url)
                            .map(|s| RepoRef {
                                full_name: s.full_name(),
                            });
                }
                issue
            })
            .collect();
        Ok(Fetched {
            changed: f.changed,
            data: Found {
                rows,
                count: SearchCount {
                    total: f.data.total_count,
                    incomplete: f.data.incomplete_results,
                    unreadable: 0,
                },
            },
        })
    }

    /// The issues `query` finds (the caller adds `is:issue`).
    pub async fn search_issues(&self, query: &str) -> Result<Fetched<Found<Issue>>, ApiError> {
        let mut f = self.search(query, ISSUES_PER_SEARCH).await?;
        // A query without `is:issue` finds pull requests too.
        f.data.rows.retain(|i| i.pull_request.is_none());
        Ok(f)
    }

    /// The pull requests `query` finds (the caller adds `is:pr`), each with its checks and
    /// review state and `login`'s role in it.
    pub async fn search_pull_rows(
        &self,
        query: &str,
        login: &str,
    ) -> Result<Fetched<Found<PullRow>>, ApiError> {
        let found = self.search(query, PULLS_PER_SEARCH).await?;
        let mut changed = found.changed;
        let mut count = found.data.count;
        let hits: Vec<(Slug, &Issue)> = found
            .data
            .rows
            .iter()
            .filter(|i| i.pull_request.is_some())
            .filter_map(|i| Some((i.repo()?, i)))
            .collect();
        count.unreadable = found.data.rows.len() - hits.len();
        let rows = join_all(
            hits.iter()
                .map(|(slug, found)| self.pull_row(slug, found, login)),
        )
        .await;
        let mut out = Vec::new();
        for row in rows {
            let row = row?;
            changed |= row.changed;
            out.push(row.data);
        }
        Ok(Fetched {
            changed,
            data: Found { rows: out, count },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_repository_of_an_api_url() {
        let s = slug_of_url("https://api.github.com/repos/acme/rocket").map(|s| s.full_name());
        assert_eq!(s.as_deref(), Some("acme/rocket"));
        let s = slug_of_url("https://ghe.corp/api/v3/repos/team/api/").map(|s| s.full_name());
        assert_eq!(s.as_deref(), Some("team/api"));
        assert!(slug_of_url("https://api.github.com/repos/acme").is_none());
        assert!(slug_of_url("https://api.github.com/repos/a/b/c").is_none());
    }
}
