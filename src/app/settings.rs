//! What the application builds from the plain config: the pollers' intervals, the deploy
//! targets and the keymap, and the check that the file's bindings make a keymap (`config`
//! runs it while it reads the file, so a bad binding is reported with its line).

use super::keymap::{BindingError, KeyContext, Keymap};
use super::pollers::Intervals;
use super::prepare::DeployTarget;
use crate::config::{Binding, DeployConfig, InputValue, Loaded, PollConfig};
use std::collections::HashMap;
use std::time::Duration;

pub fn intervals(poll: &PollConfig) -> Intervals {
    // One second is the floor: a zero would spin.
    let s = |v: u64| Duration::from_secs(v.max(1));
    Intervals {
        branches: s(poll.branches_secs),
        issues: s(poll.issues_secs),
        pulls: s(poll.pulls_secs),
        runs_idle: s(poll.runs_idle_secs),
        runs_active: s(poll.runs_active_secs),
        jobs_active: s(poll.jobs_active_secs),
        environments_idle: s(poll.environments_idle_secs),
        environments_active: s(poll.environments_active_secs),
        issue_detail: Intervals::default().issue_detail,
        notifications: Intervals::default().notifications,
    }
}

/// Environment → workflow and inputs, as the deploy actions take them.
pub fn deploy_targets(deploy: &DeployConfig) -> HashMap<String, DeployTarget> {
    deploy
        .environments
        .iter()
        .map(|(name, e)| {
            let inputs = e
                .inputs
                .iter()
                .map(|(k, v)| {
                    let v = match v {
                        InputValue::String(s) => serde_json::Value::String(s.clone()),
                        InputValue::Bool(b) => serde_json::Value::Bool(*b),
                        InputValue::Integer(i) => serde_json::Value::from(*i),
                    };
                    (k.clone(), v)
                })
                .collect();
            let target = DeployTarget {
                workflow: e.workflow.clone(),
                inputs,
            };
            (name.clone(), target)
        })
        .collect()
}

/// The default keymap with the file's bindings on top.
pub fn keymap(bindings: &[Binding]) -> Result<Keymap, Vec<BindingError>> {
    let entries: Vec<(KeyContext, String, String)> = bindings
        .iter()
        .filter_map(|b| {
            let context = KeyContext::ALL.into_iter().find(|c| c.table() == b.table)?;
            Some((context, b.keys.clone(), b.action.clone()))
        })
        .collect();
    Keymap::with_bindings(&entries)
}

/// The config's `[[commands]]` as the app runs them, with the problems of each (index,
/// field, message): a key that does not parse.
fn commands(
    list: &[crate::config::CommandConfig],
) -> (
    Vec<crate::app::commands::CustomCommand>,
    Vec<(usize, &'static str, String)>,
) {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for (i, c) in list.iter().enumerate() {
        let keys = if c.key.trim().is_empty() {
            Vec::new()
        } else {
            match super::keymap::parse_sequence(&c.key) {
                Ok(k) => k,
                Err(e) => {
                    errors.push((i, "key", e));
                    Vec::new()
                }
            }
        };
        let panel = KeyContext::ALL
            .into_iter()
            .find(|k| k.table() == c.context.table())
            .and_then(|k| match k {
                KeyContext::Global => None,
                KeyContext::Panel(p) => Some(p),
            });
        out.push(crate::app::commands::CustomCommand::new(c, keys, panel));
    }
    (out, errors)
}

/// The keymap with the file's bindings and its commands' keys.
pub fn keymap_with_commands(loaded: &Loaded) -> Result<Keymap, Vec<(usize, &'static str, String)>> {
    let (list, mut errors) = commands(&loaded.config.commands);
    // A bad `[keys]` entry is reported by `check_bindings`; the commands go on the defaults.
    let base = keymap(&loaded.bindings).unwrap_or_default();
    match base.with_commands(list) {
        Ok(km) if errors.is_empty() => Ok(km),
        Ok(_) => Err(errors),
        Err(e) => {
            errors.extend(e.into_iter().map(|(i, m)| (i, "key", m)));
            Err(errors)
        }
    }
}

/// A [`crate::config::Check`]: every `[[commands]]` key parses and is free where it applies.
pub fn check_commands(loaded: &Loaded) -> Vec<(Vec<String>, String)> {
    match keymap_with_commands(loaded) {
        Ok(_) => Vec::new(),
        Err(errors) => errors
            .into_iter()
            .map(|(i, field, m)| (vec!["commands".into(), format!("[{i}]"), field.into()], m))
            .collect(),
    }
}

/// A [`crate::config::Check`]: every binding names keys and an action the keymap knows.
pub fn check_bindings(loaded: &Loaded) -> Vec<(Vec<String>, String)> {
    match keymap(&loaded.bindings) {
        Ok(_) => Vec::new(),
        Err(errors) => errors
            .into_iter()
            .map(|e| {
                let path = vec!["keys".into(), e.context.table().into(), e.key];
                (path, e.message)
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_config_defaults_are_the_pollers_defaults() {
        let from_config = intervals(&PollConfig::default());
        let d = Intervals::default();
        let pairs = [
            (from_config.branches, d.branches),
            (from_config.issues, d.issues),
            (from_config.pulls, d.pulls),
            (from_config.runs_idle, d.runs_idle),
            (from_config.runs_active, d.runs_active),
            (from_config.jobs_active, d.jobs_active),
            (from_config.environments_idle, d.environments_idle),
            (from_config.environments_active, d.environments_active),
            (from_config.issue_detail, d.issue_detail),
        ];
        for (i, (a, b)) in pairs.into_iter().enumerate() {
            assert_eq!(a, b, "interval {i}");
        }
    }

    #[test]
    fn every_context_has_its_table_in_the_config() {
        let tables: Vec<&str> = KeyContext::ALL.iter().map(|c| c.table()).collect();
        assert_eq!(tables, crate::config::KeysConfig::TABLES);
    }

    #[test]
    fn a_zero_interval_is_a_second() {
        let poll = PollConfig {
            runs_active_secs: 0,
            ..PollConfig::default()
        };
        assert_eq!(intervals(&poll).runs_active, Duration::from_secs(1));
    }
}
