//! Rules raised while the YAML is read and the model resolved: the spec must have the
//! language's shape before its meaning can be checked. Each file words what `load`,
//! `syntax` and the resolver report (see `rules::reading`).

pub mod bad_duration;
pub mod bad_name;
pub mod duplicate_key;
pub mod input_limit;
pub mod invalid_yaml;
pub mod isolation_value;
pub mod missing_key;
pub mod not_a_spec;
pub mod reserved_name;
pub mod unknown_key;
pub mod unsupported_version;
pub mod version_2_key;
pub mod wrong_type;

use crate::diagnostic::Rule;
use crate::syntax::Shape;

pub static RULES: &[&Rule] = &[
    &invalid_yaml::RULE,
    &unknown_key::RULE,
    &wrong_type::RULE,
    &duplicate_key::RULE,
    &missing_key::RULE,
    &bad_name::RULE,
    &reserved_name::RULE,
    &bad_duration::RULE,
    &unsupported_version::RULE,
    &not_a_spec::RULE,
    &input_limit::RULE,
    &version_2_key::RULE,
];

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

/// What kind of YAML value was found, in words.
fn shape(found: Shape) -> &'static str {
    match found {
        Shape::List => "a list",
        Shape::Mapping => "a mapping",
        Shape::Alias => "an alias",
        Shape::Single => "a single value",
        Shape::Nothing => "nothing",
    }
}

/// Names as a list in backticks: `a`, `b`.
fn list(items: &[&str]) -> String {
    items
        .iter()
        .map(|k| format!("`{k}`"))
        .collect::<Vec<_>>()
        .join(", ")
}
