//! Grading speed: one submission, and a batch of 1,000 (the sample submissions repeated)
//! on two threads, as `sagac grade submissions/*/ --jobs 2` runs it. The target is a
//! batch of 1,000 in under 5 s on a 2-core machine.

use std::fs;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
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
}

criterion_group!(benches, bench);
criterion_main!(benches);
