//! Grading many submissions at once, in parallel, with results in the order given, and
//! telling a folder of submissions from a submission.

use std::fs;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::submission::MAX_ENTRIES;
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

/// The submissions the paths stand for: each path is one, except a folder of submission
/// folders ([`submissions_in`]), which stands for each of its folders.
pub fn expand(paths: &[PathBuf]) -> Vec<PathBuf> {
    paths
        .iter()
        .flat_map(|p| submissions_in(p).unwrap_or_else(|| vec![p.clone()]))
        .collect()
}

/// The submission folders inside `dir`, sorted, when `dir` is a folder of submissions
/// rather than a submission: it holds no spec candidate (`*.yaml`, `*.yml`) and no
/// `answers.md` at its top, and at least two of its folders hold a spec candidate at
/// theirs. Every folder it holds (hidden ones aside) is then a submission, so a student
/// who handed in an empty folder still gets a grade. A zip of one folder is one submission.
pub fn submissions_in(dir: &Path) -> Option<Vec<PathBuf>> {
    let mut folders = Vec::new();
    for entry in fs::read_dir(dir).ok()?.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        let path = entry.path();
        let Ok(meta) = fs::symlink_metadata(&path) else {
            continue;
        };
        if meta.is_dir() {
            folders.push(path);
        } else if meta.is_file() && (is_spec_name(&name) || name.eq_ignore_ascii_case("answers.md"))
        {
            return None;
        }
    }
    let with_spec = folders.iter().filter(|f| holds_spec(f)).take(2).count();
    if with_spec < 2 {
        return None;
    }
    folders.sort();
    Some(folders)
}

/// A spec candidate's name: `*.yaml` or `*.yml`, not hidden.
fn is_spec_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    !name.starts_with('.') && (lower.ends_with(".yaml") || lower.ends_with(".yml"))
}

/// Whether a folder holds a spec candidate at its top (among its first entries, so that
/// telling a folder of submissions from a submission stays cheap).
fn holds_spec(dir: &Path) -> bool {
    let Ok(read) = fs::read_dir(dir) else {
        return false;
    };
    read.flatten().take(MAX_ENTRIES).any(|e| {
        is_spec_name(&e.file_name().to_string_lossy()) && e.file_type().is_ok_and(|t| t.is_file())
    })
}
