//! Version 2 in a choreography, what its handlers decide alone: why a step's handler fails
//! (what ended the forward phase, and whether it terminates), a failure class retried by
//! the broker's redelivery, the deadline that travels with the saga's events, a step that
//! is not one local transaction, and a compensation's `runs_for`, `absent_effect` and
//! `timeout`. A version 1 saga never reaches these choices: every key defaults to version
//! 1's behaviour.

use crate::model::{BuiltinFailure, FailureThen, Owner, RunsFor, StepId};

use super::super::action::{ActionKind, Party, StepResult, Work};
use super::state::{Cause, Status, Stuck, owner_index};
use super::{Machine, Transition};

impl Machine<'_> {
    /// The forward phase of a version 2 choreography ends for `cause` (the first is kept):
    /// what the trace and the atomicity check name, and whether the saga terminates.
    pub(super) fn ends_by_event(&self, transition: &mut Transition, cause: Cause) {
        if !self.saga.is_v2() || transition.state.cause.is_some() {
            return;
        }
        transition.state.cause = Some(cause);
        transition.state.terminating = self.terminates(cause);
    }

    /// A terminating choreography says so where the saga stops: at the handler that failed.
    pub(super) fn terminated_by_event(&self, transition: &mut Transition, s: StepId) {
        if transition.state.terminating {
            let p = Party::Participant(self.saga.step(s).participant);
            self.say_terminated(transition, p);
        }
    }

    /// A step's failure event is about to be published: the saga has a failure, and when
    /// it terminates, this is the event that tells its consumers so (the first one).
    pub(super) fn announced(&self, transition: &mut Transition, event: crate::model::EventId) {
        transition.state.announced = true;
        if transition.state.terminating && transition.state.terminated_by.is_none() {
            transition.state.terminated_by = Some(event);
        }
    }

    /// The deadline, carried by the saga's events, has passed when the step's event
    /// arrives (`deadline:<step>`): the handler refuses the work (nothing applied) and
    /// publishes the step's failure event (the map's `DeadlinePassed` entry, else the
    /// first failure's), so the saga compensates, or terminates by `deadline.then`.
    pub(super) fn refused_after_deadline(&self, transition: &mut Transition, s: StepId) {
        let step = self.saga.step(s);
        let p = step.participant;
        transition.step(s).attempts = 0;
        transition.step(s).status = Status::Failed;
        transition.local(
            p,
            ActionKind::DeadlinePasses {
                step: s,
                outstanding: false,
            },
        );
        self.ends_by_event(transition, Cause::Deadline);
        self.terminated_by_event(transition, s);
        match self.builtin_event(s, BuiltinFailure::DeadlinePassed) {
            Some(event) => {
                self.announced(transition, event);
                self.publish(transition, p, event);
            }
            None if transition.state.terminating => {}
            None => {
                transition.local(
                    p,
                    ActionKind::Run {
                        work: Work::Step(s),
                        result: StepResult::SilentFailure,
                    },
                );
                transition.state.silent = Some(s);
            }
        }
    }

    /// The event a built-in failure publishes: the map's entry for it, else the step's
    /// first failure's event (or the single event).
    pub(super) fn builtin_event(
        &self,
        s: StepId,
        builtin: BuiltinFailure,
    ) -> Option<crate::model::EventId> {
        let step = self.saga.step(s);
        step.failure_event(builtin.as_str())
            .and_then(|e| self.saga.event_id(&e.value))
            .or_else(|| self.failure_event(s, None, true))
    }

    /// A failure of a `then: retry` class (`fail:<step>@<Failure>`): the handler throws,
    /// the broker redelivers, and the class's attempts decide. Returns whether the handler
    /// is done (it gave up); otherwise the next attempt succeeds.
    pub(super) fn class_failed_by_event(
        &self,
        transition: &mut Transition,
        s: StepId,
        class: u8,
    ) -> bool {
        let p = self.saga.step(s).participant;
        let attempt = u32::from(transition.step(s).attempts);
        transition.local(
            p,
            ActionKind::Run {
                work: Work::Step(s),
                result: StepResult::Transient { attempt },
            },
        );
        if self.class_can_attempt_again(transition.state, s, class) {
            transition.step(s).attempts = transition.step(s).attempts.saturating_add(1);
            return false;
        }
        self.exhausted_by_event(transition, s, false);
        true
    }

    /// Whether the failure at `class` of the step's `failures` is retried (`then: retry`).
    pub(super) fn retried_class(&self, s: StepId, class: u8) -> bool {
        self.saga
            .step(s)
            .failure_handling
            .get(usize::from(class))
            .is_some_and(|f| f.then.value == FailureThen::Retry)
    }

    /// Every attempt failed transiently: before the point of no return the step fails
    /// (`Exhausted`), after it the saga is stuck. `report` says the attempts in the trace.
    pub(super) fn exhausted_by_event(&self, transition: &mut Transition, s: StepId, report: bool) {
        if report {
            transition.local(
                self.saga.step(s).participant,
                ActionKind::Run {
                    work: Work::Step(s),
                    result: StepResult::Exhausted { from: 1 },
                },
            );
        }
        if self.after_point_of_no_return(s) {
            transition.step(s).status = Status::Failed;
            return self.get_stuck(transition, Stuck::Step(s));
        }
        self.step_failed(transition, s, false, None);
    }

    /// A choreography step fails (a business failure, the one at `failure` of its
    /// `failures` when given, or exhausted before the point of no return when `report` is
    /// false). A step that is not one local transaction (`transactional: false`) may have
    /// applied its effect before a business failure (explored both ways, applied first).
    pub(super) fn step_failed(
        &self,
        transition: &mut Transition,
        s: StepId,
        report: bool,
        failure: Option<u8>,
    ) {
        if !report || self.saga.step(s).transactional.value {
            return self.announce_failure(transition, s, failure, report, false);
        }
        self.both_ways(transition, |m, t, applied| {
            if applied {
                m.apply(t, s);
            }
            m.announce_failure(t, s, failure, report, applied);
        });
    }

    /// What a step's failure is, by what `step_failed` was told.
    pub(super) fn cause_of(&self, s: StepId, failure: Option<u8>, report: bool) -> Cause {
        match (failure, report) {
            (Some(i), _) => Cause::Declared(s, i),
            (None, true) => self
                .first_failure(s)
                .unwrap_or(Cause::Builtin(s, BuiltinFailure::Exhausted)),
            (None, false) => Cause::Builtin(s, BuiltinFailure::Exhausted),
        }
    }

    /// `runs_for` in a choreography: the handler of a compensation registered only for a
    /// step that succeeded (`success`), or that was attempted (`any_attempt`), finds
    /// nothing registered otherwise and acknowledges the event without undoing anything.
    pub(super) fn not_registered(&self, transition: &mut Transition, owner: Owner) -> bool {
        let Owner::Step(s) = owner else {
            return false;
        };
        let Some(c) = self.saga.compensation(owner) else {
            return false;
        };
        let record = *transition.step(s);
        match c.runs_for.value {
            RunsFor::Success => record.status != Status::Done,
            RunsFor::AnyAttempt => record.attempts == 0,
            RunsFor::PossibleEffect => false,
        }
    }

    /// A compensation handler gives up (its attempts ran out, `absent_effect: fail`, or a
    /// timeout on its last attempt): by its `on_failure` the saga is stuck, or goes on
    /// (publishing the compensation's event unless it stops).
    pub(super) fn compensation_gave_up_by_event(
        &self,
        transition: &mut Transition,
        owner: Owner,
        result: Option<StepResult>,
    ) {
        let p = self
            .saga
            .handler_participant(crate::model::Handler::Compensation(owner));
        if let Some(result) = result {
            transition.local(
                p,
                ActionKind::Run {
                    work: Work::Compensation(owner),
                    result,
                },
            );
        }
        if !self.gave_up_by_event(transition, owner) {
            return self.get_stuck(transition, Stuck::Compensation(owner));
        }
        if !self.stops(owner)
            && let Some(event) = self.lookups.compensated[owner_index(owner)]
        {
            self.publish(transition, p, event);
        }
    }

    /// A compensation handler's attempt that times out (`comptimeout:<owner>`): the undo
    /// may have happened (explored both ways). The broker redelivers while its `retry`
    /// allows a second attempt, which undoes again without the step's idempotency key
    /// (`at_most_once`); else the compensation gives up.
    pub(super) fn compensation_timed_out_by_event(
        &self,
        transition: &mut Transition,
        owner: Owner,
    ) {
        self.both_ways(transition, |m, t, undone| {
            let work = Work::Compensation(owner);
            let p = m
                .saga
                .handler_participant(crate::model::Handler::Compensation(owner));
            if undone {
                m.undo(t, owner);
            }
            t.local(
                p,
                ActionKind::Run {
                    work,
                    result: StepResult::TimedOut { applied: undone },
                },
            );
            let again = m
                .saga
                .compensation(owner)
                .is_some_and(|c| c.retry.max_attempts.limit().is_none_or(|n| n >= 2));
            if !again {
                return m.compensation_gave_up_by_event(t, owner, None);
            }
            let keyed = match owner {
                Owner::Step(s) => m.saga.step(s).idempotency_key.is_some(),
                Owner::Trigger => true,
            };
            if m.undone_again(t, owner) {
                t.local(
                    p,
                    ActionKind::Duplicate {
                        work,
                        applied_again: !keyed,
                    },
                );
            } else {
                m.undo(t, owner);
            }
            t.local(
                p,
                ActionKind::Run {
                    work,
                    result: StepResult::Success,
                },
            );
            if let Some(event) = m.lookups.compensated[owner_index(owner)] {
                m.publish(t, p, event);
            }
        });
    }
}
