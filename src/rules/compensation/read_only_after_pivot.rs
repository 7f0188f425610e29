use super::{PointOfNoReturn, kind_span};
use crate::diagnostic::Diagnostic;
use crate::model::{Saga, StepKind};

declare_rule! {
    /// ## What it checks
    /// A `read_only` step that runs after the pivot (or, when no pivot is declared, after the
    /// first `retriable` step). Branches of one `parallel` group are not "after" each other.
    ///
    /// ## Why it matters
    /// A check exists so that the saga can say no: when the address is invalid or the
    /// customer is blocked, the saga compensates what it did and stops. After the pivot the
    /// saga must complete and compensates nothing, so a failed check there can no longer be
    /// acted on: the card is charged for an order that the check just rejected.
    ///
    /// ## Example
    /// ```yaml
    /// - id: charge_payment
    ///   action: ChargeCard
    ///   kind: pivot
    /// - id: verify_address
    ///   action: VerifyShippingAddress
    ///   kind: read_only
    ///   failures: [AddressInvalid]
    /// ```
    ///
    /// ## Fix
    /// Check first, then take the decision:
    /// ```yaml
    /// - id: verify_address
    ///   action: VerifyShippingAddress
    ///   kind: read_only
    ///   failures: [AddressInvalid]
    /// - id: charge_payment
    ///   action: ChargeCard
    ///   kind: pivot
    /// ```
    pub static RULE = ("C203", "read-only-after-pivot", Error, "A read_only step after the pivot");
}

pub fn check(saga: &Saga, out: &mut Vec<Diagnostic>) {
    let Some(no_return) = PointOfNoReturn::of(saga) else {
        return;
    };
    for step in &saga.steps {
        if step.kind != StepKind::ReadOnly || !no_return.is_before(step) {
            continue;
        }
        let id = &step.id.value;
        let pivot = &no_return.step.id.value;
        out.push(
            Diagnostic::new(
                &RULE,
                kind_span(step),
                format!("read-only step `{id}` runs after {}", no_return.name()),
            )
            .label("a check after the point of no return")
            .related(no_return.span(), no_return.label())
            .help(format!(
                "a check lets the saga say no, but after `{pivot}` has succeeded the saga \
                 must complete and can no longer undo anything when `{id}` fails: move \
                 `{id}` before `{pivot}`"
            )),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::compensation::testing::orchestration;

    #[test]
    fn a_check_after_the_pivot() {
        let steps = "- { id: one, participant: a, action: One, kind: read_only }\n\
                     - { id: two, participant: a, action: Two, kind: pivot, idempotency_key: k }\n\
                     - { id: three, participant: a, action: Three, kind: read_only }\n";
        assert_eq!(orchestration(steps), [("C203", 3)]);
    }

    #[test]
    fn a_check_after_the_first_retriable_step_without_a_pivot() {
        let steps = "- { id: one, participant: a, action: One, kind: retriable, idempotency_key: k }\n\
                     - { id: two, participant: a, action: Two, kind: read_only }\n";
        assert_eq!(orchestration(steps), [("C203", 2)]);
    }

    #[test]
    fn a_check_beside_the_first_retriable_step_is_not_after_it() {
        let steps = "- parallel:\n\
                     \x20   - { id: one, participant: a, action: One, kind: retriable, idempotency_key: k }\n\
                     \x20   - { id: two, participant: a, action: Two, kind: read_only }\n";
        assert_eq!(orchestration(steps), []);
    }
}
