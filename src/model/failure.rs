//! Version 2's failure handling, resolved: what a step does with each failure it declares
//! and with an error it does not, and what a compensation undoes and does when it gives
//! up. Every value has its default applied (the v1 behaviour) and its [`Origin`].
//!
//! [`Origin`]: super::Origin

use super::{Retry, Setting, StepId};
use crate::source::{Span, Spanned};

/// The failure names the language gives a meaning of its own (`failure.name` says which
/// ended the forward phase). `TimedOut`, `Exhausted` and the isolation failures (`Locked`,
/// `Changed`, `WrongState`) may be listed in a step's `failures`, in the long form, to
/// change their handling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum BuiltinFailure {
    /// An in-doubt step that gets no answer in time.
    TimedOut,
    /// Transient attempts run out.
    Exhausted,
    /// An error the spec does not list (`on_uncaught: compensate`).
    Uncaught,
    /// The deadline passed.
    DeadlinePassed,
    /// The caller cancelled.
    Cancelled,
    /// Isolation: another instance holds the record in a lock state (`on_locked: fail`).
    Locked,
    /// Isolation: the record changed since the instance observed it (`if_unchanged`).
    Changed,
    /// Isolation: a `set`'s guard refused, the record not in a `from` state.
    WrongState,
}

impl BuiltinFailure {
    pub const ALL: [BuiltinFailure; 8] = [
        BuiltinFailure::TimedOut,
        BuiltinFailure::Exhausted,
        BuiltinFailure::Uncaught,
        BuiltinFailure::DeadlinePassed,
        BuiltinFailure::Cancelled,
        BuiltinFailure::Locked,
        BuiltinFailure::Changed,
        BuiltinFailure::WrongState,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            BuiltinFailure::TimedOut => "TimedOut",
            BuiltinFailure::Exhausted => "Exhausted",
            BuiltinFailure::Uncaught => "Uncaught",
            BuiltinFailure::DeadlinePassed => "DeadlinePassed",
            BuiltinFailure::Cancelled => "Cancelled",
            BuiltinFailure::Locked => "Locked",
            BuiltinFailure::Changed => "Changed",
            BuiltinFailure::WrongState => "WrongState",
        }
    }

    pub fn from_name(name: &str) -> Option<BuiltinFailure> {
        BuiltinFailure::ALL.into_iter().find(|b| b.as_str() == name)
    }

    /// Whether a step may list it (in the long form) to change its handling.
    pub fn may_be_listed(self) -> bool {
        matches!(
            self,
            BuiltinFailure::TimedOut
                | BuiltinFailure::Exhausted
                | BuiltinFailure::Locked
                | BuiltinFailure::Changed
                | BuiltinFailure::WrongState
        )
    }
}

/// What a declared failure does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FailureThen {
    /// The saga compensates (v1).
    Compensate,
    /// The saga stops at once: no further step, no compensation; `keeps` names the
    /// effects left on purpose.
    Terminate,
    /// A transient class, retried under the failure's own policy; running out counts as
    /// v1's exhausted retries.
    Retry,
}

impl FailureThen {
    pub fn as_str(self) -> &'static str {
        match self {
            FailureThen::Compensate => "compensate",
            FailureThen::Terminate => "terminate",
            FailureThen::Retry => "retry",
        }
    }
}

/// One entry of a step's `failures`, with its handling.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub name: Spanned<String>,
    /// `TimedOut` or `Exhausted` listed to change their handling; `None` for a business
    /// failure.
    pub builtin: Option<BuiltinFailure>,
    pub then: Setting<FailureThen>,
    /// With `then: retry`: the class's policy (its own `retry`, else the step's).
    pub retry: Option<Retry>,
    /// With `then: terminate`: the steps whose applied effects are left on purpose.
    pub keeps: Vec<Spanned<StepId>>,
    /// The entry (its name in the short form, its mapping in the long one).
    pub span: Span,
}

/// A failure event of a choreography step's `emits.failure` map.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailureEvent {
    /// A declared failure, `Exhausted` or `Uncaught`.
    pub failure: Spanned<String>,
    pub event: Spanned<String>,
}

/// What an error that no step declares does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OnUncaught {
    /// It becomes the failure `Uncaught`, handled like a declared failure.
    Compensate,
    /// A transient error, retried under the step's `retry`.
    Retry,
    /// Swallowed: nothing is answered or published; the coordinator waits.
    NoReply,
    /// The execution fails: nothing compensated, nothing kept.
    Terminate,
}

impl OnUncaught {
    pub fn as_str(self) -> &'static str {
        match self {
            OnUncaught::Compensate => "compensate",
            OnUncaught::Retry => "retry",
            OnUncaught::NoReply => "no_reply",
            OnUncaught::Terminate => "terminate",
        }
    }

    /// The default of an orchestration run by `engine` (none: hand-written): what the
    /// engine does with an error its workflow does not catch. A choreography's handler
    /// that throws leaves its message unacknowledged, so the broker redelivers it: `retry`.
    pub fn engine_default(engine: Option<&str>) -> OnUncaught {
        match engine {
            Some("temporal" | "restate" | "conductor") => OnUncaught::Retry,
            Some("step_functions") => OnUncaught::Terminate,
            _ => OnUncaught::NoReply,
        }
    }
}

/// Which attempts of its step a compensation undoes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RunsFor {
    /// Only a step that succeeded (registered after the call).
    Success,
    /// A step that succeeded or is in doubt (v1).
    PossibleEffect,
    /// A step that was sent at all: succeeded, in doubt or failed (registered before the
    /// call).
    AnyAttempt,
}

impl RunsFor {
    pub fn as_str(self) -> &'static str {
        match self {
            RunsFor::Success => "success",
            RunsFor::PossibleEffect => "possible_effect",
            RunsFor::AnyAttempt => "any_attempt",
        }
    }

    /// Whether it runs for a step whose command may or may not have been applied.
    pub fn covers_in_doubt(self) -> bool {
        self != RunsFor::Success
    }
}

/// What a compensation does on an effect that never happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AbsentEffect {
    /// Succeeds quietly (v1).
    Ignore,
    /// Fails terminally and gives up at once.
    Fail,
}

impl AbsentEffect {
    pub fn as_str(self) -> &'static str {
        match self {
            AbsentEffect::Ignore => "ignore",
            AbsentEffect::Fail => "fail",
        }
    }
}

/// What happens when a compensation gives up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OnFailure {
    /// Later compensations never run; the run ends `stuck` (v1).
    Stuck,
    /// Later compensations run; the effect is left, nobody told.
    Continue,
    /// Later compensations run; the escalation is told what is left.
    Escalate,
    /// The escalation is told at once; later compensations never run.
    EscalateAndStop,
}

impl OnFailure {
    pub fn as_str(self) -> &'static str {
        match self {
            OnFailure::Stuck => "stuck",
            OnFailure::Continue => "continue",
            OnFailure::Escalate => "escalate",
            OnFailure::EscalateAndStop => "escalate_and_stop",
        }
    }

    /// Whether giving up tells the escalation.
    pub fn escalates(self) -> bool {
        matches!(self, OnFailure::Escalate | OnFailure::EscalateAndStop)
    }

    /// Whether the compensations after this one still run when it gives up.
    pub fn later_compensations_run(self) -> bool {
        matches!(self, OnFailure::Continue | OnFailure::Escalate)
    }
}
