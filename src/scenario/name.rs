//! Scenario names: `happy`, or the names of its faults joined with `+`
//! (`timeout:charge_payment+exhaust:charge_payment`). `simulate --scenario` and
//! `diagram --path` read them here.

use crate::model::Saga;

use super::fault::{Fault, FaultKind, applicable, compensation_faults, compensation_timeouts};

/// The name of a scenario with these faults.
pub fn scenario_name(saga: &Saga, faults: &[Fault]) -> String {
    if faults.is_empty() {
        return "happy".to_owned();
    }
    faults
        .iter()
        .map(|f| f.name(saga))
        .collect::<Vec<_>>()
        .join("+")
}

/// The faults a scenario name stands for (`happy`, `fail:charge_payment+dup:x`), however
/// many it combines; `None` when a part names no fault of this saga.
pub fn parse_name(saga: &Saga, name: &str) -> Option<Vec<Fault>> {
    if name == "happy" {
        return Some(Vec::new());
    }
    let known = every_fault(saga);
    name.split('+')
        .map(|part| known.iter().copied().find(|f| f.name(saga) == part.trim()))
        .collect()
}

/// Every single-fault scenario name of the saga, `happy` first (for a usage error's help):
/// those of the kinds its language version injects by default.
pub fn single_fault_names(saga: &Saga) -> Vec<String> {
    std::iter::once("happy".to_owned())
        .chain(
            faults_of(saga, FaultKind::defaults(saga))
                .into_iter()
                .map(|f| f.name(saga)),
        )
        .collect()
}

/// Every fault a name may stand for: those of every kind, compensation failures last.
fn every_fault(saga: &Saga) -> Vec<Fault> {
    faults_of(saga, &FaultKind::EVERY)
}

fn faults_of(saga: &Saga, kinds: &[FaultKind]) -> Vec<Fault> {
    applicable(saga, kinds)
        .into_iter()
        .chain(compensation_faults(saga))
        .chain(compensation_timeouts(saga, kinds))
        .collect()
}
