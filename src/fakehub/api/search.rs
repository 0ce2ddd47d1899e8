//! Searching issues and pull requests.

use serde_json::{json, Value};

use super::paging::{paginate, query};
use super::reply::{ApiError, Reply, Req, R};
use crate::fakehub::render::{self, Ctx};
use crate::fakehub::world::{Issue, Repo, World};

/// The most results a search lets one page through.
const MAX_RESULTS: usize = 1000;

/// `@who` in the issue's text or any of its comments.
fn mentions(i: &Issue, who: &str) -> bool {
    let at = format!("@{who}");
    let hit = |text: &str| {
        text.match_indices(&at).any(|(k, _)| {
            let next = text[k + at.len()..].chars().next();
            !next.is_some_and(|c| c.is_ascii_alphanumeric() || c == '-')
        })
    };
    !who.is_empty()
        && (i.body.as_deref().is_some_and(hit) || i.comments.iter().any(|c| hit(&c.body)))
}

pub(super) type IssuePred<'a> = Box<dyn Fn(&Repo, &Issue) -> bool + 'a>;

/// Splits a search query into terms, keeping "quoted values" together.
pub(super) fn search_terms(q: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    for c in q.chars() {
        match c {
            '"' => quoted = !quoted,
            c if c.is_whitespace() && !quoted => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
            c => cur.push(c),
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

pub(super) fn search_issues(w: &World, ctx: &Ctx, req: &Req) -> R {
    let Some(q) = query(req, "q") else {
        return Err(ApiError {
            status: 422,
            message: "Validation Failed".into(),
            errors: Some(json!([{"resource": "Search", "field": "q", "code": "missing"}])),
        });
    };
    let me = ctx.viewer.as_deref();
    let mut filters: Vec<IssuePred<'_>> = Vec::new();
    // `repo:`, `org:` and `user:` say where to search: several of them widen the search (any
    // of them matches), as on github.com, where every other qualifier narrows it.
    let mut scopes: Vec<IssuePred<'_>> = Vec::new();
    let mut sort = query(req, "sort").map(str::to_string);
    let mut asc = query(req, "order") == Some("asc");
    for term in search_terms(q) {
        let (negate, term) = match term.strip_prefix('-') {
            Some(t) => (true, t.to_string()),
            None => (false, term),
        };
        let Some((key, value)) = term.split_once(':') else {
            let text = term.to_lowercase();
            filters.push(Box::new(move |_, i: &Issue| {
                let hit = i.title.to_lowercase().contains(&text)
                    || i.body
                        .as_deref()
                        .is_some_and(|b| b.to_lowercase().contains(&text));
                hit != negate
            }));
            continue;
        };
        let key = key.to_lowercase();
        let value = value.to_string();
        let who = if value == "@me" {
            me.unwrap_or("").to_string()
        } else {
            value.clone()
        };
        let f: IssuePred<'_> = match (key.as_str(), value.as_str()) {
            ("is" | "type", "pr" | "pull-request") => Box::new(|_, i: &Issue| i.pull.is_some()),
            ("is" | "type", "issue") => Box::new(|_, i: &Issue| i.pull.is_none()),
            ("is" | "state", "open") => Box::new(|_, i: &Issue| i.state == "open"),
            ("is" | "state", "closed") => Box::new(|_, i: &Issue| i.state == "closed"),
            ("is", "merged") => {
                Box::new(|_, i: &Issue| i.pull.as_ref().is_some_and(|p| p.merged_at.is_some()))
            }
            ("is", "unmerged") => Box::new(|_, i: &Issue| {
                i.pull.as_ref().is_some_and(|p| p.merged_at.is_none()) && i.state == "closed"
            }),
            ("is", "draft") | ("draft", "true") => {
                Box::new(|_, i: &Issue| i.pull.as_ref().is_some_and(|p| p.draft))
            }
            ("draft", "false") => {
                Box::new(|_, i: &Issue| i.pull.as_ref().is_some_and(|p| !p.draft))
            }
            ("author", _) => Box::new(move |_, i: &Issue| i.user.eq_ignore_ascii_case(&who)),
            ("assignee", _) => Box::new(move |_, i: &Issue| {
                i.assignees.iter().any(|a| a.eq_ignore_ascii_case(&who))
            }),
            ("mentions", _) => Box::new(move |_, i: &Issue| mentions(i, &who)),
            ("commenter", _) => Box::new(move |_, i: &Issue| {
                i.comments.iter().any(|c| c.user.eq_ignore_ascii_case(&who))
            }),
            ("involves", _) => Box::new(move |_, i: &Issue| {
                i.user.eq_ignore_ascii_case(&who)
                    || i.assignees.iter().any(|a| a.eq_ignore_ascii_case(&who))
                    || i.comments.iter().any(|c| c.user.eq_ignore_ascii_case(&who))
                    || mentions(i, &who)
            }),
            ("review-requested", _) => Box::new(move |_, i: &Issue| {
                i.pull.as_ref().is_some_and(|p| {
                    p.requested_reviewers
                        .iter()
                        .any(|r| r.eq_ignore_ascii_case(&who))
                })
            }),
            ("reviewed-by", _) => Box::new(move |_, i: &Issue| {
                i.pull
                    .as_ref()
                    .is_some_and(|p| p.reviews.iter().any(|r| r.user.eq_ignore_ascii_case(&who)))
            }),
            ("repo", _) if !negate => {
                scopes.push(Box::new(move |r: &Repo, _| {
                    r.full_name().eq_ignore_ascii_case(&value)
                }));
                continue;
            }
            ("user" | "org", _) if !negate => {
                scopes.push(Box::new(move |r: &Repo, _| {
                    r.owner.eq_ignore_ascii_case(&value)
                }));
                continue;
            }
            ("repo", _) => Box::new(move |r: &Repo, _| r.full_name().eq_ignore_ascii_case(&value)),
            ("user" | "org", _) => {
                Box::new(move |r: &Repo, _| r.owner.eq_ignore_ascii_case(&value))
            }
            ("label", _) => Box::new(move |_, i: &Issue| {
                value
                    .split(',')
                    .any(|l| i.labels.iter().any(|x| x.eq_ignore_ascii_case(l.trim())))
            }),
            ("no", "assignee") => Box::new(|_, i: &Issue| i.assignees.is_empty()),
            ("no", "label") => Box::new(|_, i: &Issue| i.labels.is_empty()),
            ("sort", s) => {
                let (field, dir) = s.rsplit_once('-').unwrap_or((s, "desc"));
                sort = Some(field.to_string());
                asc = dir == "asc";
                continue;
            }
            // Unknown qualifiers (archived:, in:, ...) do not narrow this simulation.
            _ => continue,
        };
        if negate {
            filters.push(Box::new(move |r: &Repo, i: &Issue| !f(r, i)));
        } else {
            filters.push(f);
        }
    }
    let mut hits: Vec<(&Repo, &Issue)> = w
        .repos
        .iter()
        .filter(|r| r.can_read(me))
        .flat_map(|r| r.issues.values().map(move |i| (r, i)))
        .filter(|(_, i)| i.created_at <= ctx.now)
        .filter(|(r, i)| scopes.is_empty() || scopes.iter().any(|f| f(r, i)))
        .filter(|(r, i)| filters.iter().all(|f| f(r, i)))
        .collect();
    match sort.as_deref() {
        Some("created") => hits.sort_by_key(|(_, i)| (i.created_at, i.id)),
        Some("comments") => hits.sort_by_key(|(_, i)| (i.comments.len(), i.id)),
        _ => hits.sort_by_key(|(_, i)| (i.updated_at, i.id)),
    }
    if !asc {
        hits.reverse();
    }
    let items: Vec<Value> = hits
        .into_iter()
        .map(|(r, i)| {
            let mut v = render::issue_json(w, r, i, ctx, false);
            if let Value::Object(m) = &mut v {
                m.insert("score".into(), json!(1.0));
            }
            v
        })
        .collect();
    let total = items.len();
    // GitHub lets a search page through its first 1,000 results only; `total_count` still
    // counts them all.
    let items: Vec<Value> = items.into_iter().take(MAX_RESULTS).collect();
    let (slice, link) = paginate(ctx, req, items);
    let mut r = Reply::json(json!({
        "total_count": total,
        "incomplete_results": false,
        "search_type": "lexical",
        "items": slice,
    }));
    if let Some(l) = link {
        r.headers.push(("link", l));
    }
    Ok(r)
}
