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
//! work estimate, as `simulate` is. The sequence diagrams are `diagram::instances`', which
//! the language server's `sagac/diagram` request draws too.

use sagac::check::Checked;
use sagac::diagram::markdown::Section;
use sagac::diagram::{self, Kind, instances};
use sagac::model::Saga;

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
        (Kind::Sequence, None | Some("all")) => instances::overview(saga).map_err(fail),
        (Kind::Sequence, Some("every")) => instances::every(saga).map_err(fail),
        (Kind::Sequence, Some(name)) => instances::scenario(saga, name).map_err(fail),
        _ => super::diagram::draw(saga, args),
    }
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
