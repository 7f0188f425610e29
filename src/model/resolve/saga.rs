//! The top level of a spec: its version, name and coordination style, and the order in
//! which the rest is resolved into a [`Saga`].

use std::collections::HashMap;

use super::Resolver;
use super::events::events;
use crate::model::graph::Graph;
use crate::model::names::Form;
use crate::model::problem::{List, Problem};
use crate::model::{Coordination, EventId, Saga};
use crate::source::{Span, Spanned};
use crate::syntax::{self, SpecDef};

impl Resolver<'_> {
    /// The saga, or `None` when a part everything else needs (the trigger, the steps) is
    /// missing. Whatever can be checked is checked either way.
    pub(super) fn saga(&mut self, spec: &SpecDef) -> Option<Saga> {
        let top = Span::new(0, self.line_end(0));
        let (version, version_span, features) = self.version(spec, top);
        let name = self.saga_name(spec, top);
        let coordination = self.coordination(spec, top);
        let style = coordination.value;

        self.declare_participants(spec, top);
        self.compensation_defaults(spec);

        let Some(trigger_def) = &spec.trigger else {
            self.missing(
                top,
                "trigger",
                "the top level",
                "add a `trigger:` with the participant and action that start the saga",
            );
            return None;
        };
        let trigger = self.trigger(trigger_def, style)?;
        let orchestrator = self.orchestrator(spec, style, &trigger);
        let on_uncaught = self.saga_on_uncaught(spec, style, orchestrator.as_ref());
        let escalation = self.escalation(spec, style);
        let outcome = self.outcome(spec, orchestrator.as_ref(), &trigger);

        let Some(steps_def) = &spec.steps else {
            self.missing(
                top,
                "steps",
                "the top level",
                "add `steps:` with at least one step",
            );
            return None;
        };
        if steps_def.value.is_empty() {
            let span = self.widen(steps_def.span);
            self.report(Problem::EmptyList {
                span,
                list: List::Steps,
            });
            return None;
        }
        let (mut steps, stages) = self.steps(steps_def, style);
        if steps.is_empty() {
            return None;
        }
        self.duplicate_step_ids(&steps);
        self.failure_keeps(&mut steps);

        let reactions = self.reactions(spec, style);
        let terminal_events = self.terminal_events(spec, style);
        let (deadline, deadline_policy) = self.deadline(spec, &steps);
        let cancellation = self.cancellation(spec, style, &steps);
        let catalogue = self.catalogue(spec);
        let types = self.types(spec);
        let resources = self.resources(spec, &trigger, &steps, &reactions);

        let mut saga = Saga {
            version,
            version_span,
            features,
            name,
            description: spec.description.as_ref().map(|d| d.value.clone()),
            coordination: style,
            coordination_span: coordination.span,
            rationale: spec.rationale.clone(),
            participants: std::mem::take(&mut self.participants),
            orchestrator,
            deadline,
            deadline_policy,
            on_uncaught,
            escalation,
            outcome,
            default_reads_if_present: self.defaults_reads_if_present(),
            cancellation,
            trigger,
            steps,
            stages,
            reactions,
            events: Vec::new(),
            terminal_events,
            graph: Graph::default(),
            types,
            resources,
            event_index: HashMap::new(),
        };
        saga.events = events(&saga, catalogue);
        saga.event_index = saga
            .events
            .iter()
            .enumerate()
            .map(|(i, e)| (e.name.clone(), EventId::new(i)))
            .collect();
        saga.graph = Graph::build(&saga);
        Some(saga)
    }

    fn saga_name(&mut self, spec: &SpecDef, top: Span) -> Spanned<String> {
        match &spec.saga {
            Some(name) => {
                self.name(name, Form::Snake, "saga name");
                name.clone()
            }
            None => {
                self.missing(
                    top,
                    "saga",
                    "the top level",
                    "add `saga: place_order` (a snake_case name)",
                );
                Spanned::new(String::new(), top)
            }
        }
    }

    /// The coordination style; when it is missing, guessed from the steps so that the
    /// rest can still be checked.
    fn coordination(&mut self, spec: &SpecDef, top: Span) -> Spanned<Coordination> {
        if let Some(c) = &spec.coordination {
            let style = match c.value {
                syntax::Coordination::Orchestration => Coordination::Orchestration,
                syntax::Coordination::Choreography => Coordination::Choreography,
            };
            return Spanned::new(style, c.span);
        }
        self.missing(
            top,
            "coordination",
            "the top level",
            "add `coordination: orchestration` or `coordination: choreography`",
        );
        let choreography = spec
            .steps
            .iter()
            .flat_map(|s| &s.value)
            .any(|s| s.value.consumes.is_some());
        let style = if choreography {
            Coordination::Choreography
        } else {
            Coordination::Orchestration
        };
        Spanned::new(style, top)
    }
}
