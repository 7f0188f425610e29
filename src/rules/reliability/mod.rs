//! Reliability warnings: dual writes, a saga log, idempotency.

pub mod dual_write;
pub mod missing_idempotency_key;
pub mod no_caller_outcome;
pub mod orchestrator_without_log;

use super::Check;
use crate::diagnostic::Rule;

pub static CHECKS: &[(&Rule, Check)] = &[
    (&dual_write::RULE, dual_write::check),
    (
        &orchestrator_without_log::RULE,
        orchestrator_without_log::check,
    ),
    (
        &missing_idempotency_key::RULE,
        missing_idempotency_key::check,
    ),
    (&no_caller_outcome::RULE, no_caller_outcome::check),
];
