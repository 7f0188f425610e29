use crate::diagnostic::Diagnostic;
use crate::source::Span;

declare_rule! {
    /// ## What it checks
    /// In an imported saga, a state after the point of no return (the inferred pivot: the
    /// first step nothing undoes, with nothing undone after it) whose `Catch` leads to a
    /// compensating task.
    ///
    /// ## Why it matters
    /// Once the pivot has succeeded, the saga must complete: its effect cannot be undone,
    /// so undoing the steps before it leaves a half-done saga (a flight confirmed, the
    /// payment refunded). The machine does exactly that when the later state fails. The
    /// spec translates that state as a retriable step, whose errors are transient and
    /// retried until it succeeds, which is what a saga does after its pivot; the
    /// simulation of the spec therefore never runs that Catch, and this finding says what
    /// the machine does instead.
    ///
    /// ## Example
    /// ```yaml
    /// ConfirmFlight: { Type: Task, Resource: "…", Next: ConfirmCar,
    ///                  Catch: [{ ErrorEquals: [States.ALL], Next: RefundPayment }] }
    /// ConfirmCar:    { Type: Task, Resource: "…", Next: Done,
    ///                  Catch: [{ ErrorEquals: [States.ALL], Next: RefundPayment }] }
    /// ```
    ///
    /// ## Fix
    /// Decide which state is the point of no return. Either everything after it cannot
    /// fail for good (retry it without limit and drop its Catch to the undos), or it can,
    /// and the states before it need an undo too (here `CancelFlightConfirmation`, reached
    /// before `RefundPayment`), which makes the later state the pivot.
    /// ```yaml
    /// ConfirmCar: { Type: Task, Resource: "…", Next: Done,
    ///               Retry: [{ ErrorEquals: [States.ALL], MaxAttempts: 99, BackoffRate: 2 }] }
    /// ```
    pub static RULE = ("I009", "compensation-after-pivot", Warning, "An imported failure path compensates after the point of no return");
}

pub fn after_pivot(span: Span, step: &str, pivot: &str, compensation: &str) -> Diagnostic {
    Diagnostic::new(
        &RULE,
        span,
        format!(
            "when `{step}` fails after `{pivot}` succeeded, its Catch runs `{compensation}`: the machine compensates after the point of no return"
        ),
    )
    .label("this Catch undoes earlier steps after the pivot")
    .help(format!(
        "nothing undoes `{pivot}`, so the spec makes `{step}` retriable: its errors are retried, never compensated; either retry `{step}` without limit and drop this Catch, or give `{pivot}` an undo on this failure path so that `{step}` becomes the pivot"
    ))
}
