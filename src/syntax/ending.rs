//! Version 2's keys about how a saga ends, as written: the deadline's long form, the
//! outcome the caller gets, the caller's cancellation and the escalation to a human.

use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};

use crate::source::Spanned;

type S<T> = Spanned<T>;

/// `deadline: 10m`, or (version 2) `deadline: { after: 5d, then: terminate, ... }`.
#[derive(Debug, Clone)]
pub enum DeadlineDef {
    Short(String),
    Long(Box<DeadlineLong>),
    /// A plain scalar YAML reads as a boolean or a number (`deadline: 10`): its text is the
    /// source's at the value's span, as version 1 read it (and reports it as a duration
    /// without a unit).
    Scalar,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeadlineLong {
    /// How long after the saga starts the deadline passes.
    #[schemars(required, regex(pattern = r"^[0-9]+(ms|s|m|h|d)$"))]
    pub after: Option<S<String>>,
    /// `compensate` (the default) or `terminate`.
    pub then: Option<S<DeadlineThen>>,
    /// `before_pivot` (the default) or `always` (also after the point of no return, with
    /// `then: terminate`).
    pub applies: Option<S<Applies>>,
    /// With `then: terminate`: the step ids whose effects are left in place on purpose.
    pub keeps: Option<S<Vec<S<String>>>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DeadlineThen {
    Compensate,
    Terminate,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Applies {
    BeforePivot,
    Always,
}

impl<'de> Deserialize<'de> for DeadlineDef {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = DeadlineDef;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a duration or a mapping with `after`")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<DeadlineDef, E> {
                Ok(DeadlineDef::Short(v.to_owned()))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<DeadlineDef, E> {
                Ok(DeadlineDef::Scalar)
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<DeadlineDef, E> {
                Ok(DeadlineDef::Scalar)
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<DeadlineDef, E> {
                Ok(DeadlineDef::Scalar)
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<DeadlineDef, E> {
                Ok(DeadlineDef::Scalar)
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<DeadlineDef, A::Error> {
                DeadlineLong::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(|d| DeadlineDef::Long(Box::new(d)))
            }
        }
        deserializer.deserialize_any(V)
    }
}

impl JsonSchema for DeadlineDef {
    fn schema_name() -> Cow<'static, str> {
        "Deadline".into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        schemars::json_schema!({
            "description": "If it passes before the pivot succeeds, the saga compensates; (version 2) the long form says what happens instead.",
            "oneOf": [
                { "type": "string", "pattern": "^[0-9]+(ms|s|m|h|d)$" },
                generator.subschema_for::<DeadlineLong>(),
            ]
        })
    }
}

/// The outcome the caller gets.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OutcomeDef {
    /// `reply` (the caller waits), `event` (published) or `status` (written, polled).
    #[schemars(required)]
    pub delivery: Option<S<Delivery>>,
    /// With `delivery: event`: the event that carries it.
    pub event: Option<S<String>>,
    /// Who delivers it (default: the orchestrator's participant; in a choreography the
    /// trigger's).
    pub participant: Option<S<String>>,
    /// `end` (the default): when the saga has ended; `decision`: as soon as the end is
    /// known, before compensations finish.
    pub at: Option<S<At>>,
    /// The fields it carries.
    pub reads: Option<S<Vec<S<String>>>>,
    /// The value the caller gets for each end (default: the end's own name).
    pub values: Option<S<OutcomeValuesDef>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Delivery {
    Reply,
    Event,
    Status,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum At {
    End,
    Decision,
}

/// The caller's value per end, PascalCase.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OutcomeValuesDef {
    #[schemars(regex(pattern = r"^[A-Z][A-Za-z0-9]*$"))]
    pub completed: Option<S<String>>,
    #[schemars(regex(pattern = r"^[A-Z][A-Za-z0-9]*$"))]
    pub compensated: Option<S<String>>,
    #[schemars(regex(pattern = r"^[A-Z][A-Za-z0-9]*$"))]
    pub terminated: Option<S<String>>,
    #[schemars(regex(pattern = r"^[A-Z][A-Za-z0-9]*$"))]
    pub needs_attention: Option<S<String>>,
    #[schemars(regex(pattern = r"^[A-Z][A-Za-z0-9]*$"))]
    pub cancelled: Option<S<String>>,
}

/// Orchestration: the caller may cancel.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CancellationDef {
    /// `pivot` (the default), or the id of a step before it: a cancel is honoured until
    /// that step's command is sent.
    pub until: Option<S<String>>,
    /// A cancel that comes too late: `refuse` (answered `too_late`, the default) or `ignore`.
    pub late: Option<S<Late>>,
    /// `detached` (the default: a cancel never stops a compensation) or `cancelled`.
    pub compensations: Option<S<CancelCompensations>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Late {
    Refuse,
    Ignore,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CancelCompensations {
    Detached,
    Cancelled,
}

/// Who is told when a compensation gives up under `escalate` or `escalate_and_stop`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EscalationDef {
    /// The participant that receives it (an incident queue, on-call).
    #[schemars(required)]
    pub participant: Option<S<String>>,
    /// The command it runs.
    #[schemars(required, regex(pattern = r"^[A-Z][A-Za-z0-9]*$"))]
    pub action: Option<S<String>>,
    /// Choreography: the event a compensation that gives up publishes.
    pub event: Option<S<String>>,
}
