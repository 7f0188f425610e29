use crate::diagnostic::Diagnostic;
use crate::model::{DeadlineThen, End, FailureThen, OnUncaught, Saga};

declare_rule! {
    /// ## What it checks
    /// Language version 2: an `outcome` whose value for `completed` is also the value of
    /// another end the saga can reach (`compensated`, `terminated`, `needs_attention`,
    /// `cancelled`).
    ///
    /// ## Why it matters
    /// The outcome is how the caller learns what happened. If "booked" and "not booked"
    /// arrive as the same value, the caller cannot tell a trip it has from one it does not
    /// (corpus 07 #2, 09 #1): it shows a confirmation for a saga that undid everything.
    ///
    /// ## Example
    /// ```yaml
    /// outcome: { delivery: reply, values: { completed: Done, compensated: Done } }
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// outcome: { delivery: reply, values: { completed: Booked, compensated: NotBooked } }
    /// ```
    pub static RULE = ("C213", "indistinguishable-outcomes", Warning, "`completed` shares its outcome value with another end");
}

pub fn check(saga: &Saga, out: &mut Vec<Diagnostic>) {
    let Some(outcome) = &saga.outcome else {
        return;
    };
    let completed = outcome.value(End::Completed);
    for end in [
        End::Compensated,
        End::Terminated,
        End::NeedsAttention,
        End::Cancelled,
    ] {
        let other = outcome.value(end);
        if other.value != completed.value || !reachable(saga, end) {
            continue;
        }
        let span = other.span.or(completed.span).unwrap_or(outcome.span);
        let mut d = Diagnostic::new(
            &RULE,
            span,
            format!(
                "a saga that ends `{}` tells its caller `{}`, as one that completed does",
                end.as_str(),
                other.value
            ),
        )
        .label("the same value as `completed`");
        if let (Some(c), true) = (completed.span, completed.span != Some(span)) {
            d = d.related(c, "`completed`");
        }
        out.push(d.help(format!(
            "give `{}` a value of its own in `outcome.values` (e.g. `{}: Not{}`), so the \
             caller can tell the ends apart",
            end.as_str(),
            end.as_str(),
            completed.value
        )));
    }
}

/// Whether a run can end `end` at all.
fn reachable(saga: &Saga, end: End) -> bool {
    match end {
        End::Completed | End::Compensated => true,
        End::Terminated => {
            saga.steps.iter().any(|s| {
                s.on_uncaught.value == OnUncaught::Terminate
                    || s.failure_handling
                        .iter()
                        .any(|f| f.then.value == FailureThen::Terminate)
            }) || saga
                .deadline_policy
                .as_ref()
                .is_some_and(|d| d.then.value == DeadlineThen::Terminate)
        }
        End::NeedsAttention => saga
            .compensations()
            .any(|(_, c)| c.on_failure.value.escalates()),
        End::Cancelled => saga.cancellation.is_some(),
    }
}
