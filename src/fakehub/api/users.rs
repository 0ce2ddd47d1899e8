//! The asker and other users: `/user`, `/users/{username}` and the asker's `/rate_limit`.

use serde_json::{json, Value};

use super::reply::RateSnapshot;

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
