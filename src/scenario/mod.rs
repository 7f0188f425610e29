//! Scenarios: a saga run under a set of injected faults. [`enumerate`] lists them (`happy`
//! first, then every single fault in step order, then combinations), explores every run
//! of each (delivery orders, parallel interleavings, in-doubt outcomes) and checks the
//! invariants. `simulate` prints them; diagrams, code generation and grading reuse them.
//! The semantics are written down in `docs/simulation.md`.

pub mod action;
mod explore;
pub mod fault;
pub mod invariant;
mod machine;

pub use action::{Action, ActionKind, Party, Result as StepResult, Via, Work};
pub use fault::{Fault, FaultKind, applicable, compensation_faults, owner_name};
pub use invariant::{Invariant, Violation};

use std::collections::BTreeSet;

use crate::model::{Owner, Saga};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Outcome {
    /// Every step applied once, no compensation ran.
    Completed,
    /// The saga undid what it had applied.
    Compensated,
    /// Neither: a step or compensation gave up, the saga was lost, or it waits forever.
    Stuck,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Completed => "completed",
            Outcome::Compensated => "compensated",
            Outcome::Stuck => "stuck",
        }
    }
}

/// What to explore.
#[derive(Debug, Clone)]
pub struct Options {
    /// Faults combined in one scenario (compensation failures not counted).
    pub max_faults: usize,
    /// The kinds of fault to inject.
    pub kinds: Vec<FaultKind>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            max_faults: 1,
            kinds: FaultKind::ALL.to_vec(),
        }
    }
}

/// One scenario with every run of it explored.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// `happy`, or the fault names joined with `+`.
    pub name: String,
    pub faults: Vec<Fault>,
    /// The outcome of the representative run.
    pub outcome: Outcome,
    /// The compensations of the representative run in the order they ran, the trigger last.
    pub compensated: Vec<Owner>,
    /// The representative run: the first delivery order (oldest message first), the
    /// in-doubt effect applied.
    pub trace: Vec<Action>,
    /// The broken invariants over every run, each with a shortest counterexample, in the
    /// order of [`Invariant`].
    pub violations: Vec<Violation>,
    /// Distinct states explored.
    pub states: usize,
    /// Every compensation that ran in some run (where `compfail` applies).
    pub compensations_run: Vec<Owner>,
    /// Whether every fault fired in some run (a combination where one fault pre-empts
    /// another says nothing new).
    pub all_fired: bool,
}

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

/// Explores every run of the saga under exactly these faults.
pub fn run(saga: &Saga, faults: &[Fault]) -> Scenario {
    let faults = &faults[..faults.len().min(64)];
    let machine = machine::Machine::new(saga, faults);
    let ex = explore::explore(&machine);
    let compensated = compensated(&ex.trace);
    let all = every_fault(faults.len());
    Scenario {
        name: scenario_name(saga, faults),
        faults: faults.to_vec(),
        outcome: ex.outcome,
        compensated,
        trace: ex.trace,
        violations: ex.violations,
        states: ex.states,
        compensations_run: ex.compensations.into_iter().collect(),
        all_fired: ex.fired & all == all,
    }
}

/// The bits of `n` faults in a fired mask (at most 64).
fn every_fault(n: usize) -> u64 {
    if n >= 64 { u64::MAX } else { (1u64 << n) - 1 }
}

/// The representative run of a scenario only (oldest message first, an in-doubt effect
/// applied), without exploring the other runs: `violations` is empty and `states` counts
/// the run's own states. For renderers that draw one run; [`run`] checks the invariants.
pub fn representative(saga: &Saga, faults: &[Fault]) -> Scenario {
    let faults = &faults[..faults.len().min(64)];
    let machine = machine::Machine::new(saga, faults);
    let w = explore::walk_from_start(&machine);
    let all = every_fault(faults.len());
    Scenario {
        name: scenario_name(saga, faults),
        faults: faults.to_vec(),
        outcome: w.outcome,
        compensated: compensated(&w.trace),
        trace: w.trace,
        violations: Vec::new(),
        states: w.states,
        compensations_run: w.compensations.into_iter().collect(),
        all_fired: w.fired & all == all,
    }
}

/// A scenario's representative run made from another's ([`forks`]): the parent's
/// representative run up to `shared` actions, then `rest`.
#[derive(Debug, Clone)]
pub struct Fork {
    /// The parent's faults, then the one added.
    pub faults: Vec<Fault>,
    /// How many actions of the parent's trace this run begins with.
    pub shared: usize,
    /// The run's actions after those (its end included).
    pub rest: Vec<Action>,
    pub outcome: Outcome,
    /// As [`Scenario::compensated`], over the whole run.
    pub compensated: Vec<Owner>,
    /// Every compensation that ran in this run.
    pub compensations_run: Vec<Owner>,
    /// Whether every fault fired in this run.
    pub all_fired: bool,
    /// The run's own states, counted from the start.
    pub states: usize,
}

impl Fork {
    /// The whole run as a [`Scenario`] (without the other runs: as [`representative`]).
    pub fn into_scenario(self, saga: &Saga, parent: &Scenario) -> Scenario {
        let mut trace = Vec::with_capacity(self.shared + self.rest.len());
        trace.extend_from_slice(&parent.trace[..self.shared.min(parent.trace.len())]);
        trace.extend(self.rest);
        Scenario {
            name: scenario_name(saga, &self.faults),
            faults: self.faults,
            outcome: self.outcome,
            compensated: self.compensated,
            trace,
            violations: Vec::new(),
            states: self.states,
            compensations_run: self.compensations_run,
            all_fired: self.all_fired,
        }
    }
}

/// The representative run of the scenario with `faults` and, for each of `candidates`, the
/// representative run with that fault added, in the candidates' order (`None` where the
/// fault is never asked about in the run: it cannot fire, and the run would be the same).
/// Each added fault's run is continued from the state where it first matters rather than
/// made from the start, so the single-fault runs of a saga of `n` steps cost one run plus
/// what each does after its fault (its compensations), instead of `n` runs of the whole
/// saga. The runs are exactly those of [`representative`].
pub fn forks(saga: &Saga, faults: &[Fault], candidates: &[Fault]) -> (Scenario, Vec<Option<Fork>>) {
    let faults = &faults[..faults.len().min(63)];
    let machine = machine::Machine::probing(saga, faults);
    let (w, mut forked) = explore::walk_forking(
        &machine,
        machine::State::initial(saga),
        candidates,
        &[],
        explore::Keep::Trace,
    );
    // A fork that rejoined the parent's run goes on with the parent's actions.
    for f in forked.iter_mut().flatten() {
        if let Some(r) = f.rejoined {
            f.walk
                .trace
                .extend_from_slice(&w.trace[r.trace.min(w.trace.len())..]);
        }
    }
    let parent = Scenario {
        name: scenario_name(saga, faults),
        faults: faults.to_vec(),
        outcome: w.outcome,
        compensated: compensated(&w.trace),
        trace: w.trace,
        violations: Vec::new(),
        states: w.states,
        compensations_run: w.compensations.into_iter().collect(),
        all_fired: w.fired & every_fault(faults.len()) == every_fault(faults.len()),
    };
    // The compensations of the parent's run, where they ran: a fork's are those before
    // it left, then its own.
    let parent_compensations: Vec<(usize, &Action)> = parent
        .trace
        .iter()
        .enumerate()
        .filter(|(_, a)| compensated(std::iter::once(*a)).len() == 1)
        .collect();
    let forks = forked
        .into_iter()
        .zip(candidates)
        .map(|(f, &candidate)| {
            let f = f?;
            let mut all = faults.to_vec();
            all.push(candidate);
            let mask = every_fault(all.len());
            let shared = f.shared.min(parent.trace.len());
            Some(Fork {
                compensated: compensated(
                    parent_compensations
                        .iter()
                        .take_while(|(i, _)| *i < shared)
                        .map(|&(_, a)| a)
                        .chain(&f.walk.trace),
                ),
                faults: all,
                shared,
                outcome: f.walk.outcome,
                compensations_run: f.walk.compensations.into_iter().collect(),
                all_fired: f.walk.fired & mask == mask,
                states: f.states_before + f.walk.states,
                rest: f.walk.trace,
            })
        })
        .collect();
    (parent, forks)
}

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
    let compfails = if kinds.contains(&FaultKind::Compfail) {
        compensation_faults(saga)
    } else {
        Vec::new()
    };
    let machine = machine::Machine::probing(saga, &[]);
    let (happy, forked) = explore::walk_forking(
        &machine,
        machine::State::initial(saga),
        &base,
        &compfails,
        explore::Keep::Marks,
    );
    let mut out = Vec::new();
    let happy_prefix = Prefix::of(&happy);
    out.push(expectation(
        saga,
        Vec::new(),
        &Prefix::default(),
        0,
        &happy,
        None,
    ));
    // The happy run compensates nothing, so no compensation failure follows it.
    for (&fault, fork) in base.iter().zip(forked) {
        let Some(fork) = fork else { continue };
        let faults = vec![fault];
        let all = every_fault(1);
        if fork.walk.fired & all != all {
            continue;
        }
        let rest = fork.rejoined.map(|r| (&happy_prefix, r.trace));
        let e = expectation(
            saga,
            faults.clone(),
            &happy_prefix,
            fork.shared,
            &fork.walk,
            rest,
        );
        let ran: BTreeSet<Owner> = if compfails.is_empty() {
            BTreeSet::new()
        } else {
            happy_prefix
                .compensations_before(fork.shared)
                .chain(fork.walk.compensations.iter().copied())
                .collect()
        };
        out.push(e);
        if compfails.is_empty() {
            continue;
        }
        let own = happy_prefix.extend(fork.shared, &fork.walk, rest);
        for (&cf, nested) in compfails.iter().zip(fork.forks) {
            let Fault::CompFail(owner) = cf else { continue };
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
                None,
            ));
        }
    }
    out
}

/// About how many compensations the runs of [`expectations`] make in all: for each fault
/// that can make a step fail (`fail:`, `exhaust:`, `timeout:`), the compensations declared
/// before that step. Each is held (as an owner in an expected order) until the tests are
/// written, so this bounds the memory and time of generating them.
pub fn compensations_expected(saga: &Saga, kinds: &[FaultKind]) -> usize {
    let mut before = vec![0usize; saga.steps.len()];
    let mut count = usize::from(saga.trigger.compensation.is_some());
    for step in saga.step_ids() {
        before[step.0] = count;
        if saga.step(step).compensation.is_some() {
            count += 1;
        }
    }
    applicable(saga, kinds)
        .iter()
        .filter_map(|f| match *f {
            Fault::Fail(s) | Fault::Exhaust(s) | Fault::Timeout(s) => before.get(s.0).copied(),
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

impl Prefix {
    fn of(w: &explore::Walk) -> Prefix {
        Prefix::default().extend(0, w, None)
    }

    /// This prefix up to `shared` actions, then the run `w` (which starts there), then, if
    /// `w` rejoined its parent, the parent's actions from `(parent, position)` on (`w`'s
    /// broken invariants already hold the parent's after that point).
    fn extend(&self, shared: usize, w: &explore::Walk, rest: Option<(&Prefix, usize)>) -> Prefix {
        let mut events: Vec<(usize, PrefixEvent)> = self
            .events
            .iter()
            .filter(|(i, _)| *i < shared)
            .copied()
            .collect();
        for &(i, mark) in &w.marks {
            events.push((
                shared + i,
                match mark {
                    explore::Mark::Compensated(o) => PrefixEvent::Compensated(o),
                    explore::Mark::AppliedTwice(work) => PrefixEvent::AppliedTwice(work),
                },
            ));
        }
        // Broken invariants sort after the actions of the transition that broke them.
        for &(at, invariant) in &w.broken {
            events.push((shared + at, PrefixEvent::Broke(invariant)));
        }
        if let Some((parent, from)) = rest {
            let offset = shared + w.length;
            events.extend(parent.events.iter().filter_map(|&(i, e)| match e {
                PrefixEvent::Broke(_) => None,
                _ if i >= from => Some((offset + i - from, e)),
                _ => None,
            }));
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

fn expectation(
    saga: &Saga,
    faults: Vec<Fault>,
    prefix: &Prefix,
    shared: usize,
    w: &explore::Walk,
    rest: Option<(&Prefix, usize)>,
) -> Expectation {
    let whole = prefix.extend(shared, w, rest);
    let mut compensated: Vec<Owner> = Vec::new();
    let mut applied_twice = Vec::new();
    let mut broken = Vec::new();
    for &(_, e) in &whole.events {
        match e {
            PrefixEvent::Compensated(o) => compensated.push(o),
            PrefixEvent::AppliedTwice(w) => applied_twice.push(w),
            PrefixEvent::Broke(i) => broken.push(i),
        }
    }
    if let Some(i) = compensated.iter().position(|&o| o == Owner::Trigger) {
        compensated.remove(i);
        compensated.push(Owner::Trigger);
    }
    broken.sort();
    broken.dedup();
    Expectation {
        name: scenario_name(saga, &faults),
        faults,
        outcome: w.outcome,
        compensated,
        applied_twice,
        broken,
    }
}

/// The compensations of a trace in the order they ran, the trigger's last.
fn compensated<'a>(trace: impl IntoIterator<Item = &'a Action>) -> Vec<Owner> {
    let mut compensated: Vec<Owner> = trace
        .into_iter()
        .filter_map(|a| match &a.kind {
            ActionKind::Run {
                work: Work::Compensation(o),
                result: action::Result::Success,
            }
            | ActionKind::Reply {
                work: Work::Compensation(o),
                result: action::Result::Success,
            } => Some(*o),
            _ => None,
        })
        .collect();
    if let Some(i) = compensated.iter().position(|&o| o == Owner::Trigger) {
        compensated.remove(i);
        compensated.push(Owner::Trigger);
    }
    compensated
}

/// Every scenario: `happy`, each applicable fault in step order, then combinations of up
/// to `max_faults` faults; after each scenario that compensates, the same scenario with
/// each compensation that can give up failing (`+compfail:<owner>`). Combinations in which
/// some fault never fires are left out: they repeat a smaller scenario.
pub fn enumerate(saga: &Saga, options: &Options) -> Vec<Scenario> {
    let base = applicable(saga, &options.kinds);
    let compfails = if options.kinds.contains(&FaultKind::Compfail) {
        compensation_faults(saga)
    } else {
        Vec::new()
    };
    let mut out = Vec::new();
    let push = |faults: Vec<Fault>, out: &mut Vec<Scenario>| {
        let scenario = run(saga, &faults);
        if !faults.is_empty() && !scenario.all_fired {
            return;
        }
        let ran = scenario.compensations_run.clone();
        out.push(scenario);
        for &cf in &compfails {
            let Fault::CompFail(owner) = cf else { continue };
            if !ran.contains(&owner) {
                continue;
            }
            let mut with = faults.clone();
            with.push(cf);
            let s = run(saga, &with);
            if s.all_fired {
                out.push(s);
            }
        }
    };
    push(Vec::new(), &mut out);
    for size in 1..=options.max_faults.min(base.len()) {
        for combo in combinations(base.len(), size) {
            let faults: Vec<Fault> = combo.iter().map(|&i| base[i]).collect();
            let ok = faults
                .iter()
                .enumerate()
                .all(|(i, &a)| faults[i + 1..].iter().all(|&b| fault::compatible(a, b)));
            if ok {
                push(faults, &mut out);
            }
        }
    }
    out
}

/// About how much work [`enumerate`] does: the scenarios it runs (combinations of up to
/// `max_faults` applicable faults) times the square of the saga's size (a run is as long as
/// the saga, and each of its states holds the saga). On the project's machine 1.5 to 5
/// million units take a second.
pub fn estimated_work(saga: &Saga, options: &Options) -> u128 {
    let faults = applicable(saga, &options.kinds).len() as u128;
    let mut scenarios: u128 = 1;
    let mut combinations: u128 = 1;
    for k in 1..=options.max_faults.min(faults as usize) as u128 {
        combinations = combinations * (faults - k + 1) / k;
        scenarios = scenarios.saturating_add(combinations);
    }
    let size = (saga.steps.len() + saga.events.len() + 1) as u128;
    scenarios.saturating_mul(size * size)
}

/// The work past which the commands that enumerate every scenario stop and ask the user to
/// narrow it, so that they never run unbounded. Measured on the project's machine: 30
/// million units is 6 to 20 s, depending on how many faults are combined.
pub const MAX_WORK: u128 = 30_000_000;

/// Index combinations of `size` out of `n`, in lexicographic order.
fn combinations(n: usize, size: usize) -> Vec<Vec<usize>> {
    let mut out = Vec::new();
    let mut current = Vec::with_capacity(size);
    fn go(start: usize, n: usize, size: usize, cur: &mut Vec<usize>, out: &mut Vec<Vec<usize>>) {
        if cur.len() == size {
            out.push(cur.clone());
            return;
        }
        for i in start..n {
            cur.push(i);
            go(i + 1, n, size, cur, out);
            cur.pop();
        }
    }
    go(0, n, size, &mut current, &mut out);
    out
}
