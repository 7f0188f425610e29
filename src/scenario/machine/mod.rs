//! The execution semantics: from one state of a run, every next state. A transition
//! delivers one message in flight. The files hold the parts of it: `state` (what a run
//! has done so far), `effects` (what both coordinations share: the trigger, effects,
//! compensations), `orchestration` and `choreography` (what a delivery does in each;
//! `handling`, `caller`, `events` and `handlers` hold version 2's choices in each),
//! and `ending` (outcomes and the invariants checked when a run has nothing left to do).

mod caller;
mod choreography;
mod effects;
mod ending;
mod events;
mod handlers;
mod handling;
mod orchestration;
mod state;

pub(super) use state::State;
pub use state::Stuck;

use crate::model::{Coordination, EventId, Owner, ParticipantId, Saga, StepId};

use super::action::{Action, ActionKind, Party};
use super::fault::Fault;
use super::invariant::Invariant;
use state::{Message, StepState};

/// One transition: the next state, what happened, and the invariants it broke.
pub(super) struct Next {
    pub state: State,
    pub actions: Vec<Action>,
    pub violations: Vec<(Invariant, String)>,
}

pub(super) struct Machine<'a> {
    pub saga: &'a Saga,
    pub faults: &'a [Fault],
    orchestration: bool,
    /// When probing: every fault asked about (fired or not), in order, since the last
    /// [`Machine::take_probed`]. A run that adds a fault to this machine's faults is the
    /// same run until the first delivery that asks about it.
    probe: Option<std::cell::RefCell<Vec<Fault>>>,
    /// What a machine looks up once per saga, shared by the machines forked from it.
    lookups: std::sync::Arc<Lookups>,
    /// Isolation: per step, the built-in failure its participant answers instead of
    /// applying the effect as the records now stand (`WrongState`, `Locked`); set by
    /// `scenario::isolation` before each expansion, empty otherwise.
    refusals: std::cell::RefCell<Vec<Option<crate::model::BuiltinFailure>>>,
    /// Isolation: per compensation (the trigger's first, then each step's), the built-in
    /// failure its participant answers instead of undoing (`WrongState`: a guard that
    /// refuses a record that is neither in `from` nor already in `to`; `Changed`).
    comp_refusals: std::cell::RefCell<Vec<Option<crate::model::BuiltinFailure>>>,
    /// Version 2: the deadline passes while the step it reaches is outstanding (its command
    /// out, not processed: abandoned in doubt) rather than before its command. One of the
    /// runs the search explores, which a generated test drives where the representative run
    /// would not fire a compensation's failure (`expectation.rs`).
    pub deadline_outstanding: bool,
}

/// Makes machines for one saga that share its lookups ([`Machine::seed`]).
pub(super) struct Seed<'a> {
    saga: &'a Saga,
    orchestration: bool,
    lookups: std::sync::Arc<Lookups>,
}

impl<'a> Seed<'a> {
    /// A machine with these faults, probing or not.
    pub fn machine<'b>(&self, faults: &'b [Fault], probing: bool) -> Machine<'b>
    where
        'a: 'b,
    {
        Machine {
            saga: self.saga,
            faults,
            orchestration: self.orchestration,
            probe: probing.then(|| std::cell::RefCell::new(Vec::new())),
            lookups: std::sync::Arc::clone(&self.lookups),
            refusals: std::cell::RefCell::default(),
            comp_refusals: std::cell::RefCell::default(),
            deadline_outstanding: false,
        }
    }
}

/// What the transitions would otherwise look up by scanning the steps or by event name.
struct Lookups {
    point_of_no_return: Option<StepId>,
    /// Per step: the events it emits on success and on failure.
    success: Vec<Option<EventId>>,
    failure: Vec<Option<EventId>>,
    /// Per owner (the trigger at 0, step `i` at `1 + i`): the event its compensation emits.
    compensated: Vec<Option<EventId>>,
}

impl Lookups {
    fn of(saga: &Saga) -> Lookups {
        let id =
            |e: Option<&crate::source::Spanned<String>>| e.and_then(|e| saga.event_id(&e.value));
        let compensation_event = |o: Owner| id(saga.compensation(o).and_then(|c| c.emits.as_ref()));
        Lookups {
            point_of_no_return: saga.point_of_no_return(),
            success: saga
                .steps
                .iter()
                .map(|s| id(s.emits_success.as_ref()))
                .collect(),
            failure: saga
                .steps
                .iter()
                .map(|s| id(s.emits_failure.as_ref()))
                .collect(),
            compensated: std::iter::once(Owner::Trigger)
                .chain(saga.step_ids().map(Owner::Step))
                .map(compensation_event)
                .collect(),
        }
    }
}

/// A transition being made, in place: on the state, appending to the actions so far.
struct Transition<'t> {
    state: &'t mut State,
    actions: &'t mut Vec<Action>,
    violations: Vec<(Invariant, String)>,
    /// Where a delivery with more than one outcome puts the others (the first is made in
    /// place); `None` when only the first is wanted.
    alternatives: Option<&'t mut Vec<Next>>,
}

impl Transition<'_> {
    fn act(&mut self, from: Party, to: Party, kind: ActionKind) {
        self.actions.push(Action { from, to, kind });
    }

    fn local(&mut self, p: ParticipantId, kind: ActionKind) {
        self.actions.push(Action::local(p, kind));
    }

    fn violate(&mut self, invariant: Invariant, message: String) {
        self.violations.push((invariant, message));
    }

    /// What the state records of a step.
    fn step(&mut self, s: StepId) -> &mut StepState {
        &mut self.state.steps[s.index()]
    }
}

impl<'a> Machine<'a> {
    pub fn new(saga: &'a Saga, faults: &'a [Fault]) -> Self {
        Machine {
            saga,
            faults,
            orchestration: saga.coordination == Coordination::Orchestration,
            probe: None,
            lookups: std::sync::Arc::new(Lookups::of(saga)),
            refusals: std::cell::RefCell::default(),
            comp_refusals: std::cell::RefCell::default(),
            deadline_outstanding: false,
        }
    }

    /// Isolation: the built-in failure each step answers instead of applying its effect,
    /// and each compensation instead of undoing (see `comp_refusals`), until the next call.
    pub(super) fn refuse(
        &self,
        refusals: Vec<Option<crate::model::BuiltinFailure>>,
        comp_refusals: Vec<Option<crate::model::BuiltinFailure>>,
    ) {
        *self.refusals.borrow_mut() = refusals;
        *self.comp_refusals.borrow_mut() = comp_refusals;
    }

    fn comp_refusal(&self, owner: crate::model::Owner) -> Option<crate::model::BuiltinFailure> {
        let k = match owner {
            crate::model::Owner::Trigger => 0,
            crate::model::Owner::Step(s) => s.index() + 1,
        };
        self.comp_refusals.borrow().get(k).copied().flatten()
    }

    fn refusal(&self, s: StepId) -> Option<crate::model::BuiltinFailure> {
        self.refusals.borrow().get(s.index()).copied().flatten()
    }

    /// What makes machines for the same saga with other faults, sharing this one's
    /// lookups; it can cross threads (a probing machine cannot).
    pub fn seed(&self) -> Seed<'a> {
        Seed {
            saga: self.saga,
            orchestration: self.orchestration,
            lookups: std::sync::Arc::clone(&self.lookups),
        }
    }

    /// A machine that also records the faults each delivery asks about.
    pub fn probing(saga: &'a Saga, faults: &'a [Fault]) -> Self {
        Machine {
            probe: Some(std::cell::RefCell::new(Vec::new())),
            ..Machine::new(saga, faults)
        }
    }

    /// The faults asked about since the last call (empty unless probing).
    pub fn take_probed(&self) -> Vec<Fault> {
        self.probe
            .as_ref()
            .map(|p| std::mem::take(&mut *p.borrow_mut()))
            .unwrap_or_default()
    }

    /// The first of [`Machine::successors`] (the oldest message in flight delivered),
    /// made in place: the state is changed, not copied, and the actions are appended to
    /// `trace` (the run so far). A representative run thus costs no copy of the state or
    /// the trace per transition. Returns the invariants the transition broke, or `None`
    /// when nothing is in flight.
    pub fn first_successor(
        &self,
        state: &mut State,
        trace: &mut Vec<Action>,
    ) -> Option<Vec<(Invariant, String)>> {
        if state.pending.is_empty() {
            return None;
        }
        let message = state.pending.remove(0);
        let mut transition = Transition {
            state,
            actions: trace,
            violations: Vec::new(),
            alternatives: None,
        };
        self.deliver(&mut transition, message);
        Some(transition.violations)
    }

    /// Every next state, delivering each distinct message in flight, oldest first.
    pub fn successors(&self, from: &State) -> Vec<Next> {
        let mut out = Vec::new();
        let mut alternatives = Vec::new();
        for i in 0..from.pending.len() {
            if from.pending[..i].contains(&from.pending[i]) {
                continue;
            }
            let mut state = from.clone();
            let message = state.pending.remove(i);
            let mut actions = Vec::new();
            let mut transition = Transition {
                state: &mut state,
                actions: &mut actions,
                violations: Vec::new(),
                alternatives: Some(&mut alternatives),
            };
            self.deliver(&mut transition, message);
            let violations = transition.violations;
            out.push(Next {
                state,
                actions,
                violations,
            });
            out.append(&mut alternatives);
        }
        out
    }

    /// Fires the first unfired fault equal to `fault`.
    fn fire(&self, state: &mut State, fault: Fault) -> bool {
        if let Some(probe) = &self.probe {
            probe.borrow_mut().push(fault);
        }
        for (i, f) in self.faults.iter().enumerate() {
            if *f == fault && state.fired & (1 << i) == 0 {
                state.fired |= 1 << i;
                return true;
            }
        }
        false
    }

    fn step_name(&self, s: StepId) -> &str {
        &self.saga.step(s).id.value
    }

    fn participant_of(&self, s: StepId) -> Party {
        Party::Participant(self.saga.step(s).participant)
    }

    fn deliver(&self, transition: &mut Transition, message: Message) {
        match message {
            Message::Start => self.start(transition),
            Message::StartSaga => self.advance(transition, 0),
            Message::Command { step, duplicate } => self.command(transition, step, duplicate),
            Message::Reply { step, reply } => self.reply(transition, step, reply),
            Message::CompensationCommand(owner) => self.compensation_command(transition, owner),
            Message::CompensationReply { owner, ok } => {
                self.compensation_reply(transition, owner, ok)
            }
            Message::Deliver {
                event,
                handler,
                from,
                duplicate,
            } => self.event_delivery(transition, event, handler, from, duplicate),
            Message::Cancel => self.cancel(transition),
            Message::DeadlinePasses => self.deadline_passes(transition),
        }
    }
}
