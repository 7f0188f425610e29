//! Representative runs: the run that always delivers the oldest message in flight first,
//! made in place (the machine changes one state and appends to one trace, so a run costs
//! no copy per transition). What a run keeps of itself is chosen by [`Keep`]: every action
//! for a diagram, only [`Mark`]s for expectations. Many such runs at once are made by
//! forking one (`fork.rs`).

use std::collections::BTreeSet;

use crate::model::{Coordination, Owner, StepId};

use super::Outcome;
use super::action::{Action, ActionKind, Party, StepResult, Work};
use super::invariant::Invariant;
use super::machine::{Machine, State, Stuck};

/// A run stops here even if the model misbehaves.
pub(super) const MAX_RUN_LENGTH: usize = 100_000;

/// A finished representative run, as much of it as was kept.
#[derive(Clone)]
pub(super) struct Walk {
    /// The run's actions, unless it was made without them ([`Keep::Marks`]).
    pub trace: Vec<Action>,
    /// What its actions did that expectations need, with their positions.
    pub marks: Vec<(usize, Mark)>,
    pub outcome: Outcome,
    pub fired: u64,
    /// The owners whose compensation ran (or gave up), in owner order.
    pub compensations: Vec<Owner>,
    pub states: usize,
    /// The invariants this run breaks, each with the length of the trace when it broke.
    pub broken: Vec<(usize, Invariant)>,
    /// Version 2: what it told the caller and the escalation.
    pub told: super::Told,
}

/// What a run keeps of itself.
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
    AppliedTwice(Work),
}

impl Mark {
    pub fn of(a: &Action) -> Option<Mark> {
        match &a.kind {
            ActionKind::Run {
                work: Work::Compensation(o),
                result: StepResult::Success,
            }
            | ActionKind::Reply {
                work: Work::Compensation(o),
                result: StepResult::Success,
            } => Some(Mark::Compensated(*o)),
            ActionKind::Duplicate {
                work,
                applied_again: true,
            } => Some(Mark::AppliedTwice(*work)),
            _ => None,
        }
    }
}

/// The representative run of a machine from the initial state.
pub(super) fn walk_from_start(machine: &Machine) -> Walk {
    walk(machine, State::initial(machine.saga))
}

/// The representative run of a machine from `state`.
pub(super) fn walk(machine: &Machine, mut state: State) -> Walk {
    let mut recording = Recording::new(Keep::Trace);
    for _ in 0..MAX_RUN_LENGTH {
        let first_new = recording.trace.len();
        let Some(violations) = machine.first_successor(&mut state, &mut recording.trace) else {
            break;
        };
        recording.transition(first_new, violations);
    }
    recording.finish(machine, &state)
}

/// A run being made: its actions (if kept), their number and marks, its broken
/// invariants, and its states.
pub(super) struct Recording {
    keep: Keep,
    /// The actions kept; the machine appends each transition's here.
    pub trace: Vec<Action>,
    /// How many actions the run has made (kept or not).
    pub length: usize,
    /// The states it went through: the one it started from, and one per transition.
    pub states: usize,
    pub marks: Vec<(usize, Mark)>,
    pub broken: Vec<(usize, Invariant)>,
}

impl Recording {
    /// A run that has made no transition yet.
    pub fn new(keep: Keep) -> Recording {
        Recording {
            keep,
            trace: Vec::new(),
            length: 0,
            states: 1,
            marks: Vec::new(),
            broken: Vec::new(),
        }
    }

    /// Takes a transition's actions (appended to `trace` from `first_new` on by the
    /// machine) and the invariants it broke: one state more.
    pub fn transition(&mut self, first_new: usize, violations: Vec<(Invariant, String)>) {
        self.record(first_new, violations);
        self.states += 1;
    }

    /// Counts and marks the actions from `first_new` on, and drops them unless kept.
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

    /// The finished run, `state` being its last: its end action, the invariants its end
    /// breaks, its outcome and compensations.
    pub fn finish(mut self, machine: &Machine, state: &State) -> Walk {
        let first_new = self.trace.len();
        self.trace.push(end_action(machine, state));
        self.record(first_new, machine.check_end(state));
        Walk {
            trace: self.trace,
            marks: self.marks,
            outcome: machine.outcome(state),
            fired: state.fired,
            compensations: compensations_of(state),
            states: self.states,
            broken: self.broken,
            told: machine.told(state),
        }
    }
}

/// The action that ends a run: the orchestrator (or the trigger's participant in a
/// choreography) telling its outcome.
pub(super) fn end_action(machine: &Machine, state: &State) -> Action {
    let party = if machine.saga.coordination == Coordination::Orchestration {
        Party::Orchestrator
    } else {
        Party::Participant(machine.saga.trigger.participant)
    };
    Action {
        from: party,
        to: party,
        kind: ActionKind::End {
            outcome: machine.outcome(state),
        },
    }
}

/// The owners whose compensation ran in `state` (or gave up there), in owner order (the
/// trigger, then the steps).
fn compensations_of(state: &State) -> Vec<Owner> {
    let ran = state.comp_runs().filter(|&runs| runs > 0).count();
    let mut out = Vec::with_capacity(ran + 1);
    each_compensation(state, |o| out.push(o));
    out.sort();
    out.dedup();
    out
}

/// Adds the owners whose compensation ran in `state` (or gave up there).
pub(super) fn collect_compensations(state: &State, into: &mut BTreeSet<Owner>) {
    each_compensation(state, |o| {
        into.insert(o);
    });
}

fn each_compensation(state: &State, mut visit: impl FnMut(Owner)) {
    let owner = |i: usize| match i {
        0 => Owner::Trigger,
        i => Owner::Step(StepId::new(i - 1)),
    };
    for (i, runs) in state.comp_runs().enumerate() {
        if runs > 0 {
            visit(owner(i));
        }
    }
    if let Some(Stuck::Compensation(o)) = state.stuck {
        visit(o);
    }
    // Version 2: compensations that gave up and the saga went on.
    if state.gave_up != 0 {
        for (i, runs) in state.comp_runs().enumerate() {
            if state.gave_up & (1u64 << i.min(63)) != 0 && runs == 0 {
                visit(owner(i));
            }
        }
    }
}
