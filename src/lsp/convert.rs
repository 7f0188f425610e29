//! sagac's diagnostics as the protocol's: the same code, severity and message, the span
//! as a UTF-16 range, the secondary labels as related information (in the same file), and
//! the help after the message, as every other format prints it. The rule's documentation
//! (`sagac explain`) is the hover over the range.

use lsp_types::{DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString, Uri};

use crate::diagnostic::{Diagnostic, Severity};
use crate::source::SourceFile;

use super::position::range;

/// The name clients show as the diagnostics' source.
pub const SOURCE: &str = "sagac";

pub fn diagnostic(uri: &Uri, source: &SourceFile, d: &Diagnostic) -> lsp_types::Diagnostic {
    let mut message = d.message.clone();
    if let Some(help) = &d.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    let related: Vec<DiagnosticRelatedInformation> = d
        .related
        .iter()
        .map(|r| DiagnosticRelatedInformation {
            location: Location::new(uri.clone(), range(source, r.span)),
            message: r.label.clone(),
        })
        .collect();
    lsp_types::Diagnostic {
        range: range(source, d.span),
        severity: Some(match d.severity() {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
        }),
        code: Some(NumberOrString::String(d.code().to_owned())),
        code_description: None,
        source: Some(SOURCE.to_owned()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: None,
    }
}

pub fn diagnostics(
    uri: &Uri,
    source: &SourceFile,
    found: &[Diagnostic],
) -> Vec<lsp_types::Diagnostic> {
    found.iter().map(|d| diagnostic(uri, source, d)).collect()
}
