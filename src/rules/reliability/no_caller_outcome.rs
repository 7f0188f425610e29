use crate::diagnostic::Diagnostic;
use crate::model::Saga;

declare_rule! {
    /// ## What it checks
    /// A spec in language version 2 without `outcome`: what the caller who started the
    /// saga is told when it ends.
    ///
    /// ## Why it matters
    /// Someone is waiting for the saga: a customer on a checkout page, a service that
    /// sent the request, a Temporal client reading the workflow's result. Without an
    /// outcome the spec does not say whether they are answered, how (a reply, an event, a
    /// status to poll) or with what, and nobody can check that every run answers exactly
    /// once (the invariant `exactly_one_outcome`, V708, is left out). Corpus flow 02 #4
    /// left its caller polling a record nothing ever updated after a failure.
    ///
    /// ## Example
    /// ```yaml
    /// version: 2
    /// saga: place_order
    /// # no outcome
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// outcome:
    ///   delivery: reply            # reply | event | status
    ///   values: { completed: Placed, compensated: Rejected }
    /// ```
    pub static RULE = ("W604", "no-caller-outcome", Warning, "A version 2 spec without `outcome`");
}

pub fn check(saga: &Saga, out: &mut Vec<Diagnostic>) {
    if !saga.is_v2() || saga.outcome.is_some() {
        return;
    }
    out.push(
        Diagnostic::new(
            &RULE,
            saga.version_span,
            "the spec does not say what the caller is told when the saga ends",
        )
        .label("no `outcome`")
        .help(
            "add `outcome: { delivery: reply, values: { completed: <Value>, compensated: \
             <Value> } }` (delivery `reply`, `event` or `status`), so that every end answers \
             the caller exactly once",
        ),
    );
}
