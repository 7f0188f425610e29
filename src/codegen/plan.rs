//! The [`Plan`] every generator reads: each identifier the generated crate uses, chosen
//! once from the spec so that each file's generator agrees with the others (the trait method the driver calls is the one the
//! participants stub implements and the fakes of the scenario tests override).

use std::collections::{HashMap, HashSet};

use proc_macro2::Ident;

use crate::model::{Coordination, EventId, Owner, ParticipantId, Saga, StepId};
use crate::scenario::fault::after_point_of_no_return;

use super::names::{Namespace, camel, ident, snake};

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
    pub ident: Ident,
    /// Known when the saga starts (the trigger's `data`): `String`; else `Option<String>`.
    pub required: bool,
    /// Where the value comes from, for the field's doc comment.
    pub origin: String,
    /// Its type in the spec's `fields` catalogue (a string when not listed).
    pub ty: crate::model::types::Type,
}

#[derive(Debug, Clone)]
pub struct StepNames {
    /// The `Step` enum's variant.
    pub variant: Ident,
    /// The struct of the step's `writes`, when it writes anything.
    pub output: Option<Ident>,
    pub method: Ident,
    pub compensation: Option<Ident>,
}

#[derive(Debug, Clone)]
pub struct ParticipantNames {
    pub variant: Ident,
    /// The field in `Participants` and `Services`.
    pub field: Ident,
    /// The participant's trait, when it runs anything.
    pub trait_: Option<Ident>,
    /// Choreography: the handler struct, when the participant consumes an event.
    pub handler: Option<Ident>,
    /// The struct that implements the trait in `participants.rs`.
    pub service: Ident,
}

impl ParticipantNames {
    /// Choreography: its handler struct and trait, when it gets a handler (it consumes an
    /// event and runs something).
    pub fn handler_and_trait(&self) -> Option<(&Ident, &Ident)> {
        Some((self.handler.as_ref()?, self.trait_.as_ref()?))
    }
}

/// The names and facts every file of the crate reads, chosen once so that the files
/// agree.
pub struct Plan<'a> {
    pub saga: &'a Saga,
    /// The spec's path as the user named it, for the files' header comments, on one line:
    /// its control characters escaped (see [`one_line`]).
    pub source: String,
    pub orchestration: bool,
    pub package: String,
    pub steps: Vec<StepNames>,
    pub participants: Vec<ParticipantNames>,
    pub events: Vec<Ident>,
    pub fields: Vec<Field>,
    /// The declared business failures, each once: the spec's name and the variant.
    pub failures: Vec<(String, Ident)>,
    pub trigger_method: Ident,
    pub trigger_compensation: Option<Ident>,
    pub reactions: Vec<Ident>,
    /// Version 2, orchestration: the escalation's action, a method of its participant.
    pub escalation: Option<Ident>,
    /// The field the saga is keyed on (`SagaData::key`), a trigger data field.
    pub key: Option<usize>,
    /// Typed data (`fields`, `records`): the record structs and the timestamp type, named
    /// only for a spec that types its data, whose crate is otherwise the untyped one.
    pub types: Option<super::types::TypeNames>,
    /// Whether the crate runs on Restate (`--runtime restate`): its data types derive
    /// serde's traits (they cross the journal) and the participants' traits are async.
    pub restate: bool,
    /// Version 2, isolation: the `Resource` enum and the state enums, for a spec with
    /// `resources`.
    pub resources: Option<super::resources::ResourceNames>,
    field_index: HashMap<String, usize>,
}

impl<'a> Plan<'a> {
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

        let mut plan = Plan {
            saga,
            source: one_line(source),
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
            escalation: None,
            key: None,
            types: saga
                .types
                .is_typed()
                .then(|| super::types::TypeNames::new(saga, &mut types)),
            restate: false,
            resources: None,
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
        plan.resources = saga
            .resources
            .any()
            .then(|| super::resources::ResourceNames::new(saga, &mut types));
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
        // In a version 2 choreography, the escalation event's consumer runs the action.
        let by_event = |p| super::choreography_v2::handles_escalation(saga, p);
        if let Some(e) = saga
            .escalation
            .as_ref()
            .filter(|e| self.orchestration || by_event(e.participant))
        {
            self.escalation = Some(claim(e.participant, &e.action.value, "_escalation"));
        }
    }

    pub fn step(&self, id: StepId) -> &StepNames {
        &self.steps[id.index()]
    }

    pub fn participant(&self, id: ParticipantId) -> &ParticipantNames {
        &self.participants[id.index()]
    }

    pub fn event(&self, id: EventId) -> &Ident {
        &self.events[id.index()]
    }

    /// Whether the participant runs any action (the trigger, a step, a compensation, a
    /// reaction), so that it has a trait.
    pub fn runs_anything(&self, p: ParticipantId) -> bool {
        let saga = self.saga;
        saga.trigger.participant == p
            || saga.steps.iter().any(|s| s.participant == p)
            || saga.reactions.iter().any(|r| r.participant == p)
            || (self.orchestration && saga.escalation.as_ref().is_some_and(|e| e.participant == p))
            || super::choreography_v2::handles_escalation(saga, p)
    }

    /// Choreography: whether some event is delivered to the participant.
    pub fn consumes_anything(&self, p: ParticipantId) -> bool {
        self.saga.events.iter().any(|e| {
            e.consumed_by
                .iter()
                .any(|&(h, _)| self.saga.handler_participant(h) == p)
        }) || super::choreography_v2::handles_escalation(self.saga, p)
    }

    /// The participants with a trait, in declaration order.
    pub fn actors(&self) -> impl Iterator<Item = (ParticipantId, &ParticipantNames, &Ident)> {
        self.participants
            .iter()
            .enumerate()
            .filter_map(|(i, p)| p.trait_.as_ref().map(|t| (ParticipantId::new(i), p, t)))
    }

    /// The serde derives of a type that crosses Restate's journal; nothing for std, whose
    /// crate has no dependencies.
    pub fn serde_derive(&self) -> proc_macro2::TokenStream {
        if self.restate {
            quote::quote!(#[derive(serde::Serialize, serde::Deserialize)])
        } else {
            proc_macro2::TokenStream::new()
        }
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

/// The saga's data: the trigger's `data` (known at the start), then what steps write, then
/// any other field a step, compensation, key or event names (so the code compiles even
/// where the checker only warned).
fn fields(saga: &Saga) -> Vec<Field> {
    let types = &saga.types;
    let mut out: Vec<Field> = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    let mut push = |name: &str, required: bool, origin: String| {
        if seen.insert(name.to_owned()) {
            out.push(Field {
                name: name.to_owned(),
                ident: ident(name),
                required,
                origin,
                ty: types.of(name).clone(),
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
            if saga.is_v2() && r.value == crate::model::names::FAILURE_FIELD {
                // Version 2's `failure`: a compensation receives it in its context.
                continue;
            }
            push(&r.value, false, other.to_owned());
        }
    }
    if let Some(c) = &saga.trigger.compensation {
        for r in &c.reads {
            if saga.is_v2() && r.value == crate::model::names::FAILURE_FIELD {
                continue;
            }
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

/// A path as one line of printable text, for the comment headers of every generated file
/// (Rust `//`, TOML `#`, SQL `--`): a line break or another control character in a file
/// name would end the comment and put the rest of the name into the file as code, so each
/// is written as its escape (`\n`, `\u{1b}`); every other character stays as it is.
pub fn one_line(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for c in path.chars() {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}
