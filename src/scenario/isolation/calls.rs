//! What a generated crate asks of the search about refusals (`codegen`, contract §9): the
//! built-in failures an owner may answer an action with instead of applying it (the ones
//! `Records::refusal` and `Records::compensation_refusal` decide at run time). The order a
//! test plays a run in is `plays.rs`'s.

use crate::model::BuiltinFailure;
use crate::model::resources::{Actor, OnLocked, Verb};

use super::super::action::Work;
use super::Instances;
use super::layout::Access;

/// The built-in failures the owner of each action may answer instead of applying its
/// effects, as the search decides them: `Locked` (a step's access under `on_locked: fail`
/// to a resource with lock states), `Changed` (an `if_unchanged` whose field some action
/// writes), `WrongState` (a guarded `set`). A compensation answers the last two and gives
/// up; the trigger's owner answers `Locked` or `WrongState` and the saga never starts
/// (`trigger.rs`). Sorted, each pair once.
pub fn refusals(saga: &crate::model::Saga) -> Vec<(Actor, BuiltinFailure)> {
    let mut out = every_refusal(saga);
    out.retain(|(actor, _)| !matches!(actor, Actor::Reaction(_)));
    out
}

/// Whether the records may refuse the trigger (`trigger.rs`: `Locked` under `on_locked:
/// fail`, `WrongState` from a guarded `set`), so that an instance may never start.
pub fn trigger_may_be_refused(saga: &crate::model::Saga) -> bool {
    every_refusal(saga)
        .iter()
        .any(|(actor, _)| matches!(actor, Actor::Trigger))
}

fn every_refusal(saga: &crate::model::Saga) -> Vec<(Actor, BuiltinFailure)> {
    let layout = Instances::of(saga).layout();
    let mut out: Vec<(Actor, BuiltinFailure)> = Vec::new();
    for (actor, accesses) in layout.accesses.first().into_iter().flatten() {
        for a in accesses {
            out.extend(refusals_of(*actor, a).map(|b| (*actor, b)));
        }
    }
    out.sort();
    out.dedup();
    out
}

/// The built-in failures the owner may answer `actor`'s access `a` with: `Locked` (a
/// step's or the trigger's access under `on_locked: fail` to a resource with lock states),
/// `Changed` (a version-checked access), `WrongState` (a guarded `set`).
pub(super) fn refusals_of(actor: Actor, a: &Access) -> impl Iterator<Item = BuiltinFailure> {
    let locked = matches!(actor, Actor::Step(_) | Actor::Trigger)
        && !a.resource.locks.is_empty()
        && a.effect.on_locked(&a.resource) == OnLocked::Fail;
    let guarded = a.effect.verb == Verb::Set && !a.effect.from.is_empty();
    [
        locked.then_some(BuiltinFailure::Locked),
        a.version_checked.then_some(BuiltinFailure::Changed),
        guarded.then_some(BuiltinFailure::WrongState),
    ]
    .into_iter()
    .flatten()
}

/// The action a unit of work runs.
pub fn actor(work: Work) -> Actor {
    match work {
        Work::Trigger => Actor::Trigger,
        Work::Step(s) => Actor::Step(s),
        Work::Compensation(o) => Actor::Compensation(o),
        Work::Reaction(r) => Actor::Reaction(r),
    }
}
