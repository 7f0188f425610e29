//! `sagac codegen` speed. The target: generating the crate for a 1,000-step spec in under
//! 200 ms. Measured end to end from the model: the scenarios' expectations (one test per
//! scenario) made, then every file of the crate built with `quote`, parsed by `syn` and
//! laid out by `prettyplease`; `expectations` times the first part alone.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use sagac::check;
use sagac::codegen;
use sagac::model::Saga;
use sagac::scenario;
use sagac::source::SourceFile;

mod common;

/// The services the steps are spread over (a real saga of a thousand steps has a few
/// dozen services, not a thousand).
const PARTICIPANTS: usize = 20;

fn saga(yaml: String) -> Saga {
    let checked = check::check_source(SourceFile::new("bench.yaml", yaml));
    assert!(
        checked.resolved && checked.counts().errors == 0,
        "{:#?}",
        checked.diagnostics
    );
    checked.saga.expect("model")
}

/// `n` compensatable steps on their own participants, each writing a field, then a pivot
/// with a timeout and a retriable step.
fn orchestration(n: usize) -> String {
    let mut y = String::from(
        "version: 1\nsaga: big_order\ncoordination: orchestration\nparticipants:\n  order: {}\n  pay: {}\n",
    );
    for i in 0..PARTICIPANTS {
        y.push_str(&format!("  p{i}: {{}}\n"));
    }
    y.push_str(
        "orchestrator: { participant: order, log: saga_log }\ntrigger:\n  participant: order\n  action: CreateOrder\n  compensation: RejectOrder\n  event: order.created\n  data: [order_id]\n  outbox: { table: order_outbox, relay: cdc }\nsteps:\n",
    );
    for i in 0..n {
        y.push_str(&format!(
            "  - id: step_{i}\n    participant: p{}\n    action: Do{i}\n    kind: compensatable\n    compensation: Undo{i}\n    failures: [Refused]\n    reads: [order_id]\n    writes: [field_{i}]\n    idempotency_key: order_id\n",
            i % PARTICIPANTS
        ));
    }
    y.push_str("  - id: decide\n    participant: pay\n    action: Decide\n    kind: pivot\n    timeout: 5s\n    retry: { max_attempts: 3 }\n    reads: [order_id]\n    idempotency_key: order_id\n");
    y.push_str("  - id: notify\n    participant: order\n    action: Notify\n    kind: retriable\n    reads: [order_id]\n    idempotency_key: order_id\n");
    y
}

fn generated(c: &mut Criterion) {
    let mut group = c.benchmark_group("codegen/crate");
    group.sample_size(10);
    for n in [100, 1_000] {
        for (style, text) in [
            ("orchestration", orchestration(n)),
            ("choreography", common::choreography(n, PARTICIPANTS)),
        ] {
            let saga = saga(text);
            group.throughput(Throughput::Elements(n as u64));
            group.bench_with_input(BenchmarkId::new(style, n), &saga, |b, saga| {
                b.iter(|| black_box(codegen::generate(saga, "bench.yaml").unwrap()))
            });
            group.bench_with_input(
                BenchmarkId::new(format!("{style}_expectations"), n),
                &saga,
                |b, saga| {
                    b.iter(|| black_box(scenario::expectations(saga, &scenario::FaultKind::ALL)))
                },
            );
        }
    }
    group.finish();
}

fn shipped(c: &mut Criterion) {
    let mut group = c.benchmark_group("codegen/specs");
    group.sample_size(10);
    for path in sagac::load::discover(std::path::Path::new("specs")).unwrap() {
        let text = std::fs::read_to_string(&path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let saga = saga(text);
        group.bench_function(name, |b| {
            b.iter(|| black_box(codegen::generate(&saga, "spec.yaml").unwrap()))
        });
    }
    group.finish();
}

criterion_group!(benches, generated, shipped);
criterion_main!(benches);
