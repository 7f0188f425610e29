use super::{can_be_in_doubt, written_at};
use crate::diagnostic::Diagnostic;
use crate::model::{AbsentEffect, Owner, RunsFor, Saga, StepKind};

declare_rule! {
    /// ## What it checks
    /// Language version 2: `absent_effect: fail` on a compensation that can meet an effect
    /// that never happened: it runs for `any_attempt` (a step that answered with a failure
    /// usually applied nothing), or for `possible_effect` on a step that can be in doubt (a
    /// `timeout`, or a deadline that can abandon it).
    ///
    /// ## Why it matters
    /// `absent_effect: fail` says the compensation fails for good on "reservation not
    /// found", and gives up at once. A compensation that runs after a timeout or a failed
    /// attempt often finds nothing to undo: it then gives up, and the saga is stuck or
    /// needs attention for an effect that was never there (corpus 06 #4, 16 #2).
    ///
    /// ## Example
    /// ```yaml
    /// - id: reserve_car
    ///   timeout: 10s
    ///   compensation: { action: CancelCar, absent_effect: fail }
    /// ```
    ///
    /// ## Fix
    /// Make the compensation succeed when there is nothing to undo:
    /// ```yaml
    ///   compensation: { action: CancelCar, absent_effect: ignore }
    /// ```
    pub static RULE = ("C212", "compensation-needs-effect", Warning, "`absent_effect: fail` where the compensation can meet an absent effect");
}

pub fn check(saga: &Saga, out: &mut Vec<Diagnostic>) {
    for (owner, c) in saga.compensations() {
        let Owner::Step(id) = owner else { continue };
        let step = saga.step(id);
        if c.absent_effect.value != AbsentEffect::Fail || step.kind != StepKind::Compensatable {
            continue;
        }
        let why = match c.runs_for.value {
            RunsFor::AnyAttempt => "it also runs after a failed attempt, which applied nothing",
            RunsFor::PossibleEffect if can_be_in_doubt(saga, step) => {
                "it also runs when the step is in doubt, which may have applied nothing"
            }
            _ => continue,
        };
        out.push(
            Diagnostic::new(
                &RULE,
                written_at(&c.absent_effect, c.span),
                format!(
                    "`{}` gives up on an absent effect, but {why}",
                    c.action.value
                ),
            )
            .label("fails on \"not found\"")
            .related(
                step.id.span,
                format!("`{}` may never have applied its effect", step.id.value),
            )
            .help(format!(
                "write `absent_effect: ignore` so that `{}` succeeds when there is nothing to \
                 undo, or `runs_for: success` if it may only run after the step succeeded",
                c.action.value
            )),
        );
    }
}
