//! Layer 4: diagnostics to text. Every format reads [`Checked`] files (the diagnostics and
//! the source text already loaded) and writes to a writer; none re-reads a file.

pub mod github;
pub mod human;
pub mod json;
pub mod junit;
pub mod sarif;

use std::io::{self, Write};

use crate::check::Checked;
use crate::diagnostic::Counts;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// miette's report: file, line, the YAML under a label, and help.
    Human,
    /// `{"files":[...],"summary":{...}}`: the contract tests and tools read.
    Json,
    /// GitHub Actions workflow commands (annotations on the pull request).
    Github,
    /// SARIF 2.1.0 for GitHub code scanning.
    Sarif,
    /// JUnit XML: one test suite per file, one test case per diagnostic.
    Junit,
}

pub fn render(
    format: Format,
    files: &[Checked],
    color: bool,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Human => human::render(files, color, out),
        Format::Json => json::render(files, out),
        Format::Github => github::render(files, out),
        Format::Sarif => sarif::render(files, out),
        Format::Junit => junit::render(files, out),
    }
}

pub fn totals(files: &[Checked]) -> Counts {
    let mut c = Counts::default();
    for f in files {
        c.merge(f.counts());
    }
    c
}
