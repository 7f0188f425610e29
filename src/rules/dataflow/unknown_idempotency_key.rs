use super::availability::Availability;
use crate::diagnostic::Diagnostic;
use crate::model::Saga;

declare_rule! {
    /// ## What it checks
    /// A step's `idempotency_key` names a field that is not known when the step runs:
    /// neither in the trigger's `data` nor written by a step that has completed before it.
    ///
    /// ## Why it matters
    /// The participant deduplicates retries and duplicate deliveries on the key. A key the
    /// saga does not have when it sends the command cannot be sent with it, so every retry
    /// looks new: the card is charged twice.
    ///
    /// ## Example
    /// ```yaml
    /// trigger: { participant: order, action: CreateOrder, event: order.created, data: [customer_id] }
    /// steps:
    ///   - id: charge_payment
    ///     participant: payment
    ///     action: ChargeCard
    ///     kind: pivot
    ///     idempotency_key: order_id
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// trigger: { participant: order, action: CreateOrder, event: order.created, data: [order_id, customer_id] }
    /// steps:
    ///   - id: charge_payment
    ///     participant: payment
    ///     action: ChargeCard
    ///     kind: pivot
    ///     idempotency_key: order_id
    /// ```
    pub static RULE = ("D502", "unknown-idempotency-key", Error, "An idempotency key that is not a field known to the step");
}

pub fn check(saga: &Saga, known: &Availability<'_>, out: &mut Vec<Diagnostic>) {
    for id in saga.step_ids() {
        let step = saga.step(id);
        let Some(key) = &step.idempotency_key else {
            continue;
        };
        if known.before_step(id, &key.value) != Some(false) {
            continue;
        }
        let own = step.writes.iter().any(|w| w.value == key.value);
        let help = if own {
            format!(
                "`{}` is written by this step itself, so it does not exist when the command is sent; use a field known before, such as one of the trigger's `data`",
                key.value
            )
        } else {
            format!(
                "use a field the step receives (the trigger's `data` or an earlier step's `writes`), or add `{}` to the trigger's `data`",
                key.value
            )
        };
        out.push(
            Diagnostic::new(
                &RULE,
                key.span,
                format!(
                    "idempotency key `{}` is not known when `{}` runs",
                    key.value, step.id.value
                ),
            )
            .label("not a field known here")
            .help(help),
        );
    }
}
