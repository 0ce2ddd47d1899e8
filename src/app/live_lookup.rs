//! The reads behind "where is it live": GitHub's issue events and compare API, or the local
//! clone (on a blocking thread: git2 is not `Sync`).

use super::live::{Answer, Lookup};
use super::msg::Msg;
use super::pollers::Services;
use crate::github::models::CompareStatus;
use crate::github::{ApiError, Slug};
use std::sync::Arc;
use tokio::sync::mpsc;

pub(super) fn spawn(
    services: Arc<Services>,
    repo: Slug,
    lookup: Lookup,
    tx: mpsc::UnboundedSender<Msg>,
) {
    match lookup {
        Lookup::ClosingCommit { number } => {
            tokio::spawn(async move {
                let result = services
                    .gh
                    .closing_commit(&repo, number)
                    .await
                    .map_err(|e| e.to_string());
                let answer = Answer::ClosingCommit { number, result };
                let _ = tx.send(Msg::Live { repo, answer });
            });
        }
        Lookup::Compare { base, head } => {
            tokio::spawn(async move {
                let result = match services.gh.compare(&repo, &base, &head).await {
                    // The deployed commit is the merge commit or comes after it.
                    Ok(c) => Ok(Some(matches!(
                        c.status,
                        CompareStatus::Ahead | CompareStatus::Identical
                    ))),
                    Err(ApiError::NotFound { .. }) => Err("a commit is gone".to_string()),
                    Err(e) => Err(e.to_string()),
                };
                let answer = Answer::Contains(vec![(base, head, result)]);
                let _ = tx.send(Msg::Live { repo, answer });
            });
        }
        Lookup::Local { tips, deployed } => {
            tokio::task::spawn_blocking(move || {
                let pairs = match &services.repo_path {
                    Some(path) => match crate::git::deployed_contains(path, &tips, &deployed) {
                        Ok(found) => found.into_iter().map(|(t, d, c)| (t, d, Ok(c))).collect(),
                        Err(e) => every_pair(&tips, &deployed, Err(e.to_string())),
                    },
                    None => every_pair(&tips, &deployed, Ok(None)),
                };
                let _ = tx.send(Msg::Live {
                    repo,
                    answer: Answer::Contains(pairs),
                });
            });
        }
    }
}

type Pair = (String, String, Result<Option<bool>, String>);

fn every_pair(tips: &[String], deployed: &[String], r: Result<Option<bool>, String>) -> Vec<Pair> {
    tips.iter()
        .flat_map(|t| deployed.iter().map(move |d| (t.clone(), d.clone())))
        .filter(|(t, d)| t != d)
        .map(|(t, d)| (t, d, r.clone()))
        .collect()
}
