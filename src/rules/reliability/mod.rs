//! Reliability warnings: dual writes, a saga log, idempotency.

use super::{Check, Rule};

pub static CHECKS: &[(&Rule, Check)] = &[];
