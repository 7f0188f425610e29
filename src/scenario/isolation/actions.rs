//! Which actions of the saga a machine transition ran, read from the actions it made and
//! the difference of its machine's states: the effects the isolation product applies for
//! it, the participants that handled a message (and read the records to decide), and the
//! commands whose sender stopped waiting while they were parked.

use crate::model::resources::Actor;
use crate::model::{Owner, Saga, StepId};

use super::super::action::{Action, ActionKind, StepResult, Work};
use super::super::machine::State;

/// The actions whose effects a machine transition applied, in order: the trigger, the
/// steps (an effect applied, or a read-only step that answered), the compensations, the
/// reactions (a choreography's handler that ran; a duplicate applies nothing again).
pub(super) fn ran(saga: &Saga, before: &State, after: &State, actions: &[Action]) -> Vec<Actor> {
    let mut out = Vec::new();
    if !before.trigger_ran && after.trigger_ran {
        out.push(Actor::Trigger);
    }
    for s in saga.step_ids() {
        let k = s.index();
        let applied = if saga.step(s).has_effect() {
            after.steps[k].applied > before.steps[k].applied
        } else {
            actions.iter().any(|a| read_answered(a, s))
        };
        if applied {
            out.push(Actor::Step(s));
        }
    }
    for (k, (b, a)) in before.comp_runs().zip(after.comp_runs()).enumerate() {
        if a > b {
            let owner = if k == 0 {
                Owner::Trigger
            } else {
                Owner::Step(StepId::new(k - 1))
            };
            out.push(Actor::Compensation(owner));
        }
    }
    out.extend(actions.iter().filter_map(|a| match a.kind {
        ActionKind::Run {
            work: Work::Reaction(r),
            result: StepResult::Success,
        } => Some(Actor::Reaction(r)),
        _ => None,
    }));
    out
}

/// The actions whose participant handled a message in this transition.
pub(super) fn handled(actions: &[Action]) -> Vec<Actor> {
    actions
        .iter()
        .filter_map(|a| match a.kind {
            ActionKind::Reply { work, .. }
            | ActionKind::Duplicate { work, .. }
            | ActionKind::Run { work, .. }
            | ActionKind::NoAnswer { work, .. } => match work {
                Work::Trigger => Some(Actor::Trigger),
                Work::Step(s) => Some(Actor::Step(s)),
                Work::Compensation(o) => Some(Actor::Compensation(o)),
                Work::Reaction(r) => Some(Actor::Reaction(r)),
            },
            _ => None,
        })
        .collect()
}

/// The steps whose sender stopped waiting for an answer that did not come, the effect not
/// applied (in doubt under `timeout:`).
pub(super) fn gave_up_waiting(actions: &[Action]) -> Vec<StepId> {
    // A participant that is down or swallows the command stashes nothing.
    let unheard = |s: StepId| {
        actions
            .iter()
            .any(|a| matches!(a.kind, ActionKind::NoAnswer { work: Work::Step(w), .. } if w == s))
    };
    actions
        .iter()
        .filter_map(|a| match a.kind {
            ActionKind::Reply {
                work: Work::Step(s),
                result: StepResult::TimedOut { applied: false },
            } if !unheard(s) => Some(s),
            _ => None,
        })
        .collect()
}

/// A read-only step ran: its participant answered (or answered too late), or, in a
/// choreography, its handler's local transaction succeeded. A duplicate of it is ignored by
/// the participant (the machine's words), so it reads nothing again.
fn read_answered(action: &Action, s: StepId) -> bool {
    match action.kind {
        ActionKind::Reply {
            work: Work::Step(w),
            result: StepResult::Success | StepResult::TimedOut { applied: true },
        }
        | ActionKind::Run {
            work: Work::Step(w),
            result: StepResult::Success,
        } => w == s,
        _ => false,
    }
}
