//! A scenario run by name and what it shows, for the test files that hold the simulator to
//! small specs (tests/simulate_v2.rs, tests/choreography_terminate.rs). Included by
//! `#[path]` where needed.

use sagac::model::Saga;
use sagac::scenario::{self, Scenario};

/// The scenario `name` of `saga` (a single-fault name `simulate` lists), run.
pub fn run(saga: &Saga, name: &str) -> Scenario {
    let faults = scenario::parse_name(saga, name).unwrap_or_else(|| {
        panic!(
            "{name} is a scenario: {:?}",
            scenario::single_fault_names(saga)
        )
    });
    scenario::run(saga, &faults)
}

/// The invariants the run breaks, by name.
pub fn broken(s: &Scenario) -> Vec<&'static str> {
    s.violations.iter().map(|v| v.invariant.as_str()).collect()
}

/// The run's actions as `simulate` words them.
pub fn trace(saga: &Saga, s: &Scenario) -> Vec<String> {
    s.trace.iter().map(|a| a.describe(saga)).collect()
}
