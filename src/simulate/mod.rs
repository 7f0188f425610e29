//! `sagac simulate`: every scenario of a saga with its outcome, the compensations that ran
//! and the broken invariants, as a table for people or JSON for tools.

mod human;
pub mod isolation;
mod json;
pub mod trace;

use std::io::{self, Write};

use crate::model::Saga;
use crate::scenario::{self, Options, Scenario};

pub use human::render as render_human;
pub use json::render as render_json;

/// The scenarios of one saga and the totals.
#[derive(Debug, Clone)]
pub struct Report {
    pub scenarios: Vec<Scenario>,
    /// Distinct states explored, summed over the scenarios.
    pub states_explored: usize,
    /// Broken invariants, summed over the scenarios.
    pub violations: usize,
    /// Version 2: the scenarios whose run ends `needs_attention`.
    pub needs_attention: usize,
}

impl Report {
    pub fn new(scenarios: Vec<Scenario>) -> Report {
        Report {
            states_explored: scenarios.iter().map(|s| s.states).sum(),
            violations: scenarios.iter().map(|s| s.violations.len()).sum(),
            needs_attention: scenarios
                .iter()
                .filter(|s| s.outcome == scenario::Outcome::NeedsAttention)
                .count(),
            scenarios,
        }
    }
}

/// Simulates every scenario the options allow.
pub fn simulate(saga: &Saga, options: &Options) -> Report {
    Report::new(scenario::enumerate(saga, options))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// A table of scenarios, then each violation with its counterexample.
    Human,
    /// `{"scenarios":[...],"states_explored":N,"violations":N}`.
    Json,
}

/// Writes the report; `elapsed` appears in the human summary line only, so JSON stays
/// deterministic.
pub fn render(
    format: Format,
    saga: &Saga,
    report: &Report,
    elapsed: Option<std::time::Duration>,
    out: &mut dyn Write,
) -> io::Result<()> {
    render_with(format, saga, report, elapsed, Extras::default(), out)
}

/// What a report may add to each scenario and violation.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Extras {
    /// The counterexample as a Mermaid sequence diagram (`--diagram`): a ```mermaid fence
    /// in the human report, a `diagram` string in JSON.
    pub diagrams: bool,
    /// Each scenario's run as a numbered trace (`--trace`, and the default with
    /// `--scenario`): lines after the table in the human report, a `trace` array in JSON.
    pub traces: bool,
}

/// [`render`] with extras.
pub fn render_with(
    format: Format,
    saga: &Saga,
    report: &Report,
    elapsed: Option<std::time::Duration>,
    extras: Extras,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Human => human::render(saga, report, elapsed, extras, out),
        Format::Json => json::render(saga, report, extras, out),
    }
}

/// A counterexample as a sequence diagram: its actions, then a note where the invariant
/// broke.
pub fn counterexample_diagram(saga: &Saga, violation: &scenario::Violation) -> String {
    let note = format!(
        "{} broken: {}",
        violation.invariant.as_str(),
        violation.message
    );
    crate::diagram::sequence::trace(saga, &violation.trace, Some(&note)).text
}
