//! Which language version 2 features the Restate runtime implements: in an orchestration,
//! those of the std runtime's state machine that the workflow runs (the caller's `outcome`
//! delivered at the end, `then: terminate` with `keeps`, a compensation's `runs_for`), each
//! under its own conditions here and the std runtime's (`codegen::unsupported_v2`): what the
//! std state machine comes to implement is not run by the workflow until it is listed here.
//! A choreography on Restate implements none yet. `sagac codegen --runtime restate` refuses
//! any other by name.

use crate::model::{At, Coordination, FailureThen, Key, Saga};
use crate::scenario::Unsupported;

/// Whether the workflow carries out this version 2 key as the saga writes it, in an
/// orchestration.
fn implemented(saga: &Saga, key: Key) -> bool {
    match key {
        // The workflow answers the caller when it returns: not at the decision.
        Key::Outcome => saga.outcome.as_ref().is_some_and(|o| o.at.value == At::End),
        // Compensate or terminate on a declared failure; not a failure class of its own
        // (`then: retry`) or a built-in name.
        Key::FailureLongForm => saga.steps.iter().all(|s| {
            s.failure_handling.iter().all(|f| {
                f.builtin.is_none()
                    && f.retry.is_none()
                    && matches!(
                        f.then.value,
                        FailureThen::Compensate | FailureThen::Terminate
                    )
            })
        }),
        Key::RunsFor => saga.deadline.is_none(),
        _ => false,
    }
}

/// The first version 2 feature (by its place in the spec) the Restate runtime does not
/// implement for this saga, if it uses one.
pub fn unsupported_v2(saga: &Saga) -> Option<Unsupported> {
    let orchestration = saga.coordination == Coordination::Orchestration;
    let own = saga
        .features
        .iter()
        .find(|f| !(orchestration && implemented(saga, f.key)))
        .map(|f| Unsupported {
            key: f.key,
            span: f.span,
        });
    // The state machine is the std runtime's: what it does not implement, neither does
    // the workflow (an `outcome` at the decision, a failure class retried, ...).
    let machine = super::super::unsupported_v2(saga);
    [own, machine]
        .into_iter()
        .flatten()
        .min_by_key(|u| u.span.start)
}
