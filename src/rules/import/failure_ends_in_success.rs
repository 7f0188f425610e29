use crate::diagnostic::Diagnostic;
use crate::source::Span;

declare_rule! {
    /// ## What it checks
    /// In an imported saga, a failure path (after a `Catch`, an error boundary event,
    /// `onErrors`) ends in a failure: a `Fail` state, an error end event, an end that
    /// reports the failure.
    ///
    /// ## Why it matters
    /// A failure path that ends in a success state (`Succeed`, a state with `End: true`, a
    /// plain end event) tells the caller the saga succeeded after it was compensated: the
    /// order is confirmed to a customer whose booking was cancelled. Version 2 of the spec
    /// language says it with `outcome`; version 1 has no way to, so the importer reports it.
    ///
    /// ## Example
    /// ```yaml
    /// CancelFlight: { Type: Task, Resource: "…", Next: Done }
    /// Done: { Type: Succeed }
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// CancelFlight: { Type: Task, Resource: "…", Next: BookingFailed }
    /// BookingFailed: { Type: Fail, Error: BookingFailed }
    /// ```
    pub static RULE = ("I005", "failure-ends-in-success", Error, "An imported failure path ends in a success state");
}

pub fn ends(span: Span, step: &str, end: &str) -> Diagnostic {
    Diagnostic::new(
        &RULE,
        span,
        format!("when `{step}` fails, the failure path ends in `{end}`, a success: the caller is told the saga succeeded"),
    )
    .label("this failure path ends in success")
    .help("end the failure path in a failure (a `Fail` state, an error end event), so the caller learns the saga was compensated")
}
