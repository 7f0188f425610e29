//! Which language version 2 features the execution semantics implement: every one in an
//! orchestration, every one but `cancellation` (R103) in a choreography. Where a feature's semantics are not written,
//! `simulate`, `diagram` and `grade` refuse a spec that uses it instead of running it with
//! version 1's semantics, and `check` leaves out its simulation (V7xx); `check`'s static
//! rules read every feature. `codegen`'s runtimes say what they implement
//! (`codegen::unsupported_v2`, `codegen::restate::unsupported_v2`). A version 2 spec that
//! writes no version 2 key runs as version 1 does.

use crate::model::{Coordination, Key, Saga};
use crate::source::Span;

/// The version 2 keys whose semantics the scenarios implement in an orchestration.
const IMPLEMENTED: &[Key] = &[
    Key::FailureEventMap,
    Key::CompensationDefaults,
    Key::Escalation,
    Key::OnUncaught,
    Key::DeadlineLongForm,
    Key::Outcome,
    Key::Cancellation,
    Key::FailureLongForm,
    Key::Transactional,
    Key::ReadsIfPresent,
    Key::RunsFor,
    Key::AbsentEffect,
    Key::OnFailure,
    Key::CompensationTimeout,
    Key::RetryWithin,
    Key::RetryJitter,
];

/// Whether a choreography runs `key` as written: every version 2 key but `cancellation`,
/// which a choreography has no coordinator to receive (R103 reports it).
fn in_choreography(key: Key) -> bool {
    key != Key::Cancellation
}

/// A version 2 feature a spec uses and the scenarios do not implement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unsupported {
    pub key: Key,
    /// Where the spec writes it.
    pub span: Span,
}

impl Unsupported {
    /// `` `on_failure` (language version 2) ``.
    pub fn describe(&self) -> String {
        format!("{} (language version 2)", self.key.describe())
    }
}

/// The first version 2 feature (by its place in the spec) whose semantics are not
/// implemented, if the saga uses one.
pub fn unsupported(saga: &Saga) -> Option<Unsupported> {
    unsupported_but(saga, &[])
}

/// [`unsupported`] for the isolation simulation (`scenario::isolation`), which runs the
/// isolation keys themselves (and refuses, in its own words, the parts of them it does
/// not implement yet).
pub fn unsupported_besides_isolation(saga: &Saga) -> Option<Unsupported> {
    unsupported_but(saga, &[Key::Resources, Key::Effects, Key::Isolation])
}

fn unsupported_but(saga: &Saga, run_elsewhere: &[Key]) -> Option<Unsupported> {
    let choreography = saga.coordination == Coordination::Choreography;
    saga.features
        .iter()
        .filter(|f| !run_elsewhere.contains(&f.key))
        .find(|f| !IMPLEMENTED.contains(&f.key) || (choreography && !in_choreography(f.key)))
        .map(|f| Unsupported {
            key: f.key,
            span: f.span,
        })
}
