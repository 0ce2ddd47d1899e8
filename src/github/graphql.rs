//! GitHub's GraphQL API: the endpoint derived from the REST base, error handling, and the review
//! thread queries and mutations (REST has no resolved state for review comments).

use chrono::{DateTime, Utc};
use reqwest::Method;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::client::GitHub;
use super::dashboard::Slug;
use super::error::ApiError;
use crate::text::sanitize_line;
use crate::text::Name;

/// The GraphQL endpoint of the GitHub whose REST API is at `rest_base`:
/// `https://api.github.com` → `https://api.github.com/graphql`, Enterprise Server's
/// `https://HOST/api/v3` → `https://HOST/api/graphql`, anything else (fakehub, data-residency
/// `api.X.ghe.com`) → `{rest_base}/graphql`.
pub fn graphql_url(rest_base: &str) -> String {
    let base = rest_base.trim().trim_end_matches('/');
    match base.strip_suffix("/api/v3") {
        Some(host) => format!("{host}/api/graphql"),
        None => format!("{base}/graphql"),
    }
}

/// Threads fetched per request, and at most this many requests per pull request.
const THREADS_PER_PAGE: u64 = 50;
const MAX_THREAD_PAGES: usize = 20;

/// One review thread: a comment on a line of the diff and its replies.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReviewThread {
    /// The node id that reply / resolve / unresolve take.
    pub id: String,
    pub is_resolved: bool,
    /// The line the thread is about changed since; `line` is then `None`.
    pub is_outdated: bool,
    pub path: Name,
    /// Line in the current diff (`None` when outdated).
    #[serde(default)]
    pub line: Option<u64>,
    /// Line in the diff the comment was written on.
    #[serde(default)]
    pub original_line: Option<u64>,
    /// `LEFT` (old side) or `RIGHT` (new side).
    #[serde(default)]
    pub diff_side: String,
    #[serde(default)]
    pub viewer_can_reply: bool,
    #[serde(default)]
    pub viewer_can_resolve: bool,
    #[serde(default)]
    pub viewer_can_unresolve: bool,
    /// Oldest first; the first comment's `diff_hunk` is the code around the thread.
    #[serde(deserialize_with = "comment_nodes")]
    pub comments: Vec<ThreadComment>,
}

/// A comment in a review thread. Text is as GitHub sent it: sanitize before display.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ThreadComment {
    pub id: String,
    /// The REST id (for `POST /pulls/{n}/comments/{id}/replies`).
    #[serde(default)]
    pub database_id: Option<u64>,
    pub body: String,
    /// `None` for a deleted account (GitHub's "ghost").
    #[serde(default, deserialize_with = "author_login")]
    pub author: Option<Name>,
    pub created_at: DateTime<Utc>,
    #[serde(default)]
    pub diff_hunk: String,
}

fn comment_nodes<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<ThreadComment>, D::Error> {
    #[derive(Deserialize)]
    struct Connection {
        #[serde(default)]
        nodes: Vec<Option<ThreadComment>>,
    }
    Ok(Connection::deserialize(d)?
        .nodes
        .into_iter()
        .flatten()
        .collect())
}

fn author_login<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Name>, D::Error> {
    #[derive(Deserialize)]
    struct Actor {
        login: Name,
    }
    Ok(Option::<Actor>::deserialize(d)?.map(|a| a.login))
}

const COMMENT_FIELDS: &str = "id databaseId body author { login } createdAt diffHunk";

const REVIEW_THREADS: &str = "query ReviewThreads($owner: String!, $name: String!, $number: Int!, $first: Int!, $after: String) {
  repository(owner: $owner, name: $name) {
    pullRequest(number: $number) {
      reviewThreads(first: $first, after: $after) {
        pageInfo { hasNextPage endCursor }
        nodes {
          id isResolved isOutdated path line originalLine diffSide
          viewerCanReply viewerCanResolve viewerCanUnresolve
          comments(first: 100) { nodes { id databaseId body author { login } createdAt diffHunk } }
        }
      }
    }
  }
}";

impl GitHub {
    /// The GraphQL endpoint for this client's REST base (see [`graphql_url`]).
    pub fn graphql_endpoint(&self) -> String {
        graphql_url(self.rest_base())
    }

    /// Runs a GraphQL operation and returns its `data`. An answer with `errors` (even with
    /// partial data) becomes [`ApiError::GraphQl`] carrying GitHub's messages.
    pub async fn graphql<T: DeserializeOwned>(
        &self,
        query: &str,
        variables: Value,
    ) -> Result<T, ApiError> {
        #[derive(Deserialize)]
        struct Answer {
            #[serde(default)]
            data: Option<Value>,
            #[serde(default)]
            errors: Vec<GraphQlError>,
        }
        #[derive(Deserialize)]
        struct GraphQlError {
            #[serde(default)]
            message: String,
        }
        if !self.has_token() {
            return Err(ApiError::NoToken);
        }
        let url = self.graphql_endpoint();
        let answer: Answer = self
            .send_json(
                Method::POST,
                &url,
                &json!({"query": query, "variables": variables}),
            )
            .await?
            .ok_or_else(|| ApiError::Malformed {
                context: "graphql".into(),
                reason: "empty answer".into(),
            })?;
        if !answer.errors.is_empty() {
            let message = answer
                .errors
                .iter()
                .map(|e| sanitize_line(&e.message))
                .collect::<Vec<_>>()
                .join("; ");
            return Err(ApiError::GraphQl { message });
        }
        let data = answer.data.unwrap_or(Value::Null);
        serde_json::from_value(data).map_err(|e| ApiError::Malformed {
            context: "graphql".into(),
            reason: e.to_string(),
        })
    }

    /// Every review thread of pull request `number`, oldest first (up to 1,000 threads; the
    /// first 100 comments of each).
    pub async fn review_threads(
        &self,
        slug: &Slug,
        number: u64,
    ) -> Result<Vec<ReviewThread>, ApiError> {
        #[derive(Deserialize)]
        struct Data {
            repository: Option<Repo>,
        }
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Repo {
            pull_request: Option<Pull>,
        }
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Pull {
            review_threads: Threads,
        }
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Threads {
            page_info: PageInfo,
            #[serde(default)]
            nodes: Vec<Option<ReviewThread>>,
        }
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct PageInfo {
            has_next_page: bool,
            end_cursor: Option<String>,
        }
        let mut threads = Vec::new();
        let mut after: Option<String> = None;
        for _ in 0..MAX_THREAD_PAGES {
            let data: Data = self
                .graphql(
                    REVIEW_THREADS,
                    json!({
                        "owner": slug.owner, "name": slug.name, "number": number,
                        "first": THREADS_PER_PAGE, "after": after,
                    }),
                )
                .await?;
            let Some(page) = data
                .repository
                .and_then(|r| r.pull_request)
                .map(|p| p.review_threads)
            else {
                return Err(ApiError::NotFound {
                    path: format!("{}/pull/{number}", slug.full_name()),
                });
            };
            threads.extend(page.nodes.into_iter().flatten());
            match (page.page_info.has_next_page, page.page_info.end_cursor) {
                (true, Some(c)) => after = Some(c),
                _ => break,
            }
        }
        Ok(threads)
    }

    /// Replies in a review thread; returns the new comment.
    pub async fn reply_to_thread(
        &self,
        thread_id: &str,
        body: &str,
    ) -> Result<ThreadComment, ApiError> {
        #[derive(Deserialize)]
        struct Data {
            #[serde(rename = "addPullRequestReviewThreadReply")]
            reply: Option<Reply>,
        }
        #[derive(Deserialize)]
        struct Reply {
            comment: Option<ThreadComment>,
        }
        let query = format!(
            "mutation AddReviewThreadReply($threadId: ID!, $body: String!) {{
  addPullRequestReviewThreadReply(input: {{pullRequestReviewThreadId: $threadId, body: $body}}) {{
    comment {{ {COMMENT_FIELDS} }}
  }}
}}"
        );
        let data: Data = self
            .graphql(&query, json!({"threadId": thread_id, "body": body}))
            .await?;
        data.reply
            .and_then(|r| r.comment)
            .ok_or_else(|| ApiError::Malformed {
                context: "addPullRequestReviewThreadReply".into(),
                reason: "no comment in the answer".into(),
            })
    }

    /// Resolves a review thread; returns its new `isResolved` (true).
    pub async fn resolve_thread(&self, thread_id: &str) -> Result<bool, ApiError> {
        self.set_thread_resolved(thread_id, true).await
    }

    /// Unresolves a review thread; returns its new `isResolved` (false).
    pub async fn unresolve_thread(&self, thread_id: &str) -> Result<bool, ApiError> {
        self.set_thread_resolved(thread_id, false).await
    }

    async fn set_thread_resolved(&self, thread_id: &str, resolve: bool) -> Result<bool, ApiError> {
        let (op, field) = if resolve {
            ("ResolveReviewThread", "resolveReviewThread")
        } else {
            ("UnresolveReviewThread", "unresolveReviewThread")
        };
        self.flag_mutation(op, field, ("threadId", thread_id), ("thread", "isResolved"))
            .await
    }

    /// Mutation `op` on one node, whose answer is one flag of the changed object:
    /// `field(input: {input_name: id}) { object { flag } }`.
    pub(super) async fn flag_mutation(
        &self,
        op: &str,
        field: &str,
        (input_name, id): (&str, &str),
        (object, flag): (&str, &str),
    ) -> Result<bool, ApiError> {
        let query = format!(
            "mutation {op}(${input_name}: ID!) {{
  {field}(input: {{{input_name}: ${input_name}}}) {{ {object} {{ {flag} }} }}
}}"
        );
        let data: Value = self.graphql(&query, json!({ input_name: id })).await?;
        data.get(field)
            .and_then(|f| f.get(object))
            .and_then(|o| o.get(flag))
            .and_then(Value::as_bool)
            .ok_or_else(|| ApiError::Malformed {
                context: field.into(),
                reason: format!("no {object} in the answer"),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derives_the_graphql_endpoint() {
        assert_eq!(
            graphql_url("https://api.github.com"),
            "https://api.github.com/graphql"
        );
        assert_eq!(
            graphql_url("https://ghe.corp/api/v3/"),
            "https://ghe.corp/api/graphql"
        );
        assert_eq!(
            graphql_url("http://127.0.0.1:4321"),
            "http://127.0.0.1:4321/graphql"
        );
        assert_eq!(
            graphql_url("https://api.acme.ghe.com"),
            "https://api.acme.ghe.com/graphql"
        );
    }

    #[test]
    fn review_thread_shape() {
        let t: ReviewThread = serde_json::from_value(json!({
            "id": "PRRT_1", "isResolved": false, "isOutdated": true, "path": "src/a.rs",
            "line": null, "originalLine": 3, "diffSide": "RIGHT",
            "comments": {"nodes": [
                {"id": "PRRC_1", "databaseId": 7, "body": "hm", "author": null,
                 "createdAt": "2026-01-01T00:00:00Z", "diffHunk": "@@ -1 +1 @@"}
            ]}
        }))
        .expect("thread");
        assert_eq!(t.comments.len(), 1);
        assert_eq!(t.comments[0].author, None);
        assert_eq!(t.original_line, Some(3));
    }
}
