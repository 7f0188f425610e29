use crate::diagnostic::Diagnostic;
use crate::source::Span;

declare_rule! {
    /// ## What it checks
    /// In an imported saga, a failure path runs only the compensations of steps that have
    /// run: never the compensation of a step that comes later.
    ///
    /// ## Why it matters
    /// Undoing a step that never happened refunds a payment never taken or cancels a
    /// reservation that does not exist (the invariant `no_phantom_compensation`). It usually
    /// means a `Catch` was copied from another state and points at the wrong place in the
    /// chain.
    ///
    /// ## Example
    /// ```yaml
    /// ReserveFlight: { Type: Task, Resource: "…", Next: ChargeCard,
    ///                  Catch: [{ ErrorEquals: [States.ALL], Next: RefundPayment }] }
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// ReserveFlight: { Type: Task, Resource: "…", Next: ChargeCard,
    ///                  Catch: [{ ErrorEquals: [States.ALL], Next: BookingFailed }] }
    /// ```
    pub static RULE = ("I006", "phantom-compensation", Error, "An imported failure path undoes a step that has not run");
}

pub fn phantom(span: Span, step: &str, compensation: &str, compensated: &str) -> Diagnostic {
    Diagnostic::new(
        &RULE,
        span,
        format!("when `{step}` fails, `{compensation}` undoes `{compensated}`, which has not run yet"),
    )
    .label("this failure path starts too far down the chain")
    .help(format!("route the failure of `{step}` to the compensations of the steps before it, not to `{compensation}`"))
}
