//! What generated tests assert of each scenario: its representative run's outcome,
//! compensation order, effects applied twice and broken invariants, made with forked runs
//! that keep no trace.

use std::collections::BTreeSet;

use crate::model::{Owner, Saga, StepId, StepKind};

use super::action::{Action, ActionKind, CancelAnswer, Work};
use super::fault::{Fault, FaultKind, applicable, compensation_faults};
use super::fork::walk_forking;
use super::invariant::Invariant;
use super::machine::{Machine, State, Stuck};
use super::run::{Keep, Mark, Recording, Walk};
use super::{Outcome, Scenario, every_fault, scenario_name, trigger_last};

/// What a scenario's representative run does, in brief: what a generated test asserts
/// when it drives the saga's code through the scenario.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expectation {
    pub name: String,
    pub faults: Vec<Fault>,
    pub outcome: Outcome,
    /// The compensations in the order they ran, the trigger last.
    pub compensated: Vec<Owner>,
    /// The steps and compensations whose effect a duplicate applied a second time, in the
    /// order it happened.
    pub applied_twice: Vec<Work>,
    /// The invariants the run breaks, in the order of [`Invariant`], each once.
    pub broken: Vec<Invariant>,
    /// Version 2: the value the run told the caller (`outcome.values`), if any.
    pub caller: Option<String>,
    /// What gave up for good, when the run ends stuck because of it.
    pub stuck: Option<Stuck>,
    /// Version 2: the effects the escalation was told are left in place.
    pub left: Vec<Owner>,
    /// Version 2: the compensations that gave up while the saga went on or escalated.
    pub gave_up: Vec<Owner>,
    /// Version 2: the first answer to the caller's cancel, if any.
    pub cancel_answer: Option<CancelAnswer>,
    /// Version 2: how a generated test drives this run, when it is not the scenario's
    /// representative run (which does not fire every fault of the scenario).
    pub played: Option<Played>,
}

/// A run of a scenario other than its representative one, which a generated test drives
/// instead: a compensation that fails or times out only where a deadline or a cancel
/// stops a step in doubt (the representative run stops it before its command, or hears
/// the cancel before the step is sent).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Played {
    /// The deadline passes while the step's first command is out and not processed: the
    /// step is abandoned in doubt.
    DeadlineOutstanding(StepId),
    /// The caller's cancel, sent earlier, reaches the orchestrator once this step's first
    /// command has been processed, before its answer (as `cancel:<step>` is played).
    CancelAt(StepId),
}

impl Expectation {
    /// The expectation of a scenario's representative run.
    pub fn of(s: &Scenario) -> Expectation {
        let mut broken: Vec<Invariant> = s.violations.iter().map(|v| v.invariant).collect();
        broken.sort();
        broken.dedup();
        Expectation {
            name: s.name.clone(),
            faults: s.faults.clone(),
            outcome: s.outcome,
            compensated: s.compensated.clone(),
            applied_twice: applied_twice(&s.trace),
            broken,
            caller: s.told.caller.clone(),
            stuck: s.told.stuck,
            left: s.told.left.clone(),
            gave_up: s.told.gave_up.clone(),
            cancel_answer: s.told.cancel_answer,
            played: None,
        }
    }
}

fn applied_twice<'a>(trace: impl IntoIterator<Item = &'a Action>) -> Vec<Work> {
    trace
        .into_iter()
        .filter_map(|a| match a.kind {
            ActionKind::Duplicate {
                work,
                applied_again: true,
            } => Some(work),
            _ => None,
        })
        .collect()
}

/// The scenarios [`enumerate`] lists by default (`happy`, each single fault, and after each
/// that compensates, each compensation that can give up failing), with what their
/// representative runs do, made with [`forks`] in time proportional to what the runs do
/// after their faults. Which scenarios are listed is judged on the representative runs
/// (a fault that fires in them; a compensation that ran in them): a generated test drives
/// that run, so a fault that fires only in another delivery order could not be tested
/// there. `broken` holds what the representative run breaks; [`run`] explores the others.
pub fn expectations(saga: &Saga, kinds: &[FaultKind]) -> Vec<Expectation> {
    let base = applicable(saga, kinds);
    let mut compfails = if kinds.contains(&FaultKind::Compfail) {
        compensation_faults(saga)
    } else {
        Vec::new()
    };
    // Version 2: a compensation's timeout is explored like its failure, never counted.
    compfails.extend(super::fault::compensation_timeouts(saga, kinds));
    let machine = Machine::probing(saga, &[]);
    let (happy, forked) = walk_forking(
        &machine,
        State::initial(saga),
        &base,
        &compfails,
        Keep::Marks,
        Recording::new(Keep::Marks),
    );
    let mut out = Vec::new();
    let happy_prefix = Prefix::of(&happy);
    out.push(expectation(saga, Vec::new(), &Prefix::default(), 0, &happy));
    // The happy run compensates nothing, so no compensation failure follows it.
    for (&fault, fork) in base.iter().zip(forked) {
        let Some(fork) = fork else { continue };
        let faults = vec![fault];
        let all = every_fault(1);
        if fork.walk.fired & all != all {
            continue;
        }
        let e = expectation(saga, faults.clone(), &happy_prefix, fork.shared, &fork.walk);
        let ran: BTreeSet<Owner> = if compfails.is_empty() {
            BTreeSet::new()
        } else {
            happy_prefix
                .compensations_before(fork.shared)
                .chain(fork.walk.compensations.iter().copied())
                .collect()
        };
        let start = out.len();
        out.push(e);
        if compfails.is_empty() {
            continue;
        }
        let own = happy_prefix.extend(fork.shared, &fork.walk);
        for (&cf, nested) in compfails.iter().zip(fork.forks) {
            let (Fault::CompFail(owner) | Fault::CompTimeout(owner)) = cf else {
                continue;
            };
            let Some(nested) = nested.filter(|_| ran.contains(&owner)) else {
                continue;
            };
            let all = every_fault(2);
            if nested.walk.fired & all != all {
                continue;
            }
            let mut with = faults.clone();
            with.push(cf);
            out.push(expectation(
                saga,
                with,
                &own,
                fork.shared + nested.shared,
                &nested.walk,
            ));
        }
        for &cf in &compfails {
            let listed = |e: &Expectation| e.faults == [fault, cf];
            if !out[start..].iter().any(listed) {
                out.extend(played_in_doubt(saga, fault, cf));
            }
        }
    }
    out
}

/// Version 2: the run of `fault` (a deadline or a cancel) and `cf` (a compensation's
/// failure or timeout) where the step the deadline or cancel stops is in doubt, so that
/// compensation runs: the deadline passing while the step `cf` undoes is outstanding (not
/// processed), or the cancel heard once the later step `cf` undoes has been sent and
/// processed. `None` where neither applies or the run does not fire both.
fn played_in_doubt(saga: &Saga, fault: Fault, cf: Fault) -> Option<Expectation> {
    let (Fault::CompFail(Owner::Step(owner)) | Fault::CompTimeout(Owner::Step(owner))) = cf else {
        return None;
    };
    let (played, walked) = match fault {
        Fault::Deadline(s) if s == owner && saga.step(s).kind != StepKind::Pivot => {
            (Played::DeadlineOutstanding(s), [fault, cf])
        }
        Fault::Cancel(s) if saga.step(owner).stage > saga.step(s).stage => {
            (Played::CancelAt(owner), [Fault::Cancel(owner), cf])
        }
        _ => return None,
    };
    let mut machine = Machine::new(saga, &walked);
    machine.deadline_outstanding = matches!(played, Played::DeadlineOutstanding(_));
    let (walk, _) = walk_forking(
        &machine,
        State::initial(saga),
        &[],
        &[],
        Keep::Marks,
        Recording::new(Keep::Marks),
    );
    let all = every_fault(2);
    if walk.fired & all != all {
        return None;
    }
    let mut e = expectation(saga, vec![fault, cf], &Prefix::default(), 0, &walk);
    e.played = Some(played);
    Some(e)
}

/// About how many compensations the runs of [`expectations`] make in all: for each fault
/// that can make a step fail (`fail:`, `exhaust:`, `timeout:`), the compensations declared
/// before that step. Each is held (as an owner in an expected order) until the tests are
/// written, so this bounds the memory and time of generating them.
pub fn compensations_expected(saga: &Saga, kinds: &[FaultKind]) -> usize {
    let mut before = vec![0usize; saga.steps.len()];
    let mut count = usize::from(saga.trigger.compensation.is_some());
    for step in saga.step_ids() {
        before[step.index()] = count;
        if saga.step(step).compensation.is_some() {
            count += 1;
        }
    }
    applicable(saga, kinds)
        .iter()
        .filter_map(|f| match *f {
            Fault::Fail(s) | Fault::Exhaust(s) | Fault::Timeout(s) => {
                before.get(s.index()).copied()
            }
            _ => None,
        })
        .fold(0usize, usize::saturating_add)
}

/// What the start of a run did, to build a forked run's expectation without its trace.
#[derive(Default, Clone)]
struct Prefix {
    /// (position in the trace, what happened) for compensations, duplicates applied again
    /// and broken invariants, in trace order.
    events: Vec<(usize, PrefixEvent)>,
}

#[derive(Clone, Copy)]
enum PrefixEvent {
    Compensated(Owner),
    AppliedTwice(Work),
    Broke(Invariant),
}

impl From<Mark> for PrefixEvent {
    fn from(mark: Mark) -> PrefixEvent {
        match mark {
            Mark::Compensated(o) => PrefixEvent::Compensated(o),
            Mark::AppliedTwice(work) => PrefixEvent::AppliedTwice(work),
        }
    }
}

impl Prefix {
    fn of(w: &Walk) -> Prefix {
        Prefix::default().extend(0, w)
    }

    /// This prefix up to `shared` actions, then the run `w` (which starts there).
    fn extend(&self, shared: usize, w: &Walk) -> Prefix {
        let mut events: Vec<(usize, PrefixEvent)> = self
            .events
            .iter()
            .filter(|(i, _)| *i < shared)
            .copied()
            .collect();
        for &(i, mark) in &w.marks {
            events.push((shared + i, mark.into()));
        }
        // Broken invariants sort after the actions of the transition that broke them.
        for &(at, invariant) in &w.broken {
            events.push((shared + at, PrefixEvent::Broke(invariant)));
        }
        events.sort_by_key(|(i, _)| *i);
        Prefix { events }
    }

    fn compensations_before(&self, shared: usize) -> impl Iterator<Item = Owner> + '_ {
        self.events.iter().filter_map(move |&(i, e)| match e {
            PrefixEvent::Compensated(o) if i < shared => Some(o),
            _ => None,
        })
    }
}

/// The expectation of the run that is `prefix` up to `shared` actions, then `w`: what
/// [`Prefix::extend`] would hold, taken in order without building it (each part is in
/// order, and the lists it is split into do not interleave).
fn expectation(
    saga: &Saga,
    faults: Vec<Fault>,
    prefix: &Prefix,
    shared: usize,
    w: &Walk,
) -> Expectation {
    let mut compensated: Vec<Owner> = Vec::new();
    let mut applied_twice = Vec::new();
    let mut broken: Vec<Invariant> = w.broken.iter().map(|&(_, invariant)| invariant).collect();
    let mut take = |e: PrefixEvent| match e {
        PrefixEvent::Compensated(o) => compensated.push(o),
        PrefixEvent::AppliedTwice(w) => applied_twice.push(w),
        PrefixEvent::Broke(i) => broken.push(i),
    };
    for &(_, e) in prefix.events.iter().take_while(|(i, _)| *i < shared) {
        take(e);
    }
    for &(_, mark) in &w.marks {
        take(mark.into());
    }
    let compensated = trigger_last(compensated);
    broken.sort();
    broken.dedup();
    Expectation {
        name: scenario_name(saga, &faults),
        faults,
        outcome: w.outcome,
        compensated,
        applied_twice,
        broken,
        caller: w.told.caller.clone(),
        stuck: w.told.stuck,
        left: w.told.left.clone(),
        gave_up: w.told.gave_up.clone(),
        cancel_answer: w.told.cancel_answer,
        played: None,
    }
}
