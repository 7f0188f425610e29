use super::PointOfNoReturn;
use crate::diagnostic::Diagnostic;
use crate::model::{FailureThen, Saga};

declare_rule! {
    /// ## What it checks
    /// Language version 2: a failure with `then: terminate` on a step after the point of no
    /// return (the pivot, or without one the first retriable step). The pivot's own failure
    /// may terminate.
    ///
    /// ## Why it matters
    /// Once the pivot has succeeded the saga promised to complete: the card is charged, so
    /// the order must ship. Terminating after it stops the saga with the charge kept and
    /// nothing delivered, and no compensation will ever give the money back.
    ///
    /// ## Example
    /// ```yaml
    ///   - { id: charge_payment, kind: pivot, ... }
    ///   - id: ship_order
    ///     kind: retriable
    ///     failures: [{ name: Exhausted, then: terminate }]
    /// ```
    ///
    /// ## Fix
    /// After the pivot, retry until it succeeds (a retriable step's default), or move the
    /// decision that may end the saga before the pivot:
    /// ```yaml
    ///   - id: ship_order
    ///     kind: retriable
    ///     retry: { max_attempts: unlimited }
    /// ```
    pub static RULE = ("C210", "terminate-after-pivot", Error, "`then: terminate` on a step after the point of no return");
}

pub fn check(saga: &Saga, out: &mut Vec<Diagnostic>) {
    let Some(point) = PointOfNoReturn::of(saga) else {
        return;
    };
    for step in saga.steps.iter().filter(|s| point.is_before(s)) {
        for failure in &step.failure_handling {
            if failure.then.value != FailureThen::Terminate {
                continue;
            }
            let span = failure.then.span().unwrap_or(failure.span);
            out.push(
                Diagnostic::new(
                    &RULE,
                    span,
                    format!(
                        "`{}` of `{}` terminates the saga after {} succeeded",
                        failure.name.value,
                        step.id.value,
                        point.name()
                    ),
                )
                .label("ends the saga without completing it")
                .related(point.span(), point.label())
                .help(format!(
                    "after the point of no return the saga must complete: retry `{}` until it \
                     succeeds, or check what makes it fail before {}",
                    step.action.value,
                    point.name()
                )),
            );
        }
    }
}
