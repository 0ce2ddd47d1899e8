//! The asker and other users: `/user`, `/users/{username}` and the asker's `/rate_limit`.

use serde_json::{json, Value};

use super::reply::{not_found, requires_auth, RateSnapshot, Reply, Req, R};
use crate::fakehub::render::{self, Ctx};
use crate::fakehub::world::World;

pub(super) fn rate_limit_json(core: RateSnapshot, search: RateSnapshot) -> Value {
    let window = |r: RateSnapshot| {
        json!({
            "limit": r.limit,
            "used": r.used,
            "remaining": r.limit.saturating_sub(r.used),
            "reset": r.reset,
        })
    };
    let other =
        |limit: u32| json!({"limit": limit, "used": 0, "remaining": limit, "reset": core.reset});
    json!({
        "resources": {
            "core": window(core),
            "search": window(search),
            "graphql": other(5000),
            "integration_manifest": other(5000),
            "code_search": other(10),
        },
        "rate": window(core),
    })
}

pub(super) fn signed_in(w: &World, ctx: &Ctx) -> R {
    let login = ctx.viewer.as_deref().ok_or_else(requires_auth)?;
    Ok(Reply::json(render::full_user_json(w, login, ctx)))
}

pub(super) fn user(w: &World, ctx: &Ctx, login: &str) -> R {
    let u = w.user(login).ok_or_else(not_found)?;
    Ok(Reply::json(render::full_user_json(w, &u.login, ctx)))
}

pub(super) fn rate_limit(req: &Req) -> R {
    Ok(Reply::json(rate_limit_json(req.rate, req.search)))
}
