//! What a generated crate's isolation test asks of the search (`codegen`, contract §9): the
//! participant calls of a run of the instances in the order they were made (a
//! counterexample's, to replay it), an order that alternates between the instances at each
//! access to a shared record (where nothing breaks), and the built-in failures an owner may
//! answer an action with instead of applying it (the ones `Records::refusal` and
//! `Records::compensation_refusal` decide at run time).

use crate::model::BuiltinFailure;
use crate::model::resources::{Actor, OnLocked, Verb};

use super::super::action::{Action, ActionKind, StepResult, Work};
use super::layout::Layout;
use super::{Instances, IsolationScenario};

/// The participant calls of a run, in order: each unit of work a participant ran (the
/// trigger's local transaction, a step's or a compensation's command it answered, a parked
/// command applied late, a choreography's handler that ran), with the index of its
/// instance. A compensation not registered for its step's attempt (`runs_for`) calls no
/// participant.
pub fn calls(trace: &[(u8, Action)]) -> Vec<(u8, Work)> {
    trace
        .iter()
        .filter_map(|(i, a)| match a.kind {
            ActionKind::Run {
                result: StepResult::NotRegistered,
                ..
            } => None,
            ActionKind::Reply { work, .. } | ActionKind::Run { work, .. } => Some((*i, work)),
            _ => None,
        })
        .collect()
}

/// The scenario's representative run with its calls reordered: instance `a` runs until it
/// has made an access to a shared record, then `b`, and so on in turn; each instance's own
/// calls stay in their order. For a scenario that breaks nothing, every interleaving is
/// clean, so this one is too, and it is the one that meets the other instance most often.
pub fn alternating(instances: &Instances, scenario: &IsolationScenario) -> Vec<(u8, Work)> {
    let layout = layout(instances);
    let all = calls(&scenario.trace);
    let mut left: Vec<std::collections::VecDeque<Work>> = (0..instances.sagas.len())
        .map(|i| {
            all.iter()
                .filter(|(j, _)| usize::from(*j) == i)
                .map(|(_, w)| *w)
                .collect()
        })
        .collect();
    let mut out = Vec::with_capacity(all.len());
    let mut turn = 0usize;
    while left.iter().any(|l| !l.is_empty()) {
        while let Some(work) = left[turn].pop_front() {
            out.push((turn as u8, work));
            if layout.touches_shared(layout.of(turn as u8, actor(work))) {
                break;
            }
        }
        turn = (turn + 1) % left.len();
    }
    out
}

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
    let layout = layout(&Instances::of(saga));
    let mut out: Vec<(Actor, BuiltinFailure)> = Vec::new();
    for (actor, accesses) in layout.accesses.first().into_iter().flatten() {
        for a in accesses {
            let locks = !a.resource.locks.is_empty();
            if matches!(actor, Actor::Step(_) | Actor::Trigger)
                && locks
                && a.effect.on_locked(&a.resource) == OnLocked::Fail
            {
                out.push((*actor, BuiltinFailure::Locked));
            }
            if a.version_checked {
                out.push((*actor, BuiltinFailure::Changed));
            }
            if a.effect.verb == Verb::Set && !a.effect.from.is_empty() {
                out.push((*actor, BuiltinFailure::WrongState));
            }
        }
    }
    out.sort();
    out.dedup();
    out
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

fn layout(instances: &Instances) -> Layout {
    let letters: Vec<char> = instances.labels.iter().map(|l| l.letter).collect();
    Layout::new(
        &instances.sagas,
        &letters,
        instances.across,
        instances.shared.as_deref(),
    )
}
