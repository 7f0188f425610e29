use super::PointOfNoReturn;
use crate::diagnostic::Diagnostic;
use crate::model::{CancelUntil, Saga};

declare_rule! {
    /// ## What it checks
    /// Language version 2: `cancellation.until` names a step after the point of no return
    /// (the pivot, or without one the first retriable step).
    ///
    /// ## Why it matters
    /// A cancel is honoured until the named step's command is sent: the saga then stops
    /// and compensates. After the pivot has succeeded nothing before it may be undone (the
    /// card is charged, the order must ship), and the pivot itself has no compensation: a
    /// cancel honoured there leaves the charge and undoes the rest. `sagac simulate` shows
    /// it breaking `no_compensation_after_pivot` and `atomicity`.
    ///
    /// ## Example
    /// ```yaml
    /// cancellation: { until: ship_order }      # ship_order runs after the pivot
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// cancellation: { until: pivot }           # honoured until the pivot has succeeded
    /// ```
    pub static RULE = ("C214", "cancel-after-pivot", Error, "`cancellation.until` after the point of no return");
}

pub fn check(saga: &Saga, out: &mut Vec<Diagnostic>) {
    let Some(cancellation) = &saga.cancellation else {
        return;
    };
    let CancelUntil::Step(until) = cancellation.until.value else {
        return;
    };
    let Some(point) = PointOfNoReturn::of(saga) else {
        return;
    };
    let step = saga.step(until);
    if !point.is_before(step) {
        return;
    }
    out.push(
        Diagnostic::new(
            &RULE,
            cancellation.until.span().unwrap_or(cancellation.span),
            format!(
                "a cancel is honoured until `{}` is sent, after {} succeeded",
                step.id.value,
                point.name()
            ),
        )
        .label("after the point of no return")
        .related(point.span(), point.label())
        .help(format!(
            "write `until: pivot`, or name a step before {}: once it succeeded the saga must \
             complete, and a cancel can only be answered `too_late`",
            point.name()
        )),
    );
}
