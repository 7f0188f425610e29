//! A JSON or YAML document as a tree of values, each with its byte span in the file: what
//! the Step Functions and Serverless Workflow readers walk. serde-saphyr reads both (JSON
//! is YAML 1.2) and reports where each node was written; a file that looks like JSON is
//! first read by serde_json, so that text YAML accepts but JSON does not (a trailing comma,
//! a comment) is the JSON error a user of those tools expects.

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

use super::error::{ImportError, ImportErrorKind};
use crate::source::{SourceFile, Span, Spanned};
use crate::syntax::spanned::span_of;

/// A value and where it was written.
#[derive(Debug, Clone)]
pub struct Node {
    pub value: Value,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub enum Value {
    Null,
    Bool(bool),
    Number(f64),
    String(String),
    List(Vec<Node>),
    /// Keys in the order written.
    Map(Vec<(Spanned<String>, Node)>),
}

impl Node {
    /// The value under `key` in a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entries()
            .iter()
            .find(|(k, _)| k.value == key)
            .map(|(_, v)| v)
    }

    /// A mapping's entries; nothing for any other value.
    pub fn entries(&self) -> &[(Spanned<String>, Node)] {
        match &self.value {
            Value::Map(entries) => entries,
            _ => &[],
        }
    }

    /// A list's items; nothing for any other value.
    pub fn items(&self) -> &[Node] {
        match &self.value {
            Value::List(items) => items,
            _ => &[],
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_f64(&self) -> Option<f64> {
        match &self.value {
            Value::Number(n) => Some(*n),
            _ => None,
        }
    }

    pub fn is_map(&self) -> bool {
        matches!(self.value, Value::Map(_))
    }

    /// What kind of value this is, in words (for "expected a mapping, found a list").
    pub fn kind(&self) -> &'static str {
        match self.value {
            Value::Null => "nothing",
            Value::Bool(_) => "true or false",
            Value::Number(_) => "a number",
            Value::String(_) => "a text value",
            Value::List(_) => "a list",
            Value::Map(_) => "a mapping",
        }
    }
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = serde_saphyr::Spanned::<Value>::deserialize(deserializer)?;
        Ok(Node {
            value: s.value,
            span: span_of(&s.referenced),
        })
    }
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ValueVisitor)
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any value")
    }
    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v as f64))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v as f64))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        Ok(Value::Number(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Node>()? {
            items.push(item);
        }
        Ok(Value::List(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut entries: Vec<(Spanned<String>, Node)> = Vec::new();
        while let Some(key) = map.next_key::<serde_saphyr::Spanned<KeyText>>()? {
            let value = map.next_value::<Node>()?;
            entries.push((Spanned::new(key.value.0, span_of(&key.referenced)), value));
        }
        Ok(Value::Map(entries))
    }
}

/// A mapping key as text: numbers and booleans as written (`200: ...`).
struct KeyText(String);

impl<'de> Deserialize<'de> for KeyText {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match Value::deserialize(deserializer)? {
            Value::String(s) => Ok(KeyText(s)),
            Value::Number(n) => Ok(KeyText(n.to_string())),
            Value::Bool(b) => Ok(KeyText(b.to_string())),
            Value::Null => Ok(KeyText(String::new())),
            Value::List(_) | Value::Map(_) => Err(de::Error::custom(
                "a mapping key that is a list or a mapping",
            )),
        }
    }
}

/// Whether the text starts like a JSON document (after white space).
pub fn looks_like_json(text: &str) -> bool {
    text.trim_start().starts_with('{')
}

/// Reads a JSON or YAML document into a tree. `format` names it in errors ("JSON").
pub fn read(source: &SourceFile) -> Result<Node, ImportError> {
    let text = &source.text;
    if looks_like_json(text)
        && let Err(e) = serde_json::from_str::<de::IgnoredAny>(text)
    {
        let offset = offset_of(source, e.line(), e.column());
        return Err(ImportError::new(
            Span::new(offset, offset),
            ImportErrorKind::Unreadable {
                language: "JSON",
                message: strip_position(&e.to_string()),
            },
        ));
    }
    serde_saphyr::from_str_with_options::<Node>(text, crate::syntax::options()).map_err(|e| {
        let span = located(&e)
            .map(|s| Span::new(s.start, s.start))
            .or_else(|| {
                // A location without a byte offset: the message's "at line L, column C".
                let message = e.to_string();
                let (line, column) = line_column(&message)?;
                let at = offset_of(source, line, column);
                Some(Span::new(at, at))
            })
            .unwrap_or_default();
        ImportError::new(
            span,
            ImportErrorKind::Unreadable {
                language: if looks_like_json(text) {
                    "JSON"
                } else {
                    "YAML"
                },
                message: strip_position(&first_line(&e.to_string())),
            },
        )
    })
}

/// Where the YAML reader says an error is, looking inside the errors it wraps (a snippet,
/// an alias) as the spec reader does.
fn located(error: &serde_saphyr::Error) -> Option<Span> {
    use serde_saphyr::Error;
    let inner = match error {
        Error::WithSnippet { error, .. } | Error::AliasError { error, .. } => {
            return located(error);
        }
        e => e,
    };
    inner
        .location()
        .map(|l| span_of(&l))
        .filter(|s| *s != Span::default())
}

/// "line 6 column 4: ..." or "... at line 6, column 4" in a reader's message (a syntax
/// error of the YAML scanner carries its place only there).
fn line_column(message: &str) -> Option<(usize, usize)> {
    let rest = &message[message.find("line ")? + "line ".len()..];
    let line: String = rest.chars().take_while(char::is_ascii_digit).collect();
    let rest = rest[line.len()..].trim_start_matches([',', ' ']);
    let rest = rest.strip_prefix("column ")?;
    let column: String = rest.chars().take_while(char::is_ascii_digit).collect();
    Some((line.parse().ok()?, column.parse().ok()?))
}

/// The byte offset of a 1-based line and column (serde_json counts columns in bytes; 0
/// means the line's end before it).
fn offset_of(source: &SourceFile, line: usize, column: usize) -> usize {
    let start = source.line_start(line.saturating_sub(1));
    (start + column.saturating_sub(1)).min(source.text.len())
}

fn first_line(message: &str) -> String {
    message.lines().next().unwrap_or_default().to_owned()
}

/// serde_json's and the YAML reader's messages end with "at line 3 column 5": the
/// diagnostic already points there.
fn strip_position(message: &str) -> String {
    let message = message.strip_prefix("error: ").unwrap_or(message);
    let message = match message
        .strip_prefix("line ")
        .and_then(|m| m.split_once(": "))
    {
        Some((position, rest)) if position.contains("column") => rest,
        _ => message,
    };
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}
