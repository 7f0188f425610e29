//! Version 2 in a choreography: the event each failure publishes (`emits.failure` as a
//! map), a compensation that gives up (it publishes its event under `continue` and
//! `escalate`, and the escalation event under `escalate*`), and the participant that
//! delivers the outcome learning how the saga ended from the events it handles.

use crate::model::{
    BuiltinFailure, Emitter, End as Ending, EventId, Handler, OnFailure, OnUncaught, Owner, StepId,
};

use super::super::action::{ActionKind, FailureName, Party, Silence, StepResult, Work};
use super::state::{Cause, Status, Stuck, owner_bit};
use super::{Machine, Transition};

impl Machine<'_> {
    /// The event a step's failure publishes: the single event, or the map's entry for the
    /// failure (`failure`, else the step's first; `Exhausted` when `report` is false and the
    /// map names it).
    pub(super) fn failure_event(
        &self,
        s: StepId,
        failure: Option<u8>,
        report: bool,
    ) -> Option<EventId> {
        let step = self.saga.step(s);
        if step.emits_failure_by.is_empty() {
            return self.lookups.failure[s.index()];
        }
        let first = step
            .failure_handling
            .iter()
            .find(|f| f.builtin.is_none())
            .map(|f| f.name.value.as_str());
        let name = match failure {
            Some(i) => step
                .failure_handling
                .get(usize::from(i))
                .map(|f| f.name.value.as_str()),
            None if !report
                && step
                    .failure_event(BuiltinFailure::Exhausted.as_str())
                    .is_some() =>
            {
                Some(BuiltinFailure::Exhausted.as_str())
            }
            None => first,
        }?;
        step.failure_event(name)
            .and_then(|e| self.saga.event_id(&e.value))
    }

    /// An error a choreography step's handler does not declare (`uncaught:`), by its
    /// `on_uncaught`: redelivered by the broker (`retry`: a transient failure, retried while
    /// attempts remain), the failure `Uncaught` announced by its event (`compensate`), or
    /// swallowed (`no_reply`: nobody hears of it). Returns whether the delivery is done.
    pub(super) fn uncaught_by_event(&self, transition: &mut Transition, s: StepId) -> bool {
        let step = self.saga.step(s);
        let p = step.participant;
        let work = Work::Step(s);
        match super::super::fault::uncaught_handling(step) {
            OnUncaught::Retry => {
                transition.local(
                    p,
                    ActionKind::Run {
                        work,
                        result: StepResult::Transient { attempt: 1 },
                    },
                );
                if self.can_attempt_again(transition.state, s) {
                    transition.step(s).attempts = 2;
                    return false;
                }
                if self.after_point_of_no_return(s) {
                    transition.step(s).status = Status::Failed;
                    self.get_stuck(transition, Stuck::Step(s));
                } else {
                    self.step_failed(transition, s, false, None);
                }
                true
            }
            OnUncaught::NoReply => {
                transition.local(
                    p,
                    ActionKind::NoAnswer {
                        work,
                        why: Silence::Swallowed,
                        applied: false,
                    },
                );
                transition.step(s).status = Status::Failed;
                transition.state.silent = Some(s);
                true
            }
            OnUncaught::Compensate | OnUncaught::Terminate => {
                if step.transactional.value {
                    self.uncaught_announced(transition, s, false);
                } else {
                    self.both_ways(transition, |m, t, applied| {
                        if applied {
                            m.apply(t, s);
                        }
                        m.uncaught_announced(t, s, applied);
                    });
                }
                true
            }
        }
    }

    /// The failure `Uncaught` announced by the map's event for it or the single one
    /// (`on_uncaught: compensate`); `applied` when the effect took place anyway.
    fn uncaught_announced(&self, transition: &mut Transition, s: StepId, applied: bool) {
        let step = self.saga.step(s);
        let p = step.participant;
        transition.step(s).status = Status::Failed;
        self.ends_by_event(transition, Cause::Builtin(s, BuiltinFailure::Uncaught));
        let uncaught = BuiltinFailure::Uncaught.as_str();
        let event = match step.emits_failure_by.is_empty() {
            true => self.lookups.failure[s.index()],
            false => step
                .failure_event(uncaught)
                .and_then(|e| self.saga.event_id(&e.value)),
        };
        let result = match event {
            Some(_) => StepResult::FailedAs {
                failure: FailureName::Builtin(BuiltinFailure::Uncaught),
                applied,
            },
            None => StepResult::SilentFailure,
        };
        transition.local(
            p,
            ActionKind::Run {
                work: Work::Step(s),
                result,
            },
        );
        self.terminated_by_event(transition, s);
        match event {
            Some(event) => {
                self.announced(transition, event);
                self.publish(transition, p, event);
            }
            None if transition.state.terminating => {}
            None => transition.state.silent = Some(s),
        }
    }

    /// A compensation gave up: by its `on_failure`, stuck (false), or the saga goes on,
    /// telling the escalation under `escalate*` (its event, consumed by the escalation's
    /// participant).
    pub(super) fn gave_up_by_event(&self, transition: &mut Transition, owner: Owner) -> bool {
        let policy = self
            .saga
            .compensation(owner)
            .map_or(OnFailure::Stuck, |c| c.on_failure.value);
        if policy == OnFailure::Stuck {
            return false;
        }
        transition.state.gave_up |= owner_bit(owner);
        let p = self.saga.handler_participant(Handler::Compensation(owner));
        transition.act(
            Party::Participant(p),
            Party::Participant(p),
            ActionKind::GaveUp { owner },
        );
        if policy.escalates()
            && let Some(escalation) = &self.saga.escalation
        {
            transition.state.escalations = transition.state.escalations.saturating_add(1);
            transition.state.left |= owner_bit(owner);
            transition.act(
                Party::Participant(p),
                Party::Participant(escalation.participant),
                ActionKind::Escalate {
                    left: owner_bit(owner),
                },
            );
        }
        true
    }

    /// Whether a compensation that gave up publishes nothing more (`escalate_and_stop`).
    pub(super) fn stops(&self, owner: Owner) -> bool {
        self.saga
            .compensation(owner)
            .is_some_and(|c| c.on_failure.value == OnFailure::EscalateAndStop)
    }

    /// The outcome's participant handles a success event of a step at or after the point
    /// of no return: it learns the saga completed.
    pub(super) fn learn_completion(
        &self,
        transition: &mut Transition,
        event: EventId,
        handler: Handler,
    ) {
        let Some(outcome) = &self.saga.outcome else {
            return;
        };
        if self.saga.handler_participant(handler) != outcome.participant {
            return;
        }
        let last = self.saga.stages.len().saturating_sub(1);
        let from = self
            .lookups
            .point_of_no_return
            .map_or(last, |p| self.saga.step(p).stage);
        let completes =
            self.saga.event(event).emitted_by.iter().any(
                |&(e, _)| matches!(e, Emitter::StepSuccess(s) if self.saga.step(s).stage >= from),
            );
        if completes {
            self.learn(transition, Ending::Completed);
        }
    }

    /// A reaction of the outcome's participant to a failure event: it learns the saga
    /// compensates.
    pub(super) fn learn_from_reaction(
        &self,
        transition: &mut Transition,
        event: EventId,
        handler: Handler,
    ) {
        let failure = self
            .saga
            .event(event)
            .emitted_by
            .iter()
            .any(|&(e, _)| matches!(e, Emitter::StepFailure(_)));
        if failure {
            self.learn_failure(transition, handler);
        }
    }

    /// The outcome's participant runs its compensation (or a reaction to a failure): it
    /// learns the saga compensates.
    pub(super) fn learn_failure(&self, transition: &mut Transition, handler: Handler) {
        let Some(outcome) = &self.saga.outcome else {
            return;
        };
        if self.saga.handler_participant(handler) == outcome.participant {
            let end = match transition.state.terminating {
                true => Ending::Terminated,
                false => Ending::Compensated,
            };
            self.learn(transition, end);
        }
    }

    /// The first thing the outcome's participant learns is what it tells the caller.
    fn learn(&self, transition: &mut Transition, end: Ending) {
        if transition.state.deliveries == 0 {
            self.tell(transition, end);
        }
    }
}
