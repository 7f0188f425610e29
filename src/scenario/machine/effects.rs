//! What orchestration and choreography share: the trigger that starts the saga, applying
//! and undoing effects, the checks made when a compensation runs, and a run getting stuck.

use crate::model::{EventId, Owner, Saga, StepId};

use super::super::action::{ActionKind, Party, StepResult, Via, Work};
use super::super::fault::{Fault, owner_name};
use super::super::invariant::Invariant;
use super::state::{End, Message, Phase, State, Status, Stuck};
use super::{Machine, Transition};

impl Machine<'_> {
    /// The trigger's local transaction, then its event: to the orchestrator, or to the
    /// choreography's first consumers.
    pub(super) fn start(&self, transition: &mut Transition) {
        let saga = self.saga;
        let participant = saga.trigger.participant;
        transition.state.trigger_ran = true;
        transition.local(
            participant,
            ActionKind::Run {
                work: Work::Trigger,
                result: StepResult::Success,
            },
        );
        let event = saga
            .trigger
            .event
            .as_ref()
            .and_then(|e| saga.event_id(&e.value));
        if self.orchestration {
            let durable = saga.outbox_of(participant).is_some() || saga.has_engine();
            let via = if saga.has_engine() {
                Via::Engine
            } else if saga.outbox_of(participant).is_some() {
                Via::Outbox
            } else {
                Via::Direct
            };
            let Some(event) = event else {
                // An engine starts the saga without an event.
                transition.state.pending.push(Message::StartSaga);
                return;
            };
            if self.fire(transition.state, Fault::Crash { participant, event }) {
                transition.local(
                    participant,
                    ActionKind::CrashBeforePublish {
                        event,
                        recovered: durable,
                    },
                );
                if !durable {
                    self.lose(transition, event);
                    return;
                }
            }
            transition.act(
                Party::Participant(participant),
                Party::Orchestrator,
                ActionKind::Publish { event, via },
            );
            transition.state.pending.push(Message::StartSaga);
        } else if let Some(event) = event {
            self.publish(transition, participant, event);
        }
    }

    pub(super) fn lose(&self, transition: &mut Transition, event: EventId) {
        transition.state.lost = Some(event);
        let name = &self.saga.event(event).name;
        transition.violate(
            Invariant::NoLostEvent,
            format!(
                "{name} is lost: its publisher crashed between its database write and its publish, and it has no outbox"
            ),
        );
    }

    /// Applies a step's effect; a participant with an idempotency key applies it once.
    pub(super) fn apply(&self, transition: &mut Transition, s: StepId) {
        let step = self.saga.step(s);
        if !step.has_effect() {
            return;
        }
        let record = transition.step(s);
        if record.applied > 0 && step.idempotency_key.is_some() {
            return;
        }
        record.applied = (record.applied + 1).min(2);
        record.live = true;
        if record.applied >= 2 {
            transition.violate(
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
    pub(super) fn check_compensation(&self, transition: &mut Transition, owner: Owner) {
        let saga = self.saga;
        let action = saga
            .compensation(owner)
            .map(|c| c.action.value.as_str())
            .unwrap_or_default();
        if let Owner::Step(s) = owner {
            let record = *transition.step(s);
            // Version 2: a compensation registered before the call (`runs_for:
            // any_attempt`) runs for a failed attempt on purpose.
            let any_attempt = record.attempts > 0
                && saga
                    .compensation(owner)
                    .is_some_and(|c| c.runs_for.value == crate::model::RunsFor::AnyAttempt);
            if record.applied == 0 && !record.in_doubt && saga.step(s).has_effect() && !any_attempt
            {
                let why = match record.status {
                    Status::Failed => "it failed and applied nothing",
                    _ => "it has not run",
                };
                transition.violate(
                    Invariant::NoPhantomCompensation,
                    format!(
                        "{action} compensates {} although {why}: a compensation for an effect that never happened",
                        self.step_name(s)
                    ),
                );
            }
        }
        if let Some(p) = self.lookups.point_of_no_return
            && transition.state.steps[p.index()].applied > 0
            && owner != Owner::Step(p)
        {
            transition.violate(
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
            if transition
                .state
                .lowest_compensated
                .is_some_and(|lowest| lowest < key)
            {
                // Name the first such owner in declaration order (the trigger first).
                let earlier = std::iter::once(Owner::Trigger)
                    .chain(saga.step_ids().map(Owner::Step))
                    .find(|&o| transition.state.runs(o) > 0 && compensation_rank(saga, o) < key);
                if let Some(o) = earlier {
                    transition.violate(
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

    pub(super) fn undo(&self, transition: &mut Transition, owner: Owner) {
        let runs = transition.state.runs_mut(owner);
        *runs = (*runs + 1).min(2);
        let rank = compensation_rank(self.saga, owner);
        if transition
            .state
            .lowest_compensated
            .is_none_or(|lowest| rank < lowest)
        {
            transition.state.lowest_compensated = Some(rank);
        }
        if let Owner::Step(s) = owner {
            transition.step(s).live = false;
        }
    }

    pub(super) fn after_point_of_no_return(&self, s: StepId) -> bool {
        self.lookups
            .point_of_no_return
            .is_some_and(|p| s.index() > p.index())
    }

    pub(super) fn attempts_of(&self, s: StepId) -> Option<u64> {
        self.saga.step(s).retry.max_attempts.limit()
    }

    pub(super) fn can_attempt_again(&self, state: &State, s: StepId) -> bool {
        match self.attempts_of(s) {
            None => true,
            Some(n) => u64::from(state.steps[s.index()].attempts) < n,
        }
    }

    /// Version 2: whether a `then: retry` class may be tried again (under its own policy,
    /// else the step's).
    pub(super) fn class_can_attempt_again(&self, state: &State, s: StepId, class: u8) -> bool {
        let step = self.saga.step(s);
        let retry = step
            .failure_handling
            .get(usize::from(class))
            .and_then(|f| f.retry.as_ref())
            .unwrap_or(&step.retry);
        match retry.max_attempts.limit() {
            None => true,
            Some(n) => u64::from(state.steps[s.index()].attempts) < n,
        }
    }

    pub(super) fn get_stuck(&self, transition: &mut Transition, why: Stuck) {
        transition.state.stuck = Some(why);
        if self.orchestration {
            transition.state.phase = Phase::Ended(End::Stuck);
        }
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
                .and_then(|stage| stage.steps().iter().position(|&x| x == s))
                .unwrap_or(0);
            (stage + 1, branch)
        }
    }
}
