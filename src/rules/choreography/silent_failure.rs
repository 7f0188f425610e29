use crate::diagnostic::Diagnostic;
use crate::model::{Coordination, Saga, StepKind};

declare_rule! {
    /// ## What it checks
    /// In a choreography, a step that can fail (kind `compensatable`, `pivot` or
    /// `read_only`) without a failure event: its `emits` has no `failure`.
    ///
    /// ## Why it matters
    /// Only a `retriable` step is retried until it succeeds; every other step can fail for
    /// good (stock runs out, a card is declined, a check says no). With no coordinator, the
    /// failure event is the only way the other services hear of it: without one, nobody
    /// compensates the steps before it and the trigger's participant never learns the
    /// outcome. The saga silently never ends.
    ///
    /// ## Example
    /// ```yaml
    /// - id: reserve_inventory
    ///   participant: inventory
    ///   consumes: order.created
    ///   action: ReserveInventory
    ///   compensation: { action: ReleaseInventory, consumes: [payment.failed] }
    ///   emits: { success: inventory.reserved }
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// - id: reserve_inventory
    ///   participant: inventory
    ///   consumes: order.created
    ///   action: ReserveInventory
    ///   compensation: { action: ReleaseInventory, consumes: [payment.failed] }
    ///   emits: { success: inventory.reserved, failure: inventory.failed }
    /// # and the trigger's compensation consumes inventory.failed
    /// ```
    pub static RULE = ("G407", "silent-failure", Error, "A non-retriable choreography step without `emits.failure`");
}

pub fn check(saga: &Saga, out: &mut Vec<Diagnostic>) {
    if saga.coordination != Coordination::Choreography {
        return;
    }
    for step in &saga.steps {
        if step.kind == StepKind::Retriable || !step.failure_events().is_empty() {
            continue;
        }
        let suggestion = failure_name(
            step.emits_success.as_ref().map(|e| e.value.as_str()),
            &saga.participant(step.participant).name.value,
        );
        let (span, label) = match &step.emits_success {
            Some(success) => (success.span, "announces success only".to_owned()),
            None => (step.id.span, "announces nothing".to_owned()),
        };
        out.push(
            Diagnostic::new(
                &RULE,
                span,
                format!(
                    "step `{}` ({}) can fail, but publishes no failure event: nobody hears of it and the saga never ends",
                    step.id.value,
                    step.kind.as_str()
                ),
            )
            .label(label)
            .help(match &step.emits_success {
                Some(success) => format!(
                    "write `emits: {{ success: {}, failure: {suggestion} }}` and let the compensations of the steps before it, and the trigger's compensation, consume `{suggestion}`",
                    success.value
                ),
                None => format!(
                    "add `emits: {{ failure: {suggestion} }}` and let the compensations of the steps before it, and the trigger's compensation, consume `{suggestion}`"
                ),
            }),
        );
    }
}

/// `inventory.reserved` -> `inventory.failed`; without a success event, `<participant>.failed`.
fn failure_name(success: Option<&str>, participant: &str) -> String {
    let subject = success
        .and_then(|s| s.rsplit_once('.'))
        .map_or(participant, |(head, _)| head);
    format!("{subject}.failed")
}

#[cfg(test)]
mod tests {
    use super::super::testing::{found, messages, order_with, spanned};

    #[test]
    fn a_step_that_announces_only_success() {
        let body = order_with(
            "emits: { success: inventory.reserved, failure: inventory.failed }",
            "emits: { success: inventory.reserved }",
        )
        .replace("[inventory.failed, payment.failed]", "[payment.failed]");
        let d = found("G407", &body);
        assert_eq!(d.len(), 1);
        assert_eq!(spanned(&body, d[0].span), "inventory.reserved");
        assert!(
            d[0].help
                .as_deref()
                .unwrap_or("")
                .contains("failure: inventory.failed")
        );
    }

    #[test]
    fn a_read_only_check_can_fail_too() {
        let body = order_with(
            "reactions:",
            "  - { id: verify_customer, participant: payment, consumes: order.created, action: VerifyCustomer, kind: read_only }\nreactions:",
        );
        let d = found("G407", &body);
        assert_eq!(
            d.iter().map(|d| d.message.as_str()).collect::<Vec<_>>(),
            [
                "step `verify_customer` (read_only) can fail, but publishes no failure event: nobody hears of it and the saga never ends"
            ]
        );
        assert_eq!(spanned(&body, d[0].span), "verify_customer");
        assert!(
            d[0].help
                .as_deref()
                .unwrap_or("")
                .contains("payment.failed")
        );
    }

    #[test]
    fn retriable_steps_are_retried_until_they_succeed() {
        assert_eq!(messages("G407", super::super::testing::ORDER).len(), 0);
    }
}
