//! A state of the product: every instance's part 1 state, the records, and what the
//! product itself remembers of the instances (parked commands whose sender gave up,
//! triggers refused, events redelivered). Canonical (messages as multisets) and, under
//! symmetry, swapped between `a` and `b`.

use crate::model::StepId;
use crate::model::resources::Actor;

use super::super::machine::State;
use super::layout::Layout;
use super::records::Records;

#[derive(Clone, PartialEq, Eq, Hash)]
pub(super) struct Joint {
    pub(super) states: Vec<State>,
    pub(super) records: Records,
    /// Commands parked at their owner whose sender gave up waiting (in doubt under
    /// `timeout:`): each may still apply when the lock is released. Sorted.
    pub(super) late: Vec<(u8, Actor)>,
    /// Parked commands that applied after their sender gave up: their compensation has an
    /// effect to undo, though the instance's machine never learned it applied. Sorted.
    pub(super) applied_late: Vec<(u8, Actor)>,
    /// Bit per instance: its trigger was refused, so it never started (`trigger.rs`).
    pub(super) refused: u8,
    /// Per (instance, step): the deliveries of its event the records refused and the
    /// broker redelivers (`redelivery.rs`). Sorted.
    pub(super) redelivered: Vec<(u8, StepId, u8)>,
}

impl Joint {
    pub(super) fn canonical(&self) -> Joint {
        Joint {
            states: self.states.iter().map(State::canonical).collect(),
            records: self.records.clone(),
            late: self.late.clone(),
            applied_late: self.applied_late.clone(),
            refused: self.refused,
            redelivered: self.redelivered.clone(),
        }
    }

    pub(super) fn swapped(&self, layout: &Layout) -> Joint {
        let mut states = self.states.clone();
        states.swap(0, 1);
        let swap = |v: &[(u8, Actor)]| {
            let mut out: Vec<(u8, Actor)> = v.iter().map(|&(i, a)| (1 - i.min(1), a)).collect();
            out.sort();
            out
        };
        Joint {
            states,
            records: self.records.swapped(layout),
            late: swap(&self.late),
            applied_late: swap(&self.applied_late),
            refused: (self.refused & !3) | ((self.refused & 1) << 1) | ((self.refused >> 1) & 1),
            redelivered: {
                let mut out: Vec<(u8, StepId, u8)> = self
                    .redelivered
                    .iter()
                    .map(|&(i, s, n)| (1 - i.min(1), s, n))
                    .collect();
                out.sort();
                out
            },
        }
    }
}
