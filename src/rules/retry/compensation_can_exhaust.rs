use super::{Limit, UNLIMITED};
use crate::diagnostic::Diagnostic;
use crate::model::{Compensation, Saga, StepKind};

declare_rule! {
    /// ## What it checks
    /// A compensation, the trigger's included, whose `retry.max_attempts` is a number
    /// rather than `unlimited`. (Without `retry`, a compensation is retried without limit.)
    /// Compensations that can never run (reported by C205) are left out, and so (language
    /// version 2) are those with `on_failure: escalate` or `escalate_and_stop`, which tell
    /// the `escalation` what is left when they give up. `on_failure: continue` is still
    /// reported: the effect stays and nobody is told.
    ///
    /// ## Why it matters
    /// A compensation is the saga's way back. When it gives up, the effect it should undo
    /// stays while the other steps are undone: the order is rejected but the stock stays
    /// reserved. The saga is *stuck* half undone, and someone has to finish it by hand.
    /// A compensation should be idempotent (safe to run twice) and retried until it succeeds.
    ///
    /// ## Example
    /// ```yaml
    /// compensation:
    ///   action: ReleaseInventory
    ///   retry: { max_attempts: 3 }
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// compensation:
    ///   action: ReleaseInventory
    ///   retry: { max_attempts: unlimited, backoff: exponential, initial: 500ms, max: 1m }
    /// ```
    pub static RULE = ("T302", "compensation-can-exhaust", Warning, "A compensation whose `retry.max_attempts` is finite");
}

pub fn check(saga: &Saga, out: &mut Vec<Diagnostic>) {
    let trigger = saga
        .trigger
        .compensation
        .as_ref()
        .map(|c| (c, "the trigger".to_owned(), &saga.trigger.action.value));
    // Only compensatable steps are ever compensated; C205 reports the others.
    let steps = saga
        .steps
        .iter()
        .filter(|s| s.kind == StepKind::Compensatable)
        .filter_map(|s| {
            let c = s.compensation.as_ref()?;
            Some((c, format!("`{}`", s.id.value), &s.action.value))
        });
    for (compensation, owner, action) in trigger.into_iter().chain(steps) {
        // Version 2: a compensation that escalates when it gives up tells someone what is
        // left; one that continues (or is stuck) leaves it unnoticed.
        if compensation.retry.can_exhaust() && !compensation.on_failure.value.escalates() {
            out.push(report(compensation, &owner, action));
        }
    }
}

fn report(compensation: &Compensation, owner: &str, action: &str) -> Diagnostic {
    let undo = &compensation.action.value;
    let limit = Limit::of(&compensation.retry, undo, compensation.action.span);
    Diagnostic::new(
        &RULE,
        limit.span,
        format!(
            "compensation `{undo}` of {owner} gives up after {}",
            limit.attempts
        ),
    )
    .label(limit.label)
    .help(format!(
        "when {}, the effect of `{action}` stays while the rest is undone, and the saga is \
         stuck half undone. Make `{undo}` safe to repeat and retry it until it succeeds: \
         {UNLIMITED}",
        limit.all_fail
    ))
}

#[cfg(test)]
mod tests {
    use crate::rules::compensation::testing::{in_spec, orchestration};

    #[test]
    fn the_trigger_compensation() {
        let spec = "version: 1\nsaga: s\ncoordination: orchestration\nparticipants: { a: {} }\n\
                    trigger:\n  participant: a\n  action: Start\n  event: s.started\n\
                    \x20 compensation: { action: Reject, retry: { max_attempts: 1 } }\n\
                    steps:\n- { id: one, participant: a, action: One, kind: pivot }\n";
        assert_eq!(in_spec(spec), [("T302", 9)]);
    }

    #[test]
    fn steps_and_the_trigger() {
        let steps = "- id: one\n  participant: a\n  action: One\n  idempotency_key: k\n  compensation:\n    action: Undo\n    retry: { max_attempts: 3 }\n\
                     - { id: two, participant: a, action: Two, compensation: { action: Undo, retry: { backoff: fixed } }, idempotency_key: k }\n\
                     - { id: three, participant: a, action: Three, compensation: { action: Undo, retry: { max_attempts: unlimited } }, idempotency_key: k }\n\
                     - { id: four, participant: a, action: Four, compensation: Undo, idempotency_key: k }\n";
        // `two` gives no `max_attempts`: a compensation's default is unlimited.
        assert_eq!(orchestration(steps), [("T302", 7)]);
    }

    #[test]
    fn not_on_a_compensation_that_never_runs() {
        let steps = "- { id: one, participant: a, action: One, kind: pivot, idempotency_key: k, compensation: { action: Undo, retry: { max_attempts: 2 } } }\n";
        assert_eq!(orchestration(steps), [("C205", 1)]);
    }
}
