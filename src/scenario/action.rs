//! What happens in a run, one message or local transaction at a time: what a trace prints
//! and what a sequence diagram draws (`from ->> to: text`).

use crate::model::{
    BuiltinFailure, End, EventId, Handler, Owner, ParticipantId, ReactionId, Saga, StepId,
};

use super::Outcome;
use super::fault::owner_name;
use super::wording::{Voice, words};

/// Who sends or does something.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Party {
    Participant(ParticipantId),
    /// The orchestration's coordinator (hosted by `Saga::orchestrator.participant`).
    Orchestrator,
    /// Version 2: whoever started the saga and waits for its outcome (drawn only with
    /// `outcome` or `cancellation`).
    Caller,
}

impl Party {
    pub fn name(self, saga: &Saga) -> String {
        match self {
            Party::Participant(p) => saga.participant(p).name.value.clone(),
            Party::Orchestrator => "orchestrator".to_owned(),
            Party::Caller => "caller".to_owned(),
        }
    }
}

/// A unit of work a participant runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Work {
    Trigger,
    Step(StepId),
    Compensation(Owner),
    Reaction(ReactionId),
}

impl Work {
    /// The action name (`ReserveInventory`).
    pub fn action(self, saga: &Saga) -> String {
        match self {
            Work::Trigger => saga.trigger.action.value.clone(),
            Work::Step(s) => saga.step(s).action.value.clone(),
            Work::Compensation(o) => saga
                .compensation(o)
                .map(|c| c.action.value.clone())
                .unwrap_or_default(),
            Work::Reaction(i) => saga.reactions[i.index()].action.value.clone(),
        }
    }

    /// The participant that runs it.
    pub fn participant(self, saga: &Saga) -> ParticipantId {
        match self {
            Work::Trigger => saga.trigger.participant,
            Work::Step(s) => saga.step(s).participant,
            Work::Compensation(o) => saga.handler_participant(Handler::Compensation(o)),
            Work::Reaction(i) => saga.reactions[i.index()].participant,
        }
    }

    /// The business failure a failing step reports: its first declared one.
    pub fn failure(self, saga: &Saga) -> Option<&str> {
        match self {
            Work::Step(s) => saga.step(s).failures.first().map(|f| f.value.as_str()),
            _ => None,
        }
    }

    /// The most attempts its retry policy makes (`None`: unlimited).
    pub fn max_attempts(self, saga: &Saga) -> Option<u64> {
        match self {
            Work::Step(s) => saga.step(s).retry.max_attempts.limit(),
            Work::Compensation(o) => saga.compensation(o)?.retry.max_attempts.limit(),
            // Run once, never retried.
            Work::Trigger | Work::Reaction(_) => Some(1),
        }
    }

    /// `reserve_inventory`, `compensation of reserve_inventory`, `trigger`, `reaction`.
    pub fn label(self, saga: &Saga) -> String {
        match self {
            Work::Trigger => "trigger".to_owned(),
            Work::Step(s) => saga.step(s).id.value.clone(),
            Work::Compensation(o) => format!("compensation of {}", owner_name(saga, o)),
            Work::Reaction(_) => "reaction".to_owned(),
        }
    }
}

/// How an event leaves its service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Via {
    /// Through the service's outbox (atomic with the write).
    Outbox,
    /// A dual write: the database, then the broker.
    Direct,
    /// A durable workflow engine starts the saga.
    Engine,
}

/// What a participant answers the orchestrator (or what a choreography handler ends with).
/// Version 2: a failure a trace names, of the step it is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FailureName {
    /// The entry at this index of the step's `failures`.
    Declared(u8),
    Builtin(BuiltinFailure),
}

impl FailureName {
    pub fn text(self, saga: &Saga, work: Work) -> String {
        match (self, work) {
            (FailureName::Declared(i), Work::Step(s)) => saga
                .step(s)
                .failure_handling
                .get(usize::from(i))
                .map_or_else(String::new, |f| f.name.value.clone()),
            (FailureName::Builtin(b), _) => b.as_str().to_owned(),
            _ => String::new(),
        }
    }
}

/// Version 2: what the caller's cancel is answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CancelAnswer {
    Cancelled,
    TooLate,
}

impl CancelAnswer {
    pub fn as_str(self) -> &'static str {
        match self {
            CancelAnswer::Cancelled => "cancelled",
            CancelAnswer::TooLate => "too_late",
        }
    }
}

/// Version 2: why a participant does not answer a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Silence {
    /// It is down (`outage:`).
    Down,
    /// It met an error nobody declared and swallowed it (`on_uncaught: no_reply`).
    Swallowed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StepResult {
    /// The action applied its effect.
    Success,
    /// A business failure: the step's first declared failure ([`Work::failure`]).
    Failure,
    /// A transient failure on this attempt; another attempt follows.
    Transient { attempt: u32 },
    /// Every attempt from `from` on failed transiently, up to the policy's limit
    /// ([`Work::max_attempts`]).
    Exhausted { from: u32 },
    /// No answer in time; whether the effect was applied is unknown to the caller.
    TimedOut { applied: bool },
    /// A choreography step failed and has no failure event to say so.
    SilentFailure,
    /// Version 2: a failure other than the step's first, or one that may have left the
    /// effect applied (`transactional: false`), or a built-in one (`Uncaught`).
    FailedAs { failure: FailureName, applied: bool },
    /// Version 2: a compensation that meets an effect that never happened and, with
    /// `absent_effect: fail`, fails at once.
    NothingToUndo,
    /// Version 2, choreography: a compensation handler registered only for a step that
    /// succeeded (`runs_for: success`) or was attempted (`any_attempt`) finds nothing
    /// registered and acknowledges its event without undoing anything.
    NotRegistered,
    /// Version 2, choreography: a compensation handler receives an event whose failure
    /// terminates the saga: it does not compensate and publishes nothing (it acknowledges
    /// the event).
    SagaTerminated,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ActionKind {
    /// A local transaction runs at `from` (== `to`) with this result.
    Run { work: Work, result: StepResult },
    /// `from` publishes an event (to the broker in choreography, to the orchestrator in
    /// orchestration).
    Publish { event: EventId, via: Via },
    /// `from` crashes after committing, before publishing `event`; with an outbox the relay
    /// publishes it after the restart (`recovered`), without one it is lost.
    CrashBeforePublish { event: EventId, recovered: bool },
    /// An event reaches a consumer (choreography).
    Deliver {
        event: EventId,
        handler: Handler,
        duplicate: bool,
    },
    /// The orchestrator sends a step's or a compensation's command.
    Command {
        work: Work,
        attempt: u32,
        duplicate: bool,
    },
    /// The participant answers a command.
    Reply { work: Work, result: StepResult },
    /// A duplicate reached a participant: it deduplicated on its idempotency key (or the
    /// work is idempotent), or it applied the effect a second time.
    Duplicate { work: Work, applied_again: bool },
    /// The orchestrator ignores a reply it no longer waits for.
    IgnoredReply { work: Work },
    /// The orchestrator crashes before sending the command of `before`.
    OrchestratorCrash { before: StepId, resumed: bool },
    /// The run is over.
    End { outcome: Outcome },
    /// Version 2: a participant does not answer a command (or its undeclared error is
    /// swallowed); `applied` when its effect took place anyway.
    NoAnswer {
        work: Work,
        why: Silence,
        applied: bool,
    },
    /// Version 2: the orchestrator goes on after a compensation gave up (`on_failure:
    /// continue` or `escalate`), or stops (`escalate_and_stop`).
    GaveUp { owner: Owner },
    /// Version 2: the escalation, telling the effects left in place (bits by owner: the
    /// trigger 0, step `i` at `1 + i`).
    Escalate { left: u64 },
    /// Version 2: the deadline passes before the step's command is sent, or while it is
    /// outstanding (the step is then abandoned in doubt).
    DeadlinePasses { step: StepId, outstanding: bool },
    /// Version 2: the caller's cancel reaches the orchestrator.
    Cancel,
    /// Version 2: the answer to the caller's cancel (none is drawn for a late cancel that
    /// is ignored).
    CancelAnswered { answer: CancelAnswer },
    /// Version 2: the caller is told how the saga ends.
    Tell { end: End },
    /// Version 2: the saga stops without compensating, for `failure` (of the step `failed`
    /// names, if any), keeping the applied effects of `kept` (bits by owner).
    Terminates {
        failed: Option<StepId>,
        failure: FailureName,
        kept: u64,
    },
    /// Version 2: what a compensation is about to receive: its step's effect status and
    /// `failure` (the step it names, if any, and its name).
    Receives {
        owner: Owner,
        effect: Effect,
        failed: Option<StepId>,
        failure: FailureName,
    },
}

/// Version 2: the effect status a compensation receives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Effect {
    /// Its step succeeded.
    Applied,
    /// Its step timed out, answered nothing, or was abandoned.
    InDoubt,
    /// Its step answered a failure (the compensation runs for `any_attempt`).
    Failed,
}

impl Effect {
    pub fn as_str(self) -> &'static str {
        match self {
            Effect::Applied => "applied",
            Effect::InDoubt => "in doubt",
            Effect::Failed => "failed",
        }
    }
}

/// One message or local step of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Action {
    pub from: Party,
    pub to: Party,
    pub kind: ActionKind,
}

impl Action {
    pub fn local(participant: ParticipantId, kind: ActionKind) -> Action {
        let p = Party::Participant(participant);
        Action {
            from: p,
            to: p,
            kind,
        }
    }

    /// One line: `inventory -> orchestrator: reserve_inventory succeeded`.
    pub fn describe(&self, saga: &Saga) -> String {
        let text = words(saga, self, Voice::Trace);
        if self.from == self.to {
            format!("{}: {text}", self.from.name(saga))
        } else {
            format!("{} -> {}: {text}", self.from.name(saga), self.to.name(saga))
        }
    }
}
