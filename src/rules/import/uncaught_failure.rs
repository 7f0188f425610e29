use super::list_capped;
use crate::diagnostic::Diagnostic;
use crate::source::Span;

declare_rule! {
    /// ## What it checks
    /// In an imported saga, every step before the point of no return that follows a
    /// compensated step handles its own failure (a `Catch` in Step Functions, an error
    /// boundary event in BPMN, `onErrors` in Serverless Workflow) by running the
    /// compensations.
    ///
    /// ## Why it matters
    /// An uncaught error fails the execution on the spot: the steps that already succeeded
    /// keep their effects (a flight booked, a card charged) and nothing undoes them. A saga
    /// must end either completed or compensated.
    ///
    /// ## Example
    /// ```yaml
    /// ReserveFlight: { Type: Task, Resource: "…", Next: ChargeCard,
    ///                  Catch: [{ ErrorEquals: [States.ALL], Next: CancelFlight }] }
    /// ChargeCard: { Type: Task, Resource: "…", End: true }     # a failure here keeps the flight
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// ChargeCard: { Type: Task, Resource: "…", End: true,
    ///               Catch: [{ ErrorEquals: [States.ALL], Next: CancelFlight }] }
    /// ```
    pub static RULE = ("I004", "uncaught-failure", Error, "An imported step's failure is not caught, so the earlier steps are never compensated");
}

pub fn uncaught(span: Span, step: &str, left: &[String], more: usize) -> Diagnostic {
    Diagnostic::new(
        &RULE,
        span,
        format!(
            "when `{step}` fails nothing catches it: the execution fails and {} stay in place",
            list_capped(left, more)
        ),
    )
    .label("no failure handler")
    .help("catch every error of this step (`ErrorEquals: [States.ALL]`, an error boundary event, `onErrors`) and route it to the compensations of the earlier steps")
}
