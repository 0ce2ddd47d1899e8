//! The user's own commands (`[[commands]]`): a shell command whose `{{…}}` values come from the
//! selected row. Every value is outside text (a branch name, a URL), so each is put in as one
//! single-quoted shell word, never spliced into the command's syntax: a branch named
//! `x;touch pwned` stays one argument.

use super::effect::Effect;
use super::keymap::{sequence_label, KeyPress};
use super::modal::{Confirm, Modal, OnYes};
use super::selection;
use super::state::{AppState, Detail, PanelId};
use crate::config::{CommandConfig, CommandOutput};
use std::path::PathBuf;

/// A `[[commands]]` entry as the app runs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomCommand {
    /// What the help and the palette show: the entry's name, else its command.
    pub name: String,
    /// Its key sequence; empty when only the palette runs it.
    pub keys: Vec<KeyPress>,
    /// The panel whose selection fills the values; `None`: the focused one.
    pub panel: Option<PanelId>,
    pub template: String,
    pub output: CommandOutput,
    pub confirm: bool,
    pub dangerous: bool,
}

impl CustomCommand {
    /// From the config entry; `keys` were parsed by whoever checked the file.
    pub fn new(c: &CommandConfig, keys: Vec<KeyPress>, panel: Option<PanelId>) -> CustomCommand {
        let name = if c.name.trim().is_empty() {
            c.command.trim().to_string()
        } else {
            c.name.trim().to_string()
        };
        CustomCommand {
            name,
            keys,
            panel,
            template: c.command.clone(),
            output: c.output,
            confirm: c.confirm,
            dangerous: c.dangerous,
        }
    }

    /// The key label for the help and the palette (empty without a key).
    pub fn key_label(&self) -> String {
        sequence_label(&self.keys)
    }
}

/// A command with its values in, ready for `sh -c`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandRun {
    pub name: String,
    pub script: String,
    /// The repository's working tree, where there is one.
    pub cwd: Option<PathBuf>,
    pub output: CommandOutput,
}

/// What a finished command left behind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Captured {
    /// `None`: ended by a signal.
    pub code: Option<i32>,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    /// The output was longer than the cap and was cut there.
    pub cut: bool,
}

/// `s` as one shell word: single quotes, in which nothing is special, and each `'` closing
/// the quote, adding an escaped quote and opening it again.
pub fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

/// The template with every `{{name}}` replaced by its quoted value, or the first name that
/// has no value.
pub fn expand(
    template: &str,
    value: impl Fn(&str) -> Option<String>,
) -> Result<String, &'static str> {
    let mut out = String::new();
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else {
            // The config check refuses this; kept literal rather than guessed at.
            out.push_str(&rest[start..]);
            return Ok(out);
        };
        let name = after[..end].trim();
        let known = crate::config::TEMPLATE_VALUES
            .iter()
            .find(|v| **v == name)
            .copied()
            .unwrap_or("?");
        match value(name) {
            Some(v) => out.push_str(&shell_quote(&v)),
            None => return Err(known),
        }
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    Ok(out)
}

/// The value of `name` for the selected row of `panel` (or the open detail in it).
fn value(state: &AppState, panel: PanelId, name: &str) -> Option<String> {
    let repo = state.ctx.repo.as_ref();
    match name {
        "repo" => repo.map(|r| r.full_name()),
        "owner" => repo.map(|r| r.owner.clone()),
        "repo_path" => state.ctx.workdir.as_ref().map(|p| p.display().to_string()),
        "url" => super::update::url_of(state, panel),
        "number" => match panel {
            PanelId::Issues => selection::issue(state).map(|i| i.number),
            PanelId::Pulls => selection::pull(state).map(|p| p.pr.number),
            _ => None,
        }
        .map(|n| n.to_string()),
        "branch" => match panel {
            PanelId::Branches => selection::branch(state).map(|b| b.name.raw().to_owned()),
            PanelId::Pulls => selection::pull(state).map(|p| p.pr.head.ref_name.raw().into()),
            PanelId::Ci => {
                selection::run(state).and_then(|r| Some(r.head_branch.as_ref()?.raw().into()))
            }
            _ => None,
        },
        "sha" => match panel {
            PanelId::Branches => selection::branch(state).map(|b| b.sha.clone()),
            PanelId::Pulls => selection::pull(state).map(|p| p.pr.head.sha.clone()),
            PanelId::Ci => selection::run(state).map(|r| r.head_sha.clone()),
            PanelId::Deploys => selection::env(state)
                .and_then(|e| e.live())
                .map(|d| d.deployment.sha.clone()),
            PanelId::Issues => None,
        },
        "run_id" if panel == PanelId::Ci => match &state.detail {
            Some(Detail::Run { run_id, .. }) => Some(*run_id),
            Some(Detail::Log(log)) => Some(log.run_id),
            _ => selection::run(state).map(|r| r.id),
        }
        .map(|n| n.to_string()),
        "job_id" if panel == PanelId::Ci => match &state.detail {
            Some(Detail::Run { data, cursor, .. }) => data
                .data
                .as_ref()
                .and_then(|(_, jobs)| jobs.get(cursor.selected))
                .map(|j| j.id),
            Some(Detail::Log(log)) => Some(log.job_id),
            _ => None,
        }
        .map(|n| n.to_string()),
        "environment" if panel == PanelId::Deploys => {
            selection::env(state).map(|e| e.env.name.raw().to_owned())
        }
        _ => None,
    }
    .filter(|v| !v.is_empty())
}

/// The command's run for the current selection, or why it cannot run (as a toast says it).
pub fn prepare(state: &AppState, cmd: &CustomCommand) -> Result<CommandRun, String> {
    let panel = cmd.panel.unwrap_or(state.focus);
    let script = expand(&cmd.template, |name| value(state, panel, name)).map_err(|missing| {
        format!(
            "\"{}\" needs {{{{{missing}}}}}, which the selection in {} does not have",
            crate::text::sanitize_line(&cmd.name),
            panel.title()
        )
    })?;
    Ok(CommandRun {
        name: cmd.name.clone(),
        script,
        cwd: state.ctx.workdir.clone(),
        output: cmd.output,
    })
}

/// A command's key, or its line in the palette: refused under `--readonly` when dangerous,
/// confirmed first when it asks for that.
pub fn start(state: &mut AppState, cmd: &CustomCommand) -> Vec<Effect> {
    let name = crate::text::sanitize_line(&cmd.name);
    if cmd.dangerous && state.ctx.readonly {
        state.toast(
            format!("Read-only mode (--readonly): \"{name}\" is a dangerous command, not run"),
            true,
        );
        return Vec::new();
    }
    let run = match prepare(state, cmd) {
        Ok(run) => run,
        Err(why) => {
            state.toast(why, true);
            return Vec::new();
        }
    };
    if cmd.confirm {
        state.open_modal(Modal::Confirm(Box::new(Confirm {
            title: format!("Run {name}?"),
            lines: crate::text::sanitize_line(&run.script)
                .lines()
                .map(str::to_string)
                .collect(),
            warnings: if cmd.dangerous {
                vec!["marked dangerous".into()]
            } else {
                Vec::new()
            },
            on_yes: OnYes::Command(run),
        })));
        return Vec::new();
    }
    vec![Effect::RunCommand(run)]
}

/// The line of `bytes` to show in a toast: the first (or last) non-blank one, made safe.
fn line_of(bytes: &[u8], last: bool) -> Option<String> {
    let text = String::from_utf8_lossy(bytes);
    let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
    let line = if last {
        lines.next_back()
    } else {
        lines.next()
    };
    line.map(crate::text::sanitize_line)
}

/// A command finished: a toast, or its output in the pager.
pub fn finished(
    state: &mut AppState,
    name: &str,
    output: CommandOutput,
    result: Result<Captured, String>,
) {
    let name = crate::text::sanitize_line(name);
    let done = match result {
        Ok(done) => done,
        Err(why) => {
            state.toast(format!("Could not run \"{name}\": {why}"), true);
            return;
        }
    };
    let status = match done.code {
        Some(0) => None,
        Some(code) => Some(format!("exit {code}")),
        None => Some("killed by a signal".to_string()),
    };
    if output == CommandOutput::Pager {
        let mut title = name.clone();
        if let Some(s) = &status {
            title.push_str(&format!(" ({s})"));
        }
        if done.cut {
            title.push_str(" — output cut at 4 MiB");
        }
        state.pager = Some(super::state::Pager {
            title,
            view: crate::logs::LogViewState::from_bytes(done.stdout),
            search_input: None,
        });
        return;
    }
    if let Some(s) = status {
        let why = line_of(&done.stderr, true)
            .or_else(|| line_of(&done.stdout, true))
            .map(|l| format!(": {l}"))
            .unwrap_or_default();
        state.toast(format!("\"{name}\" failed ({s}){why}"), true);
        return;
    }
    match output {
        CommandOutput::Toast => {
            let text =
                line_of(&done.stdout, false).unwrap_or_else(|| format!("✓ {name} (no output)"));
            state.toast(text, false);
        }
        CommandOutput::Terminal => state.toast(format!("✓ {name} finished"), false),
        CommandOutput::None | CommandOutput::Pager => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_single_quoted_words() {
        assert_eq!(shell_quote("x;touch pwned"), "'x;touch pwned'");
        assert_eq!(shell_quote("'; reboot"), "''\\''; reboot'");
        let v = |n: &str| (n == "branch").then(|| "$(id)".to_string());
        assert_eq!(
            expand("git log {{branch}} -- {{ branch }}", v),
            Ok("git log '$(id)' -- '$(id)'".into())
        );
        assert_eq!(expand("echo {{number}}", v), Err("number"));
        assert_eq!(expand("echo {{ no", v), Ok("echo {{ no".into()));
    }
}
