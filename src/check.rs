//! The check pipeline for one file: text → syntax → model → rules.

use crate::diagnostic::{self, Counts, Diagnostic};
use crate::load::Loaded;
use crate::model::{self, Saga};
use crate::source::SourceFile;
use crate::{rules, syntax};

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

/// Parses, resolves and runs every rule, with the default options.
pub fn check_source(source: SourceFile) -> Checked {
    check_source_with(source, &Options::default())
}

/// Parses, resolves and runs every rule (and the simulation, when asked and possible).
pub fn check_source_with(source: SourceFile, options: &Options) -> Checked {
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
    let resolution = model::resolve(&spec, &source);
    let resolved = resolution.model().is_some();
    let mut diagnostics: Vec<Diagnostic> = resolution
        .problems
        .iter()
        .map(rules::reading::problem)
        .collect();
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
