//! `sagac check` throughput: the shipped specs, and generated sagas of 100, 1,000 and
//! 10,000 steps in both coordination styles (to see that no rule is quadratic); and
//! students' diagrams compared with their spec.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use sagac::check::check_source;
use sagac::source::SourceFile;

/// An orchestration of `n` compensatable steps, a pivot and a retriable step.
pub fn orchestration(n: usize) -> String {
    let mut s = String::from(
        "version: 1\nsaga: big\ncoordination: orchestration\nparticipants:\n  order: {}\n  svc: {}\n\
         orchestrator: { participant: order, log: big_log }\n\
         trigger:\n  participant: order\n  action: CreateOrder\n  event: order.created\n  data: [order_id]\n  outbox: { table: order_outbox, relay: cdc }\nsteps:\n",
    );
    for i in 0..n {
        s.push_str(&format!(
            "  - id: step_{i}\n    participant: svc\n    action: Do{i}\n    compensation: Undo{i}\n    reads: [order_id]\n    writes: [field_{i}]\n    idempotency_key: order_id\n"
        ));
    }
    s.push_str("  - id: pivot\n    participant: svc\n    action: Decide\n    kind: pivot\n    idempotency_key: order_id\n");
    s.push_str("  - id: notify\n    participant: svc\n    action: Notify\n    kind: retriable\n    idempotency_key: order_id\n");
    s
}

/// A choreography chain of `n` steps and a pivot. A failure is undone by a chain of
/// compensations: the failure of step `i` starts the compensation of step `i - 1`, whose
/// completion starts the one before it, down to the trigger's. Checks clean.
pub fn choreography(n: usize) -> String {
    let mut s = String::from(
        "version: 1\nsaga: big\ncoordination: choreography\nparticipants:\n  order: {}\n  svc: { outbox: { table: svc_outbox, relay: cdc } }\n\
         trigger:\n  participant: order\n  action: CreateOrder\n  event: order.created\n  data: [order_id]\n  outbox: { table: order_outbox, relay: cdc }\n  compensation: { action: RejectOrder, consumes: [step0.failed, undo0.done] }\nsteps:\n",
    );
    let mut previous = "order.created".to_owned();
    for i in 0..n {
        let next_failure = if i + 1 < n {
            format!("step{}.failed", i + 1)
        } else {
            "pivot.failed".to_owned()
        };
        let later_undo = if i + 1 < n {
            format!(", undo{}.done", i + 1)
        } else {
            String::new()
        };
        s.push_str(&format!(
            "  - id: step_{i}\n    participant: svc\n    consumes: {previous}\n    action: Do{i}\n    emits: {{ success: step{i}.done, failure: step{i}.failed }}\n    compensation: {{ action: Undo{i}, consumes: [{next_failure}{later_undo}], emits: undo{i}.done }}\n    reads: [order_id]\n    writes: [field_{i}]\n    idempotency_key: order_id\n"
        ));
        previous = format!("step{i}.done");
    }
    s.push_str(&format!(
        "  - id: pivot\n    participant: svc\n    consumes: {previous}\n    action: Decide\n    kind: pivot\n    emits: {{ success: pivot.done, failure: pivot.failed }}\n    idempotency_key: order_id\n"
    ));
    s.push_str("terminal_events: [pivot.done]\n");
    s
}

/// Both generators must produce specs that check clean, or the benchmark measures errors.
fn assert_clean(text: &str) {
    let checked = check_source(SourceFile::new("spec.yaml", text.to_owned()));
    assert!(
        checked.diagnostics.is_empty(),
        "{:?}",
        checked.diagnostics.first()
    );
}

fn shipped(c: &mut Criterion) {
    let mut group = c.benchmark_group("check/specs");
    for path in sagac::load::discover(std::path::Path::new("specs")).unwrap() {
        let text = std::fs::read_to_string(&path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        group.bench_function(name, |b| {
            b.iter(|| check_source(SourceFile::new("spec.yaml", text.clone())))
        });
    }
    group.finish();
}

fn generated(c: &mut Criterion) {
    assert_clean(&orchestration(50));
    assert_clean(&choreography(50));
    let mut group = c.benchmark_group("check/generated");
    group.sample_size(10);
    for n in [100, 1_000, 10_000] {
        for (style, text) in [
            ("orchestration", orchestration(n)),
            ("choreography", choreography(n)),
        ] {
            group.throughput(Throughput::Elements(n as u64));
            group.bench_with_input(BenchmarkId::new(style, n), &text, |b, text| {
                b.iter(|| check_source(SourceFile::new("spec.yaml", text.clone())))
            });
        }
    }
    group.finish();
}

/// A diagram file checked against its spec (already checked, as in one `check` run).
fn check_diagram(spec: &sagac::check::Checked, name: &str, text: &str) -> usize {
    let loaded = sagac::load::Loaded::Text(SourceFile::new(name, text.to_owned()));
    let checked = sagac::check::check_diagrams(loaded, &[spec], &Default::default());
    checked.diagnostics.len()
}

/// A diagram of `n` messages, each naming one of the `n` steps of [`orchestration`].
fn messages(n: usize) -> String {
    let mut d = String::from(
        "sequenceDiagram\n    participant order as Orchestrator\n    participant svc\n",
    );
    for i in 0..n {
        d.push_str(&format!("    order->>svc: Do{i}\n    svc-->>order: done\n"));
    }
    d
}

fn diagrams(c: &mut Criterion) {
    let mut group = c.benchmark_group("check/diagrams");
    let dir = std::path::Path::new("fixtures/submissions/correct-orchestration");
    let spec = check_source(SourceFile::new(
        "saga.yaml",
        std::fs::read_to_string(dir.join("saga.yaml")).unwrap(),
    ));
    let answers = std::fs::read_to_string(dir.join("answers.md")).unwrap();
    assert_eq!(check_diagram(&spec, "answers.md", &answers), 0);
    group.bench_function("correct-orchestration answers.md", |b| {
        b.iter(|| check_diagram(&spec, "answers.md", &answers))
    });
    // sagac's own diagram of every failure path of a 60-step saga: every failure path is
    // compared with a simulated run.
    let spec = check_source(SourceFile::new("spec.yaml", orchestration(60)));
    let combined = sagac::diagram::combined(spec.model().unwrap()).text;
    assert_eq!(check_diagram(&spec, "all.mmd", &combined), 0);
    group.sample_size(10);
    group.bench_function("combined diagram, 60 steps", |b| {
        b.iter(|| check_diagram(&spec, "all.mmd", &combined))
    });
    // Names looked up in a large spec: linear in the messages, whatever the names.
    let spec = check_source(SourceFile::new("spec.yaml", orchestration(10_000)));
    let text = messages(10_000);
    assert_eq!(check_diagram(&spec, "big.mmd", &text), 0);
    group.throughput(Throughput::Elements(20_000));
    group.bench_function("20,000 messages, 10,000 steps", |b| {
        b.iter(|| check_diagram(&spec, "big.mmd", &text))
    });
    group.finish();
}

criterion_group!(benches, shipped, generated, diagrams);
criterion_main!(benches);
