//! The parent's run: made as a representative run is, while noting the first transition
//! that asks about each candidate fault. There the run with that fault added leaves it
//! (a [`Departure`]); the departures are made into forks in batches ([`super::child`]).

use std::collections::HashMap;

use super::super::fault::Fault;
use super::super::machine::{Machine, State};
use super::super::run::{Keep, MAX_RUN_LENGTH, Recording, Walk};
use super::child::make_forks;

/// Departures made into forks at once (in parallel): each holds a copy of the state, so
/// this bounds the states held.
const BATCH: usize = 256;

/// A run that left a parent run where its added fault was first asked about.
#[derive(Clone)]
pub(in crate::scenario) struct Forked {
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
pub(super) struct Departure {
    /// The fork's candidate (its index in the candidates).
    pub candidate: usize,
    /// The parent's actions before that transition.
    pub shared: usize,
    /// The parent's states before that transition (also the transition's number).
    pub states_before: usize,
    /// The state before that transition, from which the fork goes on.
    pub state: State,
}

/// The representative run of `machine` from `state` (which is the last state of
/// `recording`, the run so far) and, for each candidate fault, the representative run of
/// `machine`'s faults plus that one: it is the same run up to the first delivery that
/// asks about the candidate, so it is continued from the state before that delivery
/// instead of made from the start. A candidate never asked about never fires (`None`).
/// Each fork is itself forked for the `nested` candidates. Making every single-fault run
/// of a saga of `n` steps this way costs one run plus what each run does after its
/// fault, not `n` whole runs. Without candidates, `machine` need not be probing.
pub(in crate::scenario) fn walk_forking(
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
    // The state before the transition, while a fault may still fork from it: one buffer,
    // copied into.
    let mut before: Option<State> = None;
    machine.take_probed();
    for _ in 0..MAX_RUN_LENGTH {
        if state.pending.is_empty() {
            break;
        }
        let forking = !waiting.is_empty();
        if forking {
            match before.as_mut() {
                Some(copy) => copy.clone_from(&state),
                None => before = Some(state.clone()),
            }
        }
        let shared = recording.length;
        let states_before = recording.states - 1;
        let first_new = recording.trace.len();
        let Some(violations) = machine.first_successor(&mut state, &mut recording.trace) else {
            break;
        };
        let asked = machine.take_probed();
        if let Some(before) = before.as_ref().filter(|_| forking) {
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
