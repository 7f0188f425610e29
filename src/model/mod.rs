//! Layer 2: the resolved saga. Names are checked, references point at indices, defaults are
//! applied, and the events form a graph. Every later part of sagac (rules, scenarios,
//! diagrams, code generation, grading) reads this model and never the YAML structs.

pub mod duration;
mod ending;
mod failure;
mod graph;
pub mod names;
pub mod problem;
mod resolve;
pub mod resources;
mod retry;
mod setting;
pub mod symbols;
pub mod types;
mod version;

use std::collections::HashMap;
use std::time::Duration;

pub use ending::{
    Applies, At, CancelCompensations, CancelUntil, Cancellation, Deadline, DeadlineThen, Delivery,
    End, Escalation, Late, Outcome, OutcomeValue,
};
pub use failure::{
    AbsentEffect, BuiltinFailure, Failure, FailureEvent, FailureThen, OnFailure, OnUncaught,
    RunsFor,
};
pub use graph::{Edge, Graph, Node};
pub use resolve::{Resolution, resolve};
pub use retry::{Attempts, Backoff, Jitter, Retry, Within};
pub use setting::{Origin, Setting};
pub use version::{Feature, Key, Version};

use crate::source::{Span, Spanned};

// Ids are 32-bit: a run holds millions of actions and states made of them (a diagram of a
// 1,000-step saga's failures, a crate's expectations), and half the bytes is half the
// memory to touch. The loader's file size limit (`load::MAX_FILE_BYTES`) keeps every
// count of participants, steps and events far below `u32::MAX`.
macro_rules! id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(u32);

        impl $name {
            /// The id of the item at this index of its list in the [`Saga`].
            pub const fn new(index: usize) -> Self {
                Self(index as u32)
            }

            /// Its index in its list in the [`Saga`].
            pub const fn index(self) -> usize {
                self.0 as usize
            }
        }
    };
}

id!(
    /// A participant: an index into [`Saga::participants`].
    ParticipantId
);
id!(
    /// A step: an index into [`Saga::steps`].
    StepId
);
id!(
    /// An event: an index into [`Saga::events`].
    EventId
);
id!(
    /// A reaction: an index into [`Saga::reactions`].
    ReactionId
);
id!(
    /// A resource: an index into the saga's declared resources.
    ResourceId
);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Coordination {
    Orchestration,
    Choreography,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum StepKind {
    Compensatable,
    ReadOnly,
    Pivot,
    Retriable,
}

impl StepKind {
    pub fn as_str(self) -> &'static str {
        match self {
            StepKind::Compensatable => "compensatable",
            StepKind::ReadOnly => "read_only",
            StepKind::Pivot => "pivot",
            StepKind::Retriable => "retriable",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Relay {
    Cdc,
    Polling,
}

impl Relay {
    pub fn as_str(self) -> &'static str {
        match self {
            Relay::Cdc => "cdc",
            Relay::Polling => "polling",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outbox {
    pub table: Spanned<String>,
    pub relay: Relay,
    pub connector: Option<String>,
    pub poll_interval: Option<Duration>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Participant {
    pub name: Spanned<String>,
    /// False for a name used somewhere but missing from `participants` (reported as R101);
    /// the model keeps it so the rest of the saga can still be checked.
    pub declared: bool,
    pub description: Option<String>,
    pub outbox: Option<Outbox>,
    /// Where an `outbox` is written without its table or relay (S005): `outbox` is then
    /// empty, but the participant did declare one, which the rules do not contradict.
    pub incomplete_outbox: Option<Span>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Orchestrator {
    /// The service hosting the orchestrator (the trigger's participant unless stated).
    pub participant: ParticipantId,
    pub log: Option<Spanned<String>>,
    pub engine: Option<Spanned<String>>,
    /// Where `orchestrator` was written; `None` when absent (all defaults).
    pub span: Option<Span>,
}

/// Who a compensation undoes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Owner {
    Trigger,
    Step(StepId),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Compensation {
    pub action: Spanned<String>,
    pub retry: Retry,
    pub reads: Vec<Spanned<String>>,
    /// Choreography: the events that start the compensation.
    pub consumes: Vec<Spanned<String>>,
    /// Choreography: the event announcing it is done.
    pub emits: Option<Spanned<String>>,
    pub description: Option<String>,
    pub span: Span,
    /// Version 2: its step's writes, read when the step's reply came (the trigger's
    /// compensation: fields of the trigger's `data`).
    pub reads_if_present: Vec<Spanned<String>>,
    /// Which attempts of its step it undoes. Not applicable to the trigger's compensation,
    /// which runs whenever the saga compensates.
    pub runs_for: Setting<RunsFor>,
    /// What it does on an effect that never happened (not applicable to the trigger's).
    pub absent_effect: Setting<AbsentEffect>,
    /// What happens when it gives up.
    pub on_failure: Setting<OnFailure>,
    /// How long one attempt may take before it is in doubt and re-sent.
    pub timeout: Option<Setting<Duration>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trigger {
    pub participant: ParticipantId,
    pub participant_span: Span,
    pub action: Spanned<String>,
    pub compensation: Option<Compensation>,
    pub event: Option<Spanned<String>>,
    pub data: Vec<Spanned<String>>,
    /// `trigger.outbox`: shorthand for an outbox on the trigger's participant.
    pub outbox: Option<Outbox>,
    /// Where a `trigger.outbox` is written without its table or relay (S005).
    pub incomplete_outbox: Option<Span>,
    pub description: Option<String>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub id: Spanned<String>,
    pub participant: ParticipantId,
    pub participant_span: Span,
    pub action: Spanned<String>,
    pub description: Option<String>,
    /// The kind the saga runs with: the declared one, else `compensatable` (a step without
    /// either a kind or a compensation is reported as C201 and simulated as a compensatable
    /// step whose effect cannot be undone).
    pub kind: StepKind,
    pub declared_kind: Option<Spanned<StepKind>>,
    pub compensation: Option<Compensation>,
    pub reads: Vec<Spanned<String>>,
    pub writes: Vec<Spanned<String>>,
    /// The business failures it declares, by name, in order (the built-in names a long
    /// form lists are in `failure_handling` only).
    pub failures: Vec<Spanned<String>>,
    /// Every entry of `failures` with its handling (a v1 spec: each `then: compensate`).
    pub failure_handling: Vec<Failure>,
    pub timeout: Option<Spanned<Duration>>,
    pub retry: Retry,
    pub idempotency_key: Option<Spanned<String>>,
    /// Choreography: the event that starts the step.
    pub consumes: Option<Spanned<String>>,
    pub emits_success: Option<Spanned<String>>,
    /// The one event every failure publishes (`emits.failure: x.failed`).
    pub emits_failure: Option<Spanned<String>>,
    /// Version 2: the event of each failure (`emits.failure` as a map); empty otherwise.
    pub emits_failure_by: Vec<FailureEvent>,
    /// Version 2: false when a failed attempt may have applied its effect.
    pub transactional: Setting<bool>,
    /// What an error the step does not declare does.
    pub on_uncaught: Setting<OnUncaught>,
    /// The index of the stage the step belongs to in [`Saga::stages`].
    pub stage: usize,
    /// The step's mapping (its first key).
    pub span: Span,
}

impl Step {
    /// Whether the step changes state somewhere (everything but a read-only check).
    pub fn has_effect(&self) -> bool {
        self.kind != StepKind::ReadOnly
    }

    /// The handling of a failure it lists, by name.
    pub fn failure(&self, name: &str) -> Option<&Failure> {
        self.failure_handling.iter().find(|f| f.name.value == name)
    }

    /// Every event a failure of the step publishes: the single one, or those of the map,
    /// each once, in order.
    pub fn failure_events(&self) -> Vec<&Spanned<String>> {
        let mut events: Vec<&Spanned<String>> = self.emits_failure.iter().collect();
        for e in &self.emits_failure_by {
            if !events.iter().any(|x| x.value == e.event.value) {
                events.push(&e.event);
            }
        }
        events
    }

    /// The step's `on_uncaught` as it acts: `compensate` on a retriable step is one
    /// transient failure, retried as under `retry` (a retriable step cannot fail for a
    /// business reason: `failure-semantics.md`, second pass, detail 4). The simulator
    /// (`scenario::fault::uncaught_handling`) and the rules (G408) ask here; the generated
    /// code decides the same at run time.
    pub fn uncaught_handling(&self) -> OnUncaught {
        match self.on_uncaught.value {
            OnUncaught::Compensate if self.kind == StepKind::Retriable => OnUncaught::Retry,
            other => other,
        }
    }

    /// The event a failure publishes: its entry in the map, or the single event.
    pub fn failure_event(&self, failure: &str) -> Option<&Spanned<String>> {
        if !self.emits_failure_by.is_empty() {
            return self
                .emits_failure_by
                .iter()
                .find(|e| e.failure.value == failure)
                .map(|e| &e.event);
        }
        self.emits_failure.as_ref()
    }
}

/// What runs at one point of an orchestration: one step, or a fork/join group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stage {
    Single(StepId),
    Parallel { branches: Vec<StepId>, span: Span },
}

impl Stage {
    pub fn steps(&self) -> &[StepId] {
        match self {
            Stage::Single(id) => std::slice::from_ref(id),
            Stage::Parallel { branches, .. } => branches,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reaction {
    pub participant: ParticipantId,
    pub participant_span: Span,
    pub consumes: Vec<Spanned<String>>,
    pub action: Spanned<String>,
    pub description: Option<String>,
    pub span: Span,
}

/// Who publishes an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Emitter {
    Trigger,
    StepSuccess(StepId),
    StepFailure(StepId),
    CompensationDone(Owner),
}

/// Who consumes an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Handler {
    Step(StepId),
    Compensation(Owner),
    Reaction(ReactionId),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub name: String,
    pub emitted_by: Vec<(Emitter, Span)>,
    pub consumed_by: Vec<(Handler, Span)>,
    /// Where it is listed in `terminal_events`.
    pub terminal: Option<Span>,
    /// Payload fields from the `events` catalogue.
    pub data: Vec<Spanned<String>>,
    /// Where it is declared in the `events` catalogue.
    pub declared: Option<Span>,
}

impl Event {
    /// The first place the event is named: what a diagnostic about the event points at.
    pub fn span(&self) -> Span {
        self.emitted_by
            .iter()
            .map(|(_, s)| *s)
            .chain(self.consumed_by.iter().map(|(_, s)| *s))
            .chain(self.terminal)
            .chain(self.declared)
            .min()
            .unwrap_or_default()
    }
}

#[derive(Debug, Clone)]
pub struct Saga {
    /// The language version the spec is written in.
    pub version: Version,
    /// Where `version` is written (the first line when it is missing).
    pub version_span: Span,
    /// The version 2 keys the spec writes, in the order they appear.
    pub features: Vec<Feature>,
    pub name: Spanned<String>,
    pub description: Option<String>,
    pub coordination: Coordination,
    pub coordination_span: Span,
    pub rationale: Option<Spanned<String>>,
    pub participants: Vec<Participant>,
    /// Orchestration: always present (defaults filled in). Choreography: `None`.
    pub orchestrator: Option<Orchestrator>,
    /// When the deadline passes, counted from the trigger's commit.
    pub deadline: Option<Spanned<Duration>>,
    /// What it does then (present with `deadline`; the short form's defaults otherwise).
    pub deadline_policy: Option<Deadline>,
    /// The saga's default for errors no step declares (each step's is resolved).
    pub on_uncaught: Setting<OnUncaught>,
    pub escalation: Option<Escalation>,
    pub outcome: Option<Outcome>,
    /// `compensation_defaults.reads_if_present` as written: each compensation that writes
    /// none of its own reads those of them its step wrote.
    pub default_reads_if_present: Vec<Spanned<String>>,
    pub cancellation: Option<Cancellation>,
    pub trigger: Trigger,
    /// Every step in declaration order, the branches of a parallel group in place.
    pub steps: Vec<Step>,
    pub stages: Vec<Stage>,
    pub reactions: Vec<Reaction>,
    /// Every event the saga names, in order of first mention.
    pub events: Vec<Event>,
    pub terminal_events: Vec<Spanned<String>>,
    pub graph: Graph,
    /// The `fields` and `records` catalogues (typed data).
    pub types: types::Types,
    /// Version 2: the resources, each action's effects, and the isolation settings.
    pub resources: resources::Resources,
    /// `events` by name.
    event_index: HashMap<String, EventId>,
}

impl Saga {
    pub fn step(&self, id: StepId) -> &Step {
        &self.steps[id.index()]
    }

    pub fn step_ids(&self) -> impl DoubleEndedIterator<Item = StepId> + ExactSizeIterator {
        (0..self.steps.len()).map(StepId::new)
    }

    pub fn participant(&self, id: ParticipantId) -> &Participant {
        &self.participants[id.index()]
    }

    pub fn event(&self, id: EventId) -> &Event {
        &self.events[id.index()]
    }

    pub fn event_id(&self, name: &str) -> Option<EventId> {
        self.event_index.get(name).copied()
    }

    pub fn step_by_name(&self, id: &str) -> Option<StepId> {
        self.steps
            .iter()
            .position(|s| s.id.value == id)
            .map(StepId::new)
    }

    pub fn compensation(&self, owner: Owner) -> Option<&Compensation> {
        match owner {
            Owner::Trigger => self.trigger.compensation.as_ref(),
            Owner::Step(id) => self.step(id).compensation.as_ref(),
        }
    }

    /// The first declared pivot.
    pub fn pivot(&self) -> Option<StepId> {
        self.steps
            .iter()
            .position(|s| s.kind == StepKind::Pivot)
            .map(StepId::new)
    }

    /// The step after whose success the saga must complete: the declared pivot, or without
    /// one the first retriable step.
    pub fn point_of_no_return(&self) -> Option<StepId> {
        self.pivot().or_else(|| {
            self.steps
                .iter()
                .position(|s| s.kind == StepKind::Retriable)
                .map(StepId::new)
        })
    }

    /// The outbox through which a participant's events leave: its own, or for the trigger's
    /// participant `trigger.outbox`.
    pub fn outbox_of(&self, participant: ParticipantId) -> Option<&Outbox> {
        self.participant(participant).outbox.as_ref().or_else(|| {
            (participant == self.trigger.participant)
                .then_some(self.trigger.outbox.as_ref())
                .flatten()
        })
    }

    /// Where an outbox is written for a participant (its own, or for the trigger's
    /// participant `trigger.outbox`) that misses its table or relay, when it has no complete
    /// one: reported as S005, so no rule also says that the participant has no outbox.
    pub fn incomplete_outbox_of(&self, participant: ParticipantId) -> Option<Span> {
        if self.outbox_of(participant).is_some() {
            return None;
        }
        self.participant(participant).incomplete_outbox.or_else(|| {
            (participant == self.trigger.participant)
                .then_some(self.trigger.incomplete_outbox)
                .flatten()
        })
    }

    /// The participant that runs a handler.
    pub fn handler_participant(&self, handler: Handler) -> ParticipantId {
        match handler {
            Handler::Step(id) | Handler::Compensation(Owner::Step(id)) => self.step(id).participant,
            Handler::Compensation(Owner::Trigger) => self.trigger.participant,
            Handler::Reaction(i) => self.reactions[i.index()].participant,
        }
    }

    /// The participant that publishes for an emitter.
    pub fn emitter_participant(&self, emitter: Emitter) -> ParticipantId {
        match emitter {
            Emitter::Trigger | Emitter::CompensationDone(Owner::Trigger) => {
                self.trigger.participant
            }
            Emitter::StepSuccess(id)
            | Emitter::StepFailure(id)
            | Emitter::CompensationDone(Owner::Step(id)) => self.step(id).participant,
        }
    }

    /// Whether the spec is written in language version 2.
    pub fn is_v2(&self) -> bool {
        self.version == Version::V2
    }

    /// Every compensation with its owner: the trigger's first, then the steps' in order.
    pub fn compensations(&self) -> impl Iterator<Item = (Owner, &Compensation)> {
        let trigger = self
            .trigger
            .compensation
            .as_ref()
            .map(|c| (Owner::Trigger, c));
        let steps = self
            .step_ids()
            .filter_map(|id| Some((Owner::Step(id), self.step(id).compensation.as_ref()?)));
        trigger.into_iter().chain(steps)
    }

    /// Whether an engine such as Temporal runs the saga (durable start and state).
    pub fn has_engine(&self) -> bool {
        self.orchestrator
            .as_ref()
            .is_some_and(|o| o.engine.is_some())
    }
}
