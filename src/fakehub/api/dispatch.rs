//! Starting a workflow by hand (`workflow_dispatch`), with GitHub's checks of its inputs.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use super::access::{require_write, viewer};
use super::input::parse_object;
use super::reply::{not_found, not_supplied, unprocessable, wrong_type, Reply, Req, R};
use super::runs::find_workflow;
use crate::fakehub::pushes::RunTrigger;
use crate::fakehub::render::Ctx;
use crate::fakehub::world::World;

pub(super) fn dispatch(w: &mut World, ri: usize, ctx: &Ctx, req: &Req, wf_id: &str) -> R {
    let login = viewer(ctx)?.to_string();
    let repo = &w.repos[ri];
    require_write(req, repo, &login)?;
    let wf = find_workflow(repo, wf_id)?.clone();
    let body = parse_object(req)?;
    let git_ref = match body.get("ref") {
        None | Some(Value::Null) => return Err(not_supplied("ref")),
        Some(Value::String(s)) => s.clone(),
        Some(v) => return Err(wrong_type("ref", v, "a string")),
    };
    let inputs = match body.get("inputs") {
        None | Some(Value::Null) => Map::new(),
        Some(Value::Object(m)) => m.clone(),
        Some(v) => return Err(wrong_type("inputs", v, "an object")),
    };
    let details = match body.get("return_run_details") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(v) => return Err(wrong_type("return_run_details", v, "a boolean")),
    };
    if !wf.has_trigger("workflow_dispatch") {
        return Err(unprocessable(
            "Workflow does not have 'workflow_dispatch' trigger",
        ));
    }
    let branch = git_ref
        .strip_prefix("refs/heads/")
        .unwrap_or(&git_ref)
        .to_string();
    if repo.branch(&branch).is_none() {
        return Err(unprocessable(format!("No ref found for: {git_ref}")));
    }
    let unexpected: Vec<&String> = inputs
        .keys()
        .filter(|k| !wf.inputs.iter().any(|i| &i.name == *k))
        .collect();
    if !unexpected.is_empty() {
        return Err(unprocessable(format!(
            "Unexpected inputs provided: {}",
            json!(unexpected)
        )));
    }
    let mut resolved: BTreeMap<String, Value> = BTreeMap::new();
    for i in &wf.inputs {
        let given = inputs.get(&i.name).filter(|v| !v.is_null());
        let value = match (given, &i.default) {
            (Some(v), _) => v.clone(),
            (None, Some(d)) => d.clone(),
            (None, None) if i.required => {
                return Err(unprocessable(format!(
                    "Required input '{}' not provided",
                    i.name
                )))
            }
            (None, None) => Value::String(String::new()),
        };
        let as_text = match &value {
            Value::String(s) => s.clone(),
            Value::Bool(b) => b.to_string(),
            Value::Number(n) => n.to_string(),
            other => {
                return Err(unprocessable(format!(
                    "Provided value '{other}' for input '{}' is not a string",
                    i.name
                )))
            }
        };
        if i.required && as_text.is_empty() {
            return Err(unprocessable(format!(
                "Required input '{}' not provided",
                i.name
            )));
        }
        let bad = |what: &str| {
            unprocessable(format!(
                "Provided value '{as_text}' for input '{}' {what}",
                i.name
            ))
        };
        let value = match i.kind.as_str() {
            "boolean" => match as_text.as_str() {
                "true" => Value::Bool(true),
                "false" => Value::Bool(false),
                _ => return Err(bad("is not a valid boolean")),
            },
            "choice" => {
                if !i.options.contains(&as_text) {
                    return Err(bad("not in the list of allowed values"));
                }
                Value::String(as_text)
            }
            "environment" => {
                if !as_text.is_empty() && repo.environment(&as_text).is_none() {
                    return Err(bad("is not a valid environment"));
                }
                Value::String(as_text)
            }
            "number" => {
                if !as_text.is_empty() && as_text.parse::<f64>().is_err() {
                    return Err(bad("is not a valid number"));
                }
                Value::String(as_text)
            }
            _ => Value::String(as_text),
        };
        resolved.insert(i.name.clone(), value);
    }
    let t = RunTrigger {
        branch: &branch,
        sha: None,
        event: "workflow_dispatch",
        actor: &login,
        title: &wf.name,
        pr: None,
        inputs: resolved,
    };
    let Some(id) = w.start_run(ri, wf.id, t, ctx.now) else {
        return Err(not_found());
    };
    let full = w.repos[ri].full_name();
    if details {
        return Ok(Reply::json(json!({
            "workflow_run_id": id,
            "run_url": format!("{}/repos/{full}/actions/runs/{id}", ctx.api),
            "html_url": format!("{}/{full}/actions/runs/{id}", ctx.web()),
        })));
    }
    Ok(Reply::empty(204))
}
