//! Version 2: what the caller gets in an orchestration: the outcome it is told (once, at
//! the end or at the decision) and the answer to its cancel, which the orchestrator honours
//! before the point of no return and refuses (or ignores) after it.

use crate::model::{CancelCompensations, CancelUntil, End as Ending, Late, StepId};

use super::super::action::{ActionKind, CancelAnswer, Party};
use super::state::{CancelState, Cause, End, Phase, Reply, Status};
use super::{Machine, Transition};

impl Machine<'_> {
    /// The run ends: the caller is told (once) when the saga declares an `outcome`.
    pub(super) fn end(&self, transition: &mut Transition, end: End) {
        transition.state.phase = Phase::Ended(end);
        if end == End::Terminated {
            self.say_terminated(transition, Party::Orchestrator);
        }
        let told = match end {
            End::Completed => Ending::Completed,
            End::Compensated => Ending::Compensated,
            End::Terminated => Ending::Terminated,
            End::NeedsAttention => Ending::NeedsAttention,
            End::Cancelled => Ending::Cancelled,
            End::Stuck | End::Lost => return,
        };
        if transition.state.deliveries == 0 {
            self.tell(transition, told);
        }
    }

    pub(super) fn at_decision(&self) -> bool {
        self.saga
            .outcome
            .as_ref()
            .is_some_and(|o| o.at.value == crate::model::At::Decision)
    }

    /// The caller is told `end` (when the saga declares an `outcome`).
    pub(super) fn tell(&self, transition: &mut Transition, end: Ending) {
        if self.saga.outcome.is_none() {
            return;
        }
        transition.state.deliveries = transition.state.deliveries.saturating_add(1);
        transition.state.delivered.get_or_insert(end);
        let party = match (self.orchestration, &self.saga.outcome) {
            (false, Some(outcome)) => Party::Participant(outcome.participant),
            _ => Party::Orchestrator,
        };
        transition.act(party, Party::Caller, ActionKind::Tell { end });
    }

    /// The caller's cancel reaches the orchestrator.
    pub(super) fn cancel(&self, transition: &mut Transition) {
        let saga = self.saga;
        let Some(cancellation) = &saga.cancellation else {
            return;
        };
        transition.act(Party::Caller, Party::Orchestrator, ActionKind::Cancel);
        let late = || match cancellation.late.value {
            Late::Refuse => Some(CancelAnswer::TooLate),
            Late::Ignore => None,
        };
        let answer = match transition.state.phase {
            Phase::Ended(_) | Phase::Starting => late(),
            Phase::Compensating { .. } => {
                if cancellation.compensations.value == CancelCompensations::Cancelled {
                    self.cancel_compensations(transition);
                }
                Some(CancelAnswer::Cancelled)
            }
            Phase::Forward { .. } => {
                let point = self.lookups.point_of_no_return;
                let status = |s: StepId| transition.state.steps[s.index()].status;
                let past_until = match cancellation.until.value {
                    CancelUntil::Step(u) => status(u) != Status::Idle,
                    CancelUntil::PointOfNoReturn => false,
                };
                if point.is_some_and(|p| status(p) == Status::Done) || past_until {
                    late()
                } else if point.is_some_and(|p| status(p) == Status::Awaiting) {
                    transition.state.cancel = CancelState::AwaitingPivot;
                    None
                } else {
                    transition.state.cancel = CancelState::Honoured;
                    self.begin_ending(transition, Cause::Cancelled);
                    Some(CancelAnswer::Cancelled)
                }
            }
        };
        if let Some(answer) = answer {
            self.answer_cancel(transition, answer);
        }
    }

    fn answer_cancel(&self, transition: &mut Transition, answer: CancelAnswer) {
        transition.act(
            Party::Orchestrator,
            Party::Caller,
            ActionKind::CancelAnswered { answer },
        );
        transition.state.cancel_answers = transition.state.cancel_answers.saturating_add(1);
        transition.state.cancel_answer.get_or_insert(answer);
    }

    /// The pivot answered while a cancel waited for it: too late on success, cancelled
    /// otherwise (the saga compensates anyway).
    pub(super) fn pivot_answered(&self, transition: &mut Transition, s: StepId, reply: Reply) {
        if transition.state.cancel != CancelState::AwaitingPivot
            || self.lookups.point_of_no_return != Some(s)
        {
            return;
        }
        transition.state.cancel = CancelState::None;
        let answer = match reply {
            Reply::Success => CancelAnswer::TooLate,
            _ => CancelAnswer::Cancelled,
        };
        self.answer_cancel(transition, answer);
    }

    /// `compensations: cancelled`: the cancel stops the compensations, none runs further.
    fn cancel_compensations(&self, transition: &mut Transition) {
        if let Phase::Compensating { queue } = &mut transition.state.phase {
            queue.clear();
        }
        transition.state.cause.get_or_insert(Cause::Cancelled);
        self.end(transition, End::Cancelled);
    }

    /// Whether the honoured cancel also cancels the compensations about to run.
    pub(super) fn compensations_cancelled(&self, transition: &Transition) -> bool {
        transition.state.cancel == CancelState::Honoured
            && self
                .saga
                .cancellation
                .as_ref()
                .is_some_and(|c| c.compensations.value == CancelCompensations::Cancelled)
    }
}
