//! What a generated crate's isolation test plays of a run of the instances (`codegen`,
//! contract §9), beyond the participant calls `calls.rs` lists: each thing a participant
//! does in the run's order (a command it handles, a duplicate delivery it receives, a
//! command it applied whose answer the deadline made the sender stop waiting for), and how
//! the run took each fault the search explores more than one way (a timeout whose effect
//! was not applied, a deadline that passed while the step was outstanding). What a test
//! harness cannot play is named ([`Unplayable`]), never played as something else.

use crate::model::StepId;
use crate::model::resources::Actor;

use super::super::action::{Action, ActionKind, Silence, StepResult, Work};
use super::super::fault::Fault;
use super::joint::Joint;
use super::product::Product;
use super::{Broke, Instances, Search};

/// One thing a participant of an instance does, in the order the run made it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Play {
    /// It handles a command (or runs the trigger): the records, and the scenario's faults,
    /// decide its answer.
    Call(Work),
    /// A duplicate delivery of the step's command reaches it.
    Again(StepId),
    /// It applies the step's command, but the deadline passes before its answer: the
    /// sender abandons the step in doubt.
    Abandoned(StepId),
}

/// How a run took a fault the search explores more than one way (the in-place way, a
/// timeout's effect applied and the deadline before the step's command, needs no word).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Branch {
    /// `timeout:<step>` with the effect not applied.
    Unapplied(StepId),
    /// `deadline:<step>` passing while the step's command is out and not processed.
    Outstanding(StepId),
    /// `deadline:<step>` passing after the step's participant applied its command.
    OutstandingApplied(StepId),
}

/// What a run plays, per instance in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Script {
    pub plays: Vec<(u8, Play)>,
    /// Each with its instance, sorted.
    pub branches: Vec<(u8, Branch)>,
}

/// What a test harness that drives each instance's state machine cannot play.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Unplayable {
    /// A command parked at its owner (a lock under `wait`) that applies, or is refused,
    /// after its sender timed out: the harness's owner would have to answer a command
    /// whose answer nobody waits for, while the sender's machine goes on.
    LateApplication,
    /// An undeclared error (`uncaught:`) met after the effect applied
    /// (`transactional: false`, `on_uncaught: no_reply`).
    UncaughtAfterApplying,
    /// The caller's cancel (`cancel:`), which the isolation harness does not send.
    Cancel,
    /// A run the product does not make again from its trace (a semantics this accessor
    /// does not know).
    Unknown,
}

impl Unplayable {
    /// The words a generated file's header uses.
    pub fn as_str(self) -> &'static str {
        match self {
            Unplayable::LateApplication => {
                "a command parked on another saga's lock applied after its sender timed out"
            }
            Unplayable::UncaughtAfterApplying => "an undeclared error after the effect applied",
            Unplayable::Cancel => "the caller's cancel",
            Unplayable::Unknown => "a run the search does not make again from its trace",
        }
    }
}

/// What a run of the scenario with these faults plays. `broke` is the invariant a
/// counterexample breaks (its last move), `None` for the representative run.
pub fn script(
    instances: &Instances,
    faults: &[(u8, Fault)],
    trace: &[(u8, Action)],
    broke: Option<Broke>,
) -> Result<Script, Unplayable> {
    let mut plays = Vec::new();
    let mut branches = Vec::new();
    let mut outstanding = Vec::new();
    for (k, &(i, action)) in trace.iter().enumerate() {
        let earlier = || trace[..k].iter().rev().filter(move |(j, _)| *j == i);
        match action.kind {
            // A choreography's handler that is not registered for the attempt calls no
            // participant.
            ActionKind::Run {
                result: StepResult::NotRegistered,
                ..
            } => {}
            ActionKind::Run { work, .. } => match work {
                Work::Trigger | Work::Reaction(_) => plays.push((i, Play::Call(work))),
                // A choreography's handler runs its step or compensation as a local
                // transaction when its event is delivered.
                _ if choreography(instances, i) => plays.push((i, Play::Call(work))),
                // A step runs as a local transaction only when a parked command applies.
                _ => return Err(Unplayable::LateApplication),
            },
            ActionKind::Duplicate {
                work: Work::Step(s),
                ..
            } => {
                let delivered = earlier().next().is_some_and(|(_, a)| {
                    matches!(a.kind, ActionKind::Command { work: Work::Step(w), duplicate: true, .. } if w == s)
                });
                if !delivered {
                    return Err(Unplayable::LateApplication);
                }
                plays.push((i, Play::Again(s)));
            }
            ActionKind::NoAnswer { applied: true, .. } => {
                return Err(Unplayable::UncaughtAfterApplying);
            }
            ActionKind::NoAnswer { work, .. } => plays.push((i, Play::Call(work))),
            ActionKind::Reply { work, result } => {
                // A participant that answers nothing: its call is the `NoAnswer` before.
                let unanswered = earlier().next().is_some_and(
                    |(_, a)| matches!(a.kind, ActionKind::NoAnswer { work: w, .. } if w == work),
                );
                if unanswered {
                    continue;
                }
                if let (Work::Step(s), StepResult::TimedOut { applied: false }) = (work, result)
                    && faults.contains(&(i, Fault::Timeout(s)))
                {
                    branches.push((i, Branch::Unapplied(s)));
                }
                plays.push((i, Play::Call(work)));
            }
            ActionKind::DeadlinePasses {
                step,
                outstanding: true,
            } if faults.contains(&(i, Fault::Deadline(step))) => {
                // A wait nobody answers ended by the deadline is the harness's own.
                let down = earlier().any(|(_, a)| {
                    matches!(a.kind, ActionKind::NoAnswer { work: Work::Step(w), why: Silence::Down | Silence::Swallowed, .. } if w == step)
                });
                if !down {
                    outstanding.push((plays.len(), i, step));
                }
            }
            ActionKind::Cancel => return Err(Unplayable::Cancel),
            _ => {}
        }
    }
    if !outstanding.is_empty() {
        let applied =
            applied_when_abandoned(instances, faults, trace, broke).ok_or(Unplayable::Unknown)?;
        // Inserted from the last, so the earlier positions hold.
        for (&(at, i, step), applied) in outstanding.iter().zip(applied).rev() {
            if applied {
                plays.insert(at, (i, Play::Abandoned(step)));
                branches.push((i, Branch::OutstandingApplied(step)));
            } else {
                branches.push((i, Branch::Outstanding(step)));
            }
        }
    }
    branches.sort();
    branches.dedup();
    Ok(Script { plays, branches })
}

/// Whether instance `i` is coordinated by events (its handlers run the steps).
fn choreography(instances: &Instances, i: u8) -> bool {
    instances.sagas[usize::from(i)].coordination == crate::model::Coordination::Choreography
}

/// The plays reordered: instance `a` plays until it has made an access to a shared
/// record, then `b`, and so on in turn; each instance's own plays stay in their order
/// (for a scenario that breaks nothing: every interleaving is clean, so this one is too,
/// and it is the one that meets the other instance most often).
pub fn alternating(instances: &Instances, plays: &[(u8, Play)]) -> Vec<(u8, Play)> {
    let layout = instances.layout();
    let n = instances.sagas.len();
    let mut left: Vec<std::collections::VecDeque<Play>> = (0..n)
        .map(|i| {
            plays
                .iter()
                .filter(|(j, _)| usize::from(*j) == i)
                .map(|(_, p)| *p)
                .collect()
        })
        .collect();
    let mut out = Vec::with_capacity(plays.len());
    let mut turn = 0usize;
    while left.iter().any(|l| !l.is_empty()) {
        while let Some(play) = left[turn].pop_front() {
            out.push((turn as u8, play));
            if layout.touches_shared(layout.of(turn as u8, actor(play))) {
                break;
            }
        }
        turn = (turn + 1) % n;
    }
    out
}

/// Whether the plays of a run may be put in another order and still be a run the search
/// makes: no owner may refuse an access to a record the instances share (a lock under
/// `on_locked: fail`, `if_unchanged`, a guarded `set`), so what each instance's calls
/// answer does not depend on the other's. A lock under `wait` only holds a call back, which
/// a harness plays. Otherwise a test keeps the run's own order.
pub fn reorderable(instances: &Instances) -> bool {
    let layout = instances.layout();
    layout.accesses.iter().flatten().all(|(actor, accesses)| {
        accesses.iter().all(|a| {
            !layout.records[a.record].shared()
                || super::calls::refusals_of(*actor, a).next().is_none()
        })
    })
}

/// The action a play runs.
pub fn actor(play: Play) -> Actor {
    match play {
        Play::Call(work) => super::calls::actor(work),
        Play::Again(s) | Play::Abandoned(s) => Actor::Step(s),
    }
}

/// For each deadline of the trace that passes while its step is outstanding, in order:
/// whether the step's participant had applied its command. The trace does not say (the
/// effect is read from the machine's state), so the run is made again through the
/// product, move by move as the trace goes, and where two moves read alike the one whose
/// run breaks `broke` at its end is taken.
fn applied_when_abandoned(
    instances: &Instances,
    faults: &[(u8, Fault)],
    trace: &[(u8, Action)],
    broke: Option<Broke>,
) -> Option<Vec<bool>> {
    let per_instance = super::per_instance(instances.sagas.len(), faults);
    let product = super::product(instances, &per_instance, Search::Naive);
    let mut found = Vec::new();
    let initial = product.initial();
    for strict in [true, false] {
        let want = if strict { broke } else { None };
        if walk(&product, &initial, trace, want, &mut found) {
            return Some(found);
        }
        found.clear();
    }
    None
}

/// Depth first along the trace (its prefix decides almost every move).
fn walk(
    product: &Product,
    joint: &Joint,
    trace: &[(u8, Action)],
    want: Option<Broke>,
    found: &mut Vec<bool>,
) -> bool {
    if trace.is_empty() {
        return want.is_none();
    }
    let Ok(moves) = product.moves(joint) else {
        return false;
    };
    for m in moves {
        let n = m.actions.len();
        if n == 0 || n > trace.len() || trace[..n] != m.actions[..] {
            continue;
        }
        let mark = found.len();
        for (i, a) in &m.actions {
            if let ActionKind::DeadlinePasses {
                step,
                outstanding: true,
            } = a.kind
            {
                let i = usize::from(*i);
                let before = joint.states[i].steps[step.index()].applied;
                found.push(m.joint.states[i].steps[step.index()].applied > before);
            }
        }
        let last = n == trace.len();
        let broken = want.is_some_and(|b| m.broken.iter().any(|f| f.1 == b));
        if (last && (want.is_none() || broken)) || walk(product, &m.joint, &trace[n..], want, found)
        {
            return true;
        }
        found.truncate(mark);
    }
    false
}
