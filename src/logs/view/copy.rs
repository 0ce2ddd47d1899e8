//! Selection (`v`), copying it (`y`) and saving the log (`s`).

use super::LogViewState;
use crate::logs::export::{SaveJob, SaveMode};
use crate::logs::layout::Row;
use crate::logs::line::LineKind;
use crate::logs::search;

impl LogViewState {
    /// `v`: starts a selection at the cursor line (it follows the cursor), or ends it.
    pub fn toggle_selection(&mut self) {
        self.anchor = match self.anchor {
            Some(_) => None,
            None => self.cursor_line(),
        };
    }

    /// Selects lines `first..=last` (0-based) and puts the cursor on `last`.
    pub fn select_lines(&mut self, first: usize, last: usize) {
        if self.store.is_empty() {
            return;
        }
        let max = self.store.len() - 1;
        self.anchor = Some(first.min(max));
        self.jump_to_line(last.min(max));
    }

    pub fn clear_selection(&mut self) {
        self.anchor = None;
    }

    /// The selected lines, inclusive and ordered.
    pub fn selection(&self) -> Option<(usize, usize)> {
        let a = self.anchor?;
        let c = self.cursor_line()?;
        Some((a.min(c), a.max(c)))
    }

    /// `y`: the text to copy — the selected lines, else the step under the cursor (on a step
    /// header), else the cursor line. Clean text: no escape sequence or control character
    /// from the log survives, so it is safe inside OSC 52.
    pub fn copy_text(&self) -> String {
        let (first, last) = match (self.selection(), self.cursor_row()) {
            (Some(sel), _) => sel,
            (None, Some(Row::Step(k))) => {
                let r = self.store.step_range(k);
                if r.is_empty() {
                    return String::new();
                }
                (r.start, r.end - 1)
            }
            (None, Some(Row::Line(l))) => (l, l),
            (None, None) => return String::new(),
        };
        let mut out = String::new();
        for line in first..=last.min(self.store.len().saturating_sub(1)) {
            let Some(meta) = self.store.meta(line) else {
                continue;
            };
            if meta.kind == LineKind::GroupEnd {
                continue;
            }
            if !out.is_empty() {
                out.push('\n');
            }
            if self.timestamps {
                let stamp = self.store.stamp(line);
                if !stamp.is_empty() {
                    out.push_str(&String::from_utf8_lossy(stamp));
                    out.push(' ');
                }
            }
            out.push_str(&search::display_text(meta.kind, self.store.content(line)));
        }
        out
    }

    /// `s`: what to write, taken now, to be written on any thread (a 100 MB log should not
    /// be written on the UI thread): `view.save_job(mode).write_to(path)`.
    pub fn save_job(&self, mode: SaveMode) -> SaveJob {
        SaveJob {
            snapshot: self.store.snapshot(0),
            mode,
            timestamps: self.timestamps,
        }
    }

    /// Writes the log to `path` now (small logs, tests).
    pub fn save(&self, path: &std::path::Path, mode: SaveMode) -> std::io::Result<u64> {
        self.save_job(mode).write_to(path)
    }
}
