//! The class report's cost for a class of 1,000: what `--report` adds to `sagac grade`
//! (reading each submission again for its rule codes and shape, on two threads; then the
//! counts, the similarity and the page), and the similarity alone at its worst: 1,000
//! different sagas of the same size, so no group and no size bound saves a comparison,
//! for student-sized sagas and for sagas large enough that the feature sample is full.

use std::fs;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use sagac::check::{self, Options};
use sagac::grade::class_report::canonical::{self, Shape};
use sagac::grade::class_report::{self, ClassReport, Kind, similarity};
use sagac::grade::{assignments, batch};
use sagac::source::SourceFile;

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

/// An orchestration of `steps` steps whose retry policies spell `variant` in base 5, so
/// that every variant is another saga of the same size.
fn saga(steps: usize, variant: usize) -> Shape {
    let mut y =
        String::from("version: 1\nsaga: s\ncoordination: orchestration\nparticipants:\n  o: {}\n");
    for i in 0..steps {
        y.push_str(&format!("  p{i}: {{}}\n"));
    }
    y.push_str("orchestrator: { participant: o, log: l }\ntrigger:\n  participant: o\n  action: Start\n  compensation: Stop\n  event: s.started\n  outbox: { table: t, relay: cdc }\nsteps:\n");
    let mut digits = variant;
    for i in 0..steps {
        let attempts = 1 + digits % 5;
        digits /= 5;
        y.push_str(&format!(
            "  - id: s{i}\n    participant: p{i}\n    action: Do{i}\n    kind: compensatable\n    compensation: Undo{i}\n    idempotency_key: k\n    reads: [k]\n    retry: {{ max_attempts: {attempts} }}\n"
        ));
    }
    let checked = check::check_source_with(
        SourceFile::new("bench.yaml", y),
        &Options { simulate: false },
    );
    canonical::shape(checked.model().expect("the generated saga resolves"))
}

fn bench(c: &mut Criterion) {
    let rubric = assignments::find("order-saga").unwrap().load().unwrap();
    let mut samples: Vec<PathBuf> = fs::read_dir("fixtures/submissions")
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    samples.sort();
    let dir = tempfile::tempdir().unwrap();
    let paths: Vec<PathBuf> = (0..1000)
        .map(|i| {
            let to = dir.path().join(format!("student-{i:04}"));
            copy_dir(&samples[i % samples.len()], &to);
            to
        })
        .collect();
    let grades = batch::grade_all(&rubric, &paths, 2, &|| {});
    let facts = class_report::gather(&paths, 2);

    let mut group = c.benchmark_group("class report, 1000 submissions");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    group.bench_function("facts: each submission read again, 2 threads", |b| {
        b.iter(|| black_box(class_report::gather(&paths, 2)))
    });
    group.bench_function("counts, similarity and the HTML page", |b| {
        b.iter(|| {
            let report = ClassReport::new(&rubric, &grades, &facts);
            black_box(report.render(Kind::Html))
        })
    });
    group.finish();

    let mut group = c.benchmark_group("similarity, 1000 different sagas");
    group.sample_size(10);
    for steps in [6, 200] {
        let shapes: Vec<Shape> = (0..1000).map(|v| saga(steps, v)).collect();
        let names: Vec<String> = (0..1000).map(|i| format!("student-{i:04}")).collect();
        let input: Vec<(&str, Option<&Shape>)> = names
            .iter()
            .zip(&shapes)
            .map(|(n, s)| (n.as_str(), Some(s)))
            .collect();
        group.bench_function(format!("{steps} steps each"), |b| {
            b.iter(|| black_box(similarity::find(&input)))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
