//! Where each name of a saga is written: every participant, step, event, field and
//! compensation, at each place the spec names it, with what that place does with it (a
//! step writes a field, a compensation consumes an event). What an editor asks of a spec
//! ("who writes `payment_id`?", "go to the step that publishes `order.created`") is
//! answered from this one list, built from the resolved model's spans.

use crate::source::Span;

use super::{Emitter, EventId, Handler, Owner, ParticipantId, ReactionId, Saga, StepId};

/// A thing a spec names.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Symbol {
    Participant(ParticipantId),
    Step(StepId),
    Event(EventId),
    /// A data field, by name: the trigger's `data`, a step's `writes`, what is read.
    Field(String),
    /// The compensation of the trigger or of a step, named by its action.
    Compensation(Owner),
}

/// What a place does with the symbol written there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    /// Declares it: a participant under `participants`, a step's `id`, a compensation's
    /// action.
    Declares,
    /// Names a participant that runs a step, the trigger or a reaction.
    RunsOn,
    /// Publishes an event (`emits`, the trigger's `event`).
    Emits,
    /// Starts on an event (`consumes`).
    Consumes,
    /// Lists an event in `terminal_events`.
    EndsWith,
    /// Describes an event, or one of its payload fields, in the `events` catalogue.
    Catalogues,
    /// Writes a field (`writes`, the trigger's `data`).
    Writes,
    /// Reads a field (`reads`, an `idempotency_key`).
    Reads,
}

impl Role {
    /// Whether this place is where the symbol comes from: where go-to-definition leads.
    /// An event comes from who publishes it, a field from who writes it.
    pub fn defines(self) -> bool {
        matches!(self, Role::Declares | Role::Emits | Role::Writes)
    }
}

/// Where in the saga a name is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Site {
    /// `participants:`.
    Participants,
    Trigger,
    Step(StepId),
    Compensation(Owner),
    Reaction(ReactionId),
    /// The `events` catalogue, under this event.
    Catalogue(EventId),
    /// `terminal_events:`.
    TerminalEvents,
}

/// One place a symbol is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Occurrence {
    pub symbol: Symbol,
    pub span: Span,
    pub role: Role,
    pub site: Site,
}

/// Every place the saga names something, in the order of the text.
pub fn occurrences(saga: &Saga) -> Vec<Occurrence> {
    let mut out = Vec::new();
    participants(saga, &mut out);
    steps(saga, &mut out);
    events(saga, &mut out);
    fields(saga, &mut out);
    out.retain(|o| !o.span.is_empty());
    out.sort_by_key(|o| (o.span.start, o.span.end));
    out.dedup_by(|a, b| a.span == b.span && a.symbol == b.symbol);
    out
}

/// The innermost occurrence at a byte offset (a cursor just past a name is on it).
pub fn at(occurrences: &[Occurrence], offset: usize) -> Option<&Occurrence> {
    occurrences
        .iter()
        .filter(|o| o.span.start <= offset && offset <= o.span.end)
        .min_by_key(|o| o.span.len())
}

/// Every occurrence of one symbol, in the order of the text.
pub fn of<'a>(
    occurrences: &'a [Occurrence],
    symbol: &'a Symbol,
) -> impl Iterator<Item = &'a Occurrence> {
    occurrences.iter().filter(move |o| &o.symbol == symbol)
}

fn push(out: &mut Vec<Occurrence>, symbol: Symbol, span: Span, role: Role, site: Site) {
    out.push(Occurrence {
        symbol,
        span,
        role,
        site,
    });
}

fn participants(saga: &Saga, out: &mut Vec<Occurrence>) {
    for (i, p) in saga.participants.iter().enumerate() {
        if p.declared {
            let id = Symbol::Participant(ParticipantId::new(i));
            push(out, id, p.name.span, Role::Declares, Site::Participants);
        }
    }
    let runs_on = |id: ParticipantId, span: Span, site: Site, out: &mut Vec<Occurrence>| {
        push(out, Symbol::Participant(id), span, Role::RunsOn, site);
    };
    runs_on(
        saga.trigger.participant,
        saga.trigger.participant_span,
        Site::Trigger,
        out,
    );
    for id in saga.step_ids() {
        let step = saga.step(id);
        runs_on(step.participant, step.participant_span, Site::Step(id), out);
    }
    for (i, r) in saga.reactions.iter().enumerate() {
        let site = Site::Reaction(ReactionId::new(i));
        runs_on(r.participant, r.participant_span, site, out);
    }
}

fn steps(saga: &Saga, out: &mut Vec<Occurrence>) {
    for id in saga.step_ids() {
        let step = saga.step(id);
        push(
            out,
            Symbol::Step(id),
            step.id.span,
            Role::Declares,
            Site::Step(id),
        );
    }
    let owners = std::iter::once(Owner::Trigger).chain(saga.step_ids().map(Owner::Step));
    for owner in owners {
        if let Some(c) = saga.compensation(owner) {
            push(
                out,
                Symbol::Compensation(owner),
                c.action.span,
                Role::Declares,
                Site::Compensation(owner),
            );
        }
    }
}

fn events(saga: &Saga, out: &mut Vec<Occurrence>) {
    for (i, event) in saga.events.iter().enumerate() {
        let id = EventId::new(i);
        for &(emitter, span) in &event.emitted_by {
            let site = match emitter {
                Emitter::Trigger => Site::Trigger,
                Emitter::StepSuccess(s) | Emitter::StepFailure(s) => Site::Step(s),
                Emitter::CompensationDone(owner) => Site::Compensation(owner),
            };
            push(out, Symbol::Event(id), span, Role::Emits, site);
        }
        for &(handler, span) in &event.consumed_by {
            let site = match handler {
                Handler::Step(s) => Site::Step(s),
                Handler::Compensation(owner) => Site::Compensation(owner),
                Handler::Reaction(r) => Site::Reaction(r),
            };
            push(out, Symbol::Event(id), span, Role::Consumes, site);
        }
        if let Some(span) = event.terminal {
            push(
                out,
                Symbol::Event(id),
                span,
                Role::EndsWith,
                Site::TerminalEvents,
            );
        }
        if let Some(span) = event.declared {
            push(
                out,
                Symbol::Event(id),
                span,
                Role::Catalogues,
                Site::Catalogue(id),
            );
        }
        for field in &event.data {
            let symbol = Symbol::Field(field.value.clone());
            push(
                out,
                symbol,
                field.span,
                Role::Catalogues,
                Site::Catalogue(id),
            );
        }
    }
}

fn fields(saga: &Saga, out: &mut Vec<Occurrence>) {
    let field = |name: &str| Symbol::Field(name.to_owned());
    for f in &saga.trigger.data {
        push(out, field(&f.value), f.span, Role::Writes, Site::Trigger);
    }
    for id in saga.step_ids() {
        let step = saga.step(id);
        let site = Site::Step(id);
        for f in &step.writes {
            push(out, field(&f.value), f.span, Role::Writes, site);
        }
        for f in &step.reads {
            push(out, field(&f.value), f.span, Role::Reads, site);
        }
        if let Some(key) = &step.idempotency_key {
            push(out, field(&key.value), key.span, Role::Reads, site);
        }
    }
    let owners = std::iter::once(Owner::Trigger).chain(saga.step_ids().map(Owner::Step));
    for owner in owners {
        if let Some(c) = saga.compensation(owner) {
            for f in &c.reads {
                let site = Site::Compensation(owner);
                push(out, field(&f.value), f.span, Role::Reads, site);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;

    fn saga(text: &str) -> Saga {
        let source = SourceFile::new("t.yaml", text.to_owned());
        let spec = crate::syntax::parse(&source).unwrap();
        crate::model::resolve(&spec, &source).saga.unwrap()
    }

    const SPEC: &str = "version: 1\nsaga: s\ncoordination: choreography\n\
        participants: { order: {}, pay: {} }\n\
        trigger: { participant: order, action: Start, event: s.started, data: [order_id] }\n\
        steps:\n\
        - { id: charge, participant: pay, action: Charge, kind: pivot, consumes: s.started, \
            reads: [order_id], writes: [payment_id], emits: { success: paid } }\n\
        terminal_events: [paid]\n";

    #[test]
    fn every_name_is_found_with_what_it_does_there() {
        let saga = saga(SPEC);
        let all = occurrences(&saga);
        let find = |text: &str, nth: usize| {
            let offset = SPEC.match_indices(text).nth(nth).unwrap().0;
            at(&all, offset).unwrap().clone()
        };
        let declared = find("pay", 0);
        assert_eq!(declared.role, Role::Declares);
        let used = find("pay,", 0);
        assert_eq!(used.symbol, declared.symbol);
        assert_eq!(used.role, Role::RunsOn);
        assert_eq!(find("s.started", 0).role, Role::Emits);
        assert_eq!(find("s.started", 1).role, Role::Consumes);
        assert_eq!(find("order_id", 0).role, Role::Writes);
        assert_eq!(find("order_id", 1).role, Role::Reads);
        assert_eq!(find("paid", 1).role, Role::EndsWith);
        let payment = Symbol::Field("payment_id".to_owned());
        assert_eq!(of(&all, &payment).count(), 1);
        assert!(Role::Writes.defines() && !Role::Reads.defines());
    }
}
