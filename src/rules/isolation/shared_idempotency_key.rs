use crate::diagnostic::Diagnostic;
use crate::model::Saga;

declare_rule! {
    /// ## What it checks
    /// A step's `idempotency_key` that is a shared field (`isolation.shared`, or by default
    /// every field used in a record reference but the saga's key) (language version 2,
    /// isolation).
    ///
    /// ## Why it matters
    /// A shared field has the same value in two instances: two orders of one customer
    /// share `customer_id`. The participant deduplicates on the key, so the second
    /// instance's command is taken for a repeat of the first and never applied: one
    /// customer's second order is silently merged into the first (a cancel keyed by
    /// customer cancels the wrong order).
    ///
    /// ## Example
    /// ```yaml
    ///   - id: charge_credit
    ///     idempotency_key: customer_id
    ///     effects:
    ///       - decrease: account[customer_id]
    /// ```
    ///
    /// ## Fix
    /// Key the command by what identifies this saga:
    /// ```yaml
    ///     idempotency_key: order_id
    /// ```
    pub static RULE = ("I811", "shared-idempotency-key", Warning, "An idempotency key that is a field shared between instances");
}

pub fn check(saga: &Saga, out: &mut Vec<Diagnostic>) {
    if !saga.resources.any() {
        return;
    }
    let shared = &saga.resources.isolation.shared.value;
    for step in &saga.steps {
        let Some(key) = &step.idempotency_key else {
            continue;
        };
        if !shared.contains(&key.value) {
            continue;
        }
        let own = saga
            .trigger
            .data
            .iter()
            .find(|f| !shared.contains(&f.value))
            .map(|f| f.value.as_str());
        let help = match own {
            Some(own) => format!(
                "key the command by a field that differs between instances, such as `{own}` (the saga's own id)"
            ),
            None => "key the command by a field that differs between instances (the saga's own id, in the trigger's `data`)".to_owned(),
        };
        out.push(
            Diagnostic::new(
                &RULE,
                key.span,
                format!(
                    "`{}` is shared between instances, so two sagas' `{}` would be deduplicated into one",
                    key.value, step.action.value
                ),
            )
            .label("the same value in every instance")
            .help(help),
        );
    }
}
