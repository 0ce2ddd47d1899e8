//! `cockpit doctor`: every thing cockpit depends on, checked in order, one line each, with a fix
//! for each failure. A failure makes the exit code non-zero; a warning does not (cockpit works,
//! with less). Checks that cannot run because an earlier one failed say so ("skip").

use crate::auth::scopes::{self, Coverage};
use crate::auth::store::{service_name, CredentialStore};
use crate::auth::{env_vars, find_token, key_host, Sources, TokenSource};
use crate::config::{ConfigError, Loaded};
use crate::github::models::User;
use crate::github::ratelimit::RateLimit;
use crate::github::{ApiError, GitHub, Slug, Token};
use crate::launch::ApiTarget;
use crate::text::sanitize_line;
use std::fmt;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Ok,
    Warn,
    Fail,
    Skip,
}

/// One line of the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    pub name: &'static str,
    pub status: Status,
    pub detail: String,
    pub fix: Option<String>,
}

impl fmt::Display for Check {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mark = match self.status {
            Status::Ok => "✓",
            Status::Warn => "!",
            Status::Fail => "✗",
            Status::Skip => "-",
        };
        write!(f, "{mark} {:<9} {}", self.name, self.detail)?;
        if let Some(fix) = &self.fix {
            write!(f, " — fix: {fix}")?;
        }
        Ok(())
    }
}

fn check(name: &'static str, status: Status, detail: impl Into<String>) -> Check {
    Check {
        name,
        status,
        detail: detail.into(),
        fix: None,
    }
}

fn fail(name: &'static str, detail: impl Into<String>, fix: impl Into<String>) -> Check {
    Check {
        name,
        status: Status::Fail,
        detail: detail.into(),
        fix: Some(fix.into()),
    }
}

/// A failure whose message may already say what to do (`problem; what to do`): the fix is
/// said once, on the fix side, instead of in the detail and again after it.
fn problem_and_fix(message: &str, fallback_fix: &str) -> (String, String) {
    match message.split_once("; ") {
        Some((problem, fix)) => (problem.to_string(), fix.to_string()),
        None => (message.to_string(), fallback_fix.to_string()),
    }
}

fn fail_with(name: &'static str, message: &str, fallback_fix: &str) -> Check {
    let (problem, fix) = problem_and_fix(message, fallback_fix);
    fail(name, problem, fix)
}

/// What the terminal looks like (None when standard output is not a terminal).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TerminalInfo {
    pub width: u16,
    pub height: u16,
}

/// Everything doctor looks at, injectable so tests do not depend on the machine.
pub struct Inputs<'a> {
    pub config: Result<&'a Loaded, &'a ConfigError>,
    /// The file that was (or would be) read.
    pub config_path: Option<PathBuf>,
    pub api_url: Option<&'a str>,
    pub repo_flag: Option<&'a str>,
    pub readonly: bool,
    pub cwd: &'a Path,
    pub env: &'a dyn Fn(&str) -> Option<String>,
    pub keyring: &'a dyn CredentialStore,
    pub gh: &'a dyn Fn(&str) -> Option<Token>,
    pub terminal: Option<TerminalInfo>,
    /// Where the log goes when logging is on.
    pub log_file: Option<PathBuf>,
}

/// Runs every check, in the order they are printed.
pub async fn run(inp: &Inputs<'_>) -> Vec<Check> {
    let mut out = Vec::new();
    let default_loaded = Loaded::default();
    let loaded = inp.config.unwrap_or(&default_loaded);
    let hosts = &loaded.config.hosts;

    out.extend(config_checks(inp));

    // git repository and remote
    let local = crate::git::discover(inp.cwd);
    let mut extra_hosts: Vec<String> = hosts.iter().map(|h| h.host.clone()).collect();
    if let Ok(Some(t)) = ApiTarget::explicit(inp.api_url, inp.env, hosts) {
        extra_hosts.push(t.host);
    }
    let mut remote_host = None;
    match &local {
        Ok(info) => {
            let branch = info
                .head_branch
                .as_deref()
                .map_or("detached HEAD".to_string(), |b| format!("on {b}"));
            out.push(check(
                "git",
                Status::Ok,
                format!(
                    "{} ({branch})",
                    info.workdir.display().to_string().trim_end_matches('/')
                ),
            ));
            match (
                crate::git::pick_github_remote(&info.remotes, &extra_hosts),
                inp.repo_flag,
            ) {
                (_, Some(flag)) => out.push(repo_flag_check(flag)),
                (Ok((name, slug)), None) => match Slug::check(&slug.full_name()) {
                    Ok(s) => {
                        remote_host = Some(slug.host.to_ascii_lowercase());
                        out.push(check(
                            "remote",
                            Status::Ok,
                            format!("{name} → {} on {}", s.full_name(), slug.host),
                        ));
                    }
                    Err(e) => out.push(fail(
                        "remote",
                        format!("{} names no GitHub repository: {e}", sanitize_line(&name)),
                        "git remote set-url origin https://github.com/OWNER/NAME.git, or pass --repo OWNER/NAME",
                    )),
                },
                (Err(e), None) => out.push(fail_with(
                    "remote",
                    &e.to_string(),
                    "git remote add origin https://github.com/OWNER/NAME.git, or pass --repo OWNER/NAME",
                )),
            }
        }
        Err(e) => {
            let status = if inp.repo_flag.is_some() {
                Status::Warn
            } else {
                Status::Fail
            };
            let (problem, fix) = problem_and_fix(
                &e.to_string(),
                "run cockpit inside a clone of a GitHub repository, or pass --repo OWNER/NAME",
            );
            out.push(Check {
                name: "git",
                status,
                detail: format!("{problem} (the Branches panel stays empty)"),
                fix: (status == Status::Fail).then_some(fix),
            });
            match inp.repo_flag {
                Some(flag) => out.push(repo_flag_check(flag)),
                None => out.push(check("remote", Status::Skip, "no repository")),
            }
        }
    }

    match ApiTarget::choose(inp.api_url, inp.env, hosts, remote_host.as_deref()) {
        Ok(target) => {
            out.extend(github_checks(inp, &target).await);
            out.push(keyring_check(inp, &target));
        }
        Err(e) => {
            out.push(fail(
                "api",
                e.to_string(),
                "name the API as https://HOST/api/v3 (or GH_HOST=HOST), nothing before an '@'",
            ));
            for name in ["token", "scopes", "rate", "keyring"] {
                out.push(check(name, Status::Skip, "no usable API address"));
            }
        }
    }
    out.extend(terminal_checks(inp, loaded));
    out
}

fn repo_flag_check(flag: &str) -> Check {
    match Slug::check(flag) {
        Ok(s) => check("remote", Status::Ok, format!("--repo {}", s.full_name())),
        Err(e) => fail("remote", format!("--repo: {e}"), "pass --repo OWNER/NAME"),
    }
}

fn config_checks(inp: &Inputs) -> Vec<Check> {
    let path = inp
        .config_path
        .as_ref()
        .map_or("(no config directory)".to_string(), |p| {
            p.display().to_string()
        });
    match inp.config {
        Err(e) => e
            .to_string()
            .lines()
            .map(|l| {
                fail(
                    "config",
                    l.trim_start_matches("config file ").to_string(),
                    "correct the file (config.example.toml documents every key), or point --config elsewhere",
                )
            })
            .collect(),
        Ok(loaded) => {
            let mut out = Vec::new();
            let detail = match &loaded.path {
                Some(p) => format!("{}: valid", p.display()),
                None => format!("{path}: no file, using the defaults"),
            };
            let status = if loaded.warnings.is_empty() {
                Status::Ok
            } else {
                Status::Warn
            };
            out.push(check(
                "config",
                status,
                match loaded.warnings.len() {
                    0 => detail,
                    1 => format!("{detail}, 1 warning"),
                    n => format!("{detail}, {n} warnings"),
                },
            ));
            for w in &loaded.warnings {
                out.push(check("config", Status::Warn, w.to_string()));
            }
            out
        }
    }
}

async fn github_checks(inp: &Inputs<'_>, target: &ApiTarget) -> Vec<Check> {
    let mut out = Vec::new();
    let host = key_host(&target.host);
    let lookup = find_token(
        &host,
        &Sources {
            env: inp.env,
            keyring: Some(inp.keyring),
            gh: inp.gh,
        },
    );
    let token = lookup.found.as_ref().map(|(t, _)| t.clone());

    // Reachability first, with the rate limit endpoint: it is free, and answers without a token.
    let gh = match GitHub::new(&target.rest_base, token.clone()) {
        Ok(g) => g,
        Err(e) => {
            out.push(fail("api", e.to_string(), "check --api-url / GH_HOST"));
            return out;
        }
    };
    let rate = gh
        .get_with_headers::<serde_json::Value>("/rate_limit")
        .await;
    let rate = match rate {
        Err(e @ ApiError::Network { .. }) => {
            out.push(fail(
                "api",
                format!("{} ({}): {e}", host, target.rest_base),
                "check the network or proxy, and --api-url / GH_HOST / [[hosts]] api_url",
            ));
            for name in ["token", "scopes", "rate"] {
                out.push(check(name, Status::Skip, "the API is unreachable"));
            }
            return out;
        }
        other => other,
    };
    out.push(check(
        "api",
        Status::Ok,
        format!("{host} reachable at {}", target.rest_base),
    ));

    // The token, and who it is.
    let Some((token, source)) = lookup.found else {
        out.push(fail(
            "token",
            format!(
                "no token for {host} in {}, the keyring, or gh",
                env_vars(&host).join(", ")
            ),
            crate::auth::commands::sign_in_fix(&host, inp.keyring),
        ));
        out.push(check("scopes", Status::Skip, "no token"));
        out.push(rate_check(rate.as_ref().ok().map(|(_, h)| h)));
        return out;
    };
    let source_text = match source {
        TokenSource::Keyring => format!("keyring entry {}", service_name(&host)),
        other => other.to_string(),
    };
    let authed = GitHub::new(&target.rest_base, Some(token));
    let user = match authed {
        Ok(g) => g.get_with_headers::<User>("/user").await,
        Err(e) => Err(e),
    };
    let (user, headers) = match user {
        Ok(u) => u,
        Err(ApiError::Unauthorized { message }) => {
            out.push(fail(
                "token",
                format!(
                    "the token from {source_text} was rejected ({message}): revoked or expired"
                ),
                crate::auth::commands::rejected_fix(&host, source, inp.keyring),
            ));
            out.push(check("scopes", Status::Skip, "the token was rejected"));
            out.push(check("rate", Status::Skip, "the token was rejected"));
            return out;
        }
        Err(e) => {
            out.push(fail(
                "token",
                format!("cannot check the token from {source_text}: {e}"),
                "run doctor again; if it persists, check the host's status",
            ));
            out.push(check(
                "scopes",
                Status::Skip,
                "the token could not be checked",
            ));
            out.push(rate_check(rate.as_ref().ok().map(|(_, h)| h)));
            return out;
        }
    };
    out.push(check(
        "token",
        Status::Ok,
        format!("{source_text}: signed in as {}", sanitize_line(&user.login)),
    ));
    out.push(scope_check(
        scopes::parse(headers.get("x-oauth-scopes").and_then(|v| v.to_str().ok())),
        inp.readonly,
        &host,
    ));
    out.push(rate_check(rate.as_ref().ok().map(|(_, h)| h)));
    out
}

fn scope_check(scopes: Option<Vec<String>>, readonly: bool, host: &str) -> Check {
    let s = scopes.as_deref();
    let listed = match s {
        Some([]) => "no scopes".to_string(),
        Some(list) => list.join(", "),
        None => "not reported (fine-grained or app token)".to_string(),
    };
    let relogin =
        format!("cockpit auth login --hostname {host} (asks for repo, read:org, workflow)");
    let (read, act) = (scopes::read(s), scopes::act(s));
    if let Coverage::Missing(m) = &read {
        return fail(
            "scopes",
            format!("{listed}: reading needs {}", m.join(", ")),
            relogin,
        );
    }
    let partial = match &read {
        Coverage::Partial(why) => format!("; {why}"),
        _ => String::new(),
    };
    match act {
        Coverage::Missing(m) if !readonly => fail(
            "scopes",
            format!(
                "{listed}: acting (re-run, dispatch, deploy, approve) needs {}{partial}",
                m.join(", ")
            ),
            format!("{relogin}, or run with --readonly"),
        ),
        _ if !partial.is_empty() => check("scopes", Status::Warn, format!("{listed}{partial}")),
        Coverage::Missing(_) => check(
            "scopes",
            Status::Ok,
            format!("{listed}: enough to read (--readonly: acting not needed)"),
        ),
        Coverage::Unknown => check(
            "scopes",
            Status::Warn,
            format!("{listed}: permissions show only when used"),
        ),
        _ => check(
            "scopes",
            Status::Ok,
            format!("{listed}: read and act covered"),
        ),
    }
}

fn rate_check(headers: Option<&reqwest::header::HeaderMap>) -> Check {
    match headers.and_then(RateLimit::from_headers) {
        None => check("rate", Status::Warn, "the API did not report a rate limit"),
        Some(rl) if rl.remaining == 0 => fail(
            "rate",
            format!("0 of {} requests left", rl.limit),
            format!("wait until {} for the reset", rl.reset.format("%H:%M UTC")),
        ),
        Some(rl) if u64::from(rl.remaining) * 10 < u64::from(rl.limit) => check(
            "rate",
            Status::Warn,
            format!(
                "{} of {} requests left; resets at {}",
                rl.remaining,
                rl.limit,
                rl.reset.format("%H:%M UTC")
            ),
        ),
        Some(rl) => check(
            "rate",
            Status::Ok,
            format!("{} of {} requests left", rl.remaining, rl.limit),
        ),
    }
}

fn keyring_check(inp: &Inputs, target: &ApiTarget) -> Check {
    let host = key_host(&target.host);
    match inp.keyring.probe() {
        Ok(()) => match inp.keyring.get(&host) {
            Ok(Some(_)) => check(
                "keyring",
                Status::Ok,
                format!(
                    "{}: entry {} is set",
                    inp.keyring.name(),
                    service_name(&host)
                ),
            ),
            Ok(None) => check(
                "keyring",
                Status::Ok,
                format!(
                    "{} is available (no entry for {host}: `cockpit auth login` would add one)",
                    inp.keyring.name()
                ),
            ),
            Err(e) => check("keyring", Status::Warn, e.to_string()),
        },
        // Not a failure: the environment and gh still work; say what to use instead.
        Err(e) => Check {
            name: "keyring",
            status: Status::Warn,
            detail: format!("{e}: `cockpit auth login` cannot store a token here"),
            fix: Some(format!(
                "use {} in the environment, or gh's login",
                env_vars(&host).first().copied().unwrap_or("GH_TOKEN")
            )),
        },
    }
}

fn terminal_checks(inp: &Inputs, loaded: &Loaded) -> Vec<Check> {
    let mut out = Vec::new();
    match inp.terminal {
        None => out.push(check(
            "terminal",
            Status::Skip,
            "standard output is not a terminal",
        )),
        Some(t) => {
            let (w, h) = (
                crate::app::layout::MIN_WIDTH,
                crate::app::layout::MIN_HEIGHT,
            );
            let (full_w, full_h) = (
                crate::app::layout::GRID_WIDTH,
                crate::app::layout::GRID_HEIGHT,
            );
            if t.width < w || t.height < h {
                out.push(fail(
                    "terminal",
                    format!(
                        "{}x{} is below the {w}x{h} cockpit needs",
                        t.width, t.height
                    ),
                    "enlarge the window or reduce the font size",
                ));
            } else if t.width < full_w || t.height < full_h {
                out.push(check(
                    "terminal",
                    Status::Warn,
                    format!(
                        "{}x{}: one panel at a time (all five need {full_w}x{full_h})",
                        t.width, t.height
                    ),
                ));
            } else {
                out.push(check(
                    "terminal",
                    Status::Ok,
                    format!("{}x{}", t.width, t.height),
                ));
            }
        }
    }
    let env = inp.env;
    let no_color = env("NO_COLOR").is_some_and(|v| !v.is_empty());
    let colors = match loaded.config.ui.theme {
        crate::config::ThemeChoice::Mono => "monochrome ([ui] theme = \"mono\")".to_string(),
        crate::config::ThemeChoice::Auto if no_color => "monochrome (NO_COLOR is set)".into(),
        _ => {
            let colorterm = env("COLORTERM").unwrap_or_default();
            let term = env("TERM").unwrap_or_default();
            if term == "dumb" {
                out.push(check(
                    "colour",
                    Status::Warn,
                    "TERM=dumb: the dashboard needs a terminal that understands cursor movement",
                ));
                return with_log(out, inp);
            } else if colorterm == "truecolor" || colorterm == "24bit" {
                "24-bit colour".into()
            } else if term.contains("256color") {
                "256 colours (#rrggbb colours are sent as their nearest palette entry; \
                 COLORTERM=truecolor if the terminal has 24-bit colour)"
                    .into()
            } else {
                format!(
                    "basic colours (TERM={term}); cockpit uses the 256-colour palette: \
                     set COLORTERM=truecolor if the terminal has 24-bit colour"
                )
            }
        }
    };
    out.push(check("colour", Status::Ok, colors));
    with_log(out, inp)
}

fn with_log(mut out: Vec<Check>, inp: &Inputs) -> Vec<Check> {
    if let Some(p) = &inp.log_file {
        out.push(check(
            "log",
            Status::Ok,
            format!("writing to {}", p.display()),
        ));
    }
    out
}

/// Exit code: 1 when any check failed.
pub fn exit_code(checks: &[Check]) -> i32 {
    i32::from(checks.iter().any(|c| c.status == Status::Fail))
}
