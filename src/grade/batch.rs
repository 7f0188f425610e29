//! Grading many submissions at once, in parallel, with results in the order given.

use std::path::PathBuf;

use rayon::prelude::*;

use super::{Grade, Rubric, grade_path};

/// Grades every submission on `jobs` threads (0: one per core), calling `done` as each one
/// finishes (for a progress bar). The results come back in the order of `paths`, whatever
/// order the threads finish in.
pub fn grade_all(
    rubric: &Rubric,
    paths: &[PathBuf],
    jobs: usize,
    done: &(dyn Fn() + Sync),
) -> Vec<Grade> {
    let work = || {
        paths
            .par_iter()
            .map(|p| {
                let g = grade_path(rubric, p);
                done();
                g
            })
            .collect()
    };
    // More threads than submissions would only cost their start.
    let jobs = if jobs == 0 {
        0
    } else {
        jobs.min(paths.len().max(1))
    };
    match rayon::ThreadPoolBuilder::new().num_threads(jobs).build() {
        Ok(pool) => pool.install(work),
        // Without a pool of its own (threads refused), grade on the calling thread.
        Err(_) => paths
            .iter()
            .map(|p| {
                let g = grade_path(rubric, p);
                done();
                g
            })
            .collect(),
    }
}
