//! The sequence diagrams of a saga with `resources` (language version 2, isolation), as
//! sections of a document: the default view (the happy run of the instances, then a
//! shortest counterexample of each invariant the single-fault scenarios break), every
//! single-fault scenario's representative run, or one scenario with its counterexamples.
//! `sagac diagram` and the language server's `sagac/diagram` request both draw these, so
//! they cannot disagree. An error is a sentence saying why nothing is drawn.

use crate::model::Saga;
use crate::scenario::isolation::{self, Instances, IsolationScenario, Search};
use crate::scenario::{self, FaultKind};

use super::markdown::Section;

/// The happy run of the instances, then, for each invariant some single-fault scenario
/// breaks, the counterexample of the first such scenario (in `simulate`'s order: `happy`
/// first), with the number of other scenarios breaking it.
pub fn overview(saga: &Saga) -> Result<Vec<Section>, String> {
    let instances = Instances::of(saga);
    let scenarios = single_fault(saga, &instances)?;
    let Some(happy) = scenarios.iter().find(|s| s.faults.is_empty()) else {
        return Err(format!("{} has no happy run", saga.name.value));
    };
    let mut first = run_section(&instances, happy);
    // Per invariant, in the order first broken: its first counterexample, and how many
    // scenarios break it.
    let mut drawn: Vec<(Section, usize)> = Vec::new();
    let mut seen: Vec<&str> = Vec::new();
    for s in &scenarios {
        for (section, v) in counterexamples(&instances, s)
            .into_iter()
            .zip(&s.violations)
        {
            match seen.iter().position(|&name| name == v.invariant.as_str()) {
                Some(at) => drawn[at].1 += 1,
                None => {
                    seen.push(v.invariant.as_str());
                    drawn.push((section, 1));
                }
            }
        }
    }
    let total = scenarios.len();
    let summary = if drawn.is_empty() {
        format!(
            "No invariant breaks in the {total} scenarios at one fault; `--path every` draws each."
        )
    } else {
        format!(
            "Broken in the {total} scenarios at one fault: {}; each one's first counterexample follows.",
            seen.join(", ")
        )
    };
    first.summary = Some(format!("{} {summary}", first.summary.unwrap_or_default()));
    let mut sections = vec![first];
    sections.extend(drawn.into_iter().map(|(mut section, n)| {
        if n > 1 {
            let also = format!(
                " (also in {} other scenario{}: `sagac simulate --diagram` draws each)",
                n - 1,
                if n == 2 { "" } else { "s" }
            );
            section.summary = section.summary.map(|text| text + &also);
        }
        section
    }));
    Ok(sections)
}

/// Each single-fault scenario's representative run.
pub fn every(saga: &Saga) -> Result<Vec<Section>, String> {
    let instances = Instances::of(saga);
    Ok(single_fault(saga, &instances)?
        .iter()
        .map(|s| run_section(&instances, s))
        .collect())
}

/// The representative run of one scenario of the instances (`a/fail:charge_credit`), then
/// each counterexample.
pub fn scenario(saga: &Saga, name: &str) -> Result<Vec<Section>, String> {
    let instances = Instances::of(saga);
    let Some(faults) = isolation::parse_name(&instances, name) else {
        return Err(format!(
            "`{name}` names no scenario of {} with {} instances: prefix each fault with its instance (`a/fail:<step>`, `b/timeout:<step>`), joined with `+`, or `happy`",
            saga.name.value,
            instances.sagas.len()
        ));
    };
    let s = isolation::run(&instances, &faults, Search::Reduced)
        .map_err(|what| not_implemented(saga, &what))?;
    let mut sections = vec![run_section(&instances, &s)];
    sections.extend(counterexamples(&instances, &s));
    Ok(sections)
}

fn not_implemented(saga: &Saga, what: &str) -> String {
    format!(
        "drawing {} met {what}, whose semantics `sagac diagram` does not implement yet for several instances",
        saga.name.value
    )
}

/// Every scenario at one fault (the default fault kinds), within `simulate`'s bound.
fn single_fault(saga: &Saga, instances: &Instances) -> Result<Vec<IsolationScenario>, String> {
    let kinds = FaultKind::defaults(saga);
    let work = isolation::estimated_work(instances, kinds, 1);
    if work > scenario::MAX_WORK {
        return Err(format!(
            "drawing every scenario of {} with {} instances would run for tens of seconds or more (about {work} units of work); draw one (`--path happy`, `--path 'a/fail:<step>'`)",
            saga.name.value,
            instances.sagas.len()
        ));
    }
    isolation::enumerate(instances, kinds, 1, Search::Reduced)
        .map_err(|what| not_implemented(saga, &what))
}

/// A scenario's representative run, its outcome per instance in the summary.
fn run_section(instances: &Instances, s: &IsolationScenario) -> Section {
    let outcomes: Vec<String> = s
        .labels
        .iter()
        .zip(&s.outcomes)
        .map(|(l, o)| format!("[{}] {}", l.letter, o.as_str()))
        .collect();
    Section {
        title: s.name.clone(),
        code: true,
        summary: Some(format!("Outcome: {}.", outcomes.join(", "))),
        diagram: super::isolation::scenario(&instances.sagas, s).text,
    }
}

/// Each counterexample of a scenario: a shortest run breaking the invariant.
fn counterexamples(instances: &Instances, s: &IsolationScenario) -> Vec<Section> {
    s.violations
        .iter()
        .map(|v| Section {
            title: format!("{}: {}", s.name, v.invariant.as_str()),
            code: true,
            summary: Some(v.message.clone()),
            diagram: super::isolation::counterexample(&instances.sagas, &s.labels, v).text,
        })
        .collect()
}
