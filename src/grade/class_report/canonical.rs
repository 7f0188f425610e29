//! The canonical form of a resolved saga: its structure with every name replaced by its
//! position, hashed. Two specs that are the same saga up to renaming (step ids, actions,
//! participants, events, data fields, the saga's name, descriptions, the rationale,
//! comments, the order of the `participants` map) have the same form; a change to the
//! structure (a step added, moved or of another kind, a compensation missing or shaped
//! otherwise, an event wired elsewhere, another retry policy, timeout or outbox) changes it.
//!
//! Beside the exact form, a saga has a set of **features**: local facts that do not depend
//! on absolute positions (a step's kind with its compensation and retry policy, two kinds in
//! a row, an event from a step to the step two further on), so that a saga with one step
//! added still shares most of its features with the original. [`Shape::features`] keeps a
//! bounded sample of them (the [`SAMPLE`] smallest hashes: a bottom-k sketch), so comparing
//! two sagas costs at most `2 × SAMPLE` steps whatever their size; for every saga with fewer
//! features than that (any student's saga of up to ~80 steps) the sample is the whole set.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::time::Duration;

use crate::model::{
    Attempts, Compensation, Coordination, Emitter, Handler, Outbox, Owner, ParticipantId, Retry,
    Saga, Stage, StepKind,
};

/// How many feature hashes a shape keeps (the smallest ones).
pub const SAMPLE: usize = 256;

/// Above this many emitter × handler pairs, an event's wiring is one feature (its fan-in
/// and fan-out) rather than one per pair, so the features stay linear in the spec's size.
const MAX_WIRES_PER_EVENT: usize = 64;

/// A saga's structure, without its names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shape {
    /// The hash of the canonical form: equal for the same saga up to renaming. 64 bits:
    /// among 1,000 submissions the chance that two different forms collide is about 10⁻¹⁴.
    pub form: u64,
    /// The smallest [`SAMPLE`] feature hashes, ascending and distinct.
    pub features: Vec<u64>,
    /// How many distinct features the saga has (the sample may hold fewer).
    pub feature_count: usize,
    pub steps: usize,
    pub coordination: Coordination,
}

/// The shape of a resolved saga. Linear in the size of the saga.
pub fn shape(saga: &Saga) -> Shape {
    let names = Names::of(saga);
    let mut form = DefaultHasher::new();
    write_form(saga, &names, &mut form);
    let mut features = features(saga);
    let feature_count = features.len();
    features.truncate(SAMPLE);
    Shape {
        form: form.finish(),
        features,
        feature_count,
        steps: saga.steps.len(),
        coordination: saga.coordination,
    }
}

/// Every name's position: participants, events and data fields numbered in the order the
/// saga first uses them (the trigger, then the steps in order), not the order of their
/// declarations.
struct Names<'a> {
    participants: Vec<Option<u32>>,
    events: Numbers<'a>,
    fields: Numbers<'a>,
}

#[derive(Default)]
struct Numbers<'a>(HashMap<&'a str, u32>);

impl<'a> Numbers<'a> {
    fn number(&mut self, name: &'a str) -> u32 {
        let next = self.0.len() as u32;
        *self.0.entry(name).or_insert(next)
    }

    fn get(&self, name: &str) -> Option<u32> {
        self.0.get(name).copied()
    }
}

impl<'a> Names<'a> {
    fn of(saga: &'a Saga) -> Names<'a> {
        let mut names = Names {
            participants: vec![None; saga.participants.len()],
            events: Numbers::default(),
            fields: Numbers::default(),
        };
        let mut next = 0u32;
        let mut participant = |id: ParticipantId| {
            if let Some(slot) = names.participants.get_mut(id.index())
                && slot.is_none()
            {
                *slot = Some(next);
                next += 1;
            }
        };
        participant(saga.trigger.participant);
        if let Some(o) = &saga.orchestrator {
            participant(o.participant);
        }
        for step in &saga.steps {
            participant(step.participant);
        }
        for reaction in &saga.reactions {
            participant(reaction.participant);
        }
        let trigger = &saga.trigger;
        names
            .events
            .extend(trigger.event.iter().map(|e| e.value.as_str()));
        names
            .fields
            .extend(trigger.data.iter().map(|d| d.value.as_str()));
        for step in &saga.steps {
            let events = step.consumes.iter().chain(&step.emits_success);
            names
                .events
                .extend(events.chain(&step.emits_failure).map(|e| e.value.as_str()));
            let fields = step.reads.iter().chain(&step.writes);
            names.fields.extend(
                fields
                    .chain(&step.idempotency_key)
                    .map(|f| f.value.as_str()),
            );
            if let Some(c) = &step.compensation {
                names.compensation(c);
            }
        }
        if let Some(c) = &trigger.compensation {
            names.compensation(c);
        }
        for reaction in &saga.reactions {
            names
                .events
                .extend(reaction.consumes.iter().map(|e| e.value.as_str()));
        }
        names
            .events
            .extend(saga.terminal_events.iter().map(|e| e.value.as_str()));
        names
    }

    fn compensation(&mut self, c: &'a Compensation) {
        let events = c.consumes.iter().chain(&c.emits);
        self.events.extend(events.map(|e| e.value.as_str()));
        self.fields.extend(c.reads.iter().map(|f| f.value.as_str()));
    }

    fn participant(&self, id: ParticipantId) -> Option<u32> {
        self.participants.get(id.index()).copied().flatten()
    }
}

impl<'a> Extend<&'a str> for Numbers<'a> {
    fn extend<I: IntoIterator<Item = &'a str>>(&mut self, names: I) {
        for name in names {
            self.number(name);
        }
    }
}

/// Writes the canonical form: every structural fact in a fixed order, each name as its
/// number. `Hash` of a `Vec` or an `Option` writes its length or variant first, so no two
/// different forms write the same sequence.
fn write_form(saga: &Saga, names: &Names, h: &mut DefaultHasher) {
    let event = |e: &crate::source::Spanned<String>| names.events.get(&e.value);
    let fields = |list: &[crate::source::Spanned<String>]| -> Vec<Option<u32>> {
        list.iter().map(|f| names.fields.get(&f.value)).collect()
    };
    let compensation = |c: &Compensation, h: &mut DefaultHasher| {
        retry(&c.retry).hash(h);
        fields(&c.reads).hash(h);
        c.consumes.iter().map(event).collect::<Vec<_>>().hash(h);
        c.emits.as_ref().map(event).hash(h);
    };
    saga.coordination.hash(h);
    saga.deadline.as_ref().map(|d| d.value).hash(h);
    if let Some(o) = &saga.orchestrator {
        (
            names.participant(o.participant),
            o.log.is_some(),
            o.engine.is_some(),
        )
            .hash(h);
    }
    let trigger = &saga.trigger;
    names.participant(trigger.participant).hash(h);
    trigger.event.as_ref().map(event).hash(h);
    fields(&trigger.data).hash(h);
    trigger.outbox.as_ref().map(outbox).hash(h);
    trigger.compensation.is_some().hash(h);
    if let Some(c) = &trigger.compensation {
        compensation(c, h);
    }
    // Participants in the order of first use; those never used, as a sorted multiset.
    let mut used: Vec<(u32, Option<OutboxShape>)> = Vec::new();
    let mut unused: Vec<Option<OutboxShape>> = Vec::new();
    for (i, p) in saga.participants.iter().enumerate() {
        let shape = p.outbox.as_ref().map(outbox);
        match names.participant(ParticipantId::new(i)) {
            Some(n) => used.push((n, shape)),
            None => unused.push(shape),
        }
    }
    used.sort_unstable();
    unused.sort_unstable();
    (used, unused).hash(h);
    for stage in &saga.stages {
        stage.steps().len().hash(h);
    }
    saga.steps.len().hash(h);
    for step in &saga.steps {
        names.participant(step.participant).hash(h);
        step.kind.hash(h);
        retry(&step.retry).hash(h);
        step.timeout.as_ref().map(|t| t.value).hash(h);
        (fields(&step.reads), fields(&step.writes)).hash(h);
        step.idempotency_key
            .as_ref()
            .map(|k| names.fields.get(&k.value))
            .hash(h);
        step.failures.len().hash(h);
        step.consumes.as_ref().map(event).hash(h);
        step.emits_success.as_ref().map(event).hash(h);
        step.emits_failure.as_ref().map(event).hash(h);
        step.compensation.is_some().hash(h);
        if let Some(c) = &step.compensation {
            compensation(c, h);
        }
    }
    saga.reactions.len().hash(h);
    for reaction in &saga.reactions {
        names.participant(reaction.participant).hash(h);
        reaction
            .consumes
            .iter()
            .map(event)
            .collect::<Vec<_>>()
            .hash(h);
    }
    saga.terminal_events
        .iter()
        .map(event)
        .collect::<Vec<_>>()
        .hash(h);
    // Payloads from the `events` catalogue: by event number; catalogue-only events (named
    // nowhere else) as a sorted multiset of their payload sizes.
    let mut payloads: Vec<(Option<u32>, usize)> = saga
        .events
        .iter()
        .map(|e| (names.events.get(&e.name), e.data.len()))
        .collect();
    payloads.sort_unstable();
    payloads.hash(h);
}

/// A retry policy without its spans.
fn retry(r: &Retry) -> (Attempts, bool, Duration, Duration) {
    (
        r.max_attempts,
        r.backoff == crate::model::Backoff::Exponential,
        r.initial,
        r.max,
    )
}

type OutboxShape = (bool, Option<Duration>, bool);

/// An outbox without its table's name: the relay, the polling interval, a connector.
fn outbox(o: &Outbox) -> OutboxShape {
    (
        o.relay == crate::model::Relay::Cdc,
        o.poll_interval,
        o.connector.is_some(),
    )
}

/// The saga's features, hashed: distinct (a feature that occurs `n` times is `n` features,
/// each with its occurrence number) and ascending.
fn features(saga: &Saga) -> Vec<u64> {
    let mut list: Vec<u64> = Vec::new();
    let mut add = |f: &dyn Fn(&mut DefaultHasher)| {
        let mut h = DefaultHasher::new();
        f(&mut h);
        list.push(h.finish());
    };
    add(&|h| ("coordination", saga.coordination, saga.steps.len()).hash(h));
    add(&|h| ("deadline", saga.deadline.as_ref().map(|d| d.value)).hash(h));
    if let Some(o) = &saga.orchestrator {
        let host_is_trigger = o.participant == saga.trigger.participant;
        add(&|h| {
            (
                "orchestrator",
                o.log.is_some(),
                o.engine.is_some(),
                host_is_trigger,
            )
                .hash(h)
        });
    }
    let t = &saga.trigger;
    add(&|h| {
        let compensation = t.compensation.as_ref().map(local_compensation);
        let shape = (
            t.event.is_some(),
            t.data.len(),
            t.outbox.as_ref().map(outbox),
        );
        ("trigger", shape, compensation).hash(h)
    });
    for p in &saga.participants {
        if let Some(o) = &p.outbox {
            add(&|h| ("outbox", outbox(o)).hash(h));
        }
    }
    for (i, step) in saga.steps.iter().enumerate() {
        add(&|h| ("step", step_feature(saga, i)).hash(h));
        if let Some(next) = saga.steps.get(i + 1) {
            let pair = (
                (step.kind, step.compensation.is_some()),
                (next.kind, next.compensation.is_some()),
                step.participant == next.participant,
            );
            add(&|h| ("next", pair).hash(h));
        }
    }
    for reaction in &saga.reactions {
        add(&|h| ("reaction", reaction.consumes.len()).hash(h));
    }
    add(&|h| ("terminal", saga.terminal_events.len()).hash(h));
    for event in &saga.events {
        let (from, to) = (&event.emitted_by, &event.consumed_by);
        if from.len() * to.len() > MAX_WIRES_PER_EVENT {
            add(&|h| ("fan", from.len(), to.len()).hash(h));
            continue;
        }
        for (emitter, _) in from {
            for (handler, _) in to {
                add(&|h| ("wire", wire(saga, *emitter, *handler)).hash(h));
            }
        }
        if from.is_empty() || to.is_empty() {
            add(&|h| ("loose", from.len(), to.len(), event.terminal.is_some()).hash(h));
        }
    }
    distinct(list)
}

type StepFeature = (
    (usize, StepKind),
    (Attempts, bool, Duration, Duration),
    Option<Duration>,
    (usize, usize, usize, bool),
    (bool, bool, bool),
    Option<(Attempts, bool, usize, usize, bool)>,
);

/// What one step is, without its names or its position: its stage's width, kind, retry
/// policy, timeout, data, failures, events and compensation.
fn step_feature(saga: &Saga, i: usize) -> StepFeature {
    let step = &saga.steps[i];
    let width = saga.stages.get(step.stage).map_or(1, |s| match s {
        Stage::Single(_) => 1,
        Stage::Parallel { branches, .. } => branches.len(),
    });
    (
        (width, step.kind),
        retry(&step.retry),
        step.timeout.as_ref().map(|t| t.value),
        (
            step.reads.len(),
            step.writes.len(),
            step.failures.len(),
            step.idempotency_key.is_some(),
        ),
        (
            step.consumes.is_some(),
            step.emits_success.is_some(),
            step.emits_failure.is_some(),
        ),
        step.compensation.as_ref().map(local_compensation),
    )
}

fn local_compensation(c: &Compensation) -> (Attempts, bool, usize, usize, bool) {
    let (attempts, exponential, ..) = retry(&c.retry);
    (
        attempts,
        exponential,
        c.reads.len(),
        c.consumes.len(),
        c.emits.is_some(),
    )
}

/// Who sends an event to whom, as kinds and the distance between the two steps.
fn wire(
    saga: &Saga,
    emitter: Emitter,
    handler: Handler,
) -> (u8, u8, Option<StepKind>, Option<StepKind>, Option<i64>) {
    let (from, from_step) = match emitter {
        Emitter::Trigger => (0, None),
        Emitter::StepSuccess(s) => (1, Some(s)),
        Emitter::StepFailure(s) => (2, Some(s)),
        Emitter::CompensationDone(Owner::Trigger) => (3, None),
        Emitter::CompensationDone(Owner::Step(s)) => (4, Some(s)),
    };
    let (to, to_step) = match handler {
        Handler::Step(s) => (0, Some(s)),
        Handler::Compensation(Owner::Trigger) => (1, None),
        Handler::Compensation(Owner::Step(s)) => (2, Some(s)),
        Handler::Reaction(_) => (3, None),
    };
    let distance = match (from_step, to_step) {
        (Some(a), Some(b)) => Some(b.index() as i64 - a.index() as i64),
        (None, Some(b)) => Some(b.index() as i64 + 1),
        (Some(a), None) => Some(-(a.index() as i64) - 1),
        (None, None) => None,
    };
    let kind = |s: Option<crate::model::StepId>| s.map(|s| saga.step(s).kind);
    (from, to, kind(from_step), kind(to_step), distance)
}

/// Sorted and distinct: the `n`-th repeat of a feature is hashed with `n`.
fn distinct(mut list: Vec<u64>) -> Vec<u64> {
    list.sort_unstable();
    let mut out = Vec::with_capacity(list.len());
    let mut repeat = 0u64;
    for (i, &f) in list.iter().enumerate() {
        if i > 0 && list[i - 1] == f {
            repeat += 1;
            let mut h = DefaultHasher::new();
            (f, repeat).hash(&mut h);
            out.push(h.finish());
        } else {
            repeat = 0;
            out.push(f);
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}
