//! `/notifications`: the viewer's threads with GitHub's conditional polling (`Last-Modified`,
//! `If-Modified-Since` → 304, `X-Poll-Interval`), and marking a thread read, done or
//! unsubscribed. The threads come from `../notifications.rs`.

use chrono::DateTime;
use serde_json::{json, Value};

use super::paging::{list, parse_since, query};
use super::reply::{not_found, requires_auth, validation, Reply, Req, R};
use crate::fakehub::notifications::Listed;
use crate::fakehub::render::{repo_min_json, ts, Ctx};
use crate::fakehub::world::{Time, World};

/// Seconds GitHub asks a client to wait between polls.
pub(crate) const POLL_INTERVAL: u64 = 60;

fn http_date(t: Time) -> String {
    t.format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

pub(super) fn list_threads(w: &mut World, ctx: &Ctx, req: &Req) -> R {
    let login = ctx.viewer.clone().ok_or_else(requires_auth)?;
    let since = parse_since(req)?;
    let before = match query(req, "before") {
        None => None,
        Some(s) => Some(
            DateTime::parse_from_rfc3339(s)
                .map(|d| d.to_utc())
                .map_err(|_| validation("Notification", "before", "invalid", Some(json!(s))))?,
        ),
    };
    let all = query(req, "all") == Some("true");
    let participating = query(req, "participating") == Some("true");
    let threads = w.notification_threads(&login, ctx.now);
    let last_modified = threads
        .iter()
        .map(|t| t.thread.updated_at)
        .chain(w.notifications.changed_at)
        .max()
        .unwrap_or(w.started_at);
    let headers = vec![
        ("last-modified", http_date(last_modified)),
        (
            "x-poll-interval",
            w.notifications
                .poll_interval
                .unwrap_or(POLL_INTERVAL)
                .to_string(),
        ),
    ];
    let unchanged = req
        .if_modified_since
        .and_then(|v| DateTime::parse_from_rfc2822(v).ok())
        .is_some_and(|since| last_modified.timestamp() <= since.timestamp());
    if unchanged {
        let mut r = Reply::empty(304);
        r.headers = headers;
        return Ok(r);
    }
    let items: Vec<Value> = threads
        .iter()
        .filter(|t| all || t.unread)
        .filter(|t| !participating || t.thread.reason != "subscribed")
        .filter(|t| since.is_none_or(|s| t.thread.updated_at > s))
        .filter(|t| before.is_none_or(|b| t.thread.updated_at < b))
        .map(|t| thread_json(w, t, ctx))
        .collect();
    let mut r = list(ctx, req, items)?;
    r.headers.extend(headers);
    Ok(r)
}

fn thread_json(w: &World, t: &Listed, ctx: &Ctx) -> Value {
    let api = &ctx.api;
    let subject = format!("{api}{}", t.thread.path);
    json!({
        "id": t.id.to_string(),
        "unread": t.unread,
        "reason": t.thread.reason,
        "updated_at": ts(t.thread.updated_at),
        "last_read_at": t.last_read_at.map_or(Value::Null, ts),
        "subject": {
            "title": t.thread.title,
            "url": subject,
            "latest_comment_url": subject,
            "type": t.thread.kind,
        },
        "repository": repo_min_json(w, &w.repos[t.thread.repo], ctx),
        "url": format!("{api}/notifications/threads/{}", t.id),
        "subscription_url": format!("{api}/notifications/threads/{}/subscription", t.id),
    })
}

/// What the account does with a thread.
#[derive(Clone, Copy, Debug)]
pub(super) enum Change {
    Read,
    Done,
    Unsubscribe,
}

pub(super) fn change_thread(w: &mut World, ctx: &Ctx, id: u64, change: Change) -> R {
    let login = ctx.viewer.clone().ok_or_else(requires_auth)?;
    // A thread is known once it was listed; list now so one never asked for still counts.
    let _ = w.notification_threads(&login, ctx.now);
    let now = ctx.now;
    let st = w.notifications.by_id(&login, id).ok_or_else(not_found)?;
    let status = match change {
        Change::Read => {
            st.last_read_at = Some(now);
            205
        }
        Change::Done => {
            st.done_at = Some(now);
            204
        }
        // Every thread fakehub derives is one the account takes part in, which GitHub keeps
        // notifying of after an unsubscribe: nothing to keep.
        Change::Unsubscribe => 204,
    };
    if !matches!(change, Change::Unsubscribe) {
        w.notifications.changed_at = Some(now);
    }
    Ok(Reply::empty(status))
}
