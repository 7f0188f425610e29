//! Version 2's failure handling in an orchestration: what ends the forward phase (and
//! whether it compensates or terminates), which steps are compensated (`runs_for`), what a
//! compensation that gives up does (`on_failure`, the escalation), a participant that does
//! not answer (an outage, a swallowed error) and the deadline that ends the wait, the
//! caller's cancel, and the outcome delivered to the caller. A version 1 saga never reaches
//! this file's choices: every key defaults to version 1's behaviour.

use crate::model::{
    AbsentEffect, BuiltinFailure, DeadlineThen, End as Ending, FailureThen, OnFailure, OnUncaught,
    Owner, RunsFor, StepId, StepKind,
};

use super::super::action::{ActionKind, Effect, FailureName, Party, Silence, StepResult, Work};
use super::super::fault::{Fault, builtin_handling, deadline_reaches, uncaught_handling};
use super::super::invariant::Invariant;
use super::state::{Cause, End, Message, Phase, Reply, Status, owner_bit};
use super::{Machine, Next, Transition};

impl Machine<'_> {
    /// Whether a fault equal to `fault` has fired in this run.
    pub(super) fn has_fired(&self, state: &super::State, fault: Fault) -> bool {
        self.faults
            .iter()
            .enumerate()
            .any(|(i, f)| *f == fault && state.fired & (1 << i) != 0)
    }

    /// Whether the participant is down in this run (an outage fires once and lasts).
    pub(super) fn is_down(&self, transition: &mut Transition, s: StepId) -> bool {
        let fault = Fault::Outage(self.saga.step(s).participant);
        self.has_fired(transition.state, fault) || self.fire(transition.state, fault)
    }

    /// The reply of a step that failed for `cause`, worded by `failure`; a step that is not
    /// transactional may have applied its effect anyway (explored both ways, applied first).
    pub(super) fn fail_reply(&self, transition: &mut Transition, s: StepId, cause: Cause) {
        let failure = match cause {
            Cause::Declared(_, i) => FailureName::Declared(i),
            Cause::Builtin(_, b) => FailureName::Builtin(b),
            Cause::Deadline => FailureName::Builtin(BuiltinFailure::DeadlinePassed),
            Cause::Cancelled => FailureName::Builtin(BuiltinFailure::Cancelled),
        };
        let answer = |machine: &Machine, t: &mut Transition, applied: bool| {
            if applied {
                machine.apply(t, s);
            }
            let first = machine.first_failure(s) == Some(cause);
            let result = if first && !applied {
                StepResult::Failure
            } else {
                StepResult::FailedAs { failure, applied }
            };
            t.act(
                machine.participant_of(s),
                Party::Orchestrator,
                ActionKind::Reply {
                    work: Work::Step(s),
                    result,
                },
            );
            t.state.pending.push(Message::Reply {
                step: s,
                reply: Reply::Failure(cause),
            });
        };
        if self.saga.step(s).transactional.value {
            return answer(self, transition, false);
        }
        self.both_ways(transition, answer);
    }

    /// Makes a delivery with two outcomes: `f(false)` as an alternative (when the others
    /// are wanted), `f(true)` in place.
    pub(super) fn both_ways(
        &self,
        transition: &mut Transition,
        f: impl Fn(&Machine, &mut Transition, bool),
    ) {
        if let Some(alternatives) = transition.alternatives.as_deref_mut() {
            let mut state = transition.state.clone();
            let mut actions = transition.actions.clone();
            let mut other = Transition {
                state: &mut state,
                actions: &mut actions,
                violations: transition.violations.clone(),
                alternatives: None,
            };
            f(self, &mut other, false);
            let violations = other.violations;
            alternatives.push(Next {
                state,
                actions,
                violations,
            });
        }
        f(self, transition, true);
    }

    /// The cause of the step's first declared (business) failure: what `fail:<step>` makes
    /// it answer.
    pub(super) fn first_failure(&self, s: StepId) -> Option<Cause> {
        let index = self
            .saga
            .step(s)
            .failure_handling
            .iter()
            .position(|f| f.builtin.is_none())
            .unwrap_or(0);
        Some(Cause::Declared(s, u8::try_from(index).ok()?))
    }

    /// The step's answer to a declared failure: a transient one for a `then: retry` class
    /// (retried), the failure otherwise.
    pub(super) fn declared_failure(&self, transition: &mut Transition, s: StepId, i: u8) {
        let then = self
            .saga
            .step(s)
            .failure_handling
            .get(usize::from(i))
            .map(|f| f.then.value);
        if then == Some(FailureThen::Retry) {
            let attempt = u32::from(transition.step(s).attempts);
            transition.act(
                self.participant_of(s),
                Party::Orchestrator,
                ActionKind::Reply {
                    work: Work::Step(s),
                    result: StepResult::Transient { attempt },
                },
            );
            transition.state.pending.push(Message::Reply {
                step: s,
                reply: Reply::TransientOf(i),
            });
            return;
        }
        self.fail_reply(transition, s, Cause::Declared(s, i));
    }

    /// Isolation: the participant answered a built-in failure (`Locked`, `Changed`,
    /// `WrongState`) instead of applying the effect. A `then: retry` entry for it in the
    /// step's `failures` makes it a transient class (the command is sent again under the
    /// entry's policy, and running out is exhausting it); otherwise it fails the step.
    pub(super) fn refused(&self, transition: &mut Transition, s: StepId, b: BuiltinFailure) {
        let class = self
            .saga
            .step(s)
            .failure_handling
            .iter()
            .position(|f| f.builtin == Some(b) && f.then.value == FailureThen::Retry)
            .and_then(|i| u8::try_from(i).ok());
        match class {
            Some(i) => self.declared_failure(transition, s, i),
            None => self.fail_reply(transition, s, Cause::Builtin(s, b)),
        }
    }

    /// An error the step does not declare, handled by its `on_uncaught`.
    pub(super) fn uncaught(&self, transition: &mut Transition, s: StepId) {
        let cause = Cause::Builtin(s, BuiltinFailure::Uncaught);
        match uncaught_handling(self.saga.step(s)) {
            OnUncaught::Compensate | OnUncaught::Terminate => self.fail_reply(transition, s, cause),
            OnUncaught::Retry => {
                let attempt = u32::from(transition.step(s).attempts);
                transition.act(
                    self.participant_of(s),
                    Party::Orchestrator,
                    ActionKind::Reply {
                        work: Work::Step(s),
                        result: StepResult::Transient { attempt },
                    },
                );
                transition.state.pending.push(Message::Reply {
                    step: s,
                    reply: Reply::Transient,
                });
            }
            OnUncaught::NoReply => {
                if self.saga.step(s).transactional.value {
                    return self.unanswered(transition, s, Silence::Swallowed, false);
                }
                self.both_ways(transition, |m, t, applied| {
                    if applied {
                        m.apply(t, s);
                    }
                    m.unanswered(t, s, Silence::Swallowed, applied);
                });
            }
        }
    }

    /// A command nobody answers: with a `timeout` the orchestrator stops waiting (in
    /// doubt); without one only the deadline ends the wait, else the run never ends.
    pub(super) fn unanswered(
        &self,
        transition: &mut Transition,
        s: StepId,
        why: Silence,
        applied: bool,
    ) {
        let p = self.participant_of(s);
        let work = Work::Step(s);
        transition.act(p, p, ActionKind::NoAnswer { work, why, applied });
        let step = self.saga.step(s);
        // Re-sent without limit to a participant that is down: it never answers.
        let forever = why == Silence::Down
            && matches!(step.kind, StepKind::Pivot | StepKind::Retriable)
            && self.attempts_of(s).is_none();
        if step.timeout.is_some() && !forever {
            transition.act(
                p,
                Party::Orchestrator,
                ActionKind::Reply {
                    work,
                    result: StepResult::TimedOut { applied },
                },
            );
            transition.state.pending.push(Message::Reply {
                step: s,
                reply: Reply::TimedOut,
            });
            return;
        }
        if self.deadline_ends_wait(s) {
            transition.state.pending.push(Message::DeadlinePasses);
        }
    }

    /// Whether the deadline ends a wait for the step that would otherwise never end: it
    /// reaches the step, which is not the pivot (an in-doubt pivot is re-sent, never
    /// abandoned).
    fn deadline_ends_wait(&self, s: StepId) -> bool {
        deadline_reaches(self.saga, s)
            && (self.saga.step(s).kind != StepKind::Pivot
                || self
                    .saga
                    .deadline_policy
                    .as_ref()
                    .is_some_and(|d| d.then.value == DeadlineThen::Terminate))
    }

    /// The deadline passes while steps wait: each outstanding one, every branch of a
    /// parallel group sent and not answered included, is abandoned in doubt at once, as
    /// Temporal cancels the activities in flight without waiting for them and Step
    /// Functions' `Parallel` state stops its branches. A command still in flight was
    /// processed by its participant or not, which the orchestrator cannot know: not (in
    /// place) and processed (an alternative, when the others are wanted); a late reply is
    /// ignored. Branches that answered keep their answer; those not sent are not sent.
    pub(super) fn deadline_passes(&self, transition: &mut Transition) {
        let Phase::Forward { stage, .. } = transition.state.phase else {
            return;
        };
        let in_flight: Vec<StepId> = self.saga.stages[stage]
            .steps()
            .iter()
            .copied()
            .filter(|&s| {
                transition.state.steps[s.index()].status == Status::Awaiting
                    && transition.state.pending.contains(&Message::Command {
                        step: s,
                        duplicate: false,
                    })
            })
            .collect();
        transition.state.pending.retain(|m| {
            !matches!(m, Message::Command { step, duplicate: false } if in_flight.contains(step))
        });
        if !in_flight.is_empty()
            && let Some(alternatives) = transition.alternatives.as_deref_mut()
        {
            let mut state = transition.state.clone();
            let mut actions = transition.actions.clone();
            let mut other = Transition {
                state: &mut state,
                actions: &mut actions,
                violations: transition.violations.clone(),
                alternatives: None,
            };
            for &s in &in_flight {
                if !self.is_down(&mut other, s) {
                    self.apply(&mut other, s);
                }
            }
            self.abandon_outstanding(&mut other, stage);
            let violations = other.violations;
            alternatives.push(Next {
                state,
                actions,
                violations,
            });
        }
        self.abandon_outstanding(transition, stage);
    }

    /// [`Machine::deadline_passes`] once the commands in flight are settled.
    fn abandon_outstanding(&self, transition: &mut Transition, stage: usize) {
        let steps = self.saga.stages[stage].steps().to_vec();
        for s in steps {
            if transition.step(s).status == Status::Awaiting {
                transition.act(
                    Party::Orchestrator,
                    Party::Orchestrator,
                    ActionKind::DeadlinePasses {
                        step: s,
                        outstanding: true,
                    },
                );
                let record = transition.step(s);
                record.status = Status::InDoubt;
                record.in_doubt = true;
            }
        }
        self.begin_ending(transition, Cause::Deadline);
        transition.state.phase = Phase::Forward {
            stage,
            failing: true,
        };
        self.settle(transition, stage, true);
    }

    /// The deadline passing when the orchestrator is about to send `s`: the step fails with
    /// `DeadlinePassed` and applied nothing (in place); or it was outstanding and is
    /// abandoned in doubt, applied or not (alternatives; not for the pivot, which is
    /// re-sent until it answers). Returns whether the deadline passed.
    pub(super) fn deadline_before(&self, transition: &mut Transition, s: StepId) -> bool {
        if !self.fire(transition.state, Fault::Deadline(s)) {
            return false;
        }
        if self.deadline_outstanding && self.saga.step(s).kind != StepKind::Pivot {
            // The alternative below with the command not processed, made in place.
            self.abandoned(transition, s, false);
            return true;
        }
        if self.saga.step(s).kind != StepKind::Pivot
            && let Some(alternatives) = transition.alternatives.as_deref_mut()
        {
            for applied in [true, false] {
                let mut state = transition.state.clone();
                let mut actions = transition.actions.clone();
                let mut other = Transition {
                    state: &mut state,
                    actions: &mut actions,
                    violations: transition.violations.clone(),
                    alternatives: None,
                };
                self.abandoned(&mut other, s, applied);
                let violations = other.violations;
                alternatives.push(Next {
                    state,
                    actions,
                    violations,
                });
            }
        }
        transition.act(
            Party::Orchestrator,
            Party::Orchestrator,
            ActionKind::DeadlinePasses {
                step: s,
                outstanding: false,
            },
        );
        transition.step(s).status = Status::Failed;
        self.begin_ending(transition, Cause::Deadline);
        true
    }

    /// `s` sent, processed (`applied`) or not, and abandoned by the deadline before it
    /// answered; then the stage settles.
    fn abandoned(&self, transition: &mut Transition, s: StepId, applied: bool) {
        let record = transition.step(s);
        record.status = Status::Awaiting;
        record.attempts = record.attempts.saturating_add(1);
        transition.act(
            Party::Orchestrator,
            self.participant_of(s),
            ActionKind::Command {
                work: Work::Step(s),
                attempt: 1,
                duplicate: false,
            },
        );
        if applied {
            self.apply(transition, s);
        }
        let Phase::Forward { stage, .. } = transition.state.phase else {
            return;
        };
        transition.state.phase = Phase::Forward {
            stage,
            failing: true,
        };
        self.deadline_passes(transition);
    }

    /// The forward phase ends for `cause` (the first cause is kept): it terminates or
    /// compensates, and with `outcome.at: decision` the caller is told now.
    pub(super) fn begin_ending(&self, transition: &mut Transition, cause: Cause) {
        if transition.state.cause.is_some() {
            return;
        }
        transition.state.cause = Some(cause);
        transition.state.terminating = self.terminates(cause);
        if self.at_decision() {
            let end = if transition.state.terminating {
                Ending::Terminated
            } else if cause == Cause::Cancelled {
                Ending::Cancelled
            } else {
                Ending::Compensated
            };
            self.tell(transition, end);
        }
    }

    /// Whether a cause ends the saga without compensating.
    pub(super) fn terminates(&self, cause: Cause) -> bool {
        let saga = self.saga;
        let then = |f: Option<&crate::model::Failure>| {
            f.is_some_and(|f| f.then.value == FailureThen::Terminate)
        };
        match cause {
            Cause::Declared(s, i) => then(saga.step(s).failure_handling.get(usize::from(i))),
            Cause::Builtin(s, BuiltinFailure::Uncaught) => {
                saga.step(s).on_uncaught.value == OnUncaught::Terminate
            }
            Cause::Builtin(s, b) => then(builtin_handling(saga, s, b)),
            Cause::Deadline => saga
                .deadline_policy
                .as_ref()
                .is_some_and(|d| d.then.value == DeadlineThen::Terminate),
            Cause::Cancelled => false,
        }
    }

    /// The steps whose applied effects a terminated run keeps on purpose.
    pub(super) fn kept(&self, cause: Option<Cause>) -> Vec<StepId> {
        let saga = self.saga;
        let keeps = match cause {
            Some(Cause::Declared(s, i)) => saga.step(s).failure_handling.get(usize::from(i)),
            Some(Cause::Builtin(s, b)) if b != BuiltinFailure::Uncaught => {
                builtin_handling(saga, s, b)
            }
            Some(Cause::Deadline) => {
                return saga
                    .deadline_policy
                    .as_ref()
                    .map(|d| d.keeps.iter().map(|k| k.value).collect())
                    .unwrap_or_default();
            }
            _ => None,
        };
        keeps
            .map(|f| f.keeps.iter().map(|k| k.value).collect())
            .unwrap_or_default()
    }

    /// Whether a step with this status is compensated, by its compensation's `runs_for`.
    pub(super) fn compensated_for(&self, s: StepId, status: Status, attempts: u8) -> bool {
        let Some(c) = &self.saga.step(s).compensation else {
            return false;
        };
        match status {
            Status::Done => true,
            Status::InDoubt => c.runs_for.value.covers_in_doubt(),
            Status::Failed => c.runs_for.value == RunsFor::AnyAttempt && attempts > 0,
            Status::Idle | Status::Awaiting => false,
        }
    }

    /// Whether a compensation gives up at once: `absent_effect: fail` on an effect that
    /// never happened.
    pub(super) fn nothing_to_undo(&self, transition: &mut Transition, owner: Owner) -> bool {
        let Owner::Step(s) = owner else {
            return false;
        };
        let fails = self
            .saga
            .compensation(owner)
            .is_some_and(|c| c.absent_effect.value == AbsentEffect::Fail);
        fails && transition.step(s).applied == 0 && self.saga.step(s).has_effect()
    }

    /// A compensation gave up: by its `on_failure`, the saga is stuck (returns false), or
    /// goes on (`continue`, `escalate`), or escalates and stops.
    pub(super) fn gave_up(&self, transition: &mut Transition, owner: Owner) -> bool {
        let policy = self
            .saga
            .compensation(owner)
            .map_or(OnFailure::Stuck, |c| c.on_failure.value);
        if policy == OnFailure::Stuck {
            return false;
        }
        transition.state.gave_up |= owner_bit(owner);
        transition.act(
            Party::Orchestrator,
            Party::Orchestrator,
            ActionKind::GaveUp { owner },
        );
        if let Phase::Compensating { queue } = &mut transition.state.phase
            && queue.last() == Some(&owner)
        {
            queue.pop();
        }
        if policy == OnFailure::EscalateAndStop {
            // Left: the effects that gave up, and those never compensated now.
            let mut left = transition.state.gave_up;
            if let Phase::Compensating { queue } = &transition.state.phase {
                for &o in queue {
                    left |= owner_bit(o);
                }
            }
            self.escalate(transition, left);
            self.end(transition, End::NeedsAttention);
            return true;
        }
        self.next_compensation(transition);
        true
    }

    /// The end of compensating: told to the escalation when some compensation gave up
    /// under `escalate`, cancelled after an honoured cancel, compensated otherwise.
    pub(super) fn compensation_done(&self, transition: &mut Transition) {
        let saga = self.saga;
        let escalating = saga.compensations().any(|(o, c)| {
            c.on_failure.value.escalates() && transition.state.gave_up & owner_bit(o) != 0
        });
        if escalating {
            let left = transition.state.gave_up;
            self.escalate(transition, left);
            return self.end(transition, End::NeedsAttention);
        }
        if transition.state.cause == Some(Cause::Cancelled) {
            return self.end(transition, End::Cancelled);
        }
        self.end(transition, End::Compensated);
    }

    /// The escalation, once per run, to its participant (nobody, without `escalation`).
    fn escalate(&self, transition: &mut Transition, left: u64) {
        let Some(escalation) = &self.saga.escalation else {
            return;
        };
        transition.state.escalations = transition.state.escalations.saturating_add(1);
        transition.state.left |= left;
        transition.act(
            Party::Orchestrator,
            Party::Participant(escalation.participant),
            ActionKind::Escalate { left },
        );
    }

    /// The saga stops without compensating: what made it, and the effects it keeps.
    pub(super) fn say_terminated(&self, transition: &mut Transition, by: Party) {
        let (failed, failure) = match transition.state.cause {
            Some(Cause::Declared(s, i)) => (Some(s), FailureName::Declared(i)),
            Some(Cause::Builtin(s, b)) => (Some(s), FailureName::Builtin(b)),
            Some(Cause::Cancelled) => (None, FailureName::Builtin(BuiltinFailure::Cancelled)),
            Some(Cause::Deadline) | None => {
                (None, FailureName::Builtin(BuiltinFailure::DeadlinePassed))
            }
        };
        let kept = self
            .kept(transition.state.cause)
            .into_iter()
            .filter(|&s| transition.state.steps[s.index()].live)
            .fold(0u64, |bits, s| bits | owner_bit(Owner::Step(s)));
        transition.act(
            by,
            by,
            ActionKind::Terminates {
                failed,
                failure,
                kept,
            },
        );
    }

    /// Version 2: what the compensation about to run receives, for the trace.
    pub(super) fn receives(&self, transition: &mut Transition, owner: Owner) {
        if !self.saga.is_v2() {
            return;
        }
        let Some(cause) = transition.state.cause else {
            return;
        };
        let effect = match owner {
            Owner::Trigger => Effect::Applied,
            Owner::Step(s) => match transition.step(s).status {
                Status::Done => Effect::Applied,
                Status::Failed => Effect::Failed,
                _ => Effect::InDoubt,
            },
        };
        let (failed, failure) = match cause {
            Cause::Declared(s, i) => (Some(s), FailureName::Declared(i)),
            Cause::Builtin(s, b) => (Some(s), FailureName::Builtin(b)),
            Cause::Deadline => (None, FailureName::Builtin(BuiltinFailure::DeadlinePassed)),
            Cause::Cancelled => (None, FailureName::Builtin(BuiltinFailure::Cancelled)),
        };
        transition.act(
            Party::Orchestrator,
            Party::Orchestrator,
            ActionKind::Receives {
                owner,
                effect,
                failed,
                failure,
            },
        );
    }

    /// A compensation's attempt that gets no answer in time: the undo may have happened
    /// (explored both ways); it is re-sent if its `retry` allows, else it gives up.
    pub(super) fn compensation_timed_out(&self, transition: &mut Transition, owner: Owner) {
        self.both_ways(transition, |m, t, undone| {
            let p = Party::Participant(
                m.saga
                    .handler_participant(crate::model::Handler::Compensation(owner)),
            );
            if undone {
                m.undo(t, owner);
            }
            t.act(
                p,
                Party::Orchestrator,
                ActionKind::Reply {
                    work: Work::Compensation(owner),
                    result: StepResult::TimedOut { applied: undone },
                },
            );
            let again = m
                .saga
                .compensation(owner)
                .is_some_and(|c| c.retry.max_attempts.limit().is_none_or(|n| n >= 2));
            if again {
                t.act(
                    Party::Orchestrator,
                    p,
                    ActionKind::Command {
                        work: Work::Compensation(owner),
                        attempt: 2,
                        duplicate: false,
                    },
                );
                t.state.pending.push(Message::CompensationCommand(owner));
            } else {
                t.state
                    .pending
                    .push(Message::CompensationReply { owner, ok: false });
            }
        });
    }

    /// A compensation re-sent after it timed out, whose first attempt undid the effect: a
    /// participant with the step's idempotency key recognises it; one without undoes twice.
    pub(super) fn undone_again(&self, transition: &mut Transition, owner: Owner) -> bool {
        if transition.state.runs(owner) == 0 {
            return false;
        }
        let keyed = match owner {
            Owner::Step(s) => self.saga.step(s).idempotency_key.is_some(),
            Owner::Trigger => true,
        };
        if !keyed {
            let action = self
                .saga
                .compensation(owner)
                .map(|c| c.action.value.clone())
                .unwrap_or_default();
            transition.violate(
                Invariant::AtMostOnce,
                format!(
                    "{action} undid its effect twice: it timed out, was re-sent, and its step has no idempotency_key to recognise the repeat"
                ),
            );
        }
        true
    }
}
