//! A trigger the records refuse (`docs/isolation.md`, "A trigger refused"). The trigger's
//! local transaction is the request that starts the saga (FTGO's `OrderService.cancel()`
//! calling `Order.cancel()`): when its record is locked by another instance under
//! `on_locked: fail`, or its `set`'s guard refuses, the owner applies nothing and answers
//! the built-in failure (`Locked`, `WrongState`) at once. No event is published and the
//! saga never starts: there is nothing to compensate, so the instance ends `compensated`,
//! and a saga with an `outcome` tells its caller so (its `compensated` value), which is
//! what an Eventuate user's REST caller gets: the request refused with its reason.

use crate::model::{BuiltinFailure, End, Saga};

use super::super::Outcome;
use super::super::action::{Action, ActionKind, FailureName, Party, StepResult, Work};
use super::joint::Joint;
use super::product::Move;

/// Instance `i`'s trigger refused with `failure`: nothing in flight, nothing ran, and the
/// instance marked as never started.
pub(super) fn refused(saga: &Saga, joint: &Joint, i: u8, failure: BuiltinFailure) -> Move {
    let mut states = joint.states.clone();
    states[usize::from(i)].pending.clear();
    Move {
        joint: Joint {
            states,
            records: joint.records.clone(),
            late: joint.late.clone(),
            applied_late: joint.applied_late.clone(),
            refused: joint.refused | (1 << i),
            redelivered: joint.redelivered.clone(),
        },
        actions: refused_actions(saga, failure)
            .into_iter()
            .map(|a| (i, a))
            .collect(),
        broken: Vec::new(),
        visible: true,
        notes: Vec::new(),
    }
}

/// What the refusal does, in the run's words: the trigger fails with the built-in failure,
/// and the caller is told (with an `outcome`).
fn refused_actions(saga: &Saga, failure: BuiltinFailure) -> Vec<Action> {
    let participant = saga.trigger.participant;
    let mut out = vec![Action::local(
        participant,
        ActionKind::Run {
            work: Work::Trigger,
            result: StepResult::FailedAs {
                failure: FailureName::Builtin(failure),
                applied: false,
            },
        },
    )];
    if saga.outcome.is_some() {
        out.push(Action {
            from: Party::Participant(participant),
            to: Party::Caller,
            kind: ActionKind::Tell {
                end: End::Compensated,
            },
        });
    }
    out
}

/// The outcome of an instance whose trigger was refused.
pub(super) const REFUSED_OUTCOME: Outcome = Outcome::Compensated;
