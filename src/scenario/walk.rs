//! Representative runs: the run that always delivers the oldest message in flight first,
//! made in place (no copy of the state per transition), and many such runs at once by
//! forking one where a fault first matters (`walk_forking`). What a walk keeps of its run
//! is chosen by [`Keep`]: every action for a diagram, only [`Mark`]s for expectations.

use std::collections::{BTreeSet, HashMap, VecDeque};
use std::sync::Arc;

use rayon::prelude::*;

use crate::model::Owner;

use super::Outcome;
use super::action::{Action, ActionKind, Party};
use super::fault::Fault;
use super::invariant::Invariant;
use super::machine::{Machine, State};

/// A run stops here even if the model misbehaves.
pub(super) const MAX_RUN_LENGTH: usize = 100_000;

/// The owners whose compensation ran in `st` (or gave up there), in owner order (the
/// trigger, then the steps).
fn compensations_of(st: &State) -> Vec<Owner> {
    let ran = st.comp_runs.iter().filter(|&&runs| runs > 0).count();
    let mut out = Vec::with_capacity(ran + 1);
    collect(st, |o| out.push(o));
    out.sort();
    out.dedup();
    out
}

pub(super) fn collect_compensations(st: &State, into: &mut BTreeSet<Owner>) {
    collect(st, |o| {
        into.insert(o);
    });
}

fn collect(st: &State, mut into: impl FnMut(Owner)) {
    let owner = |i: usize| match i {
        0 => Owner::Trigger,
        i => Owner::Step(crate::model::StepId::new(i - 1)),
    };
    for (i, &runs) in st.comp_runs.iter().enumerate() {
        if runs > 0 {
            into(owner(i));
        }
    }
    if let Some(super::machine::Stuck::Compensation(o)) = st.stuck {
        into(o);
    }
}

pub(super) fn end(m: &Machine, st: &State) -> Action {
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

/// The representative run alone, without exploring the others: what a renderer that draws
/// one run needs, in time linear in the run's length.
pub(super) struct Walk {
    /// The run's actions, unless it was made without them ([`Keep::Marks`]).
    pub trace: Vec<Action>,
    /// How many actions the run has (kept or not).
    pub length: usize,
    /// What its actions did that expectations need, with their positions.
    pub marks: Vec<(usize, Mark)>,
    pub outcome: Outcome,
    pub fired: u64,
    /// The owners whose compensation ran (or gave up), in owner order.
    pub compensations: Vec<Owner>,
    pub states: usize,
    /// The invariants this run breaks, each with the length of the trace when it broke.
    pub broken: Vec<(usize, Invariant)>,
}

/// What a walk keeps of its run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Keep {
    /// Every action.
    Trace,
    /// Only the [`Mark`]s: what expectations need, without a trace per run.
    Marks,
}

/// An action that expectations are made of.
#[derive(Debug, Clone, Copy)]
pub(super) enum Mark {
    Compensated(Owner),
    AppliedTwice(super::Work),
}

impl Mark {
    pub fn of(a: &Action) -> Option<Mark> {
        match &a.kind {
            ActionKind::Run {
                work: super::Work::Compensation(o),
                result: super::action::Result::Success,
            }
            | ActionKind::Reply {
                work: super::Work::Compensation(o),
                result: super::action::Result::Success,
            } => Some(Mark::Compensated(*o)),
            ActionKind::Duplicate {
                work,
                applied_again: true,
            } => Some(Mark::AppliedTwice(*work)),
            _ => None,
        }
    }
}

pub(super) fn walk(m: &Machine, state: State) -> Walk {
    walk_forking(m, state, &[], &[], Keep::Trace).0
}

/// The run so far: its actions (if kept), their number and marks, its broken invariants.
struct Run {
    keep: Keep,
    trace: Vec<Action>,
    length: usize,
    marks: Vec<(usize, Mark)>,
    broken: Vec<(usize, Invariant)>,
}

impl Run {
    /// A run of about `expected` actions: a trace that is kept is allocated for them at
    /// once, rather than copied each time it doubles (room left unused is never touched, so
    /// it costs no memory).
    fn new(keep: Keep, expected: usize) -> Run {
        let expected = expected.min(MAX_RUN_LENGTH);
        Run {
            keep,
            trace: match keep {
                Keep::Trace => Vec::with_capacity(expected),
                Keep::Marks => Vec::new(),
            },
            length: 0,
            // Compensations take a few actions each.
            marks: Vec::with_capacity(expected / 4),
            broken: Vec::new(),
        }
    }

    /// Takes a transition's actions (appended to `self.trace` by the machine): counts and
    /// marks them, and drops them unless kept.
    fn record(&mut self, first_new: usize, violations: Vec<(Invariant, String)>) {
        for (j, a) in self.trace[first_new..].iter().enumerate() {
            if let Some(mark) = Mark::of(a) {
                self.marks.push((self.length + j, mark));
            }
        }
        self.length += self.trace.len() - first_new;
        if self.keep == Keep::Marks {
            self.trace.clear();
        }
        let at = self.length;
        self.broken
            .extend(violations.into_iter().map(|(i, _)| (at, i)));
    }

    fn into_walk(self, outcome: Outcome, fired: u64, states: usize) -> Walk {
        Walk {
            trace: self.trace,
            length: self.length,
            marks: self.marks,
            outcome,
            fired,
            compensations: Vec::new(),
            states,
            broken: self.broken,
        }
    }
}

fn finish_walk(m: &Machine, state: &State, mut run: Run, states: usize) -> Walk {
    let first_new = run.trace.len();
    run.trace.push(end(m, state));
    run.record(first_new, m.check_end(state));
    Walk {
        compensations: compensations_of(state),
        ..run.into_walk(m.outcome(state), state.fired, states)
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
    keep: Keep,
) -> (Walk, Vec<Option<Forked>>) {
    let (walk, forks, _) = walk_forking_into(m, state, candidates, nested, keep, None, 0);
    (walk, forks)
}

/// [`walk_forking`], stopping early if the run reaches a state of `into` (its parent's
/// states after the fork) but for the fault bits `own`; the run makes about `expected`
/// actions.
fn walk_forking_into(
    m: &Machine,
    mut state: State,
    candidates: &[Fault],
    nested: &[Fault],
    keep: Keep,
    into: Option<(&[Arc<Snapshot>], u64)>,
    expected: usize,
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
    let mut run = Run::new(keep, expected);
    let mut states = 1;
    let mut rejoined = None;
    // The state before the transition, while a fault may still fork from it: one buffer,
    // copied into.
    let mut spare: Option<State> = None;
    m.take_probed();
    for _ in 0..MAX_RUN_LENGTH {
        if state.pending.is_empty() {
            break;
        }
        let transition = states - 1;
        let before = if waiting.is_empty() {
            None
        } else {
            match spare.as_mut() {
                Some(copy) => copy.clone_from(&state),
                None => spare = Some(state.clone()),
            }
            spare.as_ref()
        };
        let shared = run.length;
        let first_new = run.trace.len();
        let Some(violations) = m.first_successor(&mut state, &mut run.trace) else {
            break;
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
        run.record(first_new, violations);
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
                    trace_len: run.length,
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
                keep,
                std::mem::take(&mut ready),
            ));
        }
    }
    for mut leaf in queued {
        leaf.window = window(&recent, leaf.transition);
        ready.push(leaf);
    }
    drop(recent);
    made.extend(make_forks(m, candidates, nested, keep, ready));
    let walk = match rejoined {
        // The rest of the run is the parent's, which the caller completes.
        Some(_) => run.into_walk(Outcome::Stuck, state.fired, states),
        None => finish_walk(m, &state, run, states),
    };
    let mut forks: Vec<Option<Forked>> = candidates.iter().map(|_| None).collect();
    for (i, mut fork) in made {
        if let Some(r) = fork.rejoined {
            // From the rejoined state on, the child's run is this one: it ends as this
            // one does, and breaks what this one breaks after that state.
            let own = fork.walk.fired & !super::every_fault(m.faults.len());
            fork.walk.outcome = walk.outcome;
            fork.walk.fired = walk.fired | own;
            fork.walk.compensations = walk.compensations.clone();
            fork.walk.states += walk.states - r.states;
            let offset = fork.walk.length;
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
    keep: Keep,
    ready: Vec<Leaf>,
) -> Vec<(usize, Forked)> {
    let seed = m.seed();
    let parent_faults = m.faults;
    ready
        .into_par_iter()
        .map(|leaf| {
            let mut faults = parent_faults.to_vec();
            faults.push(candidates[leaf.candidate]);
            let child = seed.machine(&faults, !nested.is_empty());
            let own = 1u64 << parent_faults.len().min(63);
            let into = (!leaf.window.is_empty()).then_some((leaf.window.as_slice(), own));
            // A failure undoes what ran before it, in about as many actions as the parent
            // made before the fork: room for twice that.
            let expected = 2 * leaf.shared + 64;
            let (walk, forks, rejoined) =
                walk_forking_into(&child, leaf.before, nested, &[], keep, into, expected);
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
