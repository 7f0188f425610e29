use crate::diagnostic::Diagnostic;
use crate::model::{Coordination, Saga};
use crate::suggest::did_you_mean;

use super::wording;

declare_rule! {
    /// ## What it checks
    /// In a choreography, a `consumes` (of a step, a compensation or a reaction) that names
    /// an event no step, compensation or trigger publishes. The message suggests the
    /// published event with the closest name.
    ///
    /// ## Why it matters
    /// The handler waits for an event that never comes: a step that never runs, a
    /// compensation that never undoes anything, a reaction that never records the outcome.
    /// Nothing fails loudly at run time; the saga just stops. Most often the name is
    /// misspelt, or the event was renamed where it is published and not where it is
    /// consumed.
    ///
    /// ## Example
    /// ```yaml
    /// steps:
    ///   - id: charge_payment
    ///     participant: payment
    ///     consumes: inventory.reserverd
    ///     action: ChargeCard
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// steps:
    ///   - id: charge_payment
    ///     participant: payment
    ///     consumes: inventory.reserved
    ///     action: ChargeCard
    /// ```
    pub static RULE = ("G402", "dangling-subscription", Error, "A `consumes` naming an event nothing emits");
}

/// How many name comparisons the "did you mean" hint may cost (see G401).
const HINT_BUDGET: usize = 1_000_000;

pub fn check(saga: &Saga, out: &mut Vec<Diagnostic>) {
    if saga.coordination != Coordination::Choreography {
        return;
    }
    let emitted: Vec<&str> = saga
        .events
        .iter()
        .filter(|e| !e.emitted_by.is_empty())
        .map(|e| e.name.as_str())
        .collect();
    let dangling = saga.events.iter().filter(|e| e.emitted_by.is_empty());
    let hints = emitted
        .len()
        .saturating_mul(saga.events.len() - emitted.len())
        <= HINT_BUDGET;
    for event in dangling {
        let suggestion = hints
            .then(|| did_you_mean(&event.name, emitted.iter().copied()))
            .flatten();
        for &(handler, span) in &event.consumed_by {
            let mut d = Diagnostic::new(
                &RULE,
                span,
                format!(
                    "{} consumes `{}`, but nothing publishes it",
                    wording::handler(saga, handler),
                    event.name
                ),
            );
            d = match suggestion {
                Some(s) => d
                    .replacement(s)
                    .label(format!("did you mean `{s}`?"))
                    .help(format!("did you mean `{s}`? The published events are named where steps and compensations `emits` them")),
                None => d.label("nothing publishes this event").help(format!(
                    "consume an event that a step, a compensation or the trigger publishes, or publish `{}` (in a step's `emits`)",
                    event.name
                )),
            };
            out.push(d);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{found, messages, order_with};

    #[test]
    fn every_subscription_to_the_missing_event_is_reported() {
        let body = order_with(
            "consumes: [inventory.failed, payment.failed] }",
            "consumes: [inventory.failed, payment.declined] }",
        )
        .replace(
            "consumes: [payment.failed], emits",
            "consumes: [payment.declined], emits",
        );
        assert_eq!(
            messages("G402", &body),
            [
                "the trigger's compensation `RejectOrder` consumes `payment.declined`, but nothing publishes it",
                "the compensation `ReleaseInventory` of `reserve_inventory` consumes `payment.declined`, but nothing publishes it",
            ]
        );
    }

    #[test]
    fn suggests_the_published_event_with_the_closest_name() {
        let body = order_with(
            "consumes: payment.completed\n",
            "consumes: payment.complete\n",
        );
        let d = found("G402", &body);
        assert_eq!(d.len(), 1);
        assert_eq!(
            d[0].label.as_deref(),
            Some("did you mean `payment.completed`?")
        );
    }

    #[test]
    fn a_name_far_from_every_published_event_gets_no_suggestion() {
        let body = order_with(
            "consumes: [payment.completed], action: ApproveOrder",
            "consumes: [shipment.delivered], action: ApproveOrder",
        );
        let d = found("G402", &body);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].label.as_deref(), Some("nothing publishes this event"));
    }
}
