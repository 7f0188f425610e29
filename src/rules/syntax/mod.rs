//! Rules raised while the YAML is read: the spec must have the language's shape before its
//! meaning can be checked.

pub mod bad_duration;
pub mod bad_name;
pub mod duplicate_key;
pub mod input_limit;
pub mod invalid_yaml;
pub mod missing_key;
pub mod not_a_spec;
pub mod reserved_name;
pub mod unknown_key;
pub mod unsupported_version;
pub mod wrong_type;

use super::Rule;

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
];
