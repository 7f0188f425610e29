//! Simulation speed on generated sagas: a 20-step orchestration with `--max-faults 2`, and
//! a 10-step choreography with every delivery order and one fault (its steps fan out so
//! that many events are in flight at once). Language version 2, isolation: the order saga
//! with resources (`specs/place-order.yaml`, and its choreography) with two instances at
//! `--max-faults 2`, and three instances at `--max-faults 1`.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use sagac::scenario::isolation::{self, Instances, Search};
use sagac::scenario::{self, FaultKind, Options};

mod common;
use common::{orchestration, saga};

/// `n` steps in two chains that run concurrently from the trigger's event, so events of
/// both chains are in flight together; the pivot joins nothing (each chain is independent).
fn choreography(n: usize) -> String {
    let mut y = String::from(
        "version: 1\nsaga: big_flow\ncoordination: choreography\nparticipants:\n  order: { outbox: { table: o, relay: cdc } }\n",
    );
    for i in 0..n {
        y.push_str(&format!(
            "  p{i}: {{ outbox: {{ table: t{i}, relay: cdc }} }}\n"
        ));
    }
    let failures: Vec<String> = (0..n).map(|i| format!("s{i}.failed")).collect();
    y.push_str(&format!(
        "trigger:\n  participant: order\n  action: Create\n  event: flow.started\n  data: [flow_id]\n  compensation: {{ action: Reject, consumes: [{}] }}\nsteps:\n",
        failures.join(", ")
    ));
    // Chain A: steps 0, 2, 4, ...; chain B: 1, 3, 5, ...; each compensatable step undoes
    // itself on any later failure of its own chain.
    for i in 0..n {
        let consumes = if i < 2 {
            "flow.started".to_owned()
        } else {
            format!("s{}.done", i - 2)
        };
        let later: Vec<String> = (i + 2..n)
            .step_by(2)
            .map(|j| format!("s{j}.failed"))
            .collect();
        y.push_str(&format!(
            "  - id: step_{i}\n    participant: p{i}\n    consumes: {consumes}\n    action: Do{i}\n    reads: [flow_id]\n    idempotency_key: flow_id\n    emits: {{ success: s{i}.done, failure: s{i}.failed }}\n"
        ));
        if later.is_empty() {
            y.push_str("    kind: read_only\n");
        } else {
            y.push_str(&format!(
                "    compensation: {{ action: Undo{i}, consumes: [{}] }}\n",
                later.join(", ")
            ));
        }
    }
    let last: Vec<String> = (n.saturating_sub(2)..n)
        .map(|i| format!("s{i}.done"))
        .collect();
    y.push_str(&format!("terminal_events: [{}]\n", last.join(", ")));
    y
}

fn bench(c: &mut Criterion) {
    let orch = saga(orchestration(20));
    let two = Options {
        max_faults: 2,
        ..Options::default()
    };
    c.bench_function("orchestration_20_steps_max_faults_2", |b| {
        b.iter(|| black_box(scenario::enumerate(&orch, &two)))
    });
    let chor = saga(choreography(10));
    let one = Options::default();
    c.bench_function("choreography_10_steps_all_orders_1_fault", |b| {
        b.iter(|| black_box(scenario::enumerate(&chor, &one)))
    });
    isolation_benches(c);
}

/// The order saga with resources, its instances interleaved (reduced search).
fn isolation_benches(c: &mut Criterion) {
    let read = |path: &str| {
        saga(
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/").to_owned() + path)
                .expect("a shipped spec"),
        )
    };
    let orchestration = read("specs/place-order.yaml");
    let choreography = read("specs/place-order-choreography.yaml");
    let cases = [
        (
            "isolation_order_saga_2_instances_max_faults_2",
            &orchestration,
            2,
            2,
        ),
        (
            "isolation_order_choreography_2_instances_max_faults_2",
            &choreography,
            2,
            2,
        ),
        (
            "isolation_order_saga_3_instances_max_faults_1",
            &orchestration,
            3,
            1,
        ),
    ];
    for (name, saga, n, faults) in cases {
        let instances = Instances::several(saga, n);
        let kinds = FaultKind::defaults(saga);
        c.bench_function(name, |b| {
            b.iter(|| {
                black_box(
                    isolation::enumerate(&instances, kinds, faults, Search::Reduced)
                        .expect("simulated"),
                )
            })
        });
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = bench
}
criterion_main!(benches);
