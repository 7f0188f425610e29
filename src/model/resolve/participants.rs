//! The participants: those declared under `participants` (with their outboxes), and the
//! references to them from the trigger, the steps, the reactions and the orchestrator.

use super::Resolver;
use crate::model::names::Form;
use crate::model::problem::{List, Problem};
use crate::model::{Outbox, Participant, ParticipantId, Relay};
use crate::source::{Span, Spanned};
use crate::syntax::{self, SpecDef};

impl Resolver<'_> {
    pub(super) fn declare_participants(&mut self, spec: &SpecDef, top: Span) {
        let Some(participants) = &spec.participants else {
            self.missing(
                top,
                "participants",
                "the top level",
                "add `participants:` with one entry per service",
            );
            return;
        };
        if participants.value.0.is_empty() {
            let span = self.widen(participants.span);
            self.report(Problem::EmptyList {
                span,
                list: List::Participants,
            });
        }
        for (name, def) in &participants.value.0 {
            self.name(name, Form::Snake, "participant name");
            self.reserved(name, "participant");
            let def = def.as_ref().map(|d| &d.value);
            let written = def.and_then(|d| d.outbox.as_ref());
            let outbox = written.and_then(|o| self.outbox(o));
            let incomplete_outbox = written.filter(|_| outbox.is_none()).map(|o| o.span);
            let id = ParticipantId::new(self.participants.len());
            self.by_name.insert(name.value.clone(), id);
            self.participants.push(Participant {
                name: name.clone(),
                declared: true,
                description: def
                    .and_then(|d| d.description.as_ref())
                    .map(|d| d.value.clone()),
                outbox,
                incomplete_outbox,
            });
        }
    }

    /// The participant a name refers to; an undeclared one is reported and added, so the
    /// rest of the spec is still checked.
    pub(super) fn participant_ref(&mut self, name: &Spanned<String>) -> ParticipantId {
        if let Some(&id) = self.by_name.get(&name.value)
            && self.participants[id.index()].declared
        {
            return id;
        }
        let declared = self
            .participants
            .iter()
            .filter(|p| p.declared)
            .map(|p| p.name.value.clone())
            .collect();
        self.report(Problem::UndeclaredParticipant {
            name: name.clone(),
            declared,
        });
        if let Some(&id) = self.by_name.get(&name.value) {
            return id;
        }
        let id = ParticipantId::new(self.participants.len());
        self.by_name.insert(name.value.clone(), id);
        self.participants.push(Participant {
            name: name.clone(),
            declared: false,
            description: None,
            outbox: None,
            incomplete_outbox: None,
        });
        id
    }

    pub(super) fn outbox(&mut self, def: &Spanned<syntax::OutboxDef>) -> Option<Outbox> {
        let span = self.widen(def.span);
        let o = &def.value;
        let table = self.required(
            &o.table,
            span,
            "table",
            "an outbox",
            "name the outbox table, e.g. `table: order_outbox`",
        );
        let relay = self.required(
            &o.relay,
            span,
            "relay",
            "an outbox",
            "say how rows leave the table: `relay: cdc` (e.g. Debezium) or `relay: polling`",
        );
        let (table, relay) = (table?.clone(), relay?);
        self.name(&table, Form::Snake, "outbox table");
        let poll_interval = o
            .poll_interval
            .as_ref()
            .and_then(|d| self.duration(d, "poll_interval"))
            .map(|d| d.value);
        Some(Outbox {
            table,
            relay: match relay.value {
                syntax::Relay::Cdc => Relay::Cdc,
                syntax::Relay::Polling => Relay::Polling,
            },
            connector: o.connector.as_ref().map(|c| c.value.clone()),
            poll_interval,
            span,
        })
    }
}
