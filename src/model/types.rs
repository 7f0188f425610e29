//! Typed data: the type of each field (`fields`) and the record types (`records`). A field
//! the catalogue does not list is a string, so a spec without one means what it always
//! meant. Types are read here from their text; whether a record a type names exists, and
//! whether a record contains itself, is for the rules (D510, D511) to report.

use crate::source::{Span, Spanned};

/// A type that is not made of others.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Scalar {
    String,
    Integer,
    Decimal,
    Boolean,
    Uuid,
    Timestamp,
}

impl Scalar {
    pub const ALL: [Scalar; 6] = [
        Scalar::String,
        Scalar::Integer,
        Scalar::Decimal,
        Scalar::Boolean,
        Scalar::Uuid,
        Scalar::Timestamp,
    ];

    /// The word the spec writes.
    pub fn as_str(self) -> &'static str {
        match self {
            Scalar::String => "string",
            Scalar::Integer => "integer",
            Scalar::Decimal => "decimal",
            Scalar::Boolean => "boolean",
            Scalar::Uuid => "uuid",
            Scalar::Timestamp => "timestamp",
        }
    }
}

/// A field's type, as read from its text.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Type {
    Scalar(Scalar),
    List(Box<Type>),
    /// A record's name (PascalCase); it may name no declared record (D510).
    Record(String),
    /// Text that is no type: a lowercase word that is no scalar (`int`), or a shape that
    /// does not read (`list<`, `map<a, b>`). `word` is the part at fault.
    Unknown {
        word: String,
    },
}

impl Type {
    pub const STRING: Type = Type::Scalar(Scalar::String);

    /// Reads a type's text. Nesting is bounded by the text's length, which the loader
    /// bounds; the reader is a loop, not a recursion over the text.
    pub fn parse(text: &str) -> Type {
        let mut rest = text.trim();
        let mut depth = 0usize;
        while let Some(inner) = rest.strip_prefix("list") {
            let inner = inner.trim_start();
            let Some(inner) = inner.strip_prefix('<') else {
                break;
            };
            let Some(inner) = inner.trim_end().strip_suffix('>') else {
                return Type::Unknown {
                    word: text.trim().to_owned(),
                };
            };
            rest = inner.trim();
            depth += 1;
        }
        let mut ty = Type::word(rest);
        for _ in 0..depth {
            ty = Type::List(Box::new(ty));
        }
        ty
    }

    fn word(word: &str) -> Type {
        if let Some(s) = Scalar::ALL.iter().find(|s| s.as_str() == word) {
            return Type::Scalar(*s);
        }
        let pascal = word.chars().next().is_some_and(|c| c.is_ascii_uppercase())
            && word.chars().all(|c| c.is_ascii_alphanumeric());
        if pascal {
            Type::Record(word.to_owned())
        } else {
            Type::Unknown {
                word: word.to_owned(),
            }
        }
    }

    /// The record this type is, or holds the items of (`list<list<R>>` is `R`'s).
    pub fn record(&self) -> Option<&str> {
        match self {
            Type::Record(name) => Some(name),
            Type::List(item) => item.record(),
            Type::Scalar(_) | Type::Unknown { .. } => None,
        }
    }

    /// The record this type holds in place (not through a list, which may be empty): a
    /// record that holds itself in place would be infinitely large.
    pub fn record_in_place(&self) -> Option<&str> {
        match self {
            Type::Record(name) => Some(name),
            _ => None,
        }
    }

    /// The type as the spec writes it, normalised (`list<OrderLine>`).
    pub fn describe(&self) -> String {
        match self {
            Type::Scalar(s) => s.as_str().to_owned(),
            Type::List(item) => format!("list<{}>", item.describe()),
            Type::Record(name) => name.clone(),
            Type::Unknown { word } => word.clone(),
        }
    }
}

/// One typed field: of `fields`, or of a record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypedField {
    pub name: Spanned<String>,
    pub ty: Type,
    /// The type's text where it was written.
    pub written: Span,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub name: Spanned<String>,
    pub fields: Vec<TypedField>,
}

/// The `fields` and `records` catalogues; empty when the spec has neither.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Types {
    /// Where `fields:` is written: a spec with it types its data.
    pub catalogue: Option<Span>,
    pub fields: Vec<TypedField>,
    pub records: Vec<Record>,
}

impl Types {
    /// Whether the spec gives any field a type other than a string or declares a record:
    /// a spec without types gets the code it always got.
    pub fn is_typed(&self) -> bool {
        !self.records.is_empty() || self.fields.iter().any(|f| f.ty != Type::STRING)
    }

    /// A field's type: its entry in `fields`, else a string.
    pub fn of(&self, field: &str) -> &Type {
        self.fields
            .iter()
            .find(|f| f.name.value == field)
            .map_or(&Type::STRING, |f| &f.ty)
    }

    /// Whether `fields` lists the field.
    pub fn lists(&self, field: &str) -> bool {
        self.fields.iter().any(|f| f.name.value == field)
    }

    pub fn record(&self, name: &str) -> Option<&Record> {
        self.records.iter().find(|r| r.name.value == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_read_from_their_text() {
        assert_eq!(Type::parse("uuid"), Type::Scalar(Scalar::Uuid));
        assert_eq!(
            Type::parse(" list< list<OrderLine> > "),
            Type::List(Box::new(Type::List(Box::new(Type::Record(
                "OrderLine".into()
            )))))
        );
        assert_eq!(Type::parse("int"), Type::Unknown { word: "int".into() });
        assert_eq!(
            Type::parse("list<string"),
            Type::Unknown {
                word: "list<string".into()
            }
        );
        assert_eq!(
            Type::parse("map<a,b>"),
            Type::Unknown {
                word: "map<a,b>".into()
            }
        );
        assert_eq!(
            Type::parse("list<>"),
            Type::List(Box::new(Type::Unknown {
                word: String::new()
            }))
        );
        assert_eq!(Type::parse("list<Line>").record(), Some("Line"));
        assert_eq!(Type::parse("list<Line>").record_in_place(), None);
    }
}
