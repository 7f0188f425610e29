//! `sagac simulate` of a saga with `resources`: several instances interleaved. The human
//! report lists the instances, one row per scenario (`a`'s outcome, then the others'),
//! and each violation with its counterexample, every line prefixed with its instance
//! (`[b]`). JSON: `{"instances":[{"label","saga"}],"scenarios":[{"name","outcome",
//! "instances":[{"label","outcome"}],"violations":[{"invariant","instance","message",
//! "trace"}],"states"}],"states_explored","violations"}`; the top-level `outcome` is `a`'s.
//! With `--diagram`, each counterexample is also a Mermaid sequence diagram of both
//! instances (`diagram::isolation`): a fence in the human report, a `diagram` string in JSON.

use std::io::{self, Write};

use serde::Serialize;

use crate::model::Saga;
use crate::scenario::isolation::IsolationScenario;

use super::trace::TraceEntry;

/// Writes the report; `extras.diagrams` draws each counterexample, `extras.traces` prints
/// each scenario's representative run (human report only).
pub fn render(
    json: bool,
    sagas: &[&Saga],
    scenarios: &[IsolationScenario],
    extras: super::Extras,
    out: &mut dyn Write,
) -> io::Result<()> {
    if json {
        let report = JsonReport::of(sagas, scenarios, extras.diagrams);
        serde_json::to_writer_pretty(&mut *out, &report).map_err(io::Error::other)?;
        return writeln!(out);
    }
    human(sagas, scenarios, extras.diagrams, out)?;
    let traces = extras.traces;
    if traces {
        for s in scenarios {
            writeln!(out)?;
            writeln!(out, "run of {}:", s.name)?;
            lines(sagas, s, &s.trace, out)?;
        }
    }
    Ok(())
}

/// A run as numbered lines, each prefixed with its instance (`  3. [b] ...`).
fn lines(
    sagas: &[&Saga],
    s: &IsolationScenario,
    trace: &[(u8, crate::scenario::Action)],
    out: &mut dyn Write,
) -> io::Result<()> {
    let digits = trace.len().to_string().len();
    for (n, (i, action)) in trace.iter().enumerate() {
        let letter = s.labels[usize::from(*i)].letter;
        let saga = sagas[usize::from(*i)];
        writeln!(
            out,
            "  {:>digits$}. [{letter}] {}",
            n + 1,
            action.describe(saga)
        )?;
    }
    Ok(())
}

fn human(
    sagas: &[&Saga],
    scenarios: &[IsolationScenario],
    diagrams: bool,
    out: &mut dyn Write,
) -> io::Result<()> {
    let Some(first) = scenarios.first() else {
        return Ok(());
    };
    let instances: Vec<String> = first
        .labels
        .iter()
        .map(|l| format!("{} = {}", l.letter, l.saga))
        .collect();
    writeln!(
        out,
        "{}: {} instances interleaved ({})",
        sagas[0].name.value,
        first.labels.len(),
        instances.join(", ")
    )?;
    writeln!(out)?;
    let width = scenarios
        .iter()
        .map(|s| s.name.len())
        .max()
        .unwrap_or(8)
        .max(8);
    writeln!(
        out,
        "  {:width$}  {:12}  {:28}  violations",
        "scenario", "a", "others"
    )?;
    for s in scenarios {
        let a = s.outcomes.first().map_or("", |o| o.as_str());
        let others: Vec<String> = s
            .labels
            .iter()
            .zip(&s.outcomes)
            .skip(1)
            .map(|(l, o)| format!("{}: {}", l.letter, o.as_str()))
            .collect();
        let broken: Vec<&str> = s.violations.iter().map(|v| v.invariant.as_str()).collect();
        let broken = if broken.is_empty() {
            "-".to_owned()
        } else {
            broken.join(", ")
        };
        writeln!(
            out,
            "  {:width$}  {:12}  {:28}  {broken}",
            s.name,
            a,
            others.join(", ")
        )?;
    }
    for s in scenarios {
        for v in &s.violations {
            writeln!(out)?;
            writeln!(out, "{} in {}: {}", v.invariant.as_str(), s.name, v.message)?;
            lines(sagas, s, &v.trace, out)?;
            if diagrams {
                // Not indented, so the fence can be pasted into Markdown as it is.
                writeln!(out, "  as a sequence diagram:")?;
                let d = crate::diagram::isolation::counterexample(sagas, &s.labels, v);
                write!(out, "{}", crate::diagram::markdown::fence(&d.text))?;
            }
        }
    }
    let states: usize = scenarios.iter().map(|s| s.states).sum();
    let violations: usize = scenarios.iter().map(|s| s.violations.len()).sum();
    writeln!(out)?;
    writeln!(
        out,
        "{} scenarios, {states} states explored, {violations} violations",
        scenarios.len()
    )
}

#[derive(Serialize)]
struct JsonReport {
    instances: Vec<JsonLabel>,
    scenarios: Vec<JsonScenario>,
    states_explored: usize,
    violations: usize,
}

#[derive(Serialize)]
struct JsonLabel {
    label: String,
    saga: String,
}

#[derive(Serialize)]
struct JsonScenario {
    name: String,
    outcome: &'static str,
    instances: Vec<JsonInstance>,
    violations: Vec<JsonViolation>,
    states: usize,
}

#[derive(Serialize)]
struct JsonInstance {
    label: String,
    outcome: &'static str,
}

#[derive(Serialize)]
struct JsonViolation {
    invariant: &'static str,
    instance: String,
    message: String,
    trace: Vec<JsonStep>,
    #[serde(skip_serializing_if = "Option::is_none")]
    diagram: Option<String>,
}

#[derive(Serialize)]
struct JsonStep {
    instance: String,
    #[serde(flatten)]
    entry: TraceEntry,
}

impl JsonReport {
    fn of(sagas: &[&Saga], scenarios: &[IsolationScenario], diagrams: bool) -> JsonReport {
        let labels = scenarios.first().map_or(&[][..], |s| s.labels.as_slice());
        JsonReport {
            instances: labels
                .iter()
                .map(|l| JsonLabel {
                    label: l.letter.to_string(),
                    saga: l.saga.clone(),
                })
                .collect(),
            scenarios: scenarios
                .iter()
                .map(|s| scenario(sagas, s, diagrams))
                .collect(),
            states_explored: scenarios.iter().map(|s| s.states).sum(),
            violations: scenarios.iter().map(|s| s.violations.len()).sum(),
        }
    }
}

fn scenario(sagas: &[&Saga], s: &IsolationScenario, diagrams: bool) -> JsonScenario {
    JsonScenario {
        name: s.name.clone(),
        outcome: s.outcomes.first().map_or("", |o| o.as_str()),
        instances: s
            .labels
            .iter()
            .zip(&s.outcomes)
            .map(|(l, o)| JsonInstance {
                label: l.letter.to_string(),
                outcome: o.as_str(),
            })
            .collect(),
        violations: s
            .violations
            .iter()
            .map(|v| JsonViolation {
                invariant: v.invariant.as_str(),
                instance: v.instance.to_string(),
                message: v.message.clone(),
                diagram: diagrams
                    .then(|| crate::diagram::isolation::counterexample(sagas, &s.labels, v).text),
                trace: v
                    .trace
                    .iter()
                    .enumerate()
                    .map(|(n, (i, a))| {
                        let saga = sagas[usize::from(*i)];
                        let mut entry = super::trace::entries(saga, std::slice::from_ref(a))
                            .pop()
                            .expect("one entry per action");
                        entry.n = n + 1;
                        JsonStep {
                            instance: s.labels[usize::from(*i)].letter.to_string(),
                            entry,
                        }
                    })
                    .collect(),
            })
            .collect(),
        states: s.states,
    }
}
