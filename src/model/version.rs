//! The language version a spec is written in, and the version 2 keys it uses (what a
//! version 1 spec may not write, and what the scenarios must know to run the spec).

use crate::source::Span;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Version {
    V1,
    V2,
}

/// A version 2 key (or form) written in a spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Key {
    CompensationDefaults,
    Escalation,
    OnUncaught,
    /// `deadline: { after, then, applies, keeps }`.
    DeadlineLongForm,
    Outcome,
    Cancellation,
    /// A `failures` entry written `{ name, then, retry, keeps }`.
    FailureLongForm,
    Transactional,
    /// `emits.failure` written as a map from each failure to its event.
    FailureEventMap,
    ReadsIfPresent,
    RunsFor,
    AbsentEffect,
    OnFailure,
    /// A compensation's `timeout`.
    CompensationTimeout,
    RetryWithin,
    RetryJitter,
    /// Isolation: `resources`, `effects` on an action, `isolation`.
    Resources,
    Effects,
    Isolation,
}

impl Key {
    /// The key as written (its last part for nested keys: `runs_for`, `within`).
    pub fn as_str(self) -> &'static str {
        match self {
            Key::CompensationDefaults => "compensation_defaults",
            Key::Escalation => "escalation",
            Key::OnUncaught => "on_uncaught",
            Key::DeadlineLongForm => "deadline",
            Key::Outcome => "outcome",
            Key::Cancellation => "cancellation",
            Key::FailureLongForm => "failures",
            Key::Transactional => "transactional",
            Key::FailureEventMap => "failure",
            Key::ReadsIfPresent => "reads_if_present",
            Key::RunsFor => "runs_for",
            Key::AbsentEffect => "absent_effect",
            Key::OnFailure => "on_failure",
            Key::CompensationTimeout => "timeout",
            Key::RetryWithin => "within",
            Key::RetryJitter => "jitter",
            Key::Resources => "resources",
            Key::Effects => "effects",
            Key::Isolation => "isolation",
        }
    }
}

impl Key {
    /// How a sentence names it: `` `runs_for` ``, `the long form of `deadline``.
    pub fn describe(self) -> String {
        match self {
            Key::DeadlineLongForm => "the long form of `deadline`".to_owned(),
            Key::FailureLongForm => "a `failures` entry in the long form".to_owned(),
            Key::FailureEventMap => "`emits.failure` as a map".to_owned(),
            Key::CompensationTimeout => "a compensation's `timeout`".to_owned(),
            Key::RetryWithin => "`retry.within`".to_owned(),
            Key::RetryJitter => "`retry.jitter`".to_owned(),
            _ => format!("`{}`", self.as_str()),
        }
    }
}

/// Where a version 2 key is written: at its key (or, for a long form, at the entry).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Feature {
    pub key: Key,
    pub span: Span,
}
