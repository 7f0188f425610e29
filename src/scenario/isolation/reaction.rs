//! A choreography's reaction with `effects` (`docs/isolation.md`, "In a choreography"). Its
//! handler's local transaction applies them as it handles its event, as a step's does; its
//! changes are final at once (a reaction has no compensation, so nothing it does is ever
//! undone: it causes no dirty read). Meeting another instance's lock under `wait`, the
//! event stays with the broker until the lock is released; under `fail`, or when its guard
//! or version check refuses, the handler applies nothing and acknowledges the event: the
//! reaction is dropped, and the trace says so (`ApproveOrder fails with WrongState
//! (reaction)`). A guard meeting its own `to` is a repeat, and succeeds (contract §2).

use crate::model::{BuiltinFailure, ReactionId};

use super::super::action::{Action, ActionKind, FailureName, StepResult, Work};

/// The machine's action, or, for a reaction the records refused, its refusal.
pub(super) fn dropped(action: Action, dropped: &[(ReactionId, BuiltinFailure)]) -> Action {
    let ActionKind::Run {
        work: Work::Reaction(r),
        result: StepResult::Success,
    } = action.kind
    else {
        return action;
    };
    match dropped.iter().find(|(d, _)| *d == r) {
        Some(&(_, failure)) => Action {
            kind: ActionKind::Run {
                work: Work::Reaction(r),
                result: StepResult::FailedAs {
                    failure: FailureName::Builtin(failure),
                    applied: false,
                },
            },
            ..action
        },
        None => action,
    }
}
