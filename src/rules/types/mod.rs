//! Typed data: every type in `fields` and `records` names a type, no record contains
//! itself, and a spec that types its data types every field it uses.

pub mod recursive_record;
pub mod unknown_type;
pub mod untyped_field;

use super::Check;
use crate::diagnostic::Rule;

pub static CHECKS: &[(&Rule, Check)] = &[
    (&unknown_type::RULE, unknown_type::check),
    (&recursive_record::RULE, recursive_record::check),
    (&untyped_field::RULE, untyped_field::check),
];
