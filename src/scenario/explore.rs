//! Every run of one scenario: a breadth-first search over canonical states, so each
//! distinct state is expanded once and the first violation found of each invariant comes
//! with a shortest trace.

use std::cell::RefCell;
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
    let mut seen = Seen::take();
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

    let states = seen.len();
    seen.give_back();
    // An incomplete exploration is thrown away: its representative run is not worth making.
    let (trace, outcome, told) = if complete {
        representative(machine, initial)
    } else {
        (Vec::new(), Outcome::Stuck, super::Told::default())
    };
    Exploration {
        states,
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

/// The set of states an exploration has met. foldhash instead of SipHash: hashing states
/// was a third of the simulation, and the states come from the spec's own ids. The table
/// is kept for the thread's next exploration (emptied, its capacity kept): `check` and
/// `simulate` explore one scenario after another, and growing each set from empty spent a
/// sixth of their instructions rehashing (figures in docs/performance.md, `sagac check`).
struct Seen(HashSet<State, foldhash::fast::RandomState>);

/// The most states whose table is kept between explorations: a table for a big search
/// (hundreds of thousands of states) is freed, not held by the thread.
const KEPT_CAPACITY: usize = 1 << 16;

thread_local! {
    static KEPT: RefCell<Option<HashSet<State, foldhash::fast::RandomState>>> =
        const { RefCell::new(None) };
}

impl Seen {
    fn take() -> Seen {
        let kept = KEPT.with(|k| k.borrow_mut().take());
        Seen(kept.unwrap_or_default())
    }

    /// Empties the set and keeps its table for the next exploration if it is small enough.
    fn give_back(mut self) {
        self.0.clear();
        if self.0.capacity() <= KEPT_CAPACITY {
            KEPT.with(|k| *k.borrow_mut() = Some(self.0));
        }
    }
}

impl std::ops::Deref for Seen {
    type Target = HashSet<State, foldhash::fast::RandomState>;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl std::ops::DerefMut for Seen {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.0
    }
}
