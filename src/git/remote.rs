//! Git remotes → the GitHub repository they name.

use std::fmt;
use std::path::PathBuf;

/// A GitHub repository as named by a remote: the host it lives on and `owner/name`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RepoSlug {
    pub host: String,
    pub owner: String,
    pub name: String,
}

impl RepoSlug {
    /// `owner/name`, the form the GitHub API and `--repo` use.
    pub fn full_name(&self) -> String {
        format!("{}/{}", self.owner, self.name)
    }
}

impl fmt::Display for RepoSlug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.owner, self.name)
    }
}

/// Why the repository in the current directory cannot tell cockpit which GitHub repository to show.
///
/// URLs in these errors are passed through [`redact_url`] first: they end up on screen.
#[derive(Debug, thiserror::Error)]
pub enum RemoteError {
    #[error(
        "{} is not inside a git repository; run cockpit in a clone of a GitHub repository \
         or pass --repo OWNER/NAME",
        path.display()
    )]
    NotARepository { path: PathBuf },

    #[error("{} does not exist", path.display())]
    NoSuchDirectory { path: PathBuf },

    #[error(
        "{} is a bare repository (it has no working tree); run cockpit in a clone \
         or pass --repo OWNER/NAME",
        path.display()
    )]
    BareRepository { path: PathBuf },

    #[error(
        "git refuses to open {} because it is owned by another user; if you trust it, run \
         `git config --global --add safe.directory {}`",
        path.display(),
        path.display()
    )]
    NotOwned { path: PathBuf },

    #[error("could not open the git repository at {}: {}", path.display(), source.message())]
    Open { path: PathBuf, source: git2::Error },

    #[error(
        "this repository has no remotes; add one with `git remote add origin URL` \
         or pass --repo OWNER/NAME"
    )]
    NoRemotes,

    #[error(
        "remote '{remote}' points to {host}, which cockpit does not know as a GitHub host; \
         if it is GitHub Enterprise Server, add it to the config ([[hosts]] host = \"{host}\"), \
         else pass --repo OWNER/NAME"
    )]
    NotGitHub {
        remote: String,
        url: String,
        host: String,
    },

    #[error(
        "remote '{remote}' ({url}) is not the URL of a repository on a server; \
         pass --repo OWNER/NAME"
    )]
    UnrecognizedUrl { remote: String, url: String },
}

/// Splits a remote URL into `(host, owner, name)`.
///
/// Accepts the forms git accepts for network remotes: `https://`, `http://`, `ssh://`, `git://`,
/// `git+ssh://` URLs (with user info, port and trailing slashes) and scp-like `user@host:owner/name`.
/// Local paths and `file://` URLs name no server and give `None`, as does any path that is not
/// exactly `owner/name` (GitHub, including Enterprise Server, has no deeper repository paths).
/// The host is lower-cased; owner and name keep their case, `.git` is dropped from the name.
pub fn parse_remote_url(url: &str) -> Option<(String, String, String)> {
    let url = url.trim();
    let (host, path) = match url.split_once("://") {
        Some((scheme, _)) => url_host_and_path(scheme, url)?,
        None => scp_host_and_path(url)?,
    };
    let (owner, name) = owner_and_name(&path)?;
    Some((host, owner, name))
}

fn url_host_and_path(scheme: &str, url: &str) -> Option<(String, String)> {
    let scheme = scheme.to_ascii_lowercase();
    if !matches!(
        scheme.as_str(),
        "https" | "http" | "ssh" | "git" | "git+ssh" | "ssh+git"
    ) {
        return None;
    }
    let parsed = url::Url::parse(url).ok()?;
    let host = parsed
        .host_str()?
        .trim_end_matches('.')
        .to_ascii_lowercase();
    if host.is_empty() {
        return None;
    }
    Some((host, parsed.path().to_string()))
}

/// scp-like syntax, `[user@]host:path`. git only reads it that way when the colon comes before
/// any slash; `C:\…` stays a Windows path, as it does for git.
fn scp_host_and_path(url: &str) -> Option<(String, String)> {
    let (before, path) = url.split_once(':')?;
    if before.contains('/') || before.contains('\\') {
        return None;
    }
    let host = match before.rsplit_once('@') {
        Some((_user, host)) => host,
        None => before,
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    if host.is_empty() || (host.len() == 1 && !before.contains('@')) {
        return None;
    }
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    Some((host, path.to_string()))
}

fn owner_and_name(path: &str) -> Option<(String, String)> {
    let mut segments = path.split('/').filter(|s| !s.is_empty());
    let owner = segments.next()?;
    let name = segments.next()?;
    if segments.next().is_some() {
        return None;
    }
    let name = name.strip_suffix(".git").unwrap_or(name);
    if !is_plausible_segment(owner) || !is_plausible_segment(name) {
        return None;
    }
    Some((owner.to_string(), name.to_string()))
}

fn is_plausible_segment(s: &str) -> bool {
    !s.is_empty()
        && s != "."
        && s != ".."
        && !s.starts_with('~')
        && s.chars().all(|c| !c.is_whitespace() && !c.is_control())
}

/// Whether `host` serves GitHub: github.com and its ssh/www aliases, GitHub Enterprise Cloud with
/// data residency (`*.ghe.com`), and the Enterprise Server hosts the user configured.
///
/// `extra_hosts` may hold bare host names (`ghe.corp`), hosts with a port, or URLs such as the
/// `--api-url` (`https://ghe.corp/api/v3`); all compare case-insensitively.
pub fn is_github_host(host: &str, extra_hosts: &[String]) -> bool {
    let host = normalize_host(host);
    if host.is_empty() {
        return false;
    }
    if matches!(
        host.as_str(),
        "github.com" | "www.github.com" | "ssh.github.com"
    ) || host.ends_with(".ghe.com")
    {
        return true;
    }
    extra_hosts.iter().any(|extra| {
        let extra = normalize_host(extra);
        // The API of an Enterprise Cloud or a proxied server can live on `api.HOST`.
        !extra.is_empty() && (extra == host || extra.strip_prefix("api.") == Some(host.as_str()))
    })
}

fn normalize_host(host: &str) -> String {
    let host = host.trim();
    let host = match host.split_once("://") {
        Some(_) => url::Url::parse(host)
            .ok()
            .and_then(|u| u.host_str().map(str::to_string))
            .unwrap_or_default(),
        None => {
            let host = host.split('/').next().unwrap_or_default();
            match host.rsplit_once(':') {
                Some((h, port)) if port.chars().all(|c| c.is_ascii_digit()) => h.to_string(),
                _ => host.to_string(),
            }
        }
    };
    host.trim_end_matches('.').to_ascii_lowercase()
}

/// Chooses the remote that names the GitHub repository: `origin` when it is on GitHub, else the
/// first GitHub remote in the given order.
///
/// When none is on GitHub the error names `origin` (or the first remote), because that is the
/// remote the user most likely expected cockpit to use.
pub fn pick_github_remote(
    remotes: &[(String, String)],
    extra_hosts: &[String],
) -> Result<(String, RepoSlug), RemoteError> {
    let github_slug = |url: &str| {
        parse_remote_url(url)
            .filter(|(host, _, _)| is_github_host(host, extra_hosts))
            .map(|(host, owner, name)| RepoSlug { host, owner, name })
    };
    let origin = remotes.iter().find(|(name, _)| name == "origin");
    if let Some((name, url)) = origin {
        if let Some(slug) = github_slug(url) {
            return Ok((name.clone(), slug));
        }
    }
    if let Some((name, slug)) = remotes
        .iter()
        .find_map(|(name, url)| github_slug(url).map(|slug| (name, slug)))
    {
        return Ok((name.clone(), slug));
    }
    let (remote, url) = origin.or(remotes.first()).ok_or(RemoteError::NoRemotes)?;
    match parse_remote_url(url) {
        Some((host, _, _)) => Err(RemoteError::NotGitHub {
            remote: remote.clone(),
            url: redact_url(url),
            host,
        }),
        None => Err(RemoteError::UnrecognizedUrl {
            remote: remote.clone(),
            url: redact_url(url),
        }),
    }
}

/// Removes credentials from a remote URL before it is shown or logged.
///
/// An https remote can carry a token as user or password (`https://x-access-token:TOKEN@…`,
/// `https://TOKEN@…`), so all user info of `scheme://` URLs goes, except a password-less ssh user
/// (`ssh://git@…`), which is a login name and helps the user recognise the remote.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let (authority, path) = rest.split_at(authority_end);
    let Some((userinfo, host)) = authority.rsplit_once('@') else {
        return url.to_string();
    };
    let is_ssh = matches!(
        scheme.to_ascii_lowercase().as_str(),
        "ssh" | "git+ssh" | "ssh+git"
    );
    if is_ssh && !userinfo.contains(':') {
        return url.to_string();
    }
    format!("{scheme}://{host}{path}")
}
