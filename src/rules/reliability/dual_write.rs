use crate::diagnostic::Diagnostic;
use crate::model::{Emitter, Saga};

declare_rule! {
    /// ## What it checks
    /// An event that starts the saga (the trigger's `event`) or that somebody consumes is
    /// published by a participant without an outbox: neither `outbox` on the participant
    /// nor, for the trigger's participant, `trigger.outbox`. A saga run by a workflow
    /// engine (`orchestrator.engine`) starts durably and needs no outbox for the start.
    /// An `outbox` written without its `table` or `relay` is reported by S005 alone.
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
            // An outbox written without its table or relay is S005's to report: saying
            // here that there is none would contradict what the student wrote.
            if saga.outbox_of(participant).is_some()
                || saga.incomplete_outbox_of(participant).is_some()
            {
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

#[cfg(test)]
mod tests {
    use crate::check::check_rules;
    use crate::source::SourceFile;

    fn codes(participants: &str, trigger_outbox: &str) -> Vec<&'static str> {
        let text = format!(
            "version: 1\nsaga: s\ncoordination: choreography\n\
             participants: {{ a: {{}}, b: {participants} }}\n\
             trigger: {{ participant: a, action: Start, event: s.started{trigger_outbox} }}\n\
             steps:\n\
             - {{ id: one, participant: b, action: One, compensation: Undo, consumes: s.started, emits: {{ success: one.done, failure: one.failed }} }}\n\
             - {{ id: two, participant: a, action: Two, kind: pivot, consumes: one.done, emits: {{ failure: two.failed }} }}\n\
             - {{ id: three, participant: a, action: Three, compensation: {{ action: UndoThree, consumes: two.failed }}, consumes: two.failed }}\n"
        );
        let checked = check_rules(SourceFile::new("t.yaml", text));
        checked
            .diagnostics
            .iter()
            .map(|d| d.code())
            .filter(|c| *c == "W601" || *c == "S005")
            .collect()
    }

    #[test]
    fn an_outbox_without_its_relay_or_table_is_only_incomplete() {
        // Without outboxes: `a` publishes the trigger's event and `two.failed`, `b`
        // publishes `one.done`, each consumed: three dual writes.
        assert_eq!(codes("{}", ""), ["W601"; 3]);
        // `b` declares an outbox without its relay: only that is said of `b`.
        assert_eq!(
            codes("{ outbox: { table: b_outbox } }", ""),
            ["S005", "W601", "W601"]
        );
        // And `a` one without its table, through the trigger.
        assert_eq!(
            codes("{ outbox: { relay: cdc } }", ", outbox: { relay: cdc }"),
            ["S005", "S005"]
        );
    }
}
