//! The execution semantics: from one state of a run, every next state. A state holds what
//! each step and compensation did, the messages in flight (a multiset) and which faults
//! have fired; a transition delivers one message in flight. Orchestration and choreography
//! share the state and the effect bookkeeping; they differ in what a delivery does.

use crate::model::{Coordination, EventId, Handler, Owner, ParticipantId, Saga, StepId, StepKind};

use super::Outcome;
use super::action::{Action, ActionKind, Party, Result, Via, Work};
use super::fault::{Fault, owner_name, resent_in_doubt};
use super::invariant::Invariant;

/// A message in flight (or, for `Start`, the trigger about to run).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(super) enum Msg {
    Start,
    /// The trigger's event (or the engine's start) reaching the orchestrator.
    StartSaga,
    Command {
        step: StepId,
        duplicate: bool,
    },
    Reply {
        step: StepId,
        reply: Reply,
    },
    CompCommand(Owner),
    CompReply {
        owner: Owner,
        ok: bool,
    },
    Deliver {
        event: EventId,
        handler: Handler,
        from: ParticipantId,
        duplicate: bool,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(super) enum Reply {
    Success,
    Failure,
    Transient,
    Exhausted,
    TimedOut,
}

/// What the coordinator (orchestration) or the handler (choreography) knows of a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub(super) enum Status {
    #[default]
    Idle,
    Awaiting,
    Done,
    Failed,
    InDoubt,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub(super) struct StepState {
    /// How many times the effect was applied (capped at 2).
    pub applied: u8,
    /// Whether the effect is in place now (applied and not undone).
    pub live: bool,
    /// Whether the step timed out (its compensation may run on an effect that never was).
    pub in_doubt: bool,
    pub status: Status,
    /// Attempts sent (capped).
    pub attempts: u8,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(super) enum Phase {
    Starting,
    Forward {
        stage: usize,
        failing: bool,
    },
    /// The compensations still to run, the next one last (taken with a pop).
    Compensating {
        queue: Vec<Owner>,
    },
    Ended(End),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum End {
    Completed,
    Compensated,
    Stuck,
    /// The orchestrator crashed without a saga log.
    Lost,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Stuck {
    Step(StepId),
    Compensation(Owner),
}

#[derive(Debug, PartialEq, Eq, Hash)]
pub(super) struct State {
    /// In publication order; [`State::canonical`] sorts it (a multiset).
    pub pending: Vec<Msg>,
    pub steps: Vec<StepState>,
    /// Compensation runs per owner: index 0 the trigger, `1 + i` step `i` (capped at 2).
    pub comp_runs: Vec<u8>,
    pub trigger_ran: bool,
    pub phase: Phase,
    /// Bit `i`: fault `i` of the scenario has fired.
    pub fired: u64,
    pub lost: Option<EventId>,
    /// Choreography: a failure event was published.
    pub announced: bool,
    pub stuck: Option<Stuck>,
    /// Choreography: a step that failed without a failure event.
    pub silent: Option<StepId>,
    /// The lowest compensation rank among the owners compensated so far: a function of
    /// `comp_runs` (so it changes no state's identity), kept so that the reverse-order
    /// check is constant time instead of a scan of the saga per compensation.
    pub lowest_compensated: Option<(usize, usize)>,
}

impl State {
    pub fn initial(saga: &Saga) -> State {
        State {
            pending: vec![Msg::Start],
            steps: vec![StepState::default(); saga.steps.len()],
            comp_runs: vec![0; saga.steps.len() + 1],
            trigger_ran: false,
            phase: Phase::Starting,
            fired: 0,
            lost: None,
            announced: false,
            stuck: None,
            silent: None,
            lowest_compensated: None,
        }
    }

    /// The state with the messages in flight as a sorted multiset: two runs that differ
    /// only in the order messages were sent are the same state.
    pub fn canonical(&self) -> State {
        let mut s = self.clone();
        s.pending.sort();
        s
    }

    /// Whether two states are the same but for the fault bits in `mask`. Every field is
    /// named, so that a new one cannot be forgotten here.
    pub fn same_but_fired(&self, other: &State, mask: u64) -> bool {
        let State {
            pending,
            steps,
            comp_runs,
            trigger_ran,
            phase,
            fired,
            lost,
            announced,
            stuck,
            silent,
            lowest_compensated,
        } = self;
        fired & !mask == other.fired & !mask
            && *pending == other.pending
            && *phase == other.phase
            && *trigger_ran == other.trigger_ran
            && *lost == other.lost
            && *announced == other.announced
            && *stuck == other.stuck
            && *silent == other.silent
            && *lowest_compensated == other.lowest_compensated
            && *comp_runs == other.comp_runs
            && *steps == other.steps
    }

    fn runs(&self, owner: Owner) -> u8 {
        self.comp_runs[owner_index(owner)]
    }
}

/// By hand for `clone_from`, which reuses the buffers: a walk copies the state before
/// each transition that a fault may fork from, and a fresh copy each time allocated and
/// freed a state's worth of vectors per transition.
impl Clone for State {
    fn clone(&self) -> State {
        let mut copy = State {
            pending: Vec::new(),
            steps: Vec::new(),
            comp_runs: Vec::new(),
            trigger_ran: false,
            phase: Phase::Starting,
            fired: 0,
            lost: None,
            announced: false,
            stuck: None,
            silent: None,
            lowest_compensated: None,
        };
        copy.clone_from(self);
        copy
    }

    fn clone_from(&mut self, source: &State) {
        let State {
            pending,
            steps,
            comp_runs,
            trigger_ran,
            phase,
            fired,
            lost,
            announced,
            stuck,
            silent,
            lowest_compensated,
        } = source;
        self.pending.clone_from(pending);
        self.steps.clone_from(steps);
        self.comp_runs.clone_from(comp_runs);
        self.trigger_ran = *trigger_ran;
        self.phase.clone_from(phase);
        self.fired = *fired;
        self.lost = *lost;
        self.announced = *announced;
        self.stuck = *stuck;
        self.silent = *silent;
        self.lowest_compensated = *lowest_compensated;
    }
}

fn owner_index(owner: Owner) -> usize {
    match owner {
        Owner::Trigger => 0,
        Owner::Step(s) => s.index() + 1,
    }
}

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
struct Tx<'t> {
    st: &'t mut State,
    actions: &'t mut Vec<Action>,
    violations: Vec<(Invariant, String)>,
    /// Where a delivery with more than one outcome puts the others (the first is made in
    /// place); `None` when only the first is wanted.
    alternatives: Option<&'t mut Vec<Next>>,
}

impl Tx<'_> {
    fn act(&mut self, from: Party, to: Party, kind: ActionKind) {
        self.actions.push(Action { from, to, kind });
    }

    fn local(&mut self, p: ParticipantId, kind: ActionKind) {
        self.actions.push(Action::local(p, kind));
    }

    fn violate(&mut self, invariant: Invariant, message: String) {
        self.violations.push((invariant, message));
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
        }
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
        st: &mut State,
        trace: &mut Vec<Action>,
    ) -> Option<Vec<(Invariant, String)>> {
        if st.pending.is_empty() {
            return None;
        }
        let msg = st.pending.remove(0);
        let mut tx = Tx {
            st,
            actions: trace,
            violations: Vec::new(),
            alternatives: None,
        };
        self.deliver(&mut tx, msg);
        Some(tx.violations)
    }

    /// Every next state, delivering each distinct message in flight, oldest first.
    pub fn successors(&self, st: &State) -> Vec<Next> {
        let mut out = Vec::new();
        let mut alternatives = Vec::new();
        for i in 0..st.pending.len() {
            if st.pending[..i].contains(&st.pending[i]) {
                continue;
            }
            let mut state = st.clone();
            let msg = state.pending.remove(i);
            let mut actions = Vec::new();
            let mut tx = Tx {
                st: &mut state,
                actions: &mut actions,
                violations: Vec::new(),
                alternatives: Some(&mut alternatives),
            };
            self.deliver(&mut tx, msg);
            let violations = tx.violations;
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
    fn fire(&self, st: &mut State, fault: Fault) -> bool {
        if let Some(probe) = &self.probe {
            probe.borrow_mut().push(fault);
        }
        for (i, f) in self.faults.iter().enumerate() {
            if *f == fault && st.fired & (1 << i) == 0 {
                st.fired |= 1 << i;
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

    fn deliver(&self, tx: &mut Tx, msg: Msg) {
        match msg {
            Msg::Start => self.start(tx),
            Msg::StartSaga => self.advance(tx, 0),
            Msg::Command { step, duplicate } => self.command(tx, step, duplicate),
            Msg::Reply { step, reply } => self.reply(tx, step, reply),
            Msg::CompCommand(owner) => self.comp_command(tx, owner),
            Msg::CompReply { owner, ok } => self.comp_reply(tx, owner, ok),
            Msg::Deliver {
                event,
                handler,
                from,
                duplicate,
            } => self.event_delivery(tx, event, handler, from, duplicate),
        }
    }

    // ----- shared: the trigger, effects, compensations -------------------------------

    fn start(&self, tx: &mut Tx) {
        let saga = self.saga;
        let tp = saga.trigger.participant;
        tx.st.trigger_ran = true;
        tx.local(
            tp,
            ActionKind::Run {
                work: Work::Trigger,
                result: Result::Success,
            },
        );
        let event = saga
            .trigger
            .event
            .as_ref()
            .and_then(|e| saga.event_id(&e.value));
        if self.orchestration {
            let durable = saga.outbox_of(tp).is_some() || saga.has_engine();
            let via = if saga.has_engine() {
                Via::Engine
            } else if saga.outbox_of(tp).is_some() {
                Via::Outbox
            } else {
                Via::Direct
            };
            let Some(event) = event else {
                // An engine starts the saga without an event.
                tx.st.pending.push(Msg::StartSaga);
                return;
            };
            if self.fire(
                tx.st,
                Fault::Crash {
                    participant: tp,
                    event,
                },
            ) {
                tx.local(
                    tp,
                    ActionKind::CrashBeforePublish {
                        event,
                        recovered: durable,
                    },
                );
                if !durable {
                    self.lose(tx, event);
                    return;
                }
            }
            tx.act(
                Party::Participant(tp),
                Party::Orchestrator,
                ActionKind::Publish { event, via },
            );
            tx.st.pending.push(Msg::StartSaga);
        } else if let Some(event) = event {
            self.publish(tx, tp, event);
        }
    }

    fn lose(&self, tx: &mut Tx, event: EventId) {
        tx.st.lost = Some(event);
        let name = &self.saga.event(event).name;
        tx.violate(
            Invariant::NoLostEvent,
            format!(
                "{name} is lost: its publisher crashed between its database write and its publish, and it has no outbox"
            ),
        );
    }

    /// Applies a step's effect; a participant with an idempotency key applies it once.
    fn apply(&self, tx: &mut Tx, s: StepId) {
        let step = self.saga.step(s);
        if !step.has_effect() {
            return;
        }
        let ss = &mut tx.st.steps[s.index()];
        if ss.applied > 0 && step.idempotency_key.is_some() {
            return;
        }
        ss.applied = (ss.applied + 1).min(2);
        ss.live = true;
        if ss.applied >= 2 {
            tx.violate(
                Invariant::AtMostOnce,
                format!(
                    "{} ({}) applied its effect twice: the step has no idempotency_key, so the participant cannot recognise the repeated message",
                    self.step_name(s),
                    step.action.value
                ),
            );
        }
    }

    /// The checks made when a compensation is about to run.
    fn check_compensation(&self, tx: &mut Tx, owner: Owner) {
        let saga = self.saga;
        let action = saga
            .compensation(owner)
            .map(|c| c.action.value.as_str())
            .unwrap_or_default();
        if let Owner::Step(s) = owner {
            let ss = tx.st.steps[s.index()];
            if ss.applied == 0 && !ss.in_doubt && saga.step(s).has_effect() {
                let why = match ss.status {
                    Status::Failed => "it failed and applied nothing",
                    _ => "it has not run",
                };
                tx.violate(
                    Invariant::NoPhantomCompensation,
                    format!(
                        "{action} compensates {} although {why}: a compensation for an effect that never happened",
                        self.step_name(s)
                    ),
                );
            }
        }
        if let Some(p) = self.lookups.point_of_no_return
            && tx.st.steps[p.index()].applied > 0
            && owner != Owner::Step(p)
        {
            tx.violate(
                    Invariant::NoCompensationAfterPivot,
                    format!(
                        "{action} ({}) runs although {} ({}) has applied its effect: after the point of no return the saga must complete",
                        owner_name(saga, owner),
                        self.step_name(p),
                        saga.step(p).kind.as_str()
                    ),
                );
        }
        if self.orchestration {
            let key = compensation_rank(saga, owner);
            if tx.st.lowest_compensated.is_some_and(|lowest| lowest < key) {
                // Name the first such owner in declaration order (the trigger first).
                let earlier = std::iter::once(Owner::Trigger)
                    .chain(saga.step_ids().map(Owner::Step))
                    .find(|&o| tx.st.runs(o) > 0 && compensation_rank(saga, o) < key);
                if let Some(o) = earlier {
                    tx.violate(
                        Invariant::ReverseOrder,
                        format!(
                            "{} is compensated after {}, but it completed before it",
                            owner_name(saga, owner),
                            owner_name(saga, o)
                        ),
                    );
                }
            }
        }
    }

    fn undo(&self, tx: &mut Tx, owner: Owner) {
        let i = owner_index(owner);
        tx.st.comp_runs[i] = (tx.st.comp_runs[i] + 1).min(2);
        let rank = compensation_rank(self.saga, owner);
        if tx.st.lowest_compensated.is_none_or(|lowest| rank < lowest) {
            tx.st.lowest_compensated = Some(rank);
        }
        if let Owner::Step(s) = owner {
            tx.st.steps[s.index()].live = false;
        }
    }

    fn after_point_of_no_return(&self, s: StepId) -> bool {
        self.lookups
            .point_of_no_return
            .is_some_and(|p| s.index() > p.index())
    }

    fn attempts_of(&self, s: StepId) -> Option<u64> {
        self.saga.step(s).retry.max_attempts.limit()
    }

    fn can_attempt_again(&self, tx: &Tx, s: StepId) -> bool {
        match self.attempts_of(s) {
            None => true,
            Some(n) => u64::from(tx.st.steps[s.index()].attempts) < n,
        }
    }

    // ----- orchestration ---------------------------------------------------------------

    /// The orchestrator starts a stage (or completes the saga after the last).
    fn advance(&self, tx: &mut Tx, stage: usize) {
        let saga = self.saga;
        let Some(steps) = saga.stages.get(stage).map(|s| s.steps()) else {
            tx.st.phase = Phase::Ended(End::Completed);
            return;
        };
        let Some(&first) = steps.first() else {
            return self.advance(tx, stage + 1);
        };
        if self.fire(tx.st, Fault::OrchestratorCrash(first)) {
            let resumed = saga
                .orchestrator
                .as_ref()
                .is_some_and(|o| o.log.is_some() || o.engine.is_some());
            tx.act(
                Party::Orchestrator,
                Party::Orchestrator,
                ActionKind::OrchestratorCrash {
                    before: first,
                    resumed,
                },
            );
            if !resumed {
                tx.st.phase = Phase::Ended(End::Lost);
                return;
            }
        }
        tx.st.phase = Phase::Forward {
            stage,
            failing: false,
        };
        for &s in steps {
            self.send(tx, s);
        }
    }

    fn send(&self, tx: &mut Tx, s: StepId) {
        let ss = &mut tx.st.steps[s.index()];
        ss.status = Status::Awaiting;
        ss.attempts = ss.attempts.saturating_add(1);
        let attempt = u32::from(ss.attempts);
        tx.act(
            Party::Orchestrator,
            self.participant_of(s),
            ActionKind::Command {
                work: Work::Step(s),
                attempt,
                duplicate: false,
            },
        );
        tx.st.pending.push(Msg::Command {
            step: s,
            duplicate: false,
        });
    }

    /// A participant receives a step's command and answers.
    fn command(&self, tx: &mut Tx, s: StepId, duplicate: bool) {
        let saga = self.saga;
        let step = saga.step(s);
        let p = self.participant_of(s);
        let work = Work::Step(s);
        if duplicate {
            tx.act(
                Party::Orchestrator,
                p,
                ActionKind::Command {
                    work,
                    attempt: 0,
                    duplicate: true,
                },
            );
            let again = step.idempotency_key.is_none()
                && step.has_effect()
                && tx.st.steps[s.index()].applied > 0;
            tx.act(
                p,
                p,
                ActionKind::Duplicate {
                    work,
                    applied_again: again,
                },
            );
            if again {
                self.apply(tx, s);
            }
            return;
        }
        if self.fire(tx.st, Fault::DupStep(s)) {
            tx.st.pending.push(Msg::Command {
                step: s,
                duplicate: true,
            });
        }
        let reply = |tx: &mut Tx, reply: Reply, result: Result| {
            tx.act(p, Party::Orchestrator, ActionKind::Reply { work, result });
            tx.st.pending.push(Msg::Reply { step: s, reply });
        };
        if self.fire(tx.st, Fault::Timeout(s)) {
            // In doubt: explored with the effect applied (first, in place) and not applied
            // (an alternative, when the others are wanted).
            if let Some(alternatives) = tx.alternatives.as_deref_mut() {
                let mut state = tx.st.clone();
                let mut actions = tx.actions.clone();
                let mut other = Tx {
                    st: &mut state,
                    actions: &mut actions,
                    violations: tx.violations.clone(),
                    alternatives: None,
                };
                reply(
                    &mut other,
                    Reply::TimedOut,
                    Result::TimedOut { applied: false },
                );
                let violations = other.violations;
                alternatives.push(Next {
                    state,
                    actions,
                    violations,
                });
            }
            self.apply(tx, s);
            reply(tx, Reply::TimedOut, Result::TimedOut { applied: true });
            return;
        }
        if self.fire(tx.st, Fault::Exhaust(s)) {
            let from = u32::from(tx.st.steps[s.index()].attempts);
            // Every remaining attempt fails: the orchestrator has used them all.
            if let Some(n) = self.attempts_of(s) {
                tx.st.steps[s.index()].attempts = u8::try_from(n).unwrap_or(u8::MAX);
            }
            reply(tx, Reply::Exhausted, Result::Exhausted { from });
        } else if self.fire(tx.st, Fault::Fail(s)) {
            if step.kind == StepKind::Retriable {
                let attempt = u32::from(tx.st.steps[s.index()].attempts);
                reply(tx, Reply::Transient, Result::Transient { attempt });
            } else {
                reply(tx, Reply::Failure, Result::Failure);
            }
        } else {
            self.apply(tx, s);
            reply(tx, Reply::Success, Result::Success);
        }
    }

    /// The orchestrator receives a step's reply.
    fn reply(&self, tx: &mut Tx, s: StepId, reply: Reply) {
        let (stage, failing) = match tx.st.phase {
            Phase::Forward { stage, failing }
                if tx.st.steps[s.index()].status == Status::Awaiting =>
            {
                (stage, failing)
            }
            _ => {
                tx.act(
                    Party::Orchestrator,
                    Party::Orchestrator,
                    ActionKind::IgnoredReply {
                        work: Work::Step(s),
                    },
                );
                return;
            }
        };
        let mut failing = failing;
        match reply {
            Reply::Success => tx.st.steps[s.index()].status = Status::Done,
            Reply::Failure => {
                tx.st.steps[s.index()].status = Status::Failed;
                failing = true;
            }
            Reply::Transient => {
                if self.can_attempt_again(tx, s) {
                    return self.send(tx, s);
                }
                if !self.exhausted(tx, s) {
                    return;
                }
                failing = true;
            }
            Reply::Exhausted => {
                if !self.exhausted(tx, s) {
                    return;
                }
                failing = true;
            }
            Reply::TimedOut => {
                tx.st.steps[s.index()].in_doubt = true;
                if resent_in_doubt(self.saga, s) {
                    if self.can_attempt_again(tx, s) {
                        // Re-sent with its idempotency key: a participant that already
                        // applied the effect recognises the key.
                        return self.send(tx, s);
                    }
                    if self.after_point_of_no_return(s) {
                        tx.st.steps[s.index()].status = Status::InDoubt;
                        self.get_stuck(tx, Stuck::Step(s));
                        return;
                    }
                }
                tx.st.steps[s.index()].status = Status::InDoubt;
                failing = true;
            }
        }
        tx.st.phase = Phase::Forward { stage, failing };
        self.settle(tx, stage, failing);
    }

    /// A step out of attempts: a business failure before and at the point of no return
    /// (returns true), the saga stuck after it.
    fn exhausted(&self, tx: &mut Tx, s: StepId) -> bool {
        tx.st.steps[s.index()].status = Status::Failed;
        if self.after_point_of_no_return(s) {
            self.get_stuck(tx, Stuck::Step(s));
            return false;
        }
        true
    }

    fn get_stuck(&self, tx: &mut Tx, why: Stuck) {
        tx.st.stuck = Some(why);
        if self.orchestration {
            tx.st.phase = Phase::Ended(End::Stuck);
        }
    }

    /// When every branch of the stage has answered: the next stage, or compensation.
    fn settle(&self, tx: &mut Tx, stage: usize, failing: bool) {
        let waiting = self.saga.stages[stage]
            .steps()
            .iter()
            .any(|s| tx.st.steps[s.index()].status == Status::Awaiting);
        if waiting {
            return;
        }
        if !failing {
            return self.advance(tx, stage + 1);
        }
        // Applied (or in-doubt) steps, latest stage first, a group's branches in reverse
        // declaration order, then the trigger.
        let mut queue = Vec::new();
        for k in (0..=stage).rev() {
            for &s in self.saga.stages[k].steps().iter().rev() {
                let status = tx.st.steps[s.index()].status;
                if matches!(status, Status::Done | Status::InDoubt)
                    && self.saga.step(s).compensation.is_some()
                {
                    queue.push(Owner::Step(s));
                }
            }
        }
        if self.saga.trigger.compensation.is_some() {
            queue.push(Owner::Trigger);
        }
        queue.reverse();
        tx.st.phase = Phase::Compensating { queue };
        self.next_compensation(tx);
    }

    fn next_compensation(&self, tx: &mut Tx) {
        let Phase::Compensating { queue } = &tx.st.phase else {
            return;
        };
        let Some(&owner) = queue.last() else {
            tx.st.phase = Phase::Ended(End::Compensated);
            return;
        };
        let to = Party::Participant(self.saga.handler_participant(Handler::Compensation(owner)));
        tx.act(
            Party::Orchestrator,
            to,
            ActionKind::Command {
                work: Work::Compensation(owner),
                attempt: 1,
                duplicate: false,
            },
        );
        tx.st.pending.push(Msg::CompCommand(owner));
    }

    fn comp_command(&self, tx: &mut Tx, owner: Owner) {
        let p = Party::Participant(self.saga.handler_participant(Handler::Compensation(owner)));
        let work = Work::Compensation(owner);
        self.check_compensation(tx, owner);
        if self.fire(tx.st, Fault::CompFail(owner)) {
            tx.act(
                p,
                Party::Orchestrator,
                ActionKind::Reply {
                    work,
                    result: Result::Exhausted { from: 1 },
                },
            );
            tx.st.pending.push(Msg::CompReply { owner, ok: false });
            return;
        }
        self.undo(tx, owner);
        tx.act(
            p,
            Party::Orchestrator,
            ActionKind::Reply {
                work,
                result: Result::Success,
            },
        );
        tx.st.pending.push(Msg::CompReply { owner, ok: true });
    }

    fn comp_reply(&self, tx: &mut Tx, owner: Owner, ok: bool) {
        if !ok {
            return self.get_stuck(tx, Stuck::Compensation(owner));
        }
        if let Phase::Compensating { queue } = &mut tx.st.phase
            && queue.last() == Some(&owner)
        {
            queue.pop();
        }
        self.next_compensation(tx);
    }

    // ----- choreography ----------------------------------------------------------------

    /// A participant publishes an event to every consumer (each delivery separate).
    fn publish(&self, tx: &mut Tx, p: ParticipantId, event: EventId) {
        let saga = self.saga;
        let outbox = saga.outbox_of(p).is_some();
        if self.fire(
            tx.st,
            Fault::Crash {
                participant: p,
                event,
            },
        ) {
            tx.local(
                p,
                ActionKind::CrashBeforePublish {
                    event,
                    recovered: outbox,
                },
            );
            if !outbox {
                return self.lose(tx, event);
            }
        }
        let via = if outbox { Via::Outbox } else { Via::Direct };
        tx.local(p, ActionKind::Publish { event, via });
        let duplicate = self.fire(tx.st, Fault::DupEvent(event));
        // Each consumer once, in the order they are declared (without a list per delivery).
        let consumers = &saga.event(event).consumed_by;
        for (i, &(handler, _)) in consumers.iter().enumerate() {
            if consumers[..i].iter().any(|&(h, _)| h == handler) {
                continue;
            }
            tx.st.pending.push(Msg::Deliver {
                event,
                handler,
                from: p,
                duplicate: false,
            });
            if duplicate {
                tx.st.pending.push(Msg::Deliver {
                    event,
                    handler,
                    from: p,
                    duplicate: true,
                });
            }
        }
    }

    fn event_delivery(
        &self,
        tx: &mut Tx,
        event: EventId,
        handler: Handler,
        from: ParticipantId,
        duplicate: bool,
    ) {
        let to = self.saga.handler_participant(handler);
        tx.act(
            Party::Participant(from),
            Party::Participant(to),
            ActionKind::Deliver {
                event,
                handler,
                duplicate,
            },
        );
        match handler {
            Handler::Step(s) => self.handle_step(tx, s),
            Handler::Compensation(owner) => self.handle_compensation(tx, owner),
            Handler::Reaction(i) => {
                let work = Work::Reaction(i);
                if duplicate {
                    tx.local(
                        to,
                        ActionKind::Duplicate {
                            work,
                            applied_again: false,
                        },
                    );
                } else {
                    tx.local(
                        to,
                        ActionKind::Run {
                            work,
                            result: Result::Success,
                        },
                    );
                }
            }
        }
    }

    fn handle_step(&self, tx: &mut Tx, s: StepId) {
        let step = self.saga.step(s);
        let p = step.participant;
        let work = Work::Step(s);
        if tx.st.steps[s.index()].status != Status::Idle {
            let again = step.idempotency_key.is_none()
                && step.has_effect()
                && tx.st.steps[s.index()].applied > 0;
            tx.local(
                p,
                ActionKind::Duplicate {
                    work,
                    applied_again: again,
                },
            );
            if again {
                self.apply(tx, s);
            }
            return;
        }
        tx.st.steps[s.index()].attempts = 1;
        if self.fire(tx.st, Fault::Exhaust(s)) {
            tx.local(
                p,
                ActionKind::Run {
                    work,
                    result: Result::Exhausted { from: 1 },
                },
            );
            if self.after_point_of_no_return(s) {
                tx.st.steps[s.index()].status = Status::Failed;
                return self.get_stuck(tx, Stuck::Step(s));
            }
            return self.step_failed(tx, s, false);
        }
        if self.fire(tx.st, Fault::Fail(s)) {
            if step.kind != StepKind::Retriable {
                return self.step_failed(tx, s, true);
            }
            tx.local(
                p,
                ActionKind::Run {
                    work,
                    result: Result::Transient { attempt: 1 },
                },
            );
            if !self.can_attempt_again(tx, s) {
                tx.st.steps[s.index()].status = Status::Failed;
                return self.get_stuck(tx, Stuck::Step(s));
            }
            tx.st.steps[s.index()].attempts = 2;
        }
        self.apply(tx, s);
        tx.st.steps[s.index()].status = Status::Done;
        tx.local(
            p,
            ActionKind::Run {
                work,
                result: Result::Success,
            },
        );
        if let Some(event) = self.lookups.success[s.index()] {
            self.publish(tx, p, event);
        }
    }

    /// A choreography step failed (a business failure, or exhausted before the point of
    /// no return): it announces it with its failure event, or nobody ever learns.
    fn step_failed(&self, tx: &mut Tx, s: StepId, report: bool) {
        let step = self.saga.step(s);
        let p = step.participant;
        tx.st.steps[s.index()].status = Status::Failed;
        let event = self.lookups.failure[s.index()];
        let result = match event {
            Some(_) => Result::Failure,
            None => Result::SilentFailure,
        };
        if report || event.is_none() {
            tx.local(
                p,
                ActionKind::Run {
                    work: Work::Step(s),
                    result,
                },
            );
        }
        match event {
            Some(event) => {
                tx.st.announced = true;
                self.publish(tx, p, event);
            }
            None => tx.st.silent = Some(s),
        }
    }

    fn handle_compensation(&self, tx: &mut Tx, owner: Owner) {
        let saga = self.saga;
        let p = saga.handler_participant(Handler::Compensation(owner));
        let work = Work::Compensation(owner);
        if tx.st.runs(owner) > 0 {
            let idempotent = match owner {
                Owner::Trigger => true,
                Owner::Step(s) => saga.step(s).idempotency_key.is_some(),
            };
            tx.local(
                p,
                ActionKind::Duplicate {
                    work,
                    applied_again: !idempotent,
                },
            );
            if !idempotent {
                self.undo(tx, owner);
                tx.violate(
                    Invariant::AtMostOnce,
                    format!(
                        "the compensation of {} ran twice: the step has no idempotency_key, which also covers its compensation",
                        owner_name(saga, owner)
                    ),
                );
            }
            return;
        }
        self.check_compensation(tx, owner);
        if self.fire(tx.st, Fault::CompFail(owner)) {
            tx.local(
                p,
                ActionKind::Run {
                    work,
                    result: Result::Exhausted { from: 1 },
                },
            );
            return self.get_stuck(tx, Stuck::Compensation(owner));
        }
        self.undo(tx, owner);
        tx.local(
            p,
            ActionKind::Run {
                work,
                result: Result::Success,
            },
        );
        if let Some(event) = self.lookups.compensated[owner_index(owner)] {
            self.publish(tx, p, event);
        }
    }

    // ----- the end of a run ------------------------------------------------------------

    /// Whether the saga reached an end (completed, compensated, or given up for good), as
    /// opposed to waiting for a message nobody sends.
    pub fn ended(&self, st: &State) -> bool {
        if self.orchestration {
            matches!(st.phase, Phase::Ended(_))
        } else {
            st.stuck.is_some() || st.announced || self.all_done(st)
        }
    }

    fn all_done(&self, st: &State) -> bool {
        st.steps.iter().all(|s| s.status == Status::Done)
    }

    pub fn outcome(&self, st: &State) -> Outcome {
        if self.orchestration {
            match st.phase {
                Phase::Ended(End::Completed) => Outcome::Completed,
                Phase::Ended(End::Compensated) => Outcome::Compensated,
                _ => Outcome::Stuck,
            }
        } else if st.stuck.is_some() {
            Outcome::Stuck
        } else if st.announced {
            Outcome::Compensated
        } else if self.all_done(st) {
            Outcome::Completed
        } else {
            Outcome::Stuck
        }
    }

    /// The invariants a run that has nothing left to do breaks.
    pub fn check_end(&self, st: &State) -> Vec<(Invariant, String)> {
        let saga = self.saga;
        if !self.ended(st) {
            let why = if let Some(e) = st.lost {
                format!(
                    "{} was lost, so whoever waits for it waits forever",
                    saga.event(e).name
                )
            } else if let Some(s) = st.silent {
                format!(
                    "{} failed without a failure event (no `emits.failure`), so nobody learns of it",
                    self.step_name(s)
                )
            } else {
                let waiting: Vec<&str> = saga
                    .step_ids()
                    .filter(|s| st.steps[s.index()].status == Status::Idle)
                    .map(|s| self.step_name(s))
                    .collect();
                format!(
                    "nothing is left to deliver, yet {} never ran",
                    waiting.join(", ")
                )
            };
            return vec![(
                Invariant::Termination,
                format!("the saga never ends: {why}"),
            )];
        }
        let outcome = self.outcome(st);
        let live: Vec<Owner> = self.live_effects(st);
        let names = |owners: &[Owner]| {
            owners
                .iter()
                .map(|&o| owner_name(saga, o))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let mut problem = match (outcome, st.stuck, &st.phase) {
            (_, _, Phase::Ended(End::Lost)) => (!live.is_empty()).then(|| {
                "the orchestrator crashed without a saga log and the saga was lost midway: its effects are neither completed nor compensated"
                    .to_owned()
            }),
            (_, Some(Stuck::Step(s)), _) => Some(format!(
                "the saga is stuck: {} ran out of attempts after the point of no return",
                self.step_name(s)
            )),
            (_, Some(Stuck::Compensation(o)), _) => Some(format!(
                "the saga is stuck: the compensation of {} ran out of attempts",
                owner_name(saga, o)
            )),
            (Outcome::Completed, _, _) => {
                let undone: Vec<Owner> = std::iter::once(Owner::Trigger)
                    .chain(saga.step_ids().map(Owner::Step))
                    .filter(|&o| st.runs(o) > 0)
                    .collect();
                (!undone.is_empty()).then(|| {
                    format!(
                        "the saga completed, yet compensations ran for {}",
                        names(&undone)
                    )
                })
            }
            _ => {
                let kept: Vec<Owner> = live
                    .iter()
                    .copied()
                    .filter(|&o| match o {
                        Owner::Step(s) => saga.step(s).compensation.is_some(),
                        Owner::Trigger => true,
                    })
                    .collect();
                let stuck_forward: Vec<Owner> = live
                    .iter()
                    .copied()
                    .filter(|o| !kept.contains(o))
                    .collect();
                if !stuck_forward.is_empty() {
                    Some(format!(
                        "the saga compensated, but {} applied {} that no compensation undoes",
                        names(&stuck_forward),
                        if stuck_forward.len() == 1 { "an effect" } else { "effects" }
                    ))
                } else if !kept.is_empty() {
                    Some(format!(
                        "the saga compensated, but {} {} never compensated",
                        names(&kept),
                        if kept.len() == 1 { "is" } else { "are" }
                    ))
                } else {
                    None
                }
            }
        };
        if problem.is_some()
            && outcome != Outcome::Compensated
            && !live.is_empty()
            && let Some(p) = problem.as_mut()
        {
            p.push_str(&format!("; still applied: {}", names(&live)));
        }
        problem
            .map(|p| vec![(Invariant::Atomicity, p)])
            .unwrap_or_default()
    }

    /// The effects in place: the trigger's (when it has a compensation) and every step's.
    fn live_effects(&self, st: &State) -> Vec<Owner> {
        let mut out = Vec::new();
        if st.trigger_ran
            && self.saga.trigger.compensation.is_some()
            && st.runs(Owner::Trigger) == 0
        {
            out.push(Owner::Trigger);
        }
        for s in self.saga.step_ids() {
            if st.steps[s.index()].live {
                out.push(Owner::Step(s));
            }
        }
        out
    }
}

/// Compensations run from the highest rank down: later stages first, a group's later
/// branches first, the trigger last.
fn compensation_rank(saga: &Saga, owner: Owner) -> (usize, usize) {
    match owner {
        Owner::Trigger => (0, 0),
        Owner::Step(s) => {
            let stage = saga.step(s).stage;
            let branch = saga
                .stages
                .get(stage)
                .and_then(|st| st.steps().iter().position(|&x| x == s))
                .unwrap_or(0);
            (stage + 1, branch)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn saga(file: &str, text: &str) -> Saga {
        let checked =
            crate::check::check_source(crate::source::SourceFile::new(file, text.to_owned()));
        checked.saga.expect("the spec resolves")
    }

    #[test]
    fn a_state_copied_into_a_used_one_is_equal_to_it() {
        let small = saga(
            "o.yaml",
            include_str!("../../specs/order-orchestration.yaml"),
        );
        let big = saga("t.yaml", include_str!("../../specs/trip.yaml"));
        let mut source = State::initial(&small);
        source.steps[0].applied = 1;
        source.comp_runs[0] = 1;
        source.phase = Phase::Compensating {
            queue: vec![Owner::Trigger],
        };
        source.fired = 3;
        source.announced = true;
        source.lowest_compensated = Some((0, 1));
        let mut copy = State::initial(&big);
        copy.pending.clear();
        copy.clone_from(&source);
        assert_eq!(copy, source);
        assert_eq!(source.clone(), source);
    }
}
