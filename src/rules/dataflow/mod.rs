//! Data flow: every field a step reads was written before it runs.

mod availability;
pub mod read_before_write;
pub mod unknown_idempotency_key;

use super::{Check, Rule};

pub static CHECKS: &[(&Rule, Check)] = &[
    (&read_before_write::RULE, read_before_write::check),
    (
        &unknown_idempotency_key::RULE,
        unknown_idempotency_key::check,
    ),
];
