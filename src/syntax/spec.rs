//! The spec as written: serde structs that mirror the YAML keys one for one, each value
//! with its span. Nothing here is validated beyond its YAML type; names, durations and
//! references are checked when the model is resolved, where a span can be reported.

use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};

use super::ending::{CancellationDef, DeadlineDef, EscalationDef, OutcomeDef};
use super::failure::{FailureDef, FailureEventsDef, OnUncaught};
use super::resources::EffectDef;
use super::spanned::{OneOrMany, OrderedMap};
use crate::source::Spanned;

type S<T> = Spanned<T>;

/// A saga specification (sagac spec language, versions 1 and 2).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "sagac saga specification")]
pub struct SpecDef {
    /// Language version: 1, or 2 for the failure handling keys (`compensation_defaults`,
    /// `escalation`, `on_uncaught`, `outcome`, `cancellation`, ...).
    #[schemars(required, range(min = 1, max = 2))]
    pub version: Option<S<u64>>,
    /// The saga's name, snake_case.
    #[schemars(required, regex(pattern = r"^[a-z][a-z0-9_]*$"))]
    pub saga: Option<S<String>>,
    pub description: Option<S<String>>,
    /// orchestration: a central orchestrator sends commands; choreography: services react to events.
    #[schemars(required)]
    pub coordination: Option<S<Coordination>>,
    /// Why this coordination style was chosen.
    pub rationale: Option<S<String>>,
    /// The services taking part, by name.
    #[schemars(required)]
    pub participants: Option<S<OrderedMap<Option<S<ParticipantDef>>>>>,
    /// Orchestration only: where the orchestrator runs and how it keeps the saga's state.
    pub orchestrator: Option<S<OrchestratorDef>>,
    /// If it passes before the pivot succeeds, the saga compensates (version 2: the long
    /// form says what happens instead).
    pub deadline: Option<S<DeadlineDef>>,
    /// The local transaction that starts the saga.
    #[schemars(required)]
    pub trigger: Option<S<TriggerDef>>,
    /// The saga's steps in order; an item with `parallel` is a fork/join group.
    #[schemars(required, length(min = 1))]
    pub steps: Option<S<Vec<S<StepDef>>>>,
    /// Choreography only: handlers that are not saga steps.
    pub reactions: Option<S<Vec<S<ReactionDef>>>>,
    /// A catalogue of events and their payload fields.
    pub events: Option<S<OrderedMap<Option<S<EventDef>>>>>,
    /// Choreography: events emitted on purpose with no consumer.
    pub terminal_events: Option<S<Vec<S<String>>>>,
    /// Version 2: what every compensation does unless it says otherwise.
    pub compensation_defaults: Option<S<CompensationDefaultsDef>>,
    /// Version 2: who is told when a compensation gives up under `escalate`.
    pub escalation: Option<S<EscalationDef>>,
    /// Version 2: what an error that no step declares does (default: per engine).
    pub on_uncaught: Option<S<OnUncaught>>,
    /// Version 2: the outcome the caller gets, and how.
    pub outcome: Option<S<OutcomeDef>>,
    /// Version 2, orchestration: the caller may cancel the saga until the point of no return.
    pub cancellation: Option<S<CancellationDef>>,
    /// Each field's type (a field not listed is a string).
    pub fields: Option<S<super::types::FieldsDef>>,
    /// Record types, each a mapping of its fields to their types.
    pub records: Option<S<super::types::RecordsDef>>,
    /// Version 2: the records and counters the actions touch, by name.
    pub resources: Option<S<super::resources::ResourcesDef>>,
    /// Version 2: how many instances run at once and which fields they share.
    pub isolation: Option<S<super::resources::IsolationDef>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Coordination {
    Orchestration,
    Choreography,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ParticipantDef {
    pub description: Option<S<String>>,
    /// The participant publishes its events through a transactional outbox.
    pub outbox: Option<S<OutboxDef>>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OutboxDef {
    /// The outbox table written in the same transaction as the business data.
    #[schemars(required)]
    pub table: Option<S<String>>,
    /// How rows leave the table: change data capture or a poller.
    #[schemars(required)]
    pub relay: Option<S<Relay>>,
    /// Free text, e.g. debezium.
    pub connector: Option<S<String>>,
    /// Polling only.
    #[schemars(regex(pattern = r"^[0-9]+(ms|s|m|h|d)$"))]
    pub poll_interval: Option<S<String>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Relay {
    Cdc,
    Polling,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OrchestratorDef {
    /// The service hosting the orchestrator (default: the trigger's participant).
    pub participant: Option<S<String>>,
    /// Durable saga state; without it a crash of the orchestrator loses the saga.
    pub log: Option<S<String>>,
    /// A durable workflow engine (temporal, step_functions, ...) runs the saga.
    pub engine: Option<S<String>>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TriggerDef {
    #[schemars(required)]
    pub participant: Option<S<String>>,
    #[schemars(required, regex(pattern = r"^[A-Z][A-Za-z0-9]*$"))]
    pub action: Option<S<String>>,
    pub compensation: Option<S<CompensationDef>>,
    /// The event published when the trigger commits.
    pub event: Option<S<String>>,
    /// The fields known when the saga starts.
    pub data: Option<S<Vec<S<String>>>>,
    pub outbox: Option<S<OutboxDef>>,
    pub description: Option<S<String>>,
    /// Version 2: what the trigger's transaction does to the resources.
    pub effects: Option<S<Vec<S<EffectDef>>>>,
}

/// A step, or (with `parallel`) a fork/join group of steps.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StepDef {
    /// Orchestration: the branches of a fork/join group, run concurrently.
    pub parallel: Option<S<Vec<S<StepDef>>>>,
    #[schemars(regex(pattern = r"^[a-z][a-z0-9_]*$"))]
    pub id: Option<S<String>>,
    pub participant: Option<S<String>>,
    #[schemars(regex(pattern = r"^[A-Z][A-Za-z0-9]*$"))]
    pub action: Option<S<String>>,
    pub description: Option<S<String>>,
    pub kind: Option<S<StepKindDef>>,
    pub compensation: Option<S<CompensationDef>>,
    pub reads: Option<S<Vec<S<String>>>>,
    pub writes: Option<S<Vec<S<String>>>>,
    /// Business failures: not retried, they start compensation (version 2: an entry may say
    /// how it is handled, `{ name, then, retry, keeps }`).
    pub failures: Option<S<Vec<S<FailureDef>>>>,
    #[schemars(regex(pattern = r"^[0-9]+(ms|s|m|h|d)$"))]
    pub timeout: Option<S<String>>,
    pub retry: Option<S<RetryDef>>,
    /// The field the participant deduplicates on.
    pub idempotency_key: Option<S<String>>,
    /// Choreography: the event that starts this step.
    pub consumes: Option<S<String>>,
    /// Choreography: the events announcing this step's outcome.
    pub emits: Option<S<EmitsDef>>,
    /// Version 2: false when the step's effect, reply and event are not one local
    /// transaction, so a failed attempt may have applied its effect (default true).
    pub transactional: Option<S<bool>>,
    /// Version 2: what an error the step does not declare does (default: the saga's).
    pub on_uncaught: Option<S<OnUncaught>>,
    /// Version 2: what the step's local transaction does to the resources.
    pub effects: Option<S<Vec<S<EffectDef>>>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum StepKindDef {
    Compensatable,
    Pivot,
    Retriable,
    ReadOnly,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EmitsDef {
    pub success: Option<S<String>>,
    /// One event for every failure, or (version 2) a map from each failure to its event.
    pub failure: Option<S<FailureEventsDef>>,
}

/// `compensation: ReleaseInventory`, or the long form with its own retry, reads and events.
#[derive(Debug, Clone)]
pub enum CompensationDef {
    Short(String),
    Long(Box<CompensationLong>),
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CompensationLong {
    #[schemars(required, regex(pattern = r"^[A-Z][A-Za-z0-9]*$"))]
    pub action: Option<S<String>>,
    pub retry: Option<S<RetryDef>>,
    pub reads: Option<S<Vec<S<String>>>>,
    /// Choreography: the events that start this compensation.
    pub consumes: Option<S<OneOrMany>>,
    /// Choreography: the event announcing the compensation is done.
    pub emits: Option<S<String>>,
    pub description: Option<S<String>>,
    /// Version 2: its step's writes, read when the step's reply came (absent otherwise).
    pub reads_if_present: Option<S<Vec<S<String>>>>,
    /// Version 2: which attempts of the step it undoes (default `possible_effect`).
    pub runs_for: Option<S<RunsFor>>,
    /// Version 2: what it does with an effect that never happened (default `ignore`).
    pub absent_effect: Option<S<AbsentEffect>>,
    /// Version 2: what happens when it gives up (default `stuck`).
    pub on_failure: Option<S<OnFailure>>,
    /// Version 2: how long one attempt may take before it is in doubt.
    #[schemars(regex(pattern = r"^[0-9]+(ms|s|m|h|d)$"))]
    pub timeout: Option<S<String>>,
    /// Version 2: what the compensation does to the resources (replaces the default undo
    /// of the step's effects entirely).
    pub effects: Option<S<Vec<S<EffectDef>>>>,
}

/// Version 2: the compensation keys every compensation takes unless it writes its own.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CompensationDefaultsDef {
    /// Fields each compensation reads when its own step wrote them.
    pub reads_if_present: Option<S<Vec<S<String>>>>,
    pub runs_for: Option<S<RunsFor>>,
    pub absent_effect: Option<S<AbsentEffect>>,
    pub on_failure: Option<S<OnFailure>>,
    #[schemars(regex(pattern = r"^[0-9]+(ms|s|m|h|d)$"))]
    pub timeout: Option<S<String>>,
    pub retry: Option<S<RetryDef>>,
}

/// Which attempts of its step a compensation undoes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RunsFor {
    Success,
    PossibleEffect,
    AnyAttempt,
}

/// What a compensation does on an effect that never happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AbsentEffect {
    Ignore,
    Fail,
}

/// What happens when a compensation gives up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum OnFailure {
    Stuck,
    Continue,
    Escalate,
    EscalateAndStop,
}

impl<'de> Deserialize<'de> for CompensationDef {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = CompensationDef;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an action name or a mapping with `action`")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<CompensationDef, E> {
                Ok(CompensationDef::Short(v.to_owned()))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<CompensationDef, A::Error> {
                CompensationLong::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(|c| CompensationDef::Long(Box::new(c)))
            }
        }
        deserializer.deserialize_any(V)
    }
}

impl JsonSchema for CompensationDef {
    fn schema_name() -> Cow<'static, str> {
        "Compensation".into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        schemars::json_schema!({
            "description": "The action that undoes the step: a name, or a mapping with its own retry, reads and events.",
            "oneOf": [
                { "type": "string", "pattern": "^[A-Z][A-Za-z0-9]*$" },
                generator.subschema_for::<CompensationLong>(),
            ]
        })
    }
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RetryDef {
    pub max_attempts: Option<S<MaxAttempts>>,
    pub backoff: Option<S<Backoff>>,
    #[schemars(regex(pattern = r"^[0-9]+(ms|s|m|h|d)$"))]
    pub initial: Option<S<String>>,
    #[schemars(regex(pattern = r"^[0-9]+(ms|s|m|h|d)$"))]
    pub max: Option<S<String>>,
    /// Version 2: the time budget: only attempts that start before it are made.
    #[schemars(regex(pattern = r"^[0-9]+(ms|s|m|h|d)$"))]
    pub within: Option<S<String>>,
    /// Version 2: random waits (`full`) or exact ones (`none`, the default).
    pub jitter: Option<S<Jitter>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Jitter {
    Full,
    None,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Backoff {
    Fixed,
    Exponential,
}

/// An attempt count (at least 1) or `unlimited`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MaxAttempts {
    Limited(u64),
    Unlimited,
}

impl<'de> Deserialize<'de> for MaxAttempts {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = MaxAttempts;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a whole number of attempts of at least 1, or `unlimited`")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<MaxAttempts, E> {
                if v == 0 {
                    return Err(E::invalid_value(de::Unexpected::Unsigned(v), &self));
                }
                Ok(MaxAttempts::Limited(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<MaxAttempts, E> {
                match u64::try_from(v) {
                    Ok(v) => self.visit_u64(v),
                    Err(_) => Err(E::invalid_value(de::Unexpected::Signed(v), &self)),
                }
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<MaxAttempts, E> {
                if v == "unlimited" {
                    Ok(MaxAttempts::Unlimited)
                } else {
                    Err(E::invalid_value(de::Unexpected::Str(v), &self))
                }
            }
        }
        deserializer.deserialize_any(V)
    }
}

impl JsonSchema for MaxAttempts {
    fn schema_name() -> Cow<'static, str> {
        "MaxAttempts".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        schemars::json_schema!({
            "oneOf": [
                { "type": "integer", "minimum": 1 },
                { "const": "unlimited" }
            ]
        })
    }
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReactionDef {
    #[schemars(required)]
    pub participant: Option<S<String>>,
    #[schemars(required)]
    pub consumes: Option<S<OneOrMany>>,
    #[schemars(required, regex(pattern = r"^[A-Z][A-Za-z0-9]*$"))]
    pub action: Option<S<String>>,
    pub description: Option<S<String>>,
    /// Version 2: what the reaction's local transaction does to the resources.
    pub effects: Option<S<Vec<S<EffectDef>>>>,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EventDef {
    /// The payload's fields.
    pub data: Option<S<Vec<S<String>>>>,
    pub description: Option<S<String>>,
}
