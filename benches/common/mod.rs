//! Generated sagas shared by the simulate, diagram and codegen benches, so their figures describe
//! the same specs.

// Each bench uses some of these, so the others are dead code in its build.
#![allow(dead_code)]

use sagac::check;
use sagac::model::Saga;
use sagac::source::SourceFile;

pub fn saga(yaml: String) -> Saga {
    let checked = check::check_source(SourceFile::new("bench.yaml", yaml));
    assert!(checked.resolved, "{:#?}", checked.diagnostics);
    checked.saga.expect("model")
}

/// `n` steps: compensatable, then a pivot with a timeout, then retriable steps.
pub fn orchestration(n: usize) -> String {
    let mut y = String::from(
        "version: 1\nsaga: big_order\ncoordination: orchestration\nparticipants:\n  order: {}\n",
    );
    for i in 0..n {
        y.push_str(&format!("  p{i}: {{}}\n"));
    }
    y.push_str(
        "orchestrator: { participant: order, log: saga_log }\ntrigger:\n  participant: order\n  action: CreateOrder\n  compensation: RejectOrder\n  event: order.created\n  data: [order_id]\n  outbox: { table: order_outbox, relay: cdc }\nsteps:\n",
    );
    let pivot = n / 2;
    for i in 0..n {
        y.push_str(&format!(
            "  - id: step_{i}\n    participant: p{i}\n    action: Do{i}\n    reads: [order_id]\n    idempotency_key: order_id\n"
        ));
        if i < pivot {
            y.push_str(&format!(
                "    kind: compensatable\n    compensation: Undo{i}\n    failures: [Refused]\n"
            ));
        } else if i == pivot {
            y.push_str("    kind: pivot\n    timeout: 5s\n    retry: { max_attempts: 3 }\n");
        } else {
            y.push_str("    kind: retriable\n");
        }
    }
    y
}

/// A chain of `n` compensatable steps reacting to each other's events, spread over
/// `services` participants (each with an outbox) and each writing a field; each step is
/// undone on the next step's failure or when the next compensation is done, then a pivot.
pub fn choreography(n: usize, services: usize) -> String {
    let mut y = String::from(
        "version: 1\nsaga: big_flow\ncoordination: choreography\nparticipants:\n  order: {}\n  pay: { outbox: { table: pay_outbox, relay: cdc } }\n",
    );
    for i in 0..services {
        y.push_str(&format!(
            "  p{i}: {{ outbox: {{ table: p{i}_outbox, relay: cdc }} }}\n"
        ));
    }
    y.push_str("trigger:\n  participant: order\n  action: CreateOrder\n  event: order.created\n  data: [order_id]\n  outbox: { table: order_outbox, relay: cdc }\n  compensation: { action: RejectOrder, consumes: [step0.failed, step0.undone] }\nsteps:\n");
    let mut previous = "order.created".to_owned();
    for i in 0..n {
        let undo_on = if i + 1 < n {
            format!("step{}.failed, step{}.undone", i + 1, i + 1)
        } else {
            "pivot.failed".to_owned()
        };
        y.push_str(&format!(
            "  - id: step_{i}\n    participant: p{}\n    consumes: {previous}\n    action: Do{i}\n    failures: [Refused]\n    emits: {{ success: step{i}.done, failure: step{i}.failed }}\n    compensation: {{ action: Undo{i}, consumes: [{undo_on}], emits: step{i}.undone }}\n    reads: [order_id]\n    writes: [field_{i}]\n    idempotency_key: order_id\n",
            i % services.max(1)
        ));
        previous = format!("step{i}.done");
    }
    y.push_str(&format!(
        "  - id: pivot\n    participant: pay\n    consumes: {previous}\n    action: Decide\n    kind: pivot\n    emits: {{ success: pivot.done, failure: pivot.failed }}\n    idempotency_key: order_id\n"
    ));
    y.push_str("terminal_events: [pivot.done]\n");
    y
}
