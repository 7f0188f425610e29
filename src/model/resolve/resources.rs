//! `resources` and `isolation`: each resource's owner, key, kind, states, transitions and
//! lock states, with their defaults; the instances and the shared fields. The actions'
//! `effects` are read in `effects.rs`, once every action is resolved.

use super::Resolver;
use crate::model::names::Form;
use crate::model::problem::{IsolationProblem, Problem};
use crate::model::resources::{
    Direction, Isolation, OnLocked, Resource, ResourceKind, Resources, Transition, saga_key,
};
use crate::model::{Reaction, Setting, Step, Trigger};
use crate::source::{Span, Spanned};
use crate::syntax::{
    DirectionDef, IsolationDef, OnLockedDef, ResourceDef, ResourceKindDef, SpecDef,
};

/// Instances the simulator runs at most (the state space grows with the power).
const MAX_INSTANCES: u64 = 4;

impl Resolver<'_> {
    /// The resources, every action's effects and the isolation settings; empty when the
    /// spec writes none of them.
    pub(super) fn resources(
        &mut self,
        spec: &SpecDef,
        trigger: &Trigger,
        steps: &[Step],
        reactions: &[Reaction],
    ) -> Resources {
        let mut out = Resources {
            span: spec.resources.as_ref().map(|r| r.span),
            ..Resources::default()
        };
        for (name, def) in spec.resources.iter().flat_map(|r| r.value.0.iter()) {
            if let Some(resource) = self.resource(name, def.as_ref()) {
                out.declared.push(resource);
            }
        }
        out.actions = self.effects(spec, &out.declared, trigger, steps, reactions);
        out.isolation = self.isolation(spec.isolation.as_ref(), &out, trigger, steps);
        out
    }

    fn resource(
        &mut self,
        name: &Spanned<String>,
        def: Option<&Spanned<ResourceDef>>,
    ) -> Option<Resource> {
        self.name(name, Form::Snake, "resource name");
        self.reserved(name, "resource name");
        let empty = Spanned::new(ResourceDef::default(), name.span);
        let def = def.unwrap_or(&empty);
        let span = self.widen(def.span);
        let r = &def.value;
        let hint_owner = "name the participant that owns these records, e.g. `participant: order`";
        let owner = self.required(
            &r.participant,
            span,
            "participant",
            "a resource",
            hint_owner,
        );
        let key = self.required(
            &r.key,
            span,
            "key",
            "a resource",
            "name the data field that identifies a record, e.g. `key: order_id`",
        );
        let (owner, key) = (owner?, key?.clone());
        self.name(&key, Form::Snake, "data field");
        let participant = self.participant_ref(owner);
        let kind = match r.kind.as_ref().map(|k| k.value) {
            Some(ResourceKindDef::Counter) => ResourceKind::Counter,
            _ => ResourceKind::Record,
        };
        let counter = kind == ResourceKind::Counter;
        self.keys_for_kind(r, counter);
        let states: Vec<Spanned<String>> = match (&r.states, counter) {
            (Some(s), false) => s.value.clone(),
            _ => Vec::new(),
        };
        for s in &states {
            self.name(s, Form::State, "state");
        }
        let resource_name = &name.value;
        let (transitions, transitions_written) = match (&r.transitions, counter) {
            (Some(t), false) => (self.transitions(t, resource_name, &states), Some(t.span)),
            _ => (every_move(&states), None),
        };
        let locks: Vec<Spanned<String>> = match (&r.locks, counter) {
            (Some(l), false) => l.value.clone(),
            _ => Vec::new(),
        };
        for l in &locks {
            self.state_ref(l, resource_name, &states, "locks");
        }
        Some(Resource {
            name: name.clone(),
            participant,
            participant_span: owner.span,
            key,
            kind,
            states,
            transitions,
            transitions_written,
            locks,
            on_locked: match &r.on_locked {
                Some(o) => Setting::own(on_locked(o.value), self.key_span(o.span, "on_locked")),
                None => Setting::default(OnLocked::Wait),
            },
            commutative: self.flag(r.commutative.as_ref(), "commutative"),
            pessimistic_view: r.pessimistic_view.as_ref().map(|p| {
                let d = match p.value {
                    DirectionDef::Increase => Direction::Increase,
                    DirectionDef::Decrease => Direction::Decrease,
                };
                Spanned::new(d, p.span)
            }),
            version_file: self.flag(r.version_file.as_ref(), "version_file"),
            description: r.description.as_ref().map(|d| d.value.clone()),
            span: name.span,
        })
    }

    fn flag(&self, value: Option<&Spanned<bool>>, key: &str) -> Setting<bool> {
        match value {
            Some(v) => Setting::own(v.value, self.key_span(v.span, key)),
            None => Setting::default(false),
        }
    }

    /// Reports the keys a resource of the other kind takes.
    fn keys_for_kind(&mut self, r: &ResourceDef, counter: bool) {
        let record_keys = [
            ("states", r.states.as_ref().map(|k| k.span)),
            ("transitions", r.transitions.as_ref().map(|k| k.span)),
            ("locks", r.locks.as_ref().map(|k| k.span)),
            ("on_locked", r.on_locked.as_ref().map(|k| k.span)),
        ];
        let counter_keys = [
            ("commutative", r.commutative.as_ref().map(|k| k.span)),
            (
                "pessimistic_view",
                r.pessimistic_view.as_ref().map(|k| k.span),
            ),
        ];
        let wrong = if counter {
            record_keys.as_slice()
        } else {
            counter_keys.as_slice()
        };
        for &(key, span) in wrong {
            if let Some(span) = span {
                let span = self.key_span(span, key);
                self.report(Problem::Isolation(IsolationProblem::KeyNotForKind {
                    span,
                    key,
                    counter,
                }));
            }
        }
    }

    /// `FROM -> TO` entries, each side a declared state.
    fn transitions(
        &mut self,
        list: &Spanned<Vec<Spanned<String>>>,
        resource: &str,
        states: &[Spanned<String>],
    ) -> Vec<Transition> {
        let mut out = Vec::new();
        for text in &list.value {
            let Some((from, to)) = split_transition(&text.value) else {
                self.report(Problem::Isolation(IsolationProblem::BadTransition {
                    text: text.clone(),
                }));
                continue;
            };
            let from = self.part_of(text, from, 0);
            let to = self.part_of(text, to, from.span.end.saturating_sub(text.span.start));
            let known_from = self.state_ref(&from, resource, states, "transitions");
            let known_to = self.state_ref(&to, resource, states, "transitions");
            if known_from && known_to {
                out.push(Transition { from, to });
            }
        }
        out
    }

    /// `part` of a value, spanned where the source writes it (searched in the value's own
    /// span from `after` bytes in); the whole value's span when the source writes it
    /// otherwise (an escaped or folded scalar).
    pub(super) fn part_of(
        &self,
        value: &Spanned<String>,
        part: &str,
        after: usize,
    ) -> Spanned<String> {
        let written = self
            .source
            .text
            .get(value.span.start..value.span.end)
            .unwrap_or("");
        let span = written
            .get(after..)
            .and_then(|rest| rest.find(part))
            .map_or(value.span, |at| {
                let start = value.span.start + after + at;
                Span::new(start, start + part.len())
            });
        Spanned::new(part.to_owned(), span)
    }

    /// Whether `state` is among `states`; reported (R108) when it is not.
    pub(super) fn state_ref(
        &mut self,
        state: &Spanned<String>,
        resource: &str,
        states: &[Spanned<String>],
        key: &'static str,
    ) -> bool {
        if states.iter().any(|s| s.value == state.value) {
            return true;
        }
        self.report(Problem::Isolation(IsolationProblem::UndeclaredState {
            name: state.clone(),
            resource: resource.to_owned(),
            states: states.iter().map(|s| s.value.clone()).collect(),
            key,
        }));
        false
    }

    fn isolation(
        &mut self,
        def: Option<&Spanned<IsolationDef>>,
        resources: &Resources,
        trigger: &Trigger,
        steps: &[Step],
    ) -> Isolation {
        let declared = resources.any();
        let instances = match def.and_then(|d| d.value.instances.as_ref()) {
            Some(n) if (1..=MAX_INSTANCES).contains(&n.value) => {
                Setting::own(n.value as u8, self.key_span(n.span, "instances"))
            }
            Some(n) => {
                let span = self.key_span(n.span, "instances");
                self.report(Problem::Isolation(IsolationProblem::InstancesOutOfRange {
                    span: Span::new(span.start.min(n.span.start), span.end.max(n.span.end)),
                    value: n.value,
                }));
                Setting::default(2)
            }
            None => Setting::default(if declared { 2 } else { 1 }),
        };
        let shared = match def.and_then(|d| d.value.shared.as_ref()) {
            Some(list) => {
                for f in &list.value {
                    self.name(f, Form::Snake, "data field");
                }
                let fields = list.value.iter().map(|f| f.value.clone()).collect();
                Setting::own(fields, self.key_span(list.span, "shared"))
            }
            None => Setting::default(default_shared(resources, trigger, steps)),
        };
        Isolation {
            instances,
            shared,
            span: def.map(|d| d.span),
        }
    }
}

/// Every field used in a record reference, but the saga's key, in order of first use.
fn default_shared(resources: &Resources, trigger: &Trigger, steps: &[Step]) -> Vec<String> {
    let key = saga_key(trigger, steps);
    let mut out: Vec<String> = Vec::new();
    for (_, effect) in resources.effects() {
        let field = &effect.record.field.value;
        if Some(field.as_str()) != key && !out.contains(field) {
            out.push(field.clone());
        }
    }
    out
}

/// Every move between two different states, spanned by the state moved to.
fn every_move(states: &[Spanned<String>]) -> Vec<Transition> {
    let mut out = Vec::new();
    for from in states {
        for to in states {
            if from.value != to.value {
                out.push(Transition {
                    from: from.clone(),
                    to: to.clone(),
                });
            }
        }
    }
    out
}

/// `PENDING -> APPROVED`: the two sides, trimmed.
fn split_transition(text: &str) -> Option<(&str, &str)> {
    let (from, to) = text.split_once("->")?;
    let (from, to) = (from.trim(), to.trim());
    if from.is_empty() || to.is_empty() || to.contains("->") {
        return None;
    }
    Some((from, to))
}

pub(super) fn on_locked(def: OnLockedDef) -> OnLocked {
    match def {
        OnLockedDef::Wait => OnLocked::Wait,
        OnLockedDef::Fail => OnLocked::Fail,
        OnLockedDef::Proceed => OnLocked::Proceed,
    }
}
