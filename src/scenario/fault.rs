//! The faults the simulator injects, their scenario names, and which of them a saga admits.

use std::collections::HashSet;

use crate::model::{
    BuiltinFailure, Coordination, EventId, FailureThen, OnUncaught, Owner, ParticipantId, Saga,
    StepId, StepKind,
};

/// The kinds of the fault table: version 1's seven, then version 2's five (the command
/// line names them in `cli.rs`).
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
    /// `uncaught:<step>`: the first attempt meets an error the spec does not declare.
    Uncaught,
    /// `outage:<participant>`: no forward command to the participant is processed.
    Outage,
    /// `deadline:<step>`: the saga's deadline passes while the step is current.
    Deadline,
    /// `cancel:<step>`: the caller cancels when the step's command is sent.
    Cancel,
    /// `comptimeout:<owner>`: a compensation's attempt gets no answer in time (never
    /// counted in --max-faults).
    CompTimeout,
}

impl FaultKind {
    /// Every kind: the default for a version 2 spec (`--faults` may name any of them for
    /// a version 1 spec too).
    pub const EVERY: [FaultKind; 12] = [
        FaultKind::Business,
        FaultKind::Exhaust,
        FaultKind::Timeout,
        FaultKind::Compfail,
        FaultKind::Crash,
        FaultKind::OrchestratorCrash,
        FaultKind::Duplicate,
        FaultKind::Uncaught,
        FaultKind::Outage,
        FaultKind::Deadline,
        FaultKind::Cancel,
        FaultKind::CompTimeout,
    ];

    /// The kinds injected when none are named: version 1's seven for a version 1 spec,
    /// all twelve for a version 2 one.
    pub fn defaults(saga: &Saga) -> &'static [FaultKind] {
        if saga.is_v2() {
            &FaultKind::EVERY
        } else {
            &FaultKind::ALL
        }
    }

    /// Version 1's seven kinds.
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
            FaultKind::Uncaught => "uncaught",
            FaultKind::Outage => "outage",
            FaultKind::Deadline => "deadline",
            FaultKind::Cancel => "cancel",
            FaultKind::CompTimeout => "comptimeout",
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
    /// The step answers the failure at this index of its `failures` (not the first):
    /// `fail:<step>@<Failure>`.
    FailAs(StepId, u8),
    /// Every attempt of the step fails with the `then: retry` class at this index of its
    /// `failures`: `exhaust:<step>@<Failure>`.
    ExhaustAs(StepId, u8),
    /// The step's first attempt meets an error the spec does not declare.
    Uncaught(StepId),
    /// The participant is down: it processes and answers no forward command.
    Outage(ParticipantId),
    /// The deadline passes while the step is current.
    Deadline(StepId),
    /// The caller cancels when the step's command is sent.
    Cancel(StepId),
    /// The compensation's first attempt gets no answer in time.
    CompTimeout(Owner),
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
            Fault::FailAs(..) => FaultKind::Business,
            Fault::ExhaustAs(..) => FaultKind::Exhaust,
            Fault::Uncaught(_) => FaultKind::Uncaught,
            Fault::Outage(_) => FaultKind::Outage,
            Fault::Deadline(_) => FaultKind::Deadline,
            Fault::Cancel(_) => FaultKind::Cancel,
            Fault::CompTimeout(_) => FaultKind::CompTimeout,
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
            Fault::FailAs(s, i) => format!("fail:{}@{}", step(s), failure_name(saga, s, i)),
            Fault::ExhaustAs(s, i) => {
                format!("exhaust:{}@{}", step(s), failure_name(saga, s, i))
            }
            Fault::Uncaught(s) => format!("uncaught:{}", step(s)),
            Fault::Outage(p) => format!("outage:{}", saga.participant(p).name.value),
            Fault::Deadline(s) => format!("deadline:{}", step(s)),
            Fault::Cancel(s) => format!("cancel:{}", step(s)),
            Fault::CompTimeout(o) => format!("comptimeout:{}", owner_name(saga, o)),
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
            // Version 2: also a compensation that gives up at once on an absent effect.
            Fault::CompFail(o) => saga.compensation(o).is_some_and(|c| {
                c.retry.can_exhaust() || c.absent_effect.value == crate::model::AbsentEffect::Fail
            }),
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
            Fault::FailAs(s, i) => {
                further_failure(saga, s, i) || (!orchestration && own_event(saga, s, i))
            }
            Fault::ExhaustAs(s, i) => business(saga, s, i).is_some_and(|f| {
                f.then.value == FailureThen::Retry
                    && f.retry.as_ref().is_some_and(|r| r.can_exhaust())
            }),
            Fault::Uncaught(s) => uncaught_applies(saga, s),
            Fault::Outage(p) => {
                orchestration
                    && saga.steps.iter().any(|s| {
                        s.participant == p
                            && matches!(s.kind, StepKind::Compensatable | StepKind::ReadOnly)
                    })
            }
            // In a choreography the deadline travels with the saga's events.
            Fault::Deadline(s) => deadline_reaches(saga, s),
            Fault::Cancel(s) => orchestration && cancel_applies(saga, s),
            Fault::CompTimeout(o) => saga.compensation(o).is_some_and(|c| c.timeout.is_some()),
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
            Fault::Fail(s)
            | Fault::Exhaust(s)
            | Fault::Timeout(s)
            | Fault::FailAs(s, _)
            | Fault::ExhaustAs(s, _)
            | Fault::Uncaught(s) => Some(s),
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
            (Fault::Timeout(_), Fault::Exhaust(_) | Fault::ExhaustAs(..))
                | (Fault::Exhaust(_) | Fault::ExhaustAs(..), Fault::Timeout(_))
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
            let failures = saga
                .step(id)
                .failure_handling
                .len()
                .min(usize::from(u8::MAX));
            for i in 0..failures as u8 {
                offer(Fault::FailAs(id, i));
            }
            for i in 0..failures as u8 {
                offer(Fault::ExhaustAs(id, i));
            }
            offer(Fault::Uncaught(id));
            offer(Fault::Deadline(id));
            offer(Fault::Cancel(id));
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
    // Outages last, per participant in order of first use.
    let mut used: Vec<ParticipantId> = Vec::new();
    for step in &saga.steps {
        if !used.contains(&step.participant) {
            used.push(step.participant);
            offer(Fault::Outage(step.participant));
        }
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

/// The compensations whose attempt can time out, each a `comptimeout:` fault (added like
/// `compfail:` to every scenario where the compensation runs, never counted).
pub fn compensation_timeouts(saga: &Saga, kinds: &[FaultKind]) -> Vec<Fault> {
    if !kinds.contains(&FaultKind::CompTimeout) {
        return Vec::new();
    }
    std::iter::once(Owner::Trigger)
        .chain(saga.step_ids().map(Owner::Step))
        .map(Fault::CompTimeout)
        .filter(|f| f.applies_to(saga))
        .collect()
}

/// The entry of a step's `failures` at `i`, when it is a business failure.
fn business(saga: &Saga, s: StepId, i: u8) -> Option<&crate::model::Failure> {
    saga.step(s)
        .failure_handling
        .get(usize::from(i))
        .filter(|f| f.builtin.is_none())
}

/// The name a scenario gives the failure at `i` of a step's `failures`.
fn failure_name(saga: &Saga, s: StepId, i: u8) -> String {
    saga.step(s)
        .failure_handling
        .get(usize::from(i))
        .map_or_else(String::new, |f| f.name.value.clone())
}

/// Whether the business failure at `i` is not the step's first and is handled otherwise
/// than the first (`fail:<step>` is the first's scenario).
fn further_failure(saga: &Saga, s: StepId, i: u8) -> bool {
    let step = saga.step(s);
    let Some(first) = step
        .failure_handling
        .iter()
        .position(|f| f.builtin.is_none())
    else {
        return false;
    };
    let Some(f) = business(saga, s, i) else {
        return false;
    };
    let head = &step.failure_handling[first];
    usize::from(i) != first
        && (f.then.value != head.then.value || f.keeps != head.keeps || f.retry != head.retry)
}

/// Whether the business failure at `i` publishes another event than the step's first
/// (a choreography's `emits.failure` map).
fn own_event(saga: &Saga, s: StepId, i: u8) -> bool {
    let step = saga.step(s);
    let Some(f) = business(saga, s, i) else {
        return false;
    };
    let first = step
        .failure_handling
        .iter()
        .find(|f| f.builtin.is_none())
        .map(|f| f.name.value.as_str());
    let event = |name: &str| step.failure_event(name).map(|e| e.value.as_str());
    first != Some(f.name.value.as_str()) && event(&f.name.value) != first.and_then(event)
}

/// A step's `on_uncaught` as it acts: `compensate` on a retriable step is one transient
/// failure, retried as under `retry` (`failure-semantics.md`, second pass, detail 4). The
/// answer lives on the model (`Step::uncaught_handling`) so that the rules below the
/// simulation (G408) read the same one; the generated code does the same.
pub fn uncaught_handling(step: &crate::model::Step) -> OnUncaught {
    step.uncaught_handling()
}

/// Whether an undeclared error at the step makes a run of its own (not one that `fail:`
/// or `timeout:` already is).
fn uncaught_applies(saga: &Saga, s: StepId) -> bool {
    let step = saga.step(s);
    match uncaught_handling(step) {
        // Retried: on a retriable step it is what `fail:` does, and with one attempt what
        // `exhaust:` does.
        OnUncaught::Retry => {
            step.kind != StepKind::Retriable
                && step.retry.max_attempts.limit().is_none_or(|n| n > 1)
        }
        // Unanswered: with a timeout it is what `timeout:` does, unless a failed attempt
        // may have applied its effect.
        OnUncaught::NoReply => step.timeout.is_none() || !step.transactional.value,
        OnUncaught::Compensate | OnUncaught::Terminate => true,
    }
}

/// Whether the deadline can pass while the step is current: a saga with a deadline, a
/// step before the point of no return (any step when it applies always).
pub fn deadline_reaches(saga: &Saga, s: StepId) -> bool {
    let Some(policy) = &saga.deadline_policy else {
        return false;
    };
    if saga.deadline.is_none() {
        return false;
    }
    policy.applies.value == crate::model::Applies::Always
        || saga
            .point_of_no_return()
            .is_none_or(|p| saga.step(s).stage <= saga.step(p).stage)
}

/// Whether a cancel is modelled when the step's command is sent: the first step of each
/// stage, through the first stage after the point of no return (to show the refusal).
fn cancel_applies(saga: &Saga, s: StepId) -> bool {
    if saga.cancellation.is_none() {
        return false;
    }
    let stage = saga.step(s).stage;
    let first = saga.stages[stage].steps().first() == Some(&s);
    let last = saga
        .point_of_no_return()
        .map_or(saga.stages.len(), |p| saga.step(p).stage + 1);
    first && stage <= last
}

/// A built-in failure's handling written in a step's `failures` (`TimedOut`, `Exhausted`).
pub fn builtin_handling(
    saga: &Saga,
    s: StepId,
    builtin: BuiltinFailure,
) -> Option<&crate::model::Failure> {
    saga.step(s)
        .failure_handling
        .iter()
        .find(|f| f.builtin == Some(builtin))
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
