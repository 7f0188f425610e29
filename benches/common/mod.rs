//! Generated sagas shared by the simulate and diagram benches, so their figures describe
//! the same specs.

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
