//! The configuration file. A missing file means defaults; a broken one stops cockpit with
//! the file, line and key at fault rather than a guess.

use crate::app::pollers::Intervals;
use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::time::Duration;

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub poll: PollConfig,
    pub ui: UiConfig,
}

/// Seconds between refreshes. Unchanged answers cost no rate limit (ETags), so these trade
/// freshness against round trips, not against the API budget.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct PollConfig {
    pub branches_secs: u64,
    pub issues_secs: u64,
    pub pulls_secs: u64,
    pub runs_idle_secs: u64,
    pub runs_active_secs: u64,
    pub jobs_active_secs: u64,
    pub environments_idle_secs: u64,
    pub environments_active_secs: u64,
}

impl Default for PollConfig {
    fn default() -> Self {
        let d = Intervals::default();
        PollConfig {
            branches_secs: d.branches.as_secs(),
            issues_secs: d.issues.as_secs(),
            pulls_secs: d.pulls.as_secs(),
            runs_idle_secs: d.runs_idle.as_secs(),
            runs_active_secs: d.runs_active.as_secs(),
            jobs_active_secs: d.jobs_active.as_secs(),
            environments_idle_secs: d.environments_idle.as_secs(),
            environments_active_secs: d.environments_active.as_secs(),
        }
    }
}

#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum ThemeChoice {
    /// Colours unless `NO_COLOR` is set.
    #[default]
    Auto,
    Color,
    Mono,
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct UiConfig {
    pub theme: ThemeChoice,
}

impl Config {
    pub fn intervals(&self) -> Intervals {
        // One second is the floor: a zero would spin.
        let s = |v: u64| Duration::from_secs(v.max(1));
        let p = &self.poll;
        Intervals {
            branches: s(p.branches_secs),
            issues: s(p.issues_secs),
            pulls: s(p.pulls_secs),
            runs_idle: s(p.runs_idle_secs),
            runs_active: s(p.runs_active_secs),
            jobs_active: s(p.jobs_active_secs),
            environments_idle: s(p.environments_idle_secs),
            environments_active: s(p.environments_active_secs),
            issue_detail: Intervals::default().issue_detail,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("config file {path}: {message}")]
    Parse { path: PathBuf, message: String },
}

/// `--config`, else `COCKPIT_CONFIG`, else the platform config directory.
pub fn config_path(
    flag: Option<&Path>,
    env: &dyn Fn(&str) -> Option<String>,
) -> Option<(PathBuf, bool)> {
    if let Some(p) = flag {
        return Some((p.to_path_buf(), true));
    }
    if let Some(p) = env("COCKPIT_CONFIG").filter(|p| !p.is_empty()) {
        return Some((PathBuf::from(p), true));
    }
    directories::ProjectDirs::from("", "", "cockpit")
        .map(|d| (d.config_dir().join("config.toml"), false))
}

/// Loads the file at `path`. A default-location file that does not exist is not an error;
/// a file the user named explicitly is.
pub fn load(path: &Path, explicit: bool) -> Result<Config, ConfigError> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !explicit => {
            return Ok(Config::default())
        }
        Err(source) => {
            return Err(ConfigError::Read {
                path: path.to_path_buf(),
                source,
            })
        }
    };
    parse(&text).map_err(|message| ConfigError::Parse {
        path: path.to_path_buf(),
        message,
    })
}

pub fn parse(text: &str) -> Result<Config, String> {
    toml::from_str::<Config>(text).map_err(|e| {
        let line = e
            .span()
            .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1);
        let msg = e.message().trim().to_string();
        match line {
            Some(l) => format!("line {l}: {msg}"),
            None => msg,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn example_file_is_valid_and_matches_defaults() {
        let example = include_str!("../config.example.toml");
        assert_eq!(parse(example).expect("example parses"), Config::default());
    }

    #[test]
    fn errors_name_the_line_and_key() {
        let err = parse("[poll]\nissues_secs = \"soon\"\n").expect_err("wrong type");
        assert!(err.starts_with("line 2:"), "{err}");
        let err = parse("[poll]\nbranches_secs = 5\nissue_secs = 3\n").expect_err("unknown key");
        assert!(
            err.contains("line 3") && err.contains("issue_secs"),
            "{err}"
        );
        let err = parse("[ui]\ntheme = \"neon\"\n").expect_err("bad variant");
        assert!(err.contains("line 2") && err.contains("neon"), "{err}");
        assert!(parse("[poll\n").is_err());
    }

    #[test]
    fn zero_intervals_are_floored() {
        let c = parse("[poll]\nruns_active_secs = 0\n").expect("parses");
        assert_eq!(c.intervals().runs_active, Duration::from_secs(1));
    }
}
