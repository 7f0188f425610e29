//! The outline of a YAML text: its mappings, lists and single values with where each
//! starts, whatever keys they hold. It is read by the same reader as the spec (serde-saphyr,
//! with the spec's limits), so it sees the text as the spec's reader does, and it lets a
//! structural error be placed in the document: under which keys it is (for the shape the
//! schema expects there) and in which top-level entry or list item (to read on past it).

use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::error::Shape;
use super::spanned::span_of;
use crate::source::Span;

/// A YAML value, by shape.
#[derive(Debug, Default)]
pub(super) enum Node {
    Map(Vec<Entry>),
    Seq(Vec<Item>),
    #[default]
    Single,
}

/// A key and its value.
#[derive(Debug)]
pub(super) struct Entry {
    /// The key's text, when it is a single value that reads as text.
    pub key: Option<String>,
    pub key_span: Span,
    /// Where the value starts.
    pub value_start: usize,
    pub value: Node,
}

/// An item of a list.
#[derive(Debug)]
pub(super) struct Item {
    pub start: usize,
    pub value: Node,
}

/// Where a value is, under its keys: `steps`, `0`, `retry`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    Key(String),
    Index(usize),
}

/// The outline of a text, or `None` when the text does not read as YAML (or is over the
/// reader's limits): the spec's own error says why.
pub(super) fn read(text: &str) -> Option<Node> {
    let mut options = super::options();
    // A key written twice is an error the spec's reader reports; the outline keeps both,
    // so that the rest of the text can still be read.
    options.duplicate_keys = serde_saphyr::DuplicateKeyPolicy::PassThrough;
    serde_saphyr::from_str_with_options::<Node>(text, options).ok()
}

impl Node {
    /// The keys and indices that lead to the deepest value starting at or before `offset`
    /// (a value's own key counts as the value's parent: an error at a key is about the
    /// mapping that holds it).
    pub fn path_to(&self, offset: usize) -> Vec<Segment> {
        self.locate(offset).0
    }

    /// The shape of the value that starts at `offset`, if one does. A block mapping starts
    /// where its first key does, and so may its first value: the outermost is the value
    /// an error at that place is about.
    pub fn shape_at(&self, offset: usize) -> Option<Shape> {
        self.locate(offset).1.map(|node| match node {
            Node::Map(_) => Shape::Mapping,
            Node::Seq(_) => Shape::List,
            Node::Single => Shape::Single,
        })
    }

    /// [`Node::path_to`], and the outermost value on the path that starts at `offset`.
    fn locate(&self, offset: usize) -> (Vec<Segment>, Option<&Node>) {
        let mut path = Vec::new();
        let mut at = None;
        let mut node = self;
        loop {
            match node {
                Node::Map(entries) => {
                    let Some(e) = entries.iter().rev().find(|e| e.key_span.start <= offset) else {
                        break;
                    };
                    let (Some(key), true) = (&e.key, e.value_start <= offset) else {
                        break;
                    };
                    path.push(Segment::Key(key.clone()));
                    node = &e.value;
                    if e.value_start == offset {
                        at = at.or(Some(node));
                    }
                }
                Node::Seq(items) => {
                    let Some((i, item)) = items
                        .iter()
                        .enumerate()
                        .rev()
                        .find(|(_, item)| item.start <= offset)
                    else {
                        break;
                    };
                    path.push(Segment::Index(i));
                    node = &item.value;
                    if item.start == offset {
                        at = at.or(Some(node));
                    }
                }
                Node::Single => break,
            }
        }
        (path, at)
    }

    /// The top-level entries of a mapping, in order (none for another shape).
    pub fn entries(&self) -> &[Entry] {
        match self {
            Node::Map(entries) => entries,
            _ => &[],
        }
    }
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(NodeVisitor)
    }
}

struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key::<serde_saphyr::Spanned<Key>>()? {
            let value = map.next_value::<serde_saphyr::Spanned<Node>>()?;
            entries.push(Entry {
                key: key.value.0,
                key_span: span_of(&key.referenced),
                value_start: span_of(&value.referenced).start,
                value: value.value,
            });
        }
        Ok(Node::Map(entries))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<serde_saphyr::Spanned<Node>>()? {
            items.push(Item {
                start: span_of(&item.referenced).start,
                value: item.value,
            });
        }
        Ok(Node::Seq(items))
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Node, E> {
        Ok(Node::Single)
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Node, E> {
        Ok(Node::Single)
    }

    fn visit_i128<E: de::Error>(self, _: i128) -> Result<Node, E> {
        Ok(Node::Single)
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Node, E> {
        Ok(Node::Single)
    }

    fn visit_u128<E: de::Error>(self, _: u128) -> Result<Node, E> {
        Ok(Node::Single)
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Node, E> {
        Ok(Node::Single)
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<Node, E> {
        Ok(Node::Single)
    }

    fn visit_bytes<E: de::Error>(self, _: &[u8]) -> Result<Node, E> {
        Ok(Node::Single)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Node, E> {
        Ok(Node::Single)
    }

    fn visit_none<E: de::Error>(self) -> Result<Node, E> {
        Ok(Node::Single)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Node, D::Error> {
        deserializer.deserialize_any(NodeVisitor)
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, deserializer: D) -> Result<Node, D::Error> {
        deserializer.deserialize_any(NodeVisitor)
    }

    fn visit_enum<A: de::EnumAccess<'de>>(self, data: A) -> Result<Node, A::Error> {
        // A tagged value: its content is read and dropped.
        let (IgnoredAny, variant) = data.variant::<IgnoredAny>()?;
        de::VariantAccess::newtype_variant::<IgnoredAny>(variant)?;
        Ok(Node::Single)
    }
}

/// A mapping's key: its text when it is text, else nothing (its content read and dropped).
struct Key(Option<String>);

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Key;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a mapping key")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key, E> {
                Ok(Key(Some(v.to_owned())))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Key, E> {
                Ok(Key(None))
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<Key, E> {
                Ok(Key(None))
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<Key, E> {
                Ok(Key(None))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Key, E> {
                Ok(Key(None))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Key, E> {
                Ok(Key(None))
            }
            fn visit_none<E: de::Error>(self) -> Result<Key, E> {
                Ok(Key(None))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Key, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Key(None))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Key, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Key(None))
            }
        }
        deserializer.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(text: &str, at: &str) -> Vec<Segment> {
        let offset = text.find(at).unwrap();
        read(text).unwrap().path_to(offset)
    }

    fn keys(path: &[Segment]) -> String {
        path.iter()
            .map(|s| match s {
                Segment::Key(k) => k.clone(),
                Segment::Index(i) => i.to_string(),
            })
            .collect::<Vec<_>>()
            .join(".")
    }

    #[test]
    fn finds_where_a_value_is() {
        let text = "version: 1\ntrigger:\n  - participant: order\nsteps:\n  - id: a\n    retry: [3]\n  - { id: b, retry: x }\n";
        assert_eq!(keys(&path(text, "- participant")), "trigger");
        assert_eq!(keys(&path(text, "participant")), "trigger.0");
        assert_eq!(keys(&path(text, "[3]")), "steps.0.retry");
        assert_eq!(keys(&path(text, "x }")), "steps.1.retry");
        assert_eq!(keys(&path(text, "retry: x")), "steps.1");
        assert_eq!(keys(&path(text, "version")), "");
    }

    #[test]
    fn keeps_duplicate_keys_and_odd_keys() {
        let root = read("a: 1\na: 2\n? [x]\n: 3\n1: 4\n").unwrap();
        let keys: Vec<Option<&str>> = root.entries().iter().map(|e| e.key.as_deref()).collect();
        assert_eq!(keys, [Some("a"), Some("a"), None, None]);
    }

    #[test]
    fn text_that_is_not_yaml_has_no_outline() {
        assert!(read("a: [1, 2\n").is_none());
    }
}
