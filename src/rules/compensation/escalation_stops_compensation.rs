use super::written_at;
use crate::diagnostic::Diagnostic;
use crate::model::{OnFailure, Owner, Saga, StepKind};

declare_rule! {
    /// ## What it checks
    /// Language version 2: `on_failure: escalate_and_stop` on a compensation that other
    /// compensations follow: an earlier step's, or the trigger's.
    ///
    /// ## Why it matters
    /// When such a compensation gives up, the saga tells the escalation at once and stops
    /// undoing: the compensations after it never run, although they could have. A hotel
    /// that could not be cancelled leaves the car booked and the order open as well, and
    /// the person on call has three effects to undo by hand instead of one (corpus 06 #1,
    /// Step Functions' `Catch` to a notification and `Fail`). That is right only when the
    /// later compensations must not run without this one (they depend on its effect being
    /// gone).
    ///
    /// ## Example
    /// ```yaml
    /// escalation: { participant: ops, action: OpenIncident }
    /// steps:
    ///   - { id: reserve_car, ..., compensation: CancelCar }
    ///   - id: book_hotel
    ///     compensation: { action: CancelHotel, on_failure: escalate_and_stop }
    /// ```
    ///
    /// ## Fix
    /// Let the later compensations run and tell the escalation what is left at the end:
    /// ```yaml
    ///     compensation: { action: CancelHotel, on_failure: escalate }
    /// ```
    pub static RULE = ("C208", "escalation-stops-compensation", Warning, "`escalate_and_stop` on a compensation that others follow: they could still run");
}

pub fn check(saga: &Saga, out: &mut Vec<Diagnostic>) {
    // Reported once per place the policy is written (`compensation_defaults` covers many).
    let mut reported = Vec::new();
    for (owner, c) in saga.compensations() {
        if c.on_failure.value != OnFailure::EscalateAndStop {
            continue;
        }
        let Owner::Step(id) = owner else { continue };
        let stage = saga.step(id).stage;
        // In the order they would run: the latest step first, the trigger's last.
        let mut followers: Vec<String> = saga
            .compensations()
            .filter(|(o, _)| match o {
                Owner::Trigger => true,
                Owner::Step(s) => {
                    let s = saga.step(*s);
                    s.kind == StepKind::Compensatable && s.stage < stage
                }
            })
            .map(|(_, f)| format!("`{}`", f.action.value))
            .collect();
        followers.reverse();
        let Some(first) = followers.first() else {
            continue;
        };
        let span = written_at(&c.on_failure, c.span);
        if reported.contains(&span) {
            continue;
        }
        reported.push(span);
        let undo = &c.action.value;
        out.push(
            Diagnostic::new(
                &RULE,
                span,
                format!(
                    "if `{undo}` gives up, the saga stops undoing: {} never run{}",
                    followers.join(", "),
                    if followers.len() == 1 { "s" } else { "" }
                ),
            )
            .label("escalate, then stop compensating")
            .help(format!(
                "write `on_failure: escalate` so that {first} and the others still run and the \
                 escalation is told what is left at the end; keep `escalate_and_stop` only if \
                 they must not run while `{undo}`'s effect is in place"
            )),
        );
    }
}
