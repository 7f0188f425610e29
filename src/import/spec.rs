//! The draft as the spec's syntax tree: the [`SpecDef`] a spec file would have given, each
//! value spanned at the source element it comes from, so the resolver, the rules and the
//! simulation report at the original file's lines.

use super::draft::{Compensation, Deadline, Draft, Outcome, Retry, Stage, Step};
use crate::source::{Span, Spanned};
use crate::syntax::spanned::OrderedMap;
use crate::syntax::{
    Applies, DeadlineDef, DeadlineLong, DeadlineThen, FailureDef, FailureLong, FailureThen,
    OnFailure, OnUncaught, OutcomeDef, OutcomeValuesDef,
};
use crate::syntax::{
    CompensationDef, CompensationLong, Coordination, OrchestratorDef, ParticipantDef, RetryDef,
    SpecDef, StepDef, TriggerDef,
};

/// The participant that starts the saga (a client starting the execution).
pub const STARTER: &str = "client";

pub fn spec(draft: &Draft) -> SpecDef {
    let top = draft.name.span;
    let at = |value: String| Spanned::new(value, top);
    let participants = participants(draft)
        .into_iter()
        .map(|(name, span)| {
            (
                Spanned::new(name, span),
                Some(Spanned::new(ParticipantDef::default(), span)),
            )
        })
        .collect();
    SpecDef {
        version: Some(Spanned::new(draft.version(), top)),
        saga: Some(draft.name.clone()),
        description: draft.description.clone().map(at),
        coordination: Some(Spanned::new(Coordination::Orchestration, top)),
        rationale: None,
        participants: Some(Spanned::new(OrderedMap(participants), top)),
        orchestrator: Some(Spanned::new(
            OrchestratorDef {
                participant: None,
                log: None,
                engine: Some(at(draft.engine.to_owned())),
            },
            top,
        )),
        deadline: draft.deadline.as_ref().map(deadline),
        trigger: Some(Spanned::new(
            TriggerDef {
                participant: Some(Spanned::new(STARTER.to_owned(), draft.start)),
                action: Some(Spanned::new(draft.trigger_action.clone(), draft.start)),
                compensation: None,
                event: None,
                data: None,
                outbox: None,
                description: None,
                effects: None,
            },
            draft.start,
        )),
        steps: Some(Spanned::new(draft.stages.iter().map(stage).collect(), top)),
        reactions: None,
        events: None,
        terminal_events: None,
        compensation_defaults: None,
        escalation: None,
        on_uncaught: draft.on_uncaught.clone(),
        outcome: draft.outcome.as_ref().map(outcome),
        cancellation: None,
        // The formats carry no field types: every field stays a string.
        fields: None,
        records: None,
        // Nor the data the steps touch: no isolation keys.
        resources: None,
        isolation: None,
    }
}

/// The participants in the order the saga meets them, the starter first.
pub fn participants(draft: &Draft) -> Vec<(String, Span)> {
    let mut out = vec![(STARTER.to_owned(), draft.start)];
    for step in draft.stages.iter().flat_map(Stage::steps) {
        if !out.iter().any(|(n, _)| *n == step.participant.value) {
            out.push((step.participant.value.clone(), step.participant.span));
        }
    }
    out
}

fn stage(stage: &Stage) -> Spanned<StepDef> {
    match stage {
        Stage::Step(s) => step(s),
        Stage::Parallel(steps, span) => Spanned::new(
            StepDef {
                parallel: Some(Spanned::new(steps.iter().map(step).collect(), *span)),
                ..StepDef::default()
            },
            *span,
        ),
    }
}

fn step(step: &Step) -> Spanned<StepDef> {
    let span = step.id.span;
    Spanned::new(
        StepDef {
            id: Some(step.id.clone()),
            participant: Some(step.participant.clone()),
            action: Some(step.action.clone()),
            kind: step.kind.clone(),
            compensation: step.compensation.as_ref().map(compensation),
            failures: failures(step),
            timeout: step.timeout.clone(),
            retry: step.retry.as_ref().map(retry),
            on_uncaught: step
                .catches_all
                .as_ref()
                .map(|at| Spanned::new(OnUncaught::Compensate, at.span)),
            ..StepDef::default()
        },
        span,
    )
}

/// The step's business failures, then a timeout nothing catches (it terminates).
fn failures(step: &Step) -> Option<Spanned<Vec<Spanned<FailureDef>>>> {
    let mut out: Vec<Spanned<FailureDef>> = step
        .failures
        .iter()
        .map(|f| Spanned::new(FailureDef::Short(f.value.clone()), f.span))
        .collect();
    if let Some(at) = step.timeout_terminates {
        let long = FailureLong {
            name: Some(Spanned::new("TimedOut".to_owned(), at)),
            then: Some(Spanned::new(FailureThen::Terminate, at)),
            retry: None,
            keeps: None,
        };
        out.push(Spanned::new(FailureDef::Long(Box::new(long)), at));
    }
    (!out.is_empty()).then(|| Spanned::new(out, step.id.span))
}

fn compensation(c: &Compensation) -> Spanned<CompensationDef> {
    let span = c.action.span;
    let def = match &c.retry {
        None if c.runs_for.is_none() && !c.continues => {
            CompensationDef::Short(c.action.value.clone())
        }
        r => CompensationDef::Long(Box::new(CompensationLong {
            action: Some(c.action.clone()),
            retry: r.as_ref().map(retry),
            reads: None,
            consumes: None,
            emits: None,
            description: None,
            reads_if_present: None,
            runs_for: c.runs_for.map(|r| Spanned::new(r, span)),
            absent_effect: None,
            on_failure: c.continues.then(|| Spanned::new(OnFailure::Continue, span)),
            timeout: None,
            effects: None,
        })),
    };
    Spanned::new(def, span)
}

fn retry(r: &Retry) -> Spanned<RetryDef> {
    Spanned::new(
        RetryDef {
            max_attempts: Some(r.max_attempts.clone()),
            backoff: r.backoff.clone(),
            initial: r.initial.clone(),
            max: r.max.clone(),
            within: None,
            jitter: None,
        },
        r.max_attempts.span,
    )
}

fn deadline(d: &Deadline) -> Spanned<DeadlineDef> {
    let span = d.after.span;
    let def = if d.terminates {
        DeadlineDef::Long(Box::new(DeadlineLong {
            after: Some(d.after.clone()),
            then: Some(Spanned::new(DeadlineThen::Terminate, span)),
            applies: Some(Spanned::new(Applies::Always, span)),
            keeps: None,
        }))
    } else {
        DeadlineDef::Short(d.after.value.clone())
    };
    Spanned::new(def, span)
}

fn outcome(o: &Outcome) -> Spanned<OutcomeDef> {
    let any = o.completed.is_some() || o.compensated.is_some() || o.terminated.is_some();
    let values = any.then(|| {
        Spanned::new(
            OutcomeValuesDef {
                completed: o.completed.clone(),
                compensated: o.compensated.clone(),
                terminated: o.terminated.clone(),
                needs_attention: None,
                cancelled: None,
            },
            o.span,
        )
    });
    Spanned::new(
        OutcomeDef {
            delivery: Some(Spanned::new(o.delivery, o.span)),
            event: None,
            participant: None,
            at: None,
            reads: None,
            values,
        },
        o.span,
    )
}
