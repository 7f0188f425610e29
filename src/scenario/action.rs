//! What happens in a run, one message or local transaction at a time: what a trace prints
//! and what a sequence diagram draws (`from ->> to: text`).

use crate::model::{EventId, Handler, Owner, ParticipantId, ReactionId, Saga, StepId};

use super::Outcome;
use super::fault::owner_name;

/// Who sends or does something.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Party {
    Participant(ParticipantId),
    /// The orchestration's coordinator (hosted by `Saga::orchestrator.participant`).
    Orchestrator,
}

impl Party {
    pub fn name(self, saga: &Saga) -> String {
        match self {
            Party::Participant(p) => saga.participant(p).name.value.clone(),
            Party::Orchestrator => "orchestrator".to_owned(),
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Result {
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
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ActionKind {
    /// A local transaction runs at `from` (== `to`) with this result.
    Run { work: Work, result: Result },
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
    Reply { work: Work, result: Result },
    /// A duplicate reached a participant: it deduplicated on its idempotency key (or the
    /// work is idempotent), or it applied the effect a second time.
    Duplicate { work: Work, applied_again: bool },
    /// The orchestrator ignores a reply it no longer waits for.
    IgnoredReply { work: Work },
    /// The orchestrator crashes before sending the command of `before`.
    OrchestratorCrash { before: StepId, resumed: bool },
    /// The run is over.
    End { outcome: Outcome },
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
        let text = self.text(saga);
        if self.from == self.to {
            format!("{}: {text}", self.from.name(saga))
        } else {
            format!("{} -> {}: {text}", self.from.name(saga), self.to.name(saga))
        }
    }

    /// The message text without the parties (a diagram's arrow label).
    pub fn text(&self, saga: &Saga) -> String {
        let event = |e: EventId| saga.event(e).name.clone();
        match &self.kind {
            ActionKind::Run { work, result } => run_text(saga, *work, result),
            ActionKind::Publish { event: e, via } => match via {
                Via::Outbox => {
                    let table = match self.from {
                        Party::Participant(p) => saga
                            .outbox_of(p)
                            .map(|o| format!(" {}", o.table.value))
                            .unwrap_or_default(),
                        Party::Orchestrator => String::new(),
                    };
                    format!("publishes {} (outbox{table})", event(*e))
                }
                Via::Direct => format!("publishes {} (dual write, no outbox)", event(*e)),
                Via::Engine => format!("starts the workflow ({})", event(*e)),
            },
            ActionKind::CrashBeforePublish {
                event: e,
                recovered,
            } => {
                if *recovered {
                    format!(
                        "crashes after its commit, before publishing {}; after the restart the outbox relay publishes it",
                        event(*e)
                    )
                } else {
                    format!(
                        "crashes after its commit, before publishing {}; without an outbox the event is lost",
                        event(*e)
                    )
                }
            }
            ActionKind::Deliver {
                event: e,
                handler,
                duplicate,
            } => {
                let work = match *handler {
                    Handler::Step(s) => Work::Step(s),
                    Handler::Compensation(o) => Work::Compensation(o),
                    Handler::Reaction(i) => Work::Reaction(i),
                };
                format!(
                    "{}{} (starts {})",
                    event(*e),
                    if *duplicate { " again (duplicate)" } else { "" },
                    work.label(saga)
                )
            }
            ActionKind::Command {
                work,
                attempt,
                duplicate,
            } => {
                let mut s = format!("{} ({})", work.action(saga), work.label(saga));
                if *duplicate {
                    s.push_str(", delivered again (duplicate)");
                } else if *attempt > 1 {
                    s.push_str(&format!(", attempt {attempt}"));
                }
                s
            }
            ActionKind::Reply { work, result } => reply_text(saga, *work, result),
            ActionKind::Duplicate {
                work,
                applied_again,
            } => {
                if *applied_again {
                    format!(
                        "{} runs again for the duplicate and applies its effect a second time (no idempotency key)",
                        work.action(saga)
                    )
                } else {
                    format!("ignores the duplicate {} (idempotent)", work.action(saga))
                }
            }
            ActionKind::IgnoredReply { work } => {
                format!("ignores a late reply for {}", work.label(saga))
            }
            ActionKind::OrchestratorCrash { before, resumed } => {
                let step = &saga.step(*before).id.value;
                if *resumed {
                    let how = if saga.has_engine() {
                        "the engine resumes the saga"
                    } else {
                        "it restarts and resumes from the saga log"
                    };
                    format!("crashes before sending {step}; {how}")
                } else {
                    format!("crashes before sending {step}; without a saga log the saga is lost")
                }
            }
            ActionKind::End { outcome } => match outcome {
                Outcome::Stuck => "saga stuck: it neither completes nor compensates".to_owned(),
                _ => format!("saga ends {}", outcome.as_str()),
            },
        }
    }
}

fn run_text(saga: &Saga, work: Work, result: &Result) -> String {
    let action = work.action(saga);
    let label = work.label(saga);
    match (work, result) {
        (Work::Trigger, Result::Success) => format!("{action} commits (trigger)"),
        (Work::Compensation(o), Result::Success) => {
            format!("{action} undoes {}", owner_name(saga, o))
        }
        (Work::Reaction(_), Result::Success) => format!("{action} runs (reaction)"),
        (_, Result::Success) => format!("{action} succeeds ({label})"),
        (_, Result::Failure) => match work.failure(saga) {
            Some(n) => format!("{action} fails with {n} ({label})"),
            None => format!("{action} fails with a business failure ({label})"),
        },
        (_, Result::Transient { attempt }) => {
            format!("{action} fails transiently on attempt {attempt} and is retried ({label})")
        }
        (_, Result::Exhausted { from }) => format!(
            "{action} fails transiently on {} and gives up ({label})",
            attempts_text(work.max_attempts(saga), *from)
        ),
        (_, Result::TimedOut { .. }) => format!("{action} times out ({label})"),
        (_, Result::SilentFailure) => {
            format!("{action} fails ({label}) and publishes nothing: it has no failure event")
        }
    }
}

fn reply_text(saga: &Saga, work: Work, result: &Result) -> String {
    let label = work.label(saga);
    match result {
        Result::Success => format!("{label} done"),
        Result::Failure => match work.failure(saga) {
            Some(n) => format!("{label} failed: {n}"),
            None => format!("{label} failed (business failure)"),
        },
        Result::Transient { attempt } => {
            format!("{label} failed transiently on attempt {attempt}")
        }
        Result::Exhausted { from } => {
            format!(
                "{label} failed transiently on {}",
                attempts_text(work.max_attempts(saga), *from)
            )
        }
        Result::TimedOut { applied } => {
            let timeout = timeout_within(saga, work);
            let truth = if *applied {
                "the effect was applied"
            } else {
                "the effect was not applied"
            };
            format!("no reply for {label}{timeout}: in doubt ({truth})")
        }
        Result::SilentFailure => format!("{label} failed silently"),
    }
}

/// " within 10s" for a step with a timeout, "" otherwise: how a timed-out reply is told.
pub fn timeout_within(saga: &Saga, work: Work) -> String {
    match work {
        Work::Step(s) => saga
            .step(s)
            .timeout
            .as_ref()
            .map(|t| format!(" within {}", crate::model::duration::format(t.value)))
            .unwrap_or_default(),
        _ => String::new(),
    }
}

/// Which attempts failed: "its only attempt", "attempts 2 to 5", "all 3 attempts".
pub fn attempts_text(attempts: Option<u64>, from: u32) -> String {
    let from = u64::from(from);
    match attempts {
        Some(n) if from > 1 && from < n => format!("attempts {from} to {n}"),
        Some(n) if from > 1 && from == n => format!("its last attempt ({n})"),
        Some(1) => "its only attempt".to_owned(),
        Some(n) => format!("all {n} attempts"),
        None => "every attempt".to_owned(),
    }
}
