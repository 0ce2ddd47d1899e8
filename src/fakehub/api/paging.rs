//! Query parameters and GitHub's `Link` pagination of lists.

use chrono::DateTime;
use serde_json::{json, Map, Value};

use super::reply::{validation, ApiError, Reply, Req, R};
use crate::fakehub::render::Ctx;

pub(crate) fn query<'a>(req: &'a Req, key: &str) -> Option<&'a str> {
    req.query
        .iter()
        .rev()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
        .filter(|v| !v.is_empty())
}

pub(super) fn parse_since(req: &Req) -> Result<Option<crate::fakehub::world::Time>, ApiError> {
    match query(req, "since") {
        None => Ok(None),
        Some(s) => DateTime::parse_from_rfc3339(s)
            .map(|d| Some(d.to_utc()))
            .map_err(|_| validation("Issue", "since", "invalid", Some(json!(s)))),
    }
}

pub(super) fn page_params(req: &Req) -> (usize, usize) {
    let per_page = query(req, "per_page")
        .and_then(|v| v.parse::<usize>().ok())
        .filter(|&n| n > 0)
        .unwrap_or(30)
        .min(100);
    let page = query(req, "page")
        .and_then(|v| v.parse::<usize>().ok())
        .filter(|&n| n > 0)
        .unwrap_or(1);
    (per_page, page)
}

/// Slices `items` to the requested page and builds the `Link` header.
pub(super) fn paginate(ctx: &Ctx, req: &Req, items: Vec<Value>) -> (Vec<Value>, Option<String>) {
    let (per_page, page) = page_params(req);
    let total = items.len();
    let last = total.div_ceil(per_page).max(1);
    let start = (page - 1).saturating_mul(per_page);
    let slice: Vec<Value> = items.into_iter().skip(start).take(per_page).collect();
    let url_for = |p: usize| {
        let mut pairs: Vec<(String, String)> = Vec::new();
        let mut replaced = false;
        for (k, v) in &req.query {
            if k == "page" {
                if !replaced {
                    pairs.push((k.clone(), p.to_string()));
                    replaced = true;
                }
            } else {
                pairs.push((k.clone(), v.clone()));
            }
        }
        if !replaced {
            pairs.push(("page".into(), p.to_string()));
        }
        let q: String = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish();
        format!("{}{}?{q}", ctx.api, req.path)
    };
    let mut links = Vec::new();
    if page > 1 {
        links.push(format!("<{}>; rel=\"prev\"", url_for((page - 1).min(last))));
    }
    if page < last {
        links.push(format!("<{}>; rel=\"next\"", url_for(page + 1)));
        links.push(format!("<{}>; rel=\"last\"", url_for(last)));
    }
    if page > 1 {
        links.push(format!("<{}>; rel=\"first\"", url_for(1)));
    }
    let link = (!links.is_empty()).then(|| links.join(", "));
    (slice, link)
}

pub(crate) fn list(ctx: &Ctx, req: &Req, items: Vec<Value>) -> R {
    let (slice, link) = paginate(ctx, req, items);
    let mut r = Reply::json(Value::Array(slice));
    if let Some(l) = link {
        r.headers.push(("link", l));
    }
    Ok(r)
}

pub(super) fn wrapped_list(ctx: &Ctx, req: &Req, key: &str, items: Vec<Value>) -> R {
    let total = items.len();
    let (slice, link) = paginate(ctx, req, items);
    let mut m = Map::new();
    m.insert("total_count".into(), json!(total));
    m.insert(key.into(), Value::Array(slice));
    let mut r = Reply::json(Value::Object(m));
    if let Some(l) = link {
        r.headers.push(("link", l));
    }
    Ok(r)
}
