//! The faults the simulator injects, their scenario names, and which of them a saga admits.

use std::collections::HashSet;

use crate::model::{Coordination, EventId, Owner, ParticipantId, Saga, StepId, StepKind};

/// The seven kinds of the fault table (the command line names them in `cli.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FaultKind {
    /// `fail:<step>`: a business failure (a transient one for a retriable step).
    Business,
    /// `exhaust:<step>`: every attempt fails transiently.
    Exhaust,
    /// `timeout:<step>`: no answer in time; the effect may or may not be applied.
    Timeout,
    /// `compfail:<step|trigger>`: a compensation gives up (never counted in --max-faults).
    Compfail,
    /// `crash:<participant>@<event>`: a service crashes between its write and its publish.
    Crash,
    /// `crash:orchestrator@<step>`: the orchestrator crashes before sending a step's command.
    OrchestratorCrash,
    /// `dup:<step>` / `dup:<event>`: a command or event is delivered twice.
    Duplicate,
}

impl FaultKind {
    pub const ALL: [FaultKind; 7] = [
        FaultKind::Business,
        FaultKind::Exhaust,
        FaultKind::Timeout,
        FaultKind::Compfail,
        FaultKind::Crash,
        FaultKind::OrchestratorCrash,
        FaultKind::Duplicate,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            FaultKind::Business => "business",
            FaultKind::Exhaust => "exhaust",
            FaultKind::Timeout => "timeout",
            FaultKind::Compfail => "compfail",
            FaultKind::Crash => "crash",
            FaultKind::OrchestratorCrash => "orchestrator-crash",
            FaultKind::Duplicate => "duplicate",
        }
    }
}

/// One injected fault. Each fires once, at the first point where it applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Fault {
    /// The step's action fails with a business failure (transient for a retriable step).
    Fail(StepId),
    /// Every attempt of the step fails transiently.
    Exhaust(StepId),
    /// The step's first attempt gets no answer in time (explored applied and not applied).
    Timeout(StepId),
    /// The compensation of an owner fails on every attempt.
    CompFail(Owner),
    /// The participant crashes after committing, before publishing the event.
    Crash {
        participant: ParticipantId,
        event: EventId,
    },
    /// The orchestrator crashes just before it sends the command of this step (the first
    /// step of a stage).
    OrchestratorCrash(StepId),
    /// The orchestrator's command to the step is delivered twice.
    DupStep(StepId),
    /// The event is delivered twice to every consumer.
    DupEvent(EventId),
}

impl Fault {
    pub fn kind(self) -> FaultKind {
        match self {
            Fault::Fail(_) => FaultKind::Business,
            Fault::Exhaust(_) => FaultKind::Exhaust,
            Fault::Timeout(_) => FaultKind::Timeout,
            Fault::CompFail(_) => FaultKind::Compfail,
            Fault::Crash { .. } => FaultKind::Crash,
            Fault::OrchestratorCrash(_) => FaultKind::OrchestratorCrash,
            Fault::DupStep(_) | Fault::DupEvent(_) => FaultKind::Duplicate,
        }
    }

    /// The scenario name of the fault: `fail:charge_payment`, `crash:order@order.created`.
    pub fn name(self, saga: &Saga) -> String {
        let step = |id: StepId| saga.step(id).id.value.clone();
        match self {
            Fault::Fail(s) => format!("fail:{}", step(s)),
            Fault::Exhaust(s) => format!("exhaust:{}", step(s)),
            Fault::Timeout(s) => format!("timeout:{}", step(s)),
            Fault::CompFail(o) => format!("compfail:{}", owner_name(saga, o)),
            Fault::Crash { participant, event } => format!(
                "crash:{}@{}",
                saga.participant(participant).name.value,
                saga.event(event).name
            ),
            Fault::OrchestratorCrash(s) => format!("crash:orchestrator@{}", step(s)),
            Fault::DupStep(s) => format!("dup:{}", step(s)),
            Fault::DupEvent(e) => format!("dup:{}", saga.event(e).name),
        }
    }

    /// Whether the fault can happen in this saga: the one place that decides which faults
    /// apply to which step, event, participant and compensation. [`applicable`] lists the
    /// faults for which this holds; the grader and the diagrams ask it of one step.
    pub fn applies_to(self, saga: &Saga) -> bool {
        let orchestration = saga.coordination == Coordination::Orchestration;
        match self {
            Fault::Fail(_) => true,
            Fault::Exhaust(s) => saga.step(s).retry.can_exhaust(),
            // Only an orchestrator waits for a reply, so only it can be in doubt.
            Fault::Timeout(s) => orchestration && saga.step(s).timeout.is_some(),
            Fault::CompFail(o) => saga.compensation(o).is_some_and(|c| c.retry.can_exhaust()),
            // The trigger's event starts the saga in both styles; in a choreography every
            // consumed event is published by someone who can crash first.
            Fault::Crash { participant, event } => {
                (participant == saga.trigger.participant && trigger_event(saga) == Some(event))
                    || (!orchestration
                        && consumed(saga, event)
                        && saga
                            .event(event)
                            .emitted_by
                            .iter()
                            .any(|&(e, _)| saga.emitter_participant(e) == participant))
            }
            // The orchestrator crashes between stages: before the first command of one.
            Fault::OrchestratorCrash(s) => {
                orchestration
                    && saga
                        .stages
                        .get(saga.step(s).stage)
                        .and_then(|stage| stage.steps().first())
                        == Some(&s)
            }
            Fault::DupStep(_) => orchestration,
            Fault::DupEvent(e) => {
                !orchestration && consumed(saga, e) && !saga.event(e).emitted_by.is_empty()
            }
        }
    }

    /// The fault that makes a step fail for good, if one can: a business failure, or for a
    /// retriable step (whose business failures are transient and retried) running out of
    /// attempts.
    pub fn failing_for_good(saga: &Saga, step: StepId) -> Option<Fault> {
        let fault = match saga.step(step).kind {
            StepKind::Retriable => Fault::Exhaust(step),
            _ => Fault::Fail(step),
        };
        fault.applies_to(saga).then_some(fault)
    }

    /// The step whose own execution the fault changes, for faults that exclude each other.
    fn execution_of(self) -> Option<StepId> {
        match self {
            Fault::Fail(s) | Fault::Exhaust(s) | Fault::Timeout(s) => Some(s),
            _ => None,
        }
    }
}

/// The name outputs use for a compensation's owner: the step id, or `trigger`.
pub fn owner_name(saga: &Saga, owner: Owner) -> String {
    match owner {
        Owner::Trigger => "trigger".to_owned(),
        Owner::Step(s) => saga.step(s).id.value.clone(),
    }
}

/// Whether two faults can be injected in one run. A step cannot both fail for good and
/// fail transiently (or time out) on its first attempt; a timeout followed by exhausted
/// re-sends is allowed (it is the in-doubt pivot that gives up).
pub fn compatible(a: Fault, b: Fault) -> bool {
    match (a.execution_of(), b.execution_of()) {
        (Some(x), Some(y)) if x == y => matches!(
            (a, b),
            (Fault::Timeout(_), Fault::Exhaust(_)) | (Fault::Exhaust(_), Fault::Timeout(_))
        ),
        _ => true,
    }
}

/// Every fault that applies to the saga ([`Fault::applies_to`]), in step order,
/// compensation failures excluded (they are added to each compensating scenario; see
/// [`compensation_faults`]).
pub fn applicable(saga: &Saga, kinds: &[FaultKind]) -> Vec<Fault> {
    let mut out = Vec::new();
    // A crash or a duplicate of an event several steps emit is listed once.
    let mut listed: HashSet<Fault> = HashSet::new();
    let mut offer = |fault: Fault| {
        if kinds.contains(&fault.kind()) && fault.applies_to(saga) && listed.insert(fault) {
            out.push(fault);
        }
    };
    let trigger = saga.trigger.participant;
    if let Some(event) = trigger_event(saga) {
        offer(Fault::Crash {
            participant: trigger,
            event,
        });
        offer(Fault::DupEvent(event));
    }
    for stage in &saga.stages {
        if let Some(&first) = stage.steps().first() {
            offer(Fault::OrchestratorCrash(first));
        }
        for &id in stage.steps() {
            offer(Fault::Fail(id));
            // A timeout before exhaust, so that their combination reads in the order it
            // happens: `timeout:x+exhaust:x` (the re-sends of an in-doubt step give up).
            offer(Fault::Timeout(id));
            offer(Fault::Exhaust(id));
            offer(Fault::DupStep(id));
            let step = saga.step(id);
            let compensation = step.compensation.as_ref().and_then(|c| c.emits.as_ref());
            for event in [
                step.emits_success.as_ref(),
                step.emits_failure.as_ref(),
                compensation,
            ] {
                let event = event.and_then(|e| saga.event_id(&e.value));
                if let Some(event) = event {
                    offer(Fault::Crash {
                        participant: step.participant,
                        event,
                    });
                    offer(Fault::DupEvent(event));
                }
            }
        }
    }
    // The trigger's compensation may announce itself too.
    let undone = saga
        .trigger
        .compensation
        .as_ref()
        .and_then(|c| c.emits.as_ref());
    if let Some(event) = undone.and_then(|e| saga.event_id(&e.value)) {
        offer(Fault::Crash {
            participant: trigger,
            event,
        });
        offer(Fault::DupEvent(event));
    }
    out
}

/// The compensations that can give up, each a `compfail:` fault.
pub fn compensation_faults(saga: &Saga) -> Vec<Fault> {
    std::iter::once(Owner::Trigger)
        .chain(saga.step_ids().map(Owner::Step))
        .map(Fault::CompFail)
        .filter(|f| f.applies_to(saga))
        .collect()
}

/// The event the trigger publishes to start the saga, if it has one.
fn trigger_event(saga: &Saga) -> Option<EventId> {
    saga.trigger
        .event
        .as_ref()
        .and_then(|e| saga.event_id(&e.value))
}

fn consumed(saga: &Saga, event: EventId) -> bool {
    !saga.event(event).consumed_by.is_empty()
}

/// Whether the step runs after the point of no return (so exhausting it leaves the saga
/// stuck instead of compensating).
pub fn after_point_of_no_return(saga: &Saga, step: StepId) -> bool {
    saga.point_of_no_return()
        .is_some_and(|p| step.index() > p.index())
}

/// Whether the step is re-sent when it is in doubt (a pivot or a retriable step).
pub fn resent_in_doubt(saga: &Saga, step: StepId) -> bool {
    matches!(saga.step(step).kind, StepKind::Pivot | StepKind::Retriable)
}
