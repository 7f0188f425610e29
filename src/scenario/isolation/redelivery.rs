//! `then: retry` of a built-in isolation failure in a choreography (`docs/isolation.md`,
//! "In a choreography"). A handler whose local transaction the records refuse (`Locked`,
//! `Changed`, `WrongState`) under a `then: retry` entry throws instead of announcing the
//! failure, and the broker redelivers the event (Eventuate Tram's redelivery of an event
//! whose handler failed): nothing is applied, the event stays in flight, and each refused
//! delivery spends an attempt of the entry's policy (the step's, without one). The records
//! may change between deliveries (another instance releases its lock, or moves the record
//! into the guard's `from`), and a later delivery applies. The redelivered event carries
//! the same data, so a `Changed` (the version the event carries is stale) is refused again
//! at every delivery. On its last attempt the refusal is announced as without `then:
//! retry` (the step's failure event). Under an unlimited policy the event is redelivered
//! for ever while the records refuse: if they never change, the saga never ends
//! (`termination`).

use crate::model::{BuiltinFailure, FailureThen, Saga, StepId};

use super::super::action::{Action, ActionKind, FailureName, StepResult, Work};
use super::joint::Joint;
use super::product::{Move, Product};

/// A machine transition as the product makes it.
pub(super) enum Made {
    /// As the machine made it.
    Machine(super::super::machine::Next),
    /// The event redelivered later: nothing applied, an attempt spent.
    Redelivered(Move),
    /// Redelivered for ever while the records refuse the step with this failure: no move
    /// until they change.
    Forever(StepId, BuiltinFailure),
}

/// What the product does with a machine transition that refused a step by the records.
pub(super) enum Redelivery {
    /// Not a refused delivery under `then: retry`: the transition as the machine made it.
    No,
    /// The handler throws: the event is redelivered later, this being attempt `attempt`.
    Again { step: StepId, attempt: u32 },
    /// Redelivered for ever while the records refuse: no move until they change.
    Forever {
        step: StepId,
        failure: BuiltinFailure,
    },
}

/// Whether `actions` (one machine transition of a choreography) are a delivery the records
/// refused for a step that retries that failure, and what follows; `used`: the refused
/// deliveries of each step so far.
pub(super) fn of(saga: &Saga, actions: &[Action], used: impl Fn(StepId) -> u8) -> Redelivery {
    let Some((step, failure)) = actions.iter().find_map(|a| match a.kind {
        ActionKind::Run {
            work: Work::Step(s),
            result:
                StepResult::FailedAs {
                    failure: FailureName::Builtin(b),
                    applied: false,
                },
        } if matches!(
            b,
            BuiltinFailure::Locked | BuiltinFailure::Changed | BuiltinFailure::WrongState
        ) =>
        {
            Some((s, b))
        }
        _ => None,
    }) else {
        return Redelivery::No;
    };
    let s = saga.step(step);
    let Some(entry) = s
        .failure_handling
        .iter()
        .find(|f| f.builtin == Some(failure) && f.then.value == FailureThen::Retry)
    else {
        return Redelivery::No;
    };
    let policy = entry.retry.as_ref().unwrap_or(&s.retry);
    let attempt = u64::from(used(step)) + 1;
    match policy.max_attempts.limit() {
        None => Redelivery::Forever { step, failure },
        Some(n) if attempt < n.min(u64::from(u8::MAX)) => Redelivery::Again {
            step,
            attempt: attempt as u32,
        },
        Some(_) => Redelivery::No,
    }
}

/// The transition's actions up to the refusal (the delivery, then the handler's refused
/// transaction), the refusal replaced by a transient failure that is retried: what the
/// machine did after it (announcing the failure) does not happen.
pub(super) fn redelivered(mut actions: Vec<Action>, step: StepId, attempt: u32) -> Vec<Action> {
    let refusal = actions.iter().position(|a| {
        matches!(a.kind, ActionKind::Run { work: Work::Step(s), result: StepResult::FailedAs { .. } } if s == step)
    });
    if let Some(at) = refusal {
        actions.truncate(at + 1);
        actions[at].kind = ActionKind::Run {
            work: Work::Step(step),
            result: StepResult::Transient { attempt },
        };
    }
    actions
}

impl Product<'_> {
    /// A machine transition of `i` as the product makes it: as the machine made it, or, for
    /// a delivery the records refused under `then: retry` in a choreography, the event
    /// redelivered later, or no move until the records change.
    pub(super) fn redelivery(
        &self,
        joint: &Joint,
        i: u8,
        next: super::super::machine::Next,
    ) -> Made {
        let saga = self.sagas[usize::from(i)];
        if saga.coordination != crate::model::Coordination::Choreography {
            return Made::Machine(next);
        }
        let used = |s: StepId| {
            joint
                .redelivered
                .iter()
                .find(|&&(j, t, _)| j == i && t == s)
                .map_or(0, |&(_, _, n)| n)
        };
        match of(saga, &next.actions, used) {
            Redelivery::No => Made::Machine(next),
            Redelivery::Forever { step, failure } => Made::Forever(step, failure),
            Redelivery::Again { step, attempt } => {
                let mut counts = joint.redelivered.clone();
                counts.retain(|&(j, t, _)| !(j == i && t == step));
                counts.push((i, step, used(step).saturating_add(1)));
                counts.sort();
                // The handler read the records to decide: visible to the other instances.
                Made::Redelivered(Move {
                    joint: Joint {
                        redelivered: counts,
                        ..joint.clone()
                    },
                    actions: redelivered(next.actions, step, attempt)
                        .into_iter()
                        .map(|a| (i, a))
                        .collect(),
                    broken: Vec::new(),
                    visible: true,
                    notes: Vec::new(),
                })
            }
        }
    }
}
