//! What a sequence diagram writes for each action of a run. The texts are shorter than
//! `Action::describe` (which a trace prints) and always name the action or event the arrow
//! stands for, as the course's own diagrams do: `Orch->>IS: Reserve inventory`,
//! `IS-->>Orch: Reserved OK`, `PS->>IS: Event: payment.failed`.

use crate::model::{Coordination, Saga};
use crate::scenario::{Action, ActionKind, Outcome, Party, StepResult, Via, Work};

/// How an arrow is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arrow {
    /// `->>`: a command, an event, a local transaction.
    Request,
    /// `-->>`: a reply.
    Reply,
    /// `--x`: a reply that never came (a timeout).
    Lost,
}

impl Arrow {
    pub fn as_str(self) -> &'static str {
        match self {
            Arrow::Request => "->>",
            Arrow::Reply => "-->>",
            Arrow::Lost => "--x",
        }
    }
}

/// One line of a sequence diagram.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Line {
    Message {
        from: Party,
        to: Party,
        arrow: Arrow,
        text: String,
    },
    /// A note over every participant (the end of a choreography, which nobody announces).
    NoteOverAll(String),
}

/// The line an action draws; `None` for an action the diagram leaves implicit (a
/// choreography event's publication, shown by its deliveries).
pub fn line(saga: &Saga, action: &Action) -> Option<Line> {
    let message = |arrow, text| {
        Some(Line::Message {
            from: action.from,
            to: action.to,
            arrow,
            text,
        })
    };
    let event = |e| saga.event(e).name.clone();
    match &action.kind {
        ActionKind::Run { work, result } => message(Arrow::Request, run(saga, *work, result)),
        ActionKind::Publish { event: e, via } => {
            if action.from != action.to {
                // Orchestration: the trigger's event reaches the orchestrator.
                let name = event(*e);
                return message(
                    Arrow::Request,
                    match via {
                        Via::Outbox => name,
                        Via::Direct => format!("{name} (dual write, no outbox)"),
                        Via::Engine => format!("{name} (starts the workflow)"),
                    },
                );
            }
            // Choreography: the deliveries draw the event; only an event nobody consumes
            // (a terminal event) is drawn as its publication.
            let ev = saga.event(*e);
            if !ev.consumed_by.is_empty() {
                return None;
            }
            let what = if ev.terminal.is_some() {
                "terminal event"
            } else {
                "nobody consumes it"
            };
            message(Arrow::Request, format!("publishes {} ({what})", ev.name))
        }
        ActionKind::CrashBeforePublish {
            event: e,
            recovered,
        } => {
            let then = if *recovered {
                "the outbox relay publishes it after the restart"
            } else {
                "without an outbox the event is lost"
            };
            message(
                Arrow::Request,
                format!("crashes before publishing {}: {then}", event(*e)),
            )
        }
        ActionKind::Deliver {
            event: e,
            duplicate,
            ..
        } => message(
            Arrow::Request,
            format!(
                "{}{}",
                event(*e),
                if *duplicate { " (duplicate)" } else { "" }
            ),
        ),
        ActionKind::Command {
            work,
            attempt,
            duplicate,
        } => {
            let mut text = work.action(saga);
            if matches!(work, Work::Compensation(_)) {
                text.push_str(" (compensate)");
            }
            if *duplicate {
                text.push_str(" (duplicate delivery)");
            } else if *attempt > 1 {
                text.push_str(&format!(" (attempt {attempt})"));
            }
            message(Arrow::Request, text)
        }
        ActionKind::Reply { work, result } => {
            let arrow = match result {
                StepResult::TimedOut { .. } => Arrow::Lost,
                _ => Arrow::Reply,
            };
            message(arrow, reply(saga, *work, result))
        }
        ActionKind::Duplicate {
            work,
            applied_again,
        } => message(
            Arrow::Request,
            if *applied_again {
                format!(
                    "{} applied a second time (duplicate, no idempotency key)",
                    work.action(saga)
                )
            } else {
                format!("ignores the duplicate {} (idempotent)", work.action(saga))
            },
        ),
        ActionKind::IgnoredReply { work } => message(
            Arrow::Request,
            format!("ignores a late reply to {}", work.action(saga)),
        ),
        ActionKind::OrchestratorCrash { before, resumed } => {
            let action = &saga.step(*before).action.value;
            let then = if !resumed {
                "without a saga log the saga is lost"
            } else if saga.has_engine() {
                "the engine resumes the saga"
            } else {
                "it resumes from the saga log"
            };
            message(
                Arrow::Request,
                format!("crashes before sending {action}: {then}"),
            )
        }
        ActionKind::End { outcome } => {
            let text = end(*outcome).to_owned();
            match saga.coordination {
                Coordination::Orchestration => message(Arrow::Request, text),
                Coordination::Choreography => Some(Line::NoteOverAll(text)),
            }
        }
    }
}

/// How a run ends, as the course's diagrams say it ("Mark saga complete").
pub fn end(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Completed => "saga complete",
        Outcome::Compensated => "saga failed (compensated)",
        Outcome::Stuck => "saga stuck (neither completed nor compensated)",
    }
}

fn run(saga: &Saga, work: Work, result: &StepResult) -> String {
    let action = work.action(saga);
    match (work, result) {
        (Work::Trigger, StepResult::Success) => format!("{action} (trigger)"),
        (Work::Compensation(_), StepResult::Success) => format!("{action} (compensate)"),
        (Work::Reaction(_), StepResult::Success) => format!("{action} (reaction)"),
        (_, StepResult::Success) => action,
        (_, StepResult::Failure) => match work.failure(saga) {
            Some(failure) => format!("{action} fails: {failure}"),
            None => format!("{action} fails"),
        },
        (_, StepResult::Transient { attempt }) => {
            format!("{action} fails transiently (attempt {attempt}), retried")
        }
        (_, StepResult::Exhausted { from }) => {
            format!(
                "{action} gives up: {}",
                exhausted(work.max_attempts(saga), *from)
            )
        }
        (_, StepResult::TimedOut { .. }) => format!("{action} times out"),
        (_, StepResult::SilentFailure) => {
            format!("{action} fails and publishes nothing (no failure event)")
        }
    }
}

fn reply(saga: &Saga, work: Work, result: &StepResult) -> String {
    let action = work.action(saga);
    match result {
        StepResult::Success => format!("{action} OK"),
        StepResult::Failure => match work.failure(saga) {
            Some(failure) => format!("{action} failed: {failure}"),
            None => format!("{action} failed"),
        },
        StepResult::Transient { attempt } => {
            format!("{action} failed transiently (attempt {attempt})")
        }
        StepResult::Exhausted { from } => {
            format!(
                "{action} gave up: {}",
                exhausted(work.max_attempts(saga), *from)
            )
        }
        StepResult::TimedOut { applied } => {
            let within = crate::scenario::action::timeout_within(saga, work);
            let truth = if *applied {
                "it was applied"
            } else {
                "it was not applied"
            };
            format!("no reply to {action}{within}: in doubt ({truth})")
        }
        StepResult::SilentFailure => format!("{action} failed silently"),
    }
}

/// Which attempts failed, in the simulator's own words.
fn exhausted(attempts: Option<u64>, from: u32) -> String {
    format!(
        "{} failed",
        crate::scenario::action::attempts_text(attempts, from)
    )
}
