use super::{Limit, UNLIMITED};
use crate::diagnostic::Diagnostic;
use crate::model::{Saga, StepKind};
use crate::rules::compensation::PointOfNoReturn;

declare_rule! {
    /// ## What it checks
    /// A `kind: retriable` step after the pivot whose `retry.max_attempts` is a number rather
    /// than `unlimited`. (Without `retry`, a retriable step is retried without limit.) Without
    /// a declared pivot, the steps after the first retriable step are checked.
    ///
    /// At or before the point of no return, running out of attempts counts as a business
    /// failure and the saga compensates, so such a step is not reported here (a retriable
    /// step before the pivot is C207).
    ///
    /// ## Why it matters
    /// A retriable step runs after the pivot, where the saga must complete: nothing is
    /// compensated any more. When all its attempts fail (the mail server is down for an
    /// hour), the saga can go neither forward nor back. It is *stuck*, and someone has to
    /// finish it by hand. That is why the kind promises to retry until the step succeeds;
    /// a backoff with a cap keeps the retries cheap while the participant is down.
    ///
    /// ## Example
    /// ```yaml
    /// - id: send_confirmation
    ///   action: SendConfirmationEmail
    ///   kind: retriable
    ///   retry: { max_attempts: 5, backoff: exponential }
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// - id: send_confirmation
    ///   action: SendConfirmationEmail
    ///   kind: retriable
    ///   retry: { max_attempts: unlimited, backoff: exponential, initial: 1s, max: 1m }
    /// ```
    pub static RULE = ("T301", "retriable-can-exhaust", Warning, "A retriable step whose `retry.max_attempts` is finite (the saga can get stuck)");
}

pub fn check(saga: &Saga, out: &mut Vec<Diagnostic>) {
    // At or before the point of no return, running out of attempts is a business failure and
    // the saga compensates; only after it is the saga stuck.
    let Some(no_return) = PointOfNoReturn::of(saga) else {
        return;
    };
    for step in &saga.steps {
        if step.kind != StepKind::Retriable
            || !step.retry.can_exhaust()
            || !no_return.is_before(step)
        {
            continue;
        }
        let id = &step.id.value;
        let limit = Limit::of(&step.retry, &step.action.value, step.id.span);
        out.push(
            Diagnostic::new(
                &RULE,
                limit.span,
                format!("retriable step `{id}` gives up after {}", limit.attempts),
            )
            .label(limit.label)
            .help(format!(
                "after the point of no return the saga must complete: when {}, the saga can go \
             neither forward nor back and is stuck. Retry until it succeeds: {UNLIMITED}",
                limit.all_fail
            ))
            .related(no_return.span(), no_return.label()),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::compensation::testing::{first, orchestration};

    #[test]
    fn a_finite_retry_on_a_retriable_step() {
        let steps = "- { id: one, participant: a, action: One, kind: pivot, idempotency_key: k }\n\
                     - { id: two, participant: a, action: Two, kind: retriable, idempotency_key: k, retry: { max_attempts: 3 } }\n\
                     - { id: three, participant: a, action: Three, kind: retriable, idempotency_key: k }\n\
                     - { id: four, participant: a, action: Four, kind: retriable, idempotency_key: k, retry: { max_attempts: unlimited } }\n";
        assert_eq!(orchestration(steps), [("T301", 2)]);
        let d = first("T301", steps);
        assert_eq!(d.message, "retriable step `two` gives up after 3 attempts");
        assert_eq!(d.related.len(), 1);
    }

    #[test]
    fn not_at_or_before_the_point_of_no_return() {
        let steps = "- { id: one, participant: a, action: One, compensation: Undo, idempotency_key: k }\n\
                     - { id: two, participant: a, action: Two, kind: retriable, idempotency_key: k, retry: { max_attempts: 2 } }\n\
                     - { id: three, participant: a, action: Three, kind: retriable, idempotency_key: k, retry: { max_attempts: 2 } }\n";
        assert_eq!(orchestration(steps), [("T301", 3)]);
        let before_pivot = "- { id: one, participant: a, action: One, kind: retriable, idempotency_key: k, retry: { max_attempts: 2 } }\n\
                            - { id: two, participant: a, action: Two, kind: pivot, idempotency_key: k }\n";
        assert_eq!(orchestration(before_pivot), [("C207", 1)]);
    }
}
