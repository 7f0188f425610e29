//! Orchestration: the orchestrator sends each stage's commands, waits for every reply,
//! re-sends under the retry policy, treats a timeout as in doubt, and compensates in
//! reverse order, one command at a time. Orchestrator crashes resume from the saga log.

use crate::model::{Handler, Owner, StepId, StepKind};

use crate::model::BuiltinFailure;

use super::super::action::{ActionKind, Party, Silence, StepResult, Work};
use super::super::fault::{Fault, resent_in_doubt};
use super::state::{CancelState, Cause, End, Message, Phase, Reply, Status, Stuck};
use super::{Machine, Next, Transition};

impl Machine<'_> {
    /// The orchestrator starts a stage (or completes the saga after the last).
    pub(super) fn advance(&self, transition: &mut Transition, stage: usize) {
        let saga = self.saga;
        let Some(steps) = saga.stages.get(stage).map(|s| s.steps()) else {
            self.end(transition, End::Completed);
            return;
        };
        let Some(&first) = steps.first() else {
            return self.advance(transition, stage + 1);
        };
        if self.fire(transition.state, Fault::OrchestratorCrash(first)) {
            let resumed = saga
                .orchestrator
                .as_ref()
                .is_some_and(|o| o.log.is_some() || o.engine.is_some());
            transition.act(
                Party::Orchestrator,
                Party::Orchestrator,
                ActionKind::OrchestratorCrash {
                    before: first,
                    resumed,
                },
            );
            if !resumed {
                transition.state.phase = Phase::Ended(End::Lost);
                return;
            }
        }
        transition.state.phase = Phase::Forward {
            stage,
            failing: false,
        };
        for &s in steps {
            // Version 2: the deadline passing before the command; the stage's other
            // commands are not sent either, and those of a parallel group already sent
            // are abandoned in doubt.
            if self.deadline_before(transition, s) {
                return self.deadline_passes(transition);
            }
            self.send(transition, s);
        }
    }

    fn send(&self, transition: &mut Transition, s: StepId) {
        let record = transition.step(s);
        record.status = Status::Awaiting;
        record.attempts = record.attempts.saturating_add(1);
        let attempt = u32::from(record.attempts);
        transition.act(
            Party::Orchestrator,
            self.participant_of(s),
            ActionKind::Command {
                work: Work::Step(s),
                attempt,
                duplicate: false,
            },
        );
        transition.state.pending.push(Message::Command {
            step: s,
            duplicate: false,
        });
        // Version 2: the caller cancels as this command is sent; the cancel arrives at
        // any later point.
        if self.fire(transition.state, Fault::Cancel(s)) {
            transition.state.pending.push(Message::Cancel);
        }
    }

    /// A participant receives a step's command and answers.
    pub(super) fn command(&self, transition: &mut Transition, s: StepId, duplicate: bool) {
        let saga = self.saga;
        let step = saga.step(s);
        let p = self.participant_of(s);
        let work = Work::Step(s);
        if duplicate {
            transition.act(
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
                && transition.step(s).applied > 0;
            transition.act(
                p,
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
        if self.fire(transition.state, Fault::DupStep(s)) {
            transition.state.pending.push(Message::Command {
                step: s,
                duplicate: true,
            });
        }
        let reply = |transition: &mut Transition, reply: Reply, result: StepResult| {
            transition.act(p, Party::Orchestrator, ActionKind::Reply { work, result });
            transition
                .state
                .pending
                .push(Message::Reply { step: s, reply });
        };
        // Version 2: a participant that is down processes nothing.
        if self.is_down(transition, s) {
            return self.unanswered(transition, s, Silence::Down, false);
        }
        if self.fire(transition.state, Fault::Timeout(s)) {
            // In doubt: explored with the effect applied (first, in place) and not applied
            // (an alternative, when the others are wanted).
            if let Some(alternatives) = transition.alternatives.as_deref_mut() {
                let mut state = transition.state.clone();
                let mut actions = transition.actions.clone();
                let mut other = Transition {
                    state: &mut state,
                    actions: &mut actions,
                    violations: transition.violations.clone(),
                    alternatives: None,
                };
                reply(
                    &mut other,
                    Reply::TimedOut,
                    StepResult::TimedOut { applied: false },
                );
                let violations = other.violations;
                alternatives.push(Next {
                    state,
                    actions,
                    violations,
                });
            }
            // Isolation: a refusing participant applies nothing; its answer is lost too.
            let refused = self.refusal(s).is_some();
            if !refused {
                self.apply(transition, s);
            }
            reply(
                transition,
                Reply::TimedOut,
                StepResult::TimedOut { applied: !refused },
            );
            return;
        }
        if self.fire(transition.state, Fault::Uncaught(s)) {
            return self.uncaught(transition, s);
        }
        let classes = u8::try_from(step.failure_handling.len()).unwrap_or(u8::MAX);
        let class_exhausted =
            (0..classes).any(|i| self.fire(transition.state, Fault::ExhaustAs(s, i)));
        if self.fire(transition.state, Fault::Exhaust(s)) || class_exhausted {
            let from = u32::from(transition.step(s).attempts);
            // Every remaining attempt fails: the orchestrator has used them all.
            if let Some(n) = self.attempts_of(s) {
                transition.step(s).attempts = u8::try_from(n).unwrap_or(u8::MAX);
            }
            reply(transition, Reply::Exhausted, StepResult::Exhausted { from });
        } else if self.fire(transition.state, Fault::Fail(s)) {
            if step.kind == StepKind::Retriable {
                let attempt = u32::from(transition.step(s).attempts);
                reply(
                    transition,
                    Reply::Transient,
                    StepResult::Transient { attempt },
                );
            } else if let Some(Cause::Declared(_, i)) = self.first_failure(s) {
                self.declared_failure(transition, s, i);
            }
        } else if let Some(i) =
            (0..classes).find(|&i| self.fire(transition.state, Fault::FailAs(s, i)))
        {
            self.declared_failure(transition, s, i);
        } else if let Some(refused) = self.refusal(s) {
            self.refused(transition, s, refused);
        } else {
            self.apply(transition, s);
            reply(transition, Reply::Success, StepResult::Success);
        }
    }

    /// The orchestrator receives a step's reply.
    pub(super) fn reply(&self, transition: &mut Transition, s: StepId, reply: Reply) {
        let (stage, failing) = match transition.state.phase {
            Phase::Forward { stage, failing }
                if transition.state.steps[s.index()].status == Status::Awaiting =>
            {
                (stage, failing)
            }
            _ => {
                transition.act(
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
        self.pivot_answered(transition, s, reply);
        match reply {
            Reply::Success => {
                transition.step(s).status = Status::Done;
                // Version 2, `outcome.at: decision`: the point of no return's success
                // decides the end.
                if self.lookups.point_of_no_return == Some(s) && self.at_decision() {
                    self.tell(transition, crate::model::End::Completed);
                }
            }
            Reply::Failure(cause) => {
                transition.step(s).status = Status::Failed;
                self.begin_ending(transition, cause);
                failing = true;
            }
            Reply::Transient | Reply::TransientOf(_) => {
                let again = match reply {
                    Reply::TransientOf(i) => self.class_can_attempt_again(transition.state, s, i),
                    _ => self.can_attempt_again(transition.state, s),
                };
                if again {
                    return self.send(transition, s);
                }
                if !self.exhausted(transition, s) {
                    return;
                }
                self.begin_ending(transition, Cause::Builtin(s, BuiltinFailure::Exhausted));
                failing = true;
            }
            Reply::Exhausted => {
                if !self.exhausted(transition, s) {
                    return;
                }
                self.begin_ending(transition, Cause::Builtin(s, BuiltinFailure::Exhausted));
                failing = true;
            }
            Reply::TimedOut => {
                transition.step(s).in_doubt = true;
                if resent_in_doubt(self.saga, s) {
                    if self.can_attempt_again(transition.state, s) {
                        // Re-sent with its idempotency key: a participant that already
                        // applied the effect recognises the key.
                        return self.send(transition, s);
                    }
                    if self.after_point_of_no_return(s) {
                        transition.step(s).status = Status::InDoubt;
                        self.get_stuck(transition, Stuck::Step(s));
                        return;
                    }
                }
                transition.step(s).status = Status::InDoubt;
                self.begin_ending(transition, Cause::Builtin(s, BuiltinFailure::TimedOut));
                failing = true;
            }
        }
        transition.state.phase = Phase::Forward { stage, failing };
        self.settle(transition, stage, failing);
    }

    /// A step out of attempts: a business failure before and at the point of no return
    /// (returns true), the saga stuck after it.
    fn exhausted(&self, transition: &mut Transition, s: StepId) -> bool {
        transition.step(s).status = Status::Failed;
        if self.after_point_of_no_return(s) {
            self.get_stuck(transition, Stuck::Step(s));
            return false;
        }
        true
    }

    /// When every branch of the stage has answered: the next stage, or compensation (or,
    /// version 2, the end of a saga that terminates).
    pub(super) fn settle(&self, transition: &mut Transition, stage: usize, failing: bool) {
        let waiting = self.saga.stages[stage]
            .steps()
            .iter()
            .any(|s| transition.state.steps[s.index()].status == Status::Awaiting);
        if waiting {
            return;
        }
        // Version 2: an honoured cancel sends no further command.
        let failing = failing || transition.state.cancel == CancelState::Honoured;
        if !failing {
            return self.advance(transition, stage + 1);
        }
        if transition.state.terminating {
            return self.end(transition, End::Terminated);
        }
        if self.compensations_cancelled(transition) {
            return self.end(transition, End::Cancelled);
        }
        // Applied (or in-doubt) steps, latest stage first, a group's branches in reverse
        // declaration order, then the trigger.
        let mut queue = Vec::new();
        for k in (0..=stage).rev() {
            for &s in self.saga.stages[k].steps().iter().rev() {
                let record = *transition.step(s);
                // By the compensation's `runs_for`: in version 1, a step done or in doubt.
                if self.compensated_for(s, record.status, record.attempts) {
                    queue.push(Owner::Step(s));
                }
            }
        }
        if self.saga.trigger.compensation.is_some() {
            queue.push(Owner::Trigger);
        }
        queue.reverse();
        transition.state.phase = Phase::Compensating { queue };
        self.next_compensation(transition);
    }

    pub(super) fn next_compensation(&self, transition: &mut Transition) {
        let Phase::Compensating { queue } = &transition.state.phase else {
            return;
        };
        let Some(&owner) = queue.last() else {
            return self.compensation_done(transition);
        };
        let to = Party::Participant(self.saga.handler_participant(Handler::Compensation(owner)));
        self.receives(transition, owner);
        transition.act(
            Party::Orchestrator,
            to,
            ActionKind::Command {
                work: Work::Compensation(owner),
                attempt: 1,
                duplicate: false,
            },
        );
        transition
            .state
            .pending
            .push(Message::CompensationCommand(owner));
    }

    pub(super) fn compensation_command(&self, transition: &mut Transition, owner: Owner) {
        let p = Party::Participant(self.saga.handler_participant(Handler::Compensation(owner)));
        let work = Work::Compensation(owner);
        self.check_compensation(transition, owner);
        // Version 2: re-sent after a timeout, on an effect already undone.
        if self.has_fired(transition.state, Fault::CompTimeout(owner))
            && self.undone_again(transition, owner)
        {
            transition.act(
                p,
                Party::Orchestrator,
                ActionKind::Reply {
                    work,
                    result: StepResult::Success,
                },
            );
            transition
                .state
                .pending
                .push(Message::CompensationReply { owner, ok: true });
            return;
        }
        // Version 2: `absent_effect: fail` on an effect that never happened.
        if self.nothing_to_undo(transition, owner) {
            transition.act(
                p,
                Party::Orchestrator,
                ActionKind::Reply {
                    work,
                    result: StepResult::NothingToUndo,
                },
            );
            transition
                .state
                .pending
                .push(Message::CompensationReply { owner, ok: false });
            return;
        }
        if self.fire(transition.state, Fault::CompTimeout(owner)) {
            return self.compensation_timed_out(transition, owner);
        }
        let refused = self.comp_refusal(owner);
        if self.fire(transition.state, Fault::CompFail(owner)) || refused.is_some() {
            // Isolation: a refusing owner undoes nothing, and the compensation gives up
            // (part 1 §2), as when it fails for good.
            let result = match refused {
                Some(b) => StepResult::FailedAs {
                    failure: super::super::action::FailureName::Builtin(b),
                    applied: false,
                },
                None => StepResult::Exhausted { from: 1 },
            };
            transition.act(p, Party::Orchestrator, ActionKind::Reply { work, result });
            transition
                .state
                .pending
                .push(Message::CompensationReply { owner, ok: false });
            return;
        }
        self.undo(transition, owner);
        transition.act(
            p,
            Party::Orchestrator,
            ActionKind::Reply {
                work,
                result: StepResult::Success,
            },
        );
        transition
            .state
            .pending
            .push(Message::CompensationReply { owner, ok: true });
    }

    pub(super) fn compensation_reply(&self, transition: &mut Transition, owner: Owner, ok: bool) {
        if !ok {
            if self.gave_up(transition, owner) {
                return;
            }
            return self.get_stuck(transition, Stuck::Compensation(owner));
        }
        if let Phase::Compensating { queue } = &mut transition.state.phase
            && queue.last() == Some(&owner)
        {
            queue.pop();
        }
        self.next_compensation(transition);
    }
}
