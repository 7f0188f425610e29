//! Forks that leave the parent at the same transition and are in the same state after
//! their openings (a choreography step that gives up and one that fails both announce
//! their failure) make the rest of their run once: a fired fault never fires again, so
//! from equal states such runs are the same. The first of them makes it, and each of the
//! others takes it after its own opening.
//!
//! Measured on the combined diagram of the 1,000-step choreography bench spec, whose
//! `fail:k` and `exhaust:k` forks are in the same state after their openings: 46 → 42 ms
//! (`docs/performance.md`, `sagac diagram`).

use super::super::run::{Recording, Walk};
use super::child::{Opened, RestFrom, RestMade};
use super::parent::Forked;

/// A fork that makes the rest of its run, and the forks that take it.
pub(super) struct SharedRest {
    pub maker: Opened,
    pub sharers: Vec<Opened>,
}

/// The forks of a batch (in the order they left) in groups that share a rest: a fork may
/// share when `may_share` says so and its rest is made from its opening, and it shares
/// the rest of the nearest earlier fork that left at the same transition and is in the
/// same state.
pub(super) fn group(opened: Vec<Opened>, may_share: impl Fn(&Opened) -> bool) -> Vec<SharedRest> {
    let mut groups: Vec<SharedRest> = Vec::new();
    // The groups that left at the transition of the last fork seen (at the end of `groups`).
    let mut at_transition = 0;
    for fork in opened {
        let transition = fork.departure.states_before;
        if groups
            .last()
            .is_none_or(|g| g.maker.departure.states_before != transition)
        {
            at_transition = 0;
        }
        let sharing = fork.rest_from == RestFrom::Opening && may_share(&fork);
        let same = sharing
            .then(|| {
                let first = groups.len() - at_transition;
                groups[first..].iter_mut().rev().find(|g| {
                    g.maker.rest_from == RestFrom::Opening
                        && may_share(&g.maker)
                        && g.maker.departure.state == fork.departure.state
                })
            })
            .flatten();
        match same {
            Some(g) => g.sharers.push(fork),
            None => {
                groups.push(SharedRest {
                    maker: fork,
                    sharers: Vec::new(),
                });
                at_transition += 1;
            }
        }
    }
    groups
}

/// How much of a run its opening transition is, in each of what a run keeps.
#[derive(Debug, Clone, Copy)]
pub(super) struct OpeningSize {
    length: usize,
    kept: usize,
    marks: usize,
    broken: usize,
}

impl OpeningSize {
    pub fn of(opening: &Recording) -> OpeningSize {
        OpeningSize {
            length: opening.length,
            kept: opening.trace.len(),
            marks: opening.marks.len(),
            broken: opening.broken.len(),
        }
    }
}

/// A sharer's fork: its own opening, then the maker's run after the maker's opening (and
/// the maker's nested forks, which leave the same rest).
pub(super) fn take(sharer: Opened, made: &RestMade) -> (usize, Forked) {
    let departure = &sharer.departure;
    let own = sharer.opening.length;
    let shift = |at: usize| own + at - made.opening.length;
    let forks = made
        .fork
        .forks
        .iter()
        .map(|nested| {
            nested.clone().map(|mut nested| {
                nested.shared = shift(nested.shared);
                nested
            })
        })
        .collect();
    let walk = followed_by(sharer.opening, &made.fork.walk, made.opening);
    (
        departure.candidate,
        Forked {
            shared: departure.shared,
            states_before: departure.states_before,
            walk,
            forks,
        },
    )
}

/// `opening`, then `walk` after its own opening (of size `cut`).
fn followed_by(opening: Recording, walk: &Walk, cut: OpeningSize) -> Walk {
    let own = opening.length;
    let shift = |at: usize| own + at - cut.length;
    let mut trace = opening.trace;
    trace.extend_from_slice(&walk.trace[cut.kept.min(walk.trace.len())..]);
    let mut marks = opening.marks;
    marks.extend(
        walk.marks[cut.marks..]
            .iter()
            .map(|&(at, m)| (shift(at), m)),
    );
    let mut broken = opening.broken;
    broken.extend(
        walk.broken[cut.broken..]
            .iter()
            .map(|&(at, b)| (shift(at), b)),
    );
    Walk {
        trace,
        length: shift(walk.length),
        marks,
        outcome: walk.outcome,
        fired: walk.fired,
        compensations: walk.compensations.clone(),
        // The same number of states: one opening each.
        states: walk.states,
        broken,
    }
}
