//! Reading JSON request bodies, with GitHub's messages for what is missing or mistyped.

use serde_json::{Map, Value};

use super::reply::{problems_parsing, wrong_type, ApiError, Req};

pub(crate) fn parse_object(req: &Req) -> Result<Map<String, Value>, ApiError> {
    if req.body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    match serde_json::from_slice::<Value>(req.body) {
        Ok(Value::Object(m)) => Ok(m),
        _ => Err(problems_parsing()),
    }
}

pub(crate) fn opt_string(
    m: &Map<String, Value>,
    key: &str,
) -> Result<Option<Option<String>>, ApiError> {
    match m.get(key) {
        None => Ok(None),
        Some(Value::Null) => Ok(Some(None)),
        Some(Value::String(s)) => Ok(Some(Some(s.clone()))),
        Some(v) => Err(wrong_type(key, v, "a string")),
    }
}

pub(crate) fn string_list(
    m: &Map<String, Value>,
    key: &str,
) -> Result<Option<Vec<String>>, ApiError> {
    match m.get(key) {
        None => Ok(None),
        Some(Value::Array(a)) => a
            .iter()
            .map(|v| match v {
                Value::String(s) => Ok(s.clone()),
                Value::Object(o) => match o.get("name") {
                    Some(Value::String(s)) => Ok(s.clone()),
                    _ => Err(wrong_type(key, v, "a string")),
                },
                _ => Err(wrong_type(key, v, "a string")),
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Some),
        Some(v) => Err(wrong_type(key, v, "an array")),
    }
}
