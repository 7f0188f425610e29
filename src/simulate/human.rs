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
    let v2 = saga.is_v2();
    let (header, rows) = table(saga, report);
    let mut widths: Vec<usize> = header.iter().map(|h| h.len()).collect();
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
    let line = |cells: &[&str]| {
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
    writeln!(out, "{}", line(&header))?;
    for row in &rows {
        let cells: Vec<&str> = row.iter().map(String::as_str).collect();
        writeln!(out, "{}", line(&cells))?;
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
    )?;
    // Version 2: runs that end telling a human what is left are a visible outcome.
    if v2 && report.needs_attention > 0 {
        let n = report.needs_attention;
        writeln!(
            out,
            "{} attention (`--deny needs-attention` makes that an error)",
            if n == 1 {
                "1 run needs".to_owned()
            } else {
                format!("{n} runs need")
            }
        )?;
    }
    Ok(())
}

/// The table's header and rows: version 2 adds what the caller was told and what is left.
fn table(saga: &Saga, report: &Report) -> (Vec<&'static str>, Vec<Vec<String>>) {
    let v2 = saga.is_v2();
    let names = |owners: &[crate::model::Owner]| {
        if owners.is_empty() {
            "-".to_owned()
        } else {
            owners
                .iter()
                .map(|&o| owner_name(saga, o))
                .collect::<Vec<_>>()
                .join(", ")
        }
    };
    let rows: Vec<Vec<String>> = report
        .scenarios
        .iter()
        .map(|s| {
            let violated = if s.violations.is_empty() {
                "-".to_owned()
            } else {
                s.violations
                    .iter()
                    .map(|v| v.invariant.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let mut row = vec![s.name.clone(), s.outcome.as_str().to_owned()];
            if v2 {
                // Version 2: what the caller was told (and the cancel's answer).
                let mut caller = s.told.caller.clone().unwrap_or_else(|| "-".to_owned());
                if let Some(answer) = s.told.cancel_answer {
                    caller.push_str(&format!(" (cancel: {})", answer.as_str()));
                }
                row.push(caller);
            }
            row.push(names(&s.compensated));
            if v2 {
                row.push(names(&s.told.left));
            }
            row.push(violated);
            row
        })
        .collect();
    let header: Vec<&'static str> = if v2 {
        vec![
            "scenario",
            "outcome",
            "caller",
            "compensated",
            "left",
            "violations",
        ]
    } else {
        vec!["scenario", "outcome", "compensated", "violations"]
    };
    (header, rows)
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
