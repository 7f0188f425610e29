use super::availability::Availability;
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

pub fn check(saga: &Saga, known: &Availability<'_>, out: &mut Vec<Diagnostic>) {
    if let Some(c) = &saga.trigger.compensation {
        let reader = "the trigger's compensation";
        report(
            saga,
            &c.reads,
            |f| known.for_compensation(Owner::Trigger, f),
            reader,
            out,
        );
    }
    for id in saga.step_ids() {
        let step = saga.step(id);
        let reader = format!("step `{}`", step.id.value);
        report(
            saga,
            &step.reads,
            |f| known.before_step(id, f),
            &reader,
            out,
        );
        if let Some(c) = &step.compensation {
            let reader = format!("the compensation of `{}`", step.id.value);
            report(
                saga,
                &c.reads,
                |f| known.for_compensation(Owner::Step(id), f),
                &reader,
                out,
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
            None => d.help(format!(
                "add `{}` to the trigger's `data` if it is known when the saga starts, or to the `writes` of the step that produces it",
                field.value
            )),
        };
        out.push(d);
    }
}
