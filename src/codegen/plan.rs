//! Every identifier the generated crate uses, chosen once from the spec so that each file's
//! generator agrees with the others (the trait method the driver calls is the one the
//! participants stub implements and the fakes of the scenario tests override).

use std::collections::{HashMap, HashSet};

use std::ops::Deref;

use crate::model::{Coordination, EventId, Owner, ParticipantId, Saga, StepId};
use crate::scenario::fault::after_point_of_no_return;

use super::names::{Name, Namespace, camel, name as ident, snake};
use super::pieces::Pieces;

/// Types and traits the generated code and its tests define or use: a participant called
/// `step` gets the trait `StepParticipant`, not `Step`.
const RESERVED_TYPES: &[&str] = &[
    // generated.rs
    "SagaData",
    "Output",
    "Failure",
    "StepError",
    "RetryPolicy",
    "Backoff",
    "StepKind",
    "StepInfo",
    "Step",
    "Owner",
    "Participant",
    "Participants",
    "Event",
    "Message",
    "EventInfo",
    "Command",
    "Reply",
    "Status",
    "StepState",
    "State",
    "Stuck",
    "Outcome",
    "Saga",
    "Driver",
    "Persist",
    "CompensationInfo",
    "OutboxRecord",
    // participants.rs and tests/scenarios.rs
    "Services",
    "World",
    "Fake",
    "Run",
    "Fault",
    "Delivery",
    // std names the generated code uses unqualified
    "Box",
    "Clone",
    "Copy",
    "Debug",
    "Default",
    "Duration",
    "Eq",
    "Err",
    "Error",
    "FnMut",
    "Hash",
    "Instant",
    "None",
    "Ok",
    "Option",
    "Ord",
    "PartialEq",
    "PartialOrd",
    "Rc",
    "RefCell",
    "Result",
    "Some",
    "String",
    "ToOwned",
    "ToString",
    "Vec",
    "VecDeque",
    "BTreeMap",
    "BTreeSet",
];

/// Functions of the scenario tests, which no test may be named after.
pub const RESERVED_TEST_FNS: &[&str] = &["run", "expect", "sample_data", "no_wait", "world"];

/// A field of the saga's data.
#[derive(Debug, Clone)]
pub struct Field {
    pub name: String,
    pub ident: Name,
    /// Known when the saga starts (the trigger's `data`): `String`; else `Option<String>`.
    pub required: bool,
    /// Where the value comes from, for the field's doc comment.
    pub origin: String,
}

#[derive(Debug, Clone)]
pub struct StepNames {
    /// The `Step` enum's variant.
    pub variant: Name,
    /// The struct of the step's `writes`, when it writes anything.
    pub output: Option<Name>,
    pub method: Name,
    pub compensation: Option<Name>,
}

#[derive(Debug, Clone)]
pub struct ParticipantNames {
    pub variant: Name,
    /// The field in `Participants` and `Services`.
    pub field: Name,
    /// The participant's trait, when it runs anything.
    pub trait_: Option<Name>,
    /// Choreography: the handler struct, when the participant consumes an event.
    pub handler: Option<Name>,
    /// The struct that implements the trait in `participants.rs`.
    pub service: Name,
}

impl ParticipantNames {
    /// Choreography: its handler struct and trait, when it gets a handler (it consumes an
    /// event and runs something).
    pub fn handler_and_trait(&self) -> Option<(&Name, &Name)> {
        Some((self.handler.as_ref()?, self.trait_.as_ref()?))
    }
}

/// The names and facts every part of the crate reads, chosen once and shared by the
/// threads that lay the parts out (so they are text: proc-macro2's identifiers cannot
/// cross threads, and become identifiers where they are quoted).
pub struct Names<'a> {
    pub saga: &'a Saga,
    /// The spec's path as the user named it, for headers.
    pub source: String,
    pub orchestration: bool,
    pub package: String,
    pub steps: Vec<StepNames>,
    pub participants: Vec<ParticipantNames>,
    pub events: Vec<Name>,
    pub fields: Vec<Field>,
    /// The declared business failures, each once: the spec's name and the variant.
    pub failures: Vec<(String, Name)>,
    pub trigger_method: Name,
    pub trigger_compensation: Option<Name>,
    pub reactions: Vec<Name>,
    /// The field the saga is keyed on (`SagaData::key`), a trigger data field.
    pub key: Option<usize>,
    field_index: HashMap<String, usize>,
}

impl<'a> Names<'a> {
    pub fn new(saga: &'a Saga, source: &str) -> Self {
        let mut types = Namespace::with(RESERVED_TYPES);

        let steps: Vec<StepNames> = {
            let mut variants = Namespace::default();
            saga.steps
                .iter()
                .map(|s| {
                    let variant = variants.claim(&camel(&s.id.value), "Step");
                    let output = (!s.writes.is_empty())
                        .then(|| ident(&types.claim(&format!("{}Output", camel(&s.id.value)), "")));
                    StepNames {
                        variant: ident(&variant),
                        output,
                        // Filled in below, per participant.
                        method: ident("unset"),
                        compensation: None,
                    }
                })
                .collect()
        };

        let mut plan = Names {
            saga,
            source: source.to_owned(),
            orchestration: saga.coordination == Coordination::Orchestration,
            package: format!("{}_saga", saga.name.value),
            steps,
            participants: Vec::new(),
            events: Vec::new(),
            fields: fields(saga),
            field_index: HashMap::new(),
            failures: Vec::new(),
            trigger_method: ident("unset"),
            trigger_compensation: None,
            reactions: vec![ident("unset"); saga.reactions.len()],
            key: None,
        };
        plan.methods();
        plan.field_index = plan
            .fields
            .iter()
            .enumerate()
            .map(|(i, f)| (f.name.clone(), i))
            .collect();

        let mut variants = Namespace::default();
        let mut handlers = Vec::new();
        for (i, p) in saga.participants.iter().enumerate() {
            let id = ParticipantId::new(i);
            let name = camel(&p.name.value);
            let trait_ = plan
                .runs_anything(id)
                .then(|| ident(&types.claim(&name, "Participant")));
            let handler =
                (!plan.orchestration && plan.consumes_anything(id)).then_some(name.clone());
            handlers.push(handler);
            plan.participants.push(ParticipantNames {
                variant: ident(&variants.claim(&name, "")),
                field: ident(&p.name.value),
                trait_,
                handler: None,
                service: ident(&types.claim(&format!("{name}Service"), "")),
            });
        }
        for (p, h) in plan.participants.iter_mut().zip(handlers) {
            p.handler = h.map(|name| ident(&types.claim(&format!("{name}Handler"), "")));
        }

        let mut variants = Namespace::default();
        plan.events = saga
            .events
            .iter()
            .map(|e| ident(&variants.claim(&camel(&e.name), "Event")))
            .collect();

        let mut variants = Namespace::with(&["Other", "DeadlinePassed"]);
        let mut seen = HashSet::new();
        for f in saga.steps.iter().flat_map(|s| &s.failures) {
            if seen.insert(f.value.clone()) {
                let v = variants.claim(&f.value, "Failure");
                plan.failures.push((f.value.clone(), ident(&v)));
            }
        }
        plan.key = key_field(saga, &plan.fields);
        plan
    }

    /// Method names per participant: the action in snake case, unless two works of one
    /// participant share an action (then the later one names its step).
    fn methods(&mut self) {
        let saga = self.saga;
        let mut spaces: Vec<Namespace> = saga
            .participants
            .iter()
            .map(|_| Namespace::default())
            .collect();
        let mut claim = |p: ParticipantId, action: &str, suffix: &str| {
            let name = spaces[p.index()].claim(&snake(action), suffix);
            ident(&name)
        };
        let tp = saga.trigger.participant;
        self.trigger_method = claim(tp, &saga.trigger.action.value, "_trigger");
        self.trigger_compensation = saga
            .trigger
            .compensation
            .as_ref()
            .map(|c| claim(tp, &c.action.value, "_undo_trigger"));
        for (i, s) in saga.steps.iter().enumerate() {
            self.steps[i].method =
                claim(s.participant, &s.action.value, &format!("_{}", s.id.value));
            self.steps[i].compensation = s.compensation.as_ref().map(|c| {
                claim(
                    s.participant,
                    &c.action.value,
                    &format!("_undo_{}", s.id.value),
                )
            });
        }
        for (i, r) in saga.reactions.iter().enumerate() {
            self.reactions[i] = claim(r.participant, &r.action.value, &format!("_reaction_{i}"));
        }
    }

    pub fn step(&self, id: StepId) -> &StepNames {
        &self.steps[id.index()]
    }

    pub fn participant(&self, id: ParticipantId) -> &ParticipantNames {
        &self.participants[id.index()]
    }

    pub fn event(&self, id: EventId) -> &Name {
        &self.events[id.index()]
    }

    /// Whether the participant runs any action (the trigger, a step, a compensation, a
    /// reaction), so that it has a trait.
    pub fn runs_anything(&self, p: ParticipantId) -> bool {
        let saga = self.saga;
        saga.trigger.participant == p
            || saga.steps.iter().any(|s| s.participant == p)
            || saga.reactions.iter().any(|r| r.participant == p)
    }

    /// Choreography: whether some event is delivered to the participant.
    pub fn consumes_anything(&self, p: ParticipantId) -> bool {
        self.saga.events.iter().any(|e| {
            e.consumed_by
                .iter()
                .any(|&(h, _)| self.saga.handler_participant(h) == p)
        })
    }

    /// The participants with a trait, in declaration order.
    pub fn actors(&self) -> impl Iterator<Item = (ParticipantId, &ParticipantNames, &Name)> {
        self.participants
            .iter()
            .enumerate()
            .filter_map(|(i, p)| p.trait_.as_ref().map(|t| (ParticipantId::new(i), p, t)))
    }

    pub fn field(&self, name: &str) -> Option<&Field> {
        self.field_index.get(name).map(|&i| &self.fields[i])
    }

    /// The `Owner` expression for a compensation's owner.
    pub fn owner_tokens(&self, owner: Owner) -> proc_macro2::TokenStream {
        match owner {
            Owner::Trigger => quote::quote!(Owner::Trigger),
            Owner::Step(s) => {
                let v = &self.step(s).variant;
                quote::quote!(Owner::Step(Step::#v))
            }
        }
    }

    pub fn after_point_of_no_return(&self, s: StepId) -> bool {
        after_point_of_no_return(self.saga, s)
    }

    /// Whether the trigger's event leaves through an outbox or an engine starts the saga:
    /// a crash of the trigger's service before publishing loses nothing.
    pub fn durable_start(&self) -> bool {
        self.saga.outbox_of(self.saga.trigger.participant).is_some() || self.saga.has_engine()
    }

    /// Whether the orchestrator's state survives its crash (a saga log or an engine).
    pub fn durable_state(&self) -> bool {
        self.saga
            .orchestrator
            .as_ref()
            .is_some_and(|o| o.log.is_some() || o.engine.is_some())
    }
}

/// What a generator reads: the shared [`Names`], and the pieces of the one part it lays
/// out.
pub struct Plan<'a> {
    names: &'a Names<'a>,
    pub pieces: Pieces,
}

impl<'a> Plan<'a> {
    pub fn new(names: &'a Names<'a>) -> Self {
        Plan {
            names,
            pieces: Pieces::default(),
        }
    }
}

impl<'a> Deref for Plan<'a> {
    type Target = Names<'a>;

    fn deref(&self) -> &Names<'a> {
        self.names
    }
}

/// Indices `0..load.len()` split in two ranges, in order, each with about half of the
/// load: how a part too big for one thread is laid out as two.
pub fn halves(load: &[usize]) -> [std::ops::Range<usize>; 2] {
    let n = load.len();
    let total: usize = load.iter().sum();
    let mut sum = 0;
    let middle = load
        .iter()
        .position(|&l| {
            sum += l;
            2 * sum >= total
        })
        .map_or(n, |i| i + 1);
    [0..middle, middle..n]
}

/// The saga's data: the trigger's `data` (known at the start), then what steps write, then
/// any other field a step, compensation, key or event names (so the code compiles even
/// where the checker only warned).
fn fields(saga: &Saga) -> Vec<Field> {
    let mut out: Vec<Field> = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    let mut push = |name: &str, required: bool, origin: String| {
        if seen.insert(name.to_owned()) {
            out.push(Field {
                name: name.to_owned(),
                ident: ident(name),
                required,
                origin,
            });
        }
    };
    for d in &saga.trigger.data {
        push(
            &d.value,
            true,
            "Known when the saga starts (the trigger's `data`).".to_owned(),
        );
    }
    for s in &saga.steps {
        for w in &s.writes {
            push(&w.value, false, format!("Written by `{}`.", s.id.value));
        }
    }
    let other = "Named in the spec but written by no step: set it yourself.";
    for s in &saga.steps {
        let comp = s.compensation.iter().flat_map(|c| &c.reads);
        for r in s.reads.iter().chain(comp).chain(&s.idempotency_key) {
            push(&r.value, false, other.to_owned());
        }
    }
    if let Some(c) = &saga.trigger.compensation {
        for r in &c.reads {
            push(&r.value, false, other.to_owned());
        }
    }
    for e in &saga.events {
        for d in &e.data {
            push(&d.value, false, other.to_owned());
        }
    }
    out
}

/// The trigger data field most steps use as their idempotency key, else the first.
fn key_field(saga: &Saga, fields: &[Field]) -> Option<usize> {
    let required: Vec<usize> = (0..fields.len()).filter(|&i| fields[i].required).collect();
    let uses = |i: usize| {
        saga.steps
            .iter()
            .filter(|s| {
                s.idempotency_key
                    .as_ref()
                    .is_some_and(|k| k.value == fields[i].name)
            })
            .count()
    };
    required
        .iter()
        .copied()
        .max_by_key(|&i| (uses(i), std::cmp::Reverse(i)))
}

#[cfg(test)]
mod tests {
    use super::halves;

    #[test]
    fn halves_split_the_load_in_order() {
        assert_eq!(halves(&[1, 1, 1, 1]), [0..2, 2..4]);
        assert_eq!(halves(&[5, 1, 1, 1]), [0..1, 1..4]);
        assert_eq!(halves(&[0, 0, 0, 9]), [0..4, 4..4]);
        assert_eq!(halves(&[]), [0..0, 0..0]);
    }
}
