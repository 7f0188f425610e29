use crate::diagnostic::Diagnostic;
use crate::model::{Owner, Saga, StepId};
use crate::source::Span;

use super::{compensation_name, run_by_simulator};

declare_rule! {
    /// ## What it checks
    /// With a spec beside it, a failure path drawn in a sequence diagram (the `else` of an
    /// `alt`, or a diagram of its own, in which a step fails) shows only compensations the
    /// simulator runs when that step fails. A step fails where the diagram names its failure
    /// event (`payment.failed`) or one of its declared failures (`CardDeclined`), or says it
    /// failed (`ChargeCard failed`, `declined` from its service); the path is the rest of
    /// that branch, or of that diagram. A failure followed by the same step again is a retry,
    /// and a path where a compensation fails too is another scenario: neither is compared.
    /// Needs a spec that resolves (sagas of up to 64 steps, as the simulation `check` runs).
    ///
    /// ## Why it matters
    /// A compensation runs only for what was done before the failure and can be undone. A
    /// pivot's own failure undoes nothing of the pivot; a step after the pivot is retried,
    /// never compensated. Drawing a refund the saga never makes teaches the wrong saga.
    ///
    /// ## Example
    /// ```yaml
    /// - { id: charge_payment, participant: payment, action: ChargeCard, kind: pivot }
    /// ```
    /// ````markdown
    /// ```mermaid
    /// sequenceDiagram
    ///     P-->>O: CardDeclined
    ///     O->>P: RefundPayment
    ///     O->>I: ReleaseInventory
    /// ```
    /// ````
    ///
    /// ## Fix
    /// Draw what the simulator runs (`sagac diagram saga.yaml --path fail:charge_payment`):
    /// ````markdown
    /// ```mermaid
    /// sequenceDiagram
    ///     P-->>O: CardDeclined
    ///     O->>I: ReleaseInventory
    /// ```
    /// ````
    pub static RULE = ("M913", "compensation-not-run", Warning, "A failure path draws a compensation the simulator does not run for that failure");
}

pub fn not_run(
    span: Span,
    drawn: Owner,
    failed: StepId,
    expected: &[Owner],
    run: &str,
    saga: &Saga,
) -> Diagnostic {
    let step = &saga.step(failed).id.value;
    // The most common case: the step that failed is drawn undoing itself.
    let why = match drawn == Owner::Step(failed) {
        true => format!("`{step}` failed, so it applied nothing to undo: "),
        false => String::new(),
    };
    Diagnostic::new(
        &RULE,
        span,
        format!(
            "`{}` does not run when `{step}` fails: {}",
            compensation_name(saga, drawn),
            run_by_simulator(saga, failed, expected)
        ),
    )
    .label("not run for this failure")
    .help(format!(
        "{why}remove it from this path, or change the spec if the diagram is the saga you mean; {run}"
    ))
}
