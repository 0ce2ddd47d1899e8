//! Which rows the viewer shows: step headers and the lines folds leave visible.
//!
//! The mapping is a short list of segments (runs of consecutive visible lines, and step
//! headers) rebuilt from the group and step indexes when folds change or lines arrive — its
//! cost follows the number of sections, never the number of lines, and nothing walks it per
//! frame: a row is found by binary search.

use super::store::LogStore;

/// One row of the view.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Row {
    /// The header of step `k` (not a log line).
    Step(usize),
    /// A log line (0-based index).
    Line(usize),
}

#[derive(Clone, Copy, Debug)]
struct Seg {
    /// First row of the segment.
    row: usize,
    /// First line (for a step header: the step's first line).
    line: usize,
    /// Lines in the segment; 0 for a step header (which is one row).
    len: usize,
    step: Option<usize>,
}

impl Seg {
    fn rows(&self) -> usize {
        if self.step.is_some() {
            1
        } else {
            self.len
        }
    }
}

/// Fold state: one flag per group and per step, growing as they arrive.
#[derive(Clone, Debug)]
pub struct Folds {
    groups: Vec<bool>,
    steps: Vec<bool>,
    /// Whether groups that arrive later start folded (as on the web).
    pub groups_folded_by_default: bool,
}

impl Default for Folds {
    fn default() -> Self {
        Folds {
            groups: Vec::new(),
            steps: Vec::new(),
            groups_folded_by_default: true,
        }
    }
}

impl Folds {
    fn sync(&mut self, store: &LogStore) {
        let d = self.groups_folded_by_default;
        self.groups.resize(store.groups().len(), d);
        self.steps.resize(store.steps().len(), false);
    }

    pub fn group(&self, g: usize) -> bool {
        self.groups
            .get(g)
            .copied()
            .unwrap_or(self.groups_folded_by_default)
    }

    pub fn step(&self, k: usize) -> bool {
        self.steps.get(k).copied().unwrap_or(false)
    }

    pub fn set_group(&mut self, g: usize, folded: bool) {
        if let Some(f) = self.groups.get_mut(g) {
            *f = folded;
        }
    }

    pub fn set_step(&mut self, k: usize, folded: bool) {
        if let Some(f) = self.steps.get_mut(k) {
            *f = folded;
        }
    }

    pub fn set_all(&mut self, folded: bool) {
        self.groups.iter_mut().for_each(|f| *f = folded);
        self.steps.iter_mut().for_each(|f| *f = folded);
        self.groups_folded_by_default = folded;
    }
}

#[derive(Clone, Debug, Default)]
pub struct Layout {
    segs: Vec<Seg>,
    rows: usize,
}

impl Layout {
    /// Rebuilds the mapping; `folds` grows to cover new groups and steps.
    pub fn build(store: &LogStore, folds: &mut Folds) -> Layout {
        folds.sync(store);
        let mut out = Layout::default();
        let n = store.len();
        let groups = store.groups();
        let mut gi = 0;
        let steps = store.steps();
        // Sections: lines before the first step (or all, without steps), then each step.
        let first = steps.first().map_or(n, |s| s.first_line.min(n));
        let mut sections: Vec<(Option<usize>, usize, usize)> = vec![(None, 0, first)];
        for k in 0..steps.len() {
            let r = store.step_range(k);
            sections.push((Some(k), r.start, r.end));
        }
        for (step, start, end) in sections {
            if let Some(k) = step {
                out.push_step(k, start);
                if folds.step(k) {
                    while gi < groups.len() && groups[gi].header < end {
                        gi += 1;
                    }
                    continue;
                }
            }
            let mut cur = start;
            while gi < groups.len() && groups[gi].header < end {
                let g = groups[gi];
                let folded = folds.group(gi);
                gi += 1;
                if g.header < cur {
                    continue;
                }
                out.push_lines(cur, g.header + 1);
                let body_end = g.body_end.min(end);
                if !folded {
                    out.push_lines(g.header + 1, body_end);
                }
                cur = body_end;
                if g.end_marker && g.body_end < end {
                    // The `##[endgroup]` line itself is never shown.
                    cur = g.body_end + 1;
                }
            }
            out.push_lines(cur, end);
        }
        out
    }

    fn push_step(&mut self, k: usize, line: usize) {
        self.segs.push(Seg {
            row: self.rows,
            line,
            len: 0,
            step: Some(k),
        });
        self.rows += 1;
    }

    fn push_lines(&mut self, from: usize, to: usize) {
        if to <= from {
            return;
        }
        if let Some(last) = self.segs.last_mut() {
            if last.step.is_none() && last.line + last.len == from {
                last.len += to - from;
                self.rows += to - from;
                return;
            }
        }
        self.segs.push(Seg {
            row: self.rows,
            line: from,
            len: to - from,
            step: None,
        });
        self.rows += to - from;
    }

    /// Visible rows.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// What row `r` shows.
    pub fn row(&self, r: usize) -> Option<Row> {
        if r >= self.rows {
            return None;
        }
        let i = self.segs.partition_point(|s| s.row <= r).checked_sub(1)?;
        let s = &self.segs[i];
        Some(match s.step {
            Some(k) => Row::Step(k),
            None => Row::Line(s.line + (r - s.row)),
        })
    }

    /// The row showing `line`, or None when a fold hides it.
    pub fn row_of_line(&self, line: usize) -> Option<usize> {
        let i = self
            .segs
            .partition_point(|s| s.line <= line)
            .checked_sub(1)?;
        let s = &self.segs[i];
        (s.step.is_none() && line < s.line + s.len).then(|| s.row + (line - s.line))
    }

    /// The row showing `line`, or the last visible row before it when hidden.
    pub fn row_at_or_before(&self, line: usize) -> usize {
        let Some(i) = self.segs.partition_point(|s| s.line <= line).checked_sub(1) else {
            return 0;
        };
        let s = &self.segs[i];
        if s.step.is_none() && line < s.line + s.len {
            s.row + (line - s.line)
        } else {
            s.row + s.rows().saturating_sub(1)
        }
    }

    /// The row of step `k`'s header.
    pub fn row_of_step(&self, k: usize) -> Option<usize> {
        let first = self.segs.iter().position(|s| s.step == Some(k));
        first.map(|i| self.segs[i].row)
    }

    /// Where a row is, as something that survives a rebuild.
    pub fn anchor(&self, r: usize) -> Option<Row> {
        self.row(r.min(self.rows.saturating_sub(1)))
    }

    /// The row of an anchor after a rebuild.
    pub fn resolve(&self, anchor: Option<Row>) -> usize {
        match anchor {
            None => 0,
            Some(Row::Step(k)) => self.row_of_step(k).unwrap_or(0),
            Some(Row::Line(l)) => self.row_at_or_before(l),
        }
    }
}
