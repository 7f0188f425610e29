use super::written_at;
use crate::diagnostic::Diagnostic;
use crate::model::{RunsFor, Saga, StepKind};

declare_rule! {
    /// ## What it checks
    /// Language version 2: `transactional: false` on a compensatable step whose
    /// compensation does not run for `any_attempt`.
    ///
    /// ## Why it matters
    /// `transactional: false` says the step's effect and its answer are not one local
    /// transaction: the airline can hold the seat and then report an error. The saga then
    /// compensates the other steps but not this one (only `any_attempt` undoes a step that
    /// answered with a failure), and the seat stays held.
    ///
    /// ## Example
    /// ```yaml
    /// - id: book_flight
    ///   kind: compensatable
    ///   transactional: false
    ///   compensation: CancelFlight
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    ///   compensation: { action: CancelFlight, runs_for: any_attempt }
    /// ```
    pub static RULE = ("C211", "partial-effect-not-compensated", Error, "`transactional: false` on a compensatable step whose compensation is not `any_attempt`");
}

pub fn check(saga: &Saga, out: &mut Vec<Diagnostic>) {
    for step in &saga.steps {
        if step.transactional.value || step.kind != StepKind::Compensatable {
            continue;
        }
        let Some(c) = &step.compensation else {
            continue;
        };
        if c.runs_for.value == RunsFor::AnyAttempt {
            continue;
        }
        let span = written_at(&step.transactional, step.id.span);
        out.push(
            Diagnostic::new(
                &RULE,
                span,
                format!(
                    "`{}` may apply its effect and then fail, but `{}` runs only for `{}`",
                    step.id.value,
                    c.action.value,
                    c.runs_for.value.as_str()
                ),
            )
            .label("a failed attempt may leave its effect")
            .related(
                written_at(&c.runs_for, c.span),
                "does not run for a failed attempt",
            )
            .help(format!(
                "write `runs_for: any_attempt` on `{}` so that it also undoes an attempt that \
                 failed after applying its effect",
                c.action.value
            )),
        );
    }
}
