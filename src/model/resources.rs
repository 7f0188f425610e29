//! Version 2, isolation: the data the saga's actions touch. A resource is records of one
//! kind (with states, legal transitions and semantic lock states) or a counter, owned by
//! one participant; each action's effects say what its local transaction does to which
//! record (`stock[item]`: the resource, and the data field whose value picks the record);
//! `isolation` says how many instances run at once and which fields they share. A spec
//! without `resources` has none of this, and runs one instance as it always did.

use super::{Owner, ParticipantId, ReactionId, ResourceId, Saga, Setting, Step, StepId, Trigger};
use crate::source::{Span, Spanned};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ResourceKind {
    /// Records with states.
    Record,
    /// A quantity.
    Counter,
}

impl ResourceKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ResourceKind::Record => "record",
            ResourceKind::Counter => "counter",
        }
    }
}

/// What another instance's access to a record in a lock state does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OnLocked {
    /// Parked at the owner until the lock is released.
    Wait,
    /// Refused with the built-in failure `Locked`.
    Fail,
    /// Admitted, and counted for the anomalies.
    Proceed,
}

impl OnLocked {
    pub fn as_str(self) -> &'static str {
        match self {
            OnLocked::Wait => "wait",
            OnLocked::Fail => "fail",
            OnLocked::Proceed => "proceed",
        }
    }
}

/// A counter's direction of change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    Increase,
    Decrease,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Increase => "increase",
            Direction::Decrease => "decrease",
        }
    }
}

/// A legal move of a record, `FROM -> TO`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transition {
    pub from: Spanned<String>,
    pub to: Spanned<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resource {
    pub name: Spanned<String>,
    /// The owner: an effect from another participant's action is R107.
    pub participant: ParticipantId,
    pub participant_span: Span,
    /// The field that identifies a record.
    pub key: Spanned<String>,
    pub kind: ResourceKind,
    pub states: Vec<Spanned<String>>,
    /// The legal moves: as written, or (when `transitions` is absent) every move between
    /// two different states, each spanned by `states`.
    pub transitions: Vec<Transition>,
    /// Where `transitions` is written.
    pub transitions_written: Option<Span>,
    pub locks: Vec<Spanned<String>>,
    pub on_locked: Setting<OnLocked>,
    pub commutative: Setting<bool>,
    pub pessimistic_view: Option<Spanned<Direction>>,
    pub version_file: Setting<bool>,
    pub description: Option<String>,
    /// The resource's name where it is declared.
    pub span: Span,
}

impl Resource {
    /// Whether the resource's records have states (`create` and `set` need them).
    pub fn has_states(&self) -> bool {
        self.kind == ResourceKind::Record && !self.states.is_empty()
    }

    pub fn is_lock(&self, state: &str) -> bool {
        self.locks.iter().any(|l| l.value == state)
    }

    /// Whether `from -> to` is a legal move.
    pub fn can_move(&self, from: &str, to: &str) -> bool {
        self.transitions
            .iter()
            .any(|t| t.from.value == from && t.to.value == to)
    }
}

/// What an effect does to its record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Verb {
    Read,
    Write,
    Increase,
    Decrease,
    Create,
    Set,
}

impl Verb {
    pub const ALL: [Verb; 6] = [
        Verb::Read,
        Verb::Write,
        Verb::Increase,
        Verb::Decrease,
        Verb::Create,
        Verb::Set,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Verb::Read => "read",
            Verb::Write => "write",
            Verb::Increase => "increase",
            Verb::Decrease => "decrease",
            Verb::Create => "create",
            Verb::Set => "set",
        }
    }

    /// Every access but a `read` changes the record.
    pub fn changes(self) -> bool {
        self != Verb::Read
    }

    /// Whether the access observes the record's value (`increase`/`decrease` do not).
    pub fn observes(self) -> bool {
        !matches!(self, Verb::Increase | Verb::Decrease)
    }

    /// A counter's direction, for `increase` and `decrease`.
    pub fn direction(self) -> Option<Direction> {
        match self {
            Verb::Increase => Some(Direction::Increase),
            Verb::Decrease => Some(Direction::Decrease),
            _ => None,
        }
    }
}

/// `resource[field]`: a record of a resource, picked by a data field's value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordRef {
    pub resource: ResourceId,
    pub field: Spanned<String>,
    /// The whole reference as written.
    pub span: Span,
}

impl RecordRef {
    /// Whether two references name the same record in one instance.
    pub fn same_record(&self, other: &RecordRef) -> bool {
        self.resource == other.resource && self.field.value == other.field.value
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Effect {
    pub verb: Verb,
    pub record: RecordRef,
    /// `set`: the guard (empty: unguarded).
    pub from: Vec<Spanned<String>>,
    /// `create`, `set`: the state the record ends in.
    pub to: Option<Spanned<String>>,
    /// The field holding the version the instance observed.
    pub if_unchanged: Option<Spanned<String>>,
    /// This access's own `on_locked`, overriding the resource's.
    pub on_locked: Option<Spanned<OnLocked>>,
    /// Where the effect is written (its verb key); a default compensation's effect is
    /// spanned by the step's effect it undoes.
    pub span: Span,
}

impl Effect {
    /// What this access does when it meets another instance's lock.
    pub fn on_locked(&self, resource: &Resource) -> OnLocked {
        self.on_locked
            .as_ref()
            .map_or(resource.on_locked.value, |o| o.value)
    }

    /// A `write`, or a `set` without `from`: an access that can overwrite unseen.
    pub fn overwrites(&self) -> bool {
        self.verb == Verb::Write || (self.verb == Verb::Set && self.from.is_empty())
    }
}

/// An action of the saga that may declare effects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Actor {
    Trigger,
    Step(StepId),
    Compensation(Owner),
    Reaction(ReactionId),
}

impl Actor {
    pub fn is_compensation(self) -> bool {
        matches!(self, Actor::Compensation(_))
    }
}

/// The effects of one action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionEffects {
    pub actor: Actor,
    pub effects: Vec<Effect>,
    /// Where `effects:` is written; `None` for a compensation's default (the undo of its
    /// step's effects: `write` restores the before-image, `increase`/`decrease` invert).
    pub declared: Option<Span>,
}

/// `isolation`, with its defaults.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Isolation {
    /// Instances of the saga run at once (default 2 with resources).
    pub instances: Setting<u8>,
    /// The fields whose value is the same in every instance: as written, or the default
    /// (every field used in a record reference but the saga's key).
    pub shared: Setting<Vec<String>>,
    /// Where `isolation` is written.
    pub span: Option<Span>,
}

impl Default for Isolation {
    fn default() -> Self {
        Isolation {
            instances: Setting::default(1),
            shared: Setting::default(Vec::new()),
            span: None,
        }
    }
}

/// The resources, every action's effects, and the isolation settings; empty for a spec
/// without `resources`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Resources {
    /// The resources as declared, in order.
    pub declared: Vec<Resource>,
    /// The actions with effects (declared, or a compensation's default), in the order
    /// trigger, its compensation, steps with their compensations, reactions.
    pub actions: Vec<ActionEffects>,
    pub isolation: Isolation,
    /// Where `resources` is written.
    pub span: Option<Span>,
}

impl Resources {
    /// Whether the spec declares resources (and so runs several instances).
    pub fn any(&self) -> bool {
        self.span.is_some()
    }

    pub fn resource(&self, id: ResourceId) -> &Resource {
        &self.declared[id.index()]
    }

    pub fn resource_by_name(&self, name: &str) -> Option<ResourceId> {
        self.declared
            .iter()
            .position(|r| r.name.value == name)
            .map(ResourceId::new)
    }

    /// The effects of one action (none when it declares none and has no default).
    pub fn of(&self, actor: Actor) -> &[Effect] {
        self.actions
            .iter()
            .find(|a| a.actor == actor)
            .map_or(&[], |a| a.effects.as_slice())
    }

    /// The action's effects entry, if it has one.
    pub fn entry(&self, actor: Actor) -> Option<&ActionEffects> {
        self.actions.iter().find(|a| a.actor == actor)
    }

    /// Whether a record reference's field has the same value in every instance.
    pub fn is_shared(&self, record: &RecordRef) -> bool {
        self.isolation.shared.value.contains(&record.field.value)
    }

    /// Every effect with its action.
    pub fn effects(&self) -> impl Iterator<Item = (Actor, &Effect)> {
        self.actions
            .iter()
            .flat_map(|a| a.effects.iter().map(move |e| (a.actor, e)))
    }
}

/// The saga's key: the trigger field most steps use as `idempotency_key`; on a tie, the
/// first such field in the trigger's `data`. `None` when no step names a trigger field.
pub fn saga_key<'a>(trigger: &'a Trigger, steps: &[Step]) -> Option<&'a str> {
    let mut best: Option<(&str, usize)> = None;
    for field in &trigger.data {
        let uses = steps
            .iter()
            .filter(|s| s.idempotency_key.as_ref().map(|k| &k.value) == Some(&field.value))
            .count();
        if uses > 0 && best.is_none_or(|(_, n)| uses > n) {
            best = Some((&field.value, uses));
        }
    }
    best.map(|(f, _)| f)
}

/// The participant that runs an action.
pub fn actor_participant(saga: &Saga, actor: Actor) -> ParticipantId {
    match actor {
        Actor::Trigger | Actor::Compensation(Owner::Trigger) => saga.trigger.participant,
        Actor::Step(id) | Actor::Compensation(Owner::Step(id)) => saga.step(id).participant,
        Actor::Reaction(id) => saga.reactions[id.index()].participant,
    }
}

/// How a sentence names an action: `` step `reserve_inventory` ``, `` `ReleaseInventory`
/// (the compensation of `reserve_inventory`) ``.
pub fn describe_actor(saga: &Saga, actor: Actor) -> String {
    match actor {
        Actor::Trigger => format!("the trigger `{}`", saga.trigger.action.value),
        Actor::Step(id) => format!("step `{}`", saga.step(id).id.value),
        Actor::Compensation(owner) => {
            let action = saga
                .compensation(owner)
                .map_or(String::new(), |c| c.action.value.clone());
            match owner {
                Owner::Trigger => format!("`{action}` (the trigger's compensation)"),
                Owner::Step(id) => {
                    format!(
                        "`{action}` (the compensation of `{}`)",
                        saga.step(id).id.value
                    )
                }
            }
        }
        Actor::Reaction(id) => format!("reaction `{}`", saga.reactions[id.index()].action.value),
    }
}
