//! Layer 1: the YAML text to [`SpecDef`], the spec as written, with a span on every value.
//!
//! The reader is serde-saphyr: it rejects duplicate keys, bounds alias expansion and
//! nesting, and reports where each value was written. A file that does not deserialize
//! gets exactly one [`ParseError`] (the reader stops at the first structural error); what
//! deserializes is resolved and checked in full by the later layers. Syntax knows no rule
//! codes: `rules::syntax` words its errors.

mod error;
pub mod spanned;
pub mod spec;

pub use error::{ParseError, ParseErrorKind, Shape};
pub use spec::*;

use crate::source::{SourceFile, Span};

/// Reads a spec's text. The text is already known to be UTF-8 and within the size limit.
pub fn parse(source: &SourceFile) -> Result<SpecDef, ParseError> {
    if source.text.trim().is_empty() || is_only_comments(&source.text) {
        return Err(ParseError {
            span: Span::new(0, 0),
            kind: ParseErrorKind::Empty,
        });
    }
    serde_saphyr::from_str_with_options::<SpecDef>(&source.text, options())
        .map_err(|e| error::classify(&e, source))
}

/// Limits sized for saga specs: room for a generated 10,000-step spec (about 300,000
/// nodes), and next to none for aliases, which a spec never needs and an alias bomb
/// abuses. Parsing stays linear in the file's size.
fn options() -> serde_saphyr::Options {
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
