use crate::diagnostic::Diagnostic;
use crate::model::{BuiltinFailure, FailureThen, Saga};

declare_rule! {
    /// ## What it checks
    /// Language version 2: `then: retry` on the built-in failure `TimedOut` or `Exhausted`
    /// in a step's `failures`.
    ///
    /// ## Why it matters
    /// Both name the moment the step's own retrying is over: `Exhausted` when its attempts
    /// have run out, `TimedOut` when an attempt in doubt is no longer re-sent (and in a
    /// choreography, which has no timeouts, it never happens at all). Retrying at that point
    /// has no meaning of its own, and sagac runs the entry as `then: compensate`: the saga
    /// compensates as if the line were not there, while the spec reads as if it retried.
    /// (`Locked`, `Changed` and `WrongState` may be retried: the records can change.)
    ///
    /// ## Example
    /// ```yaml
    /// - id: reserve_inventory
    ///   retry: { max_attempts: 3, initial: 1s }
    ///   failures: [OutOfStock, { name: Exhausted, then: retry }]
    /// ```
    ///
    /// ## Fix
    /// Give the step the attempts it needs, or retry the failure class itself:
    /// ```yaml
    /// - id: reserve_inventory
    ///   retry: { max_attempts: 6, initial: 1s }
    ///   failures: [OutOfStock, { name: Throttled, then: retry }]
    /// ```
    pub static RULE = ("T307", "builtin-failure-retried", Error, "`then: retry` on `TimedOut` or `Exhausted`, which end the step's retrying");
}

pub fn check(saga: &Saga, out: &mut Vec<Diagnostic>) {
    for step in &saga.steps {
        for f in &step.failure_handling {
            let Some(b @ (BuiltinFailure::TimedOut | BuiltinFailure::Exhausted)) = f.builtin else {
                continue;
            };
            if f.then.value != FailureThen::Retry {
                continue;
            }
            let why = match b {
                BuiltinFailure::Exhausted => "the step's attempts have already run out",
                _ if saga.coordination == crate::model::Coordination::Choreography => {
                    "a choreography has no timeouts, so it never happens"
                }
                _ => "an attempt in doubt is no longer re-sent",
            };
            out.push(
                Diagnostic::new(
                    &RULE,
                    f.then.span().unwrap_or(f.span),
                    format!(
                        "`{}` of `{}` is retried, but at `{}` {why}: the saga compensates as if the entry were not there",
                        b.as_str(),
                        step.id.value,
                        b.as_str()
                    ),
                )
                .label("retried after retrying is over")
                .help(format!(
                    "to retry longer, raise `retry.max_attempts` (or `retry.within`) of `{}`; to retry one failure class, list it by name with `then: retry`; or remove the entry",
                    step.id.value
                )),
            );
        }
    }
}
