//! `sagac codegen` speed. The target (whole process, `docs/performance.md`): every shipped
//! spec under 50 ms, and a 200-step generated spec under 1 s. Measured here from the model:
//! the scenarios' expectations made (one test per scenario), then every file of the crate
//! built with `quote`, parsed by `syn` and laid out by `prettyplease`; `expectations`
//! times the first part alone.
//!
//! The 200-step specs are also written to `target/bench-specs/` for the whole-process
//! measurement (`sagac codegen target/bench-specs/codegen-orchestration-200.yaml -o …`).

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use sagac::check;
use sagac::codegen;
use sagac::model::Saga;
use sagac::scenario;
use sagac::source::SourceFile;

mod common;

/// The steps of the generated specs.
const STEPS: usize = 200;

/// The services the steps are spread over (a real saga of hundreds of steps has a few
/// dozen services, not hundreds).
const PARTICIPANTS: usize = 20;

fn saga(yaml: &str) -> Saga {
    let checked = check::check_source(SourceFile::new("bench.yaml", yaml.to_owned()));
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

/// Writes a generated spec where the whole-process measurement can read it.
fn keep(name: &str, yaml: &str) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-specs");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(name), yaml).unwrap();
}

fn generated(c: &mut Criterion) {
    let mut group = c.benchmark_group("codegen/crate");
    group.sample_size(10);
    for (style, yaml) in [
        ("orchestration", orchestration(STEPS)),
        ("choreography", common::choreography(STEPS, PARTICIPANTS)),
    ] {
        keep(&format!("codegen-{style}-{STEPS}.yaml"), &yaml);
        let saga = saga(&yaml);
        group.bench_with_input(BenchmarkId::new(style, STEPS), &saga, |b, saga| {
            b.iter(|| black_box(codegen::generate(saga, "bench.yaml").unwrap()))
        });
        group.bench_with_input(
            BenchmarkId::new(format!("{style}_expectations"), STEPS),
            &saga,
            |b, saga| b.iter(|| black_box(scenario::expectations(saga, &scenario::FaultKind::ALL))),
        );
    }
    group.finish();
}

fn shipped(c: &mut Criterion) {
    let mut group = c.benchmark_group("codegen/specs");
    group.sample_size(10);
    for path in sagac::load::discover(std::path::Path::new("specs")).unwrap() {
        let text = std::fs::read_to_string(&path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let saga = saga(&text);
        group.bench_function(name, |b| {
            b.iter(|| black_box(codegen::generate(&saga, "spec.yaml").unwrap()))
        });
    }
    group.finish();
}

criterion_group!(benches, shipped, generated);
criterion_main!(benches);
