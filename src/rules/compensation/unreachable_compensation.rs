use super::kind_span;
use crate::diagnostic::Diagnostic;
use crate::model::{Saga, StepKind};

declare_rule! {
    /// ## What it checks
    /// A `compensation` on a step whose kind is `pivot`, `retriable` or `read_only`.
    ///
    /// ## Why it matters
    /// The saga compensates only the compensatable steps before the pivot, so on these kinds
    /// the compensation can never run:
    ///
    /// - a `pivot` that fails applied nothing, so there is nothing to undo; once it
    ///   succeeds, the saga must complete and compensates nothing;
    /// - a `retriable` step runs after the point of no return and is retried until it
    ///   succeeds; it is never undone;
    /// - a `read_only` step changes nothing, so there is nothing to undo.
    ///
    /// A compensation that never runs usually means the kind is wrong: a reader (and the
    /// person who wrote it) believes the effect can be undone when the saga will not do it.
    ///
    /// ## Example
    /// ```yaml
    /// - id: charge_payment
    ///   action: ChargeCard
    ///   kind: pivot
    ///   compensation: RefundCard
    /// ```
    ///
    /// ## Fix
    /// Remove the compensation:
    /// ```yaml
    /// - id: charge_payment
    ///   action: ChargeCard
    ///   kind: pivot
    /// ```
    ///
    /// If the effect really can be undone (a refund), the step is `kind: compensatable` and a
    /// later step is the go/no-go decision.
    pub static RULE = ("C205", "unreachable-compensation", Error, "A `compensation` on a pivot, retriable or read_only step (it never runs)");
}

pub fn check(saga: &Saga, out: &mut Vec<Diagnostic>) {
    for step in &saga.steps {
        let Some(compensation) = &step.compensation else {
            continue;
        };
        let id = &step.id.value;
        let undo = &compensation.action.value;
        let action = &step.action.value;
        let (kind, help) = match step.kind {
            StepKind::Compensatable => continue,
            StepKind::Pivot => (
                "the pivot",
                format!(
                    "a pivot that fails applied nothing, and once it succeeds the saga must \
                     complete, so nothing ever undoes it: remove `compensation: {undo}`; if \
                     `{action}` can really be undone, `{id}` is `kind: compensatable` and a \
                     later step is the pivot"
                ),
            ),
            StepKind::Retriable => (
                "the retriable step",
                format!(
                    "a retriable step is retried until it succeeds and is never undone: remove \
                     `compensation: {undo}`; if `{id}` must be undone when the saga fails, it \
                     is `kind: compensatable` and belongs before the pivot"
                ),
            ),
            StepKind::ReadOnly => (
                "the read-only step",
                format!(
                    "a read-only step changes nothing, so there is nothing to undo: remove \
                     `compensation: {undo}`; if `{action}` does change something, `{id}` is \
                     `kind: compensatable`"
                ),
            ),
        };
        out.push(
            Diagnostic::new(
                &RULE,
                compensation.action.span,
                format!("compensation `{undo}` of {kind} `{id}` can never run"),
            )
            .label("never runs")
            .related(
                kind_span(step),
                format!("`kind: {}`: never compensated", step.kind.as_str()),
            )
            .help(help),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::compensation::testing::orchestration;

    #[test]
    fn on_every_kind_but_compensatable() {
        let steps = "- { id: one, participant: a, action: One, kind: read_only, compensation: Undo }\n\
                     - { id: two, participant: a, action: Two, kind: compensatable, compensation: Undo, idempotency_key: k }\n\
                     - { id: three, participant: a, action: Three, kind: pivot, compensation: Undo, idempotency_key: k }\n\
                     - { id: four, participant: a, action: Four, kind: retriable, compensation: Undo, idempotency_key: k }\n";
        assert_eq!(
            orchestration(steps),
            [("C205", 1), ("C205", 3), ("C205", 4)]
        );
    }
}
