//! The JSON contract: `{"files":[{"file","diagnostics":[{"code","severity","message","line",
//! "column","end_line","end_column","help"}]}],"summary":{"errors","warnings"}}` with
//! 1-based lines and character columns (`end_column` exclusive).

use std::io::{self, Write};

use serde::Serialize;

use crate::check::Checked;
use crate::diagnostic::{Counts, Diagnostic};
use crate::source::SourceFile;

#[derive(Serialize)]
pub struct JsonReport<'a> {
    pub files: Vec<JsonFile<'a>>,
    pub summary: Counts,
}

#[derive(Serialize)]
pub struct JsonFile<'a> {
    pub file: String,
    pub diagnostics: Vec<JsonDiagnostic<'a>>,
}

#[derive(Serialize)]
pub struct JsonDiagnostic<'a> {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: &'static str,
    pub message: &'a str,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub help: Option<&'a str>,
}

impl<'a> JsonDiagnostic<'a> {
    pub fn new(d: &'a Diagnostic, source: &SourceFile) -> Self {
        let start = source.line_col(d.span.start);
        let end = source.end_line_col(d.span);
        JsonDiagnostic {
            code: d.rule.code,
            name: d.rule.name,
            severity: d.severity().as_str(),
            message: &d.message,
            line: start.line,
            column: start.column,
            end_line: end.line,
            end_column: end.column,
            help: d.help.as_deref(),
        }
    }
}

pub fn report(files: &[Checked]) -> JsonReport<'_> {
    JsonReport {
        files: files
            .iter()
            .map(|f| JsonFile {
                file: f.source.name(),
                diagnostics: f
                    .diagnostics
                    .iter()
                    .map(|d| JsonDiagnostic::new(d, &f.source))
                    .collect(),
            })
            .collect(),
        summary: super::totals(files),
    }
}

pub fn render(files: &[Checked], out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &report(files))?;
    writeln!(out)
}
