use crate::diagnostic::Diagnostic;
use crate::model::{Owner, Saga, StepId};
use crate::source::Span;

use super::{compensation_name, names_in_order};

declare_rule! {
    /// ## What it checks
    /// With a spec beside it, a failure path drawn in a sequence diagram shows every
    /// compensation the simulator runs when that step fails, including the trigger's own
    /// (`RejectOrder`). A compensation counts when a message or a note on the path names it
    /// (`O->>I: ReleaseInventory`, `Note over O: CancelOrder`). How a failure and its path
    /// are found is told under M913.
    ///
    /// ## Why it matters
    /// The failure path is where a saga earns its keep: a compensation missing from the
    /// drawing is often missing from the design the drawing was made from (the order left
    /// `PENDING`, the reservation never released).
    ///
    /// ## Example
    /// ```yaml
    /// trigger: { participant: order, action: CreateOrder, compensation: RejectOrder }
    /// ```
    /// ````markdown
    /// ```mermaid
    /// sequenceDiagram
    ///     P-->>O: CardDeclined
    ///     O->>I: ReleaseInventory
    /// ```
    /// ````
    ///
    /// ## Fix
    /// ````markdown
    /// ```mermaid
    /// sequenceDiagram
    ///     P-->>O: CardDeclined
    ///     O->>I: ReleaseInventory
    ///     O->>O: RejectOrder
    /// ```
    /// ````
    pub static RULE = ("M914", "compensation-not-drawn", Warning, "A failure path leaves out a compensation the simulator runs for that failure");
}

pub fn not_drawn(
    span: Span,
    missing: Owner,
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
            "when `{step}` fails the simulator runs `{}`, which this failure path does not show",
            compensation_name(saga, missing)
        ),
    )
    .label("the failure")
    .help(format!(
        "after this failure, draw {}; {run}",
        names_in_order(saga, expected)
    ))
}
