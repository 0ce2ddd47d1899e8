//! Key facts of `Scenario::demo()`, for tests and for the demo's own code. A unit test below
//! keeps them in step with `assets/demo/scenario.json`.

/// The demo user's numeric id.
pub const USER_ID: u64 = 149_000_001;
/// Other users' tokens (octodemo's is `DEMO_TOKEN`). alice and octodemo may approve production.
pub const ALICE_TOKEN: &str = "fakehub-alice-token";
pub const BOB_TOKEN: &str = "fakehub-bob-token";
/// carol only has triage rights on acme/rocket.
pub const CAROL_TOKEN: &str = "fakehub-carol-token";
/// The second repository (private), for the all-repositories issue toggle.
pub const SECOND_REPO: &str = "acme/launchpad";

/// A Deploy of acme/launchpad to its production waiting for approval (octodemo can approve):
/// with rocket's, the approval queue of the demo holds two repositories.
pub const SECOND_REPO_WAITING_DEPLOY: u64 = 11_842_100_240;
/// acme/launchpad's production environment.
pub const SECOND_REPO_PRODUCTION: u64 = 5_100_000_011;
/// dave's first pull request to acme/launchpad comes from a fork: its CI run waits for a
/// maintainer's approval (`a` in the CI panel) before any job starts.
pub const SECOND_REPO_FORK_RUN: u64 = 11_842_100_250;

/// Open issues of acme/rocket assigned to octodemo, newest first.
pub const MY_OPEN_ISSUES: &[u64] = &[47, 45, 42, 39, 37, 31];
/// Open issues of acme/launchpad assigned to octodemo, newest first.
pub const MY_OPEN_ISSUES_SECOND_REPO: &[u64] = &[5, 3];
/// octodemo's open PR from `42-retry-flaky-uploads` (ready for review, changes requested by
/// alice, then approved by bob; review threads, one resolved and one outdated).
pub const PR_RETRY: u64 = 43;
/// octodemo's draft PR from `37-dark-mode`.
pub const PR_DARK_MODE: u64 = 44;
/// alice's PR from `alice/faster-builds`, review requested from octodemo.
pub const PR_FASTER_BUILDS: u64 = 46;
/// The merged PR from `release-1.4`.
pub const PR_RELEASE: u64 = 16;

pub const WORKFLOW_CI: u64 = 61_000_001;
pub const WORKFLOW_DEPLOY: u64 = 61_000_002;
/// Schedule only: dispatching it gives 422.
pub const WORKFLOW_NIGHTLY: u64 = 61_000_003;

/// CI of `42-retry-flaky-uploads`, in progress at start, completes about 2 minutes later.
pub const RUN_LIVE: u64 = 11_842_000_502;
/// Its jobs: lint, test, build (release) (which needs both).
pub const RUN_LIVE_JOBS: [u64; 3] = [33_000_000_051, 33_000_000_052, 33_000_000_053];
/// The earlier CI run of `42-retry-flaky-uploads` (older sha): its test job failed (flaky, so a
/// re-run passes).
pub const RUN_FLAKY: u64 = 11_842_000_450;
pub const JOB_FLAKY_TEST: u64 = 33_000_000_039;
/// The last CI run of `37-dark-mode`: clippy failed with an annotation on src/ui/theme.rs:42.
pub const RUN_DARK_MODE: u64 = 11_842_000_433;
pub const JOB_DARK_MODE_LINT: u64 = 33_000_000_035;
/// The successful CI run of `alice/faster-builds`.
pub const RUN_FASTER_BUILDS: u64 = 11_842_000_468;
/// A Deploy to production waiting for approval (octodemo can approve).
pub const RUN_WAITING_DEPLOY: u64 = 11_842_000_490;
pub const JOB_WAITING_DEPLOY: u64 = 33_000_000_048;
/// A Deploy to staging whose deploy job (and staging deployment) is in progress at start.
pub const RUN_STAGING_DEPLOY: u64 = 11_842_000_497;

pub const ENV_STAGING: u64 = 5_100_000_001;
pub const ENV_PRODUCTION: u64 = 5_100_000_002;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fakehub::world::{run_view, World};
    use crate::fakehub::{Scenario, DEMO_REPO, DEMO_TOKEN, DEMO_USER};

    #[test]
    fn constants_match_the_scenario() {
        let now = chrono::DateTime::parse_from_rfc3339("2026-11-22T10:00:00Z")
            .map(|d| d.to_utc())
            .unwrap_or_default();
        let w = World::from_scenario(&Scenario::demo().spec, now);
        assert_eq!(w.token_login(DEMO_TOKEN), Some(DEMO_USER));
        assert_eq!(w.token_login(ALICE_TOKEN), Some("alice"));
        assert_eq!(w.token_login(BOB_TOKEN), Some("bob"));
        assert_eq!(w.token_login(CAROL_TOKEN), Some("carol"));
        assert_eq!(w.user(DEMO_USER).map(|u| u.id), Some(USER_ID));
        let Some(repo) = w.repo(DEMO_REPO) else {
            panic!("no demo repo")
        };
        let mine = |r: &crate::fakehub::world::Repo| {
            let mut v: Vec<u64> = r
                .issues
                .values()
                .filter(|i| i.pull.is_none() && i.state == "open")
                .filter(|i| i.assignees.iter().any(|a| a == DEMO_USER))
                .map(|i| i.number)
                .collect();
            v.reverse();
            v
        };
        assert_eq!(mine(repo), MY_OPEN_ISSUES);
        assert_eq!(
            w.repo(SECOND_REPO).map(mine),
            Some(MY_OPEN_ISSUES_SECOND_REPO.to_vec())
        );
        let head = |n: u64| {
            repo.issues
                .get(&n)
                .and_then(|i| i.pull.as_ref())
                .map(|p| p.head.as_str())
        };
        assert_eq!(head(PR_RETRY), Some("42-retry-flaky-uploads"));
        assert_eq!(head(PR_DARK_MODE), Some("37-dark-mode"));
        assert_eq!(head(PR_FASTER_BUILDS), Some("alice/faster-builds"));
        assert_eq!(head(PR_RELEASE), Some("release-1.4"));
        for (id, file) in [
            (WORKFLOW_CI, "ci.yml"),
            (WORKFLOW_DEPLOY, "deploy.yml"),
            (WORKFLOW_NIGHTLY, "nightly.yml"),
        ] {
            assert_eq!(repo.workflow(id).map(|w| w.file.as_str()), Some(file));
        }
        let status = |id: u64| {
            repo.run(id)
                .map(|r| run_view(repo, r, now))
                .map(|v| (v.status, v.conclusion))
        };
        assert_eq!(status(RUN_LIVE), Some(("in_progress", None)));
        assert_eq!(status(RUN_FLAKY), Some(("completed", Some("failure"))));
        assert_eq!(status(RUN_DARK_MODE), Some(("completed", Some("failure"))));
        assert_eq!(
            status(RUN_FASTER_BUILDS),
            Some(("completed", Some("success")))
        );
        assert_eq!(status(RUN_WAITING_DEPLOY), Some(("waiting", None)));
        assert_eq!(status(RUN_STAGING_DEPLOY), Some(("in_progress", None)));
        let second = w.repo(SECOND_REPO).expect("second repo");
        let fork_run = second
            .run(SECOND_REPO_FORK_RUN)
            .map(|r| run_view(second, r, now));
        assert_eq!(
            fork_run.map(|v| (v.status, v.conclusion, v.jobs.len())),
            Some(("completed", Some("action_required"), 0))
        );
        let job = |id: u64| repo.find_job(id).map(|(r, _, k)| (r.id, k));
        for (k, id) in RUN_LIVE_JOBS.iter().enumerate() {
            assert_eq!(job(*id), Some((RUN_LIVE, k)));
        }
        assert_eq!(job(JOB_FLAKY_TEST), Some((RUN_FLAKY, 1)));
        assert_eq!(job(JOB_DARK_MODE_LINT), Some((RUN_DARK_MODE, 0)));
        assert_eq!(job(JOB_WAITING_DEPLOY), Some((RUN_WAITING_DEPLOY, 1)));
        assert_eq!(repo.environment("staging").map(|e| e.id), Some(ENV_STAGING));
        assert_eq!(
            repo.environment("production")
                .map(|e| (e.id, e.reviewers.clone())),
            Some((
                ENV_PRODUCTION,
                vec!["octodemo".to_string(), "alice".to_string()]
            ))
        );
    }
}
