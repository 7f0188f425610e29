//! A run's state: what each step and compensation did, the messages in flight (a
//! multiset) and which faults have fired. Two runs in the same canonical state do the same
//! from there on, which is what the exploration and the forked runs rely on.

use crate::model::{BuiltinFailure, EventId, Handler, Owner, ParticipantId, Saga, StepId};

/// A message in flight (or, for `Start`, the trigger about to run).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Message {
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
    CompensationCommand(Owner),
    CompensationReply {
        owner: Owner,
        ok: bool,
    },
    /// Version 2: the caller's cancel reaching the orchestrator.
    Cancel,
    /// Version 2: the deadline passing while a step waits for an answer that never comes.
    DeadlinePasses,
    Deliver {
        event: EventId,
        handler: Handler,
        from: ParticipantId,
        duplicate: bool,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Reply {
    Success,
    Failure(Cause),
    Transient,
    /// Version 2: a transient failure of the `then: retry` class at this index of the
    /// step's `failures`, retried under the class's own policy.
    TransientOf(u8),
    Exhausted,
    TimedOut,
}

/// What the coordinator (orchestration) or the handler (choreography) knows of a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Status {
    #[default]
    Idle,
    Awaiting,
    Done,
    Failed,
    InDoubt,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StepState {
    /// How many times the effect was applied (capped at 2).
    pub applied: u8,
    /// Whether the effect is in place now (applied and not undone).
    pub live: bool,
    /// Whether the step timed out (its compensation may run on an effect that never was).
    pub in_doubt: bool,
    pub status: Status,
    /// Attempts sent (capped).
    pub attempts: u8,
    /// How many times the step's compensation ran (capped at 2): kept beside the step so
    /// that a state holds one vector per saga, not two (a copy and a free fewer per state).
    pub comp_runs: u8,
}

/// A step's state hashed as one word instead of field by field: the explored set hashes
/// every state it meets, and a state holds one of these per step (figures in
/// docs/performance.md, `sagac check`). The packing is injective, so it agrees with `Eq`.
impl std::hash::Hash for StepState {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        state.write_u64(
            u64::from(self.applied)
                | u64::from(self.live) << 8
                | u64::from(self.in_doubt) << 9
                | (self.status as u64) << 10
                | u64::from(self.attempts) << 16
                | u64::from(self.comp_runs) << 24,
        );
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Phase {
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
pub enum End {
    Completed,
    Compensated,
    Stuck,
    /// The orchestrator crashed without a saga log.
    Lost,
    /// Version 2: stopped without compensating.
    Terminated,
    /// Version 2: a compensation gave up and the escalation was told.
    NeedsAttention,
    /// Version 2: compensated after an honoured cancel.
    Cancelled,
}

/// Version 2: what ended the forward phase (the `failure` compensations, the escalation
/// and the outcome receive).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Cause {
    /// A failure the step declares: its index in the step's `failures`.
    Declared(StepId, u8),
    /// A built-in failure at a step: `TimedOut`, `Exhausted`, `Uncaught`.
    Builtin(StepId, BuiltinFailure),
    /// The deadline passed (`DeadlinePassed`).
    Deadline,
    /// The caller's cancel was honoured (`Cancelled`).
    Cancelled,
}

/// Version 2: the caller's cancel, as far as the orchestrator has got with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum CancelState {
    #[default]
    None,
    /// Honoured: no further command is sent, the saga compensates.
    Honoured,
    /// Received while the pivot was outstanding: its reply decides.
    AwaitingPivot,
}

/// What gave up for good and left the saga stuck: a step after its point of no return, or
/// a compensation, out of attempts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Stuck {
    Step(StepId),
    Compensation(Owner),
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct State {
    /// In publication order; [`State::canonical`] sorts it (a multiset).
    pub pending: Vec<Message>,
    pub steps: Vec<StepState>,
    /// How many times the trigger's compensation ran (capped at 2); a step's are in its
    /// [`StepState::comp_runs`].
    pub trigger_runs: u8,
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
    /// the compensation runs (so it changes no state's identity), kept so that the reverse-order
    /// check is constant time instead of a scan of the saga per compensation.
    pub lowest_compensated: Option<(usize, usize)>,
    /// Version 2 (all zero or `None` in a version 1 run): what ended the forward phase.
    pub cause: Option<Cause>,
    /// The forward phase ends by terminating rather than compensating.
    pub terminating: bool,
    /// Choreography: the failure event that announced the terminating failure (the
    /// event the outcome's participant must receive to learn the saga terminated).
    pub terminated_by: Option<EventId>,
    /// Owners whose compensation gave up (bit [`owner_index`]).
    pub gave_up: u64,
    /// Owners the escalation was told are left (bit [`owner_index`]).
    pub left: u64,
    /// Escalations sent.
    pub escalations: u8,
    pub cancel: CancelState,
    /// Answers the canceller got, and the first of them.
    pub cancel_answers: u8,
    pub cancel_answer: Option<crate::scenario::action::CancelAnswer>,
    /// Outcomes delivered to the caller, and the end the first one named.
    pub deliveries: u8,
    pub delivered: Option<crate::model::End>,
}

impl State {
    pub fn initial(saga: &Saga) -> State {
        State {
            pending: vec![Message::Start],
            steps: vec![StepState::default(); saga.steps.len()],
            trigger_runs: 0,
            trigger_ran: false,
            phase: Phase::Starting,
            fired: 0,
            lost: None,
            announced: false,
            stuck: None,
            silent: None,
            lowest_compensated: None,
            cause: None,
            terminating: false,
            terminated_by: None,
            gave_up: 0,
            left: 0,
            escalations: 0,
            cancel: CancelState::None,
            cancel_answers: 0,
            cancel_answer: None,
            deliveries: 0,
            delivered: None,
        }
    }

    /// The state with the messages in flight as a sorted multiset: two runs that differ
    /// only in the order messages were sent are the same state.
    pub fn canonical(&self) -> State {
        let mut s = self.clone();
        s.pending.sort();
        s
    }

    pub fn runs(&self, owner: Owner) -> u8 {
        match owner {
            Owner::Trigger => self.trigger_runs,
            Owner::Step(s) => self.steps[s.index()].comp_runs,
        }
    }

    pub fn runs_mut(&mut self, owner: Owner) -> &mut u8 {
        match owner {
            Owner::Trigger => &mut self.trigger_runs,
            Owner::Step(s) => &mut self.steps[s.index()].comp_runs,
        }
    }

    /// The compensation runs of every owner in [`owner_index`] order: the trigger's, then
    /// each step's.
    pub fn comp_runs(&self) -> impl Iterator<Item = u8> + '_ {
        std::iter::once(self.trigger_runs).chain(self.steps.iter().map(|s| s.comp_runs))
    }
}

/// An owner's place in [`State::comp_runs`] (and its bit in `gave_up` and `left`).
pub fn owner_index(owner: Owner) -> usize {
    match owner {
        Owner::Trigger => 0,
        Owner::Step(s) => s.index() + 1,
    }
}

/// The bit of an owner in [`State::gave_up`] and [`State::left`] (owners past the 63rd
/// share the last bit: a saga that long is not simulated by `check`).
pub fn owner_bit(owner: Owner) -> u64 {
    1u64 << owner_index(owner).min(63)
}
