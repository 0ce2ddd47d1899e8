//! Changes cockpit makes on GitHub. Every one goes through `update` (which refuses them in
//! `--readonly` mode and asks for confirmation first) and is performed here, off the UI path.

use super::effect::ResourceKind;
use crate::github::issues_write::{CloseReason, NewIssue};
use crate::github::notifications::ThreadChange;
use crate::github::pulls::{MergeMethod, NewPull, ReviewEvent};
use crate::github::{ApiError, GitHub, Slug};
use crate::text::Name;
use serde_json::{Map, Value};

/// Workflow inputs that name the exact commit a deploy workflow ships.
pub const SHA_INPUTS: [&str; 6] = ["sha", "commit", "git_sha", "git-sha", "version", "ref"];

#[derive(Debug, Clone, PartialEq)]
pub enum Mutation {
    ReviewDeployment {
        run_id: u64,
        run_number: u64,
        environment_id: u64,
        environment: Name,
        approve: bool,
        comment: String,
    },
    Dispatch {
        workflow: Name,
        git_ref: Name,
        inputs: Map<String, Value>,
        what: String,
        environment: Option<Name>,
    },
    Rerun {
        run_id: u64,
        run_number: u64,
        only_failed: bool,
    },
    Cancel {
        run_id: u64,
        run_number: u64,
    },
    CommentOnIssue {
        number: u64,
        body: String,
        draft_key: String,
    },
    CloseIssue {
        number: u64,
        reason: CloseReason,
    },
    ReopenIssue {
        number: u64,
    },
    Assign {
        number: u64,
        login: String,
        add: bool,
    },
    Labels {
        number: u64,
        add: Vec<String>,
        remove: Vec<String>,
    },
    CreatePull {
        new: NewPull,
        issue: Option<u64>,
    },
    ReplyToThread {
        pull: u64,
        thread_id: String,
        body: String,
        draft_key: String,
    },
    ResolveThread {
        pull: u64,
        thread_id: String,
        resolve: bool,
    },
    SubmitReview {
        pull: u64,
        event: ReviewEvent,
        body: String,
        draft_key: String,
    },
    Merge {
        pull: u64,
        method: MergeMethod,
        head_sha: String,
        delete_branch: Option<Name>,
    },
    /// Mark a notification thread read or done, or unsubscribe from it: the account's, so
    /// the effect names no repository.
    Thread {
        thread_id: u64,
        change: ThreadChange,
        title: String,
    },
    /// Ready for review (`draft: false`) or back to draft.
    SetDraft {
        pull: u64,
        node_id: String,
        draft: bool,
    },
    /// Merge the base into the head on GitHub, if the head is still `head_sha`.
    UpdateBranch {
        pull: u64,
        head_sha: String,
    },
    EditPull {
        pull: u64,
        title: String,
        body: String,
        draft_key: String,
    },
    /// A new review comment on a line of the diff.
    LineComment {
        pull: u64,
        comment: crate::github::diff::LineComment,
        draft_key: String,
    },
    /// Let a fork's run that waits for a maintainer's approval start.
    ApproveRun {
        run_id: u64,
        run_number: u64,
    },
    CreateIssue {
        new: NewIssue,
        draft_key: String,
    },
}

/// Outside (or typed) text, made safe and short for the status bar.
fn short_line(text: &str) -> String {
    let safe = crate::text::sanitize_line(text);
    match safe.char_indices().nth(40) {
        Some((cut, _)) => format!("{}…", &safe[..cut]),
        None => safe,
    }
}

/// What a finished mutation reports back.
#[derive(Debug, Clone, PartialEq)]
pub struct Done {
    pub message: String,
    /// A run it started, when the server said which.
    pub started_run: Option<u64>,
    /// A pull request it created.
    pub created_pull: Option<u64>,
    /// The commit a merge put on the base branch (its runs are followed).
    pub merged_sha: Option<String>,
    /// An issue it opened.
    pub created_issue: Option<u64>,
}

impl Mutation {
    /// Short description for progress and errors: "approve the deploy to production".
    pub fn describe(&self) -> String {
        match self {
            Mutation::ReviewDeployment {
                approve,
                environment,
                run_number,
                ..
            } => format!(
                "{} the deploy to {} (run #{run_number})",
                if *approve { "approve" } else { "reject" },
                environment.shown()
            ),
            Mutation::Dispatch { what, .. } => what.clone(),
            Mutation::Rerun {
                run_number,
                only_failed: true,
                ..
            } => {
                format!("re-run the failed jobs of run #{run_number}")
            }
            Mutation::Rerun { run_number, .. } => format!("re-run run #{run_number}"),
            Mutation::Cancel { run_number, .. } => format!("cancel run #{run_number}"),
            Mutation::CommentOnIssue { number, .. } => format!("comment on #{number}"),
            Mutation::CloseIssue { number, reason } => {
                format!("close #{number} as {}", reason.as_str().replace('_', " "))
            }
            Mutation::ReopenIssue { number } => format!("reopen #{number}"),
            Mutation::Assign {
                number,
                login,
                add: true,
            } => format!("assign @{login} to #{number}"),
            Mutation::Assign { number, login, .. } => format!("unassign @{login} from #{number}"),
            Mutation::Labels { number, .. } => format!("change the labels of #{number}"),
            Mutation::CreatePull { new, .. } => format!("open a pull request from {}", new.head),
            Mutation::ReplyToThread { pull, .. } => format!("reply in a review thread of #{pull}"),
            Mutation::ResolveThread {
                pull,
                resolve: true,
                ..
            } => {
                format!("resolve a review thread of #{pull}")
            }
            Mutation::ResolveThread { pull, .. } => format!("unresolve a review thread of #{pull}"),
            Mutation::SubmitReview { pull, event, .. } => format!(
                "submit a review ({}) of #{pull}",
                event.as_str().to_lowercase().replace('_', " ")
            ),
            Mutation::Merge { pull, method, .. } => format!("merge #{pull} ({})", method.as_str()),
            Mutation::Thread { change, title, .. } => {
                let title = short_line(title);
                match change {
                    ThreadChange::Read => format!("mark “{title}” read"),
                    ThreadChange::Done => format!("mark “{title}” done"),
                    ThreadChange::Unsubscribe => format!("unsubscribe from “{title}”"),
                }
            }
            Mutation::SetDraft {
                pull, draft: true, ..
            } => format!("convert #{pull} to a draft"),
            Mutation::SetDraft { pull, .. } => format!("mark #{pull} ready for review"),
            Mutation::UpdateBranch { pull, .. } => format!("update the branch of #{pull}"),
            Mutation::EditPull { pull, .. } => format!("edit #{pull}"),
            Mutation::LineComment { pull, comment, .. } => format!(
                "comment on {}:{} of #{pull}",
                crate::text::sanitize_line(&comment.path),
                comment.line
            ),
            Mutation::ApproveRun { run_number, .. } => format!("approve run #{run_number}"),
            Mutation::CreateIssue {
                new: NewIssue { title, .. },
                ..
            } => format!("open the issue “{}”", short_line(title)),
        }
    }

    /// The commit a dispatched deploy pins through a sha-like input (`main@9092ce7`): the run
    /// itself runs on the branch head, so this, not the run's head sha, is what it deploys.
    pub fn pinned_target(&self) -> Option<String> {
        let Mutation::Dispatch {
            git_ref, inputs, ..
        } = self
        else {
            return None;
        };
        inputs.iter().find_map(|(name, value)| {
            let sha = value.as_str()?;
            let is_sha = sha.len() >= 7 && sha.bytes().all(|b| b.is_ascii_hexdigit());
            (is_sha && SHA_INPUTS.contains(&name.to_ascii_lowercase().as_str())).then(|| {
                format!(
                    "{}@{}",
                    crate::text::sanitize_line(git_ref),
                    crate::words::short_sha(sha)
                )
            })
        })
    }

    /// The draft this mutation sends: deleted once it succeeded, kept when it failed.
    pub fn draft_key(&self) -> Option<&str> {
        match self {
            Mutation::CommentOnIssue { draft_key, .. }
            | Mutation::ReplyToThread { draft_key, .. }
            | Mutation::SubmitReview { draft_key, .. }
            | Mutation::EditPull { draft_key, .. }
            | Mutation::LineComment { draft_key, .. }
            | Mutation::CreateIssue { draft_key, .. } => Some(draft_key),
            _ => None,
        }
    }

    /// Panels whose data the mutation changes, refreshed as soon as it is done.
    pub fn refreshes(&self) -> Vec<ResourceKind> {
        use ResourceKind as K;
        match self {
            Mutation::ReviewDeployment { .. } | Mutation::Dispatch { .. } => {
                vec![K::Environments, K::Runs, K::Jobs, K::Approvals]
            }
            Mutation::Rerun { .. } | Mutation::Cancel { .. } => {
                vec![K::Runs, K::Jobs, K::Environments]
            }
            Mutation::CommentOnIssue { .. }
            | Mutation::CloseIssue { .. }
            | Mutation::ReopenIssue { .. }
            | Mutation::Assign { .. }
            | Mutation::Labels { .. } => vec![K::IssueDetail, K::Issues],
            Mutation::CreatePull { .. } => vec![K::Pulls, K::Runs],
            Mutation::ReplyToThread { .. }
            | Mutation::ResolveThread { .. }
            | Mutation::SubmitReview { .. } => vec![K::PullDetail, K::Pulls],
            Mutation::Merge { .. } => vec![K::PullDetail, K::Pulls, K::Branches, K::Runs],
            Mutation::Thread { .. } => vec![K::Notifications],
            Mutation::SetDraft { .. } | Mutation::EditPull { .. } => {
                vec![K::PullDetail, K::Pulls]
            }
            Mutation::UpdateBranch { .. } => vec![K::PullDetail, K::Pulls, K::Branches, K::Runs],
            Mutation::LineComment { .. } => vec![K::PullDiff, K::PullDetail, K::Pulls],
            Mutation::ApproveRun { .. } => vec![K::Runs, K::Jobs],
            Mutation::CreateIssue { .. } => vec![K::Issues],
        }
    }
}

/// Performs `m` in `repo`; a change to the account (a notification thread) needs none.
pub async fn perform_on(gh: &GitHub, repo: Option<&Slug>, m: &Mutation) -> Result<Done, ApiError> {
    match (repo, m) {
        (
            _,
            Mutation::Thread {
                thread_id, change, ..
            },
        ) => change_thread(gh, *thread_id, *change).await,
        (Some(slug), _) => perform(gh, slug, m).await,
        (None, _) => Err(ApiError::NotAsked {
            why: "no GitHub repository".into(),
        }),
    }
}

async fn change_thread(
    gh: &GitHub,
    thread_id: u64,
    change: ThreadChange,
) -> Result<Done, ApiError> {
    gh.change_thread(thread_id, change).await?;
    let message = match change {
        ThreadChange::Read => "Marked read",
        ThreadChange::Done => "Marked done",
        ThreadChange::Unsubscribe => "Unsubscribed",
    };
    Ok(Done {
        message: message.into(),
        started_run: None,
        created_pull: None,
        merged_sha: None,
        created_issue: None,
    })
}

pub async fn perform(gh: &GitHub, slug: &Slug, m: &Mutation) -> Result<Done, ApiError> {
    let done = |message: String| Done {
        message,
        started_run: None,
        created_pull: None,
        merged_sha: None,
        created_issue: None,
    };
    match m {
        Mutation::ReviewDeployment {
            run_id,
            environment_id,
            approve,
            comment,
            environment,
            ..
        } => {
            gh.review_pending_deployment(slug, *run_id, &[*environment_id], *approve, comment)
                .await?;
            let verb = if *approve { "Approved" } else { "Rejected" };
            Ok(done(format!(
                "{verb} the deploy to {}",
                environment.shown()
            )))
        }
        Mutation::Dispatch {
            workflow,
            git_ref,
            inputs,
            what,
            ..
        } => {
            let run = gh.dispatch(slug, workflow, git_ref, inputs).await?;
            let mut d = done(format!("Started: {what}"));
            d.started_run = run;
            Ok(d)
        }
        Mutation::Rerun {
            run_id,
            run_number,
            only_failed,
        } => {
            gh.rerun(slug, *run_id, *only_failed).await?;
            Ok(done(format!("Re-running run #{run_number}")))
        }
        Mutation::Cancel { run_id, run_number } => {
            gh.cancel_run(slug, *run_id).await?;
            Ok(done(format!("Cancelling run #{run_number}")))
        }
        Mutation::CommentOnIssue { number, body, .. } => {
            gh.comment_on_issue(slug, *number, body).await?;
            Ok(done(format!("Commented on #{number}")))
        }
        Mutation::CloseIssue { number, reason } => {
            gh.close_issue(slug, *number, *reason).await?;
            Ok(done(format!(
                "Closed #{number} as {}",
                reason.as_str().replace('_', " ")
            )))
        }
        Mutation::ReopenIssue { number } => {
            gh.reopen_issue(slug, *number).await?;
            Ok(done(format!("Reopened #{number}")))
        }
        Mutation::Assign {
            number,
            login,
            add: true,
        } => {
            gh.add_assignees(slug, *number, &[login.as_str()]).await?;
            Ok(done(format!("Assigned @{login} to #{number}")))
        }
        Mutation::Assign { number, login, .. } => {
            gh.remove_assignees(slug, *number, &[login.as_str()])
                .await?;
            Ok(done(format!("Unassigned @{login} from #{number}")))
        }
        Mutation::Labels {
            number,
            add,
            remove,
        } => {
            if !add.is_empty() {
                let names: Vec<&str> = add.iter().map(String::as_str).collect();
                gh.add_labels(slug, *number, &names).await?;
            }
            for name in remove {
                gh.remove_label(slug, *number, name).await?;
            }
            Ok(done(format!(
                "Labels of #{number} updated (+{} −{})",
                add.len(),
                remove.len()
            )))
        }
        Mutation::CreatePull { new, .. } => {
            let pr = gh.create_pull(slug, new).await?;
            let mut d = done(format!("Opened pull request #{}", pr.number));
            d.created_pull = Some(pr.number);
            Ok(d)
        }
        Mutation::ReplyToThread {
            thread_id, body, ..
        } => {
            gh.reply_to_thread(thread_id, body).await?;
            Ok(done("Replied in the review thread".into()))
        }
        Mutation::ResolveThread {
            thread_id,
            resolve: true,
            ..
        } => {
            gh.resolve_thread(thread_id).await?;
            Ok(done("Resolved the review thread".into()))
        }
        Mutation::ResolveThread { thread_id, .. } => {
            gh.unresolve_thread(thread_id).await?;
            Ok(done("Unresolved the review thread".into()))
        }
        Mutation::SubmitReview {
            pull, event, body, ..
        } => {
            gh.submit_review(slug, *pull, *event, body).await?;
            Ok(done(format!("Submitted your review of #{pull}")))
        }
        Mutation::Merge {
            pull,
            method,
            head_sha,
            delete_branch,
        } => {
            let r = gh.merge_pull(slug, *pull, *method, Some(head_sha)).await?;
            if !r.merged {
                return Err(ApiError::Client {
                    status: 405,
                    message: r.message,
                });
            }
            let mut msg = format!("Merged #{pull} ({})", method.as_str());
            if let Some(branch) = delete_branch {
                match gh.delete_branch(slug, branch).await {
                    Ok(()) => msg.push_str(&format!(", deleted {}", branch.shown())),
                    Err(e) => msg.push_str(&format!("; could not delete {}: {e}", branch.shown())),
                }
            }
            let mut d = done(msg);
            d.merged_sha = Some(r.sha);
            Ok(d)
        }
        Mutation::Thread {
            thread_id, change, ..
        } => change_thread(gh, *thread_id, *change).await,
        Mutation::SetDraft {
            pull,
            node_id,
            draft,
        } => {
            let now_draft = gh.set_pull_draft(node_id, *draft).await?;
            Ok(done(if now_draft {
                format!("#{pull} is a draft again")
            } else {
                format!("#{pull} is ready for review")
            }))
        }
        Mutation::UpdateBranch { pull, head_sha } => {
            gh.update_branch(slug, *pull, head_sha).await?;
            Ok(done(format!(
                "Updating the branch of #{pull} from its base (GitHub merges it shortly)"
            )))
        }
        Mutation::EditPull {
            pull, title, body, ..
        } => {
            gh.edit_pull(slug, *pull, title, body).await?;
            Ok(done(format!("Edited #{pull}")))
        }
        Mutation::LineComment { pull, comment, .. } => {
            gh.comment_on_line(slug, *pull, comment).await?;
            Ok(done(format!(
                "Commented on {}:{}",
                crate::text::sanitize_line(&comment.path),
                comment.line
            )))
        }
        Mutation::ApproveRun { run_id, run_number } => {
            gh.approve_run(slug, *run_id).await.map_err(|e| match e {
                // Say what the token lacks, not only that GitHub refused.
                ApiError::Forbidden { message } => ApiError::Forbidden {
                    message: format!(
                        "{message}; approving a fork's run needs write access to {}",
                        slug.full_name()
                    ),
                },
                other => other,
            })?;
            Ok(done(format!(
                "Approved run #{run_number}: its jobs start now"
            )))
        }
        Mutation::CreateIssue { new, .. } => {
            let issue = gh.create_issue(slug, new).await?;
            let mut d = done(opened_message(new, &issue));
            d.created_issue = Some(issue.number);
            Ok(d)
        }
    }
}

/// "Opened issue #N", and what GitHub did not apply: it drops the labels and assignees of a
/// user without push access instead of refusing.
fn opened_message(asked: &NewIssue, got: &crate::github::models::Issue) -> String {
    let mut dropped: Vec<String> = asked
        .labels
        .iter()
        .filter(|l| !got.labels.iter().any(|x| x.name.eq_ignore_ascii_case(l)))
        .map(|l| format!("label {}", crate::text::sanitize_line(l)))
        .collect();
    dropped.extend(
        asked
            .assignees
            .iter()
            .filter(|a| {
                !got.assignees
                    .iter()
                    .any(|u| u.login.eq_ignore_ascii_case(a))
            })
            .map(|a| format!("@{}", crate::text::sanitize_line(a))),
    );
    let mut msg = format!("Opened issue #{}", got.number);
    if !dropped.is_empty() {
        msg.push_str(&format!(
            "; GitHub did not apply {} (it needs push access)",
            dropped.join(", ")
        ));
    }
    msg
}
