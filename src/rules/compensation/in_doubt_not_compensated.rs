use super::{can_be_in_doubt, written_at};
use crate::diagnostic::Diagnostic;
use crate::model::{RunsFor, Saga, StepKind};

declare_rule! {
    /// ## What it checks
    /// Language version 2: `runs_for: success` on the compensation of a step that can be
    /// in doubt: it has a `timeout`, or the deadline can abandon it while it is outstanding.
    ///
    /// ## Why it matters
    /// `runs_for: success` registers the compensation only after the step answered (a
    /// Temporal `defer` after the call). A step that timed out may have applied its effect
    /// all the same: the hotel is booked, its answer lost. The saga compensates the others
    /// and leaves the booking (corpus 10 #3, 11).
    ///
    /// ## Example
    /// ```yaml
    /// - id: book_hotel
    ///   timeout: 10s
    ///   compensation: { action: CancelHotel, runs_for: success }
    /// ```
    ///
    /// ## Fix
    /// Register the compensation before the call, and correlate it by a field known
    /// before the call:
    /// ```yaml
    ///   compensation: { action: CancelHotel, runs_for: possible_effect, reads: [hotel_request_id] }
    /// ```
    pub static RULE = ("C216", "in-doubt-not-compensated", Warning, "`runs_for: success` on a step that can be in doubt");
}

pub fn check(saga: &Saga, out: &mut Vec<Diagnostic>) {
    for step in &saga.steps {
        let Some(c) = &step.compensation else {
            continue;
        };
        if c.runs_for.value != RunsFor::Success
            || step.kind != StepKind::Compensatable
            || !can_be_in_doubt(saga, step)
        {
            continue;
        }
        let why = if step.timeout.is_some() {
            "times out"
        } else {
            "is abandoned by the deadline"
        };
        out.push(
            Diagnostic::new(
                &RULE,
                written_at(&c.runs_for, c.span),
                format!(
                    "`{}` does not run when `{}` {why}, though its effect may be applied",
                    c.action.value, step.id.value
                ),
            )
            .label("only after a success")
            .related(step.id.span, "can end in doubt")
            .help(format!(
                "write `runs_for: possible_effect` (or `any_attempt`) so that `{}` also runs \
                 in doubt, and let it read only fields known before the call",
                c.action.value
            )),
        );
    }
}
