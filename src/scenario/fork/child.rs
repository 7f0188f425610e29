//! Making the forks of a batch of departures, in parallel. A fork is its opening (the
//! transition its fault fires in, made from the state before it) and then the rest of its
//! run. Forks whose openings leave them in the same state share that rest
//! ([`super::shared_rest`]).

use rayon::prelude::*;

use super::super::fault::Fault;
use super::super::machine::Machine;
use super::super::run::{Keep, Recording};
use super::parent::{Departure, Forked, walk_forking};
use super::shared_rest::{self, SharedRest};

/// A fork after its opening transition.
pub(super) struct Opened {
    /// Where it left; its state is the one after the opening, unless the rest is made
    /// from the start ([`RestFrom::Departure`]).
    pub departure: Departure,
    /// The opening transition's actions, or nothing when the rest is made from the start.
    pub opening: Recording,
    pub rest_from: RestFrom,
}

/// Where the rest of a fork's run is made from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum RestFrom {
    /// The state after its opening, which others in the same state may share.
    Opening,
    /// The state before its opening, the opening included: the opening asked about a
    /// nested candidate (whose own fork leaves before it), or there was nothing to deliver.
    Departure,
}

impl Opened {
    fn open(child: &Machine, mut departure: Departure, nested: &[Fault], keep: Keep) -> Opened {
        let mut opening = Recording::new(keep, 0);
        let before = (!nested.is_empty()).then(|| departure.state.clone());
        let Some(violations) = child.first_successor(&mut departure.state, &mut opening.trace)
        else {
            return Opened {
                departure,
                opening,
                rest_from: RestFrom::Departure,
            };
        };
        if let Some(before) = before
            && child.take_probed().iter().any(|f| nested.contains(f))
        {
            departure.state = before;
            return Opened {
                departure,
                opening: Recording::new(keep, 0),
                rest_from: RestFrom::Departure,
            };
        }
        opening.transition(0, violations);
        Opened {
            departure,
            opening,
            rest_from: RestFrom::Opening,
        }
    }
}

/// The forks of `departures` from `parent`'s run, each with its candidate's index.
pub(super) fn make_forks(
    parent: &Machine,
    candidates: &[Fault],
    nested: &[Fault],
    keep: Keep,
    departures: Vec<Departure>,
) -> Vec<(usize, Forked)> {
    let seed = parent.seed();
    let faults_of = |d: &Departure| {
        let mut faults = parent.faults.to_vec();
        faults.push(candidates[d.candidate]);
        faults
    };
    let opened: Vec<Opened> = departures
        .into_par_iter()
        .map(|departure| {
            let faults = faults_of(&departure);
            let child = seed.machine(&faults, !nested.is_empty());
            Opened::open(&child, departure, nested, keep)
        })
        .collect();
    // A fault that is also a nested candidate is not forked again in its own run, so that
    // run's rest is its own.
    let groups = shared_rest::group(opened, |fork| {
        !nested.contains(&candidates[fork.departure.candidate])
    });
    groups
        .into_par_iter()
        .flat_map_iter(|SharedRest { maker, sharers }| {
            let faults = faults_of(&maker.departure);
            let child = seed.machine(&faults, !nested.is_empty());
            let made = make_rest(&child, maker, nested, keep);
            let shared: Vec<(usize, Forked)> = sharers
                .into_iter()
                .map(|sharer| shared_rest::take(sharer, &made))
                .collect();
            std::iter::once((made.candidate, made.fork)).chain(shared)
        })
        .collect()
}

/// A fork made to its end, and how long its opening was (for the forks that share its
/// rest).
pub(super) struct RestMade {
    pub candidate: usize,
    pub fork: Forked,
    pub opening: shared_rest::OpeningSize,
}

/// The rest of a fork's run, made with its own machine.
fn make_rest(child: &Machine, fork: Opened, nested: &[Fault], keep: Keep) -> RestMade {
    let Opened {
        departure,
        opening,
        rest_from,
    } = fork;
    let opening_size = shared_rest::OpeningSize::of(&opening);
    // A failure undoes what ran before it, in about as many actions as the parent made
    // before the fork: room for twice that.
    let expected = 2 * departure.shared + 64;
    let recording = match rest_from {
        RestFrom::Departure => Recording::new(keep, expected),
        RestFrom::Opening => opening.with_room(expected),
    };
    let (walk, forks) = walk_forking(child, departure.state, nested, &[], keep, recording);
    RestMade {
        candidate: departure.candidate,
        fork: Forked {
            shared: departure.shared,
            states_before: departure.states_before,
            walk,
            forks,
        },
        opening: opening_size,
    }
}
