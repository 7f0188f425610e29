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
#[derive(Clone)]
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

/// The run so far: its actions (if kept), their number and marks, its broken invariants,
/// and its states.
struct Run {
    keep: Keep,
    trace: Vec<Action>,
    length: usize,
    /// The states it went through: the one it started from, and one per transition.
    states: usize,
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
            states: 1,
            // Compensations take a few actions each.
            marks: Vec::with_capacity(expected / 4),
            broken: Vec::new(),
        }
    }

    /// Takes a transition's actions and the invariants it broke: one state more.
    fn transition(&mut self, first_new: usize, violations: Vec<(Invariant, String)>) {
        self.record(first_new, violations);
        self.states += 1;
    }

    /// Takes actions (appended to `self.trace` by the machine): counts and marks them, and
    /// drops them unless kept.
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

    /// This run with room for about `expected` actions in all, as [`Run::new`] makes.
    fn with_room(mut self, expected: usize) -> Run {
        let expected = expected.min(MAX_RUN_LENGTH);
        if self.keep == Keep::Trace {
            self.trace
                .reserve(expected.saturating_sub(self.trace.len()));
        }
        self.marks
            .reserve((expected / 4).saturating_sub(self.marks.len()));
        self
    }

    /// This run (a fork's first transition), then `walk` after its own first transition
    /// (`cut`): the two forks were in the same state there.
    fn followed_by_rest_of(self, walk: &Walk, cut: Cut) -> Walk {
        let at = self.length;
        let shift = |i: usize| at + i - cut.length;
        let mut trace = self.trace;
        trace.extend_from_slice(&walk.trace[cut.trace.min(walk.trace.len())..]);
        let mut marks = self.marks;
        marks.extend(walk.marks[cut.marks..].iter().map(|&(i, m)| (shift(i), m)));
        let mut broken = self.broken;
        broken.extend(
            walk.broken[cut.broken..]
                .iter()
                .map(|&(i, b)| (shift(i), b)),
        );
        Walk {
            trace,
            length: shift(walk.length),
            marks,
            outcome: walk.outcome,
            fired: walk.fired,
            compensations: walk.compensations.clone(),
            // The same number of states: one first transition each.
            states: walk.states,
            broken,
        }
    }

    fn into_walk(self, outcome: Outcome, fired: u64) -> Walk {
        Walk {
            trace: self.trace,
            length: self.length,
            marks: self.marks,
            outcome,
            fired,
            compensations: Vec::new(),
            states: self.states,
            broken: self.broken,
        }
    }
}

fn finish_walk(m: &Machine, state: &State, mut run: Run) -> Walk {
    let first_new = run.trace.len();
    run.trace.push(end(m, state));
    run.record(first_new, m.check_end(state));
    Walk {
        compensations: compensations_of(state),
        ..run.into_walk(m.outcome(state), state.fired)
    }
}

/// A run that leaves a parent run: the parent's first `shared` actions, then `walk`.
#[derive(Clone)]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
/// (a compensation failure) can be asked about in the part not run. Forks that leave at
/// the same transition and are in the same state after it share the rest of their run
/// ([`make_forks`]).
pub(super) fn walk_forking(
    m: &Machine,
    state: State,
    candidates: &[Fault],
    nested: &[Fault],
    keep: Keep,
) -> (Walk, Vec<Option<Forked>>) {
    let run = Run::new(keep, 0);
    let (walk, forks, _) = walk_forking_into(m, state, candidates, nested, keep, None, run);
    (walk, forks)
}

/// [`walk_forking`], stopping early if the run reaches a state of `into` (its parent's
/// states after the fork) but for the fault bits `own`; the run goes on from `run`, what
/// was run before `state` (which is its last state).
fn walk_forking_into(
    m: &Machine,
    mut state: State,
    candidates: &[Fault],
    nested: &[Fault],
    keep: Keep,
    into: Option<(&[Arc<Snapshot>], u64)>,
    mut run: Run,
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
    let mut rejoined = None;
    // The state before the transition, while a fault may still fork from it: one buffer,
    // copied into.
    let mut spare: Option<State> = None;
    m.take_probed();
    for _ in 0..MAX_RUN_LENGTH {
        if state.pending.is_empty() {
            break;
        }
        let transition = run.states - 1;
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
                        states_before: run.states - 1,
                        before: before.clone(),
                        transition,
                        window: Vec::new(),
                    });
                }
            }
        }
        run.transition(first_new, violations);
        if let Some((window, own)) = into
            && run.states <= window.len() + REJOIN_WINDOW + 2
            && let Some(r) = rejoins(window, own, &state)
        {
            rejoined = Some(r);
            break;
        }
        if rejoinable && !queued.is_empty() {
            recent.push_back((
                transition,
                Arc::new(Snapshot {
                    trace_len: run.length,
                    states: run.states,
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
        Some(_) => run.into_walk(Outcome::Stuck, state.fired),
        None => finish_walk(m, &state, run),
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

/// Makes the forks of ready leaves, in parallel. A fork is the transition its fault fires
/// in, then the rest of its run; forks that leave at the same transition and reach the
/// same state there (a choreography step that gives up and one that fails both announce
/// their failure) make the rest once. A fired fault never fires again, so from equal
/// states such runs are the same.
fn make_forks(
    m: &Machine,
    candidates: &[Fault],
    nested: &[Fault],
    keep: Keep,
    ready: Vec<Leaf>,
) -> Vec<(usize, Forked)> {
    let seed = m.seed();
    let parent_faults = m.faults;
    let own = 1u64 << parent_faults.len().min(63);
    let firsts: Vec<First> = ready
        .into_par_iter()
        .map(|leaf| {
            let faults = faults_of_candidate(parent_faults, candidates[leaf.candidate]);
            let child = seed.machine(&faults, !nested.is_empty());
            First::make(&child, leaf, nested, keep, own)
        })
        .collect();
    // For each fork with a rest: the first fork with the same rest, which makes it. A
    // fault that is also a nested candidate is not forked again in its own run, so that
    // run's rest is its own.
    let shareable =
        |f: &First| f.then == Then::Rest && !nested.contains(&candidates[f.leaf.candidate]);
    let mut maker: Vec<usize> = (0..firsts.len()).collect();
    for i in 0..firsts.len() {
        let f = &firsts[i];
        if !shareable(f) {
            continue;
        }
        if let Some(j) = (0..i)
            .rev()
            .take_while(|&j| firsts[j].leaf.transition == f.leaf.transition)
            .find(|&j| {
                maker[j] == j && shareable(&firsts[j]) && firsts[j].leaf.before == f.leaf.before
            })
        {
            maker[i] = j;
        }
    }
    let mut rests = Vec::new();
    let mut started = Vec::with_capacity(firsts.len());
    for (i, First { leaf, run, then }) in firsts.into_iter().enumerate() {
        let makes = !matches!(then, Then::Rejoined(_)) && maker[i] == i;
        let first = Cut::of(&run);
        if makes {
            // A failure undoes what ran before it, in about as many actions as the parent
            // made before the fork: room for twice that.
            let expected = 2 * leaf.shared + 64;
            let run = match then {
                Then::Whole => Run::new(keep, expected),
                _ => run.with_room(expected),
            };
            started.push(Started::of(&leaf, first, None, then));
            rests.push((i, leaf, run));
        } else {
            started.push(Started::of(&leaf, first, Some(run), then));
        }
    }
    let mut made: Vec<Option<Made>> = (0..started.len()).map(|_| None).collect();
    let rests: Vec<(usize, Made)> = rests
        .into_par_iter()
        .map(|(i, leaf, run)| {
            let faults = faults_of_candidate(parent_faults, candidates[leaf.candidate]);
            let child = seed.machine(&faults, !nested.is_empty());
            let into = (!leaf.window.is_empty()).then_some((leaf.window.as_slice(), own));
            let made = walk_forking_into(&child, leaf.before, nested, &[], keep, into, run);
            (i, made)
        })
        .collect();
    for (i, rest) in rests {
        made[i] = Some(rest);
    }
    let cuts: Vec<Cut> = started.iter().map(|f| f.first).collect();
    // From the last: a fork that shares a run comes after the one that made it, which
    // then takes it.
    let mut out = Vec::with_capacity(started.len());
    for (i, fork) in started.into_iter().enumerate().rev() {
        let (walk, rejoined, forks) = match (fork.then, fork.run) {
            (Then::Rejoined(r), Some(run)) => (
                run.into_walk(Outcome::Stuck, fork.fired),
                Some(r),
                nested.iter().map(|_| None).collect(),
            ),
            (Then::Rest, Some(run)) => {
                let cut = cuts[maker[i]];
                let (walk, forks, rejoined) = made[maker[i]].as_ref().expect("its run made");
                let forks = forks
                    .iter()
                    .map(|nested| {
                        nested.clone().map(|mut nested| {
                            nested.shared = nested.shared + run.length - cut.length;
                            nested
                        })
                    })
                    .collect();
                (run.followed_by_rest_of(walk, cut), *rejoined, forks)
            }
            _ => {
                let (walk, forks, rejoined) = made[i].take().expect("its run made");
                (walk, rejoined, forks)
            }
        };
        out.push((
            fork.candidate,
            Forked {
                shared: fork.shared,
                states_before: fork.states_before,
                walk,
                rejoined,
                forks,
            },
        ));
    }
    out
}

/// How much of a run its first transition is.
#[derive(Debug, Clone, Copy)]
struct Cut {
    length: usize,
    trace: usize,
    marks: usize,
    broken: usize,
}

impl Cut {
    fn of(run: &Run) -> Cut {
        Cut {
            length: run.length,
            trace: run.trace.len(),
            marks: run.marks.len(),
            broken: run.broken.len(),
        }
    }
}

/// A fork after its first transition.
struct Started {
    candidate: usize,
    shared: usize,
    states_before: usize,
    /// The faults fired after its first transition.
    fired: u64,
    /// How much of its run the first transition is.
    first: Cut,
    /// Its first transition, unless it makes its own run (which goes on from there).
    run: Option<Run>,
    then: Then,
}

impl Started {
    fn of(leaf: &Leaf, first: Cut, run: Option<Run>, then: Then) -> Started {
        Started {
            candidate: leaf.candidate,
            shared: leaf.shared,
            states_before: leaf.states_before,
            fired: leaf.before.fired,
            first,
            run,
            then,
        }
    }
}

/// A run made by [`walk_forking_into`]: the walk, its forks and where it rejoined.
type Made = (Walk, Vec<Option<Forked>>, Option<Rejoin>);

fn faults_of_candidate(parent: &[Fault], candidate: Fault) -> Vec<Fault> {
    let mut faults = parent.to_vec();
    faults.push(candidate);
    faults
}

/// A fork's first transition, the one its fault fires in, made apart from the rest of its
/// run.
struct First {
    /// The fork; its state is the one after the transition, unless it is made whole.
    leaf: Leaf,
    /// The transition's actions.
    run: Run,
    then: Then,
}

/// How a fork goes on after its first transition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Then {
    /// With a rest, made from the state after the transition.
    Rest,
    /// It is its parent's run again: the rest is the parent's.
    Rejoined(Rejoin),
    /// Made whole from the state before the transition: the transition asked about a
    /// nested candidate (whose fork leaves before it), or there was nothing to deliver.
    Whole,
}

impl First {
    fn make(child: &Machine, mut leaf: Leaf, nested: &[Fault], keep: Keep, own: u64) -> First {
        let mut run = Run::new(keep, 0);
        let before = (!nested.is_empty()).then(|| leaf.before.clone());
        let Some(violations) = child.first_successor(&mut leaf.before, &mut run.trace) else {
            return First {
                leaf,
                run,
                then: Then::Whole,
            };
        };
        if let Some(before) = before
            && child.take_probed().iter().any(|f| nested.contains(f))
        {
            leaf.before = before;
            return First {
                leaf,
                run: Run::new(keep, 0),
                then: Then::Whole,
            };
        }
        run.transition(0, violations);
        let then = match rejoins(&leaf.window, own, &leaf.before) {
            Some(r) => Then::Rejoined(r),
            None => Then::Rest,
        };
        First { leaf, run, then }
    }
}

/// Where `state` is one of its parent's states after the fork (`window`), but for the
/// fault bits `own`, which have fired.
fn rejoins(window: &[Arc<Snapshot>], own: u64, state: &State) -> Option<Rejoin> {
    if state.fired & own != own {
        return None;
    }
    let snapshot = window
        .iter()
        .find(|s| state.same_but_fired(&s.state, own))?;
    Some(Rejoin {
        trace: snapshot.trace_len,
        states: snapshot.states,
    })
}

pub(super) fn walk_from_start(m: &Machine) -> Walk {
    walk(m, State::initial(m.saga))
}
