//! Where is it live: which environments already run the commit that carries a merged pull
//! request, an issue closed by a commit, or a local branch's head.
//!
//! Two caches for the session: the carrying commit by repository + number, and "does the
//! deployed commit contain this one" by repository + both shas (a comparison of two commits
//! never changes). [`wanted`] runs after every update and asks only for what the open detail
//! and the rows on screen need and nobody asked for yet: render never waits, and a second
//! look costs no request. The deployed commits are the Deploys panel's (`state.envs`).

use super::effect::Effect;
use super::state::{AppState, Detail, PanelId};
use crate::github::dashboard::{EnvRow, Slug};
use crate::github::models::{Issue, IssueState, PullRequest};
use crate::text::Name;
use chrono::{DateTime, Utc};
use std::collections::{HashMap, HashSet};

/// A failed look is asked again after this long, if still wanted.
const RETRY_SECS: i64 = 60;

/// What cockpit has learnt so far, for the session.
#[derive(Debug, Default)]
pub struct LiveCache {
    carriers: HashMap<(Slug, u64), Known<Option<String>>>,
    /// (repo, commit, deployed commit) → whether the deployed one contains the commit;
    /// `None`: the local clone lacks one of them (only local answers say so).
    contains: HashMap<(Slug, String, String), Known<Option<bool>>>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Known<T> {
    Asked,
    Answer(T),
    Failed { why: String, at: DateTime<Utc> },
}

/// A read to make; its answer comes back as [`Answer`].
#[derive(Debug, Clone, PartialEq)]
pub enum Lookup {
    /// The commit that closed issue (or merged pull request) `number`: its events.
    ClosingCommit { number: u64 },
    /// Whether `head` (deployed) contains `base`: the compare API.
    Compare { base: String, head: String },
    /// The same for every tip × deployed commit, from the local clone (no request).
    Local {
        tips: Vec<String>,
        deployed: Vec<String>,
    },
}

#[derive(Debug)]
pub enum Answer {
    ClosingCommit {
        number: u64,
        result: Result<Option<String>, String>,
    },
    /// (commit, deployed commit, contained?)
    Contains(Vec<(String, String, Result<Option<bool>, String>)>),
}

/// Where one environment stands for one commit.
#[derive(Debug, Clone, PartialEq)]
pub enum EnvLive {
    Live,
    NotYet,
    Checking,
    Unknown(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct EnvVerdict {
    pub environment: Name,
    pub state: EnvLive,
    /// When the live deployment there finished (or was created).
    pub deployed_at: Option<DateTime<Utc>>,
}

/// The answer to "where is it live" for one issue, pull request or branch.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// Nothing to look for (open, not merged, closed by hand), in these words.
    Nothing(&'static str),
    Checking,
    Unknown(String),
    Envs(Vec<EnvVerdict>),
}

/// Whose carrying commit is looked for.
#[derive(Debug, Clone, Copy)]
pub enum Subject<'a> {
    Issue(&'a Issue),
    Pull(&'a PullRequest),
}

impl LiveCache {
    pub fn apply(&mut self, repo: Slug, answer: Answer, now: DateTime<Utc>) {
        match answer {
            Answer::ClosingCommit { number, result } => {
                self.carriers.insert((repo, number), known(result, now));
            }
            Answer::Contains(pairs) => {
                for (base, head, result) in pairs {
                    self.contains
                        .insert((repo.clone(), base, head), known(result, now));
                }
            }
        }
    }

    fn carrier(&self, repo: &Slug, subject: Subject) -> Result<String, Verdict> {
        match subject {
            Subject::Pull(pr) => match (&pr.merged_at, &pr.merge_commit_sha) {
                (Some(_), Some(sha)) => Ok(sha.clone()),
                (Some(_), None) => Err(Verdict::Unknown("GitHub names no merge commit".into())),
                (None, _) if pr.state == IssueState::Open => {
                    Err(Verdict::Nothing("not merged yet"))
                }
                (None, _) => Err(Verdict::Nothing("closed without merging")),
            },
            Subject::Issue(i) if i.state == IssueState::Open => Err(Verdict::Nothing("open")),
            Subject::Issue(i) => match self.carriers.get(&(repo.clone(), i.number)) {
                None | Some(Known::Asked) => Err(Verdict::Checking),
                Some(Known::Answer(Some(sha))) => Ok(sha.clone()),
                Some(Known::Answer(None)) => Err(Verdict::Nothing("closed without a commit")),
                Some(Known::Failed { why, .. }) => Err(Verdict::Unknown(why.clone())),
            },
        }
    }

    /// Where `sha` of `repo` runs, by environment.
    fn envs(&self, state: &AppState, repo: &Slug, sha: &str) -> Verdict {
        let envs = match envs_of(state, repo) {
            Ok(e) => e,
            Err(v) => return v,
        };
        let list = envs
            .iter()
            .map(|row| {
                let Some(live) = row.live() else {
                    return EnvVerdict {
                        environment: row.env.name.clone(),
                        state: EnvLive::NotYet,
                        deployed_at: None,
                    };
                };
                let deployed = &live.deployment.sha;
                let at = live
                    .status
                    .as_ref()
                    .map_or(live.deployment.created_at, |s| s.created_at);
                let state = if deployed.eq_ignore_ascii_case(sha) {
                    EnvLive::Live
                } else {
                    let key = (repo.clone(), sha.to_string(), deployed.clone());
                    match self.contains.get(&key) {
                        None | Some(Known::Asked) => EnvLive::Checking,
                        Some(Known::Answer(Some(true))) => EnvLive::Live,
                        Some(Known::Answer(Some(false))) => EnvLive::NotYet,
                        Some(Known::Answer(None)) => {
                            EnvLive::Unknown("not in the local clone".into())
                        }
                        Some(Known::Failed { why, .. }) => EnvLive::Unknown(why.clone()),
                    }
                };
                EnvVerdict {
                    environment: row.env.name.clone(),
                    state,
                    deployed_at: Some(at),
                }
            })
            .collect();
        Verdict::Envs(list)
    }

    /// Where an issue's or pull request's carrying commit runs.
    pub fn verdict(&self, state: &AppState, repo: &Slug, subject: Subject) -> Verdict {
        let carrier = self.carrier(repo, subject);
        if let Err(v @ Verdict::Nothing(_)) = carrier {
            return v;
        }
        // Nothing runs anywhere: no need to know the commit (it is not even asked for).
        match envs_of(state, repo) {
            Err(v) => return v,
            Ok(envs) if envs.iter().all(|e| e.live().is_none()) => {
                return Verdict::Nothing("nothing deployed yet")
            }
            Ok(_) => {}
        }
        match carrier {
            Ok(sha) => self.envs(state, repo, &sha),
            Err(v) => v,
        }
    }

    /// Where a local branch's head (or a descendant of it) runs.
    pub fn branch_verdict(&self, state: &AppState, sha: &str) -> Verdict {
        match &state.ctx.repo {
            Some(repo) => self.envs(state, repo, sha),
            None => Verdict::Unknown("no GitHub repository".into()),
        }
    }

    fn wants_carrier(&self, key: &(Slug, u64), now: DateTime<Utc>) -> bool {
        stale(self.carriers.get(key), now)
    }

    fn wants_pair(&self, key: &(Slug, String, String), now: DateTime<Utc>) -> bool {
        stale(self.contains.get(key), now)
    }
}

fn known<T>(r: Result<T, String>, now: DateTime<Utc>) -> Known<T> {
    match r {
        Ok(v) => Known::Answer(v),
        Err(why) => Known::Failed { why, at: now },
    }
}

fn stale<T>(k: Option<&Known<T>>, now: DateTime<Utc>) -> bool {
    match k {
        None => true,
        Some(Known::Failed { at, .. }) => (now - *at).num_seconds() >= RETRY_SECS,
        Some(_) => false,
    }
}

/// The environments of `repo` as the Deploys panel read them.
fn envs_of<'a>(state: &'a AppState, repo: &Slug) -> Result<&'a [EnvRow], Verdict> {
    if state.ctx.repo.as_ref() != Some(repo) {
        return Err(Verdict::Unknown(format!(
            "the environments of {} are not loaded",
            repo.full_name()
        )));
    }
    match (&state.envs.data, &state.envs.error) {
        (Some(e), _) if e.is_empty() => Err(Verdict::Nothing("no environments")),
        (Some(e), _) => Ok(e),
        (None, Some(why)) => Err(Verdict::Unknown(format!("environments unreadable: {why}"))),
        (None, None) => Err(Verdict::Checking),
    }
}

/// The live deployments' commits of `repo`.
fn deployed(state: &AppState, repo: &Slug) -> Vec<String> {
    envs_of(state, repo)
        .map(|envs| {
            envs.iter()
                .filter_map(|e| e.live().map(|d| d.deployment.sha.clone()))
                .collect()
        })
        .unwrap_or_default()
}

/// The rows of `panel` that can be on screen: from the first drawn, one screen's height.
fn on_screen(state: &AppState, panel: PanelId) -> std::ops::Range<usize> {
    let from = state.cursor(panel).offset.get();
    let len = state.panel_len(panel);
    from.min(len)..(from + usize::from(state.size.1)).min(len)
}

/// The issues and pull requests whose liveness is shown now: the open detail's and the rows
/// on screen.
fn subjects(state: &AppState) -> Vec<(Slug, Subject<'_>)> {
    let here = state.ctx.repo.clone();
    let mut out = Vec::new();
    match &state.detail {
        Some(Detail::Issue { repo, data, .. }) => {
            if let Some((i, _)) = &data.data {
                out.push((repo.clone(), Subject::Issue(i)));
            }
        }
        Some(Detail::Pull { repo, data, .. }) => {
            if let Some(d) = &data.data {
                out.push((repo.clone(), Subject::Pull(&d.pr)));
            }
        }
        _ => {}
    }
    if let Some(issues) = &state.issues.data {
        for i in &issues[on_screen(state, PanelId::Issues)] {
            if let Some(r) = i.repo().or_else(|| here.clone()) {
                out.push((r, Subject::Issue(i)));
            }
        }
    }
    if let (Some(pulls), Some(r)) = (&state.pulls.data, &here) {
        for p in &pulls[on_screen(state, PanelId::Pulls)] {
            out.push((r.clone(), Subject::Pull(&p.pr)));
        }
    }
    out
}

/// The branch heads shown now: the rows on screen, and the open or selected branch (the only
/// one the compare API is asked about when the local clone cannot tell).
fn branch_tips(state: &AppState) -> (Vec<String>, Option<String>) {
    let Some(snap) = &state.branches.data else {
        return (Vec::new(), None);
    };
    let tips = snap.branches[on_screen(state, PanelId::Branches)]
        .iter()
        .map(|b| b.sha.clone())
        .collect();
    let chosen = match &state.detail {
        Some(Detail::Branch { name }) => snap.branches.iter().find(|b| &b.name == name),
        _ => super::selection::branch(state),
    };
    (tips, chosen.map(|b| b.sha.clone()))
}

/// The reads still missing for what is on screen; they are marked asked, so each is made once.
pub fn wanted(state: &mut AppState) -> Vec<Effect> {
    let now = state.now;
    let mut carriers: Vec<(Slug, u64)> = Vec::new();
    let mut compares: Vec<(Slug, String, String)> = Vec::new();
    for (repo, subject) in subjects(state) {
        let deployed = deployed(state, &repo);
        if deployed.is_empty() {
            continue;
        }
        if let Subject::Issue(i) = subject {
            let key = (repo.clone(), i.number);
            if i.state != IssueState::Open && state.live.wants_carrier(&key, now) {
                carriers.push(key);
            }
        }
        let Ok(sha) = state.live.carrier(&repo, subject) else {
            continue;
        };
        for d in deployed {
            let key = (repo.clone(), sha.clone(), d);
            if key.1 != key.2 && state.live.wants_pair(&key, now) {
                compares.push(key);
            }
        }
    }
    let mut local = None;
    if let (Some(repo), true) = (state.ctx.repo.clone(), state.ctx.has_local_repo) {
        let deployed = deployed(state, &repo);
        let (tips, chosen) = branch_tips(state);
        let mut ask_tips = Vec::new();
        for tip in tips {
            let missing = deployed.iter().any(|d| {
                *d != tip
                    && state
                        .live
                        .wants_pair(&(repo.clone(), tip.clone(), d.clone()), now)
            });
            if missing && !ask_tips.contains(&tip) {
                ask_tips.push(tip);
            }
        }
        if !ask_tips.is_empty() && !deployed.is_empty() {
            local = Some((repo.clone(), ask_tips, deployed.clone()));
        }
        // The local clone lacks a deployed commit: the chosen branch only asks GitHub.
        if let Some(tip) = chosen {
            for d in &deployed {
                let key = (repo.clone(), tip.clone(), d.clone());
                if matches!(state.live.contains.get(&key), Some(Known::Answer(None))) {
                    compares.push(key);
                }
            }
        }
    }
    dedup(&mut carriers);
    dedup(&mut compares);
    let mut fx = Vec::new();
    for (repo, number) in carriers {
        state
            .live
            .carriers
            .insert((repo.clone(), number), Known::Asked);
        fx.push(Effect::Live {
            repo,
            lookup: Lookup::ClosingCommit { number },
        });
    }
    for (repo, base, head) in compares {
        state
            .live
            .contains
            .insert((repo.clone(), base.clone(), head.clone()), Known::Asked);
        fx.push(Effect::Live {
            repo,
            lookup: Lookup::Compare { base, head },
        });
    }
    if let Some((repo, tips, deployed)) = local {
        for t in &tips {
            for d in deployed.iter().filter(|d| *d != t) {
                let key = (repo.clone(), t.clone(), d.clone());
                if state.live.wants_pair(&key, now) {
                    state.live.contains.insert(key, Known::Asked);
                }
            }
        }
        fx.push(Effect::Live {
            repo,
            lookup: Lookup::Local { tips, deployed },
        });
    }
    fx
}

fn dedup<T: Eq + std::hash::Hash + Clone>(v: &mut Vec<T>) {
    let mut seen = HashSet::new();
    v.retain(|x| seen.insert(x.clone()));
}

/// "Live: #42 in staging (2 h ago), not yet in production": `what` is the item's name.
pub fn describe(verdict: &Verdict, what: &str, now: DateTime<Utc>) -> String {
    match verdict {
        Verdict::Nothing(why) => format!("Live: {why}"),
        Verdict::Checking => "Live: checking…".into(),
        Verdict::Unknown(why) => format!("Live: cannot tell: {why}"),
        Verdict::Envs(envs) => {
            let parts: Vec<String> = envs
                .iter()
                .map(|e| match &e.state {
                    EnvLive::Live => match e.deployed_at {
                        Some(at) => format!(
                            "in {} ({})",
                            e.environment.shown(),
                            crate::text::ago(now, at)
                        ),
                        None => format!("in {}", e.environment.shown()),
                    },
                    EnvLive::NotYet => format!("not yet in {}", e.environment.shown()),
                    EnvLive::Checking => format!("checking {}…", e.environment.shown()),
                    EnvLive::Unknown(why) => {
                        format!("cannot tell for {}: {why}", e.environment.shown())
                    }
                })
                .collect();
            format!("Live: {what} {}", parts.join(", "))
        }
    }
}

/// The environments `verdict` says run it (for a row's marker).
pub fn live_in(verdict: &Verdict) -> Vec<&Name> {
    match verdict {
        Verdict::Envs(envs) => envs
            .iter()
            .filter(|e| e.state == EnvLive::Live)
            .map(|e| &e.environment)
            .collect(),
        _ => Vec::new(),
    }
}
