//! Importing sagas written for other engines: Step Functions (Amazon States Language),
//! BPMN 2.0 and Serverless Workflow. The format is told from the content ([`detect`]);
//! each format's reader builds a [`Draft`] whose every value is spanned at the source
//! element it comes from; the draft becomes the spec's syntax tree ([`Imported::spec`]),
//! which the resolver, the rules and the simulation take as they take a spec file's, so
//! `sagac check` reports at the original file's lines; and the spec's text
//! ([`Imported::yaml`]), which `sagac import` writes.
//!
//! What the source says about failures that the spec language cannot carry over is a
//! [`Finding`]; a file that cannot be translated is an [`ImportError`]. Both are typed facts
//! with spans; `rules::import` words them. The importer knows no rule codes.

mod asl;
mod bpmn;
mod draft;
pub mod error;
mod pivot;
mod spec;
mod summary;
mod sw;
pub mod tree;
mod yaml;

pub use draft::{Draft, Format, Note, NoteKind};
pub use error::{Finding, FindingKind, ImportError, ImportErrorKind};
pub use summary::Summary;

use crate::source::{SourceFile, Span};
use crate::syntax::SpecDef;

/// What the user chose on the command line.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// BPMN: the process to import when the file holds several (`id` or `name`).
    pub process: Option<String>,
}

/// A translated saga.
#[derive(Debug, Clone)]
pub struct Imported {
    pub draft: Draft,
    pub findings: Vec<Finding>,
}

impl Imported {
    /// The spec's syntax tree, spanned in the source file.
    pub fn spec(&self) -> SpecDef {
        spec::spec(&self.draft)
    }

    /// The spec as YAML text, with comments naming the source elements.
    pub fn yaml(&self, source: &SourceFile) -> String {
        yaml::yaml(&self.draft, source)
    }

    /// What was mapped, approximated and left out.
    pub fn summary(&self) -> Summary {
        Summary::of(&self.draft, self.findings.len())
    }
}

/// The format of a file, from its content: XML is BPMN; a document with the keys `StartAt`
/// and `States` is Step Functions; one with `states` and `specVersion` (or `start`, or
/// `functions`) is Serverless Workflow. A saga spec is none of these (`None`).
pub fn detect(source: &SourceFile) -> Option<Format> {
    let text = source.text.trim_start();
    if text.starts_with('<') {
        return Some(Format::Bpmn);
    }
    if has_key(text, "StartAt") && has_key(text, "States") {
        return Some(Format::StepFunctions);
    }
    // Kogito reads a workflow without `specVersion`: `states` with `start` or `functions`.
    if has_key(text, "states")
        && (has_key(text, "specVersion") || has_key(text, "start") || has_key(text, "functions"))
    {
        return Some(Format::ServerlessWorkflow);
    }
    None
}

/// Whether `key` is written as a key: `"key":` (JSON) or `key:` at a line's start (YAML).
fn has_key(text: &str, key: &str) -> bool {
    let quoted = format!("\"{key}\"");
    text.match_indices(&quoted)
        .any(|(i, _)| text[i + quoted.len()..].trim_start().starts_with(':'))
        || text.lines().any(|l| {
            l.trim_start()
                .strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with(':'))
        })
}

/// Translates a file in a supported format (told by [`detect`]).
pub fn import(source: &SourceFile, options: &Options) -> Result<Imported, Vec<ImportError>> {
    let (draft, findings) = match detect(source) {
        Some(Format::StepFunctions) => {
            let root = tree::read(source).map_err(|e| vec![e])?;
            asl::import(&root, source)?
        }
        Some(Format::Bpmn) => bpmn::import(source, options)?,
        Some(Format::ServerlessWorkflow) => {
            let root = tree::read(source).map_err(|e| vec![e])?;
            sw::import(&root, source)?
        }
        None => {
            return Err(vec![ImportError::new(
                Span::new(0, 0),
                ImportErrorKind::UnknownFormat,
            )]);
        }
    };
    Ok(Imported { draft, findings })
}
