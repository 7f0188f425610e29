use crate::diagnostic::Diagnostic;
use crate::model::{Coordination, Edge, Node, Owner, Saga, StepId};
use crate::source::Span;

use super::flow::Flow;
use super::left_applied::failing_steps;

declare_rule! {
    /// ## What it checks
    /// In a choreography, a failure event after which nothing reaches the participant that
    /// started the saga: neither the trigger's compensation nor a reaction (or step) of the
    /// trigger's participant consumes it, or an event that follows from it.
    ///
    /// When the trigger has a compensation that the failure never reaches, G405 already
    /// reports the trigger's effect as never compensated, and this rule stays silent.
    ///
    /// ## Why it matters
    /// The trigger's participant owns the saga's outcome: the order service created the
    /// order as PENDING and has to turn it into APPROVED or REJECTED. If a failure never
    /// reaches it, the order stays PENDING forever, and the customer waits for an answer
    /// that never comes (the saga does not terminate).
    ///
    /// ## Example
    /// ```yaml
    /// trigger:
    ///   participant: order
    ///   action: CreateOrder
    ///   event: order.created
    /// steps:
    ///   - id: charge_payment
    ///     participant: payment
    ///     kind: pivot
    ///     emits: { success: payment.completed, failure: payment.failed }
    /// reactions:
    ///   - { participant: order, consumes: [payment.completed], action: ApproveOrder }
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// reactions:
    ///   - { participant: order, consumes: [payment.completed], action: ApproveOrder }
    ///   - { participant: order, consumes: [payment.failed], action: RejectOrder }
    /// ```
    pub static RULE = ("G406", "unhandled-failure", Error, "A failure that nobody turns into an outcome for the trigger's participant");
}

pub fn check(saga: &Saga, out: &mut Vec<Diagnostic>) {
    if saga.coordination != Coordination::Choreography {
        return;
    }
    let flow = Flow::new(saga);
    let owner = saga.trigger.participant;
    let outcome_handlers = saga
        .trigger
        .compensation
        .as_ref()
        .and_then(|_| flow.compensation_index(Owner::Trigger))
        .into_iter()
        .chain(
            saga.reactions
                .iter()
                .enumerate()
                .filter(|(_, r)| r.participant == owner)
                .filter_map(|(i, _)| flow.index(Node::Reaction(crate::model::ReactionId::new(i)))),
        )
        .chain(
            saga.step_ids()
                .filter(|&id| saga.step(id).participant == owner)
                .filter_map(|id| flow.step_index(id)),
        );
    let leads_to_outcome = flow.reach(outcome_handlers, false, |_, _, _| true);
    let trigger_applied = flow.reach(flow.index(Node::Trigger), true, |_, to, edge| {
        flow.carries_effects(to, edge)
    });
    let failing = failing_steps(saga, &flow);
    // Where G405 already reports the trigger's compensation as never running after the
    // event: the trigger has one, and it was applied before a step that publishes the event.
    let mut trigger_uncompensated = vec![false; flow.len()];
    if saga.trigger.compensation.is_some() {
        for f in &failing {
            trigger_uncompensated[f.event] |= trigger_applied[f.node];
        }
    }
    let failure_reaction = failure_reaction(saga, &flow);
    let mut reported = vec![false; flow.len()];
    for f in &failing {
        if leads_to_outcome[f.event] || trigger_uncompensated[f.event] || reported[f.event] {
            continue;
        }
        reported[f.event] = true;
        out.push(report(saga, f.step, &f.name, f.span, failure_reaction));
    }
}

/// A reaction of the trigger's participant that already records some failure: the natural
/// place to record another one.
fn failure_reaction(saga: &Saga, flow: &Flow) -> Option<usize> {
    (0..saga.reactions.len()).find(|&i| {
        saga.reactions[i].participant == saga.trigger.participant
            && flow
                .index(Node::Reaction(crate::model::ReactionId::new(i)))
                .is_some_and(|r| {
                    flow.predecessors(r).iter().any(|&(event, _)| {
                        flow.predecessors(event)
                            .iter()
                            .any(|&(_, edge)| edge == Edge::Failure)
                    })
                })
    })
}

/// A name for the action that records the failure: `CreateOrder` -> `RejectOrder`.
fn rejection(trigger: &str) -> String {
    let object = trigger
        .char_indices()
        .skip(1)
        .find(|(_, c)| c.is_ascii_uppercase())
        .map_or(trigger, |(i, _)| &trigger[i..]);
    format!("Reject{object}")
}

fn report(
    saga: &Saga,
    step: StepId,
    failure: &str,
    span: Span,
    failure_reaction: Option<usize>,
) -> Diagnostic {
    let step = saga.step(step);
    let participant = &saga.participant(saga.trigger.participant).name.value;
    let trigger = &saga.trigger.action.value;
    let help = match (&saga.trigger.compensation, failure_reaction) {
        (Some(c), _) => format!(
            "add `{failure}` to the `consumes` of the trigger's compensation `{}` (or consume an event that follows it)",
            c.action.value
        ),
        (None, Some(r)) => format!(
            "add `{failure}` to the `consumes` of the reaction `{}`, which records the other failures",
            saga.reactions[r].action.value
        ),
        (None, None) => format!(
            "add a reaction of `{participant}` that records the failure, e.g. `{{ participant: {participant}, consumes: [{failure}], action: {} }}`, or give the trigger a compensation that consumes `{failure}`",
            rejection(trigger)
        ),
    };
    Diagnostic::new(
        &RULE,
        span,
        format!(
            "when `{}` fails (`{failure}`), nothing reaches `{participant}`: the saga started by `{trigger}` never gets an outcome and stays pending forever",
            step.id.value
        ),
    )
    .label(format!("nothing in `{participant}` follows from this event"))
    .related(
        saga.trigger.action.span,
        format!("`{participant}` starts the saga here and waits for its outcome"),
    )
    .help(help)
}

#[cfg(test)]
mod tests {
    use super::super::testing::{found, graph_codes, messages, order_with};

    /// The order saga without a trigger compensation: reactions give the outcome.
    fn with_reactions(reactions: &str) -> String {
        order_with(
            "  compensation: { action: RejectOrder, consumes: [inventory.failed, payment.failed] }\n",
            "",
        )
        .replace(
            "  - { participant: order, consumes: [payment.completed], action: ApproveOrder }\n",
            reactions,
        )
    }

    #[test]
    fn a_failure_that_never_reaches_the_order_service() {
        let body = with_reactions(
            "  - { participant: order, consumes: [payment.completed], action: ApproveOrder }\n  - { participant: order, consumes: [inventory.failed], action: RejectOrder }\n",
        );
        assert_eq!(
            messages("G406", &body),
            [
                "when `charge_payment` fails (`payment.failed`), nothing reaches `order`: the saga started by `CreateOrder` never gets an outcome and stays pending forever"
            ]
        );
        let d = found("G406", &body);
        assert_eq!(
            d[0].help.as_deref(),
            Some(
                "add `payment.failed` to the `consumes` of the reaction `RejectOrder`, which records the other failures"
            )
        );
    }

    #[test]
    fn an_outcome_at_the_end_of_a_chain_of_events_counts() {
        let body = with_reactions(
            "  - { participant: order, consumes: [payment.completed], action: ApproveOrder }\n  - { participant: order, consumes: [inventory.failed, inventory.released], action: RejectOrder }\n",
        )
        .replace("[confirmation.sent, inventory.released]", "[confirmation.sent]");
        assert_eq!(graph_codes(&body), Vec::<String>::new());
    }

    #[test]
    fn a_step_of_the_trigger_participant_counts() {
        let body = with_reactions(
            "  - { participant: order, consumes: [payment.completed], action: ApproveOrder }\n  - { participant: order, consumes: [inventory.failed], action: RejectOrder }\n",
        )
        .replace(
            "reactions:\n",
            "  - { id: cancel_order, participant: order, consumes: payment.failed, action: CancelOrder, kind: retriable }\nreactions:\n",
        );
        assert_eq!(found("G406", &body).len(), 0);
    }

    #[test]
    fn a_failure_published_by_two_steps_is_reported_once() {
        let body = with_reactions(
            "  - { participant: order, consumes: [payment.completed], action: ApproveOrder }\n",
        )
        .replace("failure: inventory.failed", "failure: payment.failed");
        let d = found("G406", &body);
        assert_eq!(d.len(), 1);
        assert!(
            d[0].help
                .as_deref()
                .unwrap_or("")
                .contains("action: RejectOrder }")
        );
    }

    #[test]
    fn the_trigger_compensation_left_out_is_g405s_to_report() {
        let body = order_with(
            "consumes: [inventory.failed, payment.failed] }",
            "consumes: [inventory.failed] }",
        );
        assert_eq!(found("G406", &body).len(), 0);
        assert_eq!(found("G405", &body).len(), 1);
    }
}
