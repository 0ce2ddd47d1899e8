//! Errors and warnings: the list for the UI and `n`/`N` between them.

use super::LogViewState;
use crate::logs::layout::Row;
use crate::logs::line::LineKind;
use crate::logs::search;

/// An error or warning line, for a list in the UI.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub line: usize,
    pub kind: LineKind,
    /// Clean display text (label included), safe to draw.
    pub text: String,
}

impl LogViewState {
    /// Error and warning lines, ascending.
    pub fn problem_lines(&self) -> &[usize] {
        self.store.problems()
    }

    /// The `i`-th problem with its clean text.
    pub fn problem(&self, i: usize) -> Option<Problem> {
        let line = *self.store.problems().get(i)?;
        let kind = self.store.kind(line);
        let text = search::display_text(kind, self.store.content(line)).into_owned();
        Some(Problem { line, kind, text })
    }

    /// `n` (without a search): the next error or warning after the cursor, wrapping.
    pub fn next_problem(&mut self) -> bool {
        let p = self.store.problems();
        let Some(&first) = p.first() else {
            return false;
        };
        let i = match self.cursor_row() {
            Some(Row::Step(k)) => p.partition_point(|&l| l < self.store.step_range(k).start),
            Some(Row::Line(c)) => p.partition_point(|&l| l <= c),
            None => 0,
        };
        let target = p.get(i).copied().unwrap_or(first);
        self.jump_to_line(target);
        true
    }

    /// The first error (not warning) under the cursor: where a failed job's log opens.
    pub fn to_first_error(&mut self) -> bool {
        let store = &self.store;
        let Some(&line) = store.problems().iter().find(|&&l| store.is_error(l)) else {
            return false;
        };
        self.jump_to_line(line);
        true
    }

    /// `N`: the previous one, wrapping.
    pub fn prev_problem(&mut self) -> bool {
        let p = self.store.problems();
        let Some(&last) = p.last() else {
            return false;
        };
        let c = self.cursor_line().unwrap_or(0);
        let i = p.partition_point(|&l| l < c);
        let target = i.checked_sub(1).map_or(last, |i| p[i]);
        self.jump_to_line(target);
        true
    }

    /// `n`/`N` as the issue describes them: search hits while a search is active, else
    /// errors and warnings.
    pub fn jump_next(&mut self) -> bool {
        if self.search.is_some() {
            self.search_next()
        } else {
            self.next_problem()
        }
    }

    pub fn jump_prev(&mut self) -> bool {
        if self.search.is_some() {
            self.search_prev()
        } else {
            self.prev_problem()
        }
    }
}
