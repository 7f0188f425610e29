//! The instances run interleaved: a state of the product is every instance's part 1 state
//! and the records; a transition delivers one message of one instance (its machine's
//! transition), applying the effects of the actions it ran to the records. An access that
//! meets another instance's lock under `wait` is parked: that transition is not enabled
//! until the lock is released. Breadth-first over canonical states, so each violation
//! comes with a shortest counterexample.
//!
//! Reduced search (`reduced`): partial-order reduction (an instance whose every enabled
//! transition touches no shared record and settles nothing runs alone first) and symmetry
//! (two instances of one spec under the same faults: a state and its `a`<->`b` swap are
//! one). The naive search explores every interleaving; a test compares the two.

use std::collections::{BTreeMap, BTreeSet, HashSet, VecDeque};

use crate::model::resources::Actor;
use crate::model::{BuiltinFailure, Owner, Saga, StepId};
use crate::source::Span;

use super::super::action::{Action, ActionKind, StepResult, Work};
use super::super::invariant::Invariant;
use super::super::machine::{Machine, State};
use super::actions::{gave_up_waiting, handled, ran};
use super::joint::Joint;
use super::layout::Layout;
use super::notes::{self, AccessNote, RawNote};
use super::records::{Broken, Context, Records, Refused};
use super::redelivery::Made;
use super::{Broke, Label};
use super::{reaction, trigger};

/// The most states one scenario explores before `simulate` gives up (exit 2).
pub const MAX_STATES: usize = 2_000_000;

/// An invariant broken by a move: the instance, what broke, the words, and the effect
/// that broke it (an isolation invariant's).
pub(super) type Found = (u8, Broke, String, Option<Span>);

/// One transition of the product.
pub(super) struct Move {
    pub(super) joint: Joint,
    pub(super) actions: Vec<(u8, Action)>,
    pub(super) broken: Vec<Found>,
    /// It touches a shared record, or settles the instance's pending changes.
    pub(super) visible: bool,
    /// Its accesses to shared records, for a drawn run.
    pub(super) notes: Vec<RawNote>,
}

/// Every instance's enabled moves, and the parked ones.
struct Enabled {
    moves: Vec<(u8, Vec<Move>)>,
    parked: Vec<(u8, usize, u8)>,
    /// Steps whose event is redelivered for ever while the records refuse it.
    redelivering: Vec<(u8, StepId, BuiltinFailure)>,
}

pub struct Product<'a> {
    /// Per instance, the saga it runs.
    pub sagas: Vec<&'a Saga>,
    pub machines: Vec<Machine<'a>>,
    pub layout: Layout,
    pub labels: Vec<Label>,
    pub reduced: bool,
    /// Symmetry applies: two instances of one spec under the same faults.
    pub symmetric: bool,
    /// Whether moves keep their accesses to shared records for a drawn run (notes cost an
    /// allocation per move: a reduced search that finds nothing never draws a run, and one
    /// that finds something is explored again unreduced, with notes, for its traces).
    pub notes: std::cell::Cell<bool>,
    /// Whether some compensation can refuse (a guard, a version check): otherwise its
    /// refusals are not computed at each state.
    pub compensations_refuse: bool,
}

/// A run of the instances: each action with the index of its instance.
pub type Trace = Vec<(u8, Action)>;

/// A shortest run that breaks an invariant.
pub struct Counterexample {
    pub invariant: Broke,
    pub instance: u8,
    pub message: String,
    pub span: Option<Span>,
    pub trace: Trace,
    /// Its accesses to shared records.
    pub notes: Vec<AccessNote>,
}

/// A run found in the search, its notes not yet worded.
type RawRun = (Trace, Vec<(usize, RawNote)>);

/// What the exploration of one scenario found.
pub struct Explored {
    pub states: usize,
    pub violations: Vec<Counterexample>,
    /// Per instance, the bits of its faults that fired in some run.
    pub fired: Vec<u64>,
    /// Per instance, its outcome in the representative run (oldest message first, `a`
    /// before `b`).
    pub outcomes: Vec<super::super::Outcome>,
    /// Per instance, every outcome some explored run ends in.
    pub ends: Vec<BTreeSet<super::super::Outcome>>,
    /// The representative run.
    pub trace: Trace,
    /// Its accesses to shared records.
    pub notes: Vec<AccessNote>,
}

struct Node {
    parent: usize,
    actions: Vec<(u8, Action)>,
    notes: Vec<RawNote>,
}

impl Product<'_> {
    fn ctx(&self) -> Context<'_> {
        Context {
            layout: &self.layout,
            labels: &self.labels,
        }
    }

    pub(super) fn initial(&self) -> Joint {
        Joint {
            states: self.sagas.iter().map(|saga| State::initial(saga)).collect(),
            records: Records::new(&self.layout, self.machines.len()),
            late: Vec::new(),
            applied_late: Vec::new(),
            refused: 0,
            redelivered: Vec::new(),
        }
    }

    /// Explores every interleaving; `Err` names a semantics met that is not implemented.
    pub fn explore(&self) -> Result<Explored, String> {
        let initial = self.initial();
        let mut seen: HashSet<Joint, foldhash::fast::RandomState> = HashSet::default();
        seen.insert(initial.canonical());
        let mut nodes = vec![Node {
            parent: usize::MAX,
            actions: Vec::new(),
            notes: Vec::new(),
        }];
        let mut queue = VecDeque::from([(0usize, initial.clone())]);
        let mut found: BTreeMap<Broke, (u8, String, Option<Span>, RawRun)> = BTreeMap::new();
        let mut fired = vec![0u64; self.machines.len()];
        let mut ends = vec![BTreeSet::new(); self.machines.len()];
        while let Some((index, joint)) = queue.pop_front() {
            let enabled = self.enabled(&joint)?;
            let mut moves: Vec<Move> = match self.reduced.then(|| self.alone(&enabled)).flatten() {
                Some(i) => enabled
                    .moves
                    .into_iter()
                    .filter(|(j, _)| *j == i)
                    .flat_map(|(_, m)| m)
                    .collect(),
                None => enabled.moves.into_iter().flat_map(|(_, m)| m).collect(),
            };
            if moves.is_empty() {
                for (i, state) in joint.states.iter().enumerate() {
                    fired[i] |= state.fired;
                    ends[i].insert(self.outcome(&joint, i));
                }
                let broken = self.at_end(&joint, &enabled.parked, &enabled.redelivering);
                if broken.iter().any(|(_, b, _, _)| !found.contains_key(b)) {
                    let run = path(&nodes, index);
                    for (i, b, message, span) in broken {
                        found
                            .entry(b)
                            .or_insert_with(|| (i, message, span, run.clone()));
                    }
                }
                continue;
            }
            for m in moves.drain(..) {
                if m.broken.iter().any(|(_, b, _, _)| !found.contains_key(b)) {
                    let trace = path(&nodes, index);
                    let (mut trace, mut raw) = trace;
                    raw.extend(m.notes.iter().map(|&n| (trace.len() + m.actions.len(), n)));
                    trace.extend(m.actions.iter().cloned());
                    for (i, b, message, span) in &m.broken {
                        found.entry(*b).or_insert_with(|| {
                            (*i, message.clone(), *span, (trace.clone(), raw.clone()))
                        });
                    }
                }
                let canonical = m.joint.canonical();
                if self.symmetric && seen.contains(&canonical.swapped(&self.layout)) {
                    continue;
                }
                if !seen.insert(canonical) {
                    continue;
                }
                if seen.len() > MAX_STATES {
                    return Err(format!(
                        "more than {MAX_STATES} states in one scenario: narrow it with --scenario, --max-faults or fewer instances"
                    ));
                }
                nodes.push(Node {
                    parent: index,
                    actions: m.actions,
                    notes: m.notes,
                });
                queue.push_back((nodes.len() - 1, m.joint));
            }
        }
        if self.symmetric {
            // A run and its `a`<->`b` swap are one state: either instance ends either way.
            let both: BTreeSet<_> = ends.iter().flatten().copied().collect();
            ends = vec![both; ends.len()];
        }
        let (outcomes, (trace, raw)) = self.representative(initial)?;
        Ok(Explored {
            states: seen.len(),
            violations: found
                .into_iter()
                .map(
                    |(invariant, (instance, message, span, (trace, raw)))| Counterexample {
                        invariant,
                        instance,
                        message,
                        span,
                        notes: self.word(&raw),
                        trace,
                    },
                )
                .collect(),
            fired,
            outcomes,
            ends,
            notes: self.word(&raw),
            trace,
        })
    }

    /// The first instance that may run alone (partial-order reduction): it has enabled
    /// moves, none parked, and none of them visible to another instance.
    fn alone(&self, enabled: &Enabled) -> Option<u8> {
        enabled
            .moves
            .iter()
            .find(|(i, moves)| {
                !moves.is_empty()
                    && !enabled.parked.iter().any(|(p, _, _)| p == i)
                    && !enabled.redelivering.iter().any(|(p, _, _)| p == i)
                    && moves.iter().all(|m| !m.visible)
            })
            .map(|(i, _)| *i)
    }

    /// What is broken where nothing can move: a wait on a lock that is never released,
    /// else each instance's end checks.
    fn at_end(
        &self,
        joint: &Joint,
        parked: &[(u8, usize, u8)],
        redelivering: &[(u8, StepId, BuiltinFailure)],
    ) -> Vec<Found> {
        if let Some(&(i, record, holder)) = parked.first() {
            return vec![(
                i,
                Broke::Instance(Invariant::Termination),
                format!(
                    "deadlock: {} waits for {} held by {}, which never releases it",
                    self.label(i),
                    self.layout.records[record].name,
                    self.label(holder)
                ),
                None,
            )];
        }
        if let Some(&(i, step, failure)) = redelivering.first() {
            let saga = self.sagas[usize::from(i)];
            return vec![(
                i,
                Broke::Instance(Invariant::Termination),
                format!(
                    "{} {} is refused with {} at every redelivery of its event, for ever: nothing changes the records it needs again (then: retry, unlimited)",
                    self.label(i),
                    saga.step(step).action.value,
                    failure.as_str()
                ),
                None,
            )];
        }
        let mut out = Vec::new();
        for (i, (machine, state)) in self.machines.iter().zip(&joint.states).enumerate() {
            if joint.refused & (1 << i) != 0 {
                // Never started: nothing to end, nothing to undo.
                continue;
            }
            for (invariant, message) in machine.check_end(state) {
                out.push((
                    i as u8,
                    Broke::Instance(invariant),
                    format!("{} {message}", self.label(i as u8)),
                    None,
                ));
            }
        }
        out
    }

    /// Instance `i`'s outcome where its run stands (a refused trigger's: `trigger.rs`).
    fn outcome(&self, joint: &Joint, i: usize) -> super::super::Outcome {
        if joint.refused & (1 << i) != 0 {
            trigger::REFUSED_OUTCOME
        } else {
            self.machines[i].outcome(&joint.states[i])
        }
    }

    fn word(&self, raw: &[(usize, RawNote)]) -> Vec<AccessNote> {
        notes::word(&self.sagas, &self.layout, &self.labels, raw)
    }

    fn label(&self, i: u8) -> String {
        format!("[{}]", self.labels[usize::from(i)].letter)
    }

    /// Every move enabled in `joint`, each instance's in turn (`plays.rs` walks a run).
    pub(super) fn moves(&self, joint: &Joint) -> Result<Vec<Move>, String> {
        Ok(self
            .enabled(joint)?
            .moves
            .into_iter()
            .flat_map(|(_, m)| m)
            .collect())
    }

    fn enabled(&self, joint: &Joint) -> Result<Enabled, String> {
        let mut out = Enabled {
            moves: Vec::new(),
            parked: Vec::new(),
            redelivering: Vec::new(),
        };
        for (i, machine) in self.machines.iter().enumerate() {
            let i = i as u8;
            let before = &joint.states[usize::from(i)];
            let saga = self.sagas[usize::from(i)];
            let comp_refusals = if !self.compensations_refuse {
                Vec::new()
            } else {
                std::iter::once(Owner::Trigger)
                    .chain(saga.step_ids().map(Owner::Step))
                    .map(|owner| {
                        // The undo of an effect that never applied is a no-op: nothing to refuse.
                        let applied = match owner {
                            Owner::Trigger => before.trigger_ran,
                            Owner::Step(s) => {
                                before.steps[s.index()].applied > 0
                                    || joint.applied_late.contains(&(i, Actor::Step(s)))
                            }
                        };
                        let accesses = self.layout.of(i, Actor::Compensation(owner));
                        applied
                            .then(|| joint.records.compensation_refusal(i, accesses))
                            .flatten()
                    })
                    .collect()
            };
            machine.refuse(
                saga.step_ids()
                    .map(|s| {
                        // A participant that recognises a repeat by its idempotency key
                        // answers it as before, whatever the records are now.
                        let repeat = before.steps[s.index()].applied > 0
                            && saga.step(s).idempotency_key.is_some();
                        let accesses = self.layout.of(i, Actor::Step(s));
                        (!repeat)
                            .then(|| joint.records.refusal(i, accesses))
                            .flatten()
                    })
                    .collect(),
                comp_refusals,
            );
            let mut moves = Vec::new();
            for next in machine.successors(before) {
                let next = match self.redelivery(joint, i, next) {
                    Made::Machine(next) => next,
                    Made::Redelivered(m) => {
                        moves.push(m);
                        continue;
                    }
                    Made::Forever(step, failure) => {
                        out.redelivering.push((i, step, failure));
                        continue;
                    }
                };
                match self.step(joint, i, next)? {
                    Ok(m) => moves.push(m),
                    Err((record, holder)) => out.parked.push((i, record, holder)),
                }
            }
            for (k, &(j, actor)) in joint.late.iter().enumerate() {
                if j == i
                    && let Some(m) = self.late(joint, k, actor)
                {
                    moves.push(m);
                }
            }
            out.moves.push((i, moves));
        }
        Ok(out)
    }

    /// One machine transition of instance `i`, with its accesses applied; `Ok(Err(..))`
    /// when it is parked on a lock.
    #[allow(clippy::type_complexity)]
    fn step(
        &self,
        joint: &Joint,
        i: u8,
        next: super::super::machine::Next,
    ) -> Result<Result<Move, (usize, u8)>, String> {
        let before = &joint.states[usize::from(i)];
        let after = &next.state;
        let machine = &self.machines[usize::from(i)];
        let saga = self.sagas[usize::from(i)];
        let ran = ran(saga, before, after, &next.actions);

        if ran.contains(&Actor::Trigger)
            && let Some(failure) = joint.records.refusal(i, self.layout.of(i, Actor::Trigger))
        {
            let saga = self.sagas[usize::from(i)];
            return Ok(Ok(trigger::refused(saga, joint, i, failure)));
        }
        let mut records = joint.records.clone();
        let mut broken: Vec<Found> = next
            .violations
            .into_iter()
            .map(|(inv, m)| {
                (
                    i,
                    Broke::Instance(inv),
                    format!("{} {m}", self.label(i)),
                    None,
                )
            })
            .collect();
        // A participant that handled a command read the records to decide (a guard, a
        // lock), whether or not it applied anything.
        let handled = handled(&next.actions);
        let mut visible = handled
            .iter()
            .any(|&actor| self.layout.touches_shared(self.layout.of(i, actor)));
        self.observe_again(joint, i, (&handled, &ran), &mut records);
        let pnr = saga.point_of_no_return();
        let settled_before = settled(saga, before, pnr, machine);
        let mut raw = Vec::new();
        // Reactions the records refused: dropped, their effects not applied.
        let mut dropped = Vec::new();
        for actor in ran {
            // The undo of an effect that never applied is a no-op (`absent_effect: ignore`).
            if let Actor::Compensation(Owner::Step(s)) = actor
                && before.steps[s.index()].applied == 0
                && !joint.applied_late.contains(&(i, Actor::Step(s)))
            {
                continue;
            }
            let accesses = self.layout.of(i, actor);
            if accesses.is_empty() {
                continue;
            }
            visible |= self.layout.touches_shared(accesses);
            // A step, the trigger or a reaction may refuse on a lock; a compensation waits.
            let always_waits = actor.is_compensation();
            match records.parked(i, accesses, always_waits) {
                Some(Refused::Parked { record, holder }) => return Ok(Err((record, holder))),
                Some(Refused::Unsupported(what)) => return Err(what),
                None => {}
            }
            if let Actor::Reaction(r) = actor
                && let Some(failure) = records.reaction_refusal(i, accesses)
            {
                dropped.push((r, failure));
                continue;
            }
            let pending = !settled_before && pending_actor(saga, actor, pnr);
            if self.notes.get() {
                raw.extend(notes::raw(&self.layout, &records, i, actor));
            }
            match records.apply(&self.ctx(), i, actor, accesses, pending) {
                Ok(b) => broken.extend(tag(i, b)),
                Err(Refused::Unsupported(what)) => return Err(what),
                Err(Refused::Parked { record, holder }) => return Ok(Err((record, holder))),
            }
        }
        if !settled_before && settled(saga, after, pnr, machine) {
            records.settle(i);
            visible = true;
        }
        if !finished(saga, machine, before) && finished(saga, machine, after) {
            visible = true;
            let outcome = machine.outcome(after);
            if outcome != super::super::Outcome::Stuck {
                broken.extend(tag(i, records.locks_left(&self.ctx(), i)));
            }
        }
        let late = self.left_parked(joint, i, &next.actions);
        visible |= late.len() > joint.late.len();
        let mut states = joint.states.clone();
        states[usize::from(i)] = next.state;
        Ok(Ok(Move {
            joint: Joint {
                states,
                records,
                late,
                applied_late: joint.applied_late.clone(),
                refused: joint.refused,
                redelivered: joint.redelivered.clone(),
            },
            actions: next
                .actions
                .into_iter()
                .map(|a| (i, reaction::dropped(a, &dropped)))
                .collect(),
            broken,
            visible,
            notes: raw,
        }))
    }

    /// A step of `i` its participant handled but did not apply, answered `Changed`: the
    /// saga now holds the record's current version (a retry runs on it).
    fn observe_again(
        &self,
        joint: &Joint,
        i: u8,
        (handled, ran): (&[Actor], &[Actor]),
        records: &mut Records,
    ) {
        for &actor in handled {
            let accesses = self.layout.of(i, actor);
            if matches!(actor, Actor::Step(_))
                && !ran.contains(&actor)
                && joint.records.refusal(i, accesses) == Some(BuiltinFailure::Changed)
            {
                records.observe_again(i, accesses);
            }
        }
    }

    /// The parked commands after `i`'s `actions`: with those whose sender stopped waiting
    /// while they stay parked at their owner (they may still apply later). Sorted.
    fn left_parked(&self, joint: &Joint, i: u8, actions: &[Action]) -> Vec<(u8, Actor)> {
        let mut late = joint.late.clone();
        for s in gave_up_waiting(actions) {
            let accesses = self.layout.of(i, Actor::Step(s));
            if joint.records.parked(i, accesses, false).is_some() {
                late.push((i, Actor::Step(s)));
            }
        }
        late.sort();
        late
    }

    /// The late application of the parked command `joint.late[k]`, once no other instance's
    /// lock holds it back. It applies nothing when its guard refuses, or when its
    /// compensation ran first on a resource with `version_file` (the tombstone); an
    /// instance whose run has ended and is left holding a lock breaks `locks_released`.
    fn late(&self, joint: &Joint, k: usize, actor: Actor) -> Option<Move> {
        let (i, _) = joint.late[k];
        let Actor::Step(s) = actor else {
            return None;
        };
        let accesses = self.layout.of(i, actor);
        if joint.records.parked(i, accesses, false).is_some() {
            return None;
        }
        let state = &joint.states[usize::from(i)];
        let saga = self.sagas[usize::from(i)];
        let machine = &self.machines[usize::from(i)];
        let tombstone = state.runs(Owner::Step(s)) > 0
            && accesses.iter().any(|a| a.resource.version_file.value);
        let refused = joint.records.refusal(i, accesses).is_some();
        let mut records = joint.records.clone();
        let mut broken = Vec::new();
        let mut raw = Vec::new();
        let participant = saga.step(s).participant;
        let action = if tombstone || refused {
            ActionKind::Duplicate {
                work: Work::Step(s),
                applied_again: false,
            }
        } else {
            if self.notes.get() {
                raw = notes::raw(&self.layout, &records, i, actor);
            }
            let applied = records.apply(&self.ctx(), i, actor, accesses, false).ok()?;
            broken.extend(tag(i, applied));
            if finished(saga, machine, state)
                && machine.outcome(state) != super::super::Outcome::Stuck
            {
                broken.extend(tag(i, records.locks_left(&self.ctx(), i)));
            }
            ActionKind::Run {
                work: Work::Step(s),
                result: StepResult::Success,
            }
        };
        let mut late = joint.late.clone();
        late.remove(k);
        let mut applied_late = joint.applied_late.clone();
        if !(tombstone || refused) {
            applied_late.push((i, actor));
            applied_late.sort();
        }
        Some(Move {
            joint: Joint {
                states: joint.states.clone(),
                records,
                late,
                applied_late,
                refused: joint.refused,
                redelivered: joint.redelivered.clone(),
            },
            actions: vec![(i, Action::local(participant, action))],
            broken,
            visible: true,
            notes: raw,
        })
    }

    /// The run that always makes the first enabled move: each instance's outcome.
    fn representative(
        &self,
        mut joint: Joint,
    ) -> Result<(Vec<super::super::Outcome>, RawRun), String> {
        let mut trace = Vec::new();
        let mut raw = Vec::new();
        let notes = self.notes.replace(true);
        for _ in 0..super::super::run::MAX_RUN_LENGTH {
            let enabled = self.enabled(&joint)?;
            let Some(m) = enabled.moves.into_iter().flat_map(|(_, m)| m).next() else {
                break;
            };
            raw.extend(m.notes.iter().map(|&n| (trace.len() + m.actions.len(), n)));
            trace.extend(m.actions);
            joint = m.joint;
        }
        let outcomes = (0..self.machines.len())
            .map(|i| self.outcome(&joint, i))
            .collect();
        self.notes.set(notes);
        Ok((outcomes, (trace, raw)))
    }
}

fn tag(i: u8, broken: Vec<Broken>) -> impl Iterator<Item = Found> {
    broken
        .into_iter()
        .map(move |(inv, m, span)| (i, Broke::Isolation(inv), m, Some(span)))
}

/// Whether the instance's changes are final: its point of no return applied, or its run
/// finished.
fn settled(saga: &Saga, state: &State, pnr: Option<StepId>, machine: &Machine) -> bool {
    finished(saga, machine, state) || pnr.is_some_and(|p| state.steps[p.index()].applied > 0)
}

/// Whether an instance's run is over for its records: an orchestration's has ended; a
/// choreography's outcome is decided when its failure is announced, but its compensations
/// still run on the events in flight, so it is over when nothing of it is in flight.
fn finished(saga: &Saga, machine: &Machine, state: &State) -> bool {
    machine.ended(state)
        && (saga.coordination == crate::model::Coordination::Orchestration
            || state.pending.is_empty())
}

/// Whether a change by `actor` made before the point of no return stays pending: not the
/// point of no return's own, not an undo, not the trigger's when it has no compensation.
fn pending_actor(saga: &Saga, actor: Actor, pnr: Option<StepId>) -> bool {
    match actor {
        Actor::Trigger => saga.compensation(Owner::Trigger).is_some(),
        Actor::Step(s) => pnr != Some(s),
        Actor::Compensation(_) | Actor::Reaction(_) => false,
    }
}

/// The run from the initial state to `nodes[index]`, with its notes, each after the
/// actions of its move.
fn path(nodes: &[Node], mut index: usize) -> RawRun {
    let mut chunks = Vec::new();
    while index != usize::MAX && index < nodes.len() {
        chunks.push(&nodes[index]);
        index = nodes[index].parent;
    }
    let mut trace = Vec::new();
    let mut raw = Vec::new();
    for node in chunks.into_iter().rev() {
        trace.extend(node.actions.iter().cloned());
        raw.extend(node.notes.iter().map(|&n| (trace.len(), n)));
    }
    (trace, raw)
}
