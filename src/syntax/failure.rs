//! Version 2's failure keys as written: a step's `failures` entry in its long form, the
//! map from each failure to its event (`emits.failure`), and `on_uncaught`.

use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};

use super::spanned::OrderedMap;
use super::spec::RetryDef;
use crate::source::Spanned;

type S<T> = Spanned<T>;

/// `- CardDeclined`, or (version 2) `- { name: Throttled, then: retry, retry: {...} }`.
#[derive(Debug, Clone)]
pub enum FailureDef {
    Short(String),
    Long(Box<FailureLong>),
    /// A plain scalar YAML reads as a boolean or a number (`No`, `On`, `404`): a name all
    /// the same, whose text is the source's at the value's span (version 1 read every
    /// failure as text).
    Scalar,
}

/// A failure with its handling.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FailureLong {
    /// The failure's name, PascalCase; or a built-in one (`TimedOut`, `Exhausted`) whose
    /// handling this entry changes.
    #[schemars(required, regex(pattern = r"^[A-Z][A-Za-z0-9]*$"))]
    pub name: Option<S<String>>,
    /// `compensate` (the default), `terminate` (stop without compensating) or `retry`
    /// (a transient class, retried under `retry`).
    pub then: Option<S<FailureThen>>,
    /// With `then: retry`: how this class is retried (default: the step's `retry`).
    pub retry: Option<S<RetryDef>>,
    /// With `then: terminate`: the step ids whose effects are left in place on purpose.
    pub keeps: Option<S<Vec<S<String>>>>,
}

/// What a failure does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum FailureThen {
    Compensate,
    Terminate,
    Retry,
}

/// What an error that no step declares does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum OnUncaught {
    Compensate,
    Retry,
    NoReply,
    Terminate,
}

impl<'de> Deserialize<'de> for FailureDef {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = FailureDef;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a failure name or a mapping with `name`")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<FailureDef, E> {
                Ok(FailureDef::Short(v.to_owned()))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<FailureDef, E> {
                Ok(FailureDef::Scalar)
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<FailureDef, E> {
                Ok(FailureDef::Scalar)
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<FailureDef, E> {
                Ok(FailureDef::Scalar)
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<FailureDef, E> {
                Ok(FailureDef::Scalar)
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<FailureDef, A::Error> {
                FailureLong::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(|f| FailureDef::Long(Box::new(f)))
            }
        }
        deserializer.deserialize_any(V)
    }
}

impl JsonSchema for FailureDef {
    fn schema_name() -> Cow<'static, str> {
        "Failure".into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        schemars::json_schema!({
            "description": "A business failure: its name, or (version 2) a mapping with its handling.",
            "oneOf": [
                { "type": "string", "pattern": "^[A-Z][A-Za-z0-9]*$" },
                generator.subschema_for::<FailureLong>(),
            ]
        })
    }
}

/// `failure: payment.failed`, or (version 2) `failure: { CardDeclined: card.declined, ... }`.
#[derive(Debug, Clone)]
pub enum FailureEventsDef {
    Single(String),
    Map(OrderedMap<S<String>>),
    /// A plain scalar YAML reads as a boolean or a number: its text is the source's at the
    /// value's span, as version 1 read it.
    Scalar,
}

impl<'de> Deserialize<'de> for FailureEventsDef {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = FailureEventsDef;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an event name or a mapping from each failure to its event")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<FailureEventsDef, E> {
                Ok(FailureEventsDef::Single(v.to_owned()))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<FailureEventsDef, E> {
                Ok(FailureEventsDef::Scalar)
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<FailureEventsDef, E> {
                Ok(FailureEventsDef::Scalar)
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<FailureEventsDef, E> {
                Ok(FailureEventsDef::Scalar)
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<FailureEventsDef, E> {
                Ok(FailureEventsDef::Scalar)
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<FailureEventsDef, A::Error> {
                OrderedMap::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(FailureEventsDef::Map)
            }
        }
        deserializer.deserialize_any(V)
    }
}

impl JsonSchema for FailureEventsDef {
    fn schema_name() -> Cow<'static, str> {
        "FailureEvents".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        schemars::json_schema!({
            "description": "The event every failure publishes, or (version 2) a mapping from each failure to its event.",
            "oneOf": [
                { "type": "string" },
                { "type": "object", "additionalProperties": { "type": "string" } }
            ]
        })
    }
}
