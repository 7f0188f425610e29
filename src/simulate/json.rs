//! The JSON contract: `{"scenarios":[{"name","faults":[...],"outcome","compensated":[...],
//! "violations":[{"invariant","message","trace":[...]}]}],"states_explored":N,"violations":N}`;
//! with `--diagram` each violation also has `"diagram"`: its counterexample in Mermaid; with
//! traces (`--trace`, `--scenario`) each scenario also has `"trace"`: its run, one
//! `{"n","from","to","kind","text"}` per action (see `trace.rs`).

use std::io::{self, Write};

use serde::Serialize;

use crate::model::Saga;
use crate::scenario::owner_name;

use super::trace::{self, TraceEntry};
use super::{Extras, Report, counterexample_diagram};

#[derive(Serialize)]
struct JsonReport {
    scenarios: Vec<JsonScenario>,
    states_explored: usize,
    violations: usize,
}

#[derive(Serialize)]
struct JsonScenario {
    name: String,
    faults: Vec<String>,
    outcome: &'static str,
    compensated: Vec<String>,
    /// With traces: the representative run, action by action.
    #[serde(skip_serializing_if = "Option::is_none")]
    trace: Option<Vec<TraceEntry>>,
    violations: Vec<JsonViolation>,
}

#[derive(Serialize)]
struct JsonViolation {
    invariant: &'static str,
    message: String,
    trace: Vec<String>,
    /// With `--diagram`: the counterexample as a Mermaid sequence diagram.
    #[serde(skip_serializing_if = "Option::is_none")]
    diagram: Option<String>,
}

pub fn render(saga: &Saga, report: &Report, extras: Extras, out: &mut dyn Write) -> io::Result<()> {
    let json = JsonReport {
        scenarios: report
            .scenarios
            .iter()
            .map(|s| JsonScenario {
                name: s.name.clone(),
                faults: s.faults.iter().map(|f| f.name(saga)).collect(),
                outcome: s.outcome.as_str(),
                compensated: s.compensated.iter().map(|&o| owner_name(saga, o)).collect(),
                trace: extras.traces.then(|| trace::entries(saga, &s.trace)),
                violations: s
                    .violations
                    .iter()
                    .map(|v| JsonViolation {
                        invariant: v.invariant.as_str(),
                        message: v.message.clone(),
                        trace: v.trace.iter().map(|a| a.describe(saga)).collect(),
                        diagram: extras.diagrams.then(|| counterexample_diagram(saga, v)),
                    })
                    .collect(),
            })
            .collect(),
        states_explored: report.states_explored,
        violations: report.violations,
    };
    serde_json::to_writer_pretty(&mut *out, &json).map_err(io::Error::other)?;
    writeln!(out)
}
