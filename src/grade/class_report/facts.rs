//! What the class report needs from each submission beyond its grade: the rule codes its
//! spec was reported with, and the shape of its saga.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::canonical::{self, Shape};
use crate::diagnostic::Rule;
use crate::grade::submission::{self, Submission};

/// One submission's facts.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    /// One per rule its spec was reported with, in the order first reported.
    pub findings: Vec<Finding>,
    /// The saga's shape, when the spec resolved.
    pub shape: Option<Shape>,
}

/// A rule a spec was reported with.
#[derive(Debug, Clone)]
pub struct Finding {
    pub rule: &'static Rule,
    /// How many times in this spec.
    pub occurrences: usize,
    /// The first diagnostic's message (it may quote the student's names).
    pub message: String,
}

impl Facts {
    /// The facts of a submission already read.
    pub fn of(submission: &Submission) -> Facts {
        let Some(spec) = &submission.spec else {
            return Facts::default();
        };
        let mut findings: Vec<Finding> = Vec::new();
        for d in &spec.diagnostics {
            match findings.iter_mut().find(|f| f.rule.code == d.rule.code) {
                Some(f) => f.occurrences += 1,
                None => findings.push(Finding {
                    rule: d.rule,
                    occurrences: 1,
                    message: d.message.clone(),
                }),
            }
        }
        Facts {
            findings,
            shape: spec.model().map(canonical::shape),
        }
    }

    /// Reads a submission (as grading does) and takes its facts. A panic inside sagac is
    /// a submission without facts, so one submission cannot stop the report.
    pub fn read(path: &Path) -> Facts {
        catch_unwind(AssertUnwindSafe(|| Facts::of(&submission::read(path)))).unwrap_or_default()
    }
}

/// The facts of every submission, in the order of `paths`, on `jobs` threads (0: one per
/// core).
pub fn gather(paths: &[PathBuf], jobs: usize) -> Vec<Facts> {
    let work = || paths.par_iter().map(|p| Facts::read(p)).collect();
    let jobs = if jobs == 0 {
        0
    } else {
        jobs.min(paths.len().max(1))
    };
    match rayon::ThreadPoolBuilder::new().num_threads(jobs).build() {
        Ok(pool) => pool.install(work),
        Err(_) => paths.iter().map(|p| Facts::read(p)).collect(),
    }
}
