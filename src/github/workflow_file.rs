//! What a workflow file says about being dispatched: whether it has `workflow_dispatch`, and
//! its inputs (type, default, required, options) for the dispatch and deploy forms.

use yaml_rust2::{Yaml, YamlLoader};

#[derive(Debug, Clone, PartialEq)]
pub enum InputKind {
    String,
    Choice(Vec<String>),
    Boolean,
    Environment,
    Number,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DispatchInput {
    pub name: String,
    pub description: Option<String>,
    pub required: bool,
    pub default: Option<String>,
    pub kind: InputKind,
}

#[derive(Debug, Clone, PartialEq)]
pub struct WorkflowFile {
    pub dispatchable: bool,
    pub inputs: Vec<DispatchInput>,
}

fn scalar(y: &Yaml) -> Option<String> {
    match y {
        Yaml::String(s) | Yaml::Real(s) => Some(s.clone()),
        Yaml::Integer(i) => Some(i.to_string()),
        Yaml::Boolean(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Parses a workflow file. YAML errors are reported with their position.
pub fn parse(text: &str) -> Result<WorkflowFile, String> {
    let docs = YamlLoader::load_from_str(text)
        .map_err(|e| format!("workflow file is not valid YAML: {e}"))?;
    let doc = docs.into_iter().next().unwrap_or(Yaml::Null);
    // `on` may be a string, a list of events, or a map of event → settings. YAML 1.1 readers
    // turn a bare `on` key into `true`; accept both spellings.
    let on = match &doc["on"] {
        Yaml::BadValue => doc
            .as_hash()
            .and_then(|h| h.get(&Yaml::Boolean(true)))
            .cloned()
            .unwrap_or(Yaml::BadValue),
        other => other.clone(),
    };
    let dispatch = match &on {
        Yaml::String(s) => (s == "workflow_dispatch").then(|| Yaml::Null),
        Yaml::Array(a) => a
            .iter()
            .any(|e| e.as_str() == Some("workflow_dispatch"))
            .then(|| Yaml::Null),
        Yaml::Hash(h) => h.get(&Yaml::String("workflow_dispatch".into())).cloned(),
        _ => None,
    };
    let Some(dispatch) = dispatch else {
        return Ok(WorkflowFile {
            dispatchable: false,
            inputs: Vec::new(),
        });
    };
    let mut inputs = Vec::new();
    if let Yaml::Hash(h) = &dispatch["inputs"] {
        for (k, v) in h {
            let Some(name) = scalar(k) else { continue };
            let kind = match v["type"].as_str().unwrap_or("string") {
                "choice" => InputKind::Choice(
                    v["options"]
                        .as_vec()
                        .map(|o| o.iter().filter_map(scalar).collect())
                        .unwrap_or_default(),
                ),
                "boolean" => InputKind::Boolean,
                "environment" => InputKind::Environment,
                "number" => InputKind::Number,
                _ => InputKind::String,
            };
            inputs.push(DispatchInput {
                name,
                description: v["description"].as_str().map(str::to_string),
                required: v["required"].as_bool().unwrap_or(false),
                default: scalar(&v["default"]),
                kind,
            });
        }
    }
    Ok(WorkflowFile {
        dispatchable: true,
        inputs,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_dispatch_inputs() {
        let y = "name: Deploy\non:\n  workflow_dispatch:\n    inputs:\n      environment:\n        type: environment\n        required: true\n      level:\n        type: choice\n        default: info\n        options: [info, debug]\n      dry:\n        type: boolean\n        default: false\n      note:\n        description: Why\njobs: {}\n";
        let f = parse(y).expect("parses");
        assert!(f.dispatchable);
        assert_eq!(f.inputs.len(), 4);
        assert_eq!(f.inputs[0].kind, InputKind::Environment);
        assert!(f.inputs[0].required);
        assert_eq!(
            f.inputs[1].kind,
            InputKind::Choice(vec!["info".into(), "debug".into()])
        );
        assert_eq!(f.inputs[1].default.as_deref(), Some("info"));
        assert_eq!(f.inputs[2].default.as_deref(), Some("false"));
        assert_eq!(f.inputs[3].kind, InputKind::String);
    }

    #[test]
    fn event_lists_and_missing_dispatch() {
        assert!(
            parse("on: [push, workflow_dispatch]\n")
                .expect("ok")
                .dispatchable
        );
        assert!(
            !parse("on:\n  schedule:\n    - cron: '0 3 * * *'\n")
                .expect("ok")
                .dispatchable
        );
        assert!(parse("on: workflow_dispatch\n").expect("ok").dispatchable);
        assert!(parse("on: [\n").is_err());
    }
}
