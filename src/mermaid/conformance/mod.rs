//! Whether a student's sequence diagram draws their own spec: each participant is one of
//! the spec's (by id or label, [`super::names`]), each message names something the spec
//! has, and each failure path runs the compensations the simulator runs for that failure,
//! in that order. What is wrong comes back as typed [`Finding`]s with spans in the file;
//! `rules::mermaid` words them (M910 to M915). The rules are written down in
//! `docs/diagrams.md`, "Checking a student's diagram".

mod failures;
mod meaning;
mod participants;

use std::collections::HashMap;

use crate::model::{Owner, ParticipantId, Saga, StepId};
use crate::scenario::Fault;
use crate::source::Span;

use super::diagram::Diagram;
use super::names::NameIndex;
pub use meaning::Name;
use meaning::Verbs;

/// What a diagram shows that its spec does not have, or leaves out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Finding {
    /// A participant that stands for none of the spec's.
    UnknownParticipant {
        span: Span,
        id: String,
        label: String,
    },
    /// An orchestrator drawn for a choreography, which has none.
    OrchestratorInChoreography { span: Span, label: String },
    /// A message that names no action, event, compensation or failure of the spec.
    UnknownMessage {
        span: Span,
        text: String,
        /// The spec participants the message asks to do something, when known.
        workers: Vec<ParticipantId>,
    },
    /// A compensation drawn after a failure that the simulator does not run for it.
    CompensationNotRun {
        span: Span,
        drawn: Owner,
        failed: StepId,
        expected: Vec<Owner>,
        /// The simulator's scenario of the failure (`fail:charge_payment`), when it has one.
        scenario: Option<String>,
    },
    /// A compensation the simulator runs after a failure, missing from its path.
    CompensationNotDrawn {
        /// The message that says the step failed.
        span: Span,
        missing: Owner,
        failed: StepId,
        expected: Vec<Owner>,
        scenario: Option<String>,
    },
    /// Compensations drawn in another order than the orchestrator runs them.
    CompensationOrder {
        /// The first compensation drawn too early.
        span: Span,
        drawn: Vec<Owner>,
        failed: StepId,
        expected: Vec<Owner>,
        scenario: Option<String>,
    },
}

impl Finding {
    pub fn span(&self) -> Span {
        match self {
            Finding::UnknownParticipant { span, .. }
            | Finding::OrchestratorInChoreography { span, .. }
            | Finding::UnknownMessage { span, .. }
            | Finding::CompensationNotRun { span, .. }
            | Finding::CompensationNotDrawn { span, .. }
            | Finding::CompensationOrder { span, .. } => *span,
        }
    }
}

/// A spec ready to compare diagrams with: its names indexed once, and the compensations
/// the simulator runs for each failing step, asked once per step.
pub struct Spec<'a> {
    pub saga: &'a Saga,
    names: NameIndex<Name>,
    participants: NameIndex<ParticipantId>,
    verbs: Verbs,
    /// Each participant's steps, in order.
    steps_of: HashMap<ParticipantId, Vec<StepId>>,
    /// Whether failure paths may be simulated (a resolved model of a bounded size).
    simulate: bool,
    compensations: HashMap<(StepId, failures::How), Failure>,
}

/// What the simulator does when a step fails for good.
#[derive(Debug, Clone, Default)]
pub(super) struct Failure {
    /// The compensations it runs, in order (the trigger's last).
    pub compensations: Vec<Owner>,
    /// Its scenario's name (`fail:charge_payment`); `None` for a step that never fails for
    /// good (retried until it succeeds).
    pub scenario: Option<String>,
}

impl<'a> Spec<'a> {
    /// `simulate`: compare failure paths with the simulator's runs; the caller allows it for
    /// a model that resolved and whose size it bounds.
    pub fn new(saga: &'a Saga, simulate: bool) -> Self {
        let mut participants = NameIndex::new();
        for (i, p) in saga.participants.iter().enumerate() {
            participants.insert(&p.name.value, ParticipantId::new(i));
        }
        let mut steps_of: HashMap<ParticipantId, Vec<StepId>> = HashMap::new();
        for s in saga.step_ids() {
            steps_of
                .entry(saga.step(s).participant)
                .or_default()
                .push(s);
        }
        Spec {
            saga,
            names: meaning::index(saga),
            participants,
            verbs: Verbs::new(saga),
            steps_of,
            simulate,
            compensations: HashMap::new(),
        }
    }

    /// Everything the diagram shows that the spec does not say, in the diagram's order.
    pub fn check(&mut self, diagram: &Diagram) -> Vec<Finding> {
        let mut findings = Vec::new();
        let cast = participants::cast(self, diagram, &mut findings);
        let meanings = meaning::read(self, diagram, &cast, &mut findings);
        if self.simulate {
            failures::check(self, diagram, &meanings, &mut findings);
        }
        findings.sort_by_key(Finding::span);
        findings
    }

    /// What the simulator does when `step` fails for good: exhausted, when the diagram says
    /// it gave up after its attempts, else for a business reason (for a retriable step,
    /// whose business failures are retried, running out of attempts), or (version 2) by
    /// the fault the diagram names. No compensation when it cannot fail for good (a step
    /// retried until it succeeds).
    fn failure(&mut self, step: StepId, how: failures::How) -> &Failure {
        let saga = self.saga;
        self.compensations.entry((step, how)).or_insert_with(|| {
            let exhaust = Fault::Exhaust(step);
            let fault = match how {
                failures::How::Fault(fault) => Some(fault),
                failures::How::Exhausted if exhaust.applies_to(saga) => Some(exhaust),
                _ => Fault::failing_for_good(saga, step),
            };
            match fault {
                Some(fault) => Failure {
                    compensations: crate::scenario::representative(saga, &[fault]).compensated,
                    scenario: Some(fault.name(saga)),
                },
                None => Failure::default(),
            }
        })
    }
}
