//! Grading speed: one submission, a batch of 1,000 (the sample submissions repeated) on two
//! threads, as `sagac grade submissions/*/ --jobs 2` runs it, and the largest submissions
//! inside the limits. The targets: a batch of 1,000 in under 5 s on a 2-core machine, and
//! any one submission inside the limits in under 2 s and 256 MiB (whole process, measured
//! on the inputs this bench writes: set `SAGAC_GRADE_INPUTS=DIR` to keep them in DIR).

use std::fs;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use sagac::grade::submission::{MAX_DIAGRAM_FILES, MAX_SPEC_BYTES, MAX_TEXT_BYTES};
use sagac::grade::{assignments, batch, grade_path};

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Lines appended while the text stays within `limit` bytes.
fn fill(text: &mut String, limit: u64, mut line: impl FnMut(usize) -> String) {
    for i in 0.. {
        let next = line(i);
        if (text.len() + next.len()) as u64 > limit {
            break;
        }
        text.push_str(&next);
    }
}

/// The longest saga inside the spec limit: one short line per compensatable step (about
/// 12,000), then the payment and the email, with the largest `answers.md` and as many of
/// the largest diagrams as are read.
fn long_submission(dir: &Path) {
    fs::create_dir_all(dir).unwrap();
    let tail = "- {id: charge_payment, participant: payment, action: ChargeCard, kind: pivot}\n- {id: send_email, participant: notification, action: SendEmail, kind: retriable}\n";
    let mut spec = String::from(
        "version: 1\nsaga: s\ncoordination: orchestration\nparticipants:\n  order: {}\n  inventory: {}\n  payment: {}\n  notification: {}\norchestrator: { participant: order, log: l }\ntrigger: { participant: order, action: Create, compensation: Cancel, event: order.created, outbox: { table: t, relay: cdc } }\nsteps:\n",
    );
    fill(&mut spec, MAX_SPEC_BYTES - tail.len() as u64, |i| {
        format!(
            "- {{id: r{i}, participant: inventory, action: Reserve{i}, compensation: Release{i}}}\n"
        )
    });
    spec.push_str(tail);
    fs::write(dir.join("saga.yaml"), &spec).unwrap();
    let diagram_line = |i: usize| match i % 4 {
        0 => format!("order->>inventory: Reserve{i}\nalt payment declined\n"),
        1 => format!("  order->>payment: ChargeCard failed {i}\n"),
        2 => "else paid\n".to_owned(),
        _ => format!("  order->>inventory: Release{i}\nend\n"),
    };
    let mut answers =
        String::from("# Coordination\n\nI chose orchestration.\n\n```mermaid\nsequenceDiagram\n");
    fill(&mut answers, MAX_TEXT_BYTES - 4, diagram_line);
    answers.push_str("```\n");
    fs::write(dir.join("answers.md"), answers).unwrap();
    for d in 0..MAX_DIAGRAM_FILES {
        let mut diagram = String::from("sequenceDiagram\n");
        fill(&mut diagram, MAX_TEXT_BYTES, diagram_line);
        fs::write(dir.join(format!("d{d}.mmd")), diagram).unwrap();
    }
}

/// The order saga with its inventory step split into a parallel group of `width`: the
/// runs grow as 3^width.
fn wide_submission(dir: &Path, width: usize) {
    fs::create_dir_all(dir).unwrap();
    let mut y = String::from(
        "version: 1\nsaga: place_order\ncoordination: orchestration\nparticipants:\n  order: {}\n  inventory: {}\n  payment: {}\n  notification: {}\norchestrator: { participant: order, log: order_saga_log }\ntrigger:\n  participant: order\n  action: CreateOrder\n  compensation: CancelOrder\n  event: order.created\n  outbox: { table: order_outbox, relay: polling }\nsteps:\n  - parallel:\n",
    );
    for i in 0..width {
        y.push_str(&format!(
            "      - {{ id: reserve_{i}, participant: inventory, action: Reserve{i}, compensation: Release{i}, failures: [Out] }}\n"
        ));
    }
    y.push_str("  - { id: charge_payment, participant: payment, action: ChargeCard, kind: pivot, failures: [Declined] }\n");
    y.push_str(
        "  - { id: send_email, participant: notification, action: SendEmail, kind: retriable }\n",
    );
    fs::write(dir.join("saga.yaml"), y).unwrap();
}

/// A choreography whose first event has `width` consumers, each with its own service,
/// then the payment and the email: every delivery order is a run.
fn fan_out_submission(dir: &Path, width: usize) {
    fs::create_dir_all(dir).unwrap();
    let mut y = String::from(
        "version: 1\nsaga: place_order\ncoordination: choreography\nparticipants:\n  order: {}\n  payment: {}\n  notification: {}\n",
    );
    for i in 0..width {
        y.push_str(&format!("  inventory_{i}: {{}}\n"));
    }
    y.push_str("trigger: { participant: order, action: CreateOrder, event: order.created, compensation: { action: CancelOrder, consumes: [r0.failed] }, outbox: { table: order_outbox, relay: cdc } }\nsteps:\n");
    for i in 0..width {
        y.push_str(&format!(
            "  - {{ id: reserve_{i}, participant: inventory_{i}, consumes: order.created, action: Reserve{i}, failures: [Out], emits: {{ success: r{i}.done, failure: r{i}.failed }}, compensation: {{ action: Release{i}, consumes: [payment.failed] }} }}\n"
        ));
    }
    y.push_str("  - { id: charge_payment, participant: payment, consumes: r0.done, action: ChargeCard, kind: pivot, failures: [Declined], emits: { success: payment.done, failure: payment.failed } }\n");
    y.push_str("  - { id: send_email, participant: notification, consumes: payment.done, action: SendEmail, kind: retriable, emits: { success: email.sent } }\n");
    y.push_str("terminal_events: [email.sent]\n");
    fs::write(dir.join("saga.yaml"), y).unwrap();
}

fn bench(c: &mut Criterion) {
    let rubric = assignments::find("order-saga").unwrap().load().unwrap();
    let samples: Vec<PathBuf> = {
        let mut v: Vec<PathBuf> = fs::read_dir("fixtures/submissions")
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.is_dir())
            .collect();
        v.sort();
        v
    };
    let dir = tempfile::tempdir().unwrap();
    let batch_paths: Vec<PathBuf> = (0..1000)
        .map(|i| {
            let to = dir.path().join(format!("student-{i:04}"));
            copy_dir(&samples[i % samples.len()], &to);
            to
        })
        .collect();

    let one = Path::new("fixtures/submissions/correct-orchestration");
    c.bench_function("grade one submission", |b| {
        b.iter(|| black_box(grade_path(&rubric, one)))
    });

    let mut group = c.benchmark_group("grade batch");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(35));
    group.bench_function("1000 submissions, --jobs 2", |b| {
        b.iter(|| black_box(batch::grade_all(&rubric, &batch_paths, 2, &|| {})))
    });
    group.finish();

    let inputs = std::env::var_os("SAGAC_GRADE_INPUTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| dir.path().join("largest"));
    let largest = [
        (
            "1 MiB spec of 12,000 steps, largest answers and diagrams",
            "long",
        ),
        ("parallel group of 16 steps", "wide"),
        ("choreography, one event with 16 consumers", "fan-out"),
    ];
    long_submission(&inputs.join("long"));
    wide_submission(&inputs.join("wide"), 16);
    fan_out_submission(&inputs.join("fan-out"), 16);
    let mut group = c.benchmark_group("grade largest inside the limits");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    for (name, folder) in largest {
        let path = inputs.join(folder);
        group.bench_function(name, |b| b.iter(|| black_box(grade_path(&rubric, &path))));
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
