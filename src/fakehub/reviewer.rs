//! The demo's scripted reviewer (`FakeHub::set_auto_reviewer`): so that the whole loop can be
//! shown without a second person, a pull request opened during the session gets, 20 s later, a
//! review with one inline question on its first changed hunk; once the author resolves that
//! thread, the reviewer approves 5 s later. Without a diff to comment on, the reviewer approves
//! after 30 s. Everything is stored as facts with future timestamps, like the rest of the world,
//! so it appears when the clock gets there.

use super::world::{secs, take, Review, ReviewComment, Time, World};

impl World {
    pub(crate) fn schedule_auto_review(
        &mut self,
        ri: usize,
        number: u64,
        first_hunk: Option<(String, u64, String)>,
        now: Time,
    ) {
        let Some(reviewer) = self.auto_reviewer.clone() else {
            return;
        };
        let Some(repo) = self.repos.get(ri) else {
            return;
        };
        let Some(issue) = repo.issues.get(&number) else {
            return;
        };
        if issue.user == reviewer || repo.role(&reviewer).is_none() {
            return;
        }
        let head_sha = issue
            .pull
            .as_ref()
            .map(|p| repo.branch_sha(&p.head))
            .unwrap_or_default();
        let review_id = take(&mut self.ids.review);
        let comment_id = take(&mut self.ids.review_comment);
        let Some(pull) = self
            .repos
            .get_mut(ri)
            .and_then(|r| r.issues.get_mut(&number))
            .and_then(|i| i.pull.as_mut())
        else {
            return;
        };
        match first_hunk {
            Some((path, line, hunk)) => {
                let at = now + secs(20);
                pull.reviews.push(Review {
                    id: review_id,
                    user: reviewer.clone(),
                    state: "COMMENTED".into(),
                    body: "One question inline before I approve.".into(),
                    submitted_at: at,
                    commit_id: Some(head_sha.clone()),
                });
                pull.review_comments.push(ReviewComment {
                    id: comment_id,
                    review_id: Some(review_id),
                    in_reply_to_id: None,
                    user: reviewer,
                    body: "Is this covered by a test? A short note on the edge cases would \
                           help the next reader."
                        .into(),
                    created_at: at,
                    updated_at: at,
                    path,
                    line: Some(line),
                    original_line: line,
                    start_line: None,
                    side: "RIGHT".into(),
                    diff_hunk: hunk,
                    commit_id: Some(head_sha),
                    resolved: false,
                });
            }
            None => pull.reviews.push(Review {
                id: review_id,
                user: reviewer,
                state: "APPROVED".into(),
                body: "Looks good to me.".into(),
                submitted_at: now + secs(30),
                commit_id: Some(head_sha),
            }),
        }
    }

    /// After a thread was resolved: the scripted reviewer approves once all its threads are.
    pub(crate) fn after_thread_resolved(&mut self, ri: usize, number: u64, now: Time) {
        let Some(reviewer) = self.auto_reviewer.clone() else {
            return;
        };
        let Some(repo) = self.repos.get(ri) else {
            return;
        };
        let Some(pull) = repo.issues.get(&number).and_then(|i| i.pull.as_ref()) else {
            return;
        };
        let mut roots = pull
            .review_comments
            .iter()
            .filter(|c| c.in_reply_to_id.is_none() && c.user == reviewer && c.created_at <= now)
            .peekable();
        if roots.peek().is_none() || !roots.all(|c| c.resolved) {
            return;
        }
        if pull
            .reviews
            .iter()
            .any(|r| r.user == reviewer && r.state == "APPROVED")
        {
            return;
        }
        let head_sha = repo.branch_sha(&pull.head);
        let id = take(&mut self.ids.review);
        if let Some(pull) = self
            .repos
            .get_mut(ri)
            .and_then(|r| r.issues.get_mut(&number))
            .and_then(|i| i.pull.as_mut())
        {
            pull.reviews.push(Review {
                id,
                user: reviewer,
                state: "APPROVED".into(),
                body: "Thanks, looks good now.".into(),
                submitted_at: now + secs(5),
                commit_id: Some(head_sha),
            });
        }
    }
}
