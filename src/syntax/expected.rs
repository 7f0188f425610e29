//! The shape a key expects, as a two-line YAML example made from the spec's JSON Schema
//! (the one `sagac schema` prints, derived from the serde structs): the key, then one line
//! of what it holds. A mapping shows its first required key (or its first key), a mapping
//! of names `<name>:`, a list its first item; values are the first allowed word, the
//! smallest number, or `...`. Made from the schema, the example cannot drift from what the
//! reader accepts.

use std::sync::OnceLock;

use serde_json::Value;

use super::outline::Segment;

/// A key and an example of the shape it expects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpectedShape {
    /// The key (the last key of the path; list positions are not keys).
    pub key: String,
    /// Two lines of YAML: `trigger:` and `  participant: ...`.
    pub example: String,
}

/// The shape expected at a path of keys and list positions, when the schema describes a
/// mapping or a list there.
pub(super) fn at(path: &[Segment]) -> Option<ExpectedShape> {
    // A list position takes the shape of its list: the example is the list's key.
    let end = path.iter().rposition(|s| matches!(s, Segment::Key(_)))? + 1;
    let path = &path[..end];
    let schema = schema()?;
    let mut node = schema;
    for segment in path {
        node = match segment {
            Segment::Key(key) => {
                let object = resolve(schema, node, Want::Object)?;
                object
                    .get("properties")
                    .and_then(|p| p.get(key))
                    .or_else(|| object.get("additionalProperties").filter(|a| a.is_object()))?
            }
            Segment::Index(_) => resolve(schema, node, Want::Array)?.get("items")?,
        };
    }
    let Some(Segment::Key(key)) = path.last() else {
        return None;
    };
    let inner = inner_line(schema, node)?;
    Some(ExpectedShape {
        key: key.clone(),
        example: format!("{key}:\n  {inner}"),
    })
}

/// The spec's JSON Schema as a value, made once.
pub(super) fn schema() -> Option<&'static Value> {
    static SCHEMA: OnceLock<Option<Value>> = OnceLock::new();
    SCHEMA
        .get_or_init(|| {
            let schema = schemars::generate::SchemaSettings::draft2020_12()
                .into_generator()
                .into_root_schema_for::<super::SpecDef>();
            serde_json::to_value(schema).ok()
        })
        .as_ref()
}

/// What a schema is looked at for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Want {
    Object,
    Array,
    /// A mapping or a list, else any value but null.
    Container,
}

/// The schema itself, its `$ref`'s target, or the alternative of its `anyOf`/`oneOf` that
/// is what is wanted.
pub(super) fn resolve<'a>(root: &'a Value, schema: &'a Value, want: Want) -> Option<&'a Value> {
    resolve_within(root, schema, want, 8)
}

fn resolve_within<'a>(
    root: &'a Value,
    schema: &'a Value,
    want: Want,
    depth: usize,
) -> Option<&'a Value> {
    let depth = depth.checked_sub(1)?;
    if let Some(name) = schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/$defs/"))
    {
        return resolve_within(root, root.get("$defs")?.get(name)?, want, depth);
    }
    let alternatives = schema
        .get("anyOf")
        .or_else(|| schema.get("oneOf"))
        .and_then(Value::as_array);
    if let Some(alternatives) = alternatives {
        let resolved: Vec<&Value> = alternatives
            .iter()
            .filter_map(|a| resolve_within(root, a, Want::Container, depth))
            .collect();
        let fits = |s: &Value| match want {
            Want::Object => is(s, "object"),
            Want::Array => is(s, "array"),
            Want::Container => is(s, "object") || is(s, "array"),
        };
        return resolved
            .iter()
            .find(|s| fits(s))
            .or_else(|| resolved.iter().find(|s| !is(s, "null")))
            .copied()
            .filter(|s| want == Want::Container || fits(s));
    }
    match want {
        Want::Object if !is(schema, "object") => None,
        Want::Array if !is(schema, "array") => None,
        _ => Some(schema),
    }
}

/// Whether a schema's `type` is (or includes) `name`.
pub(super) fn is(schema: &Value, name: &str) -> bool {
    match schema.get("type") {
        Some(Value::String(t)) => t == name,
        Some(Value::Array(types)) => types.iter().any(|t| t == name),
        _ => name == "object" && schema.get("properties").is_some(),
    }
}

/// The line under the key: what a mapping or a list holds.
fn inner_line(root: &Value, schema: &Value) -> Option<String> {
    let schema = resolve(root, schema, Want::Container)?;
    if is(schema, "array") {
        let items = schema.get("items")?;
        // An item written as a name first (`failures: [CardDeclined]`, the long form being
        // version 2's): the example shows the name.
        if written_as_a_name_first(root, items) {
            return Some("- ...".to_owned());
        }
        return Some(match resolve(root, items, Want::Object) {
            Some(object) if object.get("properties").is_some() => {
                format!("- {}", first_key_line(root, object)?)
            }
            _ => format!("- {}", placeholder(root, items)),
        });
    }
    if !is(schema, "object") {
        return None;
    }
    if schema.get("properties").is_some() {
        return first_key_line(root, schema);
    }
    let values = schema.get("additionalProperties")?;
    Some(format!("<name>: {}", placeholder(root, values)))
}

/// Whether a schema's first alternative (`oneOf`) is a single value.
fn written_as_a_name_first(root: &Value, schema: &Value) -> bool {
    let schema = match schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/$defs/"))
    {
        Some(name) => match root.get("$defs").and_then(|d| d.get(name)) {
            Some(s) => s,
            None => return false,
        },
        None => schema,
    };
    schema
        .get("oneOf")
        .and_then(Value::as_array)
        .and_then(|a| a.first())
        .is_some_and(|first| is(first, "string"))
}

/// `participant: ...`: the mapping's first required key, else its first key, with a value.
fn first_key_line(root: &Value, object: &Value) -> Option<String> {
    let properties = object.get("properties")?.as_object()?;
    let key = object
        .get("required")
        .and_then(Value::as_array)
        .and_then(|r| r.first())
        .and_then(Value::as_str)
        .or_else(|| properties.keys().next().map(String::as_str))?;
    Some(format!(
        "{key}: {}",
        placeholder(root, properties.get(key)?)
    ))
}

/// A value of the schema's type, as short as it can be written.
fn placeholder(root: &Value, schema: &Value) -> String {
    let Some(schema) = resolve(root, schema, Want::Container) else {
        return "...".to_owned();
    };
    if let Some(first) = schema
        .get("enum")
        .and_then(Value::as_array)
        .and_then(|e| e.first())
        .or_else(|| schema.get("const"))
        .and_then(Value::as_str)
    {
        return first.to_owned();
    }
    if is(schema, "object") {
        let required = schema
            .get("required")
            .and_then(Value::as_array)
            .is_some_and(|r| !r.is_empty());
        return if required { "{ ... }" } else { "{}" }.to_owned();
    }
    if is(schema, "array") {
        return "[...]".to_owned();
    }
    if is(schema, "integer") {
        let least = schema.get("minimum").and_then(Value::as_u64).unwrap_or(1);
        return least.to_string();
    }
    "...".to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn example(path: &str) -> Option<String> {
        let path: Vec<Segment> = path
            .split('.')
            .map(|s| match s.parse() {
                Ok(i) => Segment::Index(i),
                Err(_) => Segment::Key(s.to_owned()),
            })
            .collect();
        at(&path).map(|e| e.example)
    }

    #[test]
    fn examples_come_from_the_schema() {
        assert_eq!(
            example("trigger").as_deref(),
            Some("trigger:\n  participant: ...")
        );
        assert_eq!(
            example("participants").as_deref(),
            Some("participants:\n  <name>: {}")
        );
        assert_eq!(example("steps").as_deref(), Some("steps:\n  - action: ..."));
        assert_eq!(example("steps.0").as_deref(), example("steps").as_deref());
        assert_eq!(
            example("steps.0.retry").as_deref(),
            Some("retry:\n  backoff: fixed")
        );
        assert_eq!(
            example("steps.2.failures").as_deref(),
            Some("failures:\n  - ...")
        );
        assert_eq!(
            example("trigger.outbox").as_deref(),
            Some("outbox:\n  table: ...")
        );
        assert_eq!(
            example("steps.0.compensation").as_deref(),
            Some("compensation:\n  action: ...")
        );
        assert_eq!(
            example("steps.0.parallel.1.retry.max_attempts").as_deref(),
            None
        );
        assert_eq!(example("saga"), None);
        assert_eq!(example("nothing.here"), None);
    }
}
