use crate::diagnostic::Diagnostic;
use crate::model::{Delivery, Emitter, Owner, ParticipantId, Saga};
use crate::source::Spanned;

declare_rule! {
    /// ## What it checks
    /// An event that starts the saga (the trigger's `event`) or that somebody consumes is
    /// published by a participant without an outbox: neither `outbox` on the participant
    /// nor, for the trigger's participant, `trigger.outbox`. A saga run by a workflow
    /// engine (`orchestrator.engine`) starts durably and needs no outbox for the start.
    /// An `outbox` written without its `table` or `relay` is reported by S005 alone.
    /// In language version 2 the same holds for the caller's `outcome` delivered as an
    /// event (unless an engine runs the saga) and, in a choreography, for the
    /// `escalation.event` each compensation that escalates publishes.
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
    outcome_and_escalation(saga, out);
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

/// Version 2's events: the caller's outcome and a choreography's escalation.
fn outcome_and_escalation(saga: &Saga, out: &mut Vec<Diagnostic>) {
    let without_outbox =
        |p: ParticipantId| saga.outbox_of(p).is_none() && saga.incomplete_outbox_of(p).is_none();
    let outcome_event = saga
        .outcome
        .as_ref()
        .filter(|o| o.delivery.value == Delivery::Event && !saga.has_engine())
        .and_then(|o| Some((o.event.as_ref()?, o.participant)));
    if let Some((event, p)) = outcome_event.filter(|&(_, p)| without_outbox(p)) {
        let why = "if it crashes after its commit and before the publish, the caller never \
                   learns how the saga ended";
        out.push(report(saga, event, p, why));
    }
    let Some((escalation, event)) = saga
        .escalation
        .as_ref()
        .and_then(|e| Some((e, e.event.as_ref()?)))
    else {
        return;
    };
    let mut told: Vec<ParticipantId> = Vec::new();
    for (owner, c) in saga.compensations() {
        let p = match owner {
            Owner::Trigger => saga.trigger.participant,
            Owner::Step(id) => saga.step(id).participant,
        };
        if c.on_failure.value.escalates() && without_outbox(p) && !told.contains(&p) {
            told.push(p);
            let why = format!(
                "if it crashes after giving up and before the publish, `{}` never hears \
                 what is left",
                saga.participant(escalation.participant).name.value
            );
            out.push(report(saga, event, p, &why));
        }
    }
}

fn report(saga: &Saga, event: &Spanned<String>, p: ParticipantId, why: &str) -> Diagnostic {
    let name = &saga.participant(p).name.value;
    Diagnostic::new(
        &RULE,
        event.span,
        format!(
            "`{}` is published by `{name}` without an outbox (dual write)",
            event.value
        ),
    )
    .label("published after the commit, not with it")
    .help(format!(
        "{why}; add `outbox: {{ table: {name}_outbox, relay: cdc }}` to participant `{name}`"
    ))
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
