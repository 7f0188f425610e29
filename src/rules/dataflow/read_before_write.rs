use super::availability::{self, Fields};
use crate::diagnostic::Diagnostic;
use crate::model::{Owner, Saga};
use crate::source::Spanned;

declare_rule! {
    /// ## What it checks
    /// A step or a compensation `reads` a field that nothing provides before it runs:
    /// neither the trigger's `data` nor the `writes` of a step that has certainly completed
    /// by then. In an orchestration that is an earlier stage (not a sibling in the same
    /// `parallel` group); in a choreography, a step upstream in the event chain. A
    /// compensation may also read its own step's `writes`.
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

pub fn check(saga: &Saga, out: &mut Vec<Diagnostic>) {
    let before = availability::before_each_step(saga);
    let trigger_comp = availability::for_compensation(saga, Owner::Trigger, &before);
    if let (Some(c), Some(known)) = (&saga.trigger.compensation, &trigger_comp) {
        report(saga, &c.reads, known, "the trigger's compensation", out);
    }
    for id in saga.step_ids() {
        let step = saga.step(id);
        let Some(known) = &before[id.0] else { continue };
        report(
            saga,
            &step.reads,
            known,
            &format!("step `{}`", step.id.value),
            out,
        );
        if let Some(c) = &step.compensation
            && let Some(known) = availability::for_compensation(saga, Owner::Step(id), &before)
        {
            report(
                saga,
                &c.reads,
                &known,
                &format!("the compensation of `{}`", step.id.value),
                out,
            );
        }
    }
}

fn report(
    saga: &Saga,
    reads: &[Spanned<String>],
    known: &Fields<'_>,
    reader: &str,
    out: &mut Vec<Diagnostic>,
) {
    for field in reads {
        if known.contains(field.value.as_str()) {
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
            None => d.help(format!(
                "add `{}` to the trigger's `data` if it is known when the saga starts, or to the `writes` of the step that produces it",
                field.value
            )),
        };
        out.push(d);
    }
}
