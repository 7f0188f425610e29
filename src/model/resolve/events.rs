//! The events: those the trigger, steps, compensations and reactions name, the terminal
//! ones, and the catalogue under `events`, gathered into one table of who emits and who
//! consumes each.

use std::collections::HashMap;

use super::Resolver;
use crate::model::names::Form;
use crate::model::{
    Compensation, Coordination, Emitter, Event, Handler, Owner, ReactionId, Saga, StepId,
};
use crate::source::Spanned;
use crate::syntax::SpecDef;

/// An event named in the catalogue, with its payload fields.
pub(super) type CatalogueEntry = (Spanned<String>, Vec<Spanned<String>>);

impl Resolver<'_> {
    pub(super) fn terminal_events(
        &mut self,
        spec: &SpecDef,
        style: Coordination,
    ) -> Vec<Spanned<String>> {
        let Some(list) = &spec.terminal_events else {
            return Vec::new();
        };
        if style == Coordination::Orchestration {
            self.wrong_style(
                list.span,
                "terminal_events",
                style,
                "an orchestration's steps emit no events: remove `terminal_events`",
            );
            return Vec::new();
        }
        for e in &list.value {
            self.name(e, Form::Event, "event");
        }
        list.value.clone()
    }

    /// The events declared under `events`, with their fields.
    pub(super) fn catalogue(&mut self, spec: &SpecDef) -> Vec<CatalogueEntry> {
        let Some(events) = &spec.events else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (name, def) in &events.value.0 {
            self.name(name, Form::Event, "event");
            let fields = def
                .as_ref()
                .map(|d| self.fields(&d.value.data))
                .unwrap_or_default();
            out.push((name.clone(), fields));
        }
        out
    }
}

/// The event table: every event named anywhere, with who emits and who consumes it, in
/// order of first mention.
pub(super) fn events(saga: &Saga, catalogue: Vec<CatalogueEntry>) -> Vec<Event> {
    let mut table = EventTable::default();
    if let Some(e) = &saga.trigger.event {
        table.entry(e).emitted_by.push((Emitter::Trigger, e.span));
    }
    if let Some(c) = &saga.trigger.compensation {
        table.compensation(Owner::Trigger, c);
    }
    for (i, step) in saga.steps.iter().enumerate() {
        let id = StepId::new(i);
        if let Some(e) = &step.consumes {
            table.entry(e).consumed_by.push((Handler::Step(id), e.span));
        }
        if let Some(e) = &step.emits_success {
            table
                .entry(e)
                .emitted_by
                .push((Emitter::StepSuccess(id), e.span));
        }
        if let Some(e) = &step.emits_failure {
            table
                .entry(e)
                .emitted_by
                .push((Emitter::StepFailure(id), e.span));
        }
        // Version 2's map: one emitter per event, however many failures publish it.
        for e in &step.emits_failure_by {
            let event = table.entry(&e.event);
            if !event
                .emitted_by
                .iter()
                .any(|(emitter, _)| *emitter == Emitter::StepFailure(id))
            {
                event
                    .emitted_by
                    .push((Emitter::StepFailure(id), e.event.span));
            }
        }
        if let Some(c) = &step.compensation {
            table.compensation(Owner::Step(id), c);
        }
    }
    for (i, r) in saga.reactions.iter().enumerate() {
        for e in &r.consumes {
            table
                .entry(e)
                .consumed_by
                .push((Handler::Reaction(ReactionId::new(i)), e.span));
        }
    }
    for e in &saga.terminal_events {
        table.entry(e).terminal.get_or_insert(e.span);
    }
    for (name, fields) in catalogue {
        let event = table.entry(&name);
        event.declared = Some(name.span);
        event.data = fields;
    }
    table.events
}

#[derive(Default)]
struct EventTable {
    events: Vec<Event>,
    index: HashMap<String, usize>,
}

impl EventTable {
    fn entry(&mut self, name: &Spanned<String>) -> &mut Event {
        let events = &mut self.events;
        let i = *self.index.entry(name.value.clone()).or_insert_with(|| {
            events.push(Event {
                name: name.value.clone(),
                emitted_by: Vec::new(),
                consumed_by: Vec::new(),
                terminal: None,
                data: Vec::new(),
                declared: None,
            });
            events.len() - 1
        });
        &mut self.events[i]
    }

    fn compensation(&mut self, owner: Owner, c: &Compensation) {
        for e in &c.consumes {
            self.entry(e)
                .consumed_by
                .push((Handler::Compensation(owner), e.span));
        }
        if let Some(e) = &c.emits {
            self.entry(e)
                .emitted_by
                .push((Emitter::CompensationDone(owner), e.span));
        }
    }
}
