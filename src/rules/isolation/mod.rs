//! Isolation (language version 2): what a second instance of the saga can do to the data
//! this one touches between its local transactions. These rules read the declared
//! `resources` and `effects` alone, in the saga's forward order; the simulator's
//! invariants (V709-V713) judge the interleavings themselves. They run only on specs with
//! `resources`.

pub mod commutative_overwritten;
pub mod compensation_effects_required;
pub mod compensation_must_wait;
pub mod compensation_overwrites_shared;
pub mod exposed_direction;
pub mod lock_not_released;
pub mod lock_wait_unbounded;
pub mod pending_change_readable;
pub mod read_then_overwrite;
pub mod shared_idempotency_key;
pub mod undeclared_transition;
pub mod unguarded_transition;

use std::collections::HashMap;

use super::Check;
use crate::diagnostic::Rule;
use crate::model::resources::{Actor, Effect, RecordRef};
use crate::model::{Emitter, Handler, Owner, ResourceId, Saga, StepKind};

pub static CHECKS: &[(&Rule, Check)] = &[
    (&read_then_overwrite::RULE, read_then_overwrite::check),
    (
        &compensation_overwrites_shared::RULE,
        compensation_overwrites_shared::check,
    ),
    (
        &pending_change_readable::RULE,
        pending_change_readable::check,
    ),
    (&lock_not_released::RULE, lock_not_released::check),
    (
        &commutative_overwritten::RULE,
        commutative_overwritten::check,
    ),
    (&lock_wait_unbounded::RULE, lock_wait_unbounded::check),
    (&exposed_direction::RULE, exposed_direction::check),
    (&unguarded_transition::RULE, unguarded_transition::check),
    (&undeclared_transition::RULE, undeclared_transition::check),
    (
        &compensation_effects_required::RULE,
        compensation_effects_required::check,
    ),
    (&shared_idempotency_key::RULE, shared_idempotency_key::check),
    (&compensation_must_wait::RULE, compensation_must_wait::check),
];

/// The forward actions in the order a run makes them: the trigger, then the steps by
/// stage (in a choreography, in declaration order), each followed by the reactions to the
/// event it publishes on success (a reaction's handler applies its effects as it handles
/// the event, once per event it consumes).
fn forward(saga: &Saga) -> Vec<Actor> {
    let mut out = vec![Actor::Trigger];
    out.extend(reactions_to(saga, Emitter::Trigger));
    let mut steps: Vec<_> = saga.step_ids().collect();
    steps.sort_by_key(|&id| saga.step(id).stage);
    for id in steps {
        out.push(Actor::Step(id));
        out.extend(reactions_to(saga, Emitter::StepSuccess(id)));
    }
    out
}

/// The reactions that run when `emitter` publishes: those consuming one of its events, in
/// the order the events are first named.
fn reactions_to(saga: &Saga, emitter: Emitter) -> Vec<Actor> {
    saga.events
        .iter()
        .filter(|event| event.emitted_by.iter().any(|&(e, _)| e == emitter))
        .flat_map(|event| &event.consumed_by)
        .filter_map(|&(handler, _)| match handler {
            Handler::Reaction(r) => Some(Actor::Reaction(r)),
            _ => None,
        })
        .collect()
}

/// The effects an action declares (a compensation's default undo is left to the rules
/// about compensations, which point at the step it undoes).
fn declared(saga: &Saga, actor: Actor) -> &[Effect] {
    saga.resources
        .entry(actor)
        .filter(|e| e.declared.is_some())
        .map_or(&[], |e| e.effects.as_slice())
}

/// Whether the action's changes are pending (can still be undone by its compensation):
/// made before the point of no return's stage by a step, or by a trigger with a
/// compensation. A change at or after the point of no return, or by a compensation, is final.
fn pending(saga: &Saga, actor: Actor) -> bool {
    match actor {
        Actor::Trigger => saga.trigger.compensation.is_some(),
        Actor::Step(id) => {
            let step = saga.step(id);
            let before = match saga.point_of_no_return() {
                Some(p) => step.stage < saga.step(p).stage,
                None => true,
            };
            before && step.kind == StepKind::Compensatable
        }
        Actor::Compensation(_) | Actor::Reaction(_) => false,
    }
}

/// The compensation that undoes a forward action.
fn compensation_of(actor: Actor) -> Option<Actor> {
    match actor {
        Actor::Trigger => Some(Actor::Compensation(Owner::Trigger)),
        Actor::Step(id) => Some(Actor::Compensation(Owner::Step(id))),
        _ => None,
    }
}

/// The state each record of one instance is in as the actions apply, by `create` and `set`
/// (their guards assumed to pass): enough to say whether a lock is held at a point.
#[derive(Default)]
struct States<'s> {
    state: HashMap<(ResourceId, &'s str), &'s str>,
}

impl<'s> States<'s> {
    fn apply(&mut self, effects: &'s [Effect]) {
        for e in effects {
            if let Some(to) = &e.to {
                self.state.insert(
                    (e.record.resource, e.record.field.value.as_str()),
                    &to.value,
                );
            }
        }
    }

    fn of(&self, record: &RecordRef) -> Option<&'s str> {
        self.state
            .get(&(record.resource, record.field.value.as_str()))
            .copied()
    }

    /// Whether the record is in one of its resource's lock states.
    fn locked(&self, saga: &Saga, record: &RecordRef) -> bool {
        self.of(record)
            .is_some_and(|s| saga.resources.resource(record.resource).is_lock(s))
    }
}
