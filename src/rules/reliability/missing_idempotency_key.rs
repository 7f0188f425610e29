use crate::diagnostic::Diagnostic;
use crate::model::{Saga, StepKind};

declare_rule! {
    /// ## What it checks
    /// A step with an effect (every kind but `read_only`) has no `idempotency_key`.
    ///
    /// ## Why it matters
    /// Messages are delivered at least once: a retry after a timeout, a redelivery after a
    /// consumer crash, a duplicate from the broker. Without a key the participant cannot
    /// tell a duplicate from a new request and applies the effect twice: two reservations,
    /// two charges. The key also covers the step's compensation.
    ///
    /// ## Example
    /// ```yaml
    /// - id: charge_payment
    ///   participant: payment
    ///   action: ChargeCard
    ///   kind: pivot
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// - id: charge_payment
    ///   participant: payment
    ///   action: ChargeCard
    ///   kind: pivot
    ///   idempotency_key: order_id
    /// ```
    pub static RULE = ("W603", "missing-idempotency-key", Warning, "A step with an effect and no idempotency key");
}

pub fn check(saga: &Saga, out: &mut Vec<Diagnostic>) {
    let suggestion = saga.trigger.data.first().map(|d| d.value.as_str());
    for step in &saga.steps {
        if !step.has_effect() || step.idempotency_key.is_some() {
            continue;
        }
        // An in-doubt pivot or retriable step without a key is T303's error already.
        if step.timeout.is_some() && matches!(step.kind, StepKind::Pivot | StepKind::Retriable) {
            continue;
        }
        let help = match suggestion {
            Some(field) => format!(
                "add `idempotency_key: {field}` (or another field that identifies this saga run) so `{}` can drop duplicates",
                saga.participant(step.participant).name.value
            ),
            None => "add `idempotency_key: <field>` naming a field that identifies this saga run"
                .to_owned(),
        };
        out.push(
            Diagnostic::new(
                &RULE,
                step.id.span,
                format!(
                    "step `{}` has no idempotency key: a duplicate delivery applies it twice",
                    step.id.value
                ),
            )
            .label("no `idempotency_key`")
            .help(help),
        );
    }
}
