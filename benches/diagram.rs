//! Diagram speed on generated sagas of 10 to 1,000 steps (the target: a 1,000-step spec
//! under 50 ms). The runs the sequence and state diagrams draw come from
//! `scenario::forks` (the happy run, and each failure run continued from where its fault
//! strikes); `render_*` benches time the drawing alone, from runs already made, and
//! `*_end_to_end` everything from the model to the text.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use sagac::diagram::{self, flowchart, sequence, state};
use sagac::scenario;

mod common;
use common::{choreography, orchestration, saga};

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("diagram");
    group.sample_size(10);
    for n in [10, 100, 300, 1000] {
        let saga = saga(orchestration(n));
        // Drawing alone, from runs already made.
        let happy = scenario::run(&saga, &[]);
        group.bench_with_input(BenchmarkId::new("render_happy", n), &saga, |b, s| {
            b.iter(|| black_box(sequence::scenario(s, &happy)))
        });
        group.bench_with_input(BenchmarkId::new("flowchart", n), &saga, |b, s| {
            b.iter(|| black_box(flowchart::render(s)))
        });
        {
            let (happy, branches) = diagram::failure_branches(&saga);
            group.bench_with_input(BenchmarkId::new("render_combined", n), &saga, |b, s| {
                b.iter(|| black_box(diagram::combined_from(s, &happy, &branches)))
            });
            group.bench_with_input(BenchmarkId::new("render_state", n), &saga, |b, s| {
                b.iter(|| black_box(state::render_from(s, &happy, &branches)))
            });
        }
        // End to end as `sagac diagram --path happy` does it: making the run, then drawing.
        group.bench_with_input(BenchmarkId::new("happy_end_to_end", n), &saga, |b, s| {
            b.iter(|| {
                black_box(diagram::sequence_diagrams(
                    s,
                    &diagram::Path::Scenario(Vec::new()),
                    false,
                ))
            })
        });
        group.bench_with_input(BenchmarkId::new("combined_end_to_end", n), &saga, |b, s| {
            b.iter(|| black_box(diagram::combined(s)))
        });
        group.bench_with_input(BenchmarkId::new("state_end_to_end", n), &saga, |b, s| {
            b.iter(|| black_box(state::render(s)))
        });
    }
    // A choreography: its failure runs are longer (events between the compensations).
    for n in [100, 1000] {
        // One service per step, as in the orchestration above.
        let saga = saga(choreography(n, n));
        group.bench_with_input(
            BenchmarkId::new("choreography_combined_end_to_end", n),
            &saga,
            |b, s| b.iter(|| black_box(diagram::combined(s))),
        );
        group.bench_with_input(
            BenchmarkId::new("choreography_happy_end_to_end", n),
            &saga,
            |b, s| {
                b.iter(|| {
                    black_box(diagram::sequence_diagrams(
                        s,
                        &diagram::Path::Scenario(Vec::new()),
                        false,
                    ))
                })
            },
        );
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
