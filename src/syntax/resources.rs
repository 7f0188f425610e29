//! Version 2, isolation: the data the actions touch as written. `resources` declares the
//! records and counters (their owner, states, transitions and lock states), `effects` on an
//! action says what it does to them, and `isolation` how many instances run and which
//! fields they share. Record references (`stock[item]`) and transitions (`A -> B`) are
//! text here, read by the model, where a span can be reported.

use schemars::JsonSchema;
use serde::Deserialize;

use super::spanned::OrderedMap;
use crate::source::Spanned;

type S<T> = Spanned<T>;

/// `resources:` (a resource's name to its declaration).
pub type ResourcesDef = OrderedMap<Option<S<ResourceDef>>>;

/// One resource: records of one kind, or a counter, owned by one participant.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ResourceDef {
    /// The owner: only its actions touch these records.
    #[schemars(required)]
    pub participant: Option<S<String>>,
    /// The data field that identifies a record (the default for sharing between instances).
    #[schemars(required, regex(pattern = r"^[a-z][a-z0-9_]*$"))]
    pub key: Option<S<String>>,
    /// `record` (the default: a record with states) or `counter` (a quantity).
    pub kind: Option<S<ResourceKindDef>>,
    /// Records: the states a record may be in, `UPPER_SNAKE_CASE`.
    pub states: Option<S<Vec<S<String>>>>,
    /// Records: the legal moves, `FROM -> TO` (default: any move between `states`).
    pub transitions: Option<S<Vec<S<String>>>>,
    /// Records: the semantic lock states, a subset of `states`.
    pub locks: Option<S<Vec<S<String>>>>,
    /// What another instance's access to a locked record does (default `wait`).
    pub on_locked: Option<S<OnLockedDef>>,
    /// Counters: only `read`, `increase` and `decrease` are allowed (default false).
    pub commutative: Option<S<bool>>,
    /// Counters: the direction other instances may see before it is final.
    pub pessimistic_view: Option<S<DirectionDef>>,
    /// The owner logs accesses per saga and merges them (default false).
    pub version_file: Option<S<bool>>,
    pub description: Option<S<String>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ResourceKindDef {
    Record,
    Counter,
}

/// What another instance's access to a record in a lock state does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum OnLockedDef {
    /// Parked at the owner until the lock is released (Eventuate's `withLock`).
    Wait,
    /// Refused with the built-in failure `Locked`.
    Fail,
    /// Admitted: applied, and counted for the anomalies.
    Proceed,
}

/// A counter's direction of change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DirectionDef {
    Increase,
    Decrease,
}

/// One effect of an action: exactly one verb naming a record (`resource[field]`), and the
/// options that verb takes. All effects of one action are one local transaction.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EffectDef {
    /// The saga acts on the record's value later.
    #[schemars(regex(pattern = r"^[a-z][a-z0-9_]*\[[a-z][a-z0-9_]*\]$"))]
    pub read: Option<S<String>>,
    /// Overwrite the record with a value the saga computed.
    #[schemars(regex(pattern = r"^[a-z][a-z0-9_]*\[[a-z][a-z0-9_]*\]$"))]
    pub write: Option<S<String>>,
    /// Counters: an atomic increase in one local transaction.
    #[schemars(regex(pattern = r"^[a-z][a-z0-9_]*\[[a-z][a-z0-9_]*\]$"))]
    pub increase: Option<S<String>>,
    /// Counters: an atomic decrease in one local transaction.
    #[schemars(regex(pattern = r"^[a-z][a-z0-9_]*\[[a-z][a-z0-9_]*\]$"))]
    pub decrease: Option<S<String>>,
    /// Records: the record comes to exist in state `to`.
    #[schemars(regex(pattern = r"^[a-z][a-z0-9_]*\[[a-z][a-z0-9_]*\]$"))]
    pub create: Option<S<String>>,
    /// Records: a state change to `to`, guarded by `from` if given.
    #[schemars(regex(pattern = r"^[a-z][a-z0-9_]*\[[a-z][a-z0-9_]*\]$"))]
    pub set: Option<S<String>>,
    /// `set`: the states the record must be in, else `WrongState`.
    pub from: Option<S<Vec<S<String>>>>,
    /// `create`, `set`: the state the record ends in.
    #[schemars(regex(pattern = r"^[A-Z][A-Z0-9_]*$"))]
    pub to: Option<S<String>>,
    /// The field holding the version this instance observed: the access fails with
    /// `Changed` when the record moved since.
    #[schemars(regex(pattern = r"^[a-z][a-z0-9_]*$"))]
    pub if_unchanged: Option<S<String>>,
    /// Overrides the resource's `on_locked` for this access.
    pub on_locked: Option<S<OnLockedDef>>,
}

/// `isolation:` how many instances run at once, and which fields they share.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IsolationDef {
    /// Instances of the saga run at once, 1 to 4 (default 2).
    #[schemars(range(min = 1, max = 4))]
    pub instances: Option<S<u64>>,
    /// Fields whose value is the same in every instance (default: every field used in a
    /// record reference but the saga's key).
    pub shared: Option<S<Vec<S<String>>>>,
}
