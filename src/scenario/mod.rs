//! Scenarios: a saga run under a set of injected faults. [`enumerate`] lists them (`happy`
//! first, then every single fault in step order, then combinations), explores every run
//! of each (delivery orders, parallel interleavings, in-doubt outcomes) and checks the
//! invariants. `simulate` prints them; diagrams, code generation and grading reuse them.
//! The semantics are written down in `docs/simulation.md`.

pub mod action;
mod budget;
mod expectation;
mod explore;
pub mod fault;
mod fork;
pub mod invariant;
pub mod isolation;
mod machine;
mod name;
mod run;
mod support;
pub mod wording;

pub use action::{Action, ActionKind, CancelAnswer, Party, StepResult, Via, Work};
pub use budget::Budget;
pub use expectation::{Expectation, Played, compensations_expected, expectations};
pub use fault::{Fault, FaultKind, applicable, compensation_faults, deadline_reaches, owner_name};
pub use fork::{Fork, forks};
pub use invariant::{Invariant, Violation};
pub use machine::Stuck;
pub use name::{parse_name, scenario_name, single_fault_names};
pub use support::{Unsupported, unsupported, unsupported_besides_isolation};

use std::cell::Cell;

use crate::model::{Owner, Saga};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Outcome {
    /// Every step applied once, no compensation ran.
    Completed,
    /// The saga undid what it had applied.
    Compensated,
    /// Neither: a step or compensation gave up, the saga was lost, or it waits forever.
    Stuck,
    /// Version 2: stopped without compensating (`then: terminate`, `on_uncaught:
    /// terminate`, a deadline that terminates).
    Terminated,
    /// Version 2: a compensation gave up under `on_failure: escalate*` and the
    /// escalation was told what is left.
    NeedsAttention,
    /// Version 2: compensated after the caller's cancel was honoured.
    Cancelled,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Completed => "completed",
            Outcome::Compensated => "compensated",
            Outcome::Stuck => "stuck",
            Outcome::Terminated => "terminated",
            Outcome::NeedsAttention => "needs_attention",
            Outcome::Cancelled => "cancelled",
        }
    }

    /// The end the caller's `outcome.values` names, for a run that ended (`None` for a
    /// stuck one, which delivers no outcome).
    pub fn end(self) -> Option<crate::model::End> {
        use crate::model::End;
        match self {
            Outcome::Completed => Some(End::Completed),
            Outcome::Compensated => Some(End::Compensated),
            Outcome::Stuck => None,
            Outcome::Terminated => Some(End::Terminated),
            Outcome::NeedsAttention => Some(End::NeedsAttention),
            Outcome::Cancelled => Some(End::Cancelled),
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

impl Options {
    /// The defaults for this saga: every kind of fault its language version injects
    /// (version 1's seven, or all twelve for a version 2 spec).
    pub fn for_saga(saga: &Saga) -> Options {
        Options {
            max_faults: 1,
            kinds: FaultKind::defaults(saga).to_vec(),
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
    /// Version 2: what the representative run told the caller and the escalation.
    pub told: Told,
}

/// Version 2: what a run told its caller and the escalation (all empty in version 1).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Told {
    /// The caller's value (`outcome.values`), as first delivered.
    pub caller: Option<String>,
    /// The first answer to the caller's cancel.
    pub cancel_answer: Option<CancelAnswer>,
    /// The effects the escalation was told are left in place.
    pub left: Vec<Owner>,
    /// The compensations that gave up while the saga went on or escalated.
    pub gave_up: Vec<Owner>,
    /// What gave up for good, when the run ends stuck because of it (`None` for a saga
    /// stuck waiting forever): the reason a caller of a stuck saga is given.
    pub stuck: Option<Stuck>,
}

/// Explores every run of the saga under exactly these faults.
pub fn run(saga: &Saga, faults: &[Fault]) -> Scenario {
    explored(saga, faults, &Budget::unlimited()).0
}

/// [`run`] within a budget: `None` when exploring every run would take more work than
/// the budget has left (which is then spent).
pub fn run_within(saga: &Saga, faults: &[Fault], budget: &Budget) -> Option<Scenario> {
    let (scenario, complete) = explored(saga, faults, budget);
    complete.then_some(scenario)
}

/// The scenario explored within the budget, and whether every run was.
fn explored(saga: &Saga, faults: &[Fault], budget: &Budget) -> (Scenario, bool) {
    let faults = &faults[..faults.len().min(64)];
    let machine = machine::Machine::new(saga, faults);
    let ex = explore::explore(&machine, budget);
    let compensated = compensated(&ex.trace);
    let all = every_fault(faults.len());
    let scenario = Scenario {
        name: scenario_name(saga, faults),
        faults: faults.to_vec(),
        outcome: ex.outcome,
        compensated,
        trace: ex.trace,
        violations: ex.violations,
        states: ex.states,
        compensations_run: ex.compensations.into_iter().collect(),
        all_fired: ex.fired & all == all,
        told: ex.told,
    };
    (scenario, ex.complete)
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
    walked(saga, faults, run::walk_from_start(&machine))
}

/// The scenario of one representative run (no other run explored, so no violations).
fn walked(saga: &Saga, faults: &[Fault], w: run::Walk) -> Scenario {
    let all = every_fault(faults.len());
    Scenario {
        name: scenario_name(saga, faults),
        faults: faults.to_vec(),
        outcome: w.outcome,
        compensated: compensated(&w.trace),
        trace: w.trace,
        violations: Vec::new(),
        states: w.states,
        compensations_run: w.compensations,
        all_fired: w.fired & all == all,
        told: w.told,
    }
}

/// The compensations of a trace in the order they ran, the trigger's last.
fn compensated<'a>(trace: impl IntoIterator<Item = &'a Action>) -> Vec<Owner> {
    trigger_last(trace.into_iter().filter_map(|a| match run::Mark::of(a) {
        Some(run::Mark::Compensated(o)) => Some(o),
        _ => None,
    }))
}

/// Compensations in the order they ran, but the trigger's moved last (the output-id rule).
fn trigger_last(owners: impl IntoIterator<Item = Owner>) -> Vec<Owner> {
    let mut compensated: Vec<Owner> = owners.into_iter().collect();
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
    enumerated(saga, options, &Budget::unlimited()).0
}

/// [`enumerate`] within a budget shared by every scenario: `None` when it does not cover
/// them all.
pub fn enumerate_within(saga: &Saga, options: &Options, budget: &Budget) -> Option<Vec<Scenario>> {
    let (scenarios, complete) = enumerated(saga, options, budget);
    complete.then_some(scenarios)
}

/// The scenarios explored within the budget, and whether all of them were.
fn enumerated(saga: &Saga, options: &Options, budget: &Budget) -> (Vec<Scenario>, bool) {
    let base = applicable(saga, &options.kinds);
    let mut compfails = if options.kinds.contains(&FaultKind::Compfail) {
        compensation_faults(saga)
    } else {
        Vec::new()
    };
    // Version 2: a compensation's timeout is explored like its failure, never counted.
    compfails.extend(fault::compensation_timeouts(saga, &options.kinds));
    let mut out = Vec::new();
    let complete = Cell::new(true);
    let explore = |faults: &[Fault]| {
        let (scenario, done) = explored(saga, faults, budget);
        if !done {
            complete.set(false);
        }
        scenario
    };
    let push = |faults: Vec<Fault>, out: &mut Vec<Scenario>| {
        if !complete.get() {
            return;
        }
        let scenario = explore(&faults);
        if !faults.is_empty() && !scenario.all_fired {
            return;
        }
        let ran = scenario.compensations_run.clone();
        out.push(scenario);
        for &cf in &compfails {
            let (Fault::CompFail(owner) | Fault::CompTimeout(owner)) = cf else {
                continue;
            };
            if !ran.contains(&owner) {
                continue;
            }
            let mut with = faults.clone();
            with.push(cf);
            let s = explore(&with);
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
    (out, complete.get())
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
        // C(faults, k) from C(faults, k - 1), exact while it fits. Combining 60 of 200
        // faults does not fit in 128 bits: the estimate saturates, far past any limit.
        combinations = combinations
            .checked_mul(faults - k + 1)
            .map_or(u128::MAX, |c| c / k);
        scenarios = scenarios.saturating_add(combinations);
    }
    let size = (saga.steps.len() + saga.events.len() + 1) as u128;
    scenarios.saturating_mul(size.saturating_mul(size))
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
