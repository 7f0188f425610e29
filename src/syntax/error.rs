//! Classifies serde-saphyr's errors into [`ParseError`]s: what went wrong, where, and the
//! reader's own descriptions. The rest of sagac never sees the reader's error type;
//! `rules::syntax` gives each kind its rule (S001-S005, S010, S011) and its words.

use serde_saphyr::Error;

use super::expected::ExpectedShape;
use super::spanned::span_of;
use crate::source::{SourceFile, Span};

/// Why a spec's text does not read as a spec: one of the errors of a file (the reader goes
/// on past structural errors, see `recovery.rs`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// Where the reader stopped: at least the token it points at, when it points at one.
    pub span: Span,
    pub kind: ParseErrorKind,
    /// For a value of the wrong shape: the key it is under and the shape the schema
    /// expects there, when that is a mapping or a list.
    pub expected: Option<ExpectedShape>,
}

/// What kind of YAML value starts at a span.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    List,
    Mapping,
    Alias,
    Single,
    Nothing,
}

/// What went wrong. Descriptions of types (`expected`, `found`) are the reader's and serde's
/// own (`u32`, `mapping start`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseErrorKind {
    /// Nothing but blank lines and comments.
    Empty,
    /// A key the language does not have at that place; `allowed` lists those it has.
    UnknownKey {
        key: String,
        allowed: Vec<&'static str>,
    },
    /// A value that is not one of `allowed`.
    UnknownValue {
        value: String,
        allowed: Vec<&'static str>,
    },
    /// A value of another type than the one expected.
    WrongType { expected: String, found: String },
    /// A scalar that does not read as the expected type; `text` is what was written,
    /// `boolean` when `true` or `false` was expected (else a number).
    NotAValue { text: String, boolean: bool },
    /// A key with nothing after it where a value is needed.
    EmptyValue,
    /// A required key absent from a mapping.
    MissingKey { key: &'static str },
    /// A key written twice in one mapping.
    DuplicateKey { key: Option<String> },
    /// Past the reader's budget of nodes or events (the reader's own description).
    OverBudget { breach: String },
    /// Aliases that expand past the reader's limits.
    AliasesTooLarge,
    /// More than one YAML document.
    MultipleDocuments,
    /// The file ends before a spec starts.
    EndsEarly,
    /// The top level is not a mapping.
    TopLevelNotMapping {
        expected: &'static str,
        found: Shape,
    },
    /// Another kind of value than the one expected; `text` is what was written.
    Unexpected {
        expected: &'static str,
        found: Shape,
        text: String,
    },
    /// Nesting past the reader's limit (the reader's message).
    TooDeep { message: String },
    /// Text that is not well-formed YAML (the reader's message).
    InvalidYaml { message: String },
}

pub(super) fn classify(error: &Error, source: &SourceFile) -> ParseError {
    let error = innermost(error);
    let span = error
        .location()
        .map(|l| token_span(source, span_of(&l)))
        .unwrap_or_default();
    let kind = match error {
        Error::SerdeUnknownField {
            field, expected, ..
        } => ParseErrorKind::UnknownKey {
            key: field.clone(),
            allowed: expected.clone(),
        },
        Error::SerdeUnknownVariant {
            variant, expected, ..
        } => ParseErrorKind::UnknownValue {
            value: variant.clone(),
            allowed: expected.clone(),
        },
        Error::SerdeInvalidType {
            unexpected,
            expected,
            ..
        }
        | Error::SerdeInvalidValue {
            unexpected,
            expected,
            ..
        } => ParseErrorKind::WrongType {
            expected: expected.clone(),
            found: unexpected.clone(),
        },
        Error::InvalidScalar { .. } | Error::InvalidBooleanStrict { .. } => {
            ParseErrorKind::NotAValue {
                text: source.slice(span).to_owned(),
                boolean: matches!(
                    error,
                    Error::InvalidBooleanStrict { .. } | Error::InvalidScalar { ty: "boolean", .. }
                ),
            }
        }
        Error::NullIntoString { .. } => ParseErrorKind::EmptyValue,
        Error::SerdeMissingField { field, .. } => ParseErrorKind::MissingKey { key: field },
        Error::DuplicateMappingKey { key, .. } => ParseErrorKind::DuplicateKey { key: key.clone() },
        Error::Budget { breach, .. } => ParseErrorKind::OverBudget {
            breach: format!("{breach:?}"),
        },
        Error::AliasReplayLimitExceeded { .. }
        | Error::AliasExpansionLimitExceeded { .. }
        | Error::AliasReplayStackDepthExceeded { .. }
        | Error::AliasReplayCounterOverflow { .. } => ParseErrorKind::AliasesTooLarge,
        Error::MultipleDocuments { .. } => ParseErrorKind::MultipleDocuments,
        Error::Eof { .. } => ParseErrorKind::EndsEarly,
        Error::Unexpected { expected, .. } if span.start <= first_content(source) => {
            ParseErrorKind::TopLevelNotMapping {
                expected,
                found: found(source, span),
            }
        }
        // A list or a mapping where one of an enumeration's values is expected (`kind:
        // [pivot]`): the reader's own words name its internals.
        Error::ExternallyTaggedEnumExpectedScalarOrMapping { .. }
        | Error::UnexpectedValueForUnitEnumVariant { .. } => ParseErrorKind::Unexpected {
            expected: "one of the allowed values",
            found: found(source, span),
            text: source.slice(span).to_owned(),
        },
        Error::Unexpected { expected, .. } => ParseErrorKind::Unexpected {
            expected,
            found: found(source, span),
            text: source.slice(span).to_owned(),
        },
        other => {
            let message = first_line(&other.to_string());
            if message.contains("depth") || message.contains("nesting") {
                ParseErrorKind::TooDeep { message }
            } else {
                ParseErrorKind::InvalidYaml { message }
            }
        }
    };
    ParseError {
        span,
        kind,
        expected: None,
    }
}

/// The offset of the first line that is not blank, a comment or a document marker.
fn first_content(source: &SourceFile) -> usize {
    let mut offset = 0;
    for line in source.text.split_inclusive('\n') {
        let t = line.trim();
        if !(t.is_empty() || t.starts_with('#') || t == "---") {
            return offset + (line.len() - line.trim_start().len());
        }
        offset += line.len();
    }
    offset
}

/// What kind of YAML value starts at a span.
fn found(source: &SourceFile, span: Span) -> Shape {
    match source
        .text
        .get(span.start..)
        .and_then(|t| t.trim_start().chars().next())
    {
        Some('[' | '-') => Shape::List,
        Some('{') => Shape::Mapping,
        Some('*') => Shape::Alias,
        Some(_) => Shape::Single,
        None => Shape::Nothing,
    }
}

fn innermost(error: &Error) -> &Error {
    match error {
        Error::WithSnippet { error, .. } | Error::AliasError { error, .. } => innermost(error),
        e => e,
    }
}

/// A span that covers at least the token the error points at, so a label has a width.
fn token_span(source: &SourceFile, span: Span) -> Span {
    if !span.is_empty() || span.start >= source.text.len() {
        return span;
    }
    let rest = &source.text[span.start..];
    let len = rest
        .find(|c: char| c.is_whitespace() || matches!(c, ':' | ',' | ']' | '}'))
        .unwrap_or(rest.len());
    Span::new(span.start, span.start + len)
}

/// serde-saphyr appends " at line L, column C" to messages; the span already says that.
fn first_line(message: &str) -> String {
    let line = message.lines().next().unwrap_or(message);
    match line.rfind(" at line ") {
        Some(i) => line[..i].to_owned(),
        None => line.to_owned(),
    }
}
