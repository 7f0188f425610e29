//! What the spec language allows at a place: the keys of the mapping there and the words a
//! value there may be, read from the JSON Schema derived from the serde structs (the one
//! `sagac schema` prints), so an editor's completion cannot offer a key the reader rejects.

use serde_json::Value;

use super::expected::{Want, is, resolve, schema};
use super::outline::Segment;

/// A key a mapping may hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyDoc {
    pub key: String,
    /// The key's doc comment, when it has one.
    pub description: Option<String>,
    pub required: bool,
    /// Whether its value is a mapping or a list (written on the lines below).
    pub nested: bool,
}

/// The schema of the value at a path of keys and list positions.
fn at(path: &[Segment]) -> Option<(&'static Value, &'static Value)> {
    let root = schema()?;
    let mut node = root;
    for segment in path {
        node = match segment {
            Segment::Key(key) => {
                let object = resolve(root, node, Want::Object)?;
                object
                    .get("properties")
                    .and_then(|p| p.get(key))
                    .or_else(|| object.get("additionalProperties").filter(|a| a.is_object()))?
            }
            Segment::Index(_) => resolve(root, node, Want::Array)?.get("items")?,
        };
    }
    Some((root, node))
}

/// The keys of the mapping at `path`, in the order of the structs (none where the mapping
/// holds names of the user's, such as `participants`).
pub fn keys_at(path: &[Segment]) -> Vec<KeyDoc> {
    let Some((root, node)) = at(path) else {
        return Vec::new();
    };
    let Some(object) = resolve(root, node, Want::Object) else {
        return Vec::new();
    };
    let Some(properties) = object.get("properties").and_then(Value::as_object) else {
        return Vec::new();
    };
    let required: Vec<&str> = object
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    properties
        .iter()
        .map(|(key, schema)| KeyDoc {
            key: key.clone(),
            description: description(root, schema),
            required: required.contains(&key.as_str()),
            nested: resolve(root, schema, Want::Container)
                .is_some_and(|s| is(s, "object") || is(s, "array")),
        })
        .collect()
}

/// The words a value at `path` may be (`kind`: `compensatable`, `pivot`, ...); for a list,
/// those of its items. Empty where any text goes.
pub fn values_at(path: &[Segment]) -> Vec<String> {
    let Some((root, node)) = at(path) else {
        return Vec::new();
    };
    let mut words = Vec::new();
    collect_words(root, node, &mut words, 8);
    words
}

fn collect_words(root: &Value, schema: &Value, out: &mut Vec<String>, depth: usize) {
    let Some(depth) = depth.checked_sub(1) else {
        return;
    };
    if let Some(name) = schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/$defs/"))
    {
        if let Some(target) = root.get("$defs").and_then(|d| d.get(name)) {
            collect_words(root, target, out, depth);
        }
        return;
    }
    for alternatives in ["anyOf", "oneOf"] {
        for a in schema
            .get(alternatives)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            collect_words(root, a, out, depth);
        }
    }
    if let Some(items) = schema.get("items") {
        collect_words(root, items, out, depth);
    }
    let words = schema
        .get("enum")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .chain(schema.get("const"));
    for w in words.filter_map(Value::as_str) {
        if !out.iter().any(|o| o == w) {
            out.push(w.to_owned());
        }
    }
}

/// A schema's description, or that of what it refers to (through `$ref`, `anyOf` and
/// `oneOf`).
fn description(root: &Value, schema: &Value) -> Option<String> {
    description_within(root, schema, 4)
}

fn description_within(root: &Value, schema: &Value, depth: usize) -> Option<String> {
    let depth = depth.checked_sub(1)?;
    if let Some(own) = schema.get("description").and_then(Value::as_str) {
        return Some(own.to_owned());
    }
    if let Some(name) = schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/$defs/"))
    {
        return description_within(root, root.get("$defs")?.get(name)?, depth);
    }
    ["anyOf", "oneOf"]
        .iter()
        .filter_map(|k| schema.get(*k).and_then(Value::as_array))
        .flatten()
        .find_map(|a| description_within(root, a, depth))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(keys: &str) -> Vec<Segment> {
        keys.split('.')
            .filter(|k| !k.is_empty())
            .map(|k| match k.parse() {
                Ok(i) => Segment::Index(i),
                Err(_) => Segment::Key(k.to_owned()),
            })
            .collect()
    }

    #[test]
    fn keys_come_from_the_structs() {
        let top: Vec<String> = keys_at(&path("")).into_iter().map(|k| k.key).collect();
        assert!(top.contains(&"saga".to_owned()) && top.contains(&"steps".to_owned()));
        let step = keys_at(&path("steps.0"));
        let compensation = step.iter().find(|k| k.key == "compensation").unwrap();
        assert!(compensation.description.is_some());
        let retry = step.iter().find(|k| k.key == "retry").unwrap();
        assert!(retry.nested);
        let long: Vec<String> = keys_at(&path("steps.0.compensation"))
            .into_iter()
            .map(|k| k.key)
            .collect();
        assert!(long.contains(&"action".to_owned()), "{long:?}");
        assert!(keys_at(&path("participants")).is_empty());
        let participant: Vec<String> = keys_at(&path("participants.order"))
            .into_iter()
            .map(|k| k.key)
            .collect();
        assert!(participant.contains(&"outbox".to_owned()));
    }

    #[test]
    fn words_come_from_the_enums() {
        assert_eq!(
            values_at(&path("steps.0.kind")),
            ["compensatable", "pivot", "retriable", "read_only"]
        );
        assert_eq!(
            values_at(&path("coordination")),
            ["orchestration", "choreography"]
        );
        assert!(values_at(&path("steps.0.retry.max_attempts")).contains(&"unlimited".to_owned()));
        assert!(values_at(&path("steps.0.participant")).is_empty());
    }
}
