//! A pull request's diff (`d` on a pull request): its files and hunks, each review thread under
//! the line it is on (outdated ones after their file's hunks), and a new comment on the line
//! under the cursor (`c`).
//!
//! The rows are laid out once, when the data arrives, already made safe to draw; a frame
//! only styles the rows it shows, so drawing costs the same for ten lines or a hundred
//! thousand.

use super::effect::{Effect, Resource, ResourceKind};
use super::keymap::Action;
use super::modal::{Editor, EditorPurpose, Modal};
use super::resource;
use super::state::{AppState, Cursor, Detail, Loaded};
use crate::github::diff::{parse_patch, LineKind, PullFile, Side};
use crate::github::{ApiError, ReviewThread, Slug};
use crate::text::{sanitize_block, sanitize_line, Name};
use chrono::{DateTime, Utc};
use std::collections::HashMap;

/// What the diff is built from (one fetch).
#[derive(Debug, Clone, PartialEq)]
pub struct DiffData {
    /// The head commit the files are the diff of: a comment names it.
    pub head_sha: String,
    pub title: crate::text::Safe,
    pub files: Vec<PullFile>,
    pub threads: Vec<ReviewThread>,
    /// Why the review threads could not be read (the diff shows without them).
    pub threads_error: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowKind {
    /// A file's header: path, status, counts.
    File,
    Hunk,
    Context,
    Added,
    Removed,
    NoNewline,
    /// Something about the file instead of its lines (binary, too large).
    Note,
    /// The first line of a review comment: who, and the thread's state.
    Comment,
    CommentBody,
    /// The heading of a file's threads that are on no line of this diff.
    Outdated,
}

/// One row of the laid-out diff. `text` is safe to draw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub kind: RowKind,
    pub file: usize,
    pub old: Option<u32>,
    pub new: Option<u32>,
    pub text: String,
    /// Where a new comment on this row goes (a line of the patch only).
    pub anchor: Option<(Side, u32)>,
}

/// A file as the list beside the diff shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileEntry {
    /// As GitHub names it (a comment sends it back).
    pub path: Name,
    /// Safe to draw: the path, `old → new` for a rename.
    pub label: String,
    pub status: String,
    pub additions: u64,
    pub deletions: u64,
    /// Its header row.
    pub row: usize,
}

/// The diff laid out for drawing.
#[derive(Debug, Clone, PartialEq)]
pub struct DiffLayout {
    pub head_sha: String,
    pub title: String,
    pub files: Vec<FileEntry>,
    pub rows: Vec<Row>,
    pub threads: usize,
    /// Lines added and deleted over all files (the header shows them on every frame).
    pub additions: u64,
    pub deletions: u64,
    /// Why something is missing (threads unreadable, files cut at GitHub's 3,000).
    pub note: Option<String>,
}

/// GitHub lists at most this many files of a pull request.
const MAX_FILES: usize = 3000;

impl DiffLayout {
    pub fn build(d: &DiffData) -> DiffLayout {
        // Threads by the line they are on; the rest go after their file.
        let mut on_line: HashMap<(&str, Side, u32), Vec<&ReviewThread>> = HashMap::new();
        let mut elsewhere: HashMap<&str, Vec<&ReviewThread>> = HashMap::new();
        for t in &d.threads {
            match t.line.filter(|_| !t.is_outdated) {
                Some(l) => on_line
                    .entry((t.path.as_str(), Side::parse(&t.diff_side), l as u32))
                    .or_default()
                    .push(t),
                None => elsewhere.entry(t.path.as_str()).or_default().push(t),
            }
        }
        let mut rows = Vec::new();
        let mut files = Vec::new();
        for (i, f) in d.files.iter().enumerate() {
            let label = match &f.previous_filename {
                Some(old) => format!("{} → {}", sanitize_line(old), f.filename.shown()),
                None => f.filename.shown().to_string(),
            };
            files.push(FileEntry {
                path: f.filename.clone(),
                label: label.clone(),
                status: sanitize_line(&f.status),
                additions: f.additions,
                deletions: f.deletions,
                row: rows.len(),
            });
            rows.push(row(RowKind::File, i, None, None, label));
            let Some(patch) = f.patch.as_deref() else {
                rows.push(row(
                    RowKind::Note,
                    i,
                    None,
                    None,
                    "diff too large or binary: not shown here (o opens the pull request)".into(),
                ));
                push_elsewhere(&mut rows, i, elsewhere.remove(f.filename.as_str()));
                continue;
            };
            for l in parse_patch(patch) {
                let kind = match l.kind {
                    LineKind::Hunk => RowKind::Hunk,
                    LineKind::Context => RowKind::Context,
                    LineKind::Added => RowKind::Added,
                    LineKind::Removed => RowKind::Removed,
                    LineKind::NoNewline => RowKind::NoNewline,
                };
                let anchor = l.anchor();
                rows.push(Row {
                    anchor,
                    ..row(kind, i, l.old, l.new, sanitize_line(&l.text))
                });
                if let Some((side, n)) = anchor {
                    for t in on_line
                        .remove(&(f.filename.as_str(), side, n))
                        .unwrap_or_default()
                    {
                        push_thread(&mut rows, i, t);
                    }
                }
            }
            // Threads on lines this diff does not show (cut by GitHub, or moved).
            let mut rest = elsewhere.remove(f.filename.as_str()).unwrap_or_default();
            rest.extend(
                on_line
                    .iter()
                    .filter(|((p, _, _), _)| *p == f.filename)
                    .flat_map(|(_, ts)| ts.iter().copied()),
            );
            on_line.retain(|(p, _, _), _| *p != f.filename);
            push_elsewhere(&mut rows, i, (!rest.is_empty()).then_some(rest));
        }
        let mut notes = Vec::new();
        if let Some(why) = &d.threads_error {
            notes.push(format!("review threads unreadable: {}", sanitize_line(why)));
        }
        if d.files.len() >= MAX_FILES {
            notes.push(format!("GitHub lists only the first {MAX_FILES} files"));
        }
        DiffLayout {
            head_sha: d.head_sha.clone(),
            title: d.title.to_string(),
            files,
            rows,
            threads: d.threads.len(),
            additions: d.files.iter().map(|f| f.additions).sum(),
            deletions: d.files.iter().map(|f| f.deletions).sum(),
            note: (!notes.is_empty()).then(|| notes.join(" · ")),
        }
    }

    /// The file the row `at` belongs to.
    pub fn file_at(&self, at: usize) -> Option<usize> {
        self.rows.get(at).map(|r| r.file)
    }

    /// The next (or previous) row of `kind` from `at`, if there is one.
    fn find(&self, at: usize, kind: RowKind, forward: bool) -> Option<usize> {
        if forward {
            (at + 1..self.rows.len()).find(|&i| self.rows[i].kind == kind)
        } else {
            (0..at).rev().find(|&i| self.rows[i].kind == kind)
        }
    }
}

fn row(kind: RowKind, file: usize, old: Option<u32>, new: Option<u32>, text: String) -> Row {
    Row {
        kind,
        file,
        old,
        new,
        text,
        anchor: None,
    }
}

fn push_thread(rows: &mut Vec<Row>, file: usize, t: &ReviewThread) {
    let state = match (t.is_resolved, t.is_outdated) {
        (true, _) => "resolved",
        (false, true) => "outdated",
        _ => "unresolved",
    };
    for (k, c) in t.comments.iter().enumerate() {
        let who = c.author.as_ref().map_or("ghost", |a| a.shown().as_str());
        let head = match k {
            0 => format!("@{who} · {state}"),
            _ => format!("@{who} replied"),
        };
        rows.push(row(RowKind::Comment, file, None, None, head));
        for l in sanitize_block(&c.body).lines() {
            rows.push(row(RowKind::CommentBody, file, None, None, l.to_string()));
        }
    }
}

fn push_elsewhere(rows: &mut Vec<Row>, file: usize, threads: Option<Vec<&ReviewThread>>) {
    let Some(threads) = threads.filter(|t| !t.is_empty()) else {
        return;
    };
    rows.push(row(
        RowKind::Outdated,
        file,
        None,
        None,
        "on lines this diff no longer shows (outdated):".into(),
    ));
    for t in threads {
        if let Some(l) = t.original_line {
            rows.push(row(
                RowKind::CommentBody,
                file,
                None,
                None,
                format!("line {l} when it was written"),
            ));
        }
        push_thread(rows, file, t);
    }
}

/// An open diff.
#[derive(Debug)]
pub struct DiffView {
    pub repo: Slug,
    pub number: u64,
    pub data: Loaded<DiffLayout>,
    /// The selected row.
    pub cursor: Cursor,
    /// Opened from the pull request's detail: Esc goes back there.
    pub from_detail: bool,
}

/// `d` on a pull request (the list's selected one, or the open detail's): its diff.
pub fn open(state: &mut AppState) -> Vec<Effect> {
    let from_detail = matches!(state.detail, Some(Detail::Pull { .. }));
    let target = match &state.detail {
        Some(Detail::Pull { repo, number, .. }) => Some((repo.clone(), *number)),
        Some(_) => None,
        None if state.focus == super::state::PanelId::Pulls => {
            super::selection::repo(state, state.focus)
                .zip(super::selection::pull(state).map(|p| p.pr.number))
        }
        None => None,
    };
    let Some((repo, number)) = target else {
        state.toast("Select a pull request first", true);
        return Vec::new();
    };
    let mut fx = super::update::close_detail(state);
    state.detail = Some(Detail::Diff(Box::new(DiffView {
        repo: repo.clone(),
        number,
        data: Loaded::pending(),
        cursor: Cursor::default(),
        from_detail,
    })));
    fx.push(Effect::Poll(Resource::PullDiff(resource::PullDiff {
        repo,
        number,
    })));
    fx
}

/// Esc: back to the pull request if the diff was opened from it, else to the list.
fn close(state: &mut AppState) -> Vec<Effect> {
    let Some(Detail::Diff(view)) = state.detail.take() else {
        return Vec::new();
    };
    let mut fx = vec![Effect::Stop(ResourceKind::PullDiff)];
    if view.from_detail {
        let (detail, effect) = super::work::open_pull(view.repo, view.number);
        state.detail = Some(detail);
        fx.push(effect);
    }
    fx
}

pub fn view(state: &AppState) -> Option<&DiffView> {
    match &state.detail {
        Some(Detail::Diff(v)) => Some(v),
        _ => None,
    }
}

fn view_mut(state: &mut AppState) -> Option<&mut DiffView> {
    match &mut state.detail {
        Some(Detail::Diff(v)) => Some(v),
        _ => None,
    }
}

/// The diff arrived (or failed): laid out once here. A failure keeps what was shown and says
/// why. Returns the error to report.
pub fn arrived(
    state: &mut AppState,
    repo: &Slug,
    number: u64,
    at: DateTime<Utc>,
    answer: Result<DiffData, ApiError>,
) -> Option<String> {
    let view = view_mut(state).filter(|v| v.number == number && v.repo == *repo)?;
    view.data.loading = false;
    match answer {
        Ok(d) => {
            let layout = DiffLayout::build(&d);
            let len = layout.rows.len();
            // A refresh after a comment keeps the cursor where it was.
            if view.data.data.is_none() {
                view.cursor.selected = layout
                    .rows
                    .iter()
                    .position(|r| r.anchor.is_some())
                    .unwrap_or(0);
            }
            view.cursor.clamp(len);
            view.data.data = Some(layout);
            view.data.updated = Some(at);
            view.data.error = None;
            None
        }
        Err(e) => {
            let why = e.to_string();
            view.data.error = Some(why.as_str().into());
            Some(why)
        }
    }
}

fn page(state: &AppState) -> isize {
    (state.size.1 as isize - 8).max(1)
}

/// The keymap's actions while a diff is open. `None`: not the diff's (help, quit, panels…).
pub fn action(state: &mut AppState, a: Action) -> Option<Vec<Effect>> {
    let page = page(state);
    let view = view_mut(state)?;
    let len = view.data.data.as_ref().map_or(0, |d| d.rows.len());
    let jump = |view: &mut DiffView, kind: RowKind, forward: bool| {
        let at = view.cursor.selected;
        if let Some(to) = view
            .data
            .data
            .as_ref()
            .and_then(|d| d.find(at, kind, forward))
        {
            view.cursor.selected = to;
            // The file or hunk jumped to shows from its top.
            view.cursor.offset.set(to);
        }
    };
    match a {
        Action::Down => view.cursor.move_by(1, len),
        Action::Up => view.cursor.move_by(-1, len),
        Action::PageDown => view.cursor.move_by(page, len),
        Action::PageUp => view.cursor.move_by(-page, len),
        Action::Top => view.cursor.move_by(isize::MIN / 2, len),
        Action::Bottom => view.cursor.move_by(isize::MAX / 2, len),
        Action::DiffNextFile => jump(view, RowKind::File, true),
        Action::DiffPrevFile => jump(view, RowKind::File, false),
        Action::DiffNextHunk => jump(view, RowKind::Hunk, true),
        Action::DiffPrevHunk => jump(view, RowKind::Hunk, false),
        Action::Back => return Some(close(state)),
        Action::Reply => return Some(comment(state)),
        Action::Refresh => return Some(vec![Effect::Refresh(vec![ResourceKind::PullDiff])]),
        // Already there.
        Action::PullDiff => {}
        _ => return None,
    }
    Some(Vec::new())
}

/// Mouse wheel over the diff.
pub fn wheel(state: &mut AppState, delta: isize) -> bool {
    match view_mut(state) {
        Some(view) => {
            let len = view.data.data.as_ref().map_or(0, |d| d.rows.len());
            view.cursor.move_by(delta, len);
            true
        }
        None => false,
    }
}

pub fn line_key(repo: &str, pull: u64, path: &str, side: Side, line: u32) -> String {
    format!("{repo}#{pull}/line/{path}:{}{line}", side.as_str())
}

/// `c` on a line of the diff: the comment editor for that line.
fn comment(state: &mut AppState) -> Vec<Effect> {
    let Some(view) = view(state) else {
        return Vec::new();
    };
    let Some(layout) = view.data.data.as_ref() else {
        state.toast("The diff is still loading", true);
        return Vec::new();
    };
    let row = layout.rows.get(view.cursor.selected);
    let Some((row, (side, line))) = row.and_then(|r| r.anchor.map(|a| (r, a))) else {
        state.toast(
            "Put the cursor on a line of the diff (an added, removed or unchanged line) to comment",
            true,
        );
        return Vec::new();
    };
    let Some(file) = layout.files.get(row.file) else {
        return Vec::new();
    };
    let purpose = EditorPurpose::LineComment {
        pull: view.number,
        commit_id: layout.head_sha.clone(),
        path: file.path.raw().to_owned(),
        line,
        side,
    };
    open_line_editor(state, purpose, None);
    Vec::new()
}

/// The editor of a comment on one line (again after a failed send, with the reason).
pub fn open_line_editor(state: &mut AppState, purpose: EditorPurpose, error: Option<String>) {
    let EditorPurpose::LineComment {
        pull,
        path,
        line,
        side,
        ..
    } = &purpose
    else {
        return;
    };
    let repo = state
        .acting_repo
        .as_ref()
        .map(|r| r.full_name())
        .unwrap_or_default();
    let key = line_key(&repo, *pull, path, *side, *line);
    let draft = state.drafts.get(&key).cloned().unwrap_or_default();
    let at = match side {
        Side::Left => format!("{}:{line} (old side)", sanitize_line(path)),
        Side::Right => format!("{}:{line}", sanitize_line(path)),
    };
    let mut ed = Editor::new(
        format!("Comment on #{pull}"),
        vec![at],
        key,
        &draft,
        purpose,
    );
    ed.error = error;
    state.open_modal(Modal::Editor(Box::new(ed)));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn thread(
        path: &str,
        line: Option<u64>,
        side: &str,
        outdated: bool,
        body: &str,
    ) -> ReviewThread {
        serde_json::from_value(serde_json::json!({
            "id": "T", "isResolved": false, "isOutdated": outdated, "path": path,
            "line": line, "originalLine": 3, "diffSide": side,
            "comments": {"nodes": [{"id": "C", "body": body, "author": {"login": "alice"},
                "createdAt": "2026-11-22T10:00:00Z"}]}
        }))
        .expect("thread")
    }

    fn file(name: &str, patch: Option<&str>) -> PullFile {
        PullFile {
            filename: name.into(),
            status: "modified".into(),
            additions: 1,
            deletions: 1,
            patch: patch.map(String::from),
            previous_filename: None,
        }
    }

    #[test]
    fn threads_sit_under_their_line_and_outdated_ones_after_the_file() {
        let d = DiffData {
            head_sha: "abc".into(),
            title: "t".into(),
            files: vec![
                file("a.rs", Some("@@ -1,2 +1,2 @@\n x\n-old\n+new")),
                file("logo.png", None),
            ],
            threads: vec![
                thread("a.rs", Some(2), "RIGHT", false, "why new?"),
                thread("a.rs", Some(2), "LEFT", false, "old was \u{1b}[31mfine"),
                thread("a.rs", None, "RIGHT", true, "gone"),
            ],
            threads_error: None,
        };
        let l = DiffLayout::build(&d);
        let kinds: Vec<(RowKind, &str)> =
            l.rows.iter().map(|r| (r.kind, r.text.as_str())).collect();
        use RowKind::*;
        assert_eq!(
            kinds,
            vec![
                (File, "a.rs"),
                (Hunk, "@@ -1,2 +1,2 @@"),
                (Context, "x"),
                (Removed, "old"),
                (Comment, "@alice · unresolved"),
                (CommentBody, "old was fine"),
                (Added, "new"),
                (Comment, "@alice · unresolved"),
                (CommentBody, "why new?"),
                (Outdated, "on lines this diff no longer shows (outdated):"),
                (CommentBody, "line 3 when it was written"),
                (Comment, "@alice · outdated"),
                (CommentBody, "gone"),
                (File, "logo.png"),
                (
                    Note,
                    "diff too large or binary: not shown here (o opens the pull request)"
                ),
            ]
        );
        assert_eq!(l.files[1].row, 13);
        assert_eq!(l.find(0, RowKind::File, true), Some(13));
        assert_eq!(l.find(13, RowKind::Hunk, false), Some(1));
        assert_eq!(l.rows[3].anchor, Some((Side::Left, 2)));
    }
}
