//! Data flow: every field a step reads was written before it runs.

mod availability;
pub mod in_doubt_reads_own_write;
pub mod not_own_write;
pub mod read_before_write;
pub mod unknown_idempotency_key;
pub mod unknown_record_key;

use super::Check;
use crate::diagnostic::{Diagnostic, Rule};
use crate::model::Saga;
use availability::Availability;

/// The rules read one analysis of which fields are known where, built once: D501's entry
/// runs the pass for both, D502's is listed so that `sagac explain` and the rule list know it.
pub static CHECKS: &[(&Rule, Check)] = &[
    (&read_before_write::RULE, check),
    (&unknown_idempotency_key::RULE, reported_with_d501),
    (
        &in_doubt_reads_own_write::RULE,
        in_doubt_reads_own_write::check,
    ),
    (&not_own_write::RULE, not_own_write::check),
    (&unknown_record_key::RULE, reported_with_d501),
];

fn check(saga: &Saga, out: &mut Vec<Diagnostic>) {
    let known = Availability::new(saga);
    read_before_write::check(saga, &known, out);
    unknown_idempotency_key::check(saga, &known, out);
    unknown_record_key::check(saga, &known, out);
}

fn reported_with_d501(_: &Saga, _: &mut Vec<Diagnostic>) {}
