//! The JSON contract: `{"scenarios":[{"name","faults":[...],"outcome","compensated":[...],
//! "violations":[{"invariant","message","trace":[...]}]}],"states_explored":N,"violations":N}`;
//! with `--diagram` each violation also has `"diagram"`: its counterexample in Mermaid; with
//! traces (`--trace`, `--scenario`) each scenario also has `"trace"`: its run, one
//! `{"n","from","to","kind","text"}` per action (see `trace.rs`). A language version 2 spec's
//! scenarios also have `"caller"`, `"cancel_answer"`, `"left"` and `"gave_up"` after
//! `"compensated"`, and the report `"needs_attention"` (the scenarios that end so).

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
    /// Version 2: the scenarios that end `needs_attention`.
    #[serde(skip_serializing_if = "Option::is_none")]
    needs_attention: Option<usize>,
}

#[derive(Serialize)]
struct JsonScenario {
    name: String,
    faults: Vec<String>,
    outcome: &'static str,
    compensated: Vec<String>,
    /// Version 2: what the run told the caller and the escalation.
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    told: Option<JsonTold>,
    /// With traces: the representative run, action by action.
    #[serde(skip_serializing_if = "Option::is_none")]
    trace: Option<Vec<TraceEntry>>,
    violations: Vec<JsonViolation>,
}

/// Version 2's columns: the caller's value (`null` without one), the cancel's answer,
/// the effects the escalation was told are left, the compensations that gave up.
#[derive(Serialize)]
struct JsonTold {
    caller: Option<String>,
    cancel_answer: Option<&'static str>,
    left: Vec<String>,
    gave_up: Vec<String>,
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
                told: saga.is_v2().then(|| JsonTold {
                    caller: s.told.caller.clone(),
                    cancel_answer: s.told.cancel_answer.map(|a| a.as_str()),
                    left: s.told.left.iter().map(|&o| owner_name(saga, o)).collect(),
                    gave_up: s
                        .told
                        .gave_up
                        .iter()
                        .map(|&o| owner_name(saga, o))
                        .collect(),
                }),
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
        needs_attention: saga.is_v2().then_some(report.needs_attention),
    };
    serde_json::to_writer_pretty(&mut *out, &json).map_err(io::Error::other)?;
    writeln!(out)
}
