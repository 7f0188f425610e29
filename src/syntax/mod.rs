//! Layer 1: the YAML text to [`SpecDef`], the spec as written, with a span on every value.
//!
//! The reader is serde-saphyr: it rejects duplicate keys, bounds alias expansion and
//! nesting, and reports where each value was written. A file that does not deserialize
//! gets its [`ParseError`]s: serde stops at the first, and where that one is structural
//! (well-formed YAML, a value of the wrong shape) the reader goes on past it to the next
//! (`recovery.rs`). A value of the wrong shape comes with the shape its key expects, an
//! example made from the JSON Schema (`expected.rs`), placed by the text's outline
//! (`outline.rs`). What deserializes is resolved and checked in full by the later layers.
//! Syntax knows no rule codes: `rules::syntax` words its errors.

mod cursor;
pub mod ending;
mod error;
mod expected;
pub mod failure;
mod keys;
mod outline;
mod recovery;
pub mod resources;
pub mod spanned;
pub mod spec;
pub mod types;

pub use cursor::{Cursor, Place, cursor_at};
pub use ending::*;
pub use error::{ParseError, ParseErrorKind, Shape};
pub use expected::ExpectedShape;
pub use failure::*;
pub use keys::{KeyDoc, keys_at, values_at};
pub use outline::Segment;
pub use recovery::MAX_ERRORS;
pub use resources::*;
pub use spec::*;
pub use types::{FieldsDef, RecordsDef, TypeDef};

use crate::source::{SourceFile, Span};

/// Reads a spec's text. The text is already known to be UTF-8 and within the size limit.
/// A text that is not a spec gets at least one error, sorted by position.
pub fn parse(source: &SourceFile) -> Result<SpecDef, Vec<ParseError>> {
    if source.text.trim().is_empty() || is_only_comments(&source.text) {
        return Err(vec![ParseError {
            span: Span::new(0, 0),
            kind: ParseErrorKind::Empty,
            expected: None,
        }]);
    }
    let first = match serde_saphyr::from_str_with_options::<SpecDef>(&source.text, options()) {
        Ok(spec) => return Ok(spec),
        Err(e) => error::classify(&e, source),
    };
    if !recovery::is_structural(&first.kind) || source.text.len() > recovery::MAX_REREAD {
        return Err(vec![first]);
    }
    // Well-formed YAML: its outline places each error (its key's expected shape) and says
    // which part to set aside to read on.
    let Some(outline) = outline::read(&source.text) else {
        return Err(vec![first]);
    };
    let mut errors = recovery::read_on(source, first, &outline);
    for e in &mut errors {
        // The text at the error says little of a block mapping (it starts with its first
        // key, which reads like a single value): the outline knows what starts there.
        if let ParseErrorKind::Unexpected { found, .. } = &mut e.kind
            && let Some(shape) = outline.shape_at(e.span.start)
        {
            *found = shape;
        }
        if expects_a_container(&e.kind) {
            e.expected = expected::at(&outline.path_to(e.span.start));
        }
    }
    errors.sort_by_key(|e| (e.span.start, e.span.end));
    Err(errors)
}

/// Whether the error is a value found where a mapping or a list was expected, or a
/// mapping or list found where something else was: what an example of the shape helps.
fn expects_a_container(kind: &ParseErrorKind) -> bool {
    match kind {
        ParseErrorKind::WrongType { expected, found } => {
            [expected, found].iter().any(|d| is_container(d))
        }
        ParseErrorKind::Unexpected {
            expected, found, ..
        } => is_container(expected) || matches!(found, Shape::List | Shape::Mapping),
        _ => false,
    }
}

/// serde's and the reader's words for a mapping or a list (`mapping start`, `a sequence`,
/// `struct StepDef`, `map`).
fn is_container(description: &str) -> bool {
    let d = description.trim().trim_start_matches("a ");
    ["map", "mapping", "sequence", "seq", "struct ", "list"]
        .iter()
        .any(|w| d.starts_with(w))
}

/// Limits sized for saga specs: room for a generated 10,000-step spec (about 300,000
/// nodes), and next to none for aliases, which a spec never needs and an alias bomb
/// abuses. Parsing stays linear in the file's size.
pub(crate) fn options() -> serde_saphyr::Options {
    let mut budget = serde_saphyr::Budget::default();
    budget.max_nodes = 4_000_000;
    budget.max_events = 8_000_000;
    let mut options = serde_saphyr::Options::default();
    options.budget = Some(budget);
    options.alias_limits.max_total_replayed_events = 10_000;
    options.alias_limits.max_alias_expansions_per_anchor = 100;
    options
}

fn is_only_comments(text: &str) -> bool {
    text.lines().all(|l| {
        let l = l.trim();
        l.is_empty() || l.starts_with('#') || l == "---" || l == "..."
    })
}

/// The JSON Schema of the spec language, pretty-printed (draft 2020-12).
pub fn json_schema() -> String {
    let mut schema = schemars::generate::SchemaSettings::draft2020_12()
        .into_generator()
        .into_root_schema_for::<SpecDef>();
    schema.insert("$id".into(), "https://sagac.dev/schema/v1.json".into());
    serde_json::to_string_pretty(&schema).unwrap_or_default()
}
