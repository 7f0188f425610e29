//! The check pipeline for one file: text → syntax → model → rules; and for a file of
//! diagrams beside the specs, text → Mermaid → conformance with a spec (`diagrams.rs`).

mod diagrams;

pub use diagrams::{MAX_CANDIDATES, check_diagrams};

use crate::diagnostic::{self, Counts, Diagnostic};
use crate::load::{FileKind, Loaded, kind_of};
use crate::model::{self, Saga};
use crate::source::SourceFile;
use crate::{import, rules, syntax};

/// One checked file: its text, what was found, and the model when one could be built.
#[derive(Debug)]
pub struct Checked {
    pub source: SourceFile,
    pub diagnostics: Vec<Diagnostic>,
    pub saga: Option<Saga>,
    /// Whether the model resolved without syntax or reference errors (what `simulate`,
    /// `diagram` and friends need).
    pub resolved: bool,
}

impl Checked {
    pub fn counts(&self) -> Counts {
        Counts::of(&self.diagnostics)
    }

    /// The model, when it resolved without syntax or reference errors: what a command that
    /// runs, draws or generates the saga needs.
    pub fn model(&self) -> Option<&Saga> {
        self.saga.as_ref().filter(|_| self.resolved)
    }
}

/// What a check runs beyond the rules.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Simulate every single fault and report broken invariants (`--no-simulate` turns it
    /// off). Only sagas whose model resolves and that have at most
    /// [`rules::simulation::MAX_STEPS`] steps are simulated.
    pub simulate: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options { simulate: true }
    }
}

/// Checks the files of one run, specs and diagrams, in the order given: the specs first,
/// then each file of diagrams with the specs of the run beside it (see `diagrams.rs` for
/// which spec a diagram is compared with).
pub fn check_all(files: Vec<Loaded>, options: &Options) -> Vec<Checked> {
    let mut specs: Vec<(usize, Checked)> = Vec::new();
    let mut diagrams: Vec<(usize, Loaded)> = Vec::new();
    for (i, loaded) in files.into_iter().enumerate() {
        match kind_of(&loaded.source().path) {
            FileKind::Spec => specs.push((i, check_loaded_with(loaded, options))),
            FileKind::Markdown | FileKind::Mermaid => diagrams.push((i, loaded)),
        }
    }
    let checked: Vec<&Checked> = specs.iter().map(|(_, c)| c).collect();
    let drawn: Vec<(usize, Checked)> = diagrams
        .into_iter()
        .map(|(i, loaded)| (i, check_diagrams(loaded, &checked, options)))
        .collect();
    let mut all: Vec<(usize, Checked)> = specs.into_iter().chain(drawn).collect();
    all.sort_by_key(|(i, _)| *i);
    all.into_iter().map(|(_, c)| c).collect()
}

/// Checks a file as read by [`crate::load::read`], with the default options.
pub fn check_loaded(loaded: Loaded) -> Checked {
    check_loaded_with(loaded, &Options::default())
}

/// Checks a file as read by [`crate::load::read`].
pub fn check_loaded_with(loaded: Loaded, options: &Options) -> Checked {
    match loaded {
        Loaded::Text(source) => check_source_with(source, options),
        Loaded::Unreadable(source, why) => Checked {
            source,
            diagnostics: vec![rules::reading::unreadable(why)],
            saga: None,
            resolved: false,
        },
    }
}

/// Checks a file as [`check_loaded_with`] does, importing a Step Functions, BPMN or
/// Serverless Workflow file with `import` (`check --process`: which process of a BPMN file
/// holding several).
pub fn check_loaded_importing(
    loaded: Loaded,
    options: &Options,
    import: &import::Options,
) -> Checked {
    match loaded {
        Loaded::Text(source) if import::detect(&source).is_some() => {
            check_imported(source, import, options)
        }
        loaded => check_loaded_with(loaded, options),
    }
}

/// Parses, resolves and runs every rule, with the default options.
pub fn check_source(source: SourceFile) -> Checked {
    check_source_with(source, &Options::default())
}

/// Parses, resolves and runs every rule (and the simulation, when asked and possible). A
/// Step Functions, BPMN or Serverless Workflow file is imported first ([`check_imported`]).
pub fn check_source_with(source: SourceFile, options: &Options) -> Checked {
    if import::detect(&source).is_some() {
        return check_imported(source, &import::Options::default(), options);
    }
    let spec = match syntax::parse(&source) {
        Ok(spec) => spec,
        Err(errors) => {
            return Checked {
                source,
                diagnostics: errors.iter().map(rules::reading::parse_error).collect(),
                saga: None,
                resolved: false,
            };
        }
    };
    check_spec(source, &spec, Vec::new(), options)
}

/// Imports a file of another format in memory and checks the spec it translates to: every
/// diagnostic points into the original file, and the import's own findings (its failure
/// paths that differ from a saga's) come with the rules'.
pub fn check_imported(
    source: SourceFile,
    import_options: &import::Options,
    options: &Options,
) -> Checked {
    match import::import(&source, import_options) {
        Ok(imported) => {
            let found = imported
                .findings
                .iter()
                .map(rules::import::finding)
                .collect();
            let mut checked = check_spec(source, &imported.spec(), found, options);
            one_idempotency_warning_per_step(&mut checked.diagnostics);
            checked
        }
        Err(errors) => Checked {
            source,
            diagnostics: errors.iter().map(rules::import::error).collect(),
            saga: None,
            resolved: false,
        },
    }
}

/// An imported step has no idempotency key (the formats cannot say one), so W603 would
/// warn at every step beside V705's counterexample at the same element: keep V705 (it
/// shows the duplicate applied twice) and W603 only where the simulation did not run.
fn one_idempotency_warning_per_step(diagnostics: &mut Vec<Diagnostic>) {
    let simulated: std::collections::HashSet<usize> = diagnostics
        .iter()
        .filter(|d| d.rule.code == "V705")
        .map(|d| d.span.start)
        .collect();
    diagnostics.retain(|d| !(d.rule.code == "W603" && simulated.contains(&d.span.start)));
}

/// Resolves a spec's syntax tree and runs the rules (and the simulation) over it, after the
/// diagnostics already found.
fn check_spec(
    source: SourceFile,
    spec: &syntax::SpecDef,
    mut diagnostics: Vec<Diagnostic>,
    options: &Options,
) -> Checked {
    let resolution = model::resolve(spec, &source);
    let resolved = resolution.model().is_some();
    diagnostics.extend(resolution.problems.iter().map(rules::reading::problem));
    if let Some(saga) = &resolution.saga {
        diagnostics.extend(rules::check(saga));
    }
    if options.simulate
        && resolved
        && let Some(saga) = &resolution.saga
    {
        diagnostics.extend(rules::simulation::check(saga, &source.name()));
    }
    diagnostic::sort(&mut diagnostics);
    diagnostics.dedup();
    Checked {
        source,
        diagnostics,
        saga: resolution.saga,
        resolved,
    }
}

/// The rules alone, without the simulation: what the rules' own unit tests need.
#[cfg(test)]
pub(crate) fn check_rules(source: SourceFile) -> Checked {
    check_source_with(source, &Options { simulate: false })
}
