use crate::diagnostic::Diagnostic;
use crate::model::{Emitter, Saga};

declare_rule! {
    /// ## What it checks
    /// An event that starts the saga (the trigger's `event`) or that somebody consumes is
    /// published by a participant without an outbox: neither `outbox` on the participant
    /// nor, for the trigger's participant, `trigger.outbox`. A saga run by a workflow
    /// engine (`orchestrator.engine`) starts durably and needs no outbox for the start.
    ///
    /// ## Why it matters
    /// This is the dual-write problem: the service commits to its database and then
    /// publishes to the broker. If it crashes in between, the order exists but
    /// `order.created` never leaves, and the saga never starts (or a step's outcome is never
    /// heard, and the saga hangs). The transactional outbox writes the event in the same
    /// transaction as the data, and a relay (CDC such as Debezium, or a poller) publishes it.
    ///
    /// ## Example
    /// ```yaml
    /// participants:
    ///   order: {}
    /// trigger:
    ///   participant: order
    ///   action: CreateOrder
    ///   event: order.created
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// participants:
    ///   order: {}
    /// trigger:
    ///   participant: order
    ///   action: CreateOrder
    ///   event: order.created
    ///   outbox: { table: order_outbox, relay: cdc, connector: debezium }
    /// ```
    pub static RULE = ("W601", "dual-write", Warning, "An event somebody depends on published without an outbox");
}

pub fn check(saga: &Saga, out: &mut Vec<Diagnostic>) {
    for event in &saga.events {
        for &(emitter, span) in &event.emitted_by {
            let starts_saga = emitter == Emitter::Trigger;
            if starts_saga && saga.has_engine() {
                continue;
            }
            if !starts_saga && event.consumed_by.is_empty() {
                continue;
            }
            let participant = saga.emitter_participant(emitter);
            if saga.outbox_of(participant).is_some() {
                continue;
            }
            let name = &saga.participant(participant).name.value;
            let why = if starts_saga {
                "if the service crashes after its commit and before the publish, the saga never starts".to_owned()
            } else {
                format!(
                    "if `{name}` crashes after its commit and before the publish, nobody hears of it and the saga hangs"
                )
            };
            let fix = if starts_saga && participant == saga.trigger.participant {
                format!(
                    "add `outbox: {{ table: {name}_outbox, relay: cdc }}` to the trigger (or to participant `{name}`)"
                )
            } else {
                format!(
                    "add `outbox: {{ table: {name}_outbox, relay: cdc }}` to participant `{name}`"
                )
            };
            out.push(
                Diagnostic::new(
                    &RULE,
                    span,
                    format!(
                        "`{}` is published by `{name}` without an outbox (dual write)",
                        event.name
                    ),
                )
                .label("published after the commit, not with it")
                .help(format!("{why}; {fix}")),
            );
        }
    }
}
