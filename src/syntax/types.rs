//! The typed-data catalogue as written: `fields` gives a field's type, `records` names
//! record types made of typed fields. A type is text (`list<OrderLine>`) read by the model,
//! where a span can be reported for a type that does not read or names nothing.

use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::Deserialize;

use super::spanned::OrderedMap;
use crate::source::Spanned;

/// A type as written: `string`, `integer`, `decimal`, `boolean`, `uuid`, `timestamp`,
/// `list<T>` or a record's name.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct TypeDef(pub String);

/// `fields:` (a field's name to its type) or one record's fields.
pub type FieldsDef = OrderedMap<Option<Spanned<TypeDef>>>;

/// `records:` (a record's name to its fields).
pub type RecordsDef = OrderedMap<Option<Spanned<FieldsDef>>>;

impl JsonSchema for TypeDef {
    fn schema_name() -> Cow<'static, str> {
        "Type".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        schemars::json_schema!({
            "description": "string, integer, decimal, boolean, uuid, timestamp, list<T>, or a record's name (PascalCase).",
            "type": "string",
            "pattern": r"^(list<\s*)*(string|integer|decimal|boolean|uuid|timestamp|[A-Z][A-Za-z0-9]*)(\s*>)*$"
        })
    }
}
