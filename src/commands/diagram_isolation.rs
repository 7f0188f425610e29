//! `sagac diagram` of a saga with `resources` (language version 2, isolation): a scenario
//! of its instances (`--path 'a/fail:charge_credit'`: the representative run, then each
//! counterexample, both instances drawn, `diagram::isolation`), a record's states
//! (`--kind state --resource order`, `diagram::resource`), or the saga's structure
//! (`--kind flowchart`, the orchestrator's `--kind state`: what each instance runs). The
//! default (`--path all`) cannot be version 1's combined diagram, whose `alt` branches
//! draw one instance: it draws the happy run of the instances, then a shortest
//! counterexample of each invariant the single-fault scenarios break (what a reader needs
//! to see both instances for); `--path every` the representative run of each single-fault
//! scenario. Both are bounded by the simulation's
//! work estimate, as `simulate` is.

use sagac::check::Checked;
use sagac::diagram::markdown::Section;
use sagac::diagram::{self, Kind};
use sagac::model::Saga;
use sagac::scenario::isolation::{self, Instances, IsolationScenario, Search};
use sagac::scenario::{self, FaultKind};

use super::{Exit, fail};
use crate::cli::DiagramArgs;

pub fn draw(checked: &Checked, saga: &Saga, args: &DiagramArgs) -> Result<Vec<Section>, Exit> {
    if let Some(name) = &args.resource {
        return resource(saga, args, name);
    }
    if let Some(exit) = super::simulate_isolation::refuse_for(checked, saga, "diagram") {
        return Err(exit);
    }
    match (args.kind, args.path.as_deref()) {
        (Kind::Sequence, None | Some("all")) => overview(saga),
        (Kind::Sequence, Some("every")) => every(saga),
        (Kind::Sequence, Some(name)) => scenario(saga, name),
        _ => super::diagram::draw(saga, args),
    }
}

/// The representative run of one scenario of the instances, then each counterexample.
fn scenario(saga: &Saga, name: &str) -> Result<Vec<Section>, Exit> {
    let instances = Instances::of(saga);
    let Some(faults) = isolation::parse_name(&instances, name) else {
        return Err(fail(format!(
            "`{name}` names no scenario of {} with {} instances: prefix each fault with its instance (`a/fail:<step>`, `b/timeout:<step>`), joined with `+`, or `happy`",
            saga.name.value,
            instances.sagas.len()
        )));
    };
    let s = isolation::run(&instances, &faults, Search::Reduced).map_err(|what| {
        fail(format!(
            "drawing {} met {what}, whose semantics `sagac diagram` does not implement yet for several instances",
            saga.name.value
        ))
    })?;
    let mut sections = vec![run_section(&instances, &s)];
    sections.extend(counterexamples(&instances, &s));
    Ok(sections)
}

/// `--path all`: the happy run of the instances, then, for each invariant some
/// single-fault scenario breaks, the counterexample of the first such scenario (in
/// `simulate`'s order: `happy` first), with the number of other scenarios breaking it.
fn overview(saga: &Saga) -> Result<Vec<Section>, Exit> {
    let instances = Instances::of(saga);
    let scenarios = single_fault(saga, &instances)?;
    let Some(happy) = scenarios.iter().find(|s| s.faults.is_empty()) else {
        return Err(fail(format!("{} has no happy run", saga.name.value)));
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

/// `--path every`: each single-fault scenario's representative run.
fn every(saga: &Saga) -> Result<Vec<Section>, Exit> {
    let instances = Instances::of(saga);
    Ok(single_fault(saga, &instances)?
        .iter()
        .map(|s| run_section(&instances, s))
        .collect())
}

/// Every scenario at one fault (the default fault kinds), within `simulate`'s bound.
fn single_fault(saga: &Saga, instances: &Instances) -> Result<Vec<IsolationScenario>, Exit> {
    let kinds = FaultKind::defaults(saga);
    let work = isolation::estimated_work(instances, kinds, 1);
    if work > scenario::MAX_WORK {
        return Err(fail(format!(
            "drawing every scenario of {} with {} instances would run for tens of seconds or more (about {work} units of work); draw one (`--path happy`, `--path 'a/fail:<step>'`)",
            saga.name.value,
            instances.sagas.len()
        )));
    }
    isolation::enumerate(instances, kinds, 1, Search::Reduced).map_err(|what| {
        fail(format!(
            "drawing {} met {what}, whose semantics `sagac diagram` does not implement yet for several instances",
            saga.name.value
        ))
    })
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
        diagram: diagram::isolation::scenario(&instances.sagas, s).text,
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
            diagram: diagram::isolation::counterexample(&instances.sagas, &s.labels, v).text,
        })
        .collect()
}

/// `--kind state --resource <name>`: the record's states.
fn resource(saga: &Saga, args: &DiagramArgs, name: &str) -> Result<Vec<Section>, Exit> {
    if args.kind != Kind::State {
        return Err(fail(
            "--resource draws a record's states: use it with --kind state",
        ));
    }
    let names: Vec<&str> = saga
        .resources
        .declared
        .iter()
        .filter(|r| r.has_states())
        .map(|r| r.name.value.as_str())
        .collect();
    let Some(id) = saga.resources.resource_by_name(name) else {
        return Err(fail(if names.is_empty() {
            format!(
                "`{name}`: {} declares no resource with states (`resources`, language version 2)",
                saga.name.value
            )
        } else {
            format!(
                "`{name}` names no resource of {}; resources with states: {}",
                saga.name.value,
                names.join(", ")
            )
        }));
    };
    match diagram::resource::render(saga, id) {
        Some(text) => Ok(vec![Section {
            title: format!("states of {name}"),
            code: false,
            summary: None,
            diagram: text,
        }]),
        None => Err(fail(format!(
            "`{name}` has no states (a counter, or a record without `states`): there is no state diagram to draw; resources with states: {}",
            if names.is_empty() {
                "none".to_owned()
            } else {
                names.join(", ")
            }
        ))),
    }
}
