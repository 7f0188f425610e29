//! The faults the simulator injects, their scenario names, and which of them a saga admits.

use std::collections::HashSet;

use crate::model::{Coordination, EventId, Owner, ParticipantId, Saga, StepId, StepKind};

/// The seven kinds of the fault table; `--faults` takes a list of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, clap::ValueEnum)]
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
    #[value(name = "orchestrator-crash", alias = "orchestrator_crash")]
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

/// Every fault that applies to the saga, in step order, compensation failures excluded
/// (they are added to each compensating scenario; see [`compensation_faults`]).
pub fn applicable(saga: &Saga, kinds: &[FaultKind]) -> Vec<Fault> {
    let on = |k: FaultKind| kinds.contains(&k);
    let mut out = Vec::new();
    // A crash or a duplicate of an event several steps emit is listed once.
    let mut listed: HashSet<Fault> = HashSet::new();
    let mut push_once = |out: &mut Vec<Fault>, fault: Fault| {
        if listed.insert(fault) {
            out.push(fault);
        }
    };
    let orchestration = saga.coordination == Coordination::Orchestration;
    if let Some(event) = saga
        .trigger
        .event
        .as_ref()
        .and_then(|e| saga.event_id(&e.value))
    {
        if on(FaultKind::Crash) {
            push_once(
                &mut out,
                Fault::Crash {
                    participant: saga.trigger.participant,
                    event,
                },
            );
        }
        if on(FaultKind::Duplicate) && !orchestration && consumed(saga, event) {
            push_once(&mut out, Fault::DupEvent(event));
        }
    }
    for stage in &saga.stages {
        if orchestration
            && on(FaultKind::OrchestratorCrash)
            && let Some(&first) = stage.steps().first()
        {
            out.push(Fault::OrchestratorCrash(first));
        }
        for &id in stage.steps() {
            let step = saga.step(id);
            if on(FaultKind::Business) {
                out.push(Fault::Fail(id));
            }
            // A timeout before exhaust, so that their combination reads in the order it
            // happens: `timeout:x+exhaust:x` (the re-sends of an in-doubt step give up).
            if on(FaultKind::Timeout) && orchestration && step.timeout.is_some() {
                out.push(Fault::Timeout(id));
            }
            if on(FaultKind::Exhaust) && step.retry.can_exhaust() {
                out.push(Fault::Exhaust(id));
            }
            if on(FaultKind::Duplicate) && orchestration {
                out.push(Fault::DupStep(id));
            }
            if !orchestration {
                let mut emitted = vec![step.emits_success.as_ref(), step.emits_failure.as_ref()];
                if let Some(c) = &step.compensation {
                    emitted.push(c.emits.as_ref());
                }
                for event in emitted
                    .into_iter()
                    .flatten()
                    .filter_map(|e| saga.event_id(&e.value))
                {
                    if !consumed(saga, event) {
                        continue;
                    }
                    let crash = Fault::Crash {
                        participant: step.participant,
                        event,
                    };
                    if on(FaultKind::Crash) {
                        push_once(&mut out, crash);
                    }
                    if on(FaultKind::Duplicate) {
                        push_once(&mut out, Fault::DupEvent(event));
                    }
                }
            }
        }
    }
    if !orchestration {
        // The trigger's compensation may announce itself too.
        if let Some(event) = saga
            .trigger
            .compensation
            .as_ref()
            .and_then(|c| c.emits.as_ref())
            .and_then(|e| saga.event_id(&e.value))
            .filter(|&e| consumed(saga, e))
        {
            let crash = Fault::Crash {
                participant: saga.trigger.participant,
                event,
            };
            if on(FaultKind::Crash) {
                push_once(&mut out, crash);
            }
            if on(FaultKind::Duplicate) {
                push_once(&mut out, Fault::DupEvent(event));
            }
        }
    }
    out
}

/// The compensations that can give up, each a `compfail:` fault.
pub fn compensation_faults(saga: &Saga) -> Vec<Fault> {
    std::iter::once(Owner::Trigger)
        .chain(saga.step_ids().map(Owner::Step))
        .filter(|&o| saga.compensation(o).is_some_and(|c| c.retry.can_exhaust()))
        .map(Fault::CompFail)
        .collect()
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
