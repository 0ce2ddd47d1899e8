//! Details opened from a panel: an issue, a pull request, an environment's insights.

use super::{Polled, Resource, ResourceKind};
use crate::app::effect::Effect;
use crate::app::pollers::{Intervals, Services};
use crate::app::state::{AppState, Detail, Insights};
use crate::app::update::{note_error, store};
use crate::github::dashboard::Slug;
use crate::github::models::{Issue, IssueComment, IssueState};
use crate::github::pr_actions::Requirements;
use crate::github::pulls;
use crate::github::{ApiError, Fetched, GitHub};
use crate::text::Name;
use chrono::{DateTime, Utc};
use std::time::Duration;

/// An issue with its comments.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct IssueDetail {
    pub repo: Slug,
    pub number: u64,
}

impl Polled for IssueDetail {
    const KIND: ResourceKind = ResourceKind::IssueDetail;
    type Answer = Result<Fetched<(Issue, Vec<IssueComment>)>, ApiError>;

    async fn fetch(&self, s: &Services) -> Self::Answer {
        s.gh.issue_with_comments(&self.repo, self.number).await
    }

    fn pace(&self, _: &Self::Answer, iv: &Intervals) -> Option<Duration> {
        Some(iv.issue_detail)
    }

    fn apply(self, state: &mut AppState, at: DateTime<Utc>, answer: Self::Answer) -> Vec<Effect> {
        let mut err = None;
        if let Some(Detail::Issue {
            repo,
            number: open,
            data,
            ..
        }) = &mut state.detail
        {
            if *open == self.number && *repo == self.repo {
                err = store(data, answer, at);
            }
        }
        note_error(state, at, "issue", err);
        Vec::new()
    }
}

/// A pull request with its reviews, checks and review threads.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PullDetail {
    pub repo: Slug,
    pub number: u64,
}

impl Polled for PullDetail {
    const KIND: ResourceKind = ResourceKind::PullDetail;
    type Answer = Result<pulls::PullDetail, ApiError>;

    async fn fetch(&self, s: &Services) -> Self::Answer {
        s.gh.pull_detail(&self.repo, self.number).await
    }

    fn pace(&self, _: &Self::Answer, iv: &Intervals) -> Option<Duration> {
        Some(iv.issue_detail)
    }

    fn apply(self, state: &mut AppState, at: DateTime<Utc>, answer: Self::Answer) -> Vec<Effect> {
        let mut err = None;
        let mut fx = Vec::new();
        if let Some(Detail::Pull {
            repo,
            number: open,
            data,
            cursor,
            rules,
            ..
        }) = &mut state.detail
        {
            if *open == self.number && *repo == self.repo {
                data.loading = false;
                match answer {
                    Ok(d) => {
                        fx.extend(read_rules(rules, &self, &d));
                        cursor.clamp(d.threads.len());
                        err = d.gaps.iter().next().map(ToString::to_string);
                        data.data = Some(d);
                        data.updated = Some(at);
                        data.error = None;
                    }
                    Err(e) => {
                        let why = e.to_string();
                        data.error = Some(why.as_str().into());
                        err = Some(why);
                    }
                }
            }
        }
        note_error(state, at, "pull request", err);
        fx
    }
}

/// The first answer for an open pull request asks for its base branch's rules, once: why
/// GitHub would block the merge is worked out from them and every later answer.
fn read_rules(
    rules: &mut crate::app::state::Loaded<Result<Requirements, ApiError>>,
    pull: &PullDetail,
    d: &pulls::PullDetail,
) -> Option<Effect> {
    let open = d.pr.state == IssueState::Open && d.pr.merged_at.is_none();
    if !open || rules.loading || rules.data.is_some() {
        return None;
    }
    rules.loading = true;
    Some(Effect::Poll(Resource::BranchRules(BranchRules {
        repo: pull.repo.clone(),
        number: pull.number,
        base: d.pr.base.ref_name.raw().to_owned(),
    })))
}

/// What a pull request's base branch requires before a merge: once per opened detail.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct BranchRules {
    pub repo: Slug,
    pub number: u64,
    pub base: String,
}

impl Polled for BranchRules {
    const KIND: ResourceKind = ResourceKind::BranchRules;
    type Answer = Result<Requirements, ApiError>;

    async fn fetch(&self, s: &Services) -> Self::Answer {
        s.gh.branch_requirements(&self.repo, &self.base).await
    }

    fn pace(&self, _: &Self::Answer, _: &Intervals) -> Option<Duration> {
        None
    }

    fn apply(self, state: &mut AppState, at: DateTime<Utc>, answer: Self::Answer) -> Vec<Effect> {
        if let Some(Detail::Pull {
            repo,
            number,
            rules,
            ..
        }) = &mut state.detail
        {
            if *number == self.number && *repo == self.repo {
                rules.loading = false;
                rules.data = Some(answer);
                rules.updated = Some(at);
            }
        }
        Vec::new()
    }
}

/// An environment's "what would ship" and delivery metrics: once per opening.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct EnvironmentInsights {
    pub repo: Slug,
    pub environment: Name,
    /// The environment whose deployments flow into this one (staging → production).
    pub upstream: Option<String>,
    pub window_days: i64,
}

impl Polled for EnvironmentInsights {
    const KIND: ResourceKind = ResourceKind::EnvironmentInsights;
    type Answer = Result<Insights, ApiError>;

    async fn fetch(&self, s: &Services) -> Self::Answer {
        insights(
            &s.gh,
            &self.repo,
            &self.environment,
            self.upstream.as_deref(),
            self.window_days,
        )
        .await
    }

    fn pace(&self, _: &Self::Answer, _: &Intervals) -> Option<Duration> {
        None
    }

    fn apply(self, state: &mut AppState, at: DateTime<Utc>, answer: Self::Answer) -> Vec<Effect> {
        if let Some(Detail::Environment {
            repo,
            name,
            insights,
            ..
        }) = &mut state.detail
        {
            if *name == self.environment && *repo == self.repo {
                let answer = answer.map(|data| Fetched {
                    data,
                    changed: true,
                });
                store(insights, answer, at);
            }
        }
        Vec::new()
    }
}

/// An environment's detail beyond its history: the commits that would ship from `upstream`
/// (staging into production), the commits the live deployment brought, and the delivery
/// metrics — all from one history fetch per environment.
async fn insights(
    gh: &GitHub,
    slug: &Slug,
    environment: &str,
    upstream: Option<&str>,
    window_days: i64,
) -> Result<Insights, ApiError> {
    let now = Utc::now();
    let history = |env| crate::metrics::window_history(gh, slug, env, now, window_days);
    let there = async {
        match upstream {
            Some(u) => history(u).await.map(Some),
            None => Ok(None),
        }
    };
    let (here, there) = tokio::join!(history(environment), there);
    let (here, there) = (here?, there?);
    let good_here = crate::metrics::successful_shas(&here);
    let good_there = there.as_ref().map(|t| crate::metrics::successful_shas(t));
    // A sha that is gone (force-push) has nothing to compare: no section, not an error.
    let compare = |base: String, head: String| async move {
        match gh.compare(slug, &base, &head).await {
            Ok(c) => Ok(Some(c)),
            Err(ApiError::NotFound { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    };
    let would_ship = async {
        match (
            upstream,
            good_here.first(),
            good_there.as_ref().and_then(|t| t.first()),
        ) {
            (Some(up), Some(base), Some(head)) => Ok(compare(base.clone(), head.clone())
                .await?
                .map(|c| (Name::new(up), Name::new(environment), c))),
            _ => Ok::<_, ApiError>(None),
        }
    };
    let carried = async {
        match (good_here.get(1), good_here.first()) {
            (Some(base), Some(head)) => compare(base.clone(), head.clone()).await,
            _ => Ok(None),
        }
    };
    let metrics = crate::metrics::from_history(gh, slug, environment, here, now, window_days);
    let (would_ship, carried, metrics) = tokio::join!(would_ship, carried, metrics);
    Ok(Insights {
        would_ship: would_ship?,
        carried: carried?,
        metrics: metrics?,
    })
}
