use super::kind_span;
use crate::diagnostic::Diagnostic;
use crate::model::{Saga, StepKind};

declare_rule! {
    /// ## What it checks
    /// A `kind: retriable` step that declares business `failures`.
    ///
    /// ## Why it matters
    /// A retriable step is retried until it succeeds: that is what makes it safe to run
    /// after the point of no return, where nothing can be undone any more. It cannot fail
    /// for a business reason, so sagac (like the generated code) treats each failure it
    /// declares as a transient one and retries it. The spec says "the address can be
    /// invalid", but no run of the saga ever acts on it: nobody compensates, nobody is told,
    /// the step is simply tried again, forever or until its retries run out.
    ///
    /// ## Example
    /// ```yaml
    /// - id: charge_payment
    ///   action: ChargeCard
    ///   kind: pivot
    /// - id: ship_order
    ///   action: ShipOrder
    ///   kind: retriable
    ///   failures: [AddressInvalid]
    /// ```
    ///
    /// ## Fix
    /// If the step can say no, it is a decision the saga must be able to act on: check it
    /// before the pivot, as a compensatable (or read-only) step, or make it the pivot.
    /// ```yaml
    /// - id: verify_address
    ///   action: VerifyShippingAddress
    ///   kind: read_only
    ///   failures: [AddressInvalid]
    /// - id: charge_payment
    ///   action: ChargeCard
    ///   kind: pivot
    /// - id: ship_order
    ///   action: ShipOrder
    ///   kind: retriable
    /// ```
    ///
    /// If it cannot say no (only a transient error can stop it), remove its `failures`.
    pub static RULE = ("C219", "retriable-declares-failures", Warning, "A retriable step that declares business failures");
}

pub fn check(saga: &Saga, out: &mut Vec<Diagnostic>) {
    for step in &saga.steps {
        if step.kind != StepKind::Retriable {
            continue;
        }
        let Some(first) = step.failures.first() else {
            continue;
        };
        let id = &step.id.value;
        let names = step
            .failures
            .iter()
            .map(|f| format!("`{}`", f.value))
            .collect::<Vec<_>>()
            .join(", ");
        let failures = if step.failures.len() == 1 {
            "failure"
        } else {
            "failures"
        };
        out.push(
            Diagnostic::new(
                &RULE,
                first.span,
                format!("retriable step `{id}` declares the business {failures} {names}"),
            )
            .label("retried like a transient error: the saga never acts on it")
            .related(
                kind_span(step),
                "retriable: retried until it succeeds, never compensated",
            )
            .help(format!(
                "a retriable step cannot fail for a business reason, so {names} would only \
                 make `{id}` try again: if `{id}` can say no, make it a compensatable (or \
                 read-only) step before the pivot, or the pivot itself, so that the saga \
                 can compensate when it does; if it cannot, remove its `failures`"
            )),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::compensation::testing::{choreography, orchestration};

    #[test]
    fn a_retriable_step_with_failures() {
        let steps = "- { id: one, participant: a, action: One, kind: pivot, idempotency_key: k }\n\
                     - { id: two, participant: a, action: Two, kind: retriable, failures: [No], idempotency_key: k }\n\
                     - { id: three, participant: a, action: Three, kind: retriable, idempotency_key: k }\n";
        assert_eq!(orchestration(steps), [("C219", 2)]);
    }

    #[test]
    fn other_kinds_may_declare_failures() {
        let steps = "- { id: one, participant: a, action: One, compensation: Undo, failures: [No], idempotency_key: k }\n\
                     - { id: two, participant: a, action: Two, kind: pivot, failures: [No], idempotency_key: k }\n\
                     - { id: three, participant: a, action: Three, kind: retriable, failures: [], idempotency_key: k }\n";
        assert_eq!(orchestration(steps), []);
    }

    #[test]
    fn in_a_choreography_too() {
        let steps = "- { id: one, participant: a, action: One, kind: retriable, failures: [No], consumes: s.started, idempotency_key: k }\n";
        assert_eq!(choreography(steps), [("C219", 1)]);
    }
}
