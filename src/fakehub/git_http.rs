//! A minimal git smart-HTTP server (protocol v0, stateless RPC) for the attached bare
//! repository, at `/{owner}/{name}.git` on the API listener — enough for cockpit's transports
//! to push and fetch against fakehub over plain http on 127.0.0.1:
//!
//! | request | answer |
//! |---|---|
//! | `GET …/info/refs?service=git-upload-pack` | the ref advertisement (anonymous for a public repository) |
//! | `POST …/git-upload-pack` | `NAK` and a pack of what the client wants minus what it has |
//! | `GET …/info/refs?service=git-receive-pack` | 401 without a valid token (HTTP Basic, the token as password), 403 without write access |
//! | `POST …/git-receive-pack` | unpacks, updates refs, reports `ok <ref>` or `ng <ref> <reason>`; a protected branch gets `ng refs/heads/<b> protected branch hook declined` |
//!
//! Accepted pushes move the branch in the world and start CI runs (see `pushes.rs`).

use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;

use axum::body::Body;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use git2::{Oid, Repository};

use super::server::Shared;
use super::RequestRecord;

const ZERO: &str = "0000000000000000000000000000000000000000";

/// Answers a git request, or `None` when `path` is not one (the API handles it then).
pub(crate) async fn handle(
    sh: &Arc<Shared>,
    method: &str,
    headers: &HeaderMap,
    path: &str,
    query: &str,
    body: &[u8],
) -> Option<Response> {
    let (repo_path, action) = split(path)?;
    let service = match (method, action) {
        ("GET", "info/refs") => match query_service(query) {
            Some(s) => s,
            None => return Some(text(403, "fakehub only speaks git's smart HTTP protocol\n")),
        },
        ("POST", "git-upload-pack") => "upload-pack",
        ("POST", "git-receive-pack") => "receive-pack",
        _ => return None,
    };
    let response = serve(sh, method, headers, repo_path, action, service, body).await;
    sh.control().requests.push(RequestRecord {
        method: method.to_string(),
        path_and_query: if query.is_empty() {
            path.to_string()
        } else {
            format!("{path}?{query}")
        },
        status: response.status().as_u16(),
        counted: false,
        authorized_as: None,
        had_authorization_header: headers.contains_key(header::AUTHORIZATION),
    });
    Some(response)
}

/// `/owner/name.git/info/refs` → (`owner/name`, `info/refs`).
fn split(path: &str) -> Option<(&str, &str)> {
    let path = path.trim_start_matches('/');
    for action in ["info/refs", "git-upload-pack", "git-receive-pack"] {
        if let Some(repo) = path.strip_suffix(action) {
            let repo = repo.trim_end_matches('/');
            let repo = repo.strip_suffix(".git").unwrap_or(repo);
            if repo.split('/').count() == 2 {
                return Some((repo, action));
            }
        }
    }
    None
}

fn query_service(query: &str) -> Option<&'static str> {
    query.split('&').find_map(|kv| match kv {
        "service=git-upload-pack" => Some("upload-pack"),
        "service=git-receive-pack" => Some("receive-pack"),
        _ => None,
    })
}

fn text(status: u16, body: &str) -> Response {
    let mut r = Response::new(Body::from(body.to_string()));
    *r.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST);
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    r
}

fn binary(content_type: String, body: Vec<u8>) -> Response {
    let mut r = Response::new(Body::from(body));
    if let Ok(v) = HeaderValue::from_str(&content_type) {
        r.headers_mut().insert(header::CONTENT_TYPE, v);
    }
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    r
}

fn unauthorized() -> Response {
    let mut r = text(
        401,
        "Invalid username or token. Password authentication is not supported for Git operations.\n",
    );
    r.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static("Basic realm=\"GitHub\""),
    );
    r
}

/// The token in `Authorization: Basic base64(user:token)` (or `Bearer token`).
fn token_of(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?.trim();
    let (scheme, rest) = value.split_once(' ')?;
    if scheme.eq_ignore_ascii_case("bearer") || scheme.eq_ignore_ascii_case("token") {
        return Some(rest.trim().to_string());
    }
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = String::from_utf8(base64_decode(rest.trim())?).ok()?;
    let (user, password) = decoded.split_once(':').unwrap_or((&decoded, ""));
    // GitHub takes the token as the password, or as the user name with an empty password.
    Some(if password.is_empty() { user } else { password }.to_string())
}

fn base64_decode(s: &str) -> Option<Vec<u8>> {
    let value = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => u32::from(c - b'A'),
            b'a'..=b'z' => u32::from(c - b'a') + 26,
            b'0'..=b'9' => u32::from(c - b'0') + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => return None,
        })
    };
    let bytes: Vec<u8> = s.bytes().filter(|&c| c != b'=').collect();
    let mut out = Vec::with_capacity(bytes.len() * 3 / 4);
    for chunk in bytes.chunks(4) {
        let mut acc = 0u32;
        for (k, &c) in chunk.iter().enumerate() {
            acc |= value(c)? << (18 - 6 * k);
        }
        let n = chunk.len();
        if n < 2 {
            return None;
        }
        out.push((acc >> 16) as u8);
        if n > 2 {
            out.push((acc >> 8) as u8);
        }
        if n > 3 {
            out.push(acc as u8);
        }
    }
    Some(out)
}

fn pkt(line: &str) -> Vec<u8> {
    let mut out = format!("{:04x}", line.len() + 4).into_bytes();
    out.extend_from_slice(line.as_bytes());
    out
}

/// Splits pkt-lines off the front of `data` until a flush; returns them and the rest.
fn read_pkts(mut data: &[u8]) -> Option<(Vec<String>, &[u8])> {
    let mut lines = Vec::new();
    loop {
        let len_hex = std::str::from_utf8(data.get(..4)?).ok()?;
        let len = usize::from_str_radix(len_hex, 16).ok()?;
        if len == 0 {
            return Some((lines, &data[4..]));
        }
        if len < 4 {
            return None;
        }
        let line = data.get(4..len)?;
        lines.push(String::from_utf8_lossy(line).into_owned());
        data = &data[len..];
    }
}

/// What the world says about the caller and the repository, read before any git work.
struct Access {
    dir: PathBuf,
    login: Option<String>,
    can_read: bool,
    can_write: bool,
    protected: Vec<String>,
    default_branch: String,
    full_name: String,
    pull_heads: Vec<(u64, String)>,
}

/// Why a git request is turned away before any git work.
enum Denied {
    NotFound,
    BadToken,
}

fn access(sh: &Shared, headers: &HeaderMap, repo_path: &str) -> Result<Access, Denied> {
    let w = sh.world();
    let repo = w.repos.first().ok_or(Denied::NotFound)?;
    if !repo.full_name().eq_ignore_ascii_case(repo_path) {
        return Err(Denied::NotFound);
    }
    let dir = w.git_dir.clone().ok_or(Denied::NotFound)?;
    let login = match token_of(headers) {
        Some(t) => match w.token_login(&t) {
            Some(l) => Some(l.to_string()),
            None => return Err(Denied::BadToken),
        },
        None => None,
    };
    Ok(Access {
        dir,
        can_read: repo.can_read(login.as_deref()),
        can_write: login.as_deref().is_some_and(|l| repo.can_write(l)),
        login,
        protected: repo
            .branches
            .iter()
            .filter(|b| b.protected)
            .map(|b| b.name.clone())
            .collect(),
        default_branch: repo.default_branch.clone(),
        full_name: repo.full_name(),
        pull_heads: w.pull_heads(0),
    })
}

async fn serve(
    sh: &Arc<Shared>,
    method: &str,
    headers: &HeaderMap,
    repo_path: &str,
    action: &str,
    service: &'static str,
    body: &[u8],
) -> Response {
    let access = match access(sh, headers, repo_path) {
        Ok(a) => a,
        Err(Denied::NotFound) => return text(404, "Repository not found.\n"),
        Err(Denied::BadToken) => return unauthorized(),
    };
    if service == "receive-pack" || !access.can_read {
        let Some(login) = &access.login else {
            return unauthorized();
        };
        if service == "receive-pack" && !access.can_write {
            return text(
                403,
                &format!(
                    "remote: Permission to {}.git denied to {login}.\n",
                    access.full_name
                ),
            );
        }
        if !access.can_read {
            return text(404, "Repository not found.\n");
        }
    }
    let body = body.to_vec();
    let dir = access.dir.clone();
    let protected = access.protected.clone();
    let default_branch = access.default_branch.clone();
    let pull_heads = access.pull_heads.clone();
    let is_ls = method == "GET" && action == "info/refs";
    let work = tokio::task::spawn_blocking(move || -> Result<GitReply, git2::Error> {
        let repo = Repository::open_bare(&dir)?;
        if service == "upload-pack" {
            super::git_store::write_pull_refs(&repo, &pull_heads);
        }
        if is_ls {
            return advertise(&repo, service, &default_branch).map(GitReply::Bytes);
        }
        match service {
            "upload-pack" => upload_pack(&repo, &body).map(GitReply::Bytes),
            _ => receive_pack(&repo, &body, &protected),
        }
    })
    .await;
    let reply = match work {
        Ok(Ok(r)) => r,
        Ok(Err(e)) => return text(500, &format!("fakehub git error: {}\n", e.message())),
        Err(_) => return text(500, "fakehub git task failed\n"),
    };
    let content_type = if is_ls {
        format!("application/x-git-{service}-advertisement")
    } else {
        format!("application/x-git-{service}-result")
    };
    match reply {
        GitReply::Bytes(b) => binary(content_type, b),
        GitReply::Received { report, updates } => {
            let now = sh.clock.now();
            let pusher = access.login.clone().unwrap_or_default();
            let mut w = sh.world();
            for (branch, new) in updates {
                match new {
                    Some((sha, summary)) => {
                        w.on_push(0, &branch, &sha, Some(summary), &pusher, now);
                    }
                    None => w.on_branch_deleted(0, &branch),
                }
            }
            binary(content_type, report)
        }
    }
}

enum GitReply {
    Bytes(Vec<u8>),
    /// The report-status answer, and the branches that moved (`None`: deleted).
    Received {
        report: Vec<u8>,
        updates: Vec<(String, Option<(String, String)>)>,
    },
}

fn advertise(
    repo: &Repository,
    service: &str,
    default_branch: &str,
) -> Result<Vec<u8>, git2::Error> {
    let mut out = pkt(&format!("# service=git-{service}\n"));
    out.extend_from_slice(b"0000");
    let mut refs: Vec<(String, String)> = Vec::new();
    // As on github.com, fetching sees every pull request's head (`refs/pull/N/head`, forks
    // included); a push sees only branches.
    let globs: &[&str] = if service == "upload-pack" {
        &["refs/heads/*", "refs/pull/*"]
    } else {
        &["refs/heads/*"]
    };
    for glob in globs {
        for r in repo.references_glob(glob)? {
            let r = r?;
            if let (Ok(name), Some(target)) = (r.name(), r.target()) {
                refs.push((name.to_string(), target.to_string()));
            }
        }
    }
    refs.sort();
    let caps = if service == "receive-pack" {
        "report-status delete-refs ofs-delta agent=fakehub".to_string()
    } else {
        format!(
            "multi_ack_detailed ofs-delta symref=HEAD:refs/heads/{default_branch} agent=fakehub"
        )
    };
    if service == "upload-pack" {
        if let Some((_, sha)) = refs
            .iter()
            .find(|(n, _)| *n == format!("refs/heads/{default_branch}"))
        {
            refs.insert(0, ("HEAD".to_string(), sha.clone()));
        }
    }
    if refs.is_empty() {
        out.extend(pkt(&format!("{ZERO} capabilities^{{}}\0{caps}\n")));
    }
    for (k, (name, sha)) in refs.iter().enumerate() {
        if k == 0 {
            out.extend(pkt(&format!("{sha} {name}\0{caps}\n")));
        } else {
            out.extend(pkt(&format!("{sha} {name}\n")));
        }
    }
    out.extend_from_slice(b"0000");
    Ok(out)
}

fn upload_pack(repo: &Repository, body: &[u8]) -> Result<Vec<u8>, git2::Error> {
    let mut wants = Vec::new();
    let mut haves = Vec::new();
    let mut done = false;
    // Capabilities come after the first want.
    let mut multi_ack = false;
    let mut rest = body;
    // Wants end at a flush; haves come in flush-terminated rounds, the last ended by "done".
    while !rest.is_empty() {
        if rest.starts_with(b"0009done\n") || rest.starts_with(b"0008done") {
            done = true;
            break;
        }
        let Some((lines, tail)) = read_pkts(rest) else {
            // A "done" line without a trailing flush.
            done = rest.windows(4).any(|w| w == b"done");
            break;
        };
        for line in lines {
            let line = line.trim_end();
            if let Some(w) = line.strip_prefix("want ") {
                let mut words = w.split(' ');
                wants.push(words.next().unwrap_or_default().to_string());
                multi_ack |= words.any(|c| c == "multi_ack_detailed");
            } else if let Some(h) = line.strip_prefix("have ") {
                haves.push(h.to_string());
            } else if line == "done" {
                done = true;
            }
        }
        rest = tail;
    }
    let common: Vec<&String> = haves
        .iter()
        .filter(|h| {
            Oid::from_str(h)
                .ok()
                .is_some_and(|oid| repo.find_commit(oid).is_ok())
        })
        .collect();
    // multi_ack_detailed, as GitHub speaks it: each round names the commits in common, so a
    // stateless (HTTP) client ends the negotiation with its wants and those commits. (Without
    // it, libgit2 sends its later rounds of haves without its wants, and fetches nothing once
    // a history is longer than one round.)
    if !done {
        let mut out = Vec::new();
        if multi_ack {
            for h in &common {
                out.extend(pkt(&format!("ACK {h} common\n")));
            }
        }
        out.extend(pkt("NAK\n"));
        return Ok(out);
    }
    let mut out = match (multi_ack, common.last()) {
        (true, Some(h)) => pkt(&format!("ACK {h}\n")),
        _ => pkt("NAK\n"),
    };
    let mut walk = repo.revwalk()?;
    for w in &wants {
        walk.push(Oid::from_str(w)?)?;
    }
    for h in &haves {
        if let Ok(oid) = Oid::from_str(h) {
            if repo.find_commit(oid).is_ok() {
                walk.hide(oid)?;
            }
        }
    }
    let mut builder = repo.packbuilder()?;
    builder.insert_walk(&mut walk)?;
    let mut buf = git2::Buf::new();
    builder.write_buf(&mut buf)?;
    out.extend_from_slice(&buf);
    Ok(out)
}

fn receive_pack(
    repo: &Repository,
    body: &[u8],
    protected: &[String],
) -> Result<GitReply, git2::Error> {
    let Some((lines, pack)) = read_pkts(body) else {
        return Err(git2::Error::from_str("malformed receive-pack request"));
    };
    let mut commands = Vec::new();
    for line in lines {
        let line = line.split('\0').next().unwrap_or_default().trim_end();
        let mut parts = line.splitn(3, ' ');
        if let (Some(old), Some(new), Some(name)) = (parts.next(), parts.next(), parts.next()) {
            commands.push((old.to_string(), new.to_string(), name.to_string()));
        }
    }
    let unpack = if pack.is_empty() {
        Ok(())
    } else {
        repo.odb().and_then(|odb| {
            let mut writer = odb.packwriter()?;
            writer
                .write_all(pack)
                .map_err(|e| git2::Error::from_str(&e.to_string()))?;
            writer.commit().map(|_| ())
        })
    };
    let mut report = match &unpack {
        Ok(()) => pkt("unpack ok\n"),
        Err(e) => pkt(&format!("unpack {}\n", e.message())),
    };
    let mut updates = Vec::new();
    for (old, new, name) in commands {
        let branch = name
            .strip_prefix("refs/heads/")
            .unwrap_or(&name)
            .to_string();
        let current = repo
            .refname_to_id(&name)
            .map(|o| o.to_string())
            .unwrap_or_else(|_| ZERO.to_string());
        let verdict = if unpack.is_err() {
            Err("unpacker error".to_string())
        } else if protected.contains(&branch) {
            Err("protected branch hook declined".to_string())
        } else if !name.starts_with("refs/heads/") {
            Err("fakehub only accepts branches".to_string())
        } else if current != old {
            Err("failed to update ref (stale info)".to_string())
        } else if new == ZERO {
            repo.find_reference(&name)
                .and_then(|mut r| r.delete())
                .map(|_| None)
                .map_err(|e| e.message().to_string())
        } else {
            Oid::from_str(&new)
                .and_then(|oid| {
                    let commit = repo.find_commit(oid)?;
                    let summary =
                        String::from_utf8_lossy(commit.summary_bytes().unwrap_or_default())
                            .into_owned();
                    repo.reference(&name, oid, true, "fakehub: push")?;
                    Ok(Some((new.clone(), summary)))
                })
                .map_err(|e| e.message().to_string())
        };
        match verdict {
            Ok(update) => {
                report.extend(pkt(&format!("ok {name}\n")));
                updates.push((branch, update));
            }
            Err(reason) => report.extend(pkt(&format!("ng {name} {reason}\n"))),
        }
    }
    report.extend_from_slice(b"0000");
    Ok(GitReply::Received { report, updates })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_basic_auth() {
        let mut h = HeaderMap::new();
        // base64("x-access-token:tok3n")
        h.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("Basic eC1hY2Nlc3MtdG9rZW46dG9rM24="),
        );
        assert_eq!(token_of(&h).as_deref(), Some("tok3n"));
        assert_eq!(
            split("/acme/rocket.git/info/refs"),
            Some(("acme/rocket", "info/refs"))
        );
        assert_eq!(
            split("/acme/rocket/git-receive-pack"),
            Some(("acme/rocket", "git-receive-pack"))
        );
        assert_eq!(split("/repos/acme/rocket/issues"), None);
    }

    #[test]
    fn pkt_lines_round_trip() {
        let mut data = pkt("a b\n");
        data.extend(pkt("c\n"));
        data.extend_from_slice(b"0000PACK");
        let (lines, rest) = read_pkts(&data).expect("parse");
        assert_eq!(lines, vec!["a b\n".to_string(), "c\n".to_string()]);
        assert_eq!(rest, b"PACK");
    }
}
