use super::availability::Availability;
use crate::diagnostic::Diagnostic;
use crate::model::names::FAILURE_FIELD;
use crate::model::{Owner, RunsFor, Saga};
use crate::source::Spanned;

declare_rule! {
    /// ## What it checks
    /// A step or a compensation `reads` a field that nothing provides before it runs:
    /// neither the trigger's `data` nor the `writes` of a step that has certainly completed
    /// by then. In an orchestration that is an earlier stage (not a sibling in the same
    /// `parallel` group); in a choreography, a step upstream in the event chain. A
    /// compensation may also read its own step's `writes`.
    ///
    /// In language version 2, compensations may read `failure` (what ended the forward
    /// phase), a forward step may not (nothing has failed while it runs), and the fields
    /// an `outcome` carries must be known at every end: the trigger's `data` or `failure`.
    /// (A compensation's reads of its own step's writes are D503 unless it runs only for
    /// `success`.)
    ///
    /// ## Why it matters
    /// A saga's steps run in different services that share no database: a field exists
    /// only if the saga carries it from the step that produced it. Reading
    /// `reservation_id` before the reservation was made means the service receives nothing
    /// and fails, or worse, acts on a default value.
    ///
    /// ## Example
    /// ```yaml
    /// trigger: { participant: order, action: CreateOrder, event: order.created, data: [order_id] }
    /// steps:
    ///   - id: charge_payment
    ///     participant: payment
    ///     action: ChargeCard
    ///     kind: pivot
    ///     reads: [order_id, amount]
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// trigger: { participant: order, action: CreateOrder, event: order.created, data: [order_id, amount] }
    /// steps:
    ///   - id: charge_payment
    ///     participant: payment
    ///     action: ChargeCard
    ///     kind: pivot
    ///     reads: [order_id, amount]
    /// ```
    pub static RULE = ("D501", "read-before-write", Error, "A field read before any step or the trigger provides it");
}

pub fn check(saga: &Saga, known: &Availability<'_>, out: &mut Vec<Diagnostic>) {
    // Version 2 passes `failure` to compensations, the escalation and the outcome.
    let failure = |f: &str| saga.is_v2() && f == FAILURE_FIELD;
    if let Some(c) = &saga.trigger.compensation {
        let reader = "the trigger's compensation";
        let known = |f: &str| {
            if failure(f) {
                return Some(true);
            }
            known.for_compensation(Owner::Trigger, f)
        };
        report(saga, &c.reads, known, reader, out);
    }
    for id in saga.step_ids() {
        let step = saga.step(id);
        let reader = format!("step `{}`", step.id.value);
        let before = |f: &str| {
            if failure(f) {
                return Some(false);
            }
            known.before_step(id, f)
        };
        report(saga, &step.reads, before, &reader, out);
        if let Some(c) = &step.compensation {
            let reader = format!("the compensation of `{}`", step.id.value);
            let own = |f: &str| {
                if failure(f) {
                    return Some(true);
                }
                // Version 2: a compensation that can run without its step's reply reads
                // its step's writes only in `reads_if_present` (D503 reports them).
                if saga.is_v2()
                    && c.runs_for.value != RunsFor::Success
                    && step.writes.iter().any(|w| w.value == f)
                {
                    return Some(true);
                }
                known.for_compensation(Owner::Step(id), f)
            };
            report(saga, &c.reads, own, &reader, out);
        }
    }
    if let Some(outcome) = saga.outcome.as_ref().filter(|_| saga.is_v2()) {
        for field in &outcome.reads {
            let known = field.value == FAILURE_FIELD
                || saga.trigger.data.iter().any(|d| d.value == field.value);
            if known {
                continue;
            }
            out.push(
                Diagnostic::new(
                    &RULE,
                    field.span,
                    format!(
                        "the outcome carries `{}`, which is not known at every end",
                        field.value
                    ),
                )
                .label("not known at every end")
                .help(
                    "the outcome is delivered at every end, also when the steps that write a \
                     field never ran: let it carry fields of the trigger's `data` and `failure`",
                ),
            );
        }
    }
}

/// Reports each read field that `known` says is not available (`None`: the reader is not
/// reached at all, which the choreography rules report).
fn report(
    saga: &Saga,
    reads: &[Spanned<String>],
    known: impl Fn(&str) -> Option<bool>,
    reader: &str,
    out: &mut Vec<Diagnostic>,
) {
    for field in reads {
        if known(&field.value) != Some(false) {
            continue;
        }
        let writer = saga
            .steps
            .iter()
            .find(|s| s.writes.iter().any(|w| w.value == field.value));
        let mut d = Diagnostic::new(
            &RULE,
            field.span,
            format!(
                "{reader} reads `{}`, which nothing has provided when it runs",
                field.value
            ),
        )
        .label("not known yet");
        d = match writer {
            Some(w) => {
                let span = w.writes.iter().find(|x| x.value == field.value).map_or(w.id.span, |x| x.span);
                d.related(span, format!("written by `{}`, which has not completed by then", w.id.value)).help(format!(
                    "move `{}` before the reader, or read the field from the trigger's `data`",
                    w.id.value
                ))
            }
            None if field.value == FAILURE_FIELD && saga.is_v2() => d.help(
                "`failure` (what ended the forward phase) is passed to compensations, the escalation and the outcome; a forward step runs before anything failed",
            ),
            None => d.help(format!(
                "add `{}` to the trigger's `data` if it is known when the saga starts, or to the `writes` of the step that produces it",
                field.value
            )),
        };
        out.push(d);
    }
}
