//! A pull request's diff: its files (`GET /pulls/{n}/files`), each file's unified-diff `patch`
//! parsed into numbered lines, and a new comment on one line of it
//! (`POST /pulls/{n}/comments`).

use reqwest::Method;
use serde::Deserialize;
use serde_json::json;

use super::client::GitHub;
use super::dashboard::Slug;
use super::error::ApiError;
use crate::text::Name;

/// Files per page and pages read: GitHub lists at most 3,000 files of a pull request.
const FILES_PER_PAGE: usize = 100;
const MAX_FILE_PAGES: usize = 30;

/// One changed file. Text is as GitHub sent it: sanitize before display.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct PullFile {
    pub filename: Name,
    /// added, removed, modified, renamed, copied, changed, unchanged.
    pub status: String,
    #[serde(default)]
    pub additions: u64,
    #[serde(default)]
    pub deletions: u64,
    /// Absent for a binary file and for a diff too large to show.
    #[serde(default)]
    pub patch: Option<String>,
    #[serde(default)]
    pub previous_filename: Option<String>,
}

/// Which file a comment is on: GitHub's `LEFT` (the base, removed lines) or `RIGHT` (the head).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Side {
    Left,
    Right,
}

impl Side {
    pub fn as_str(self) -> &'static str {
        match self {
            Side::Left => "LEFT",
            Side::Right => "RIGHT",
        }
    }

    /// GitHub's word for it (a thread's `diffSide`); anything else is the head's side.
    pub fn parse(s: &str) -> Side {
        if s.eq_ignore_ascii_case("LEFT") {
            Side::Left
        } else {
            Side::Right
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineKind {
    /// `@@ -a,b +c,d @@ …`
    Hunk,
    Context,
    Added,
    Removed,
    /// `\ No newline at end of file`, about the line before it.
    NoNewline,
}

/// A line of a patch with its numbers in the old and the new file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatchLine {
    pub kind: LineKind,
    pub old: Option<u32>,
    pub new: Option<u32>,
    /// The line without its `+`/`-`/space marker (a hunk header whole).
    pub text: String,
}

impl PatchLine {
    /// Where a comment on this line goes: the side and that side's line number. A hunk
    /// header or a no-newline marker takes none.
    pub fn anchor(&self) -> Option<(Side, u32)> {
        match self.kind {
            LineKind::Removed => self.old.map(|l| (Side::Left, l)),
            LineKind::Added | LineKind::Context => self.new.map(|l| (Side::Right, l)),
            LineKind::Hunk | LineKind::NoNewline => None,
        }
    }
}

/// `@@ -12,7 +12,9 @@ …` → (12, 12); a count left out (`-3 +3`) is 1, which does not matter
/// here: the lines are counted as they come.
fn hunk_start(header: &str) -> Option<(u32, u32)> {
    let rest = header.strip_prefix("@@ -")?;
    let (old, rest) = rest.split_once(" +")?;
    let (new, _) = rest.split_once(" @@")?;
    let first = |s: &str| s.split(',').next()?.parse::<u32>().ok();
    Some((first(old)?, first(new)?))
}

/// Parses GitHub's `patch` (hunks only: no `diff --git` or `---`/`+++` headers). A line before
/// the first hunk header or after a malformed one has no numbers and is kept as context, so a
/// surprise in the text never loses the lines around it.
pub fn parse_patch(patch: &str) -> Vec<PatchLine> {
    let mut out = Vec::new();
    let (mut old, mut new) = (None::<u32>, None::<u32>);
    for raw in patch.lines() {
        let line = |kind, old, new, text: &str| PatchLine {
            kind,
            old,
            new,
            text: text.to_string(),
        };
        if raw.starts_with("@@") {
            match hunk_start(raw) {
                Some((o, n)) => (old, new) = (Some(o), Some(n)),
                None => (old, new) = (None, None),
            }
            out.push(line(LineKind::Hunk, None, None, raw));
            continue;
        }
        let (kind, text) = match raw.chars().next() {
            Some('+') => (LineKind::Added, &raw[1..]),
            Some('-') => (LineKind::Removed, &raw[1..]),
            Some('\\') => (LineKind::NoNewline, raw),
            Some(' ') => (LineKind::Context, &raw[1..]),
            _ => (LineKind::Context, raw),
        };
        let (o, n) = match kind {
            LineKind::Added => (None, new),
            LineKind::Removed => (old, None),
            LineKind::NoNewline => (None, None),
            _ => (old, new),
        };
        out.push(line(kind, o, n, text));
        if matches!(kind, LineKind::Removed | LineKind::Context) {
            old = old.map(|l| l + 1);
        }
        if matches!(kind, LineKind::Added | LineKind::Context) {
            new = new.map(|l| l + 1);
        }
    }
    out
}

/// A new review comment on one line of the diff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineComment {
    /// The head commit the user saw the diff of.
    pub commit_id: String,
    pub path: String,
    pub line: u32,
    pub side: Side,
    pub body: String,
}

impl GitHub {
    /// The pull request's changed files, up to GitHub's 3,000.
    pub async fn pull_files(&self, slug: &Slug, number: u64) -> Result<Vec<PullFile>, ApiError> {
        Ok(self
            .get_pages(
                &format!(
                    "/repos/{}/pulls/{number}/files?per_page={FILES_PER_PAGE}",
                    slug.full_name()
                ),
                MAX_FILE_PAGES,
            )
            .await?
            .data)
    }

    /// Comments on one line. GitHub answers 422 when the line is not in the diff of
    /// `commit_id`.
    pub async fn comment_on_line(
        &self,
        slug: &Slug,
        number: u64,
        c: &LineComment,
    ) -> Result<serde_json::Value, ApiError> {
        self.mutate(
            Method::POST,
            &format!("/repos/{}/pulls/{number}/comments", slug.full_name()),
            &json!({
                "body": c.body, "commit_id": c.commit_id, "path": c.path,
                "line": c.line, "side": c.side.as_str(),
            }),
        )
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nums(lines: &[PatchLine]) -> Vec<(LineKind, Option<u32>, Option<u32>)> {
        lines.iter().map(|l| (l.kind, l.old, l.new)).collect()
    }

    #[test]
    fn hunks_number_both_sides() {
        use LineKind::*;
        let p = parse_patch(
            "@@ -10,4 +10,5 @@ fn main() {\n ctx\n-old\n+new\n+more\n ctx2\n@@ -40 +41 @@\n-x\n+y",
        );
        assert_eq!(
            nums(&p),
            vec![
                (Hunk, None, None),
                (Context, Some(10), Some(10)),
                (Removed, Some(11), None),
                (Added, None, Some(11)),
                (Added, None, Some(12)),
                (Context, Some(12), Some(13)),
                (Hunk, None, None),
                (Removed, Some(40), None),
                (Added, None, Some(41)),
            ]
        );
        assert_eq!(p[0].text, "@@ -10,4 +10,5 @@ fn main() {");
        assert_eq!(p[2].text, "old");
        assert_eq!(p[2].anchor(), Some((Side::Left, 11)));
        assert_eq!(p[4].anchor(), Some((Side::Right, 12)));
        assert_eq!(p[5].anchor(), Some((Side::Right, 13)));
        assert_eq!(p[0].anchor(), None);
    }

    #[test]
    fn no_newline_marker_takes_no_number() {
        use LineKind::*;
        let p = parse_patch(
            "@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+b\n\\ No newline at end of file",
        );
        assert_eq!(
            nums(&p),
            vec![
                (Hunk, None, None),
                (Context, Some(1), Some(1)),
                (Removed, Some(2), None),
                (NoNewline, None, None),
                (Added, None, Some(2)),
                (NoNewline, None, None),
            ]
        );
        assert_eq!(p[3].text, "\\ No newline at end of file");
        assert_eq!(p[3].anchor(), None);
    }

    #[test]
    fn a_new_file_and_odd_text_keep_their_lines() {
        use LineKind::*;
        let p = parse_patch("@@ -0,0 +1,2 @@\n+a\n+b");
        assert_eq!(
            nums(&p),
            vec![
                (Hunk, None, None),
                (Added, None, Some(1)),
                (Added, None, Some(2))
            ]
        );
        // A broken header numbers nothing after it, and loses nothing.
        let p = parse_patch("@@ garbage @@\n x\n+y");
        assert_eq!(
            nums(&p),
            vec![
                (Hunk, None, None),
                (Context, None, None),
                (Added, None, None)
            ]
        );
        assert!(parse_patch("").is_empty());
    }

    #[test]
    fn a_file_without_a_patch_reads() {
        let f: PullFile = serde_json::from_value(json!({
            "filename": "logo.png", "status": "added", "additions": 0, "deletions": 0,
            "changes": 0, "sha": "abc", "blob_url": "", "raw_url": "", "contents_url": ""
        }))
        .expect("file");
        assert_eq!(f.patch, None);
        assert_eq!(Side::parse("LEFT"), Side::Left);
        assert_eq!(Side::parse("RIGHT"), Side::Right);
    }
}
