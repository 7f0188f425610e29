//! Sequence diagrams of runs of several instances (language version 2, isolation; contract
//! §9): the services drawn once, each message prefixed with its instance (`[b]
//! ReserveInventory`), each access to a shared record a note over the service that owns it
//! (`[b] reads stock[item] (pending decrease of [a])`), and a counterexample's violation
//! the last note. Instances of different sagas (`--with`) meet on services of the same name.

use std::fmt::Write;

use super::escape::sequence_text;
use super::sequence::{Diagram, Drawn, DrawnKind, Ids, Participant};
use super::text::{self, Line};
use crate::model::Saga;
use crate::scenario::isolation::{AccessNote, IsolationScenario, IsolationViolation, Label};
use crate::scenario::{Action, ActionKind, Party};

/// The diagram of a scenario's representative run.
pub fn scenario(sagas: &[&Saga], scenario: &IsolationScenario) -> Diagram {
    run(
        sagas,
        &scenario.labels,
        &scenario.trace,
        &scenario.notes,
        None,
    )
}

/// The diagram of a counterexample, its violation the last note.
pub fn counterexample(
    sagas: &[&Saga],
    labels: &[Label],
    violation: &IsolationViolation,
) -> Diagram {
    let closing = format!(
        "{} broken: {}",
        violation.invariant.as_str(),
        violation.message
    );
    run(
        sagas,
        labels,
        &violation.trace,
        &violation.notes,
        Some(&closing),
    )
}

/// One run of the instances: its actions, its notes after the actions they follow, and a
/// closing note over every service.
fn run(
    sagas: &[&Saga],
    labels: &[Label],
    trace: &[(u8, Action)],
    notes: &[AccessNote],
    closing: Option<&str>,
) -> Diagram {
    let mut w = Writer::new(sagas);
    let mut notes = notes.iter().peekable();
    for (n, (i, action)) in trace.iter().enumerate() {
        while let Some(note) = notes.next_if(|note| note.after <= n) {
            w.access(note);
        }
        let prefix = format!("[{}] ", labels[usize::from(*i)].letter);
        w.action(usize::from(*i), action, &prefix);
    }
    for note in notes {
        w.access(note);
    }
    if let Some(text) = closing {
        w.note_over_all(text);
    }
    w.finish()
}

struct Writer<'a> {
    sagas: &'a [&'a Saga],
    /// Per instance, its saga's ids (instances of one saga share them).
    ids: Vec<Ids>,
    /// The services in the order declared: id and label, every instance's merged by id.
    participants: Vec<Participant>,
    body: String,
    drawn: Vec<Drawn>,
}

impl<'a> Writer<'a> {
    fn new(sagas: &'a [&'a Saga]) -> Writer<'a> {
        let ids: Vec<Ids> = sagas.iter().map(|s| Ids::new(s)).collect();
        let mut participants: Vec<Participant> = Vec::new();
        for id in &ids {
            for &party in &id.order {
                let p = Participant {
                    id: id.id(party).to_owned(),
                    label: id.label(party).to_owned(),
                };
                if !participants.iter().any(|q| q.id == p.id) {
                    participants.push(p);
                }
            }
        }
        Writer {
            sagas,
            ids,
            participants,
            body: String::new(),
            drawn: Vec::new(),
        }
    }

    /// The id of a party of instance `i`'s saga, declared if it was not.
    fn id(&mut self, i: usize, party: Party) -> String {
        let ids = &self.ids[i];
        let id = ids.id(party).to_owned();
        if !self.participants.iter().any(|p| p.id == id) {
            self.participants.push(Participant {
                id: id.clone(),
                label: ids.label(party).to_owned(),
            });
        }
        id
    }

    fn action(&mut self, i: usize, action: &Action, prefix: &str) {
        if let ActionKind::Receives { .. } = action.kind {
            return;
        }
        match text::line(self.sagas[i], action) {
            Some(Line::Message {
                from,
                to,
                arrow,
                text,
            }) => {
                let (a, b) = (self.id(i, from), self.id(i, to));
                let text = format!("{prefix}{text}");
                let _ = writeln!(
                    self.body,
                    "    {a}{}{b}: {}",
                    arrow.as_str(),
                    sequence_text(&text)
                );
                self.drawn.push(Drawn {
                    kind: DrawnKind::Message,
                    from: a,
                    to: b,
                    text,
                });
            }
            Some(Line::NoteOverAll(text)) => self.note_over_all(&format!("{prefix}{text}")),
            Some(Line::NoteOver(party, text)) => {
                let id = self.id(i, party);
                self.note(&id, &id, &format!("{prefix}{text}"));
            }
            None => {}
        }
    }

    /// A note over the service owning the record (declared if the run has not met it).
    fn access(&mut self, note: &AccessNote) {
        let i = usize::from(note.instance);
        let saga = self.sagas[i];
        let owner = saga
            .participants
            .iter()
            .position(|p| p.name.value == note.participant);
        let Some(owner) = owner else {
            return;
        };
        let id = self.id(
            i,
            Party::Participant(crate::model::ParticipantId::new(owner)),
        );
        self.note(&id, &id, &note.text);
    }

    fn note(&mut self, x: &str, y: &str, text: &str) {
        let over = if x == y {
            x.to_owned()
        } else {
            format!("{x},{y}")
        };
        let _ = writeln!(self.body, "    Note over {over}: {}", sequence_text(text));
        self.drawn.push(Drawn {
            kind: DrawnKind::Note,
            from: x.to_owned(),
            to: y.to_owned(),
            text: text.to_owned(),
        });
    }

    fn note_over_all(&mut self, text: &str) {
        let first = self.participants.first().map(|p| p.id.clone());
        let last = self.participants.last().map(|p| p.id.clone());
        if let (Some(a), Some(b)) = (first, last) {
            self.note(&a, &b, text);
        }
    }

    fn finish(self) -> Diagram {
        let mut text = String::from("sequenceDiagram\n");
        for p in &self.participants {
            let _ = writeln!(
                text,
                "    participant {} as {}",
                p.id,
                sequence_text(&p.label)
            );
        }
        text.push_str(&self.body);
        Diagram {
            text,
            participants: self.participants,
            drawn: self.drawn,
        }
    }
}
