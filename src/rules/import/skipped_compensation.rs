use crate::diagnostic::Diagnostic;
use crate::source::Span;

declare_rule! {
    /// ## What it checks
    /// In an imported saga, the failure path of each step runs the compensation of every
    /// earlier step that has one.
    ///
    /// ## Why it matters
    /// A chain that leaves one out keeps that step's effect in place when a later step
    /// fails: the hotel stays booked after the flight was cancelled (the invariant
    /// `atomicity`). The spec language always undoes every earlier step, so the importer
    /// reports where the source does not.
    ///
    /// ## Example
    /// ```yaml
    /// ChargeCard: { Type: Task, Resource: "…", End: true,
    ///               Catch: [{ ErrorEquals: [States.ALL], Next: CancelFlight }] }  # not CancelHotel
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// ChargeCard: { …, Catch: [{ ErrorEquals: [States.ALL], Next: CancelHotel }] }
    /// CancelHotel: { Type: Task, Resource: "…", Next: CancelFlight }
    /// ```
    pub static RULE = ("I007", "skipped-compensation", Error, "An imported failure path skips the compensation of an earlier step");
}

pub fn skipped(span: Span, step: &str, compensation: &str, skipped: &str) -> Diagnostic {
    Diagnostic::new(
        &RULE,
        span,
        format!("when `{step}` fails, `{compensation}` does not run: `{skipped}` stays done"),
    )
    .label("this failure path skips a compensation")
    .help(format!("make the failure path of `{step}` run `{compensation}` too, after the compensations of the later steps"))
}
