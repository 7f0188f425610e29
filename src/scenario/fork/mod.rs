//! Many representative runs at once: each scenario that adds a fault to another is that
//! run until the first delivery that asks about the fault, so it is continued from there
//! instead of made from the start. `parent` makes the parent's run and notes where each
//! fork leaves it, `child` makes the forks, and `shared_rest` lets forks in the same
//! state make the rest of their runs once.

mod child;
mod parent;
mod shared_rest;

pub(super) use parent::walk_forking;

use rayon::prelude::*;

use crate::model::{Owner, Saga};

use super::action::Action;
use super::fault::Fault;
use super::machine::{Machine, State};
use super::run::{Keep, Mark, Recording};
use super::{Outcome, Scenario, every_fault, scenario_name, trigger_last, walked};

/// A scenario's representative run made from another's ([`forks`]): the parent's
/// representative run up to `shared` actions, then `rest`.
#[derive(Debug, Clone)]
pub struct Fork {
    /// The parent's faults, then the one added.
    pub faults: Vec<Fault>,
    /// How many actions of the parent's trace this run begins with.
    pub shared: usize,
    /// The run's actions after those (its end included).
    pub rest: Vec<Action>,
    pub outcome: Outcome,
    /// As [`Scenario::compensated`], over the whole run.
    pub compensated: Vec<Owner>,
    /// Every compensation that ran in this run.
    pub compensations_run: Vec<Owner>,
    /// Whether every fault fired in this run.
    pub all_fired: bool,
    /// The run's own states, counted from the start.
    pub states: usize,
}

impl Fork {
    /// The whole run as a [`Scenario`] (without the other runs: as [`representative`]).
    pub fn into_scenario(self, saga: &Saga, parent: &Scenario) -> Scenario {
        let mut trace = Vec::with_capacity(self.shared + self.rest.len());
        trace.extend_from_slice(&parent.trace[..self.shared.min(parent.trace.len())]);
        trace.extend(self.rest);
        Scenario {
            name: scenario_name(saga, &self.faults),
            faults: self.faults,
            outcome: self.outcome,
            compensated: self.compensated,
            trace,
            violations: Vec::new(),
            states: self.states,
            compensations_run: self.compensations_run,
            all_fired: self.all_fired,
        }
    }
}

/// The representative run of the scenario with `faults` and, for each of `candidates`, the
/// representative run with that fault added, in the candidates' order (`None` where the
/// fault is never asked about in the run: it cannot fire, and the run would be the same).
/// Each added fault's run is continued from the state where it first matters rather than
/// made from the start, so the single-fault runs of a saga of `n` steps cost one run plus
/// what each does after its fault (its compensations), instead of `n` runs of the whole
/// saga. The runs are exactly those of [`representative`].
pub fn forks(saga: &Saga, faults: &[Fault], candidates: &[Fault]) -> (Scenario, Vec<Option<Fork>>) {
    let faults = &faults[..faults.len().min(63)];
    let machine = Machine::probing(saga, faults);
    let (walk, forked) = walk_forking(
        &machine,
        State::initial(saga),
        candidates,
        &[],
        Keep::Trace,
        Recording::new(Keep::Trace, 0),
    );
    let parent = walked(saga, faults, walk);
    // The compensations of the parent's run, where they ran: a fork's are those before
    // it left, then its own (from its marks).
    let parent_compensations: Vec<(usize, Owner)> = parent
        .trace
        .iter()
        .enumerate()
        .filter_map(|(i, a)| match Mark::of(a) {
            Some(Mark::Compensated(o)) => Some((i, o)),
            _ => None,
        })
        .collect();
    let forks = forked
        .into_par_iter()
        .zip(candidates)
        .map(|(f, &candidate)| {
            let f = f?;
            let mut all = faults.to_vec();
            all.push(candidate);
            let mask = every_fault(all.len());
            let shared = f.shared.min(parent.trace.len());
            let before = parent_compensations.partition_point(|(i, _)| *i < shared);
            // Sized at once: a failure run of a long saga compensates thousands of steps.
            let mut order: Vec<Owner> = Vec::with_capacity(before + f.walk.marks.len());
            order.extend(parent_compensations[..before].iter().map(|&(_, o)| o));
            order.extend(f.walk.marks.iter().filter_map(|&(_, m)| match m {
                Mark::Compensated(o) => Some(o),
                Mark::AppliedTwice(_) => None,
            }));
            Some(Fork {
                compensated: trigger_last(order),
                faults: all,
                shared,
                outcome: f.walk.outcome,
                compensations_run: f.walk.compensations,
                all_fired: f.walk.fired & mask == mask,
                states: f.states_before + f.walk.states,
                rest: f.walk.trace,
            })
        })
        .collect();
    (parent, forks)
}
