//! `sagac diagram`: Mermaid diagrams of what a saga does. Sequence diagrams draw the runs
//! of `crate::scenario` (the same semantics `simulate` checks), so a diagram cannot show a
//! path the saga would not take. See `docs/diagrams.md`.

mod combined;
pub mod escape;
pub mod flowchart;
mod flowchart_resources;
pub mod instances;
pub mod isolation;
pub mod markdown;
pub mod resource;
pub mod sequence;
pub mod state;
mod text;

use crate::model::Saga;
use crate::scenario::{self, Fault, Options, Scenario};

pub use combined::{
    Branch, FULL_LIMIT, MAX_COMPENSATIONS, branches as failure_branches, compensations_to_run,
};
pub use sequence::{Diagram, Drawn, DrawnKind, Participant};

/// What kind of diagram to draw.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Kind {
    /// `sequenceDiagram`: messages between the participants, run by run.
    Sequence,
    /// `flowchart`: the steps (or handlers and events), forward and compensation edges.
    Flowchart,
    /// `stateDiagram-v2`: the orchestrator's state machine (orchestration only).
    State,
}

/// Which runs a sequence diagram draws.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Path {
    /// The happy path with an `alt`/`else` at every step that can fail.
    All,
    /// One diagram per scenario.
    Every,
    /// One scenario (`happy`, `fail:charge_payment`, combinations with `+`).
    Scenario(Vec<Fault>),
}

/// Reads `--path`: `all`, `every`, or a scenario name `simulate` understands.
pub fn parse_path(saga: &Saga, name: &str) -> Option<Path> {
    match name.trim() {
        "all" => Some(Path::All),
        "every" => Some(Path::Every),
        other => scenario::parse_name(saga, other).map(Path::Scenario),
    }
}

/// The names `--path` accepts for a saga (for a usage error's help).
pub fn path_names(saga: &Saga) -> Vec<String> {
    ["all".to_owned(), "every".to_owned()]
        .into_iter()
        .chain(scenario::single_fault_names(saga))
        .collect()
}

/// The combined diagram: the happy path and every failure path.
pub fn combined(saga: &Saga) -> Diagram {
    let (happy, branches) = combined::every_branch(saga);
    combined::render(saga, &happy, &branches)
}

/// The combined diagram with every failure run drawn in full, whatever its size: what
/// [`combined`] draws with shared tails expands to this, branch for branch.
pub fn combined_in_full(saga: &Saga) -> Diagram {
    let (happy, branches) = combined::every_branch(saga);
    combined::render_in_full(saga, &happy, &branches)
}

/// The combined diagram from runs already made by [`failure_branches`].
pub fn combined_from(saga: &Saga, happy: &Scenario, branches: &[Branch]) -> Diagram {
    combined::render(saga, happy, branches)
}

/// Every scenario `simulate` runs by default, in its order.
pub fn every_scenario(saga: &Saga) -> Vec<Scenario> {
    scenario::enumerate(saga, &Options::for_saga(saga))
}

/// One scenario by its faults, explored in full so that its broken invariants can be
/// listed beside the drawing. The combined diagram draws only representative runs and
/// takes them from [`scenario::representative`].
pub fn one_scenario(saga: &Saga, faults: &[Fault]) -> Scenario {
    scenario::run(saga, faults)
}

/// The sequence diagrams a path asks for, each with a title (the scenario name) and the
/// scenario it draws (none for the combined diagram). With `explore`, a named scenario is
/// explored in full so its broken invariants can be listed (`--markdown`); without, only
/// the run that is drawn is made, in time linear in its length.
pub fn sequence_diagrams(
    saga: &Saga,
    path: &Path,
    explore: bool,
) -> Vec<(String, Option<Scenario>, Diagram)> {
    match path {
        Path::All => vec![("every path".to_owned(), None, combined(saga))],
        Path::Every => every_scenario(saga)
            .into_iter()
            .map(|s| {
                let d = sequence::scenario(saga, &s);
                (s.name.clone(), Some(s), d)
            })
            .collect(),
        Path::Scenario(faults) => {
            let s = if explore {
                one_scenario(saga, faults)
            } else {
                scenario::representative(saga, faults)
            };
            let d = sequence::scenario(saga, &s);
            vec![(s.name.clone(), Some(s), d)]
        }
    }
}
