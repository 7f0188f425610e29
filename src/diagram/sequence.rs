//! Mermaid `sequenceDiagram` text from runs of the saga. [`Writer`] draws actions (the
//! traces of `crate::scenario`) and blocks; it records every participant and message it
//! writes, unescaped, so a test can compare them with what Mermaid reads back.

use std::collections::BTreeSet;
use std::fmt::Write;

use super::escape::sequence_text;
use super::text::{self, Line};
use crate::model::{Coordination, Owner, Saga, Stage, StepId, StepKind};
use crate::scenario::wording::{Voice, words};
use crate::scenario::{Action, ActionKind, Party, Scenario, Work};

/// A participant as declared: `participant <id> as <label>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Participant {
    pub id: String,
    pub label: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DrawnKind {
    Message,
    Note,
}

impl DrawnKind {
    /// The name `mermaid-check --json` gives it.
    pub fn as_str(self) -> &'static str {
        match self {
            DrawnKind::Message => "message",
            DrawnKind::Note => "note",
        }
    }
}

/// One message or note as meant (before escaping): what Mermaid must read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Drawn {
    pub kind: DrawnKind,
    pub from: String,
    pub to: String,
    pub text: String,
}

/// A sequence diagram: its Mermaid text and what it draws.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagram {
    pub text: String,
    pub participants: Vec<Participant>,
    pub drawn: Vec<Drawn>,
}

/// The sequence diagram of one run (a scenario's representative trace).
pub fn scenario(saga: &Saga, scenario: &Scenario) -> Diagram {
    trace(saga, &scenario.trace, None)
}

/// The sequence diagram of a list of actions, with an optional closing note over the last
/// action's parties (a counterexample says where the invariant broke).
pub fn trace(saga: &Saga, actions: &[Action], closing_note: Option<&str>) -> Diagram {
    let mut w = Writer::new(saga);
    w.actions(actions);
    if let (Some(note), Some(last)) = (closing_note, actions.last()) {
        w.note(last.from, last.to, note);
    }
    w.finish()
}

/// Mermaid ids and labels of the saga's parties.
pub(super) struct Ids {
    participants: Vec<String>,
    labels: Vec<String>,
    orchestrator: String,
    orchestrator_label: String,
    /// Version 2: the caller, declared last when the saga has an `outcome` or a
    /// `cancellation` (only then does a run tell it anything).
    caller: String,
    has_caller: bool,
    /// Declaration order: the trigger's participant, the orchestrator, then every other
    /// participant in the order the steps, compensations and reactions first use them.
    pub(super) order: Vec<Party>,
    /// Per participant, whether `order` holds it.
    declared: Vec<bool>,
}

/// Whole ids Mermaid 11's sequence parser rejects (measured; case-insensitive).
const KEYWORDS: &[&str] = &[
    "accdescr",
    "acctitle",
    "activate",
    "actor",
    "alt",
    "and",
    "autonumber",
    "box",
    "break",
    "create",
    "critical",
    "deactivate",
    "destroy",
    "details",
    "else",
    "end",
    "link",
    "links",
    "loop",
    "note",
    "off",
    "opt",
    "option",
    "over",
    "par",
    "par_over",
    "participant",
    "properties",
    "rect",
    "sequencediagram",
    "title",
];

impl Ids {
    pub(super) fn new(saga: &Saga) -> Ids {
        let mut taken: BTreeSet<String> = BTreeSet::new();
        let mut participants = Vec::with_capacity(saga.participants.len());
        for p in &saga.participants {
            let mut id = p.name.value.clone();
            while KEYWORDS.contains(&id.to_ascii_lowercase().as_str()) || taken.contains(&id) {
                id.push('_');
            }
            taken.insert(id.clone());
            participants.push(id);
        }
        let mut orchestrator = "orchestrator".to_owned();
        if taken.contains(&orchestrator) {
            orchestrator = "saga_orchestrator".to_owned();
            while taken.contains(&orchestrator) {
                orchestrator.push('_');
            }
        }
        let mut caller = "caller".to_owned();
        if taken.contains(&caller) || caller == orchestrator {
            caller = "saga_caller".to_owned();
            while taken.contains(&caller) {
                caller.push('_');
            }
        }
        let labels: Vec<String> = saga
            .participants
            .iter()
            .map(|p| service_label(&p.name.value))
            .collect();
        let host = saga
            .orchestrator
            .as_ref()
            .map_or(saga.trigger.participant, |o| o.participant);
        let orchestrator_label = format!(
            "Orchestrator ({})",
            labels.get(host.index()).map_or("", String::as_str)
        );

        let mut order = vec![Party::Participant(saga.trigger.participant)];
        if saga.coordination == Coordination::Orchestration {
            order.push(Party::Orchestrator);
        }
        let steps = saga.step_ids().map(|s| saga.step(s).participant);
        let compensations = std::iter::once(Owner::Trigger)
            .chain(saga.step_ids().map(Owner::Step))
            .filter(|&o| saga.compensation(o).is_some())
            .map(|o| Work::Compensation(o).participant(saga));
        let reactions = saga.reactions.iter().map(|r| r.participant);
        let mut declared = vec![false; saga.participants.len()];
        if let Some(d) = declared.get_mut(saga.trigger.participant.index()) {
            *d = true;
        }
        for p in steps.chain(compensations).chain(reactions) {
            if let Some(d) = declared.get_mut(p.index())
                && !*d
            {
                *d = true;
                order.push(Party::Participant(p));
            }
        }
        let has_caller = saga.outcome.is_some() || saga.cancellation.is_some();
        if has_caller {
            order.push(Party::Caller);
        }
        Ids {
            has_caller,
            declared,
            participants,
            labels,
            orchestrator,
            orchestrator_label,
            caller,
            order,
        }
    }

    /// Whether the declaration order holds the party (in constant time: this runs for
    /// every message).
    fn declares(&self, party: Party) -> bool {
        match party {
            Party::Participant(p) => self.declared.get(p.index()).copied().unwrap_or(false),
            Party::Orchestrator => self.order.get(1) == Some(&Party::Orchestrator),
            Party::Caller => self.has_caller,
        }
    }

    pub(super) fn id(&self, party: Party) -> &str {
        match party {
            Party::Participant(p) => self
                .participants
                .get(p.index())
                .map_or("unknown", String::as_str),
            Party::Orchestrator => &self.orchestrator,
            Party::Caller => &self.caller,
        }
    }

    pub(super) fn label(&self, party: Party) -> &str {
        match party {
            Party::Participant(p) => self.labels.get(p.index()).map_or("Unknown", String::as_str),
            Party::Orchestrator => &self.orchestrator_label,
            Party::Caller => "Caller",
        }
    }
}

/// `inventory` → `Inventory Service`, `order_service` → `Order Service` (the course's
/// diagrams name participants this way).
pub fn service_label(name: &str) -> String {
    let words: Vec<String> = name
        .split('_')
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect();
    let mut label = words.join(" ");
    if !matches!(words.last().map(String::as_str), Some("Service" | "Svc")) {
        label.push_str(" Service");
    }
    label
}

/// Whitespace (YAML's folded newlines included) collapsed to single spaces.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Writes a sequence diagram's body one action or block at a time.
pub(super) struct Writer<'a> {
    saga: &'a Saga,
    ids: Ids,
    body: String,
    depth: usize,
    drawn: Vec<Drawn>,
    /// Parties drawn that the declaration order does not hold (never expected).
    extra: Vec<Party>,
    /// The work whose notes (kind, retry policy, description) were written already.
    annotated: BTreeSet<Work>,
    /// The saga's point of no return (looked up once: it scans the steps).
    point_of_no_return: Option<StepId>,
    /// Version 2: what the next compensation receives, said on its command.
    receives: Option<String>,
}

impl<'a> Writer<'a> {
    pub fn new(saga: &'a Saga) -> Writer<'a> {
        Writer {
            saga,
            ids: Ids::new(saga),
            body: String::new(),
            depth: 1,
            drawn: Vec::new(),
            extra: Vec::new(),
            annotated: BTreeSet::new(),
            point_of_no_return: saga.point_of_no_return(),
            receives: None,
        }
    }

    /// The length of the body written so far.
    pub fn len(&self) -> usize {
        self.body.len()
    }

    fn indent(&mut self) {
        for _ in 0..self.depth {
            self.body.push_str("    ");
        }
    }

    fn see(&mut self, party: Party) {
        if !self.ids.declares(party) && !self.extra.contains(&party) {
            self.extra.push(party);
        }
    }

    /// Opens a block: `alt`, `par`, `opt`.
    pub fn open(&mut self, keyword: &str, label: &str) {
        self.indent();
        let _ = writeln!(self.body, "{keyword} {}", sequence_text(label));
        self.depth += 1;
    }

    /// Starts the next branch of the open block: `else`, `and`.
    pub fn branch(&mut self, keyword: &str, label: &str) {
        self.depth = self.depth.saturating_sub(1).max(1);
        self.open(keyword, label);
    }

    pub fn close(&mut self) {
        self.depth = self.depth.saturating_sub(1).max(1);
        self.indent();
        self.body.push_str("end\n");
    }

    pub fn message(&mut self, from: Party, to: Party, arrow: text::Arrow, text: &str) {
        self.see(from);
        self.see(to);
        self.indent();
        let (a, b) = (self.ids.id(from).to_owned(), self.ids.id(to).to_owned());
        let _ = writeln!(
            self.body,
            "{a}{}{b}: {}",
            arrow.as_str(),
            sequence_text(text)
        );
        self.drawn.push(Drawn {
            kind: DrawnKind::Message,
            from: a,
            to: b,
            text: text.to_owned(),
        });
    }

    /// `Note over a` or `Note over a,b`.
    pub fn note(&mut self, a: Party, b: Party, text: &str) {
        self.see(a);
        self.see(b);
        self.indent();
        let (x, y) = (self.ids.id(a).to_owned(), self.ids.id(b).to_owned());
        let over = if x == y {
            x.clone()
        } else {
            format!("{x},{y}")
        };
        let _ = writeln!(self.body, "Note over {over}: {}", sequence_text(text));
        self.drawn.push(Drawn {
            kind: DrawnKind::Note,
            from: x,
            to: y,
            text: text.to_owned(),
        });
    }

    /// A note over every participant, from the first declared to the last.
    pub fn note_over_all(&mut self, text: &str) {
        let first = self.ids.order.first().copied();
        let last = self.ids.order.last().copied();
        if let (Some(a), Some(b)) = (first, last) {
            self.note(a, b, text);
        }
    }

    /// Draws actions in order; the commands a parallel group sends at once become a
    /// `par`/`and` block.
    pub fn actions(&mut self, actions: &[Action]) {
        let mut i = 0;
        while i < actions.len() {
            let n = self.parallel_commands(&actions[i..]);
            if n > 1 {
                for (k, a) in actions[i..i + n].iter().enumerate() {
                    let label = match &a.kind {
                        ActionKind::Command {
                            work: Work::Step(s),
                            ..
                        } => self.saga.step(*s).id.value.clone(),
                        _ => String::new(),
                    };
                    if k == 0 {
                        self.open("par", &label);
                    } else {
                        self.branch("and", &label);
                    }
                    self.action(a);
                }
                self.close();
                i += n;
            } else {
                self.action(&actions[i]);
                i += 1;
            }
        }
    }

    /// How many first commands of one parallel group's branches start `actions`.
    fn parallel_commands(&self, actions: &[Action]) -> usize {
        let first_command = |a: &Action| match a.kind {
            ActionKind::Command {
                work: Work::Step(s),
                attempt: 1,
                duplicate: false,
            } => Some(s),
            _ => None,
        };
        let Some(first) = actions.first().and_then(first_command) else {
            return 0;
        };
        let stage = self.saga.step(first).stage;
        let Some(Stage::Parallel { branches, .. }) = self.saga.stages.get(stage) else {
            return 0;
        };
        actions
            .iter()
            .map_while(|a| first_command(a).filter(|s| branches.contains(s)))
            .count()
    }

    /// Writes now the notes that would precede `action` (before an `alt` that splits on it).
    pub fn notes_before(&mut self, action: &Action) {
        if let Some((work, false)) = self.noted(action) {
            self.annotate(work);
        }
    }

    /// The work whose notes go with an action, and whether they follow it.
    fn noted(&self, action: &Action) -> Option<(Work, bool)> {
        let orchestration = self.saga.coordination == Coordination::Orchestration;
        // Orchestration: notes follow the first command; choreography: they precede the
        // local transaction (so they can stay outside the `alt` that splits on its result).
        match &action.kind {
            ActionKind::Command {
                work,
                duplicate: false,
                ..
            } if orchestration => Some((*work, true)),
            ActionKind::Run { work, .. } if !orchestration || *work == Work::Trigger => {
                Some((*work, *work == Work::Trigger))
            }
            _ => None,
        }
    }

    /// Draws one action, with the notes of the work it starts the first time it appears.
    pub fn action(&mut self, action: &Action) {
        let noted = self.noted(action);
        if let Some((work, false)) = noted {
            self.annotate(work);
        }
        if let ActionKind::Receives { .. } = action.kind {
            self.receives = Some(words(self.saga, action, Voice::Arrow));
            return;
        }
        match text::line(self.saga, action) {
            Some(Line::Message {
                from,
                to,
                arrow,
                text,
            }) => {
                let text = match (&action.kind, self.receives.take()) {
                    (
                        ActionKind::Command {
                            work: Work::Compensation(_),
                            ..
                        },
                        Some(receives),
                    ) => text.replacen(" (compensate)", &format!(" (compensate, {receives})"), 1),
                    (_, receives) => {
                        self.receives = receives;
                        text
                    }
                };
                self.message(from, to, arrow, &text)
            }
            Some(Line::NoteOverAll(text)) => self.note_over_all(&text),
            Some(Line::NoteOver(party, text)) => self.note(party, party, &text),
            None => {}
        }
        if let Some((work, true)) = noted {
            self.annotate(work);
        }
    }

    /// The notes of a unit of work, once per diagram: a step's kind (pivot, retriable with
    /// its retry policy) and any description the spec gives.
    fn annotate(&mut self, work: Work) {
        if !self.annotated.insert(work) {
            return;
        }
        let saga = self.saga;
        let party = Party::Participant(work.participant(saga));
        let description = match work {
            Work::Trigger => saga.trigger.description.as_deref(),
            Work::Step(s) => saga.step(s).description.as_deref(),
            Work::Compensation(o) => saga.compensation(o).and_then(|c| c.description.as_deref()),
            Work::Reaction(i) => saga
                .reactions
                .get(i.index())
                .and_then(|r| r.description.as_deref()),
        };
        if let Work::Step(s) = work {
            let step = saga.step(s);
            let no_return = self.point_of_no_return == Some(s);
            let kind = match step.kind {
                StepKind::Pivot => Some(format!(
                    "pivot (point of no return): once {} succeeds the saga must complete",
                    step.action.value
                )),
                StepKind::Retriable => Some(format!(
                    "retriable{}: {}, never compensated",
                    if no_return {
                        " (point of no return)"
                    } else {
                        ""
                    },
                    step.retry.describe()
                )),
                _ => None,
            };
            if let Some(kind) = kind {
                self.note(party, party, &kind);
            }
        }
        if let Some(d) = description.map(one_line).filter(|d| !d.is_empty()) {
            self.note(party, party, &d);
        }
    }

    pub fn finish(self) -> Diagram {
        let mut text = String::from("sequenceDiagram\n");
        let mut participants = Vec::new();
        for &party in self.ids.order.iter().chain(&self.extra) {
            let id = self.ids.id(party).to_owned();
            let label = self.ids.label(party).to_owned();
            let _ = writeln!(text, "    participant {id} as {}", sequence_text(&label));
            participants.push(Participant { id, label });
        }
        text.push_str(&self.body);
        Diagram {
            text,
            participants,
            drawn: self.drawn,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_read_like_the_course() {
        assert_eq!(service_label("inventory"), "Inventory Service");
        assert_eq!(service_label("order_service"), "Order Service");
        assert_eq!(service_label("car_rental"), "Car Rental Service");
    }

    #[test]
    fn one_line_folds_whitespace() {
        assert_eq!(one_line(" a\n b  c\n"), "a b c");
    }
}
