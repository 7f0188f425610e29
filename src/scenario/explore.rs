//! Every run of one scenario: a breadth-first search over canonical states, so each
//! distinct state is expanded once and the first violation found of each invariant comes
//! with a shortest trace.

use std::collections::{BTreeMap, BTreeSet, HashSet, VecDeque};

use crate::model::Owner;

use super::Outcome;
use super::action::Action;
use super::budget::Budget;
use super::invariant::{Invariant, Violation};
use super::machine::{Machine, State};
use super::run::{collect_compensations, end_action, walk};

pub(super) struct Exploration {
    pub states: usize,
    pub violations: Vec<Violation>,
    /// The first run: always the oldest message in flight delivered next.
    pub trace: Vec<Action>,
    pub outcome: Outcome,
    /// Bits of the faults that fired in some run.
    pub fired: u64,
    /// Every compensation that ran in some run.
    pub compensations: BTreeSet<Owner>,
    /// Whether every run was explored: false when the budget ran out first.
    pub complete: bool,
    /// What the first run told the caller and the escalation.
    pub told: super::Told,
}

struct Node {
    parent: usize,
    actions: Vec<Action>,
}

/// Explores within `budget`; an exploration it does not cover stops early, incomplete.
pub(super) fn explore(machine: &Machine, budget: &Budget) -> Exploration {
    let initial = State::initial(machine.saga);
    // foldhash instead of SipHash: hashing states was a third of the simulation, and the
    // states come from the spec's own ids (figures in docs/performance.md, `sagac check`).
    let mut seen: HashSet<State, foldhash::fast::RandomState> = HashSet::default();
    let mut nodes = vec![Node {
        parent: usize::MAX,
        actions: Vec::new(),
    }];
    seen.insert(initial.canonical());
    let mut queue = VecDeque::from([(0usize, initial.clone())]);
    let mut found: BTreeMap<Invariant, Violation> = BTreeMap::new();
    let mut fired = 0u64;
    let mut compensations = BTreeSet::new();

    let mut complete = true;
    while let Some((index, state)) = queue.pop_front() {
        let nexts = machine.successors(&state);
        if !budget.charge(state.steps.len() + state.pending.len(), nexts.len()) {
            complete = false;
            break;
        }
        if nexts.is_empty() {
            fired |= state.fired;
            collect_compensations(&state, &mut compensations);
            let broken = machine.check_end(&state);
            if broken.iter().any(|(i, _)| !found.contains_key(i)) {
                let mut trace = path(&nodes, index);
                trace.push(end_action(machine, &state));
                for (invariant, message) in broken {
                    found.entry(invariant).or_insert_with(|| Violation {
                        invariant,
                        message,
                        trace: trace.clone(),
                    });
                }
            }
            continue;
        }
        for next in nexts {
            if next.violations.iter().any(|(i, _)| !found.contains_key(i)) {
                let mut trace = path(&nodes, index);
                trace.extend(next.actions.iter().cloned());
                for (invariant, message) in next.violations {
                    found.entry(invariant).or_insert_with(|| Violation {
                        invariant,
                        message,
                        trace: trace.clone(),
                    });
                }
            }
            if !seen.insert(next.state.canonical()) {
                continue;
            }
            nodes.push(Node {
                parent: index,
                actions: next.actions,
            });
            queue.push_back((nodes.len() - 1, next.state));
        }
    }

    // An incomplete exploration is thrown away: its representative run is not worth making.
    let (trace, outcome, told) = if complete {
        representative(machine, initial)
    } else {
        (Vec::new(), Outcome::Stuck, super::Told::default())
    };
    Exploration {
        states: seen.len(),
        violations: found.into_values().collect(),
        trace,
        outcome,
        fired,
        compensations,
        complete,
        told,
    }
}

fn path(nodes: &[Node], mut index: usize) -> Vec<Action> {
    let mut chunks = Vec::new();
    while index != usize::MAX && index < nodes.len() {
        chunks.push(&nodes[index].actions);
        index = nodes[index].parent;
    }
    chunks.into_iter().rev().flatten().cloned().collect()
}

/// The run that always delivers the oldest message in flight first.
fn representative(machine: &Machine, state: State) -> (Vec<Action>, Outcome, super::Told) {
    let w = walk(machine, state);
    (w.trace, w.outcome, w.told)
}
