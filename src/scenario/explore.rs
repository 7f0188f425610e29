//! Every run of one scenario: a breadth-first search over canonical states, so each
//! distinct state is expanded once and the first violation found of each invariant comes
//! with a shortest trace.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};
use std::sync::Arc;

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
    /// actions from there, its `broken` positions count from there). When it rejoined the
    /// parent, its trace stops there, and its outcome, fired faults, compensations and
    /// broken invariants are those of the whole run.
    pub walk: Walk,
    /// Where the child's run became the parent's again, if it did.
    pub rejoined: Option<Rejoin>,
    /// The runs that leave this one, for the nested candidates.
    pub forks: Vec<Option<Forked>>,
}

/// A child run that reached a state of its parent's run (but for the fault it added, which
/// has fired): from there it does exactly what the parent does.
#[derive(Debug, Clone, Copy)]
pub(super) struct Rejoin {
    /// The length of the parent's trace at that state: the child's trace goes on with the
    /// parent's from here.
    pub trace: usize,
    /// The parent's states up to that one.
    pub states: usize,
}

/// How many of its parent's states after the fork a child compares its own with: a
/// duplicate or a crash that is recovered from is back in the parent's run within a few
/// transitions, and then need not be run to the end.
const REJOIN_WINDOW: usize = 4;

/// Forks made at once (in parallel): bounds the states held to this many.
const BATCH: usize = 256;

/// A state of the parent's run after some transition, for children to rejoin.
struct Snapshot {
    trace_len: usize,
    states: usize,
    state: State,
}

/// A fork waiting to be made.
struct Leaf {
    candidate: usize,
    shared: usize,
    states_before: usize,
    before: State,
    /// The parent's transition it leaves at.
    transition: usize,
    /// The parent's states after that transition and the next ones.
    window: Vec<Arc<Snapshot>>,
}

/// The representative run of `m` from `state` and, for each candidate fault, the
/// representative run of `m`'s faults plus that one: it is the same run up to the first
/// delivery that asks about the candidate, so it is continued from the state before that
/// delivery instead of made from the start. A candidate never asked about never fires
/// (`None`). Each fork is itself forked for the `nested` candidates. Making every
/// single-fault run of a saga of `n` steps this way costs one run plus what each run does
/// after its fault, not `n` whole runs. Without candidates, `m` need not be probing.
///
/// A fork of a run without faults whose state becomes one of the parent's (a duplicate
/// ignored, a crash recovered from) stops there ([`Forked::rejoined`]): the rest is the
/// parent's. Only such a parent is rejoined: it never compensates, so no nested candidate
/// (a compensation failure) can be asked about in the part not run.
pub(super) fn walk_forking(
    m: &Machine,
    state: State,
    candidates: &[Fault],
    nested: &[Fault],
) -> (Walk, Vec<Option<Forked>>) {
    let (walk, forks, _) = walk_forking_into(m, state, candidates, nested, None);
    (walk, forks)
}

/// [`walk_forking`], stopping early if the run reaches a state of `into` (its parent's
/// states after the fork) but for the fault bits `own`.
fn walk_forking_into(
    m: &Machine,
    mut state: State,
    candidates: &[Fault],
    nested: &[Fault],
    into: Option<(&[Arc<Snapshot>], u64)>,
) -> (Walk, Vec<Option<Forked>>, Option<Rejoin>) {
    // The candidates not yet forked, by fault (a fault listed twice forks once).
    let mut waiting: HashMap<Fault, usize> = HashMap::new();
    for (i, &candidate) in candidates.iter().enumerate().rev() {
        if !m.faults.contains(&candidate) {
            waiting.insert(candidate, i);
        }
    }
    let rejoinable = m.faults.is_empty();
    let mut queued: VecDeque<Leaf> = VecDeque::new();
    let mut recent: VecDeque<(usize, Arc<Snapshot>)> = VecDeque::new();
    let mut ready: Vec<Leaf> = Vec::new();
    let mut made: Vec<(usize, Forked)> = Vec::new();
    let mut trace = Vec::new();
    let mut broken = Vec::new();
    let mut states = 1;
    let mut rejoined = None;
    m.take_probed();
    for _ in 0..MAX_RUN_LENGTH {
        if state.pending.is_empty() {
            break;
        }
        let transition = states - 1;
        let before = (!waiting.is_empty()).then(|| state.clone());
        let shared = trace.len();
        let Some(next) = m.first_successor(state, std::mem::take(&mut trace)) else {
            let none = candidates.iter().map(|_| None).collect();
            return (undelivered(Vec::new(), states, broken), none, None);
        };
        if let Some(before) = before {
            for asked in m.take_probed() {
                if let Some(i) = waiting.remove(&asked) {
                    queued.push_back(Leaf {
                        candidate: i,
                        shared,
                        states_before: states - 1,
                        before: before.clone(),
                        transition,
                        window: Vec::new(),
                    });
                }
            }
        }
        trace = next.actions;
        let at = trace.len();
        broken.extend(next.violations.into_iter().map(|(i, _)| (at, i)));
        state = next.state;
        states += 1;
        if let Some((window, own)) = into
            && states <= window.len() + REJOIN_WINDOW + 2
            && state.fired & own == own
            && let Some(snapshot) = window.iter().find(|s| state.same_but_fired(&s.state, own))
        {
            rejoined = Some(Rejoin {
                trace: snapshot.trace_len,
                states: snapshot.states,
            });
            break;
        }
        if rejoinable && !queued.is_empty() {
            recent.push_back((
                transition,
                Arc::new(Snapshot {
                    trace_len: trace.len(),
                    states,
                    state: state.clone(),
                }),
            ));
        }
        // Leaves whose window is complete are ready; states no leaf needs are dropped.
        while queued
            .front()
            .is_some_and(|l| !rejoinable || l.transition + REJOIN_WINDOW <= transition + 1)
        {
            let mut leaf = queued.pop_front().expect("a front leaf");
            leaf.window = window(&recent, leaf.transition);
            ready.push(leaf);
        }
        let keep_from = queued.front().map_or(transition + 1, |l| l.transition);
        while recent.front().is_some_and(|(t, _)| *t < keep_from) {
            recent.pop_front();
        }
        if ready.len() >= BATCH {
            made.extend(make_forks(
                m,
                candidates,
                nested,
                std::mem::take(&mut ready),
            ));
        }
    }
    for mut leaf in queued {
        leaf.window = window(&recent, leaf.transition);
        ready.push(leaf);
    }
    drop(recent);
    made.extend(make_forks(m, candidates, nested, ready));
    let walk = match rejoined {
        // The rest of the run is the parent's, which the caller completes.
        Some(_) => Walk {
            trace,
            outcome: Outcome::Stuck,
            fired: state.fired,
            compensations: BTreeSet::new(),
            states,
            broken,
        },
        None => finish_walk(m, &state, trace, states, broken),
    };
    let mut forks: Vec<Option<Forked>> = candidates.iter().map(|_| None).collect();
    for (i, mut fork) in made {
        if let Some(r) = fork.rejoined {
            // From the rejoined state on, the child's run is this one: it ends as this
            // one does, and breaks what this one breaks after that state.
            let own = fork.walk.fired & !every_bit(m.faults.len());
            fork.walk.outcome = walk.outcome;
            fork.walk.fired = walk.fired | own;
            fork.walk.compensations = walk.compensations.clone();
            fork.walk.states += walk.states - r.states;
            let offset = fork.walk.trace.len();
            fork.walk.broken.extend(
                walk.broken
                    .iter()
                    .filter(|(at, _)| *at > r.trace)
                    .map(|&(at, inv)| (offset + at - r.trace, inv)),
            );
        }
        forks[i] = Some(fork);
    }
    (walk, forks, rejoined)
}

/// The bits of the first `n` faults.
fn every_bit(n: usize) -> u64 {
    if n >= 64 { u64::MAX } else { (1u64 << n) - 1 }
}

/// The parent's states from after `transition` on, as far as they were kept.
fn window(recent: &VecDeque<(usize, Arc<Snapshot>)>, transition: usize) -> Vec<Arc<Snapshot>> {
    recent
        .iter()
        .filter(|(t, _)| *t >= transition)
        .take(REJOIN_WINDOW)
        .map(|(_, s)| Arc::clone(s))
        .collect()
}

/// Makes the forks of ready leaves, in parallel.
fn make_forks(
    m: &Machine,
    candidates: &[Fault],
    nested: &[Fault],
    ready: Vec<Leaf>,
) -> Vec<(usize, Forked)> {
    ready
        .into_par_iter()
        .map(|leaf| {
            let mut faults = m.faults.to_vec();
            faults.push(candidates[leaf.candidate]);
            let child = if nested.is_empty() {
                Machine::new(m.saga, &faults)
            } else {
                Machine::probing(m.saga, &faults)
            };
            let own = 1u64 << m.faults.len().min(63);
            let into = (!leaf.window.is_empty()).then_some((leaf.window.as_slice(), own));
            let (walk, forks, rejoined) = walk_forking_into(&child, leaf.before, nested, &[], into);
            (
                leaf.candidate,
                Forked {
                    shared: leaf.shared,
                    states_before: leaf.states_before,
                    walk,
                    rejoined,
                    forks,
                },
            )
        })
        .collect()
}

pub(super) fn walk_from_start(m: &Machine) -> Walk {
    walk(m, State::initial(m.saga))
}
