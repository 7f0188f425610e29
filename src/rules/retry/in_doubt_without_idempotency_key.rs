use crate::diagnostic::Diagnostic;
use crate::model::{Saga, StepKind, duration};

declare_rule! {
    /// ## What it checks
    /// A `pivot` or `retriable` step that has a `timeout` but no `idempotency_key`.
    ///
    /// ## Why it matters
    /// A step that times out is *in doubt*: the request or the reply may have been lost, so
    /// the effect may or may not have happened. A pivot or retriable step in doubt cannot be
    /// compensated (it may have succeeded, and after it the saga must complete), so the saga
    /// re-sends it. Without an idempotency key the participant cannot tell that re-send from
    /// a new request and applies it again: the customer's card is charged twice.
    ///
    /// ## Example
    /// ```yaml
    /// - id: charge_payment
    ///   action: ChargeCard
    ///   kind: pivot
    ///   timeout: 10s
    /// ```
    ///
    /// ## Fix
    /// Give the participant a key to deduplicate on (a field the step can read, such as the
    /// order id), so a re-sent `ChargeCard` returns the first charge's result:
    /// ```yaml
    /// - id: charge_payment
    ///   action: ChargeCard
    ///   kind: pivot
    ///   timeout: 10s
    ///   idempotency_key: order_id
    /// ```
    pub static RULE = ("T303", "in-doubt-without-idempotency-key", Error, "A pivot or retriable step with `timeout` and no `idempotency_key`");
}

pub fn check(saga: &Saga, out: &mut Vec<Diagnostic>) {
    // A field every step can read, to make the suggested fix concrete.
    let key = saga
        .trigger
        .data
        .first()
        .map_or("<field>", |f| f.value.as_str());
    for step in &saga.steps {
        let kind = match step.kind {
            StepKind::Pivot => "the pivot",
            StepKind::Retriable => "retriable step",
            StepKind::Compensatable | StepKind::ReadOnly => continue,
        };
        let Some(timeout) = &step.timeout else {
            continue;
        };
        if step.idempotency_key.is_some() {
            continue;
        }
        let id = &step.id.value;
        let action = &step.action.value;
        out.push(
            Diagnostic::new(
                &RULE,
                timeout.span,
                format!(
                    "{kind} `{id}` can be in doubt after its {} timeout, but has no \
                     `idempotency_key` to re-send it safely",
                    duration::format(timeout.value)
                ),
            )
            .label("no answer by then: applied or not?")
            .related(
                step.id.span,
                format!("{kind}: re-sent in doubt, never compensated"),
            )
            .help(format!(
                "in doubt, `{action}` is sent again; without a key the participant cannot tell \
                 the re-send from a new request and applies it twice: add \
                 `idempotency_key: {key}` (a field the participant deduplicates on)"
            )),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::compensation::testing::orchestration;

    #[test]
    fn pivots_and_retriable_steps_with_a_timeout() {
        let steps = "- { id: one, participant: a, action: One, compensation: Undo, timeout: 5s }\n\
                     - { id: two, participant: a, action: Two, kind: pivot, timeout: 5s }\n\
                     - { id: three, participant: a, action: Three, kind: retriable, timeout: 5s }\n\
                     - { id: four, participant: a, action: Four, kind: retriable, timeout: 5s, idempotency_key: k }\n\
                     - { id: five, participant: a, action: Five, kind: retriable }\n";
        assert_eq!(
            orchestration(steps),
            [("T304", 2), ("T303", 2), ("T303", 3)]
        );
    }
}
