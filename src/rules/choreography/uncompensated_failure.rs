use crate::diagnostic::Diagnostic;
use crate::model::{Coordination, Owner, Saga};

use super::flow::Flow;
use super::left_applied::{Failing, effects, failing_steps, left_applied};
use super::wording;

declare_rule! {
    /// ## What it checks
    /// In a choreography, for every step that can fail (a compensatable, pivot or read-only
    /// step with `emits.failure`): the effects already applied when it fails must all be
    /// undone after its failure event. Those effects are the trigger's (when it has a
    /// compensation) and those of every compensatable step before it in the chain of events,
    /// that is, every step whose success led to the failing step being started. Each of
    /// their compensations must consume the failure event, or an event published after it,
    /// for example the event another compensation emits when it is done (a chain of
    /// compensations: `payment.failed` → `ReleaseInventory` → `inventory.released` →
    /// `RejectOrder`).
    ///
    /// A compensatable step without any compensation is reported as C201 and left out here.
    /// Only the chain of events decides what counts as "before": a step started by the same
    /// event as the failing step runs concurrently with it, and whether it is undone is left
    /// to `sagac simulate`.
    ///
    /// ## Why it matters
    /// This is the classic choreography bug: inventory stays reserved when the payment
    /// fails, because `ReleaseInventory` listens to `inventory.failed` only. No coordinator
    /// knows the list of completed steps; each compensation has to hear of every failure
    /// that happens after its step, or the saga ends half done and breaks atomicity.
    ///
    /// ## Example
    /// ```yaml
    /// - id: reserve_inventory
    ///   consumes: order.created
    ///   emits: { success: inventory.reserved, failure: inventory.failed }
    ///   compensation: { action: ReleaseInventory, consumes: [inventory.failed] }
    /// - id: charge_payment
    ///   consumes: inventory.reserved
    ///   kind: pivot
    ///   emits: { success: payment.completed, failure: payment.failed }
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// - id: reserve_inventory
    ///   consumes: order.created
    ///   emits: { success: inventory.reserved, failure: inventory.failed }
    ///   compensation: { action: ReleaseInventory, consumes: [payment.failed] }
    /// - id: charge_payment
    ///   consumes: inventory.reserved
    ///   kind: pivot
    ///   emits: { success: payment.completed, failure: payment.failed }
    /// ```
    pub static RULE = ("G405", "uncompensated-failure", Error, "After a failure event some earlier applied effect is never compensated");
}

/// How many uncompensated effects are reported for one failure; the last report counts the
/// rest, so that a spec with thousands of steps and no working compensation stays readable.
const MAX_PER_FAILURE: usize = 5;

pub fn check(saga: &Saga, out: &mut Vec<Diagnostic>) {
    if saga.coordination != Coordination::Choreography {
        return;
    }
    let flow = Flow::new(saga);
    let effects = effects(saga);
    let failing = failing_steps(saga, &flow);
    if effects.is_empty() || failing.is_empty() {
        return;
    }
    let left = left_applied(&flow, &effects, &failing, MAX_PER_FAILURE);
    for (f, left) in failing.iter().zip(left) {
        for (i, &e) in left.shown.iter().enumerate() {
            let more = if i + 1 == left.shown.len() {
                left.total - left.shown.len()
            } else {
                0
            };
            out.extend(report(saga, f, effects[e], more));
        }
    }
}

fn report(saga: &Saga, f: &Failing, effect: Owner, more: usize) -> Option<Diagnostic> {
    let step = saga.step(f.step);
    let failure = f.name.as_str();
    let compensation = saga.compensation(effect)?;
    let action = &compensation.action.value;
    let (who, applied_span, applied_label) = match effect {
        Owner::Trigger => (
            format!("the trigger `{}`", saga.trigger.action.value),
            saga.trigger.action.span,
            format!(
                "applied when the saga starts, before `{}` runs",
                step.id.value
            ),
        ),
        Owner::Step(id) => {
            let s = saga.step(id);
            (
                format!("`{}`", s.id.value),
                s.id.span,
                format!("applied before `{}` runs", step.id.value),
            )
        }
    };
    let mut d = Diagnostic::new(
        &RULE,
        f.span,
        format!(
            "when `{}` fails (`{failure}`), {who} is never compensated: its effect stays applied",
            step.id.value
        ),
    )
    .label(format!("`{action}` never runs after this event"))
    .related(applied_span, applied_label);
    let mut help = if let Some(first) = compensation.consumes.first() {
        let names: Vec<String> = compensation
            .consumes
            .iter()
            .map(|c| c.value.clone())
            .collect();
        // Listening to its own step's failure is the usual slip: that step applied nothing.
        let own_failure = match effect {
            Owner::Step(id) => saga.step(id).failure_events(),
            Owner::Trigger => Vec::new(),
        }
        .into_iter()
        .find(|own| compensation.consumes.iter().any(|c| c.value == own.value));
        let label = match own_failure {
            Some(own) if names.len() == 1 => format!(
                "`{action}` runs only after `{}`, when its own step failed and there is nothing to undo",
                own.value
            ),
            _ => format!("`{action}` runs only after {}", wording::list(&names, 3)),
        };
        d = d.related(first.span, label);
        format!(
            "add `{failure}` to the `consumes` of `{action}`, or have it consume an event published after `{failure}` (such as the event another compensation emits when it is done)"
        )
    } else {
        d = d.related(
            compensation.span,
            format!("`{action}` consumes no event, so nothing starts it"),
        );
        format!(
            "in a choreography a compensation runs when an event it consumes arrives: write `compensation: {{ action: {action}, consumes: [{failure}] }}`"
        )
    };
    if more > 0 {
        help.push_str(&format!(
            "; {more} more effect{} applied before `{}` {} not compensated after this failure either",
            if more == 1 { "" } else { "s" },
            step.id.value,
            if more == 1 { "is" } else { "are" },
        ));
    }
    Some(d.help(help))
}

#[cfg(test)]
mod tests {
    use super::super::testing::{found, graph_codes, messages};

    /// The order saga with a chain of compensations: `payment.failed` starts
    /// `ReleaseInventory`, whose `inventory.released` starts the trigger's `RejectOrder`.
    const CHAINED: &str = "trigger:
  participant: order
  action: CreateOrder
  event: order.created
  compensation: { action: RejectOrder, consumes: [inventory.failed, inventory.released] }
steps:
  - id: reserve_inventory
    participant: inventory
    consumes: order.created
    action: ReserveInventory
    emits: { success: inventory.reserved, failure: inventory.failed }
    compensation: { action: ReleaseInventory, consumes: [payment.failed], emits: inventory.released }
  - id: charge_payment
    participant: payment
    consumes: inventory.reserved
    action: ChargeCard
    kind: pivot
    emits: { success: payment.completed, failure: payment.failed }
reactions:
  - { participant: order, consumes: [payment.completed], action: ApproveOrder }
";

    #[test]
    fn a_chain_of_compensations_is_clean() {
        // ReleaseInventory does not consume inventory.failed: a failed reservation applied
        // nothing, so nothing needs releasing.
        assert_eq!(graph_codes(CHAINED), Vec::<String>::new());
    }

    #[test]
    fn a_broken_chain_leaves_the_trigger_applied() {
        let body = CHAINED.replace(
            "consumes: [inventory.failed, inventory.released]",
            "consumes: [inventory.failed]",
        ) + "terminal_events: [inventory.released]\n";
        // G406 says nothing: G405 already reports the trigger's compensation.
        assert_eq!(
            graph_codes(&body),
            [
                "G405 when `charge_payment` fails (`payment.failed`), the trigger `CreateOrder` is never compensated: its effect stays applied"
            ]
        );
    }

    #[test]
    fn the_classic_bug_points_at_the_failure_and_the_step() {
        let body = CHAINED.replace(
            "consumes: [payment.failed], emits",
            "consumes: [inventory.failed], emits",
        );
        // The chain breaks at its first link: RejectOrder, which waits for
        // inventory.released, is not reached either.
        let d = found("G405", &body);
        assert_eq!(d.len(), 2);
        assert!(
            d[1].message
                .contains("the trigger `CreateOrder` is never compensated")
        );
        assert_eq!(
            d[0].message,
            "when `charge_payment` fails (`payment.failed`), `reserve_inventory` is never compensated: its effect stays applied"
        );
        let text = format!("{}{body}", super::super::testing::HEADER);
        assert_eq!(&text[d[0].span.start..d[0].span.end], "payment.failed");
        assert_eq!(
            &text[d[0].related[0].span.start..d[0].related[0].span.end],
            "reserve_inventory"
        );
        assert!(
            d[0].help
                .as_deref()
                .unwrap_or("")
                .contains("add `payment.failed` to the `consumes` of `ReleaseInventory`")
        );
    }

    #[test]
    fn a_compensation_in_short_form_is_never_started() {
        let body = CHAINED
            .replace(
                "compensation: { action: ReleaseInventory, consumes: [payment.failed], emits: inventory.released }",
                "compensation: ReleaseInventory",
            )
            .replace("inventory.released]", "payment.failed]");
        let d = found("G405", &body);
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(
            d[0].message
                .contains("`reserve_inventory` is never compensated")
        );
        assert!(d[0].related[1].label.contains("consumes no event"));
        assert!(
            d[0].help
                .as_deref()
                .unwrap_or("")
                .contains("consumes: [payment.failed]")
        );
    }

    /// A declined card falls back to the wallet; both holds publish `payment.held`.
    const FALLBACK: &str = "trigger:
  participant: order
  action: CreateOrder
  event: order.created
  compensation: { action: RejectOrder, consumes: [inventory.failed, wallet.failed, shipment.failed] }
steps:
  - id: reserve_inventory
    participant: inventory
    consumes: order.created
    action: ReserveInventory
    emits: { success: inventory.reserved, failure: inventory.failed }
    compensation: { action: ReleaseInventory, consumes: [wallet.failed, shipment.failed] }
  - id: hold_card
    participant: payment
    consumes: inventory.reserved
    action: HoldCard
    emits: { success: payment.held, failure: card.declined }
    compensation: { action: ReleaseCardHold, consumes: [shipment.failed] }
  - id: hold_wallet
    participant: payment
    consumes: card.declined
    action: HoldWallet
    emits: { success: payment.held, failure: wallet.failed }
    compensation: { action: ReleaseWalletHold, consumes: [shipment.failed] }
  - id: ship
    participant: notification
    consumes: payment.held
    action: Ship
    kind: pivot
    emits: { success: order.shipped, failure: shipment.failed }
reactions:
  - { participant: order, consumes: [order.shipped], action: ApproveOrder }
";

    #[test]
    fn a_failure_event_that_starts_a_fallback_step_is_followed() {
        // card.declined is compensated through hold_wallet's own outcome events; what ship
        // may have applied includes both holds, since either publishes payment.held.
        assert_eq!(graph_codes(FALLBACK), Vec::<String>::new());
    }

    #[test]
    fn the_step_that_failed_before_a_fallback_applied_nothing() {
        let body = FALLBACK.replace(
            "consumes: [wallet.failed, shipment.failed] }",
            "consumes: [shipment.failed] }",
        );
        // Only the wallet's failure leaves the reservation; the card hold failed, so it is
        // not among the effects to undo when the wallet fails.
        assert_eq!(
            messages("G405", &body),
            [
                "when `hold_wallet` fails (`wallet.failed`), `reserve_inventory` is never compensated: its effect stays applied"
            ]
        );
    }

    #[test]
    fn either_hold_may_have_run_before_the_pivot() {
        let body = FALLBACK.replace(
            "action: ReleaseCardHold, consumes: [shipment.failed]",
            "action: ReleaseCardHold, consumes: [wallet.failed]",
        );
        assert_eq!(
            messages("G405", &body),
            [
                "when `ship` fails (`shipment.failed`), `hold_card` is never compensated: its effect stays applied"
            ]
        );
    }

    #[test]
    fn two_steps_publishing_one_failure_event_are_checked_one_by_one() {
        let body = "trigger:
  participant: order
  action: CreateOrder
  event: order.created
  compensation: { action: RejectOrder, consumes: [order.failed] }
steps:
  - id: reserve_inventory
    participant: inventory
    consumes: order.created
    action: ReserveInventory
    emits: { success: inventory.reserved, failure: order.failed }
    compensation: ReleaseInventory
  - id: charge_payment
    participant: payment
    consumes: inventory.reserved
    action: ChargeCard
    kind: pivot
    emits: { success: payment.completed, failure: order.failed }
reactions:
  - { participant: order, consumes: [payment.completed], action: ApproveOrder }
";
        assert_eq!(
            messages("G405", body),
            [
                "when `charge_payment` fails (`order.failed`), `reserve_inventory` is never compensated: its effect stays applied"
            ]
        );
    }

    #[test]
    fn steps_started_by_one_event_are_not_before_each_other() {
        // Both run when the order is created; which finished first is the simulator's
        // question, not this rule's.
        let body = "trigger:
  participant: order
  action: CreateOrder
  event: order.created
  compensation: { action: RejectOrder, consumes: [inventory.failed, payment.failed] }
steps:
  - id: reserve_inventory
    participant: inventory
    consumes: order.created
    action: ReserveInventory
    emits: { success: inventory.reserved, failure: inventory.failed }
    compensation: { action: ReleaseInventory, consumes: [payment.failed] }
  - id: hold_payment
    participant: payment
    consumes: order.created
    action: HoldPayment
    emits: { success: payment.held, failure: payment.failed }
    compensation: { action: ReleaseHold, consumes: [payment.failed] }
terminal_events: [inventory.reserved, payment.held]
";
        assert_eq!(found("G405", body).len(), 0);
    }

    #[test]
    fn many_uncompensated_effects_are_reported_five_at_a_time() {
        let mut body = String::from(
            "trigger: { participant: order, action: CreateOrder, event: s0.go }\nsteps:\n",
        );
        for i in 0..7 {
            body.push_str(&format!(
                "  - {{ id: s{i}, participant: inventory, consumes: s{i}.go, action: DoS{i}, emits: {{ success: s{}.go }}, compensation: UndoS{i} }}\n",
                i + 1
            ));
        }
        body.push_str("  - { id: last, participant: payment, consumes: s7.go, action: Last, kind: pivot, emits: { success: done.ok, failure: done.failed } }\n");
        body.push_str("reactions:\n  - { participant: order, consumes: [done.ok, done.failed], action: Close }\n");
        let d = found("G405", &body);
        assert_eq!(d.len(), 5);
        assert!(
            d[4].help
                .as_deref()
                .unwrap_or("")
                .contains("2 more effects applied before `last` are not compensated")
        );
    }

    #[test]
    fn a_loop_of_events_does_not_trip_the_analysis() {
        let body = CHAINED
            .replace(
                "consumes: [payment.failed], emits: inventory.released",
                "consumes: [payment.failed], emits: inventory.reserved",
            )
            .replace("inventory.released]", "payment.failed]");
        assert_eq!(found("G404", &body).len(), 1);
        assert_eq!(found("G405", &body).len(), 0);
    }

    /// A money-transfer-like chain of `n` steps: each compensation listens for the next
    /// step's failure and for the next compensation's completion.
    pub(crate) fn long_chain(n: usize) -> String {
        let mut body = String::from(
            "trigger:\n  participant: order\n  action: CreateOrder\n  event: s0.go\n  compensation: { action: RejectOrder, consumes: [s0.failed, s0.undone] }\nsteps:\n",
        );
        for i in 0..n - 1 {
            let next_undone = if i + 2 < n {
                format!(", s{}.undone", i + 1)
            } else {
                String::new()
            };
            body.push_str(&format!(
                "  - {{ id: s{i}, participant: inventory, consumes: s{i}.go, action: DoS{i}, emits: {{ success: s{}.go, failure: s{i}.failed }}, compensation: {{ action: UndoS{i}, consumes: [s{}.failed{next_undone}], emits: s{i}.undone }} }}\n",
                i + 1,
                i + 1
            ));
        }
        let last = n - 1;
        body.push_str(&format!(
            "  - {{ id: s{last}, participant: payment, consumes: s{last}.go, action: DoS{last}, kind: pivot, emits: {{ success: saga.done, failure: s{last}.failed }} }}\nreactions:\n  - {{ participant: order, consumes: [saga.done], action: ApproveOrder }}\n"
        ));
        body
    }

    #[test]
    fn a_long_chain_of_compensations_is_clean() {
        assert_eq!(graph_codes(&long_chain(300)), Vec::<String>::new());
    }
}
