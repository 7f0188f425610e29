//! Retries and timeouts: what happens when attempts run out or an answer never comes.

pub mod compensation_can_exhaust;
pub mod in_doubt_without_idempotency_key;
pub mod retriable_can_exhaust;

use super::{Check, Rule};
use crate::model::{Attempts, Retry};
use crate::source::Span;

pub static CHECKS: &[(&Rule, Check)] = &[
    (&retriable_can_exhaust::RULE, retriable_can_exhaust::check),
    (
        &compensation_can_exhaust::RULE,
        compensation_can_exhaust::check,
    ),
    (
        &in_doubt_without_idempotency_key::RULE,
        in_doubt_without_idempotency_key::check,
    ),
];

/// How a finite retry policy reads in a message ("3 attempts", "1 attempt"), the span that
/// sets the limit, and the label drawn under it. `fallback` is shown when `retry` is absent.
pub(crate) fn limit(retry: &Retry, fallback: Span) -> (String, Span, String) {
    let attempts = match retry.max_attempts {
        Attempts::Limited(1) => "1 attempt".to_owned(),
        Attempts::Limited(n) => format!("{n} attempts"),
        Attempts::Unlimited => "unlimited attempts".to_owned(),
    };
    match (retry.max_attempts_span, retry.span) {
        (Some(span), _) => (
            attempts.clone(),
            span,
            format!("{attempts}, then it gives up"),
        ),
        (None, Some(span)) => (
            attempts,
            span,
            "`retry` without `max_attempts`: one attempt, then it gives up".to_owned(),
        ),
        (None, None) => (
            attempts.clone(),
            fallback,
            format!("{attempts}, then it gives up"),
        ),
    }
}

/// The retry policy the help suggests for something that must succeed in the end.
pub(crate) const UNLIMITED: &str =
    "`retry: { max_attempts: unlimited, backoff: exponential, max: 1m }`";
