use super::kind_span;
use crate::diagnostic::Diagnostic;
use crate::model::{Saga, StepKind};

declare_rule! {
    /// ## What it checks
    /// More than one step declared `kind: pivot`. Every pivot after the first is reported.
    ///
    /// ## Why it matters
    /// The pivot is the saga's single point of no return: before it every effect can be
    /// undone, after it every step is retried until the saga completes. A second pivot would
    /// be a go/no-go decision taken after the saga already committed to go: if it says no,
    /// the first pivot (the charged card) cannot be undone.
    ///
    /// ## Example
    /// ```yaml
    /// - id: charge_payment
    ///   action: ChargeCard
    ///   kind: pivot
    /// - id: send_confirmation
    ///   action: SendConfirmationEmail
    ///   kind: pivot
    /// ```
    ///
    /// ## Fix
    /// Keep one pivot. Steps after it are retried until they succeed; steps before it are
    /// compensatable:
    /// ```yaml
    /// - id: charge_payment
    ///   action: ChargeCard
    ///   kind: pivot
    /// - id: send_confirmation
    ///   action: SendConfirmationEmail
    ///   kind: retriable
    /// ```
    pub static RULE = ("C204", "multiple-pivots", Error, "More than one `kind: pivot`");
}

pub fn check(saga: &Saga, out: &mut Vec<Diagnostic>) {
    // `pivot()` is the first in declaration order, so every other pivot comes after it.
    let Some(first_id) = saga.pivot() else {
        return;
    };
    let first = saga.step(first_id);
    for step_id in saga.step_ids().filter(|&i| i != first_id) {
        let step = saga.step(step_id);
        if step.kind != StepKind::Pivot {
            continue;
        }
        let id = &step.id.value;
        let pivot = &first.id.value;
        out.push(
            Diagnostic::new(
                &RULE,
                kind_span(step),
                format!("step `{id}` is a second pivot; `{pivot}` is already the pivot"),
            )
            .label("second pivot")
            .related(
                kind_span(first),
                "the first pivot: the saga's point of no return",
            )
            .help(format!(
                "a saga has one point of no return: if `{id}` runs after `{pivot}` and is \
                 retried until it succeeds, make it `kind: retriable`; if it comes before and \
                 its effect can be undone, make it `kind: compensatable` with a `compensation`"
            )),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::compensation::testing::orchestration;

    #[test]
    fn every_pivot_after_the_first() {
        let steps = "- { id: one, participant: a, action: One, kind: pivot, idempotency_key: k }\n\
                     - { id: two, participant: a, action: Two, kind: pivot, idempotency_key: k }\n\
                     - { id: three, participant: a, action: Three, kind: pivot, idempotency_key: k }\n";
        assert_eq!(orchestration(steps), [("C204", 2), ("C204", 3)]);
    }
}
