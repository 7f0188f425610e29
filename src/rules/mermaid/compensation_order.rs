use crate::diagnostic::Diagnostic;
use crate::model::{Owner, Saga, StepId};
use crate::source::Span;

use super::names_in_order;

declare_rule! {
    /// ## What it checks
    /// With an orchestration spec beside it, the compensations of a failure path drawn in
    /// a sequence diagram are in the order the orchestrator runs them: the reverse of the
    /// order in which their steps ran, the trigger's last (the compensations of one
    /// parallel group in any order among themselves). A choreography's compensations react
    /// to events and may run in any order, so only M913 and M914 apply to it.
    ///
    /// ## Why it matters
    /// Compensating in reverse order undoes the most recent effect first, so every
    /// compensation finds the state its step left. Releasing stock before cancelling the
    /// shipment that was booked after reserving it ships an order that has no stock.
    ///
    /// ## Example
    /// ````markdown
    /// ```mermaid
    /// sequenceDiagram
    ///     S-->>O: NoCourier
    ///     O->>O: RejectOrder
    ///     O->>I: ReleaseInventory
    /// ```
    /// ````
    ///
    /// ## Fix
    /// ````markdown
    /// ```mermaid
    /// sequenceDiagram
    ///     S-->>O: NoCourier
    ///     O->>I: ReleaseInventory
    ///     O->>O: RejectOrder
    /// ```
    /// ````
    pub static RULE = ("M915", "compensation-order", Warning, "A failure path draws the compensations in another order than the orchestrator runs them");
}

pub fn order(
    span: Span,
    drawn: &[Owner],
    failed: StepId,
    expected: &[Owner],
    run: &str,
    saga: &Saga,
) -> Diagnostic {
    let step = &saga.step(failed).id.value;
    Diagnostic::new(
        &RULE,
        span,
        format!(
            "when `{step}` fails the orchestrator runs {}, but this path draws {}",
            names_in_order(saga, expected),
            names_in_order(saga, drawn)
        ),
    )
    .label("drawn too early")
    .help(format!(
        "draw the compensations in reverse order of their steps, the trigger's last; {run}"
    ))
}
