//! The human report: one row per scenario, then per scenario its run when traces are asked
//! for and each violation with its counterexample, then a summary line.

use std::io::{self, Write};

use crate::model::Saga;
use crate::scenario::owner_name;

use super::{Extras, Report, counterexample_diagram, trace};

pub fn render(
    saga: &Saga,
    report: &Report,
    elapsed: Option<std::time::Duration>,
    extras: Extras,
    out: &mut dyn Write,
) -> io::Result<()> {
    let rows: Vec<[String; 4]> = report
        .scenarios
        .iter()
        .map(|s| {
            let compensated = if s.compensated.is_empty() {
                "-".to_owned()
            } else {
                s.compensated
                    .iter()
                    .map(|&o| owner_name(saga, o))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let violated = if s.violations.is_empty() {
                "-".to_owned()
            } else {
                s.violations
                    .iter()
                    .map(|v| v.invariant.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            [
                s.name.clone(),
                s.outcome.as_str().to_owned(),
                compensated,
                violated,
            ]
        })
        .collect();
    let header = ["scenario", "outcome", "compensated", "violations"];
    let mut widths = header.map(str::len);
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    writeln!(
        out,
        "{} ({}): {}\n",
        saga.name.value,
        match saga.coordination {
            crate::model::Coordination::Orchestration => "orchestration",
            crate::model::Coordination::Choreography => "choreography",
        },
        plural(report.scenarios.len(), "scenario")
    )?;
    let line = |cells: [&str; 4]| {
        let mut s = String::from(" ");
        for (i, cell) in cells.iter().enumerate() {
            s.push(' ');
            if i + 1 == cells.len() {
                s.push_str(cell);
            } else {
                s.push_str(&format!("{cell:<w$}", w = widths[i]));
                s.push(' ');
            }
        }
        s.trim_end().to_owned()
    };
    writeln!(out, "{}", line(header))?;
    for row in &rows {
        writeln!(out, "{}", line([&row[0], &row[1], &row[2], &row[3]]))?;
    }
    for s in &report.scenarios {
        if extras.traces {
            writeln!(
                out,
                "\nrun of {} ({}, {}):",
                s.name,
                plural(s.trace.len(), "action"),
                s.outcome.as_str(),
            )?;
            for line in trace::lines(saga, &s.trace, 2) {
                writeln!(out, "{line}")?;
            }
        }
        for v in &s.violations {
            writeln!(out, "\nviolation: {} in {}", v.invariant.as_str(), s.name)?;
            writeln!(out, "  {}", v.message)?;
            writeln!(out, "  counterexample ({} actions):", v.trace.len())?;
            for line in trace::lines(saga, &v.trace, 4) {
                writeln!(out, "{line}")?;
            }
            if extras.diagrams {
                // Not indented, so the fence can be pasted into Markdown as it is.
                writeln!(out, "  as a sequence diagram:")?;
                write!(
                    out,
                    "{}",
                    crate::diagram::markdown::fence(&counterexample_diagram(saga, v))
                )?;
            }
        }
    }
    let time = elapsed
        .map(|d| format!(" in {}", format_elapsed(d)))
        .unwrap_or_default();
    writeln!(
        out,
        "\n{}, {} explored, {}{time}",
        plural(report.scenarios.len(), "scenario"),
        plural(report.states_explored, "distinct state"),
        plural(report.violations, "violation"),
    )
}

fn format_elapsed(d: std::time::Duration) -> String {
    let ms = d.as_secs_f64() * 1000.0;
    if ms < 1000.0 {
        format!("{ms:.1}ms")
    } else {
        format!("{:.2}s", d.as_secs_f64())
    }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}
