//! File contents (only the workflow files exist).

use serde_json::{json, Value};

use super::paging::query;
use super::reply::{not_found, ApiError, Reply, Req, R};
use crate::fakehub::render::{self, Ctx};
use crate::fakehub::world::World;

pub(super) fn contents(w: &World, ri: usize, ctx: &Ctx, req: &Req, path: &str) -> R {
    let repo = &w.repos[ri];
    let git_ref = query(req, "ref")
        .unwrap_or(&repo.default_branch)
        .to_string();
    let known_ref = repo.branch(&git_ref).is_some()
        || (git_ref.len() == 40 && git_ref.bytes().all(|b| b.is_ascii_hexdigit()));
    if !known_ref {
        return Err(ApiError::new(
            404,
            format!("No commit found for the ref {git_ref}"),
        ));
    }
    let full = repo.full_name();
    let api = format!("{}/repos/{full}/contents", ctx.api);
    let entry = |wf: &crate::fakehub::world::Workflow, with_content: bool| {
        let yaml = wf.yaml();
        let sha = crate::fakehub::logs::pseudo_sha(&yaml);
        let p = wf.path();
        let mut v = json!({
            "type": "file",
            "name": wf.file,
            "path": p,
            "sha": sha,
            "size": yaml.len(),
            "url": format!("{api}/{p}?ref={}", render::encode(&git_ref)),
            "html_url": format!("{}/{full}/blob/{git_ref}/{p}", ctx.web()),
            "git_url": format!("{}/repos/{full}/git/blobs/{sha}", ctx.api),
            "download_url": Value::Null,
        });
        if let (true, Value::Object(m)) = (with_content, &mut v) {
            m.insert("encoding".into(), json!("base64"));
            m.insert("content".into(), json!(base64_lines(yaml.as_bytes())));
        }
        v
    };
    let path = path.trim_matches('/');
    if path == ".github/workflows" {
        let items = repo.workflows.iter().map(|wf| entry(wf, false)).collect();
        return Ok(Reply::json(Value::Array(items)));
    }
    let wf = repo
        .workflows
        .iter()
        .find(|wf| wf.path() == path)
        .ok_or_else(not_found)?;
    Ok(Reply::json(entry(wf, true)))
}

/// Base64 with a newline every 60 characters, as GitHub's contents API sends it.
pub(super) fn base64_lines(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut raw = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for k in 0..4 {
            if k <= chunk.len() {
                raw.push(A[((n >> (18 - 6 * k)) & 63) as usize] as char);
            } else {
                raw.push('=');
            }
        }
    }
    let mut out = String::with_capacity(raw.len() + raw.len() / 60 + 1);
    for (i, c) in raw.chars().enumerate() {
        if i > 0 && i % 60 == 0 {
            out.push('\n');
        }
        out.push(c);
    }
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::base64_lines;

    #[test]
    fn base64_matches_the_standard_alphabet() {
        assert_eq!(base64_lines(b""), "\n");
        assert_eq!(base64_lines(b"f"), "Zg==\n");
        assert_eq!(base64_lines(b"fo"), "Zm8=\n");
        assert_eq!(base64_lines(b"foo"), "Zm9v\n");
        assert_eq!(base64_lines(b"foobar"), "Zm9vYmFy\n");
        let long = base64_lines(&[0u8; 60]);
        assert_eq!(long.lines().map(str::len).collect::<Vec<_>>(), [60, 20]);
    }
}
