//! What a handler answers: a reply or one of GitHub's error bodies.

use serde_json::{json, Map, Value};

pub(crate) const DOCS: &str = "https://docs.github.com/rest";

/// A request as the router sees it.
pub(crate) struct Req<'a> {
    pub method: &'a str,
    pub path: &'a str,
    pub query: Vec<(String, String)>,
    pub body: &'a [u8],
    pub scopes: Option<&'a [String]>,
    /// The asker's core and search rate-limit windows (for `/rate_limit`).
    pub rate: RateSnapshot,
    pub search: RateSnapshot,
    /// Base URL of the blob listener, and a signer for its URLs.
    pub blob_base: &'a str,
    pub sign: &'a dyn Fn(&str, i64) -> String,
    /// The `If-Modified-Since` request header (conditional polling of notifications).
    pub if_modified_since: Option<&'a str>,
}

#[derive(Clone, Copy, Debug)]
pub(crate) struct RateSnapshot {
    pub limit: u32,
    pub used: u32,
    pub reset: i64,
    pub resource: &'static str,
}

pub(crate) enum Body {
    Json(Value),
    Empty,
}

pub(crate) struct Reply {
    pub status: u16,
    pub body: Body,
    pub headers: Vec<(&'static str, String)>,
}

impl Reply {
    pub(crate) fn json(v: Value) -> Reply {
        Reply {
            status: 200,
            body: Body::Json(v),
            headers: Vec::new(),
        }
    }

    pub(crate) fn status(mut self, s: u16) -> Reply {
        self.status = s;
        self
    }

    /// 201 Created with the new resource, and where it lives (`ctx.api` + `path`).
    pub(crate) fn created(v: Value, ctx: &crate::fakehub::render::Ctx, path: String) -> Reply {
        let mut r = Reply::json(v).status(201);
        r.headers.push(("location", format!("{}{path}", ctx.api)));
        r
    }

    pub(crate) fn empty(status: u16) -> Reply {
        Reply {
            status,
            body: Body::Empty,
            headers: Vec::new(),
        }
    }
}

#[derive(Debug)]
pub(crate) struct ApiError {
    pub status: u16,
    pub message: String,
    pub errors: Option<Value>,
}

impl ApiError {
    pub fn new(status: u16, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            message: message.into(),
            errors: None,
        }
    }

    pub fn body(&self) -> Value {
        let mut m = Map::new();
        m.insert("message".into(), json!(self.message));
        if let Some(e) = &self.errors {
            m.insert("errors".into(), e.clone());
        }
        m.insert("documentation_url".into(), json!(DOCS));
        m.insert("status".into(), json!(self.status.to_string()));
        Value::Object(m)
    }
}

pub(crate) fn not_found() -> ApiError {
    ApiError::new(404, "Not Found")
}

pub(crate) fn requires_auth() -> ApiError {
    ApiError::new(401, "Requires authentication")
}

pub(crate) fn problems_parsing() -> ApiError {
    ApiError::new(400, "Problems parsing JSON")
}

pub(crate) fn validation(
    resource: &str,
    field: &str,
    code: &str,
    value: Option<Value>,
) -> ApiError {
    let mut e = json!({"resource": resource, "code": code, "field": field});
    if let (Some(v), Value::Object(m)) = (value, &mut e) {
        m.insert("value".into(), v);
    }
    ApiError {
        status: 422,
        message: "Validation Failed".into(),
        errors: Some(json!([e])),
    }
}

pub(crate) fn unprocessable(message: impl Into<String>) -> ApiError {
    ApiError::new(422, message)
}

pub(crate) fn not_supplied(field: &str) -> ApiError {
    unprocessable(format!("Invalid request.\n\n\"{field}\" wasn't supplied."))
}

pub(crate) fn wrong_type(field: &str, v: &Value, ty: &str) -> ApiError {
    unprocessable(format!(
        "Invalid request.\n\nFor 'properties/{field}', {v} is not {ty}."
    ))
}

pub(crate) type R = Result<Reply, ApiError>;
