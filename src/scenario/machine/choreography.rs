//! Choreography: events in flight, each delivered to each consumer separately and in any
//! order; steps, compensations and reactions run on the events they consume and publish
//! theirs, through an outbox or as a dual write.

use crate::model::{BuiltinFailure, EventId, Handler, Owner, ParticipantId, StepId, StepKind};

use super::super::action::{ActionKind, FailureName, Party, StepResult, Via, Work};
use super::super::fault::{Fault, owner_name};
use super::super::invariant::Invariant;
use super::state::{Cause, Message, Status, Stuck, owner_index};
use super::{Machine, Transition};

impl Machine<'_> {
    /// A participant publishes an event to every consumer (each delivery separate).
    pub(super) fn publish(&self, transition: &mut Transition, p: ParticipantId, event: EventId) {
        let outbox = self.saga.outbox_of(p).is_some();
        self.publish_via(transition, p, event, outbox);
    }

    /// A step publishes its event: through its participant's outbox only when the step is
    /// one local transaction (version 2's `transactional: false` is not, so a crash
    /// between its write and its publish loses the event even with an outbox).
    fn publish_from(&self, transition: &mut Transition, s: StepId, event: EventId) {
        let step = self.saga.step(s);
        let outbox = self.saga.outbox_of(step.participant).is_some() && step.transactional.value;
        self.publish_via(transition, step.participant, event, outbox);
    }

    /// [`Machine::publish`], through an outbox or as a dual write.
    fn publish_via(
        &self,
        transition: &mut Transition,
        p: ParticipantId,
        event: EventId,
        outbox: bool,
    ) {
        let saga = self.saga;
        if self.fire(
            transition.state,
            Fault::Crash {
                participant: p,
                event,
            },
        ) {
            transition.local(
                p,
                ActionKind::CrashBeforePublish {
                    event,
                    recovered: outbox,
                },
            );
            if !outbox {
                return self.lose(transition, event);
            }
        }
        let via = if outbox { Via::Outbox } else { Via::Direct };
        transition.local(p, ActionKind::Publish { event, via });
        let duplicate = self.fire(transition.state, Fault::DupEvent(event));
        // Each consumer once, in the order they are declared (without a list per delivery).
        let consumers = &saga.event(event).consumed_by;
        for (i, &(handler, _)) in consumers.iter().enumerate() {
            if consumers[..i].iter().any(|&(h, _)| h == handler) {
                continue;
            }
            transition.state.pending.push(Message::Deliver {
                event,
                handler,
                from: p,
                duplicate: false,
            });
            if duplicate {
                transition.state.pending.push(Message::Deliver {
                    event,
                    handler,
                    from: p,
                    duplicate: true,
                });
            }
        }
    }

    pub(super) fn event_delivery(
        &self,
        transition: &mut Transition,
        event: EventId,
        handler: Handler,
        from: ParticipantId,
        duplicate: bool,
    ) {
        let to = self.saga.handler_participant(handler);
        transition.act(
            Party::Participant(from),
            Party::Participant(to),
            ActionKind::Deliver {
                event,
                handler,
                duplicate,
            },
        );
        self.learn_completion(transition, event, handler);
        match handler {
            Handler::Step(s) => self.handle_step(transition, s),
            Handler::Compensation(owner) => self.handle_compensation(transition, owner),
            Handler::Reaction(i) => {
                self.learn_from_reaction(transition, event, handler);
                let work = Work::Reaction(i);
                if duplicate {
                    transition.local(
                        to,
                        ActionKind::Duplicate {
                            work,
                            applied_again: false,
                        },
                    );
                } else {
                    transition.local(
                        to,
                        ActionKind::Run {
                            work,
                            result: StepResult::Success,
                        },
                    );
                }
            }
        }
    }

    fn handle_step(&self, transition: &mut Transition, s: StepId) {
        let step = self.saga.step(s);
        let p = step.participant;
        let work = Work::Step(s);
        if transition.step(s).status != Status::Idle {
            let again = step.idempotency_key.is_none()
                && step.has_effect()
                && transition.step(s).applied > 0;
            transition.local(
                p,
                ActionKind::Duplicate {
                    work,
                    applied_again: again,
                },
            );
            if again {
                self.apply(transition, s);
            }
            return;
        }
        transition.step(s).attempts = 1;
        // Version 2: the deadline travels with the event; it passed before it arrived.
        if self.fire(transition.state, Fault::Deadline(s)) {
            return self.refused_after_deadline(transition, s);
        }
        // Version 2: an error the handler does not declare, by its `on_uncaught`.
        if self.fire(transition.state, Fault::Uncaught(s)) && self.uncaught_by_event(transition, s)
        {
            return;
        }
        let classes = u8::try_from(step.failure_handling.len()).unwrap_or(u8::MAX);
        let class_exhausted =
            (0..classes).any(|i| self.fire(transition.state, Fault::ExhaustAs(s, i)));
        if self.fire(transition.state, Fault::Exhaust(s)) || class_exhausted {
            return self.exhausted_by_event(transition, s, true);
        }
        if self.fire(transition.state, Fault::Fail(s)) {
            if step.kind != StepKind::Retriable {
                return self.step_failed(transition, s, true, None);
            }
            transition.local(
                p,
                ActionKind::Run {
                    work,
                    result: StepResult::Transient { attempt: 1 },
                },
            );
            if !self.can_attempt_again(transition.state, s) {
                transition.step(s).status = Status::Failed;
                return self.get_stuck(transition, Stuck::Step(s));
            }
            transition.step(s).attempts = 2;
        }
        // Version 2: a further failure with an event or handling of its own (a `then:
        // retry` class is redelivered by the broker).
        if let Some(i) = (0..classes).find(|&i| self.fire(transition.state, Fault::FailAs(s, i))) {
            if !self.retried_class(s, i) {
                return self.step_failed(transition, s, true, Some(i));
            }
            if self.class_failed_by_event(transition, s, i) {
                return;
            }
        }
        // Isolation: the handler's local transaction refused as the records stand.
        if let Some(b) = self.refusal(s) {
            return self.refused_by_event(transition, s, b);
        }
        self.apply(transition, s);
        transition.step(s).status = Status::Done;
        transition.local(
            p,
            ActionKind::Run {
                work,
                result: StepResult::Success,
            },
        );
        if let Some(event) = self.lookups.success[s.index()] {
            self.publish_from(transition, s, event);
        }
    }

    /// Isolation: a handler whose local transaction meets a built-in failure (`Locked`,
    /// `Changed`, `WrongState`) applies nothing and announces it as its failure: with the
    /// step's failure event (the first declared failure's, for a `failure` map), and the
    /// failure's handling (`then: terminate` stops the saga; a compensation follows
    /// otherwise).
    fn refused_by_event(&self, transition: &mut Transition, s: StepId, b: BuiltinFailure) {
        let p = self.saga.step(s).participant;
        transition.step(s).status = Status::Failed;
        self.ends_by_event(transition, Cause::Builtin(s, b));
        let event = self.failure_event(s, None, true);
        transition.local(
            p,
            ActionKind::Run {
                work: Work::Step(s),
                result: StepResult::FailedAs {
                    failure: FailureName::Builtin(b),
                    applied: false,
                },
            },
        );
        self.terminated_by_event(transition, s);
        match event {
            Some(event) => {
                self.announced(transition, event);
                self.publish_from(transition, s, event);
            }
            None if transition.state.terminating => {}
            None => transition.state.silent = Some(s),
        }
    }

    /// A choreography step failed: it announces it with its failure event, or nobody ever
    /// learns (unless the failure terminates the saga, which stops there). `applied` when
    /// its effect took place anyway (`transactional: false`).
    pub(super) fn announce_failure(
        &self,
        transition: &mut Transition,
        s: StepId,
        failure: Option<u8>,
        report: bool,
        applied: bool,
    ) {
        let step = self.saga.step(s);
        let p = step.participant;
        transition.step(s).status = Status::Failed;
        self.ends_by_event(transition, self.cause_of(s, failure, report));
        let event = self.failure_event(s, failure, report);
        let result = match (event, failure) {
            (None, _) => StepResult::SilentFailure,
            (Some(_), None) if !applied => StepResult::Failure,
            (Some(_), None) => match self.first_failure(s) {
                Some(Cause::Declared(_, i)) => StepResult::FailedAs {
                    failure: FailureName::Declared(i),
                    applied,
                },
                _ => StepResult::Failure,
            },
            (Some(_), Some(i)) => StepResult::FailedAs {
                failure: FailureName::Declared(i),
                applied,
            },
        };
        if report || event.is_none() {
            transition.local(
                p,
                ActionKind::Run {
                    work: Work::Step(s),
                    result,
                },
            );
        }
        self.terminated_by_event(transition, s);
        match event {
            Some(event) => {
                self.announced(transition, event);
                self.publish_from(transition, s, event);
            }
            None if transition.state.terminating => {}
            None => transition.state.silent = Some(s),
        }
    }

    fn handle_compensation(&self, transition: &mut Transition, owner: Owner) {
        let saga = self.saga;
        let p = saga.handler_participant(Handler::Compensation(owner));
        let work = Work::Compensation(owner);
        // Version 2: the event carries the saga's failure; when it terminates the saga,
        // the handler does not compensate and publishes nothing, it acknowledges the event
        // (the outcome's participant learns the saga terminated).
        if transition.state.terminating {
            transition.local(
                p,
                ActionKind::Run {
                    work,
                    result: StepResult::SagaTerminated,
                },
            );
            return self.learn_failure(transition, Handler::Compensation(owner));
        }
        if transition.state.runs(owner) > 0 {
            let idempotent = match owner {
                Owner::Trigger => true,
                Owner::Step(s) => saga.step(s).idempotency_key.is_some(),
            };
            transition.local(
                p,
                ActionKind::Duplicate {
                    work,
                    applied_again: !idempotent,
                },
            );
            if !idempotent {
                self.undo(transition, owner);
                transition.violate(
                    Invariant::AtMostOnce,
                    format!(
                        "the compensation of {} ran twice: the step has no idempotency_key, which also covers its compensation",
                        owner_name(saga, owner)
                    ),
                );
            }
            return;
        }
        // Version 2: a compensation registered only for some attempts (`runs_for`).
        if self.not_registered(transition, owner) {
            transition.local(
                p,
                ActionKind::Run {
                    work,
                    result: StepResult::NotRegistered,
                },
            );
            self.learn_failure(transition, Handler::Compensation(owner));
            if let Some(event) = self.lookups.compensated[owner_index(owner)] {
                self.publish(transition, p, event);
            }
            return;
        }
        self.check_compensation(transition, owner);
        self.learn_failure(transition, Handler::Compensation(owner));
        // Version 2: `absent_effect: fail` on an effect that never happened.
        if self.nothing_to_undo(transition, owner) {
            let result = Some(StepResult::NothingToUndo);
            return self.compensation_gave_up_by_event(transition, owner, result);
        }
        if self.fire(transition.state, Fault::CompTimeout(owner)) {
            return self.compensation_timed_out_by_event(transition, owner);
        }
        if self.fire(transition.state, Fault::CompFail(owner)) {
            // Version 2: by its `on_failure` the saga goes on (publishing its event),
            // escalates, or is stuck.
            let result = Some(StepResult::Exhausted { from: 1 });
            return self.compensation_gave_up_by_event(transition, owner, result);
        }
        if let Some(b) = self.comp_refusal(owner) {
            // Isolation: the owner undoes nothing; the compensation gives up.
            let result = Some(StepResult::FailedAs {
                failure: super::super::action::FailureName::Builtin(b),
                applied: false,
            });
            return self.compensation_gave_up_by_event(transition, owner, result);
        }
        self.undo(transition, owner);
        transition.local(
            p,
            ActionKind::Run {
                work,
                result: StepResult::Success,
            },
        );
        if let Some(event) = self.lookups.compensated[owner_index(owner)] {
            self.publish(transition, p, event);
        }
    }
}
