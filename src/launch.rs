//! Turning the command line and the environment into what the dashboard needs: which API,
//! which repository, which token, which local clone. Every problem becomes a message the
//! dashboard shows, not an exit: local branches still work without GitHub, and GitHub panels
//! still work without a local clone.

use crate::app::pollers::{Intervals, Services};
use crate::app::state::{AppState, Context, WatchedRepo};
use crate::auth::{self, TokenSource};
use crate::config::HostConfig;
use crate::git;
use crate::github::{GitHub, Slug, Token};
use chrono::Utc;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The API to talk to, and the web host links point at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiTarget {
    pub rest_base: String,
    pub web_base: String,
    /// Host used for token lookup and remote matching (`github.com` for api.github.com).
    pub host: String,
}

/// Why the API the user named cannot be used. The text never holds a URL's user info.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{given_by}: {problem}")]
pub struct TargetError {
    /// `--api-url`, `GITHUB_API_URL`, `GH_HOST`, `[[hosts]] api_url of HOST`.
    pub given_by: String,
    pub problem: String,
}

impl ApiTarget {
    /// `--api-url`, else `GITHUB_API_URL`, else `GH_HOST`, else github.com.
    pub fn resolve(
        api_url: Option<&str>,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<ApiTarget, TargetError> {
        Ok(ApiTarget::explicit(api_url, env, &[])?.unwrap_or_else(ApiTarget::dotcom))
    }

    /// What the user chose outright: `--api-url`, `GITHUB_API_URL` or `GH_HOST` (looked up in
    /// the configured hosts for its API base).
    pub fn explicit(
        api_url: Option<&str>,
        env: &dyn Fn(&str) -> Option<String>,
        hosts: &[HostConfig],
    ) -> Result<Option<ApiTarget>, TargetError> {
        let url = api_url
            .map(|u| ("--api-url", u.to_string()))
            .or_else(|| env("GITHUB_API_URL").map(|u| ("GITHUB_API_URL", u)))
            .filter(|(_, s)| !s.trim().is_empty());
        if let Some((given_by, url)) = url {
            return ApiTarget::parse_api_url(&url, given_by).map(Some);
        }
        env("GH_HOST")
            .map(|h| h.trim().to_string())
            .filter(|h| !h.is_empty())
            .map(|h| ApiTarget::host_named(&h, "GH_HOST", hosts))
            .transpose()
    }

    /// [`ApiTarget::for_host`] for a host name the user typed (`given_by` says where).
    pub fn host_named(
        host: &str,
        given_by: &str,
        hosts: &[HostConfig],
    ) -> Result<ApiTarget, TargetError> {
        let bare = host.trim().trim_end_matches('/');
        crate::origin::check_host(bare).map_err(|problem| TargetError {
            given_by: given_by.to_string(),
            problem,
        })?;
        ApiTarget::for_host(host, hosts)
    }

    /// An API base URL from the user (`given_by` says where it came from, for the message):
    /// http(s), a host, and no user name or password in it.
    pub fn parse_api_url(url: &str, given_by: &str) -> Result<ApiTarget, TargetError> {
        crate::origin::check_api_url(url)
            .map(|_| ApiTarget::from_api_url(url.trim()))
            .map_err(|problem| TargetError {
                given_by: given_by.to_string(),
                problem,
            })
    }

    /// A host by name: its `[[hosts]]` entry's API base if it has one, else github.com's API or
    /// the Enterprise convention `https://HOST/api/v3`.
    pub fn for_host(host: &str, hosts: &[HostConfig]) -> Result<ApiTarget, TargetError> {
        let host = host.trim().trim_end_matches('/');
        if auth::is_dotcom(host) {
            return Ok(ApiTarget::dotcom());
        }
        // Hosts come from the config (checked when read) or a parsed remote; this keeps a
        // credential out of the URLs built below whatever the caller.
        crate::origin::check_host(host).map_err(|problem| TargetError {
            given_by: "host".into(),
            problem,
        })?;
        let configured = hosts.iter().find(|h| h.host.eq_ignore_ascii_case(host));
        Ok(match configured.filter(|h| !h.api_url.trim().is_empty()) {
            Some(h) => ApiTarget {
                host: host.to_ascii_lowercase(),
                ..ApiTarget::parse_api_url(&h.api_url, &format!("[[hosts]] api_url of {host}"))?
            },
            // GitHub Enterprise Cloud with data residency: the API is on api.SUBDOMAIN.ghe.com.
            None if host.to_ascii_lowercase().ends_with(".ghe.com") => ApiTarget {
                rest_base: format!("https://api.{host}"),
                web_base: format!("https://{host}"),
                host: host.to_ascii_lowercase(),
            },
            None => ApiTarget {
                rest_base: format!("https://{host}/api/v3"),
                web_base: format!("https://{host}"),
                host: host.to_ascii_lowercase(),
            },
        })
    }

    /// The dashboard's API: an explicit choice, else the host of the repository's GitHub
    /// remote when it is a configured Enterprise host, else github.com.
    pub fn choose(
        api_url: Option<&str>,
        env: &dyn Fn(&str) -> Option<String>,
        hosts: &[HostConfig],
        remote_host: Option<&str>,
    ) -> Result<ApiTarget, TargetError> {
        if let Some(t) = ApiTarget::explicit(api_url, env, hosts)? {
            return Ok(t);
        }
        match remote_host {
            Some(h)
                if hosts.iter().any(|c| c.host.eq_ignore_ascii_case(h))
                    || h.to_ascii_lowercase().ends_with(".ghe.com") =>
            {
                ApiTarget::for_host(h, hosts)
            }
            _ => Ok(ApiTarget::dotcom()),
        }
    }

    pub fn dotcom() -> ApiTarget {
        ApiTarget {
            rest_base: "https://api.github.com".into(),
            web_base: "https://github.com".into(),
            host: "github.com".into(),
        }
    }

    /// An API base cockpit made itself (fakehub's, the demo's). What the user gives goes
    /// through [`ApiTarget::parse_api_url`].
    pub fn from_api_url(url: &str) -> ApiTarget {
        let rest_base = url.trim_end_matches('/').to_string();
        let parsed = url::Url::parse(&rest_base).ok();
        let host = parsed
            .as_ref()
            .and_then(|u| u.host_str().map(str::to_string))
            .unwrap_or_default();
        if host == "api.github.com" {
            return ApiTarget::dotcom();
        }
        let web_base = rest_base
            .strip_suffix("/api/v3")
            .unwrap_or(&rest_base)
            .to_string();
        ApiTarget {
            rest_base,
            web_base,
            host,
        }
    }
}

/// Which GitHub repository, and which local clone, the dashboard shows.
#[derive(Debug, Clone, Default)]
pub struct RepoChoice {
    pub slug: Option<Slug>,
    pub problem: Option<String>,
    pub workdir: Option<PathBuf>,
    pub head_branch: Option<String>,
}

pub fn resolve_repo(cwd: &Path, repo_flag: Option<&str>, extra_hosts: &[String]) -> RepoChoice {
    let local = git::discover(cwd);
    let mut choice = RepoChoice::default();
    match &local {
        Ok(info) => {
            choice.workdir = Some(info.workdir.clone());
            choice.head_branch = info.head_branch.clone();
        }
        Err(e) => choice.problem = Some(e.to_string()),
    }
    if let Some(flag) = repo_flag {
        match Slug::check(flag) {
            Ok(s) => {
                choice.slug = Some(s);
                choice.problem = None;
            }
            Err(e) => choice.problem = Some(format!("--repo expects OWNER/NAME: {e}")),
        }
        return choice;
    }
    if let Ok(info) = &local {
        match git::pick_github_remote(&info.remotes, extra_hosts) {
            Ok((remote, slug)) => match Slug::check(&slug.full_name()) {
                Ok(s) => choice.slug = Some(s),
                Err(e) => {
                    choice.problem = Some(format!(
                        "the remote {} names no GitHub repository: {e}; pass --repo OWNER/NAME",
                        crate::text::sanitize_line(&remote)
                    ))
                }
            },
            Err(e) => choice.problem = Some(e.to_string()),
        }
    }
    choice
}

/// The host of the GitHub remote of the repository at `cwd` (`extra_hosts` count as GitHub).
pub fn remote_host(cwd: &Path, extra_hosts: &[String]) -> Option<String> {
    let info = git::discover(cwd).ok()?;
    git::pick_github_remote(&info.remotes, extra_hosts)
        .ok()
        .map(|(_, slug)| slug.host.to_ascii_lowercase())
}

/// Everything needed to start the dashboard.
pub struct Launch {
    pub state: AppState,
    pub services: Services,
    pub token_source: Option<TokenSource>,
}

pub struct LaunchSpec {
    pub target: ApiTarget,
    pub repo: RepoChoice,
    pub token: Option<(Token, Option<TokenSource>)>,
    pub readonly: bool,
    pub demo: bool,
    pub intervals: Intervals,
    pub size: (u16, u16),
    pub deploy_targets: std::collections::HashMap<String, crate::app::prepare::DeployTarget>,
    /// Where drafts live; `None`: the platform data directory.
    pub drafts_dir: Option<std::path::PathBuf>,
    pub stale_days: u32,
    /// The config's `[repos] watch` (checked when read).
    pub watch: Vec<crate::config::WatchEntry>,
}

/// The watched repositories from the config, without the current one and without repeats,
/// and a warning for each clone `path` that is not a clone of its repository (the repository
/// is still watched; only its local git work is off).
pub fn watched(
    entries: &[crate::config::WatchEntry],
    current: Option<&Slug>,
    home: Option<&Path>,
) -> (Vec<WatchedRepo>, Vec<String>) {
    let mut out: Vec<WatchedRepo> = Vec::new();
    let mut warnings = Vec::new();
    for e in entries {
        // Checked when the config was read; a HOST/ form never gets here.
        let Some(slug) = Slug::parse(&e.repo) else {
            continue;
        };
        if current == Some(&slug) || out.iter().any(|w| w.slug == slug) {
            continue;
        }
        let path = e.path.as_deref().and_then(|p| {
            let dir = expand_home(p, home);
            match clone_of(&dir, &slug) {
                Ok(()) => Some(dir),
                Err(why) => {
                    warnings.push(format!(
                        "[repos] watch: {}: {} — its local git work is off",
                        slug.full_name(),
                        crate::text::sanitize_line(&why)
                    ));
                    None
                }
            }
        });
        out.push(WatchedRepo { slug, path });
    }
    (out, warnings)
}

/// `~` and `~/…` are the home directory, as in a shell.
fn expand_home(path: &str, home: Option<&Path>) -> PathBuf {
    let path = path.trim();
    match (path.strip_prefix('~'), home) {
        (Some(""), Some(h)) => h.to_path_buf(),
        (Some(rest), Some(h)) if rest.starts_with('/') => h.join(rest.trim_start_matches('/')),
        _ => PathBuf::from(path),
    }
}

/// Whether `dir` is a working tree with a remote pointing at `slug`.
fn clone_of(dir: &Path, slug: &Slug) -> Result<(), String> {
    let info = git::discover(dir).map_err(|e| e.to_string())?;
    let names = |url: &str| {
        git::parse_remote_url(url).is_some_and(|(_, owner, name)| {
            owner.eq_ignore_ascii_case(&slug.owner) && name.eq_ignore_ascii_case(&slug.name)
        })
    };
    if info.remotes.iter().any(|(_, url)| names(url)) {
        Ok(())
    } else {
        Err(format!(
            "{} is a git repository without a remote for {}",
            dir.display(),
            slug.full_name()
        ))
    }
}

pub fn build(spec: LaunchSpec) -> Result<Launch, crate::github::ApiError> {
    let (token, token_source) = match spec.token {
        Some((t, src)) => (Some(t), src),
        None => (None, None),
    };
    let remote_auth = crate::git::RemoteAuth::github(token.clone(), &spec.target.rest_base);
    let gh = GitHub::new(&spec.target.rest_base, token)?;
    let drafts_dir = spec
        .drafts_dir
        .or_else(crate::drafts::DraftStore::default_dir)
        .unwrap_or_else(|| std::env::temp_dir().join("cockpit-drafts"));
    let drafts = crate::drafts::DraftStore::new(drafts_dir);
    let home = std::env::var_os("HOME").map(PathBuf::from);
    let (watched, startup_warnings) =
        watched(&spec.watch, spec.repo.slug.as_ref(), home.as_deref());
    let ctx = Context {
        repo: spec.repo.slug.clone(),
        repo_problem: spec.repo.problem.clone(),
        watched,
        has_local_repo: spec.repo.workdir.is_some(),
        workdir: spec.repo.workdir.clone(),
        has_token: gh.has_token(),
        api_host: spec.target.host.clone(),
        web_base: spec.target.web_base.clone(),
        readonly: spec.readonly,
        demo: spec.demo,
        startup_warnings,
    };
    let mut state = AppState::new(ctx, Utc::now(), spec.size);
    state.ci_branch = spec
        .repo
        .head_branch
        .clone()
        .filter(|_| spec.repo.slug.is_some());
    state.drafts = drafts.load_all();
    state.stale_days = spec.stale_days;
    let services = Services {
        gh,
        slug: spec.repo.slug,
        repo_path: spec.repo.workdir,
        intervals: spec.intervals,
        default_branch: Mutex::new(None),
        deploy_targets: spec.deploy_targets,
        remote_auth,
        drafts,
        stale_days: spec.stale_days,
    };
    Ok(Launch {
        state,
        services,
        token_source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_targets() {
        let none = |_: &str| None;
        assert_eq!(ApiTarget::resolve(None, &none), Ok(ApiTarget::dotcom()));
        let ghe = |v: &str| (v == "GH_HOST").then(|| "ghe.corp".to_string());
        let t = ApiTarget::resolve(None, &ghe).expect("GH_HOST");
        assert_eq!(t.rest_base, "https://ghe.corp/api/v3");
        assert_eq!(t.web_base, "https://ghe.corp");
        let t = ApiTarget::resolve(Some("http://127.0.0.1:9999/"), &ghe).expect("flag");
        assert_eq!(t.rest_base, "http://127.0.0.1:9999");
        assert_eq!(t.host, "127.0.0.1");
        let t = ApiTarget::resolve(Some("https://ghe.corp/api/v3"), &none).expect("flag");
        assert_eq!(t.web_base, "https://ghe.corp");
    }

    #[test]
    fn configured_hosts_pick_their_api() {
        let hosts = vec![
            HostConfig {
                host: "ghe.corp".into(),
                api_url: "https://api.ghe.corp/v3".into(),
                client_id: String::new(),
            },
            HostConfig {
                host: "git.example".into(),
                api_url: String::new(),
                client_id: String::new(),
            },
        ];
        let none = |_: &str| None;
        let choose = |env: &dyn Fn(&str) -> Option<String>, remote| {
            ApiTarget::choose(None, env, &hosts, remote).expect("valid")
        };
        let t = choose(&none, Some("ghe.corp"));
        assert_eq!(
            (t.host.as_str(), t.rest_base.as_str()),
            ("ghe.corp", "https://api.ghe.corp/v3")
        );
        let t = choose(&none, Some("git.example"));
        assert_eq!(t.rest_base, "https://git.example/api/v3");
        // An unconfigured remote host does not send the token anywhere new.
        assert_eq!(choose(&none, Some("other.example")), ApiTarget::dotcom());
        let gh_host = |v: &str| (v == "GH_HOST").then(|| "ghe.corp".to_string());
        let t = choose(&gh_host, Some("git.example"));
        assert_eq!(t.rest_base, "https://api.ghe.corp/v3");
        assert_eq!(
            ApiTarget::for_host("github.com", &hosts),
            Ok(ApiTarget::dotcom())
        );
    }

    #[test]
    fn credentials_in_the_api_address_are_refused_without_repeating_them() {
        let none = |_: &str| None;
        let cases: [(Option<&str>, &str, &str, &str); 5] = [
            (
                Some("http://alice:s3cr3tPW@127.0.0.1:9"),
                "",
                "s3cr3tPW",
                "--api-url",
            ),
            (Some("http://SECRET@127.0.0.1:9"), "", "SECRET", "--api-url"),
            (
                Some("ftp://alice:s3cr3tPW@host"),
                "",
                "s3cr3tPW",
                "--api-url",
            ),
            (None, "GITHUB_API_URL", "s3cr3tPW", "GITHUB_API_URL"),
            (None, "GH_HOST", "s3cr3tPW", "GH_HOST"),
        ];
        for (flag, var, secret, named) in cases {
            let env = |v: &str| match v {
                "GITHUB_API_URL" if var == v => Some("https://x:s3cr3tPW@ghe.corp/api/v3".into()),
                "GH_HOST" if var == v => Some("alice:s3cr3tPW@ghe.corp".into()),
                _ => none(v),
            };
            let e = ApiTarget::resolve(flag, &env).expect_err("refused");
            let text = e.to_string();
            assert!(!text.contains(secret), "{text}");
            assert!(text.starts_with(named), "{text}");
        }
        let e = ApiTarget::resolve(Some("http://alice:s3cr3tPW@127.0.0.1:9/"), &none)
            .expect_err("refused")
            .to_string();
        assert!(
            e.contains("http://127.0.0.1:9/ carries a user name or password"),
            "{e}"
        );
        let hosts = vec![HostConfig {
            host: "ghe.corp".into(),
            api_url: "https://tok@ghe.corp/api/v3".into(),
            client_id: String::new(),
        }];
        let e = ApiTarget::for_host("ghe.corp", &hosts).expect_err("refused");
        assert!(!e.to_string().contains("tok@"), "{e}");
    }
}

#[cfg(test)]
mod watch_tests {
    use super::*;
    use crate::config::WatchEntry;

    fn entry(repo: &str, path: Option<&str>) -> WatchEntry {
        WatchEntry {
            repo: repo.into(),
            path: path.map(String::from),
        }
    }

    /// The current repository and repeats are dropped; a path that is no clone of its
    /// repository is a warning naming both, and the repository is still watched.
    #[test]
    fn watched_repositories_from_the_config() {
        let home = tempfile::tempdir().expect("tmp");
        let clone = home.path().join("src/infra");
        let repo = git2::Repository::init(&clone).expect("init");
        repo.remote("origin", "https://github.com/acme/infra.git")
            .expect("remote");
        let other = home.path().join("src/other");
        git2::Repository::init(&other).expect("init");
        let current = Slug::parse("acme/rocket");
        let (w, warnings) = watched(
            &[
                entry("acme/rocket", None),
                entry("acme/infra", Some("~/src/infra")),
                entry("acme/infra", None),
                entry("acme/api", Some("~/src/other")),
                entry("acme/gone", Some("~/nowhere")),
            ],
            current.as_ref(),
            Some(home.path()),
        );
        let names: Vec<_> = w.iter().map(|w| w.slug.full_name()).collect();
        assert_eq!(names, ["acme/infra", "acme/api", "acme/gone"]);
        assert_eq!(w[0].path.as_deref(), Some(clone.as_path()));
        assert_eq!((w[1].path.as_ref(), w[2].path.as_ref()), (None, None));
        assert_eq!(warnings.len(), 2, "{warnings:?}");
        assert!(
            warnings[0].contains("acme/api")
                && warnings[0].contains("without a remote for acme/api"),
            "{warnings:?}"
        );
        assert!(
            warnings[1].starts_with("[repos] watch: acme/gone: "),
            "{warnings:?}"
        );
    }
}
