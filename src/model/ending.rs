//! Version 2's keys about how a saga ends, resolved: what the deadline does, the outcome
//! the caller gets, the caller's cancellation and the escalation to a human.

use super::{ParticipantId, Setting, StepId};
use crate::source::{Span, Spanned};

/// How a run ends, as the caller's outcome names it. (`stuck` and a run that never ends
/// deliver no outcome.)
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum End {
    Completed,
    Compensated,
    /// Stopped without compensating (`then: terminate`).
    Terminated,
    /// A compensation gave up under `escalate*`: someone was told what is left.
    NeedsAttention,
    /// Compensated after an honoured cancel.
    Cancelled,
}

impl End {
    pub const ALL: [End; 5] = [
        End::Completed,
        End::Compensated,
        End::Terminated,
        End::NeedsAttention,
        End::Cancelled,
    ];

    /// The key under `outcome.values`.
    pub fn as_str(self) -> &'static str {
        match self {
            End::Completed => "completed",
            End::Compensated => "compensated",
            End::Terminated => "terminated",
            End::NeedsAttention => "needs_attention",
            End::Cancelled => "cancelled",
        }
    }

    /// The caller's value when `values` does not say: the end's own name.
    pub fn default_value(self) -> &'static str {
        match self {
            End::Completed => "Completed",
            End::Compensated => "Compensated",
            End::Terminated => "Terminated",
            End::NeedsAttention => "NeedsAttention",
            End::Cancelled => "Cancelled",
        }
    }
}

/// What the saga does when its deadline passes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DeadlineThen {
    Compensate,
    Terminate,
}

/// Until when the deadline applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Applies {
    /// Until the point of no return has succeeded (v1).
    BeforePivot,
    /// Also after it (Step Functions' execution timeout); needs `then: terminate`.
    Always,
}

/// The deadline's handling (`saga.deadline` is when it passes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deadline {
    pub then: Setting<DeadlineThen>,
    pub applies: Setting<Applies>,
    /// With `then: terminate`: the steps whose applied effects are left on purpose.
    pub keeps: Vec<Spanned<StepId>>,
    /// Where `deadline` is written.
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Delivery {
    /// The caller waits for it (a synchronous request, a workflow's result).
    Reply,
    /// Published as `outcome.event`.
    Event,
    /// Written to the trigger's record, polled.
    Status,
}

impl Delivery {
    pub fn as_str(self) -> &'static str {
        match self {
            Delivery::Reply => "reply",
            Delivery::Event => "event",
            Delivery::Status => "status",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum At {
    /// When the run has ended.
    End,
    /// As soon as the end is known: the point of no return's success, or the failure,
    /// deadline or cancel that ends the forward phase.
    Decision,
}

/// The caller's value for one end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutcomeValue {
    pub end: End,
    pub value: String,
    /// Where `values.<end>` is written; `None` for the default.
    pub span: Option<Span>,
}

/// The outcome the caller gets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub delivery: Spanned<Delivery>,
    /// With `delivery: event`.
    pub event: Option<Spanned<String>>,
    /// Who delivers it: the orchestrator's participant, in a choreography the trigger's,
    /// unless `participant` says.
    pub participant: ParticipantId,
    pub participant_span: Option<Span>,
    pub at: Setting<At>,
    /// The fields it carries (trigger data and `failure`).
    pub reads: Vec<Spanned<String>>,
    /// One per [`End`], in [`End::ALL`]'s order.
    pub values: Vec<OutcomeValue>,
    pub span: Span,
}

impl Outcome {
    /// The caller's value for an end.
    pub fn value(&self, end: End) -> &OutcomeValue {
        // `values` holds every end in `End::ALL`'s order.
        &self.values[end as usize]
    }
}

/// Until when the caller's cancel is honoured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CancelUntil {
    /// Until the point of no return has succeeded (`until: pivot`, the default).
    PointOfNoReturn,
    /// Until this step's command is sent.
    Step(StepId),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Late {
    /// Answered `too_late`.
    Refuse,
    /// Not answered.
    Ignore,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CancelCompensations {
    /// A cancel never stops a compensation (a detached scope).
    Detached,
    /// The cancel cancels the compensations too: none runs.
    Cancelled,
}

/// Orchestration: the caller may cancel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cancellation {
    pub until: Setting<CancelUntil>,
    pub late: Setting<Late>,
    pub compensations: Setting<CancelCompensations>,
    pub span: Span,
}

/// Who is told when a compensation gives up under `escalate*`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Escalation {
    pub participant: ParticipantId,
    pub participant_span: Span,
    pub action: Spanned<String>,
    /// Choreography: the event a compensation that gives up publishes.
    pub event: Option<Spanned<String>>,
    pub span: Span,
}
