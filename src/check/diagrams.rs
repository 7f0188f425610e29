//! Checking a file of diagrams (`answers.md`, `flow.mmd`): every sequence diagram is read
//! (M901-M904), and, with a spec checked in the same run, compared with it (M910-M915).
//!
//! Which spec a diagram draws: among the specs of the run that could be read, those in the
//! diagram's own folder, or, with none there, all of them. One is the spec; of several,
//! `saga.yaml` (or `saga.yml`) is, as for the grader; else the one the diagram disagrees
//! with least (the first in path order on a tie; at most [`MAX_CANDIDATES`] are compared).
//! Every finding names the spec it was compared with. No spec, no comparison: a diagram
//! given alone is only read, and no file outside the paths given is ever opened.

use std::path::{Component, Path, PathBuf};

use crate::diagnostic;
use crate::load::{FileKind, Loaded, kind_of};
use crate::mermaid::conformance::{Finding, Spec};
use crate::mermaid::{self, Diagram};
use crate::rules;

use super::{Checked, Options};

/// The most specs a diagram is compared with to find the one it draws.
pub const MAX_CANDIDATES: usize = 16;

/// The most disagreements with its spec reported for one file: a diagram with more does not
/// draw this spec, and each is worded with the spec's names.
pub const MAX_FINDINGS: usize = 1_000;

/// Checks a file of diagrams read by [`crate::load::read`], with the specs of the run.
pub fn check_diagrams(loaded: Loaded, specs: &[&Checked], options: &Options) -> Checked {
    let source = match loaded {
        Loaded::Text(source) => source,
        Loaded::Unreadable(source, why) => {
            return Checked {
                source,
                diagnostics: vec![rules::mermaid::unreadable(why)],
                saga: None,
                resolved: false,
            };
        }
    };
    let markdown = kind_of(&source.path) == FileKind::Markdown;
    let mut diagnostics = Vec::new();
    let reads = mermaid::read_file(&source.text, markdown);
    let mut diagrams: Vec<&Diagram> = Vec::new();
    for read in &reads {
        match &read.diagram {
            Ok(d) => diagrams.push(d),
            Err(e) => diagnostics.extend(rules::mermaid::parse_error(read, e)),
        }
    }
    if !diagrams.is_empty()
        && let Some((spec, findings)) = compared(&source.path, &diagrams, specs, options)
        && let Some(saga) = &spec.saga
    {
        let name = spec.source.name();
        diagnostics.extend(
            findings
                .iter()
                .take(MAX_FINDINGS)
                .map(|f| rules::mermaid::finding(f, saga, &name)),
        );
    }
    diagnostic::sort(&mut diagnostics);
    diagnostics.dedup();
    Checked {
        source,
        diagnostics,
        saga: None,
        resolved: false,
    }
}

/// The spec the diagrams are compared with, and what comparing them found.
fn compared<'a>(
    path: &Path,
    diagrams: &[&Diagram],
    specs: &[&'a Checked],
    options: &Options,
) -> Option<(&'a Checked, Vec<Finding>)> {
    let mut best: Option<(&Checked, Vec<Finding>)> = None;
    for spec in candidates(path, specs) {
        let findings = conformance(spec, diagrams, options);
        if best.as_ref().is_none_or(|(_, f)| findings.len() < f.len()) {
            best = Some((spec, findings));
        }
    }
    best
}

/// The specs a diagram at `path` may draw (see the module's documentation).
fn candidates<'a>(path: &Path, specs: &[&'a Checked]) -> Vec<&'a Checked> {
    let read: Vec<&Checked> = specs.iter().copied().filter(|c| c.saga.is_some()).collect();
    let folder = folder_of(path);
    let beside: Vec<&Checked> = read
        .iter()
        .copied()
        .filter(|c| folder_of(&c.source.path) == folder)
        .collect();
    let mut pool = if beside.is_empty() { read } else { beside };
    let named = |c: &&Checked| {
        let name = c.source.path.file_name().unwrap_or_default();
        name == "saga.yaml" || name == "saga.yml"
    };
    if let Some(saga) = pool.iter().copied().find(named) {
        return vec![saga];
    }
    pool.truncate(MAX_CANDIDATES);
    pool
}

/// The folder a path is in, `./` and an empty parent read alike.
fn folder_of(path: &Path) -> PathBuf {
    path.parent()
        .unwrap_or(Path::new(""))
        .components()
        .filter(|c| *c != Component::CurDir)
        .collect()
}

/// Every finding of every diagram against one spec; failure paths are simulated as
/// `check` simulates a spec (when asked, the model resolved, and it is small enough).
fn conformance(spec: &Checked, diagrams: &[&Diagram], options: &Options) -> Vec<Finding> {
    let Some(saga) = &spec.saga else {
        return Vec::new();
    };
    let simulate =
        options.simulate && spec.resolved && saga.steps.len() <= rules::simulation::MAX_STEPS;
    let mut compare = Spec::new(saga, simulate);
    diagrams.iter().flat_map(|d| compare.check(d)).collect()
}
