use super::kind_span;
use crate::diagnostic::Diagnostic;
use crate::model::{Saga, StepKind};

declare_rule! {
    /// ## What it checks
    /// A `kind: retriable` step that runs before the declared pivot. (Without a declared
    /// pivot the first retriable step is the point of no return, so none comes before it.)
    /// Branches of one `parallel` group are not "before" each other.
    ///
    /// ## Why it matters
    /// A retriable step is never compensated: it is retried until it succeeds. Before the
    /// pivot the saga may still fail (the card is declined) and must then undo everything it
    /// did, but the retriable step's effect stays: the customer got "your order is on its way"
    /// for an order that was just rejected.
    ///
    /// ## Example
    /// ```yaml
    /// - id: send_order_received
    ///   action: SendOrderReceivedEmail
    ///   kind: retriable
    /// - id: charge_payment
    ///   action: ChargeCard
    ///   kind: pivot
    /// ```
    ///
    /// ## Fix
    /// Run it after the pivot:
    /// ```yaml
    /// - id: charge_payment
    ///   action: ChargeCard
    ///   kind: pivot
    /// - id: send_order_received
    ///   action: SendOrderReceivedEmail
    ///   kind: retriable
    /// ```
    ///
    /// If it must run first, it is a compensatable step whose compensation undoes it (for an
    /// email: a follow-up "your order was cancelled").
    pub static RULE = ("C207", "retriable-before-pivot", Error, "A retriable step before the declared pivot");
}

pub fn check(saga: &Saga, out: &mut Vec<Diagnostic>) {
    let Some(pivot) = saga.pivot().map(|id| saga.step(id)) else {
        return;
    };
    for step in &saga.steps {
        if step.kind != StepKind::Retriable || step.stage >= pivot.stage {
            continue;
        }
        let id = &step.id.value;
        let p = &pivot.id.value;
        out.push(
            Diagnostic::new(
                &RULE,
                kind_span(step),
                format!("retriable step `{id}` runs before the pivot `{p}`"),
            )
            .label("never compensated, but the saga may still fail")
            .related(
                kind_span(pivot),
                "the pivot: until it succeeds, the saga may compensate",
            )
            .help(format!(
                "if `{p}` fails, the saga undoes what it did, but a retriable step is never \
                 undone: move `{id}` after `{p}`; or, if it must run first, make it \
                 `kind: compensatable` with a `compensation` that undoes `{}`",
                step.action.value
            )),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::compensation::testing::orchestration;

    #[test]
    fn before_the_pivot_but_not_beside_it() {
        let steps = "- { id: one, participant: a, action: One, kind: retriable, idempotency_key: k }\n\
                     - parallel:\n\
                     \x20   - { id: two, participant: a, action: Two, kind: retriable, idempotency_key: k }\n\
                     \x20   - { id: three, participant: a, action: Three, kind: pivot, idempotency_key: k }\n";
        assert_eq!(orchestration(steps), [("C207", 1), ("C206", 4)]);
    }

    #[test]
    fn without_a_pivot_the_first_retriable_step_is_the_point_of_no_return() {
        let steps = "- { id: one, participant: a, action: One, compensation: Undo, idempotency_key: k }\n\
                     - { id: two, participant: a, action: Two, kind: retriable, idempotency_key: k }\n\
                     - { id: three, participant: a, action: Three, kind: retriable, idempotency_key: k }\n";
        assert_eq!(orchestration(steps), []);
    }
}
