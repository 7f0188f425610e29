//! Every run of one scenario: a breadth-first search over canonical states, so each
//! distinct state is expanded once and the first violation found of each invariant comes
//! with a shortest trace.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};

use rayon::prelude::*;

use crate::model::Owner;

use super::Outcome;
use super::action::{Action, ActionKind, Party};
use super::fault::Fault;
use super::invariant::{Invariant, Violation};
use super::machine::{Machine, State};

/// A representative run stops here even if the model misbehaves.
const MAX_RUN_LENGTH: usize = 100_000;

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
}

struct Node {
    parent: usize,
    actions: Vec<Action>,
}

pub(super) fn explore(m: &Machine) -> Exploration {
    let initial = State::initial(m.saga);
    let mut seen: HashSet<State> = HashSet::new();
    let mut nodes = vec![Node {
        parent: usize::MAX,
        actions: Vec::new(),
    }];
    seen.insert(initial.canonical());
    let mut queue = VecDeque::from([(0usize, initial.clone())]);
    let mut found: BTreeMap<Invariant, Violation> = BTreeMap::new();
    let mut fired = 0u64;
    let mut compensations = BTreeSet::new();

    while let Some((index, state)) = queue.pop_front() {
        let nexts = m.successors(&state);
        if nexts.is_empty() {
            fired |= state.fired;
            collect_compensations(&state, &mut compensations);
            let broken = m.check_end(&state);
            if broken.iter().any(|(i, _)| !found.contains_key(i)) {
                let mut trace = path(&nodes, index);
                trace.push(end(m, &state));
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
            let key = next.state.canonical();
            if seen.contains(&key) {
                continue;
            }
            seen.insert(key);
            nodes.push(Node {
                parent: index,
                actions: next.actions,
            });
            queue.push_back((nodes.len() - 1, next.state));
        }
    }

    let (trace, outcome) = representative(m, initial);
    Exploration {
        states: seen.len(),
        violations: found.into_values().collect(),
        trace,
        outcome,
        fired,
        compensations,
    }
}

fn collect_compensations(st: &State, into: &mut BTreeSet<Owner>) {
    let owner = |i: usize| match i {
        0 => Owner::Trigger,
        i => Owner::Step(crate::model::StepId(i - 1)),
    };
    for (i, &runs) in st.comp_runs.iter().enumerate() {
        if runs > 0 {
            into.insert(owner(i));
        }
    }
    if let Some(super::machine::Stuck::Compensation(o)) = st.stuck {
        into.insert(o);
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

fn end(m: &Machine, st: &State) -> Action {
    let party = if m.saga.coordination == crate::model::Coordination::Orchestration {
        Party::Orchestrator
    } else {
        Party::Participant(m.saga.trigger.participant)
    };
    Action {
        from: party,
        to: party,
        kind: ActionKind::End {
            outcome: m.outcome(st),
        },
    }
}

/// The run that always delivers the oldest message in flight first.
fn representative(m: &Machine, state: State) -> (Vec<Action>, Outcome) {
    let w = walk(m, state);
    (w.trace, w.outcome)
}

/// The representative run alone, without exploring the others: what a renderer that draws
/// one run needs, in time linear in the run's length.
pub(super) struct Walk {
    pub trace: Vec<Action>,
    pub outcome: Outcome,
    pub fired: u64,
    pub compensations: BTreeSet<Owner>,
    pub states: usize,
    /// The invariants this run breaks, each with the length of the trace when it broke.
    pub broken: Vec<(usize, Invariant)>,
}

pub(super) fn walk(m: &Machine, state: State) -> Walk {
    walk_forking(m, state, &[], &[]).0
}

/// A delivery always has an outcome (the machine pushes one on every path); were one ever
/// missing, the run ends there, stuck, rather than the program stopping.
fn undelivered(trace: Vec<Action>, states: usize, broken: Vec<(usize, Invariant)>) -> Walk {
    Walk {
        trace,
        outcome: Outcome::Stuck,
        fired: 0,
        compensations: BTreeSet::new(),
        states,
        broken,
    }
}

fn finish_walk(
    m: &Machine,
    state: &State,
    mut trace: Vec<Action>,
    states: usize,
    mut broken: Vec<(usize, Invariant)>,
) -> Walk {
    trace.push(end(m, state));
    let at = trace.len();
    broken.extend(m.check_end(state).into_iter().map(|(i, _)| (at, i)));
    let mut compensations = BTreeSet::new();
    collect_compensations(state, &mut compensations);
    Walk {
        trace,
        outcome: m.outcome(state),
        fired: state.fired,
        compensations,
        states,
        broken,
    }
}

/// A run that leaves a parent run: the parent's first `shared` actions, then `walk`.
pub(super) struct Forked {
    pub shared: usize,
    /// The parent's states before the fork.
    pub states_before: usize,
    /// The child's run from the transition where it left (its trace holds only the
    /// actions from there, its `broken` positions count from there).
    pub walk: Walk,
    /// The runs that leave this one, for the nested candidates.
    pub forks: Vec<Option<Forked>>,
}

/// The representative run of `m` from `state` and, for each candidate fault, the
/// representative run of `m`'s faults plus that one: it is the same run up to the first
/// delivery that asks about the candidate, so it is continued from the state before that
/// delivery instead of made from the start. A candidate never asked about never fires
/// (`None`). Each fork is itself forked for the `nested` candidates. Making every
/// single-fault run of a saga of `n` steps this way costs one run plus what each run does
/// after its fault, not `n` whole runs. Without candidates, `m` need not be probing.
pub(super) fn walk_forking(
    m: &Machine,
    mut state: State,
    candidates: &[Fault],
    nested: &[Fault],
) -> (Walk, Vec<Option<Forked>>) {
    // The candidates not yet forked, by fault (a fault listed twice forks once).
    let mut waiting: HashMap<Fault, usize> = HashMap::new();
    for (i, &candidate) in candidates.iter().enumerate().rev() {
        if !m.faults.contains(&candidate) {
            waiting.insert(candidate, i);
        }
    }
    // Where each fork leaves: (candidate, shared actions, states before, the state).
    let mut leaves: Vec<(usize, usize, usize, State)> = Vec::new();
    let mut trace = Vec::new();
    let mut broken = Vec::new();
    let mut states = 1;
    m.take_probed();
    for _ in 0..MAX_RUN_LENGTH {
        if state.pending.is_empty() {
            break;
        }
        let before = (!waiting.is_empty()).then(|| state.clone());
        let shared = trace.len();
        let Some(next) = m.first_successor(state, std::mem::take(&mut trace)) else {
            let none = candidates.iter().map(|_| None).collect();
            return (undelivered(Vec::new(), states, broken), none);
        };
        if let Some(before) = before {
            for asked in m.take_probed() {
                if let Some(i) = waiting.remove(&asked) {
                    leaves.push((i, shared, states - 1, before.clone()));
                }
            }
        }
        trace = next.actions;
        let at = trace.len();
        broken.extend(next.violations.into_iter().map(|(i, _)| (at, i)));
        state = next.state;
        states += 1;
    }
    // The forks are independent runs: made in parallel, each in its candidate's place.
    let made: Vec<(usize, Forked)> = leaves
        .into_par_iter()
        .map(|(i, shared, states_before, before)| {
            let mut faults = m.faults.to_vec();
            faults.push(candidates[i]);
            let child = if nested.is_empty() {
                Machine::new(m.saga, &faults)
            } else {
                Machine::probing(m.saga, &faults)
            };
            let (walk, forks) = walk_forking(&child, before, nested, &[]);
            (
                i,
                Forked {
                    shared,
                    states_before,
                    walk,
                    forks,
                },
            )
        })
        .collect();
    let mut forks: Vec<Option<Forked>> = candidates.iter().map(|_| None).collect();
    for (i, fork) in made {
        forks[i] = Some(fork);
    }
    (finish_walk(m, &state, trace, states, broken), forks)
}

pub(super) fn walk_from_start(m: &Machine) -> Walk {
    walk(m, State::initial(m.saga))
}
