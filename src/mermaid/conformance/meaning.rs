//! What each message and note says in the spec's terms: the actions, compensations, events
//! and failures it names, and who it asks to do something. A message that says nothing the
//! spec has is reported, unless it is a reply, a participant noting the saga's outcome, or
//! talk with someone outside the saga.

use std::collections::{HashMap, HashSet};

use crate::model::{Emitter, EventId, Owner, ParticipantId, ReactionId, Saga, StepId};

use super::super::diagram::{Diagram, Item, Message};
use super::super::names::{NameIndex, words};
use super::participants::Cast;
use super::{Finding, Spec};

/// Something of the spec a diagram's text names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Name {
    /// A step, by its action or its id.
    Step(StepId),
    /// A compensation, by its action.
    Compensation(Owner),
    /// The trigger, by its action.
    Trigger,
    Reaction(ReactionId),
    Event(EventId),
    /// One of a step's declared business failures (`CardDeclined`).
    Failure(StepId),
    /// Version 2: the escalation's action (`OpenIncident (left: book_hotel)`).
    Escalation,
}

/// Every name of the spec a diagram may use.
pub(super) fn index(saga: &Saga) -> NameIndex<Name> {
    let mut index = NameIndex::new();
    index.insert(&saga.trigger.action.value, Name::Trigger);
    if let Some(c) = &saga.trigger.compensation {
        index.insert(&c.action.value, Name::Compensation(Owner::Trigger));
    }
    for (i, step) in saga.steps.iter().enumerate() {
        let id = StepId::new(i);
        index.insert(&step.action.value, Name::Step(id));
        index.insert(&step.id.value, Name::Step(id));
        if let Some(c) = &step.compensation {
            index.insert(&c.action.value, Name::Compensation(Owner::Step(id)));
        }
        for f in &step.failures {
            index.insert(&f.value, Name::Failure(id));
        }
    }
    for (i, r) in saga.reactions.iter().enumerate() {
        index.insert(&r.action.value, Name::Reaction(ReactionId::new(i)));
    }
    if let Some(escalation) = &saga.escalation {
        index.insert(&escalation.action.value, Name::Escalation);
    }
    for (i, e) in saga.events.iter().enumerate() {
        index.insert(&e.name, Name::Event(EventId::new(i)));
    }
    index
}

/// What one message or note says.
#[derive(Debug, Clone, Default)]
pub(super) struct Meaning {
    /// The spec's names it holds, in the order written.
    pub names: Vec<Name>,
    /// Its text's words.
    pub words: Vec<String>,
    /// Which of `words` are part of a name it holds: the others (`failed` in `ChargeCard
    /// failed`) are free, so that a name such as `RejectOrder` is not read as a failure
    /// word.
    in_name: Vec<bool>,
    /// The spec participants it asks to do something (a message's receiver, the replier
    /// of a reply, the one participant of a message to itself or of a note).
    pub workers: Vec<ParticipantId>,
}

impl Meaning {
    /// The words outside the names it holds.
    pub fn free(&self) -> Vec<&str> {
        self.words
            .iter()
            .zip(&self.in_name)
            .filter(|(_, in_name)| !**in_name)
            .map(|(w, _)| w.as_str())
            .collect()
    }
}

/// The meanings of every message and note, by where each starts; a message that says
/// nothing the spec has is a finding.
pub(super) fn read(
    spec: &Spec,
    diagram: &Diagram,
    cast: &Cast,
    findings: &mut Vec<Finding>,
) -> HashMap<usize, Meaning> {
    let mut out = HashMap::new();
    let mut stack: Vec<&[Item]> = vec![&diagram.items];
    while let Some(items) = stack.pop() {
        for item in items {
            let meaning = match item {
                Item::Block(b) => {
                    stack.extend(b.branches.iter().map(|br| br.items.as_slice()));
                    continue;
                }
                Item::Note(n) => {
                    let mut meaning = named(spec, words(&n.text));
                    meaning.workers = n
                        .over
                        .iter()
                        .flat_map(|o| cast.stands_for(o))
                        .copied()
                        .collect();
                    meaning
                }
                Item::Message(m) => message(spec, m, cast, findings),
            };
            out.insert(item.span().start, meaning);
        }
    }
    out
}

/// The names the words hold, in the order written, and the words left.
fn named(spec: &Spec, words: Vec<String>) -> Meaning {
    let mut names: Vec<Name> = Vec::new();
    let mut seen = HashSet::new();
    let mut used = vec![false; words.len()];
    for (name, run) in spec.names.find(&words) {
        if seen.insert(name) {
            names.push(name);
        }
        used[run].iter_mut().for_each(|u| *u = true);
    }
    Meaning {
        names,
        words,
        in_name: used,
        workers: Vec::new(),
    }
}

fn message(spec: &Spec, m: &Message, cast: &Cast, findings: &mut Vec<Finding>) -> Meaning {
    // The participant who does what the message says: the receiver of a request, the
    // sender of a reply.
    let worker = if m.dotted() { &m.from } else { &m.to };
    let mut meaning = named(spec, words(&m.text));
    meaning.workers = cast.stands_for(worker).to_vec();
    let talk_outside = cast.outside(&m.from) || cast.outside(&m.to);
    if !meaning.names.is_empty() || m.dotted() || talk_outside {
        return meaning;
    }
    if m.to_self() && meaning.words.iter().any(|w| OUTCOME.contains(&w.as_str())) {
        return meaning;
    }
    meaning.names = spec.verbs.understood(&meaning);
    if meaning.names.is_empty() {
        findings.push(Finding::UnknownMessage {
            span: if m.text_span.is_empty() {
                m.span
            } else {
                m.text_span
            },
            text: m.text.clone(),
            workers: meaning.workers.clone(),
        });
    }
    meaning
}

/// Words with which a participant notes the saga's outcome on its own line
/// (`Orch->>Orch: saga complete`, `OS->>OS: mark order failed`; version 2's ends:
/// `saga needs attention (escalated)`, `saga terminated`, `saga cancelled`).
const OUTCOME: [&str; 18] = [
    "attention",
    "escalated",
    "terminated",
    "cancelled",
    "canceled",
    "complete",
    "completed",
    "completes",
    "done",
    "finished",
    "ends",
    "ended",
    "failed",
    "fails",
    "compensated",
    "succeeded",
    "success",
    "successful",
];

/// Words that say an action undoes another.
fn undoes(w: &str) -> bool {
    w.starts_with("compensat") || matches!(w, "undo" | "rollback" | "revert")
}

/// What each participant runs, by the first word of each action: how a message that names
/// no action in full is still understood.
#[derive(Default)]
pub(super) struct Verbs {
    by_participant: HashMap<ParticipantId, HashMap<String, Vec<Name>>>,
    /// A participant's compensation, when it has exactly one.
    only_compensation: HashMap<ParticipantId, Option<Name>>,
}

impl Verbs {
    pub fn new(saga: &Saga) -> Self {
        let mut verbs = Verbs::default();
        let trigger = saga.trigger.participant;
        verbs.add(trigger, &saga.trigger.action.value, Name::Trigger);
        if let Some(c) = &saga.trigger.compensation {
            verbs.add(trigger, &c.action.value, Name::Compensation(Owner::Trigger));
        }
        for (i, s) in saga.steps.iter().enumerate() {
            let id = StepId::new(i);
            verbs.add(s.participant, &s.action.value, Name::Step(id));
            if let Some(c) = &s.compensation {
                verbs.add(
                    s.participant,
                    &c.action.value,
                    Name::Compensation(Owner::Step(id)),
                );
            }
        }
        for (i, r) in saga.reactions.iter().enumerate() {
            verbs.add(
                r.participant,
                &r.action.value,
                Name::Reaction(ReactionId::new(i)),
            );
        }
        verbs
    }

    fn add(&mut self, p: ParticipantId, action: &str, name: Name) {
        let Some(verb) = words(action).into_iter().next() else {
            return;
        };
        let names = self
            .by_participant
            .entry(p)
            .or_default()
            .entry(verb)
            .or_default();
        if !names.contains(&name) {
            names.push(name);
        }
        if matches!(name, Name::Compensation(_)) {
            self.only_compensation
                .entry(p)
                .and_modify(|only| *only = None)
                .or_insert(Some(name));
        }
    }

    /// What a message that names no action in full says its workers do: an action whose
    /// first word it holds (`Reserve stock` to the service whose action is
    /// `ReserveInventory`), or, when it says it undoes something (`undo (compensate)`), a
    /// worker's only compensation. Linear in the message's words.
    pub fn understood(&self, meaning: &Meaning) -> Vec<Name> {
        let mut found: Vec<Name> = Vec::new();
        for worker in &meaning.workers {
            let Some(verbs) = self.by_participant.get(worker) else {
                continue;
            };
            for w in &meaning.words {
                found.extend(verbs.get(w).into_iter().flatten().copied());
            }
        }
        if found.is_empty() && meaning.words.iter().any(|w| undoes(w)) {
            found.extend(
                meaning
                    .workers
                    .iter()
                    .filter_map(|w| self.only_compensation.get(w).copied().flatten()),
            );
        }
        found.sort();
        found.dedup();
        found
    }
}

/// The step whose failure an event announces, if it is a failure event.
pub(super) fn failure_event_of(saga: &Saga, event: EventId) -> Option<StepId> {
    saga.event(event)
        .emitted_by
        .iter()
        .find_map(|&(e, _)| match e {
            Emitter::StepFailure(s) => Some(s),
            _ => None,
        })
}
