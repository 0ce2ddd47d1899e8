//! Ahead/behind counts of many branches against their upstreams over one shared view of the
//! commit graph.
//!
//! git2's `graph_ahead_behind` starts a fresh revision walk for every pair, parsing again the
//! commits the previous pair already read; with thousands of branches started from the same
//! history that repeated parsing dominated the Branches panel. Here every commit is read from
//! the object database at most once for all pairs, and each pair's walk stops where both sides
//! meet, so the total cost follows the commits between each branch and its upstream.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};

use git2::{Oid, Repository};

const LOCAL: u8 = 1;
const UPSTREAM: u8 = 2;
const BOTH: u8 = LOCAL | UPSTREAM;

struct Node {
    time: i64,
    parents: Vec<Oid>,
}

/// The parents and commit times read so far, shared by all the walks of one snapshot.
pub(crate) struct Graph<'r> {
    repo: &'r Repository,
    nodes: HashMap<Oid, Node>,
}

impl<'r> Graph<'r> {
    pub(crate) fn new(repo: &'r Repository) -> Graph<'r> {
        Graph {
            repo,
            nodes: HashMap::new(),
        }
    }

    fn node(&mut self, oid: Oid) -> Result<&Node, git2::Error> {
        if !self.nodes.contains_key(&oid) {
            let commit = self.repo.find_commit(oid)?;
            let node = Node {
                time: commit.time().seconds(),
                parents: commit.parent_ids().collect(),
            };
            self.nodes.insert(oid, node);
        }
        // Just inserted when it was missing.
        self.nodes
            .get(&oid)
            .ok_or_else(|| git2::Error::from_str("commit vanished from the graph cache"))
    }

    /// `(ahead, behind)`: commits reachable from `local` and not from `upstream`, and the
    /// reverse, as `git rev-list --left-right --count local...upstream` counts them.
    ///
    /// Newest commit first (ties: first seen first, as git's own queue); a commit reached from
    /// both sides passes that on to its parents, and the walk ends when every commit still
    /// queued is reached from both: everything below is common history.
    pub(crate) fn ahead_behind(
        &mut self,
        local: Oid,
        upstream: Oid,
    ) -> Result<(usize, usize), git2::Error> {
        if local == upstream {
            return Ok((0, 0));
        }
        let mut walk = Walk::default();
        for (oid, side) in [(local, LOCAL), (upstream, UPSTREAM)] {
            let time = self.node(oid)?.time;
            walk.mark(oid, side, time);
        }
        while walk.open > 0 {
            let Some((_, _, oid)) = walk.queue.pop() else {
                break;
            };
            let flags = walk.flags.get(&oid).copied().unwrap_or(0);
            walk.queued.remove(&oid);
            if flags != BOTH {
                walk.open -= 1;
            }
            let parents = self.node(oid)?.parents.clone();
            for parent in parents {
                // A parent missing from a shallow or damaged repository ends that line of
                // history rather than the whole listing.
                let Ok(node) = self.node(parent) else {
                    continue;
                };
                let time = node.time;
                walk.mark(parent, flags, time);
            }
        }
        // Commits in the same second give the walk no order to go by: one side may have run
        // down the common history before the other side reached it. What is reached from
        // both passes that on through the commits already seen, which are then common too.
        let mut common: Vec<Oid> = walk
            .flags
            .iter()
            .filter(|(_, &f)| f == BOTH)
            .map(|(&oid, _)| oid)
            .collect();
        while let Some(oid) = common.pop() {
            let Some(node) = self.nodes.get(&oid) else {
                continue;
            };
            for parent in &node.parents {
                if let Some(f) = walk.flags.get_mut(parent) {
                    if *f != BOTH {
                        *f = BOTH;
                        common.push(*parent);
                    }
                }
            }
        }
        let count = |side| walk.flags.values().filter(|&&f| f == side).count();
        Ok((count(LOCAL), count(UPSTREAM)))
    }
}

#[derive(Default)]
struct Walk {
    /// Which sides reach each commit seen.
    flags: HashMap<Oid, u8>,
    /// Newest first; among equal times, first queued first.
    queue: BinaryHeap<(i64, Reverse<u64>, Oid)>,
    queued: std::collections::HashSet<Oid>,
    /// Queued commits not yet reached from both sides: while there are any, the walk goes on.
    open: usize,
    pushed: u64,
}

impl Walk {
    fn mark(&mut self, oid: Oid, side: u8, time: i64) {
        let old = self.flags.get(&oid).copied().unwrap_or(0);
        let new = old | side;
        if new == old {
            return;
        }
        self.flags.insert(oid, new);
        if self.queued.contains(&oid) {
            if new == BOTH {
                self.open -= 1;
            }
            return;
        }
        // Queued again when a commit already walked gains a side: its parents must learn it.
        self.queued.insert(oid);
        self.pushed += 1;
        self.queue.push((time, Reverse(self.pushed), oid));
        if new != BOTH {
            self.open += 1;
        }
    }
}
