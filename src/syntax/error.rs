//! Turns serde-saphyr's errors into diagnostics with a code, a span and help in the
//! language's own words.

use serde_saphyr::Error;

use super::spanned::span_of;
use crate::diagnostic::Diagnostic;
use crate::rules::syntax::{
    duplicate_key, input_limit, invalid_yaml, missing_key, not_a_spec, unknown_key, wrong_type,
};
use crate::source::{SourceFile, Span};

pub(super) fn to_diagnostic(error: &Error, source: &SourceFile) -> Diagnostic {
    let error = innermost(error);
    let span = error
        .location()
        .map(|l| token_span(source, span_of(&l)))
        .unwrap_or_default();
    match error {
        Error::SerdeUnknownField {
            field, expected, ..
        } => {
            let allowed = expected.iter().copied();
            let d = Diagnostic::new(&unknown_key::RULE, span, format!("unknown key `{field}`"))
                .label("not a key here");
            match unknown_key::did_you_mean(field, allowed) {
                Some(k) if field == "on" => d.help(format!(
                    "did you mean `{k}`? The language says `consumes:` because YAML 1.1 readers turn a bare `on` into `true`"
                )),
                Some(k) => d.help(format!("did you mean `{k}`?")),
                None => d.help(format!("the keys allowed here are: {}", list(expected))),
            }
        }
        Error::SerdeUnknownVariant {
            variant, expected, ..
        } => {
            let d = Diagnostic::new(
                &wrong_type::RULE,
                span,
                format!("`{variant}` is not one of the allowed values"),
            )
            .label("unknown value");
            match unknown_key::did_you_mean(variant, expected.iter().copied()) {
                Some(v) => d.help(format!(
                    "did you mean `{v}`? Allowed values: {}",
                    list(expected)
                )),
                None => d.help(format!("allowed values: {}", list(expected))),
            }
        }
        Error::SerdeInvalidType {
            unexpected,
            expected,
            ..
        } => Diagnostic::new(
            &wrong_type::RULE,
            span,
            format!("expected {}, found {}", plain(expected), plain(unexpected)),
        )
        .label(format!("expected {}", plain(expected))),
        Error::SerdeInvalidValue {
            unexpected,
            expected,
            ..
        } => Diagnostic::new(
            &wrong_type::RULE,
            span,
            format!("expected {}, found {}", plain(expected), plain(unexpected)),
        )
        .label(format!("expected {}", plain(expected))),
        Error::InvalidScalar { .. } | Error::InvalidBooleanStrict { .. } => Diagnostic::new(
            &wrong_type::RULE,
            span,
            format!(
                "`{}` is not a value of the expected type",
                source.slice(span)
            ),
        )
        .label("wrong type")
        .help("a number is written as digits (`version: 1`, `max_attempts: 3`)"),
        Error::NullIntoString { .. } => Diagnostic::new(
            &wrong_type::RULE,
            span,
            "expected a value here, found nothing",
        )
        .label("empty value"),
        Error::SerdeMissingField { field, .. } => Diagnostic::new(
            &missing_key::RULE,
            span,
            format!("missing required key `{field}`"),
        )
        .help(format!(
            "add `{field}:`; `sagac explain S005` lists the required keys"
        )),
        Error::DuplicateMappingKey { key, .. } => {
            let name = key.as_deref().unwrap_or("this key");
            Diagnostic::new(
                &duplicate_key::RULE,
                span,
                format!("duplicate key `{name}`"),
            )
            .label("written a second time here")
            .help("keep one of them: YAML readers disagree on which one wins")
        }
        Error::Budget { breach, .. } => Diagnostic::new(
            &input_limit::RULE,
            span,
            format!("the file goes beyond what sagac reads safely ({breach:?})"),
        )
        .help("a saga spec needs no aliases and little nesting; write it plainly"),
        Error::AliasReplayLimitExceeded { .. }
        | Error::AliasExpansionLimitExceeded { .. }
        | Error::AliasReplayStackDepthExceeded { .. }
        | Error::AliasReplayCounterOverflow { .. } => Diagnostic::new(
            &input_limit::RULE,
            span,
            "aliases in the file expand to more data than sagac reads",
        )
        .help("a saga spec needs no aliases (`*name`); write the values out"),
        Error::MultipleDocuments { .. } => Diagnostic::new(
            &not_a_spec::RULE,
            span,
            "the file holds several YAML documents; a spec is one",
        )
        .help("put each saga in a file of its own"),
        Error::Eof { .. } => Diagnostic::new(
            &not_a_spec::RULE,
            span,
            "the file ends before a spec starts",
        ),
        Error::Unexpected { expected, .. } if span.start <= first_content(source) => {
            Diagnostic::new(
                &not_a_spec::RULE,
                span,
                format!("the top level of a spec is a mapping of keys (`version: 1`, `saga: ...`), not {}", found(source, span)),
            )
            .help("start the file with `version: 1`, then `saga:`, `coordination:`, `participants:`, `trigger:` and `steps:`")
            .label(format!("expected {}", plain(expected)))
        }
        Error::Unexpected { expected, .. } => {
            let d = Diagnostic::new(
                &wrong_type::RULE,
                span,
                format!("expected {}, found {}", plain(expected), found(source, span)),
            )
            .label(format!("expected {}", plain(expected)));
            match (plain(expected).as_str(), found(source, span)) {
                ("a list", "a single value") => d.help(format!("write it as a list: `[{}]`", source.slice(span))),
                _ => d,
            }
        }
        other => {
            let message = first_line(&other.to_string());
            if message.contains("depth") || message.contains("nesting") {
                Diagnostic::new(&input_limit::RULE, span, message)
                    .help("a saga spec needs only a few levels of nesting")
            } else {
                Diagnostic::new(&invalid_yaml::RULE, span, message)
                    .label("the YAML reader stopped here")
            }
        }
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

/// What kind of YAML value starts at a span, in words.
fn found(source: &SourceFile, span: Span) -> &'static str {
    match source
        .text
        .get(span.start..)
        .and_then(|t| t.trim_start().chars().next())
    {
        Some('[' | '-') => "a list",
        Some('{') => "a mapping",
        Some('*') => "an alias",
        Some(_) => "a single value",
        None => "nothing",
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

/// Serde's and the reader's type descriptions ("u32", "mapping start") in words a student reads.
fn plain(description: &str) -> String {
    let d = description.trim();
    match d {
        "u8" | "u16" | "u32" | "u64" | "i64" | "u128" | "an integer" => "a whole number".to_owned(),
        "map" | "a map" | "mapping" | "mapping start" | "a mapping" => "a mapping".to_owned(),
        "sequence" | "a sequence" | "sequence start" | "a sequence start" => "a list".to_owned(),
        "a string" | "string" | "str" | "string scalar" => "a text value".to_owned(),
        "a sequence of strings" => "a list of names".to_owned(),
        _ if d.starts_with("struct ") => "a mapping".to_owned(),
        _ if d.starts_with("a sequence") || d.starts_with("sequence") => "a list".to_owned(),
        _ if d.starts_with("a map") || d.starts_with("map") => "a mapping".to_owned(),
        _ => d.to_owned(),
    }
}

fn list(items: &[&str]) -> String {
    items
        .iter()
        .map(|k| format!("`{k}`"))
        .collect::<Vec<_>>()
        .join(", ")
}
