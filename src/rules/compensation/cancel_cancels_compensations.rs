use crate::diagnostic::Diagnostic;
use crate::model::{CancelCompensations, Saga};

declare_rule! {
    /// ## What it checks
    /// Language version 2: `cancellation.compensations: cancelled`, a cancel that also
    /// cancels the compensations.
    ///
    /// ## Why it matters
    /// Cancelling a saga means undoing what it did. If the cancel also cancels the
    /// compensations (a Temporal workflow whose compensations do not run in a detached,
    /// non-cancellable scope), none of them runs: the car, the hotel and the flight stay
    /// booked for a trip the traveller cancelled (corpus 09 #2, 10 #2, 11 #3).
    /// `sagac simulate` shows `cancel:` runs breaking `atomicity`.
    ///
    /// ## Example
    /// ```yaml
    /// cancellation: { until: pivot, compensations: cancelled }
    /// ```
    ///
    /// ## Fix
    /// Run the compensations in a detached scope, which a cancel never stops:
    /// ```yaml
    /// cancellation: { until: pivot, compensations: detached }
    /// ```
    pub static RULE = ("C215", "cancel-cancels-compensations", Warning, "`cancellation.compensations: cancelled`: a cancel stops the compensations too");
}

pub fn check(saga: &Saga, out: &mut Vec<Diagnostic>) {
    let Some(cancellation) = &saga.cancellation else {
        return;
    };
    if cancellation.compensations.value != CancelCompensations::Cancelled {
        return;
    }
    out.push(
        Diagnostic::new(
            &RULE,
            cancellation
                .compensations
                .span()
                .unwrap_or(cancellation.span),
            "a cancel also cancels the compensations, so a cancelled saga undoes nothing",
        )
        .label("compensations cancelled with the saga")
        .help(
            "write `compensations: detached` (the default): the compensations then run in a \
             scope a cancel never stops, like a Temporal detached or non-cancellable scope",
        ),
    );
}
