//! What sagac found in one version of a document: the same `check` the command line runs
//! (load limits, syntax, model, rules), the model when one was built, and the index of the
//! names it writes (`model::symbols`) that hover, navigation and completion read. The
//! single-fault simulation (V7xx) is added later, in the background ([`simulated`]).

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use crate::check::{self, Checked, Options};
use crate::diagnostic::{self, Diagnostic};
use crate::load;
use crate::model::Saga;
use crate::model::symbols::{self, Occurrence};
use crate::rules;
use crate::scenario::Budget;

use super::documents::{Document, Kind};

/// One version of a document, checked.
#[derive(Debug)]
pub struct Analysis {
    pub version: i32,
    pub kind: Kind,
    /// The text (as a `SourceFile`), the diagnostics and the model.
    pub checked: Checked,
    /// Every name the saga writes (empty without a model).
    pub symbols: Vec<Occurrence>,
    /// Whether the V7xx simulation has run on this version (its findings are in the
    /// diagnostics).
    pub simulated: bool,
}

impl Analysis {
    /// The model, whether or not every reference resolved (what hover and navigation can
    /// still use in a spec with an undeclared participant).
    pub fn saga(&self) -> Option<&Saga> {
        self.checked.saga.as_ref()
    }

    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.checked.diagnostics
    }

    /// Whether the simulation applies: a spec whose model resolved, small enough for
    /// `check` to simulate.
    pub fn wants_simulation(&self) -> bool {
        !self.simulated
            && self
                .checked
                .model()
                .is_some_and(|s| s.steps.len() <= rules::simulation::MAX_STEPS)
    }
}

/// Checks a spec's text as `sagac check --no-simulate` does.
pub fn spec(document: &Document) -> Analysis {
    let loaded = load::from_text(&document.path, document.text.as_str().to_owned());
    let checked = check::check_loaded_with(loaded, &Options { simulate: false });
    let symbols = checked
        .saga
        .as_ref()
        .map(symbols::occurrences)
        .unwrap_or_default();
    Analysis {
        version: document.version,
        kind: Kind::Spec,
        checked,
        symbols,
        simulated: false,
    }
}

/// Checks a file of diagrams against the specs of its folder, as `sagac check` does when
/// given the folder: `open` are the editor's versions of specs, the other specs of the
/// folder are read from disk (within the same limits).
pub fn diagrams(document: &Document, open: &[Arc<Analysis>]) -> Analysis {
    let folder = document.folder();
    let mut from_disk = Vec::new();
    for path in specs_on_disk(folder) {
        let is_open = open.iter().any(|a| a.checked.source.path == path);
        if !is_open && let Ok(loaded) = load::read(&path) {
            from_disk.push(check::check_loaded_with(
                loaded,
                &Options { simulate: false },
            ));
        }
    }
    let specs: Vec<&Checked> = open
        .iter()
        .map(|a| &a.checked)
        .chain(from_disk.iter())
        .collect();
    let loaded = load::from_text(&document.path, document.text.as_str().to_owned());
    let checked = check::check_diagrams(loaded, &specs, &Options::default());
    Analysis {
        version: document.version,
        kind: Kind::Diagrams,
        checked,
        symbols: Vec::new(),
        simulated: true,
    }
}

/// A document sagac does not read: nothing found.
pub fn other(document: &Document) -> Analysis {
    let source = crate::source::SourceFile::new(&document.path, String::new());
    Analysis {
        version: document.version,
        kind: Kind::Other,
        checked: Checked {
            source,
            diagnostics: Vec::new(),
            saga: None,
            resolved: false,
        },
        symbols: Vec::new(),
        simulated: true,
    }
}

/// The specs `sagac check` would read in a folder (not below it), sorted, at most
/// [`check::MAX_CANDIDATES`].
fn specs_on_disk(folder: &Path) -> Vec<std::path::PathBuf> {
    let folder = if folder.as_os_str().is_empty() {
        Path::new(".")
    } else {
        folder
    };
    let Ok(entries) = std::fs::read_dir(folder) else {
        return Vec::new();
    };
    let mut found: Vec<_> = entries
        .flatten()
        .take(10_000)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .map(|e| e.path())
        .filter(|p| {
            let name = p.file_name().unwrap_or_default().to_string_lossy();
            (name.ends_with(".yaml") || name.ends_with(".yml")) && !name.starts_with("rubric.")
        })
        .collect();
    found.sort();
    found.truncate(check::MAX_CANDIDATES);
    found
}

/// The V7xx findings of a checked spec, added to its diagnostics as `sagac check` adds
/// them; `None` when `stop` was set before the simulation finished (the next edit).
pub fn simulated(analysis: &Analysis, stop: Arc<AtomicBool>) -> Option<Vec<Diagnostic>> {
    let saga = analysis.checked.model()?;
    let name = analysis.checked.source.name();
    let found = rules::simulation::check_within(saga, &name, &Budget::until(stop))?;
    let mut all = analysis.checked.diagnostics.clone();
    all.extend(found);
    diagnostic::sort(&mut all);
    all.dedup();
    Some(all)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn analysed(text: &str) -> Analysis {
        let uri = lsp_types::Uri::from_str("file:///t/saga.yaml").unwrap();
        spec(&Document::new(uri, 1, text.to_owned()))
    }

    #[test]
    fn the_simulation_adds_v7xx_and_stops_when_told() {
        let text =
            std::fs::read_to_string("fixtures/rules/C201-missing-compensation.yaml").unwrap();
        let a = analysed(&text);
        assert!(a.wants_simulation());
        let codes = |d: &[Diagnostic]| d.iter().map(Diagnostic::code).collect::<Vec<_>>();
        assert_eq!(codes(a.diagnostics()), ["C201"]);
        let done = simulated(&a, Arc::new(AtomicBool::new(false))).unwrap();
        assert_eq!(codes(&done), ["C201", "V701"]);
        // The next edit has come: the exploration stops at once, with nothing.
        assert_eq!(simulated(&a, Arc::new(AtomicBool::new(true))), None);
    }
}
