//! Which deployed commits contain which branch tips, from the local clone: one walk per
//! deployed commit down to the oldest tip asked about (see `merged`), however many branches.

use std::path::Path;

use git2::{Oid, Repository};

use super::error::{Doing, GitError};
use super::merged::reachable_tips;

/// For every tip × deployed commit (equal ones left out): whether the deployed commit contains
/// the tip; `None` when the clone lacks either commit (the caller may ask GitHub instead).
pub fn deployed_contains(
    repo_path: &Path,
    tips: &[String],
    deployed: &[String],
) -> Result<Vec<(String, String, Option<bool>)>, GitError> {
    let repo = Repository::discover(repo_path).map_err(|e| GitError::open(repo_path, e))?;
    let commit_time = |sha: &str| -> Option<(Oid, i64)> {
        let oid = Oid::from_str(sha).ok()?;
        let c = repo.find_commit(oid).ok()?;
        Some((oid, c.time().seconds()))
    };
    let local_tips: Vec<(&String, Option<(Oid, i64)>)> =
        tips.iter().map(|t| (t, commit_time(t))).collect();
    let candidates: Vec<(Oid, i64)> = local_tips.iter().filter_map(|(_, c)| *c).collect();
    let mut out = Vec::new();
    for d in deployed {
        let found = match commit_time(d) {
            Some((oid, _)) => Some(
                reachable_tips(&repo, &[oid], &candidates)
                    .doing(|| format!("walking the history of {d}"))?,
            ),
            None => None,
        };
        for (tip, local) in &local_tips {
            if tip.eq_ignore_ascii_case(d) {
                continue;
            }
            let contained = match (&found, local) {
                (Some(set), Some((oid, _))) => Some(set.contains(oid)),
                _ => None,
            };
            out.push(((*tip).clone(), d.clone(), contained));
        }
    }
    Ok(out)
}
