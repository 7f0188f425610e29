//! Which language version 2 features the std runtime implements. The semantics of every
//! feature live in `scenario/`; this says only which of them the generated state machine,
//! driver and tests carry out so far. `sagac codegen` refuses a spec that uses any other,
//! naming it, rather than generate a crate that runs it with version 1's semantics.

use crate::model::{At, Coordination, FailureThen, Jitter, Key, Saga};
use crate::scenario::Unsupported;

/// The first version 2 feature (by its place in the spec) the std runtime does not
/// implement for this saga, if it uses one.
///
/// Implemented so far, in an orchestration: `outcome` delivered at the end (`at: end`,
/// the default), whose value `Outcome::caller_value` gives and the tests assert; and a
/// step's `failures` in the long form with `then: compensate` or `then: terminate` (and
/// `keeps`), without a failure class of its own (`then: retry`) or a built-in name; and a
/// compensation's `runs_for` in a saga without a deadline; what a compensation receives
/// (`reads_if_present`, `absent_effect`, `transactional`, the `failure` field); and
/// `on_failure` with `escalation`; a compensation's `timeout`; and
/// `compensation_defaults` without a retry budget or jitter.
pub fn unsupported(saga: &Saga) -> Option<Unsupported> {
    let orchestration = saga.coordination == Coordination::Orchestration;
    saga.features
        .iter()
        .find(|f| !(orchestration && implemented(saga, f.key)))
        .map(|f| Unsupported {
            key: f.key,
            span: f.span,
        })
}

fn implemented(saga: &Saga, key: Key) -> bool {
    match key {
        // `at: decision` answers before compensations finish: not implemented yet.
        Key::Outcome => saga.outcome.as_ref().is_some_and(|o| o.at.value == At::End),
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
        // Not with a deadline: the driver fails a step the deadline stops before its
        // command goes out, which `any_attempt` must tell from a failed attempt.
        Key::RunsFor => saga.deadline.is_none(),
        // The compensation's inputs (`compensation_context.rs`).
        Key::ReadsIfPresent | Key::AbsentEffect | Key::Transactional => true,
        // What a compensation that gives up does (`escalation.rs`).
        Key::OnFailure | Key::Escalation => true,
        // `comptimeout:` is played by the tests (`compensation_timeout.rs`).
        Key::CompensationTimeout => true,
        // The defaults are resolved into each compensation; a retry budget or jitter in
        // them is not implemented yet.
        Key::CompensationDefaults => saga
            .compensations()
            .all(|(_, c)| c.retry.within.is_none() && c.retry.jitter == Jitter::None),
        _ => false,
    }
}
