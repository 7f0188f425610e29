//! One renderer per output format. Each reads grades (never a file) and writes to a writer;
//! none prints anything that varies, so identical input gives identical output. The one
//! time written, Gradescope's `execution_time`, is in whole seconds.

pub mod classroom;
pub mod csv;
pub mod github;
pub mod gradescope;
pub mod human;
pub mod json;
pub mod junit;
pub mod markdown;

use std::io::{self, Write};
use std::path::Path;
use std::time::Duration;

use super::{Grade, Rubric};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// A terminal report: score, then each criterion with what was found.
    Human,
    /// `{"submission","score","max_score","criteria":[...]}` (an array for several).
    Json,
    /// The feedback a student reads: what passed, what failed, why, and what to read.
    Markdown,
    /// Gradescope's `results.json` (one submission).
    Gradescope,
    /// GitHub Classroom's autograding result (one submission); also written base64-encoded
    /// to `$GITHUB_OUTPUT` as `result` for the grading reporter.
    Classroom,
    /// JUnit XML: a test suite per submission, a test case per criterion.
    Junit,
    /// GitHub Actions annotations, and the Markdown feedback in the job summary.
    Github,
}

impl Format {
    /// Formats whose file carries the score: the exit code stays 0 below full marks.
    pub fn score_in_file(self) -> bool {
        matches!(self, Format::Gradescope | Format::Classroom)
    }

    /// Formats that describe exactly one submission.
    pub fn single(self) -> bool {
        matches!(self, Format::Gradescope | Format::Classroom)
    }
}

pub fn render(
    format: Format,
    rubric: &Rubric,
    grades: &[Grade],
    color: bool,
    step_summary: Option<&Path>,
    elapsed: Duration,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Human => human::render(grades, color, out),
        Format::Json => json::render(grades, out),
        Format::Markdown => markdown::render(rubric, grades, out),
        Format::Gradescope => gradescope::render(rubric, grades, elapsed, out),
        Format::Classroom => classroom::render(grades, out),
        Format::Junit => junit::render(grades, out),
        Format::Github => github::render(rubric, grades, step_summary, out),
    }
}
