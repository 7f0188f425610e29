//! A run of the instances in which they take turns at each access to a shared record:
//! what a generated crate's isolation test drives for a scenario that breaks nothing
//! (`calls::alternating`). It is a run of the product, made with its moves, so a refusal,
//! a parked access or a lock met happens in it where the semantics say.

use super::super::Outcome;
use super::calls;
use super::product::{Product, Trace};

impl Product<'_> {
    /// The run in which the instances take turns at each access to a shared record: the
    /// instance whose turn it is makes its first enabled move (else the next instance
    /// that has one), and after a move that ran an action touching a shared record the
    /// turn passes on. A run of the product, so a refusal, a parked access or a lock met
    /// happens in it where the semantics say: each instance's outcome, and its trace.
    pub(super) fn taking_turns(&self) -> Result<(Vec<Outcome>, Trace), String> {
        let mut joint = self.initial();
        let mut trace = Vec::new();
        let n = self.machines.len();
        let mut turn = 0usize;
        for _ in 0..crate::scenario::run::MAX_RUN_LENGTH {
            let enabled = self.enabled(&joint)?;
            let mut moves = enabled.moves;
            let Some((i, m)) = (0..n).map(|k| ((turn + k) % n) as u8).find_map(|i| {
                let (_, ms) = moves.iter_mut().find(|(j, ms)| *j == i && !ms.is_empty())?;
                Some((i, ms.remove(0)))
            }) else {
                break;
            };
            let shared = m.actions.iter().any(|(_, a)| {
                calls::calls(&[(i, *a)]).iter().any(|&(_, work)| {
                    self.layout
                        .touches_shared(self.layout.of(i, calls::actor(work)))
                })
            });
            turn = if shared {
                (usize::from(i) + 1) % n
            } else {
                usize::from(i)
            };
            trace.extend(m.actions);
            joint = m.joint;
        }
        let outcomes = (0..n).map(|i| self.outcome(&joint, i)).collect();
        Ok((outcomes, trace))
    }
}
