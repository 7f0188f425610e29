use std::collections::BTreeMap;

use crate::diagnostic::Diagnostic;
use crate::model::{Coordination, Saga};
use crate::suggest::did_you_mean;

use super::wording;

declare_rule! {
    /// ## What it checks
    /// In a choreography, an event that a step, a compensation or the trigger publishes but
    /// that no step, compensation or reaction consumes, and that is not listed in
    /// `terminal_events`.
    ///
    /// ## Why it matters
    /// With no coordinator, an event is the only way the next service learns that it is its
    /// turn. An event nobody listens to is usually a misspelt subscription somewhere else
    /// (`inventory.reserverd`) or a step whose follow-up was forgotten: the saga stops there
    /// and never ends. Events that end the saga on purpose (a confirmation sent, a
    /// reservation released) are listed in `terminal_events` to say so.
    ///
    /// ## Example
    /// ```yaml
    /// steps:
    ///   - id: send_confirmation
    ///     participant: notification
    ///     consumes: payment.completed
    ///     action: SendConfirmationEmail
    ///     kind: retriable
    ///     emits: { success: confirmation.sent }
    /// terminal_events: [inventory.released]
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// steps:
    ///   - id: send_confirmation
    ///     participant: notification
    ///     consumes: payment.completed
    ///     action: SendConfirmationEmail
    ///     kind: retriable
    ///     emits: { success: confirmation.sent }
    /// terminal_events: [inventory.released, confirmation.sent]
    /// ```
    pub static RULE = ("G401", "orphaned-event", Error, "An event emitted that nothing consumes and that is not in `terminal_events`");
}

/// How many name comparisons the "did you mean" hint may cost; beyond it (thousands of
/// orphans and dangling subscriptions at once) the hint is left out to stay fast.
const HINT_BUDGET: usize = 1_000_000;

pub fn check(saga: &Saga, out: &mut Vec<Diagnostic>) {
    if saga.coordination != Coordination::Choreography {
        return;
    }
    let misspellings = misspelt_subscriptions(saga);
    for event in &saga.events {
        if event.consumed_by.is_empty() && event.terminal.is_none() {
            let Some(&(emitter, span)) = event.emitted_by.first() else {
                continue;
            };
            let who = wording::emitter(saga, emitter);
            let mut d = Diagnostic::new(
                &RULE,
                span,
                format!(
                    "`{}` is published by {who}, but nothing consumes it and it is not in `terminal_events`",
                    event.name
                ),
            )
            .label("nobody consumes this event");
            let help = match misspellings.get(event.name.as_str()) {
                Some(&(typo, typo_span)) => {
                    d = d.related(
                        typo_span,
                        format!(
                            "`{typo}` is consumed here: a misspelling of `{}`?",
                            event.name
                        ),
                    );
                    format!(
                        "if `{typo}` is a misspelling of `{}`, correct it there; otherwise add a consumer or list `{}` in `terminal_events`",
                        event.name, event.name
                    )
                }
                None => format!(
                    "add the step, compensation or reaction that should run after it (`consumes: {}`), or list it in `terminal_events` if it ends the saga on purpose",
                    event.name
                ),
            };
            out.push(d.help(help));
        }
    }
}

/// Subscriptions to events nothing emits that look like a misspelling of an emitted event:
/// the emitted name -> (the misspelt name, where it is first consumed).
fn misspelt_subscriptions(saga: &Saga) -> BTreeMap<&str, (&str, crate::source::Span)> {
    let emitted: Vec<&str> = saga
        .events
        .iter()
        .filter(|e| !e.emitted_by.is_empty())
        .map(|e| e.name.as_str())
        .collect();
    let dangling: Vec<_> = saga
        .events
        .iter()
        .filter(|e| e.emitted_by.is_empty())
        .filter_map(|e| {
            e.consumed_by
                .first()
                .map(|&(_, span)| (e.name.as_str(), span))
        })
        .collect();
    let mut out = BTreeMap::new();
    if emitted.len().saturating_mul(dangling.len()) > HINT_BUDGET {
        return out;
    }
    for (name, span) in dangling {
        if let Some(target) = did_you_mean(name, emitted.iter().copied()) {
            out.entry(target).or_insert((name, span));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::testing::{found, messages, order_with, spanned};

    #[test]
    fn an_event_nobody_consumes_is_reported_at_its_publisher() {
        let body = order_with(
            "terminal_events: [confirmation.sent, inventory.released]",
            "terminal_events: [inventory.released]",
        );
        let d = found("G401", &body);
        assert_eq!(d.len(), 1);
        assert_eq!(spanned(&body, d[0].span), "confirmation.sent");
    }

    #[test]
    fn a_compensations_completion_event_counts_as_published() {
        let body = order_with(
            "terminal_events: [confirmation.sent, inventory.released]",
            "terminal_events: [confirmation.sent]",
        );
        assert_eq!(
            messages("G401", &body),
            [
                "`inventory.released` is published by the compensation `ReleaseInventory` of `reserve_inventory`, but nothing consumes it and it is not in `terminal_events`"
            ]
        );
    }

    #[test]
    fn an_event_published_by_two_steps_is_reported_once() {
        let body = order_with(
            "emits: { success: payment.completed, failure: payment.failed }",
            "emits: { success: confirmation.sent, failure: payment.failed }",
        )
        .replace(
            "[confirmation.sent, inventory.released]",
            "[inventory.released]",
        )
        .replace("consumes: payment.completed\n", "consumes: order.created\n");
        let d = found("G401", &body);
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0].message.contains("step `charge_payment` on success"));
    }

    #[test]
    fn a_misspelt_subscription_is_pointed_at() {
        let body = order_with(
            "consumes: inventory.reserved",
            "consumes: inventory.reserverd",
        );
        let d = found("G401", &body);
        assert_eq!(d.len(), 1);
        assert_eq!(spanned(&body, d[0].related[0].span), "inventory.reserverd");
        assert!(d[0].help.as_deref().unwrap_or("").contains("misspelling"));
    }
}
