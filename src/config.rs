//! The configuration file. A missing file means defaults; a broken one — bad TOML, a wrong type,
//! an unknown action in a binding, a key bound twice — stops cockpit with the file, line and key
//! at fault rather than a guess. A key cockpit does not know (a typo, or one from a newer version)
//! is not an error but a warning with its line: `doctor` prints it and the dashboard shows it.
//!
//! Plain data: this module knows the file's shape, not what the application makes of it. The
//! keymap, poll intervals, deploy targets and theme are built from it by the layers that own
//! them (`app::settings`, `ui::theme`), and the checks that need their knowledge (is this an
//! action? a colour?) are handed in as [`Check`]s by whoever loads the file (`settings`).

mod locate;

use locate::{Doc, Seg};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(default)]
pub struct Config {
    pub repos: ReposConfig,
    pub poll: PollConfig,
    pub ui: UiConfig,
    pub keys: KeysConfig,
    pub deploy: DeployConfig,
    pub notify: NotifyConfig,
    pub branches: BranchesConfig,
    pub log: LogConfig,
    pub auth: AuthConfig,
    pub hosts: Vec<HostConfig>,
    pub issues: IssuesConfig,
    pub pulls: PullsConfig,
    /// `[[commands]]`: the user's own shell commands.
    pub commands: Vec<CommandConfig>,
}

/// Repositories the dashboard watches besides the one in the current directory.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(default)]
pub struct ReposConfig {
    /// `"OWNER/NAME"`, or `{ repo = "OWNER/NAME", path = "~/src/name" }` naming its clone.
    pub watch: Vec<WatchEntry>,
}

/// One watched repository: its `OWNER/NAME` and, when given, where its local clone is (as
/// written: `~` is expanded by whoever starts the app).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WatchEntry {
    pub repo: String,
    pub path: Option<String>,
}

/// A string or a `{ repo, path }` table; an unknown key in the table is an error with its
/// line (a typo in `path` would otherwise silently lose the clone).
impl<'de> Deserialize<'de> for WatchEntry {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Entry;
        impl<'de> serde::de::Visitor<'de> for Entry {
            type Value = WatchEntry;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("\"OWNER/NAME\" or { repo = \"OWNER/NAME\", path = \"~/src/name\" }")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<WatchEntry, E> {
                Ok(WatchEntry {
                    repo: v.to_string(),
                    path: None,
                })
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<WatchEntry, A::Error> {
                let (mut repo, mut path) = (None, None);
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        "repo" => repo = Some(map.next_value::<String>()?),
                        "path" => path = Some(map.next_value::<String>()?),
                        other => {
                            return Err(serde::de::Error::unknown_field(other, &["repo", "path"]))
                        }
                    }
                }
                let repo = repo.ok_or_else(|| serde::de::Error::missing_field("repo"))?;
                Ok(WatchEntry { repo, path })
            }
        }
        d.deserialize_any(Entry)
    }
}

/// Seconds between refreshes. Unchanged answers cost no rate limit (ETags), so these trade
/// freshness against round trips, not against the API budget.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(default)]
pub struct PollConfig {
    pub branches_secs: u64,
    pub issues_secs: u64,
    pub pulls_secs: u64,
    pub runs_idle_secs: u64,
    pub runs_active_secs: u64,
    pub jobs_active_secs: u64,
    pub environments_idle_secs: u64,
    pub environments_active_secs: u64,
    /// Redraws relative times ("updated 3m ago") when nothing else changed.
    pub clock_secs: u64,
}

/// The pollers' own defaults (`app::pollers::Intervals::default`, checked equal in
/// `app::settings`).
impl Default for PollConfig {
    fn default() -> Self {
        PollConfig {
            branches_secs: 5,
            issues_secs: 60,
            pulls_secs: 60,
            runs_idle_secs: 20,
            runs_active_secs: 5,
            jobs_active_secs: 3,
            environments_idle_secs: 30,
            environments_active_secs: 10,
            // Ages on screen are minutes at their finest: a quarter of a minute keeps them honest.
            clock_secs: 15,
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
#[serde(default)]
pub struct UiConfig {
    pub theme: ThemeChoice,
    pub colors: ColorsConfig,
}

/// The theme's colours: a name (`cyan`, `darkgray`, `lightred`), `#rrggbb`, or an index 0–255.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(default)]
pub struct ColorsConfig {
    /// Focused panel border and title.
    pub focus: String,
    /// Other panels' borders.
    pub border: String,
    /// Background of the selected row in the focused panel, and elsewhere.
    pub selection: String,
    pub selection_unfocused: String,
    pub header: String,
    pub dim: String,
    pub ok: String,
    pub bad: String,
    pub warn: String,
    pub running: String,
    pub accent: String,
    pub number: String,
    /// Background of "waiting for approval".
    pub waiting: String,
}

impl Default for ColorsConfig {
    fn default() -> Self {
        let s = |v: &str| v.to_string();
        ColorsConfig {
            focus: s("cyan"),
            border: s("darkgray"),
            selection: s("#18243a"),
            selection_unfocused: s("#232323"),
            header: s("gray"),
            dim: s("darkgray"),
            ok: s("green"),
            bad: s("lightred"),
            warn: s("yellow"),
            running: s("yellow"),
            accent: s("magenta"),
            number: s("lightblue"),
            waiting: s("yellow"),
        }
    }
}

/// Key bindings on top of the defaults: `"KEYS" = "ACTION"` per context. See
/// `config.example.toml` for every action and its default keys.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(default)]
pub struct KeysConfig {
    pub global: BTreeMap<String, String>,
    pub issues: BTreeMap<String, String>,
    pub branches: BTreeMap<String, String>,
    pub pulls: BTreeMap<String, String>,
    pub ci: BTreeMap<String, String>,
    pub deploys: BTreeMap<String, String>,
}

impl KeysConfig {
    /// The tables under `[keys]`, as they are named in the file.
    pub const TABLES: [&'static str; 6] =
        ["global", "issues", "branches", "pulls", "ci", "deploys"];

    pub fn table(&self, name: &str) -> Option<&BTreeMap<String, String>> {
        match name {
            "global" => Some(&self.global),
            "issues" => Some(&self.issues),
            "branches" => Some(&self.branches),
            "pulls" => Some(&self.pulls),
            "ci" => Some(&self.ci),
            "deploys" => Some(&self.deploys),
            _ => None,
        }
    }
}

/// One `[keys.TABLE]` entry as written (`"g g" = "top"` in `[keys.global]`). The file's order
/// matters: of two entries for the same keys, the later one is the one blamed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binding {
    pub table: &'static str,
    pub keys: String,
    pub action: String,
}

/// Which workflow deploys which environment, and the order environments are shown and promoted
/// in. Read by the deploy feature; this module only checks the shape.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(default)]
pub struct DeployConfig {
    pub order: Vec<String>,
    pub environments: BTreeMap<String, DeployEnvironment>,
    /// Days the delivery metrics look back.
    pub metrics_window_days: i64,
}

impl Default for DeployConfig {
    fn default() -> Self {
        DeployConfig {
            order: Vec::new(),
            environments: BTreeMap::new(),
            metrics_window_days: 30,
        }
    }
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct DeployEnvironment {
    /// The workflow file (`deploy.yml`) or id dispatched to deploy here.
    pub workflow: String,
    /// The ref to dispatch on; empty means the selected branch or commit.
    #[serde(default, rename = "ref")]
    pub git_ref: String,
    /// `workflow_dispatch` inputs.
    #[serde(default)]
    pub inputs: BTreeMap<String, InputValue>,
}

/// A workflow input: GitHub takes strings, booleans and numbers.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(untagged)]
pub enum InputValue {
    String(String),
    Bool(bool),
    Integer(i64),
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum NotifyEvent {
    CiFailed,
    CiSucceeded,
    ReviewRequested,
    DeployWaiting,
    DeployFinished,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(default)]
pub struct NotifyConfig {
    /// Ring the terminal bell.
    pub bell: bool,
    /// A desktop notification (notify-send, osascript).
    pub desktop: bool,
    pub on: Vec<NotifyEvent>,
}

impl Default for NotifyConfig {
    fn default() -> Self {
        NotifyConfig {
            bell: true,
            desktop: false,
            on: vec![
                NotifyEvent::CiFailed,
                NotifyEvent::CiSucceeded,
                NotifyEvent::ReviewRequested,
                NotifyEvent::DeployWaiting,
                NotifyEvent::DeployFinished,
            ],
        }
    }
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(default)]
pub struct BranchesConfig {
    /// A branch without commits for this many days is marked stale.
    pub stale_days: u32,
}

impl Default for BranchesConfig {
    fn default() -> Self {
        BranchesConfig { stale_days: 30 }
    }
}

#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum LogLevel {
    #[default]
    Off,
    Error,
    Warn,
    Info,
    Debug,
    Trace,
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(default)]
pub struct LogConfig {
    /// `--log-level` wins over this.
    pub level: LogLevel,
    /// Empty: `cockpit.log` in the platform state directory.
    pub file: String,
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(default)]
pub struct AuthConfig {
    /// The OAuth app `cockpit auth login` runs the device flow with.
    pub client_id: String,
}

/// A GitHub host besides github.com: its own API base, keyring entry and OAuth app.
#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct HostConfig {
    pub host: String,
    /// Empty: `https://HOST/api/v3`.
    #[serde(default)]
    pub api_url: String,
    /// Empty: `[auth] client_id`.
    #[serde(default)]
    pub client_id: String,
}

/// A tab of the Issues or Pull requests panel: a GitHub search query (`@me` is the signed-in
/// user, as on github.com). What the panel adds to it (`is:issue` / `is:pr`, the repository
/// scope) is the application's business.
#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct Section {
    pub title: String,
    pub filter: String,
}

impl Section {
    fn new(title: &str, filter: &str) -> Section {
        Section {
            title: title.into(),
            filter: filter.into(),
        }
    }
}

/// `[[issues.sections]]`; none written means these three.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(default)]
pub struct IssuesConfig {
    pub sections: Vec<Section>,
}

impl Default for IssuesConfig {
    fn default() -> Self {
        IssuesConfig {
            sections: vec![
                Section::new("Assigned", "is:open assignee:@me"),
                Section::new("Created", "is:open author:@me"),
                Section::new("Mentioned", "is:open mentions:@me"),
            ],
        }
    }
}

/// `[[pulls.sections]]`; none written means these three.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(default)]
pub struct PullsConfig {
    pub sections: Vec<Section>,
}

impl Default for PullsConfig {
    fn default() -> Self {
        PullsConfig {
            sections: vec![
                Section::new("Mine", "is:open author:@me"),
                Section::new("Review requested", "is:open review-requested:@me"),
                Section::new("Involved", "is:open involves:@me -author:@me"),
            ],
        }
    }
}

/// GitHub refuses a search query longer than this.
pub const MAX_QUERY_CHARS: usize = 256;

/// What is wrong with one panel's sections: each problem with the key path it is about.
fn check_sections(table: &str, sections: &[Section]) -> Vec<(Vec<Seg>, String)> {
    let at = |i: usize, field: &str| {
        vec![
            Seg::Key(table.into()),
            Seg::Key("sections".into()),
            Seg::Index(i),
            Seg::Key(field.into()),
        ]
    };
    let (kind, other, other_words): (&str, &str, &[&str]) = match table {
        "issues" => (
            "issues",
            "pull requests",
            &["is:pr", "type:pr", "is:pull-request"],
        ),
        _ => ("pull requests", "issues", &["is:issue", "type:issue"]),
    };
    if sections.is_empty() {
        return vec![(
            vec![Seg::Key(table.into()), Seg::Key("sections".into())],
            "no sections: write at least one, or leave the key out for the defaults".into(),
        )];
    }
    let mut out = Vec::new();
    for (i, s) in sections.iter().enumerate() {
        let title = s.title.trim();
        if title.is_empty() {
            out.push((at(i, "title"), "a section needs a title".into()));
        } else if sections[..i]
            .iter()
            .any(|o| o.title.trim().eq_ignore_ascii_case(title))
        {
            out.push((
                at(i, "title"),
                format!(
                    "{:?} is the title of another section",
                    crate::text::sanitize_line(title)
                ),
            ));
        }
        if title.chars().any(char::is_control) || s.filter.chars().any(char::is_control) {
            out.push((at(i, "filter"), "control characters are not allowed".into()));
            continue;
        }
        let filter = s.filter.trim();
        if filter.is_empty() {
            out.push((
                at(i, "filter"),
                "a section needs a filter (a GitHub search query such as \"is:open assignee:@me\")"
                    .into(),
            ));
        } else if filter.chars().count() > MAX_QUERY_CHARS {
            out.push((
                at(i, "filter"),
                format!("longer than the {MAX_QUERY_CHARS} characters GitHub searches"),
            ));
        } else if let Some(w) = filter
            .split_whitespace()
            .find(|w| other_words.iter().any(|o| w.eq_ignore_ascii_case(o)))
        {
            out.push((
                at(i, "filter"),
                format!("{kind} sections list {kind}; {w} would find {other}, so nothing"),
            ));
        }
    }
    out
}

/// One `[[commands]]` entry: a shell command with `{{…}}` values from the selected row.
#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct CommandConfig {
    /// What the help and the palette call it; empty: the command itself.
    #[serde(default)]
    pub name: String,
    /// A key sequence as in `[keys]`; empty: only the palette runs it.
    #[serde(default)]
    pub key: String,
    #[serde(default)]
    pub context: CommandContext,
    pub command: String,
    #[serde(default)]
    pub output: CommandOutput,
    /// Ask y/n, showing the expanded command, before running it.
    #[serde(default)]
    pub confirm: bool,
    /// Refused under `--readonly`.
    #[serde(default)]
    pub dangerous: bool,
}

/// The panel whose selected row a command's values come from (`global`: the focused one).
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum CommandContext {
    #[default]
    Global,
    Issues,
    Branches,
    Pulls,
    Ci,
    Deploys,
}

impl CommandContext {
    /// As written in the file, and as `[keys.TABLE]` names the same context.
    pub fn table(self) -> &'static str {
        match self {
            CommandContext::Global => "global",
            CommandContext::Issues => "issues",
            CommandContext::Branches => "branches",
            CommandContext::Pulls => "pulls",
            CommandContext::Ci => "ci",
            CommandContext::Deploys => "deploys",
        }
    }
}

/// Where a command's output goes.
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum CommandOutput {
    /// Nothing, unless it fails (exit code and last line of stderr).
    None,
    /// The first line of stdout.
    #[default]
    Toast,
    /// Everything it printed, in a scrollable view.
    Pager,
    /// The command gets the terminal (an editor, `gh pr checkout`); cockpit comes back after.
    Terminal,
}

/// The values a command template may name (`{{number}}`).
pub const TEMPLATE_VALUES: [&str; 10] = [
    "repo",
    "owner",
    "number",
    "branch",
    "sha",
    "url",
    "run_id",
    "job_id",
    "environment",
    "repo_path",
];

/// The `{{name}}`s of a template, in order, or what is wrong with it.
pub fn template_names(template: &str) -> Result<Vec<&str>, String> {
    let mut names = Vec::new();
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else {
            return Err("a {{ is not closed by }}".into());
        };
        let name = after[..end].trim();
        if !TEMPLATE_VALUES.contains(&name) {
            return Err(format!(
                "unknown value {{{{{name}}}}}; the values are {}",
                TEMPLATE_VALUES.map(|v| format!("{{{{{v}}}}}")).join(" ")
            ));
        }
        names.push(name);
        rest = &after[end + 2..];
    }
    Ok(names)
}

impl Config {
    /// How often relative times are redrawn when nothing else changed (at least a second).
    pub fn clock(&self) -> Duration {
        Duration::from_secs(self.poll.clock_secs.max(1))
    }

    /// The configured host entry for `host`, if any.
    pub fn host(&self, host: &str) -> Option<&HostConfig> {
        self.hosts
            .iter()
            .find(|h| h.host.eq_ignore_ascii_case(host))
    }

    /// The OAuth client id for `host`: its own, else `[auth] client_id`.
    pub fn client_id(&self, host: &str) -> Option<&str> {
        self.host(host)
            .map(|h| h.client_id.as_str())
            .filter(|c| !c.trim().is_empty())
            .or(Some(self.auth.client_id.as_str()))
            .map(str::trim)
            .filter(|c| !c.is_empty())
    }
}

/// One thing wrong (or odd) in the file, located.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub line: Option<usize>,
    /// `poll.issues_secs`, `keys.global."g g"`; None for a syntax error outside any key.
    pub key: Option<String>,
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (&self.line, &self.key) {
            (Some(l), Some(k)) => write!(f, "line {l}, key {k}: {}", self.message),
            (Some(l), None) => write!(f, "line {l}: {}", self.message),
            (None, Some(k)) => write!(f, "key {k}: {}", self.message),
            (None, None) => f.write_str(&self.message),
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
    #[error("{}", invalid_text(path, problems))]
    Invalid {
        path: PathBuf,
        problems: Vec<Problem>,
    },
}

fn invalid_text(path: &Path, problems: &[Problem]) -> String {
    problems
        .iter()
        .map(|p| format!("config file {}, {p}", path.display()))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A file that parsed: the settings, its key bindings in file order, and what deserves a
/// warning.
#[derive(Debug, Clone, Default)]
pub struct Loaded {
    pub config: Config,
    pub bindings: Vec<Binding>,
    pub warnings: Vec<Problem>,
    /// The file read, or None when there was none (defaults).
    pub path: Option<PathBuf>,
}

impl Loaded {
    /// Warnings in a few words each, for the status bar: `config.toml line 3: unknown key
    /// poll.issue_secs`. (`doctor` prints them in full.)
    pub fn warning_lines(&self) -> Vec<String> {
        let file = self
            .path
            .as_ref()
            .and_then(|p| p.file_name())
            .map(|p| p.to_string_lossy().into_owned())
            .unwrap_or_else(|| "config".into());
        self.warnings
            .iter()
            .map(|w| {
                let at = w.line.map(|l| format!(" line {l}")).unwrap_or_default();
                let key = w.key.as_deref().unwrap_or("?");
                format!("{file}{at}: unknown key {key}")
            })
            .collect()
    }
}

/// `--config`, else `COCKPIT_CONFIG`, else the platform config directory. The flag tells
/// whether the user named the file (then it must exist).
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

/// A check of what a value means, owned by the layer that gives it meaning: whether an action
/// exists (the keymap knows), whether a colour is one (the theme knows). Each problem names its
/// key path (`["keys", "global", "x"]`, `["commands", "[2]", "key"]` for an array's entry) and
/// gets its line like any other.
pub type Check = fn(&Loaded) -> Vec<(Vec<String>, String)>;

/// A segment of a check's key path: `[N]` is the Nth entry of an array.
fn seg(s: String) -> Seg {
    match s
        .strip_prefix('[')
        .and_then(|r| r.strip_suffix(']'))
        .and_then(|n| n.parse().ok())
    {
        Some(i) => Seg::Index(i),
        None => Seg::Key(s),
    }
}

/// Loads the file at `path`. A default-location file that does not exist is not an error;
/// a file the user named explicitly is.
pub fn load(path: &Path, explicit: bool, checks: &[Check]) -> Result<Loaded, ConfigError> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !explicit => {
            return Ok(Loaded::default())
        }
        Err(source) => {
            return Err(ConfigError::Read {
                path: path.to_path_buf(),
                source,
            })
        }
    };
    let mut loaded = parse(&text, checks).map_err(|problems| ConfigError::Invalid {
        path: path.to_path_buf(),
        problems,
    })?;
    loaded.path = Some(path.to_path_buf());
    Ok(loaded)
}

/// Parses and checks a config text. Errors come back all at once, in file order.
pub fn parse(text: &str, checks: &[Check]) -> Result<Loaded, Vec<Problem>> {
    let doc = Doc::new(text);
    let located = |path: &[Seg], message: String| Problem {
        line: doc.line_at(path),
        key: Some(locate::display(path)),
        message,
    };

    let de = toml::Deserializer::parse(text).map_err(|e| vec![toml_problem(&doc, &e)])?;
    let mut unknown: Vec<Vec<Seg>> = Vec::new();
    let config: Config = serde_ignored::deserialize(de, |path| unknown.push(segments(&path)))
        .map_err(|e| vec![toml_problem(&doc, &e)])?;

    let mut problems = Vec::new();
    problems.extend(
        check_values(&config)
            .into_iter()
            .map(|(p, m)| located(&p, m)),
    );
    let mut loaded = Loaded {
        bindings: binding_entries(&config.keys, &doc),
        config,
        warnings: Vec::new(),
        path: None,
    };
    for check in checks {
        for (path, message) in check(&loaded) {
            let path: Vec<Seg> = path.into_iter().map(seg).collect();
            problems.push(located(&path, message));
        }
    }
    if !problems.is_empty() {
        problems.sort_by_key(|p| p.line.unwrap_or(usize::MAX));
        return Err(problems);
    }

    let mut warnings: Vec<Problem> = unknown
        .iter()
        .map(|path| {
            located(
                path,
                "unknown key, ignored (a typo, or a key from a newer cockpit?)".into(),
            )
        })
        .collect();
    warnings.sort_by_key(|p| p.line.unwrap_or(usize::MAX));
    loaded.warnings = warnings;
    Ok(loaded)
}

fn toml_problem(doc: &Doc, e: &toml::de::Error) -> Problem {
    let (line, key) = match e.span() {
        Some(span) => {
            let path = doc.path_at(span.start);
            let key = if path.is_empty() {
                doc.key_in_text(span.clone())
            } else {
                Some(locate::display(&path))
            };
            (Some(doc.line_of(span.start)), key)
        }
        None => (None, None),
    };
    Problem {
        line,
        key,
        message: e.message().trim().to_string(),
    }
}

fn segments(path: &serde_ignored::Path) -> Vec<Seg> {
    use serde_ignored::Path as P;
    let mut out = match path {
        P::Root => return Vec::new(),
        P::Seq { parent, .. }
        | P::Map { parent, .. }
        | P::Some { parent }
        | P::NewtypeStruct { parent }
        | P::NewtypeVariant { parent } => segments(parent),
    };
    match path {
        P::Seq { index, .. } => out.push(Seg::Index(*index)),
        P::Map { key, .. } => out.push(Seg::Key(key.clone())),
        _ => {}
    }
    out
}

/// Every `[keys.*]` entry, in file order so the later of two clashing keys is the one blamed.
fn binding_entries(keys: &KeysConfig, doc: &Doc) -> Vec<Binding> {
    let mut out: Vec<(usize, Binding)> = Vec::new();
    for table in KeysConfig::TABLES {
        for (k, action) in keys.table(table).into_iter().flatten() {
            let path = [
                Seg::Key("keys".into()),
                Seg::Key(table.into()),
                Seg::Key(k.clone()),
            ];
            let at = doc.find(&path).map_or(usize::MAX, |s| s.start);
            let binding = Binding {
                table,
                keys: k.clone(),
                action: action.clone(),
            };
            out.push((at, binding));
        }
    }
    out.sort_by_key(|e| e.0);
    out.into_iter().map(|(_, b)| b).collect()
}

/// An hour: a panel refreshed less often than this is better refreshed by hand (`r`).
const MAX_POLL_SECS: u64 = 3600;

/// Numbers with a sane range. Poll floors follow GitHub's guidance (a watched run every 3–5 s,
/// lists every 15–30 s): below them cockpit would spend the rate limit, and risk the secondary
/// one, for nothing a person can see.
fn check_bounds(c: &Config) -> Vec<(Vec<Seg>, String)> {
    let p = &c.poll;
    let max = i128::from(MAX_POLL_SECS);
    let secs = |key, v: u64, min| ("poll", key, i128::from(v), min, max, "seconds");
    [
        secs("branches_secs", p.branches_secs, 2),
        secs("issues_secs", p.issues_secs, 10),
        secs("pulls_secs", p.pulls_secs, 10),
        secs("runs_idle_secs", p.runs_idle_secs, 10),
        secs("runs_active_secs", p.runs_active_secs, 3),
        secs("jobs_active_secs", p.jobs_active_secs, 3),
        secs("environments_idle_secs", p.environments_idle_secs, 10),
        secs("environments_active_secs", p.environments_active_secs, 3),
        // A redraw on this machine, no request: a second is enough.
        secs("clock_secs", p.clock_secs, 1),
        (
            "branches",
            "stale_days",
            i128::from(c.branches.stale_days),
            1,
            3650,
            "days",
        ),
        // As `cockpit metrics --window-days`.
        (
            "deploy",
            "metrics_window_days",
            i128::from(c.deploy.metrics_window_days),
            1,
            365,
            "days",
        ),
    ]
    .into_iter()
    .filter(|&(_, _, v, min, max, _)| v < min || v > max)
    .map(|(table, key, v, min, max, unit)| {
        (
            vec![Seg::Key(table.into()), Seg::Key(key.into())],
            format!("{v} is out of range: between {min} and {max} {unit}"),
        )
    })
    .collect()
}

/// Checks serde cannot express: values with a shape (colours, URLs, OWNER/NAME).
fn check_values(c: &Config) -> Vec<(Vec<Seg>, String)> {
    let key =
        |parts: &[&str]| -> Vec<Seg> { parts.iter().map(|p| Seg::Key(p.to_string())).collect() };
    let mut out = Vec::new();
    for (i, entry) in c.repos.watch.iter().enumerate() {
        let repo = &entry.repo;
        let checked = match repo.split('/').collect::<Vec<_>>()[..] {
            [_, _] => crate::names::check_slug(repo).map(drop),
            // One dashboard talks to one host (one client, one token): a repository elsewhere
            // would be polled with the wrong token, so it is refused rather than ignored.
            [host, owner, name] => crate::origin::check_host(host)
                .and_then(|()| crate::names::check_slug(&format!("{owner}/{name}")))
                .and_then(|_| {
                    Err(format!(
                        "{:?}: watching a repository on another host is not supported yet; \
                         write OWNER/NAME for one on the dashboard's host",
                        crate::text::sanitize_line(repo)
                    ))
                }),
            _ => Err(format!(
                "{:?} is not OWNER/NAME or HOST/OWNER/NAME",
                crate::text::sanitize_line(repo)
            )),
        };
        let checked = checked.and_then(|()| match &entry.path {
            Some(p) if p.trim().is_empty() => Err(format!(
                "the path of {} cannot be empty (leave it out when there is no clone)",
                crate::text::sanitize_line(repo)
            )),
            _ => Ok(()),
        });
        if let Err(message) = checked {
            let mut path = key(&["repos", "watch"]);
            path.push(Seg::Index(i));
            out.push((path, message));
        }
    }
    out.extend(check_bounds(c));
    out.extend(check_sections("issues", &c.issues.sections));
    out.extend(check_sections("pulls", &c.pulls.sections));
    for (name, env) in &c.deploy.environments {
        if env.workflow.trim().is_empty() {
            out.push((
                key(&["deploy", "environments", name, "workflow"]),
                "the workflow file (deploy.yml) or id cannot be empty".into(),
            ));
        }
    }
    for (i, h) in c.hosts.iter().enumerate() {
        let at = |field: &str| {
            vec![
                Seg::Key("hosts".into()),
                Seg::Index(i),
                Seg::Key(field.into()),
            ]
        };
        let host = h.host.trim();
        if let Err(message) = crate::origin::check_host(host) {
            out.push((at("host"), message));
        }
        if !h.api_url.is_empty() {
            if let Err(message) = crate::origin::check_api_url(&h.api_url) {
                out.push((at("api_url"), message));
            }
        }
        if c.hosts[..i]
            .iter()
            .any(|o| o.host.eq_ignore_ascii_case(host))
        {
            out.push((at("host"), format!("{host} is configured twice")));
        }
    }
    for (i, cmd) in c.commands.iter().enumerate() {
        let at = |field: &str| {
            vec![
                Seg::Key("commands".into()),
                Seg::Index(i),
                Seg::Key(field.into()),
            ]
        };
        if cmd.command.trim().is_empty() {
            out.push((at("command"), "the command cannot be empty".into()));
        } else if let Err(message) = template_names(&cmd.command) {
            out.push((at("command"), message));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(text: &str) -> Vec<String> {
        parse(text, &[])
            .expect_err("invalid")
            .iter()
            .map(Problem::to_string)
            .collect()
    }

    #[test]
    fn example_file_is_valid_and_matches_defaults() {
        let example = include_str!("../config.example.toml");
        let loaded = parse(example, &[]).expect("example parses");
        assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
        // Its bindings are checked against the keymap in `settings`.
        let mut config = loaded.config;
        config.keys = KeysConfig::default();
        // Its commands are examples, not defaults (there are none).
        assert_eq!(config.commands.len(), 5);
        config.commands.clear();
        assert_eq!(config, Config::default());
    }

    #[test]
    fn errors_name_the_line_and_key() {
        assert_eq!(
            errors("[poll]\nissues_secs = \"soon\"\n"),
            vec!["line 2, key poll.issues_secs: invalid type: string \"soon\", expected u64"]
        );
        assert_eq!(
            errors("[ui]\ntheme = \"neon\"\n"),
            vec!["line 2, key ui.theme: unknown variant `neon`, expected one of `auto`, `color`, `mono`"]
        );
        assert_eq!(
            errors("[poll]\nbranches_secs = 5\nbranches_secs = 6\n"),
            vec!["line 3, key poll.branches_secs: duplicate key"]
        );
        assert_eq!(
            errors("[keys.global]\nx = \"zoom\"\n[keys.global]\ny = \"zoom\"\n"),
            vec!["line 3, key keys.global: duplicate key"]
        );
        assert_eq!(
            errors("[ keys . global ] # again\n[keys.global]\n"),
            vec!["line 2, key keys.global: duplicate key"]
        );
        assert_eq!(
            errors("[poll] # intervals\nbranches_secs = 5\nbranches_secs = 6\n"),
            vec!["line 3, key poll.branches_secs: duplicate key"]
        );
        let syntax = errors("[poll\n");
        assert_eq!(syntax.len(), 1);
        assert!(syntax[0].starts_with("line 1"), "{syntax:?}");
        assert_eq!(
            errors("[[hosts]]\nhost = \"ghe.corp\"\napi_url = \"ftp://x\"\n"),
            vec!["line 3, key hosts[0].api_url: \"ftp://x\" is not an http(s) URL (https://HOST/api/v3)"]
        );
        let leaky = errors(
            "[[hosts]]\nhost = \"me:pw1@ghe.corp\"\napi_url = \"https://tok3n@ghe.corp/api/v3\"\n",
        );
        assert_eq!(leaky.len(), 2, "{leaky:?}");
        assert!(
            leaky[0].starts_with(
                "line 2, key hosts[0].host: \"ghe.corp\" carries a user name or password"
            ),
            "{leaky:?}"
        );
        assert!(leaky[1].starts_with("line 3, key hosts[0].api_url: https://ghe.corp/api/v3 carries a user name or password"), "{leaky:?}");
        assert!(
            leaky
                .iter()
                .all(|e| !e.contains("pw1") && !e.contains("tok3n")),
            "{leaky:?}"
        );
        assert_eq!(
            errors("[repos]\nwatch = [\"acme/rocket\", \"rocket\"]\n"),
            vec!["line 2, key repos.watch[1]: \"rocket\" is not OWNER/NAME or HOST/OWNER/NAME"]
        );
        assert_eq!(
            errors("[repos]\nwatch = [\"acme/..\", \"ghe.corp/../x\"]\n"),
            vec![
                "line 2, key repos.watch[0]: \"..\" is not a repository name (letters, digits, '.', '-' and '_', at most 100, not \".\" or \"..\")",
                "line 2, key repos.watch[1]: \"..\" is not a GitHub account name (letters, digits and '-', at most 39)",
            ]
        );
        assert_eq!(
            errors("[deploy.environments.production]\ninputs = { dry_run = true }\n"),
            vec!["line 1, key deploy.environments.production: missing field `workflow`"]
        );
    }

    #[test]
    fn a_check_from_above_is_located_and_sorted_with_the_rest() {
        fn no_r(loaded: &Loaded) -> Vec<(Vec<String>, String)> {
            loaded
                .bindings
                .iter()
                .filter(|b| b.keys == "R")
                .map(|b| {
                    (
                        vec!["keys".into(), b.table.into(), b.keys.clone()],
                        "no R".into(),
                    )
                })
                .collect()
        }
        let text = "[keys.ci]\nx = \"a\"\nR = \"b\"\n[poll]\nissues_secs = 1\n";
        let e: Vec<String> = parse(text, &[no_r])
            .expect_err("invalid")
            .iter()
            .map(Problem::to_string)
            .collect();
        assert_eq!(
            e,
            vec![
                "line 3, key keys.ci.R: no R",
                "line 5, key poll.issues_secs: 1 is out of range: between 10 and 3600 seconds",
            ]
        );
        let ok = parse("[keys.ci]\nx = \"a\"\n[keys.global]\ny = \"b\"\n", &[no_r]).expect("valid");
        let order: Vec<(&str, &str)> = ok
            .bindings
            .iter()
            .map(|b| (b.table, b.keys.as_str()))
            .collect();
        assert_eq!(order, vec![("ci", "x"), ("global", "y")]);
    }

    #[test]
    fn unknown_keys_are_warnings_with_their_line() {
        let loaded = parse(
            "[poll]\nbranches_secs = 5\nissue_secs = 3\n\n[futuristic]\nhover = true\n\
             [[hosts]]\nhost = \"ghe.corp\"\napi_ulr = \"https://ghe.corp/api/v3\"\n",
            &[],
        )
        .expect("parses");
        let w: Vec<String> = loaded.warnings.iter().map(Problem::to_string).collect();
        assert_eq!(
            w,
            vec![
                "line 3, key poll.issue_secs: unknown key, ignored (a typo, or a key from a newer cockpit?)",
                "line 5, key futuristic: unknown key, ignored (a typo, or a key from a newer cockpit?)",
                "line 9, key hosts[0].api_ulr: unknown key, ignored (a typo, or a key from a newer cockpit?)",
            ]
        );
        assert_eq!(loaded.config.poll.branches_secs, 5);
        assert_eq!(loaded.config.hosts[0].host, "ghe.corp");
    }

    #[test]
    fn watched_repositories_are_checked_with_their_lines() {
        assert_eq!(
            errors("[repos]\nwatch = [\n  \"acme/api\",\n  \"ghe.corp/team/api\",\n]\n"),
            vec!["line 4, key repos.watch[1]: \"ghe.corp/team/api\": watching a repository on another host is not supported yet; write OWNER/NAME for one on the dashboard's host"]
        );
        assert_eq!(
            errors("[repos]\nwatch = [{ repo = \"acme/api\", pth = \"~/api\" }]\n"),
            vec!["line 2, key repos.watch[0]: unknown field `pth`, expected `repo` or `path`"]
        );
        assert_eq!(
            errors("[repos]\nwatch = [{ path = \"~/api\" }]\n"),
            vec!["line 2, key repos.watch[0]: missing field `repo`"]
        );
        assert_eq!(
            errors("[repos]\nwatch = [{ repo = \"acme/api\", path = \" \" }]\n"),
            vec!["line 2, key repos.watch[0]: the path of acme/api cannot be empty (leave it out when there is no clone)"]
        );
        assert_eq!(
            errors("[repos]\nwatch = [{ repo = \"acme\" }]\n"),
            vec!["line 2, key repos.watch[0]: \"acme\" is not OWNER/NAME or HOST/OWNER/NAME"]
        );
        let ok = parse(
            "[[repos.watch]]\nrepo = \"acme/infra\"\npath = \"~/src/infra\"\n",
            &[],
        )
        .expect("the array-of-tables form reads too");
        assert_eq!(
            ok.config.repos.watch[0].path.as_deref(),
            Some("~/src/infra")
        );
    }

    #[test]
    fn the_whole_schema_reads() {
        let loaded = parse(
            r##"
[repos]
watch = ["acme/infra", { repo = "acme/api", path = "~/src/api" }]
[ui]
theme = "mono"
[ui.colors]
focus = "#ff8800"
[keys.global]
g = "none"
"g g" = "top"
[keys.ci]
R = "refresh"
[deploy]
order = ["staging", "production"]
[deploy.environments.production]
workflow = "deploy.yml"
ref = "main"
inputs = { environment = "production", dry_run = false, replicas = 3 }
[notify]
bell = true
on = ["ci_failed", "deploy_finished"]
[branches]
stale_days = 14
[log]
level = "debug"
file = "/tmp/cockpit.log"
[auth]
client_id = "Iv1.abc"
[[hosts]]
host = "ghe.corp"
client_id = "Iv1.corp"
"##,
            &[],
        )
        .expect("parses");
        assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
        let c = &loaded.config;
        assert_eq!(
            c.repos.watch,
            vec![
                WatchEntry {
                    repo: "acme/infra".into(),
                    path: None
                },
                WatchEntry {
                    repo: "acme/api".into(),
                    path: Some("~/src/api".into())
                }
            ]
        );
        assert_eq!(c.ui.theme, ThemeChoice::Mono);
        let prod = &c.deploy.environments["production"];
        assert_eq!(prod.workflow, "deploy.yml");
        assert_eq!(prod.inputs["dry_run"], InputValue::Bool(false));
        assert_eq!(prod.inputs["replicas"], InputValue::Integer(3));
        assert_eq!(
            c.notify.on,
            vec![NotifyEvent::CiFailed, NotifyEvent::DeployFinished]
        );
        assert_eq!(c.branches.stale_days, 14);
        assert_eq!(c.log.level, LogLevel::Debug);
        assert_eq!(c.client_id("ghe.corp"), Some("Iv1.corp"));
        assert_eq!(c.client_id("github.com"), Some("Iv1.abc"));
        assert_eq!(loaded.bindings.len(), 3);
    }

    #[test]
    fn sections_read_with_defaults_and_are_checked() {
        let d = Config::default();
        let titles: Vec<&str> = d.issues.sections.iter().map(|s| s.title.as_str()).collect();
        assert_eq!(titles, ["Assigned", "Created", "Mentioned"]);
        let titles: Vec<&str> = d.pulls.sections.iter().map(|s| s.title.as_str()).collect();
        assert_eq!(titles, ["Mine", "Review requested", "Involved"]);
        let loaded = parse(
            "[[issues.sections]]\ntitle = \"p1 bugs\"\nfilter = \"is:open label:p1 org:acme\"\n\
             colour = \"red\"\n[[pulls.sections]]\ntitle = \"Team\"\nfilter = \"is:open team-review-requested:acme/web\"\n",
            &[],
        )
        .expect("parses");
        let c = &loaded.config;
        assert_eq!(
            c.issues.sections,
            vec![Section::new("p1 bugs", "is:open label:p1 org:acme")]
        );
        assert_eq!(
            c.pulls.sections.len(),
            1,
            "configured sections replace the defaults"
        );
        let w: Vec<String> = loaded.warnings.iter().map(Problem::to_string).collect();
        assert_eq!(
            w,
            vec!["line 4, key issues.sections[0].colour: unknown key, ignored (a typo, or a key from a newer cockpit?)"]
        );
        assert_eq!(
            errors(
                "[[issues.sections]]\ntitle = \"\"\nfilter = \"is:open\"\n                 [[issues.sections]]\ntitle = \"Bugs\"\nfilter = \" \"\n                 [[issues.sections]]\ntitle = \"bugs\"\nfilter = \"is:pr author:@me\"\n"
            ),
            vec![
                "line 2, key issues.sections[0].title: a section needs a title",
                "line 6, key issues.sections[1].filter: a section needs a filter (a GitHub search query such as \"is:open assignee:@me\")",
                "line 8, key issues.sections[2].title: \"bugs\" is the title of another section",
                "line 9, key issues.sections[2].filter: issues sections list issues; is:pr would find pull requests, so nothing",
            ]
        );
        assert_eq!(
            errors("[pulls]\nsections = []\n"),
            vec!["line 2, key pulls.sections: no sections: write at least one, or leave the key out for the defaults"]
        );
        let long = format!(
            "[[pulls.sections]]\ntitle = \"x\"\nfilter = \"{}\"\n",
            "a ".repeat(200)
        );
        assert_eq!(
            errors(&long),
            vec!["line 3, key pulls.sections[0].filter: longer than the 256 characters GitHub searches"]
        );
        assert_eq!(
            errors("[[pulls.sections]]\ntitle = \"x\"\n"),
            vec!["line 1, key pulls.sections[0]: missing field `filter`"]
        );
    }

    #[test]
    fn numbers_out_of_range_are_located_errors() {
        assert_eq!(
            errors("[poll]\nbranches_secs = 5\nruns_active_secs = 0\nissues_secs = 1\n"),
            vec![
                "line 3, key poll.runs_active_secs: 0 is out of range: between 3 and 3600 seconds",
                "line 4, key poll.issues_secs: 1 is out of range: between 10 and 3600 seconds",
            ]
        );
        assert_eq!(
            errors("[poll]\njobs_active_secs = 18446744073709551615\n"),
            vec!["line 2, key poll.jobs_active_secs: 18446744073709551615 is out of range: between 3 and 3600 seconds"]
        );
        assert_eq!(
            errors("[branches]\nstale_days = 0\n[deploy]\nmetrics_window_days = -5\n"),
            vec![
                "line 2, key branches.stale_days: 0 is out of range: between 1 and 3650 days",
                "line 4, key deploy.metrics_window_days: -5 is out of range: between 1 and 365 days",
            ]
        );
        assert_eq!(
            errors("[poll]\nclock_secs = 0\n"),
            vec!["line 2, key poll.clock_secs: 0 is out of range: between 1 and 3600 seconds"]
        );
        let edges = "[poll]\nbranches_secs = 2\nruns_active_secs = 3\nissues_secs = 3600\n\
                     [deploy]\nmetrics_window_days = 365\n";
        let c = parse(edges, &[]).expect("in range").config;
        assert_eq!(c.poll.runs_active_secs, 3);
    }
}
