use super::{Limit, UNLIMITED};
use crate::diagnostic::Diagnostic;
use crate::model::{Saga, StepKind, duration};

declare_rule! {
    /// ## What it checks
    /// A pivot with a `timeout` whose re-sends can run out (`retry.max_attempts` finite, or
    /// no `retry` at all, which is one attempt).
    ///
    /// ## Why it matters
    /// When the pivot times out nobody knows whether the card was charged. The only safe
    /// way out is to ask again with the idempotency key until the participant answers. If
    /// the attempts run out while the first one had in fact been applied, the saga
    /// compensates an order whose card was charged: stock released, order rejected, money
    /// taken. `sagac simulate` shows that run (`atomicity`, `no_compensation_after_pivot`).
    ///
    /// ## Example
    /// ```yaml
    /// - id: charge_payment
    ///   participant: payment
    ///   action: ChargeCard
    ///   kind: pivot
    ///   timeout: 10s
    ///   retry: { max_attempts: 3 }
    ///   idempotency_key: order_id
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// - id: charge_payment
    ///   participant: payment
    ///   action: ChargeCard
    ///   kind: pivot
    ///   timeout: 10s
    ///   retry: { max_attempts: unlimited, backoff: exponential, initial: 500ms, max: 1m }
    ///   idempotency_key: order_id
    /// ```
    pub static RULE = ("T304", "in-doubt-pivot-can-exhaust", Warning, "A pivot that can time out and then run out of attempts");
}

pub fn check(saga: &Saga, out: &mut Vec<Diagnostic>) {
    for step in &saga.steps {
        if step.kind != StepKind::Pivot || !step.retry.can_exhaust() {
            continue;
        }
        let Some(timeout) = &step.timeout else {
            continue;
        };
        let limit = Limit::of(&step.retry, &step.action.value, step.id.span);
        out.push(
            Diagnostic::new(
                &RULE,
                limit.span,
                format!(
                    "the pivot `{}` can time out after {} and then give up after {}: if the first attempt was applied, the saga compensates a charged order",
                    step.id.value,
                    duration::format(timeout.value),
                    limit.attempts
                ),
            )
            .label(limit.label)
            .related(timeout.span, "in doubt from here: applied or not?")
            .help(format!(
                "an in-doubt pivot is resolved by re-sending it with its idempotency key until it answers, never by compensating: use {UNLIMITED}"
            )),
        );
    }
}
