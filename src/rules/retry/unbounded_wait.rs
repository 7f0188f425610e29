use crate::diagnostic::Diagnostic;
use crate::model::{Coordination, Saga, StepKind};
use crate::rules::compensation::deadline_reaches;

declare_rule! {
    /// ## What it checks
    /// Language version 2, orchestration: a compensatable or read-only step before the point
    /// of no return with no `timeout`, in a saga whose deadline does not reach it (no
    /// `deadline`, or one that does not apply there).
    ///
    /// ## Why it matters
    /// The orchestrator waits for the step's answer. If its participant is down, or an
    /// error nobody declared is swallowed (`on_uncaught: no_reply`, the default of a
    /// hand-written orchestrator), the answer never comes and nothing ends the wait: the
    /// saga hangs with its earlier effects in place (corpus 01, 12 #4, 15 #5, 08 #2,
    /// 16 #3). A pivot or a retriable step is not reported: waiting for it is the design,
    /// since after it the saga must complete.
    ///
    /// ## Example
    /// ```yaml
    /// - id: reserve_car
    ///   participant: cars
    ///   kind: compensatable
    ///   compensation: CancelCar
    /// ```
    ///
    /// ## Fix
    /// Bound the wait: the step then fails in doubt and the saga compensates.
    /// ```yaml
    /// - id: reserve_car
    ///   participant: cars
    ///   kind: compensatable
    ///   timeout: 10s
    ///   compensation: CancelCar
    /// ```
    /// or give the saga a `deadline`.
    pub static RULE = ("T305", "unbounded-wait", Warning, "A step before the point of no return whose wait nothing bounds (no `timeout`, no deadline)");
}

pub fn check(saga: &Saga, out: &mut Vec<Diagnostic>) {
    if !saga.is_v2() || saga.coordination != Coordination::Orchestration {
        return;
    }
    let point = saga.point_of_no_return().map(|p| saga.step(p).stage);
    for step in &saga.steps {
        if !matches!(step.kind, StepKind::Compensatable | StepKind::ReadOnly)
            || point.is_some_and(|p| step.stage >= p)
            || step.timeout.is_some()
            || deadline_reaches(saga, step)
        {
            continue;
        }
        let participant = &saga.participant(step.participant).name.value;
        out.push(
            Diagnostic::new(
                &RULE,
                step.id.span,
                format!(
                    "`{}` has no `timeout` and no deadline reaches it: if `{participant}` \
                     never answers, the saga waits forever",
                    step.id.value
                ),
            )
            .label("waits without limit")
            .help(format!(
                "add a `timeout` to `{}` (it then fails in doubt and the saga compensates), or \
                 a saga-wide `deadline`",
                step.id.value
            )),
        );
    }
}
