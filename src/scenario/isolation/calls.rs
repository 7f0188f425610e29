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

/// The participant calls of a run of the scenario in which the instances take turns at
/// each access to a shared record (`super::taking_turns`: instance `a` runs until it has
/// made one, then `b`, and so on), with each instance's outcome in that run. For a
/// scenario that breaks nothing every interleaving is clean, so this one is too, and it
/// is the one that meets the other instance most often; being a run of the product, a
/// refusal or a lock it meets happens where the semantics say.
pub fn alternating(instances: &Instances, scenario: &IsolationScenario) -> Result<Turns, String> {
    let (outcomes, trace) = super::taking_turns(instances, &scenario.faults)?;
    Ok(Turns {
        calls: calls(&trace),
        outcomes,
    })
}

/// A run in which the instances take turns: its participant calls in order, and each
/// instance's outcome.
pub struct Turns {
    pub calls: Vec<(u8, Work)>,
    pub outcomes: Vec<crate::scenario::Outcome>,
}

/// The built-in failures the owner of each action may answer instead of applying its
/// effects, as the search decides them: `Locked` (a step's access under `on_locked: fail`
/// to a resource with lock states), `Changed` (an `if_unchanged` whose field some action
/// writes), `WrongState` (a guarded `set`). A compensation answers the last two and gives
/// up. Sorted, each pair once.
pub fn refusals(saga: &crate::model::Saga) -> Vec<(Actor, BuiltinFailure)> {
    let mut out = every_refusal(saga);
    out.retain(|(actor, _)| !matches!(actor, Actor::Trigger | Actor::Reaction(_)));
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
