//! `outbox`: the event that starts the saga leaves its service through an outbox with an
//! accepted relay. Judged by behaviour too: sagac crashes the trigger's service between its
//! commit and its publish, and the event must survive (`no_lost_event`).

use crate::grade::rubric::{OutboxDef, RelayDef};
use crate::grade::text::code;
use crate::model::Relay;
use crate::scenario::{Fault, Invariant};

use super::scenario::run_listing;
use super::{Context, Verdict};

pub fn outbox(def: &OutboxDef, ctx: &Context) -> Verdict {
    let saga = match ctx.model() {
        Ok(s) => s,
        Err(why) => return Verdict::blocked(1, why),
    };
    let trigger = &saga.trigger;
    let service = &saga.participant(trigger.participant).name.value;
    let line = ctx.line_of(trigger.span);
    let Some(event) = trigger.event.as_ref().and_then(|e| saga.event_id(&e.value)) else {
        let mut v = Verdict::blocked(
            1,
            if saga.has_engine() {
                "A workflow engine starts your saga, so no event leaves through an outbox. The question asks how the outbox pattern publishes the event that starts the saga: give the trigger an `event` and an `outbox`.".to_owned()
            } else {
                "The trigger publishes no event, so there is nothing to publish through an outbox."
                    .to_owned()
            },
        );
        v.line = line;
        return v;
    };
    let event_name = code(&saga.event(event).name);
    let crash = match ctx.explore(
        saga,
        &[Fault::Crash {
            participant: trigger.participant,
            event,
        }],
    ) {
        Ok(run) => run,
        Err(why) => {
            let mut v = Verdict::blocked(1, why);
            v.line = line;
            return v;
        }
    };
    let lost = crash
        .violations
        .iter()
        .any(|x| x.invariant == Invariant::NoLostEvent);
    let mut v = Verdict {
        line,
        ..Verdict::default()
    };
    let Some(outbox) = saga.outbox_of(trigger.participant) else {
        v.part(false);
        v.details.push(format!(
            "{event_name} is published by {} with no outbox: a dual write (the database, then the broker). If the service crashes between the two, the order exists and nobody hears of it.",
            code(service)
        ));
        if lost {
            v.details.push(run_listing(saga, &crash));
        }
        v.details.push(format!(
            "Add `outbox: {{ table: ..., relay: cdc }}` to the trigger (or to {}), so the event is written in the same transaction as the order and a relay publishes it.",
            code(service)
        ));
        return v;
    };
    let relay_ok = def.relay.is_empty()
        || def.relay.iter().any(|r| {
            matches!(
                (r, outbox.relay),
                (RelayDef::Cdc, Relay::Cdc) | (RelayDef::Polling, Relay::Polling)
            )
        });
    v.part(relay_ok && !lost);
    v.details.push(format!(
        "{event_name} leaves {} through the outbox table {} (relay {}){}.",
        code(service),
        code(&outbox.table.value),
        outbox.relay.as_str(),
        if lost {
            ""
        } else {
            "; when the service crashes after its commit, the relay still publishes it"
        }
    ));
    if !relay_ok {
        let accepted: Vec<&str> = def
            .relay
            .iter()
            .map(|r| match r {
                RelayDef::Cdc => "cdc",
                RelayDef::Polling => "polling",
            })
            .collect();
        v.details.push(format!(
            "This assignment accepts the relays {}.",
            accepted.join(", ")
        ));
    }
    if lost {
        v.details.push(run_listing(saga, &crash));
    }
    v
}
