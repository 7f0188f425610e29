//! The words of every action, in one table with two voices. A trace line
//! ([`Voice::Trace`]: `sagac simulate`, counterexamples, grading feedback) tells what
//! happened in a sentence that names the step; a sequence diagram's arrow
//! ([`Voice::Arrow`]) is shorter and always names the action or event it stands for, as the
//! course's own diagrams do (`Orch->>IS: ReserveInventory`, `IS-->>Orch: ReserveInventory
//! OK`). Each row below holds both, so a new kind of action or result is worded once, for
//! both. Which actions a diagram draws, and with which arrow, is the diagram's own choice.

use crate::model::{EventId, Handler, Saga, StepId};

use super::Outcome;
use super::action::{Action, ActionKind, Effect, Party, Silence, StepResult, Via, Work};
use super::fault::owner_name;
use crate::model::duration;

/// Who the words are for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Voice {
    /// A line of a trace: a sentence, with the step it is about.
    Trace,
    /// The label of a sequence diagram's arrow: short, naming the action or event.
    Arrow,
}

impl Voice {
    /// One row of the table: the trace's words, then the arrow's. Only the voice asked for
    /// is made.
    fn say(self, trace: impl FnOnce() -> String, arrow: impl FnOnce() -> String) -> String {
        match self {
            Voice::Trace => trace(),
            Voice::Arrow => arrow(),
        }
    }

    /// A row whose words are fixed.
    fn say_str(self, trace: &'static str, arrow: &'static str) -> &'static str {
        match self {
            Voice::Trace => trace,
            Voice::Arrow => arrow,
        }
    }
}

/// What an action says, without the parties.
pub fn words(saga: &Saga, action: &Action, voice: Voice) -> String {
    let event = |e: EventId| saga.event(e).name.clone();
    match action.kind {
        ActionKind::Run { work, result } => run_words(saga, work, result, voice),
        ActionKind::Publish { event: e, via } => publish_words(saga, action, e, via, voice),
        ActionKind::CrashBeforePublish {
            event: e,
            recovered,
        } => voice.say(
            || match recovered {
                true => format!(
                    "crashes after its commit, before publishing {}; after the restart the outbox relay publishes it",
                    event(e)
                ),
                // Version 2: an outbox that a step's write does not share (`transactional:
                // false`) does not save the event.
                false if matches!(action.from, Party::Participant(p) if saga.outbox_of(p).is_some()) => format!(
                    "crashes after its commit, before publishing {}; its write and the outbox row are not one transaction (transactional: false): the event is lost",
                    event(e)
                ),
                false => format!(
                    "crashes after its commit, before publishing {}; without an outbox the event is lost",
                    event(e)
                ),
            },
            || match recovered {
                true => format!(
                    "crashes before publishing {}: the outbox relay publishes it after the restart",
                    event(e)
                ),
                false => format!(
                    "crashes before publishing {}: without an outbox the event is lost",
                    event(e)
                ),
            },
        ),
        ActionKind::Deliver {
            event: e,
            handler,
            duplicate,
        } => voice.say(
            || {
                let work = match handler {
                    Handler::Step(s) => Work::Step(s),
                    Handler::Compensation(o) => Work::Compensation(o),
                    Handler::Reaction(i) => Work::Reaction(i),
                };
                let again = if duplicate { " again (duplicate)" } else { "" };
                format!("{}{again} (starts {})", event(e), work.label(saga))
            },
            || format!("{}{}", event(e), if duplicate { " (duplicate)" } else { "" }),
        ),
        ActionKind::Command {
            work,
            attempt,
            duplicate,
        } => command_words(saga, work, attempt, duplicate, voice),
        ActionKind::Reply { work, result } => reply_words(saga, work, result, voice),
        ActionKind::Duplicate {
            work,
            applied_again,
        } => {
            let action = work.action(saga);
            match applied_again {
                true => voice.say(
                    || format!("{action} runs again for the duplicate and applies its effect a second time (no idempotency key)"),
                    || format!("{action} applied a second time (duplicate, no idempotency key)"),
                ),
                false => format!("ignores the duplicate {action} (idempotent)"),
            }
        }
        ActionKind::IgnoredReply { work } => voice.say(
            || format!("ignores a late reply for {}", work.label(saga)),
            || format!("ignores a late reply to {}", work.action(saga)),
        ),
        ActionKind::OrchestratorCrash { before, resumed } => {
            orchestrator_crash_words(saga, before, resumed, voice)
        }
        ActionKind::End { outcome } => voice.say(
            || match outcome {
                Outcome::Stuck => "saga stuck: it neither completes nor compensates".to_owned(),
                _ => format!("saga ends {}", outcome.as_str()),
            },
            || {
                match outcome {
                    Outcome::Completed => "saga complete",
                    Outcome::Compensated => "saga failed (compensated)",
                    Outcome::Stuck => "saga stuck (neither completed nor compensated)",
                    Outcome::Terminated => "saga terminated (nothing compensated)",
                    Outcome::NeedsAttention => "saga needs attention (escalated)",
                    Outcome::Cancelled => "saga cancelled (compensated)",
                }
                .to_owned()
            },
        ),
        kind => v2_words(saga, kind, voice),
    }
}

/// What version 2's actions say.
fn v2_words(saga: &Saga, kind: ActionKind, voice: Voice) -> String {
    match kind {
        ActionKind::NoAnswer { work, why, applied } => {
            no_answer_words(saga, work, why, applied, voice)
        }
        ActionKind::GaveUp { owner } => gave_up_words(saga, owner, voice),
        ActionKind::Escalate { left } => {
            let action = saga
                .escalation
                .as_ref()
                .map_or_else(String::new, |e| e.action.value.clone());
            let left = left_names(saga, left);
            voice.say(
                || format!("{action}: the effects left in place are {left}"),
                || format!("{action} (left: {left})"),
            )
        }
        ActionKind::DeadlinePasses { step, outstanding } => {
            let id = &saga.step(step).id.value;
            let after = saga
                .deadline
                .as_ref()
                .map_or_else(String::new, |d| format!(" {}", duration::format(d.value)));
            let choreography = saga.coordination == crate::model::Coordination::Choreography;
            match outstanding {
                false if choreography => voice.say(
                    || format!("the deadline{after} has passed when {id}'s event arrives: it refuses with DeadlinePassed"),
                    || format!("deadline{after} passed: {} refused", saga.step(step).action.value),
                ),
                false => voice.say(
                    || format!("the deadline{after} passes before {id} is sent: it fails with DeadlinePassed"),
                    || format!("deadline{after} passes before {}", saga.step(step).action.value),
                ),
                true => voice.say(
                    || format!("the deadline{after} passes while {id} is outstanding: it is abandoned in doubt"),
                    || format!("deadline{after} passes: {} abandoned in doubt", saga.step(step).action.value),
                ),
            }
        }
        ActionKind::Cancel => "cancel".to_owned(),
        ActionKind::CancelAnswered { answer } => voice.say(
            || format!("cancel answered {}", answer.as_str()),
            || answer.as_str().to_owned(),
        ),
        ActionKind::Tell { end } => {
            let value = saga.outcome.as_ref().map_or_else(
                || end.default_value().to_owned(),
                |o| o.value(end).value.clone(),
            );
            voice.say(|| format!("{value} ({})", end.as_str()), || value.clone())
        }
        ActionKind::Terminates {
            failed,
            failure,
            kept,
        } => {
            let name = failure_text(saga, failed, failure);
            let keeps = match kept {
                0 => String::new(),
                bits => format!(", keeps {}", left_names(saga, bits)),
            };
            voice.say(
                || format!("terminates after {name}: nothing is compensated{keeps}"),
                || format!("saga terminated ({name}){keeps}"),
            )
        }
        ActionKind::Receives {
            owner,
            effect,
            failed,
            failure,
        } => {
            let action = saga
                .compensation(owner)
                .map_or_else(String::new, |c| c.action.value.clone());
            let name = failure_text(saga, failed, failure);
            let failure = match failed {
                Some(s) => format!("{name} ({})", saga.step(s).id.value),
                None => name.clone(),
            };
            voice.say(
                || {
                    format!(
                        "{action} receives: effect {}, failure {failure}",
                        effect.as_str()
                    )
                },
                || match effect {
                    Effect::Applied => format!("after {name}"),
                    Effect::InDoubt => format!("in doubt, after {name}"),
                    Effect::Failed => format!("its failed attempt, after {name}"),
                },
            )
        }
        _ => String::new(),
    }
}

/// A failure's name as a diagram says it.
fn failure_text(
    saga: &Saga,
    failed: Option<StepId>,
    failure: super::action::FailureName,
) -> String {
    match failed {
        Some(s) => failure.text(saga, Work::Step(s)),
        None => failure.text(saga, Work::Trigger),
    }
}

/// A command nobody answers (version 2).
fn no_answer_words(saga: &Saga, work: Work, why: Silence, applied: bool, voice: Voice) -> String {
    let action = work.action(saga);
    let participant = saga.participant(work.participant(saga)).name.value.clone();
    match why {
        Silence::Down => voice.say(
            || format!("does not process {action}: {participant} is down"),
            || format!("{action}: no answer ({participant} is down)"),
        ),
        Silence::Swallowed => {
            let effect = if applied { ", its effect applied" } else { "" };
            voice.say(
                || format!("{action} meets an error nobody declared and answers nothing{effect}"),
                || format!("{action}: no reply (uncaught error)"),
            )
        }
    }
}

/// The orchestrator going on after a compensation gave up (version 2).
fn gave_up_words(saga: &Saga, owner: crate::model::Owner, voice: Voice) -> String {
    let c = saga.compensation(owner);
    let action = c.map_or_else(String::new, |c| c.action.value.clone());
    let policy = c.map_or("stuck", |c| c.on_failure.value.as_str());
    voice.say(
        || format!("{action} gave up: on_failure {policy}"),
        || format!("{action} gave up: {policy}"),
    )
}

/// The owners of a bit set (trigger 0, step `i` at `1 + i`), by name.
fn left_names(saga: &Saga, left: u64) -> String {
    let mut names = Vec::new();
    if left & 1 != 0 {
        names.push("trigger".to_owned());
    }
    for s in saga.step_ids() {
        if left & (1u64 << (s.index() + 1).min(63)) != 0 {
            names.push(saga.step(s).id.value.clone());
        }
    }
    if names.is_empty() {
        "none".to_owned()
    } else {
        names.join(", ")
    }
}

/// The orchestrator crashing before a step's command: resumed from its log or engine,
/// or lost.
fn orchestrator_crash_words(saga: &Saga, before: StepId, resumed: bool, voice: Voice) -> String {
    let step = saga.step(before);
    let engine = saga.has_engine();
    voice.say(
        || {
            let then = match (resumed, engine) {
                (false, _) => "without a saga log the saga is lost",
                (true, true) => "the engine resumes the saga",
                (true, false) => "it restarts and resumes from the saga log",
            };
            format!("crashes before sending {}; {then}", step.id.value)
        },
        || {
            let then = match (resumed, engine) {
                (false, _) => "without a saga log the saga is lost",
                (true, true) => "the engine resumes the saga",
                (true, false) => "it resumes from the saga log",
            };
            format!("crashes before sending {}: {then}", step.action.value)
        },
    )
}

/// An event's publication. In a choreography a diagram draws only the publication of an
/// event nobody consumes (the deliveries draw the others).
fn publish_words(saga: &Saga, action: &Action, event: EventId, via: Via, voice: Voice) -> String {
    let name = &saga.event(event).name;
    match voice {
        Voice::Trace => match via {
            Via::Outbox => {
                let table = match action.from {
                    Party::Participant(p) => saga
                        .outbox_of(p)
                        .map(|o| format!(" {}", o.table.value))
                        .unwrap_or_default(),
                    Party::Orchestrator | Party::Caller => String::new(),
                };
                format!("publishes {name} (outbox{table})")
            }
            Via::Direct => format!("publishes {name} (dual write, no outbox)"),
            Via::Engine => format!("starts the workflow ({name})"),
        },
        // Orchestration: the trigger's event reaches the orchestrator.
        Voice::Arrow if action.from != action.to => match via {
            Via::Outbox => name.clone(),
            Via::Direct => format!("{name} (dual write, no outbox)"),
            Via::Engine => format!("{name} (starts the workflow)"),
        },
        Voice::Arrow => {
            let why = if saga.event(event).terminal.is_some() {
                "terminal event"
            } else {
                "nobody consumes it"
            };
            format!("publishes {name} ({why})")
        }
    }
}

fn command_words(saga: &Saga, work: Work, attempt: u32, duplicate: bool, voice: Voice) -> String {
    let mut text = voice.say(
        || format!("{} ({})", work.action(saga), work.label(saga)),
        || match work {
            Work::Compensation(_) => format!("{} (compensate)", work.action(saga)),
            _ => work.action(saga),
        },
    );
    if duplicate {
        text.push_str(voice.say_str(", delivered again (duplicate)", " (duplicate delivery)"));
    } else if attempt > 1 {
        text.push_str(&voice.say(
            || format!(", attempt {attempt}"),
            || format!(" (attempt {attempt})"),
        ));
    }
    text
}

/// A local transaction's result (a choreography handler, the trigger, a reaction).
fn run_words(saga: &Saga, work: Work, result: StepResult, voice: Voice) -> String {
    let action = work.action(saga);
    let label = work.label(saga);
    match (work, result) {
        (Work::Trigger, StepResult::Success) => voice.say(
            || format!("{action} commits (trigger)"),
            || format!("{action} (trigger)"),
        ),
        (Work::Compensation(o), StepResult::Success) => voice.say(
            || format!("{action} undoes {}", owner_name(saga, o)),
            || format!("{action} (compensate)"),
        ),
        (Work::Reaction(_), StepResult::Success) => voice.say(
            || format!("{action} runs (reaction)"),
            || format!("{action} (reaction)"),
        ),
        (_, StepResult::Success) => {
            voice.say(|| format!("{action} succeeds ({label})"), || action.clone())
        }
        (_, StepResult::Failure) => match work.failure(saga) {
            Some(failure) => voice.say(
                || format!("{action} fails with {failure} ({label})"),
                || format!("{action} fails: {failure}"),
            ),
            None => voice.say(
                || format!("{action} fails with a business failure ({label})"),
                || format!("{action} fails"),
            ),
        },
        (_, StepResult::Transient { attempt }) => voice.say(
            || format!("{action} fails transiently on attempt {attempt} and is retried ({label})"),
            || format!("{action} fails transiently (attempt {attempt}), retried"),
        ),
        (_, StepResult::Exhausted { from }) => {
            let attempts = attempts_text(work.max_attempts(saga), from);
            voice.say(
                || format!("{action} fails transiently on {attempts} and gives up ({label})"),
                || format!("{action} gives up: {attempts} failed"),
            )
        }
        (_, StepResult::TimedOut { .. }) => voice.say(
            || format!("{action} times out ({label})"),
            || format!("{action} times out"),
        ),
        (_, StepResult::FailedAs { failure, applied }) => {
            let failure = failure.text(saga, work);
            let effect = if applied { ", its effect applied" } else { "" };
            voice.say(
                || format!("{action} fails with {failure}{effect} ({label})"),
                || format!("{action} fails: {failure}"),
            )
        }
        (_, StepResult::NothingToUndo) => voice.say(
            || format!("{action} finds nothing to undo and fails ({label})"),
            || format!("{action} fails: nothing to undo"),
        ),
        (_, StepResult::NotRegistered) => voice.say(
            || format!("{action} has nothing registered to undo ({label}: runs_for), acknowledges"),
            || format!("{action}: nothing registered (runs_for)"),
        ),
        (_, StepResult::SagaTerminated) => voice.say(
            || format!("{action} does not run ({label}): the saga terminated, the event is acknowledged"),
            || format!("{action} not run: the saga terminated"),
        ),
        (_, StepResult::SilentFailure) => voice.say(
            || format!("{action} fails ({label}) and publishes nothing: it has no failure event"),
            || format!("{action} fails and publishes nothing (no failure event)"),
        ),
    }
}

/// A participant's answer to the orchestrator.
fn reply_words(saga: &Saga, work: Work, result: StepResult, voice: Voice) -> String {
    // A trace names the step (`reserve_inventory done`), an arrow the action.
    let subject = voice.say(|| work.label(saga), || work.action(saga));
    match result {
        StepResult::Success => voice.say(|| format!("{subject} done"), || format!("{subject} OK")),
        StepResult::Failure => match work.failure(saga) {
            Some(failure) => format!("{subject} failed: {failure}"),
            None => voice.say(
                || format!("{subject} failed (business failure)"),
                || format!("{subject} failed"),
            ),
        },
        StepResult::Transient { attempt } => voice.say(
            || format!("{subject} failed transiently on attempt {attempt}"),
            || format!("{subject} failed transiently (attempt {attempt})"),
        ),
        StepResult::Exhausted { from } => {
            let attempts = attempts_text(work.max_attempts(saga), from);
            voice.say(
                || format!("{subject} failed transiently on {attempts}"),
                || format!("{subject} gave up: {attempts} failed"),
            )
        }
        StepResult::TimedOut { applied } => {
            let within = timeout_within(saga, work);
            voice.say(
                || {
                    let truth = match applied {
                        true => "the effect was applied",
                        false => "the effect was not applied",
                    };
                    format!("no reply for {subject}{within}: in doubt ({truth})")
                },
                || {
                    let truth = match applied {
                        true => "it was applied",
                        false => "it was not applied",
                    };
                    format!("no reply to {subject}{within}: in doubt ({truth})")
                },
            )
        }
        StepResult::SilentFailure => format!("{subject} failed silently"),
        StepResult::FailedAs { failure, applied } => {
            let failure = failure.text(saga, work);
            let effect = match (applied, voice) {
                (true, Voice::Trace) => " (its effect was applied)",
                (true, Voice::Arrow) => " (applied)",
                (false, _) => "",
            };
            format!("{subject} failed: {failure}{effect}")
        }
        StepResult::NotRegistered => format!("{subject}: nothing registered (runs_for)"),
        StepResult::SagaTerminated => format!("{subject}: not run, the saga terminated"),
        StepResult::NothingToUndo => voice.say(
            || format!("{subject} failed: nothing to undo (absent_effect: fail)"),
            || format!("{subject} failed: nothing to undo"),
        ),
    }
}

/// " within 10s" for a step with a timeout, "" otherwise: how a timed-out reply is told.
fn timeout_within(saga: &Saga, work: Work) -> String {
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
fn attempts_text(attempts: Option<u64>, from: u32) -> String {
    let from = u64::from(from);
    match attempts {
        Some(n) if from > 1 && from < n => format!("attempts {from} to {n}"),
        Some(n) if from > 1 && from == n => format!("its last attempt ({n})"),
        Some(1) => "its only attempt".to_owned(),
        Some(n) => format!("all {n} attempts"),
        None => "every attempt".to_owned(),
    }
}
