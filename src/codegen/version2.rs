//! Which language version 2 features the std runtime implements. The semantics of every
//! feature live in `scenario/`; this says only which of them the generated state machine,
//! driver and tests carry out so far. `sagac codegen` refuses a spec that uses any other,
//! naming it, rather than generate a crate that runs it with version 1's semantics.

use crate::model::{Coordination, FailureThen, Key, Saga};
use crate::scenario::{FaultKind, Unsupported};

/// The first version 2 feature (by its place in the spec) the std runtime does not
/// implement for this saga, if it uses one.
///
/// Implemented so far, in an orchestration: `outcome` delivered at the end (`at: end`,
/// the default) or at the decision, whose value `Outcome::caller_value` gives and the
/// tests assert; a step's `failures` in the long form (`then: compensate`, `terminate`
/// with `keeps`, or `retry` with its own policy; a built-in name, `TimedOut` or
/// `Exhausted`, with `then: compensate` or `terminate`); a compensation's `runs_for`; the
/// deadline in the long form; `cancellation`; `on_uncaught`; `retry.within` (the attempts
/// it allows are the policy's `max_attempts`) and `jitter`; what a compensation receives
/// (`reads_if_present`, `absent_effect`, `transactional`, the `failure` field);
/// `on_failure` with `escalation`; a compensation's `timeout`;
/// `compensation_defaults` (its `retry.within` and `jitter` included); and isolation's
/// `resources`, `effects` and `isolation` (`resources.rs`).
pub fn unsupported(saga: &Saga) -> Option<Unsupported> {
    let orchestration = saga.coordination == Coordination::Orchestration;
    saga.features
        .iter()
        .find(|f| {
            !if orchestration {
                implemented(saga, f.key)
            } else if matches!(f.key, Key::Resources | Key::Effects | Key::Isolation) {
                // Isolation in both styles: `resources.rs` (a choreography's part:
                // `choreography_isolation.rs`).
                super::resources::implemented(saga)
            } else {
                // A choreography's list: `choreography_v2.rs`.
                super::choreography_v2::implemented(saga, f.key)
            }
        })
        .map(|f| Unsupported {
            key: f.key,
            span: f.span,
        })
}

fn implemented(saga: &Saga, key: Key) -> bool {
    match key {
        // `at: end`, and `at: decision` (`decision.rs`).
        Key::Outcome => true,
        Key::FailureLongForm => saga.steps.iter().all(|s| {
            s.failure_handling.iter().all(|f| {
                // A built-in name (`TimedOut`, `Exhausted`) may compensate or terminate.
                let builtin_ok = f.builtin.is_none() || f.then.value != FailureThen::Retry;
                builtin_ok && (f.retry.is_none() || f.then.value == FailureThen::Retry)
            })
        }),
        // `Saga::on_deadline` does not count the attempt of a command that never went out.
        Key::RunsFor => true,
        // `then: compensate` or `terminate`, `applies`, `keeps` (`deadline.rs`).
        Key::DeadlineLongForm => true,
        // `until`, `late`, `compensations` (`cancel.rs`).
        Key::Cancellation => true,
        // Every value (`uncaught.rs`); `compensate` on a retriable step is one transient
        // failure, retried, as the simulator retries it (the contract's detail 4).
        Key::OnUncaught => true,
        // The model caps `max_attempts` by the attempts that start within the budget.
        Key::RetryWithin => true,
        // `RetryPolicy { within, jitter }` (`jitter.rs`).
        Key::RetryJitter => true,
        // The compensation's inputs (`compensation_context.rs`).
        Key::ReadsIfPresent | Key::AbsentEffect | Key::Transactional => true,
        // What a compensation that gives up does (`escalation.rs`).
        Key::OnFailure | Key::Escalation => true,
        // `comptimeout:` is played by the tests (`compensation_timeout.rs`).
        Key::CompensationTimeout => true,
        // Resolved into each compensation by the model, its `retry` too: `within` (the
        // attempts that start within it are the policy's `max_attempts`) and `jitter` are
        // in each compensation's `RetryPolicy`, as a step's are (`jitter.rs`).
        Key::CompensationDefaults => true,
        // Isolation (`resources.rs`; the tests' `RecordStore`, `isolation_tests.rs`), for
        // untyped data, where the simulator runs it, and while a built-in isolation
        // failure listed in `failures` keeps its default (`then: compensate`).
        Key::Resources | Key::Effects | Key::Isolation => super::resources::implemented(saga),
        _ => false,
    }
}

/// The fault kinds whose scenarios the generated tests play: version 1's seven, and for a
/// version 2 orchestration those of its own the std runtime implements (`comptimeout:`
/// where a compensation has a `timeout`).
pub fn fault_kinds(saga: &Saga) -> Vec<FaultKind> {
    let mut kinds = FaultKind::ALL.to_vec();
    if saga.is_v2() && saga.coordination == Coordination::Orchestration {
        kinds.extend([
            FaultKind::Uncaught,
            FaultKind::Outage,
            FaultKind::Deadline,
            FaultKind::Cancel,
        ]);
        if super::compensation_timeout::with_timeout(saga) {
            kinds.push(FaultKind::CompTimeout);
        }
    } else if saga.is_v2() {
        // A choreography (`choreography_v2.rs`): a handler's error nobody declared, and the
        // deadline the events carry (`choreography_deadline.rs`).
        kinds.extend([FaultKind::Uncaught, FaultKind::Deadline]);
        // A compensation's attempt that times out (`choreography_timeout.rs`).
        if super::compensation_timeout::with_timeout(saga) {
            kinds.push(FaultKind::CompTimeout);
        }
    }
    kinds
}
