//! A choreography's reactions: handlers of events that are not saga steps.

use super::Resolver;
use crate::model::names::Form;
use crate::model::{Coordination, Reaction};
use crate::syntax::SpecDef;

impl Resolver<'_> {
    pub(super) fn reactions(&mut self, spec: &SpecDef, style: Coordination) -> Vec<Reaction> {
        let Some(defs) = &spec.reactions else {
            return Vec::new();
        };
        if style == Coordination::Orchestration {
            self.wrong_style(defs.span, "reactions", style, "the orchestrator does the saga's follow-up work as steps: make each reaction a step, or switch to `coordination: choreography`");
            return Vec::new();
        }
        let mut out = Vec::new();
        for def in &defs.value {
            let span = self.widen(def.span);
            let r = &def.value;
            let participant = self.required(
                &r.participant,
                span,
                "participant",
                "a reaction",
                "name the service that reacts",
            );
            let consumes = self.required(
                &r.consumes,
                span,
                "consumes",
                "a reaction",
                "name the event(s) the reaction handles",
            );
            let action = self.required(
                &r.action,
                span,
                "action",
                "a reaction",
                "name the action the service runs",
            );
            let (Some(participant), Some(consumes), Some(action)) = (participant, consumes, action)
            else {
                continue;
            };
            self.name(action, Form::Pascal, "action");
            let consumes = consumes.items();
            for e in &consumes {
                self.name(e, Form::Event, "event");
            }
            out.push(Reaction {
                participant: self.participant_ref(participant),
                participant_span: participant.span,
                consumes,
                action: action.clone(),
                description: r.description.as_ref().map(|d| d.value.clone()),
                span,
            });
        }
        out
    }
}
