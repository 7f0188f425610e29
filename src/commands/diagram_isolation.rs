//! `sagac diagram` of a saga with `resources` (language version 2, isolation): a scenario
//! of its instances (`--path 'a/fail:charge_credit'`: the representative run, then each
//! counterexample, both instances drawn, `diagram::isolation`), a record's states
//! (`--kind state --resource order`, `diagram::resource`), or the saga's structure
//! (`--kind flowchart`, the orchestrator's `--kind state`: what each instance runs). A
//! combined diagram of every path would draw one instance, so it is refused with the way
//! to draw the instances instead.

use sagac::check::Checked;
use sagac::diagram::markdown::Section;
use sagac::diagram::{self, Kind};
use sagac::model::Saga;
use sagac::scenario::isolation::{self, Instances, Search};

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
        (Kind::Sequence, None | Some("all" | "every")) => Err(fail(format!(
            "{} declares `resources`: its runs are those of its instances interleaved; draw one scenario of them (`--path happy`, `--path 'a/fail:<step>'`, as `sagac simulate` names them), or a record's states (`--kind state --resource <name>`)",
            saga.name.value
        ))),
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
    let sagas = &instances.sagas;
    let outcomes: Vec<String> = s
        .labels
        .iter()
        .zip(&s.outcomes)
        .map(|(l, o)| format!("[{}] {}", l.letter, o.as_str()))
        .collect();
    let mut sections = vec![Section {
        title: s.name.clone(),
        code: true,
        summary: Some(format!("Outcome: {}.", outcomes.join(", "))),
        diagram: diagram::isolation::scenario(sagas, &s).text,
    }];
    for v in &s.violations {
        sections.push(Section {
            title: format!("{}: {}", s.name, v.invariant.as_str()),
            code: true,
            summary: Some(v.message.clone()),
            diagram: diagram::isolation::counterexample(sagas, &s.labels, v).text,
        });
    }
    Ok(sections)
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
