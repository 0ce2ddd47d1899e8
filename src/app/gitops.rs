//! Local git work requested by `update`, run on a blocking thread (git2 is not `Sync` and a
//! push can take a while), reporting progress to the UI loop and ending with one message.

use super::effect::GitOp;
use super::msg::{GitSuccess, Msg};
use super::pollers::Services;
use crate::git::{self, Cancel, IssueBranchRequest, Progress};
use std::sync::Arc;
use tokio::sync::mpsc;

fn progress_text(what: &str, p: Progress) -> String {
    let pct = |cur: usize, total: usize| (cur * 100).checked_div(total).unwrap_or(0);
    match p {
        Progress::Receiving {
            received_objects,
            total_objects,
            received_bytes,
        } => format!(
            "{what}: receiving {}% ({received_objects}/{total_objects} objects, {} KiB)",
            pct(received_objects, total_objects),
            received_bytes / 1024
        ),
        Progress::Resolving {
            indexed_deltas,
            total_deltas,
        } => {
            format!("{what}: resolving {}%", pct(indexed_deltas, total_deltas))
        }
        Progress::Packing { current, total } => format!("{what}: packing {}%", pct(current, total)),
        Progress::Sending {
            current,
            total,
            bytes,
        } => {
            format!(
                "{what}: sending {}% ({} KiB)",
                pct(current, total),
                bytes / 1024
            )
        }
    }
}

pub fn spawn(
    services: Arc<Services>,
    id: u64,
    op: GitOp,
    dir: Option<std::path::PathBuf>,
    tx: mpsc::UnboundedSender<Msg>,
) {
    tokio::task::spawn_blocking(move || {
        let result = run(&services, id, &op, dir, &tx);
        let _ = tx.send(Msg::GitDone { id, op, result });
    });
}

fn run(
    s: &Services,
    id: u64,
    op: &GitOp,
    dir: Option<std::path::PathBuf>,
    tx: &mpsc::UnboundedSender<Msg>,
) -> Result<GitSuccess, String> {
    let path = dir
        .or_else(|| s.repo_path.clone())
        .ok_or("not inside a git repository")?;
    let cancel = Cancel::new();
    let what = op.describe();
    let mut report = |p: Progress| {
        let _ = tx.send(Msg::GitProgress {
            id,
            text: progress_text(&what, p),
        });
    };
    let default_branch = s.default_branch.lock().ok().and_then(|d| d.clone());
    let e = |e: git::GitError| e.to_string();
    match op {
        GitOp::BranchFromIssue {
            number,
            title,
            default_branch,
        } => {
            let req = IssueBranchRequest {
                number: *number,
                title: title.clone(),
                remote: "origin".into(),
                default_branch: default_branch.clone(),
            };
            let b = git::branch_from_issue(&path, &req, &s.remote_auth, &cancel, &mut report)
                .map_err(e)?;
            Ok(if b.created {
                format!("Created and checked out {} from {}", b.name, b.start_point)
            } else {
                format!("Checked out {} (it already existed for #{number})", b.name)
            }
            .into())
        }
        GitOp::Checkout { name } => {
            git::checkout_branch(&path, name).map_err(e)?;
            Ok(format!("Checked out {name}").into())
        }
        GitOp::CreateBranch { name, start } => {
            git::create_branch(&path, name, start, true).map_err(e)?;
            Ok(format!("Created and checked out {name} from {start}").into())
        }
        GitOp::DeleteMerged { name } => {
            git::delete_merged_branch(&path, name, default_branch.as_deref()).map_err(e)?;
            Ok(format!("Deleted {name}").into())
        }
        GitOp::Fetch => {
            let out =
                git::fetch(&path, "origin", &s.remote_auth, &cancel, &mut report).map_err(e)?;
            Ok(format!(
                "Fetched origin: {} refs updated, {} objects",
                out.updated_refs.len(),
                out.received_objects
            )
            .into())
        }
        GitOp::CheckoutPull {
            number,
            head_ref,
            fork_owner,
        } => {
            let req = git::PullCheckout {
                number: *number,
                head_ref: head_ref.clone(),
                fork_owner: fork_owner.clone(),
                remote: "origin".into(),
            };
            let b =
                git::checkout_pull(&path, &req, &s.remote_auth, &cancel, &mut report).map_err(e)?;
            let short = &b.sha[..b.sha.len().min(7)];
            Ok(if b.created {
                format!("Checked out #{number} in a new branch {} ({short})", b.name)
            } else {
                format!("Checked out #{number} in {} ({short})", b.name)
            }
            .into())
        }
        GitOp::Push => {
            let out = git::push_current_branch(&path, None, &s.remote_auth, &cancel, &mut report)
                .map_err(e)?;
            let message = format!(
                "Pushed {} to {} ({})",
                out.branch,
                out.upstream,
                &out.sha[..out.sha.len().min(7)]
            );
            Ok(GitSuccess {
                message,
                pushed: Some(out),
            })
        }
    }
}
