//! Many representative runs at once: each scenario that adds a fault to another is that
//! run until the first delivery that asks about the fault, so it is continued from there
//! instead of made from the start. [`walk_forking`] makes the parent's run and notes
//! where each fork leaves it (a [`Departure`]); [`make_forks`] continues the forks, in
//! parallel; [`forks`] gives them to the renderers as scenarios.

use std::collections::HashMap;

use rayon::prelude::*;

use crate::model::{Owner, Saga};

use super::action::Action;
use super::fault::Fault;
use super::machine::{Machine, State};
use super::run::{Keep, MAX_RUN_LENGTH, Mark, Recording, Walk};
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
    /// What the run told the caller and the escalation.
    pub told: super::Told,
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
            told: self.told,
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
        Recording::new(Keep::Trace),
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
                told: f.walk.told,
                rest: f.walk.trace,
            })
        })
        .collect();
    (parent, forks)
}

/// Departures made into forks at once (in parallel): each holds a copy of the state, so
/// this bounds the states held.
const BATCH: usize = 256;

/// A run that left a parent run where its added fault was first asked about.
#[derive(Clone)]
pub(super) struct Forked {
    /// How many of the parent's actions it begins with.
    pub shared: usize,
    /// The parent's states before it left.
    pub states_before: usize,
    /// The run from the transition where it left: its trace holds only the actions from
    /// there, and its marks and broken invariants count their positions from there.
    pub walk: Walk,
    /// The runs that leave this one, one per nested candidate.
    pub forks: Vec<Option<Forked>>,
}

/// Where a fork leaves its parent's run: the parent's transition that first asked about
/// the fork's fault.
struct Departure {
    /// The fork's candidate (its index in the candidates).
    candidate: usize,
    /// The parent's actions before that transition.
    shared: usize,
    /// The parent's states before that transition.
    states_before: usize,
    /// The state before that transition, from which the fork goes on.
    state: State,
}

/// The representative run of `machine` from `state` (which is the last state of
/// `recording`, the run so far) and, for each candidate fault, the representative run of
/// `machine`'s faults plus that one: it is the same run up to the first delivery that
/// asks about the candidate, so it is continued from the state before that delivery
/// instead of made from the start. A candidate never asked about never fires (`None`).
/// Each fork is itself forked for the `nested` candidates. Making every single-fault run
/// of a saga of `n` steps this way costs one run plus what each run does after its
/// fault, not `n` whole runs. Without candidates, `machine` need not be probing.
pub(super) fn walk_forking(
    machine: &Machine,
    mut state: State,
    candidates: &[Fault],
    nested: &[Fault],
    keep: Keep,
    mut recording: Recording,
) -> (Walk, Vec<Option<Forked>>) {
    // The candidates not yet asked about, by fault (a fault listed twice forks once).
    let mut waiting: HashMap<Fault, usize> = HashMap::new();
    for (i, &candidate) in candidates.iter().enumerate().rev() {
        if !machine.faults.contains(&candidate) {
            waiting.insert(candidate, i);
        }
    }
    let mut departures: Vec<Departure> = Vec::new();
    let mut forks: Vec<Option<Forked>> = candidates.iter().map(|_| None).collect();
    let make = |departures: Vec<Departure>, forks: &mut Vec<Option<Forked>>| {
        for (candidate, fork) in make_forks(machine, candidates, nested, keep, departures) {
            forks[candidate] = Some(fork);
        }
    };
    machine.take_probed();
    for _ in 0..MAX_RUN_LENGTH {
        // The state before the transition, while a fault may still fork from it.
        let before = (!waiting.is_empty()).then(|| state.clone());
        let shared = recording.length;
        let states_before = recording.states - 1;
        let first_new = recording.trace.len();
        let Some(violations) = machine.first_successor(&mut state, &mut recording.trace) else {
            break;
        };
        let asked = machine.take_probed();
        if let Some(before) = before {
            for fault in asked {
                if let Some(candidate) = waiting.remove(&fault) {
                    departures.push(Departure {
                        candidate,
                        shared,
                        states_before,
                        state: before.clone(),
                    });
                }
            }
        }
        recording.transition(first_new, violations);
        if departures.len() >= BATCH {
            make(std::mem::take(&mut departures), &mut forks);
        }
    }
    make(departures, &mut forks);
    (recording.finish(machine, &state), forks)
}

/// The forks of `departures` from `parent`'s run, each with its candidate's index, made
/// in parallel: each continues, with its own machine, from the state before the
/// transition where it left.
fn make_forks(
    parent: &Machine,
    candidates: &[Fault],
    nested: &[Fault],
    keep: Keep,
    departures: Vec<Departure>,
) -> Vec<(usize, Forked)> {
    let seed = parent.seed();
    departures
        .into_par_iter()
        .map(|departure| {
            let mut faults = parent.faults.to_vec();
            faults.push(candidates[departure.candidate]);
            let child = seed.machine(&faults, !nested.is_empty());
            let (walk, forks) = walk_forking(
                &child,
                departure.state,
                nested,
                &[],
                keep,
                Recording::new(keep),
            );
            let fork = Forked {
                shared: departure.shared,
                states_before: departure.states_before,
                walk,
                forks,
            };
            (departure.candidate, fork)
        })
        .collect()
}
