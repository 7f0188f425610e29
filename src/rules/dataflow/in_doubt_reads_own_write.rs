use crate::diagnostic::Diagnostic;
use crate::model::{RunsFor, Saga, StepKind};

declare_rule! {
    /// ## What it checks
    /// Language version 2: a compensation that runs for more than `success` (the default
    /// `possible_effect`, or `any_attempt`) and lists its own step's `writes` in `reads`.
    ///
    /// ## Why it matters
    /// Such a compensation also runs when its step timed out, failed or was abandoned, and
    /// then the step never returned its writes: there is no `car_reservation_id` to cancel
    /// by. A cancel must correlate by a field known before the call (a request id minted
    /// at the start), and may use the step's writes only when they came (corpus 01 #2,
    /// 08 #3, 16 #1).
    ///
    /// ## Example
    /// ```yaml
    /// - id: reserve_car
    ///   writes: [car_reservation_id]
    ///   compensation: { action: CancelCar, reads: [car_reservation_id] }
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    ///   compensation:
    ///     action: CancelCar
    ///     reads: [car_request_id]                 # in the trigger's data
    ///     reads_if_present: [car_reservation_id]  # when the reply came
    /// ```
    pub static RULE = ("D503", "in-doubt-reads-own-write", Error, "A compensation not limited to `success` lists its step's writes in `reads`");
}

pub fn check(saga: &Saga, out: &mut Vec<Diagnostic>) {
    if !saga.is_v2() {
        return;
    }
    for step in &saga.steps {
        let Some(c) = &step.compensation else {
            continue;
        };
        if c.runs_for.value == RunsFor::Success || step.kind != StepKind::Compensatable {
            continue;
        }
        for field in &c.reads {
            if !step.writes.iter().any(|w| w.value == field.value) {
                continue;
            }
            let mut d = Diagnostic::new(
                &RULE,
                field.span,
                format!(
                    "`{}` reads `{}`, which `{}` returns only when it answers, but it also \
                     runs for `{}`",
                    c.action.value,
                    field.value,
                    step.id.value,
                    c.runs_for.value.as_str()
                ),
            )
            .label("absent when the step is in doubt");
            if let Some(span) = c.runs_for.span() {
                d = d.related(span, "runs without the step's reply");
            }
            out.push(d.help(format!(
                "move `{0}` to `reads_if_present: [{0}]` (it is then `None` when the reply \
                 never came) and correlate by a field known before the call, such as one of \
                 the trigger's `data`",
                field.value
            )));
        }
    }
}
