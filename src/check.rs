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
}

/// Checks a file as read by [`crate::load::read`].
pub fn check_loaded(loaded: Loaded) -> Checked {
    match loaded {
        Loaded::Text(source) => check_source(source),
        Loaded::Unreadable(source, d) => Checked {
            source,
            diagnostics: vec![*d],
            saga: None,
            resolved: false,
        },
    }
}

/// Parses, resolves and runs every rule.
pub fn check_source(source: SourceFile) -> Checked {
    let spec = match syntax::parse(&source) {
        Ok(spec) => spec,
        Err(d) => {
            return Checked {
                source,
                diagnostics: vec![*d],
                saga: None,
                resolved: false,
            };
        }
    };
    let resolution = model::resolve(&spec, &source);
    let resolved = resolution.model().is_some();
    let mut diagnostics = resolution.diagnostics;
    if let Some(saga) = &resolution.saga {
        diagnostics.extend(rules::check(saga));
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
