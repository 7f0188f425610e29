//! The choreography as a graph of events: every event has a consumer, every subscription a
//! publisher, every step is reached, no event loops, and every failure leads back to the
//! compensations it needs and to an outcome for the trigger's participant.

mod flow;
mod left_applied;
mod wording;

pub mod dangling_subscription;
pub mod event_cycle;
pub mod failure_without_event;
pub mod orphaned_event;
pub mod outcome_never_learned;
pub mod silent_failure;
pub mod uncompensated_failure;
pub mod unhandled_failure;
pub mod unreachable_step;

use super::Check;
use crate::diagnostic::Rule;

pub static CHECKS: &[(&Rule, Check)] = &[
    (&orphaned_event::RULE, orphaned_event::check),
    (&dangling_subscription::RULE, dangling_subscription::check),
    (&unreachable_step::RULE, unreachable_step::check),
    (&event_cycle::RULE, event_cycle::check),
    (&uncompensated_failure::RULE, uncompensated_failure::check),
    (&unhandled_failure::RULE, unhandled_failure::check),
    (&silent_failure::RULE, silent_failure::check),
    (&failure_without_event::RULE, failure_without_event::check),
    (&outcome_never_learned::RULE, outcome_never_learned::check),
];

#[cfg(test)]
pub(crate) mod testing {
    use crate::check::check_rules;
    use crate::diagnostic::Diagnostic;
    use crate::source::SourceFile;

    /// The header every test spec shares: a choreography among four services with outboxes.
    pub const HEADER: &str = "version: 1
saga: place_order
coordination: choreography
participants:
  order: { outbox: { table: order_outbox, relay: cdc } }
  inventory: { outbox: { table: inventory_outbox, relay: cdc } }
  payment: { outbox: { table: payment_outbox, relay: cdc } }
  notification: { outbox: { table: notification_outbox, relay: cdc } }
";

    /// The order saga of `specs/order-choreography.yaml`, reduced to its events: clean.
    pub const ORDER: &str = "trigger:
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
    compensation: { action: ReleaseInventory, consumes: [payment.failed], emits: inventory.released }
  - id: charge_payment
    participant: payment
    consumes: inventory.reserved
    action: ChargeCard
    kind: pivot
    emits: { success: payment.completed, failure: payment.failed }
  - id: send_confirmation
    participant: notification
    consumes: payment.completed
    action: SendConfirmationEmail
    kind: retriable
    emits: { success: confirmation.sent }
reactions:
  - { participant: order, consumes: [payment.completed], action: ApproveOrder }
terminal_events: [confirmation.sent, inventory.released]
";

    /// [`ORDER`] with `from` replaced by `to` (which must occur).
    pub fn order_with(from: &str, to: &str) -> String {
        assert!(ORDER.contains(from), "{from:?} is not in the order saga");
        ORDER.replacen(from, to, 1)
    }

    /// The text a diagnostic's span covers in `HEADER` + `body`.
    pub fn spanned(body: &str, span: crate::source::Span) -> String {
        format!("{HEADER}{body}")[span.start..span.end].to_owned()
    }

    /// The diagnostics of `HEADER` + `body` with the given code.
    pub fn found(code: &str, body: &str) -> Vec<Diagnostic> {
        let text = format!("{HEADER}{body}");
        let checked = check_rules(SourceFile::new("t.yaml", text));
        assert!(checked.saga.is_some(), "the test spec does not resolve");
        checked
            .diagnostics
            .into_iter()
            .filter(|d| d.code() == code)
            .collect()
    }

    /// The messages of [`found`].
    pub fn messages(code: &str, body: &str) -> Vec<String> {
        found(code, body).into_iter().map(|d| d.message).collect()
    }

    /// Every choreography-graph diagnostic, as `CODE message`.
    pub fn graph_codes(body: &str) -> Vec<String> {
        graph_diagnostics(body)
            .into_iter()
            .map(|d| format!("{} {}", d.code(), d.message))
            .collect()
    }

    /// Every choreography-graph diagnostic.
    pub fn graph_diagnostics(body: &str) -> Vec<Diagnostic> {
        let text = format!("{HEADER}{body}");
        check_rules(SourceFile::new("t.yaml", text))
            .diagnostics
            .into_iter()
            .filter(|d| d.code().starts_with('G'))
            .collect()
    }

    #[test]
    fn the_order_saga_is_clean() {
        assert_eq!(graph_codes(ORDER), Vec::<String>::new());
    }

    #[test]
    fn an_orchestration_is_left_alone() {
        let text = format!(
            "{}trigger: {{ participant: order, action: CreateOrder, event: order.created }}\nsteps:\n  - {{ id: charge_payment, participant: payment, action: ChargeCard, kind: pivot }}\n",
            HEADER.replace("choreography", "orchestration")
        );
        let checked = check_rules(SourceFile::new("t.yaml", text));
        assert!(checked.saga.is_some());
        assert!(
            checked
                .diagnostics
                .iter()
                .all(|d| !d.code().starts_with('G'))
        );
    }
}
