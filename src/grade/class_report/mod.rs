//! The class report (`sagac grade … --report report.html|report.md`): one self-contained
//! page for the instructor, beside the grades. The score distribution, each criterion's
//! pass/partial/fail rates, the rules and invariants most often broken (with an example
//! submission each), and similar submissions: specs that are the same saga up to renaming
//! ([`canonical`]), and pairs that share most of their structure ([`similarity`]), as a
//! hint for review. [`facts`] takes what a grade does not hold from each submission;
//! [`summary`] counts; `html.rs` and `markdown.rs` write the page. Every text that came
//! from a submission is escaped (`escape.rs`); nothing varies between runs.

pub mod canonical;
mod escape;
pub mod facts;
mod html;
mod markdown;
pub mod similarity;
pub mod summary;
mod svg;
#[cfg(test)]
mod tests;

use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

pub use facts::{Facts, gather};

use super::{Grade, Rubric};
use similarity::Similar;
use summary::{Distribution, Rate, Tally};

/// The two forms of the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A page with inline CSS and SVG, for a browser.
    Html,
    /// GitHub-flavoured Markdown, for a repository or a job summary.
    Markdown,
}

/// Where `--report` writes, and in which form (from the file's extension).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportFile {
    pub path: PathBuf,
    pub kind: Kind,
}

/// A `--report` path without a known extension.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownKind(String);

impl fmt::Display for UnknownKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the class report is written as HTML (a name ending in .html) or Markdown (.md), not `{}`",
            self.0
        )
    }
}

impl std::error::Error for UnknownKind {}

impl FromStr for ReportFile {
    type Err = UnknownKind;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let path = PathBuf::from(s);
        let extension = Path::new(s)
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        let kind = match extension.as_deref() {
            Some("html" | "htm") => Kind::Html,
            Some("md" | "markdown") => Kind::Markdown,
            _ => return Err(UnknownKind(s.to_owned())),
        };
        Ok(ReportFile { path, kind })
    }
}

/// Everything the page shows.
#[derive(Debug, Clone, PartialEq)]
pub struct ClassReport {
    /// The rubric's title and assignment id.
    pub title: String,
    pub assignment: String,
    pub distribution: Distribution,
    pub rates: Vec<Rate>,
    pub diagnostics: Vec<Tally>,
    pub invariants: Vec<Tally>,
    pub similar: Similar,
}

impl ClassReport {
    /// The report over `grades` and the `facts` of the same submissions, in the same order.
    pub fn new(rubric: &Rubric, grades: &[Grade], facts: &[Facts]) -> ClassReport {
        let shapes: Vec<(&str, Option<&canonical::Shape>)> = grades
            .iter()
            .zip(facts)
            .map(|(g, f)| (g.submission.as_str(), f.shape.as_ref()))
            .collect();
        ClassReport {
            title: rubric.def.title.clone(),
            assignment: rubric.def.assignment.clone(),
            distribution: summary::distribution(grades, rubric.max_score()),
            rates: summary::rates(rubric, grades),
            diagnostics: summary::diagnostics(grades, facts),
            invariants: summary::invariants(grades, facts),
            similar: similarity::find(&shapes),
        }
    }

    /// The page, in the form asked.
    pub fn render(&self, kind: Kind) -> String {
        match kind {
            Kind::Html => html::render(self),
            Kind::Markdown => markdown::render(self),
        }
    }
}

/// A coordination style as the spec writes it.
fn style(c: crate::model::Coordination) -> &'static str {
    match c {
        crate::model::Coordination::Orchestration => "orchestration",
        crate::model::Coordination::Choreography => "choreography",
    }
}

/// What the page says about similar submissions, before any of them: they are a hint.
pub const SIMILARITY_NOTE: &str = "Similar structure is a hint for review, never evidence of \
copying: in an assignment with one good design many students reach the same saga on their \
own, and the reference solutions are simple. Read the two specs and the answers side by side \
before drawing any conclusion.";

/// How similarity is measured, in the page's words.
pub const SIMILARITY_METHOD: &str = "Two specs are the same saga up to renaming when their \
canonical forms are equal: the structure of the resolved saga (the steps and their order, \
kinds, parallel groups, compensations, retry policies, timeouts, data read and written, \
events and who emits and consumes them, outboxes) with every name (ids, actions, \
participants, events, data fields) replaced by its position, and descriptions, the \
rationale and comments left out. Otherwise the similarity is the share of structural \
features the two specs have in common (features in both / features in either), rounded \
down and at most 99%.";
