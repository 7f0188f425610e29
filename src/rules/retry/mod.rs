//! Retries and timeouts: what happens when attempts run out or an answer never comes.

pub mod builtin_failure_retried;
pub mod compensation_can_exhaust;
pub mod compensation_in_doubt_without_key;
pub mod in_doubt_pivot_can_exhaust;
pub mod in_doubt_without_idempotency_key;
pub mod retriable_can_exhaust;
pub mod unbounded_wait;

use super::Check;
use crate::diagnostic::Rule;
use crate::model::{Attempts, Retry, duration};
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
    (
        &in_doubt_pivot_can_exhaust::RULE,
        in_doubt_pivot_can_exhaust::check,
    ),
    (&unbounded_wait::RULE, unbounded_wait::check),
    (
        &compensation_in_doubt_without_key::RULE,
        compensation_in_doubt_without_key::check,
    ),
    (
        &builtin_failure_retried::RULE,
        builtin_failure_retried::check,
    ),
];

/// A finite retry policy as diagnostics show it.
pub(crate) struct Limit {
    /// "3 attempts", "1 attempt".
    pub attempts: String,
    /// "all 3 attempts of `X` fail", "the only attempt of `X` fails".
    pub all_fail: String,
    /// What sets the limit: `max_attempts`, else the `retry` without it, else `fallback`.
    pub span: Span,
    pub label: String,
}

impl Limit {
    pub fn of(retry: &Retry, action: &str, fallback: Span) -> Self {
        let n = match retry.max_attempts {
            Attempts::Limited(n) => n,
            Attempts::Unlimited => 0,
        };
        let (attempts, all_fail) = if n == 1 {
            (
                "1 attempt".to_owned(),
                format!("the only attempt of `{action}` fails"),
            )
        } else {
            (
                format!("{n} attempts"),
                format!("all {n} attempts of `{action}` fail"),
            )
        };
        // Version 2: a time budget that caps the attempts is where the limit comes from.
        let within = retry
            .within
            .as_ref()
            .filter(|w| w.attempts.is_some_and(|a| a == n));
        if let Some(w) = within {
            return Limit {
                label: format!(
                    "{attempts} start within {}, then it gives up",
                    duration::format(w.budget.value)
                ),
                attempts,
                all_fail,
                span: w.budget.span,
            };
        }
        let (span, label) = match (retry.max_attempts_span, retry.span) {
            (Some(span), _) => (span, format!("{attempts}, then it gives up")),
            (None, Some(span)) => (
                span,
                format!("`retry` without `max_attempts`: {attempts}, then it gives up"),
            ),
            (None, None) => (fallback, format!("{attempts}, then it gives up")),
        };
        Limit {
            attempts,
            all_fail,
            span,
            label,
        }
    }
}

/// The retry policy the help suggests for something that must succeed in the end.
pub(crate) const UNLIMITED: &str =
    "`retry: { max_attempts: unlimited, backoff: exponential, max: 1m }`";
