use crate::diagnostic::Diagnostic;
use crate::model::{Coordination, Edge, Node, Saga};

use super::flow::Flow;
use super::wording;

declare_rule! {
    /// ## What it checks
    /// In a choreography, a step that no chain of events from the trigger reaches: the event
    /// it consumes is published only by steps or compensations that never run themselves.
    ///
    /// A step whose own `consumes` names an event that nobody publishes is reported once, as
    /// G402 (dangling subscription), and a step without `consumes` as R104; this rule reports
    /// the steps further down such a broken chain, and steps cut off by a loop of events that
    /// nothing outside the loop starts. Nothing is reported when the trigger publishes no
    /// event (R104 says so).
    ///
    /// ## Why it matters
    /// A step that never runs is a part of the business process that silently never
    /// happens: no confirmation email, no shipment. It usually follows from a misspelt event
    /// one or two steps earlier, which this rule helps to find by naming the event the step
    /// waits for and who would publish it.
    ///
    /// ## Example
    /// ```yaml
    /// steps:
    ///   - id: charge_payment
    ///     consumes: inventory.reserverd     # misspelt: charge_payment never runs
    ///     emits: { success: payment.completed, failure: payment.failed }
    ///   - id: send_confirmation
    ///     consumes: payment.completed       # so this never runs either
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// steps:
    ///   - id: charge_payment
    ///     consumes: inventory.reserved
    ///     emits: { success: payment.completed, failure: payment.failed }
    ///   - id: send_confirmation
    ///     consumes: payment.completed
    /// ```
    pub static RULE = ("G403", "unreachable-step", Error, "A step that no event chain from the trigger reaches");
}

/// How many publishers of the awaited event a diagnostic points at.
const MAX_PUBLISHERS_SHOWN: usize = 3;

pub fn check(saga: &Saga, out: &mut Vec<Diagnostic>) {
    if saga.coordination != Coordination::Choreography || saga.trigger.event.is_none() {
        return;
    }
    let flow = Flow::new(saga);
    let reached = flow.reached_from_trigger();
    for id in saga.step_ids() {
        let step = saga.step(id);
        let Some(node) = flow.step_index(id) else {
            continue;
        };
        let Some(consumes) = &step.consumes else {
            continue; // R104: the step names no event at all
        };
        if reached[node] {
            continue;
        }
        let awaited = flow.predecessors(node).iter().find_map(|&(from, edge)| {
            match (edge, flow.node(from)) {
                (Edge::Starts, Node::Event(e)) => Some(saga.event(e)),
                _ => None,
            }
        });
        let Some(event) = awaited.filter(|e| !e.emitted_by.is_empty()) else {
            continue; // G402: nothing publishes the event it consumes
        };
        let mut d = Diagnostic::new(
            &RULE,
            step.id.span,
            format!(
                "step `{}` never runs: no chain of events from the trigger reaches it",
                step.id.value
            ),
        )
        .label("this step never runs")
        .related(consumes.span, format!("it waits for `{}`", event.name));
        for &(emitter, span) in event.emitted_by.iter().take(MAX_PUBLISHERS_SHOWN) {
            d = d.related(
                span,
                format!(
                    "`{}` is published here, by {}, which never runs either",
                    event.name,
                    wording::emitter(saga, emitter)
                ),
            );
        }
        out.push(d.help(format!(
            "follow the chain back from `{}`: the first handler in it that waits for an event nobody publishes is where it breaks",
            event.name
        )));
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{found, messages, order_with, spanned};

    #[test]
    fn steps_after_a_broken_link_are_reported_but_not_the_broken_link() {
        // charge_payment's own subscription is G402's; send_confirmation is cut off.
        let body = order_with(
            "consumes: inventory.reserved",
            "consumes: inventory.reserverd",
        );
        let d = found("G403", &body);
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(
            d[0].message,
            "step `send_confirmation` never runs: no chain of events from the trigger reaches it"
        );
        assert_eq!(spanned(&body, d[0].span), "send_confirmation");
        assert_eq!(spanned(&body, d[0].related[1].span), "payment.completed");
        assert_eq!(found("G402", &body).len(), 1);
    }

    #[test]
    fn a_step_waiting_for_a_compensation_that_nothing_starts() {
        let body = order_with(
            "consumes: [payment.failed], emits",
            "consumes: [payment.refused], emits",
        )
        .replace(
            "consumes: payment.completed\n",
            "consumes: inventory.released\n",
        );
        assert_eq!(
            messages("G403", &body),
            ["step `send_confirmation` never runs: no chain of events from the trigger reaches it"]
        );
    }

    #[test]
    fn steps_cut_off_by_a_loop_are_reported() {
        let body = order_with("consumes: order.created", "consumes: confirmation.sent");
        // reserve_inventory waits for confirmation.sent, which only follows from itself.
        assert_eq!(found("G403", &body).len(), 3);
        assert_eq!(found("G404", &body).len(), 1);
    }

    #[test]
    fn nothing_is_reported_when_the_trigger_publishes_nothing() {
        let body = order_with("  event: order.created\n", "");
        assert_eq!(found("G403", &body).len(), 0);
        assert_eq!(found("R104", &body).len(), 1);
    }
}
