//! The end of a run: whether it ended, its outcome, and the invariants a run with nothing
//! left to deliver breaks (`atomicity`, `termination`).

use crate::model::Owner;

use super::super::Outcome;
use super::super::action::CancelAnswer;
use super::super::fault::owner_name;
use super::super::invariant::Invariant;
use super::Machine;
use super::state::{End, Phase, State, Status, Stuck, owner_bit};

impl Machine<'_> {
    /// Whether the saga reached an end (completed, compensated, or given up for good), as
    /// opposed to waiting for a message nobody sends.
    pub fn ended(&self, state: &State) -> bool {
        if self.orchestration {
            matches!(state.phase, Phase::Ended(_))
        } else {
            // Version 2: a terminating failure stops the saga where it happens.
            state.stuck.is_some() || state.announced || state.terminating || self.all_done(state)
        }
    }

    fn all_done(&self, state: &State) -> bool {
        state.steps.iter().all(|s| s.status == Status::Done)
    }

    pub fn outcome(&self, state: &State) -> Outcome {
        if self.orchestration {
            match state.phase {
                Phase::Ended(End::Completed) => Outcome::Completed,
                Phase::Ended(End::Compensated) => Outcome::Compensated,
                Phase::Ended(End::Terminated) => Outcome::Terminated,
                Phase::Ended(End::NeedsAttention) => Outcome::NeedsAttention,
                Phase::Ended(End::Cancelled) => Outcome::Cancelled,
                _ => Outcome::Stuck,
            }
        } else if state.stuck.is_some() {
            Outcome::Stuck
        } else if state.terminating {
            Outcome::Terminated
        } else if state.announced && self.escalated_gave_up(state) {
            Outcome::NeedsAttention
        } else if state.announced {
            Outcome::Compensated
        } else if self.all_done(state) {
            Outcome::Completed
        } else {
            Outcome::Stuck
        }
    }

    /// What a finished run told its caller and the escalation (version 2).
    pub fn told(&self, state: &State) -> crate::scenario::Told {
        let owners = |bits: u64| -> Vec<Owner> {
            std::iter::once(Owner::Trigger)
                .chain(self.saga.step_ids().map(Owner::Step))
                .filter(|&o| bits & owner_bit(o) != 0)
                .collect()
        };
        crate::scenario::Told {
            caller: state.delivered.and_then(|end| {
                let outcome = self.saga.outcome.as_ref()?;
                Some(outcome.value(end).value.clone())
            }),
            cancel_answer: state.cancel_answer,
            left: owners(state.left),
            gave_up: owners(state.gave_up),
            stuck: state.stuck,
        }
    }

    /// Whether a compensation that gave up under `escalate*` did (version 2).
    fn escalated_gave_up(&self, state: &State) -> bool {
        state.gave_up != 0
            && self
                .saga
                .compensations()
                .any(|(o, c)| c.on_failure.value.escalates() && state.gave_up & owner_bit(o) != 0)
    }

    /// The invariants a run that has nothing left to do breaks.
    pub fn check_end(&self, state: &State) -> Vec<(Invariant, String)> {
        if !self.ended(state) {
            let why = self.why_it_never_ends(state);
            return vec![(
                Invariant::Termination,
                format!("the saga never ends: {why}"),
            )];
        }
        let mut broken: Vec<(Invariant, String)> = self
            .atomicity_problem(state)
            .map(|p| vec![(Invariant::Atomicity, p)])
            .unwrap_or_default();
        if let Some(p) = self.outcome_problem(state) {
            broken.push((Invariant::ExactlyOneOutcome, p));
        }
        broken
    }

    /// What an ended run tells its caller wrongly (`exactly_one_outcome`), if anything:
    /// no outcome, two, or not its end's value; a cancel answered twice or against the end.
    fn outcome_problem(&self, state: &State) -> Option<String> {
        let outcome = self.saga.outcome.as_ref()?;
        let end = self.outcome(state).end()?;
        let value = |e: crate::model::End| outcome.value(e).value.as_str();
        let told = match (state.deliveries, state.delivered) {
            (0, _) | (_, None) => {
                return Some(format!(
                    "the saga ends {} but never tells its caller (expected {}){}",
                    end.as_str(),
                    value(end),
                    self.unheard_termination(state)
                ));
            }
            (1, Some(told)) => told,
            (n, _) => return Some(format!("the saga tells its caller {n} times")),
        };
        if value(told) != value(end) {
            return Some(format!(
                "the caller is told {} ({}), but the saga ends {} ({})",
                value(told),
                told.as_str(),
                end.as_str(),
                value(end)
            ));
        }
        if state.cancel_answers > 1 {
            return Some("the caller's cancel is answered twice".to_owned());
        }
        match (state.cancel_answer, end) {
            (Some(CancelAnswer::TooLate), e) if e != crate::model::End::Completed => Some(format!(
                "the cancel is answered too_late, but the saga ends {}",
                e.as_str()
            )),
            (Some(CancelAnswer::Cancelled), crate::model::End::Completed) => {
                Some("the cancel is answered cancelled, but the saga completes".to_owned())
            }
            _ => None,
        }
    }

    /// Choreography: why the outcome's participant never learns that the saga terminated
    /// (no compensation runs, so only the terminating failure's event can tell it), or
    /// nothing for any other run.
    fn unheard_termination(&self, state: &State) -> String {
        let Some(outcome) = self.saga.outcome.as_ref() else {
            return String::new();
        };
        if self.orchestration || !state.terminating {
            return String::new();
        }
        let who = &self.saga.participant(outcome.participant).name.value;
        match state.terminated_by {
            Some(e) => {
                let event = &self.saga.event(e).name;
                format!(
                    ": no compensation runs after a terminating failure, so {who} learns it only from {event}: {who} must consume {event} (a reaction, or its compensation's `consumes`)"
                )
            }
            None => format!(
                ": the terminating failure publishes no event, so {who} never learns it: give the failing step a failure event that {who} consumes"
            ),
        }
    }

    /// Why a run with nothing left to deliver has not ended (`termination`).
    fn why_it_never_ends(&self, state: &State) -> String {
        let saga = self.saga;
        if let Some(e) = state.lost {
            format!(
                "{} was lost, so whoever waits for it waits forever",
                saga.event(e).name
            )
        } else if let Some(s) = state.silent {
            format!(
                "{} failed without a failure event (no `emits.failure`), so nobody learns of it",
                self.step_name(s)
            )
        } else if let Some(s) = saga
            .step_ids()
            .find(|s| state.steps[s.index()].status == Status::Awaiting)
        {
            let step = saga.step(s);
            let who = &saga.participant(step.participant).name.value;
            format!(
                "{} waits for {who}, which never answers: add a `timeout` to {} or a `deadline` that reaches it",
                self.step_name(s),
                self.step_name(s)
            )
        } else {
            let waiting: Vec<&str> = saga
                .step_ids()
                .filter(|s| state.steps[s.index()].status == Status::Idle)
                .map(|s| self.step_name(s))
                .collect();
            format!(
                "nothing is left to deliver, yet {} never ran",
                waiting.join(", ")
            )
        }
    }

    /// What an ended run leaves neither completed nor compensated (`atomicity`), if
    /// anything.
    fn atomicity_problem(&self, state: &State) -> Option<String> {
        let saga = self.saga;
        let outcome = self.outcome(state);
        let live: Vec<Owner> = self.live_effects(state);
        let names = |owners: &[Owner]| {
            owners
                .iter()
                .map(|&o| owner_name(saga, o))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let mut problem = match (outcome, state.stuck, &state.phase) {
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
            (Outcome::Terminated, _, _) => self.left_by_terminate(state, &live, &names),
            (Outcome::NeedsAttention, _, _) => {
                let untold: Vec<Owner> = live
                    .iter()
                    .copied()
                    .filter(|&o| state.left & owner_bit(o) == 0)
                    .collect();
                (!untold.is_empty()).then(|| {
                    if state.escalations == 0 {
                        format!(
                            "a compensation gave up and nobody was told (no `escalation`): {} left in place",
                            names(&untold)
                        )
                    } else {
                        format!(
                            "the escalation does not list {}, still in place",
                            names(&untold)
                        )
                    }
                })
            }
            (Outcome::Completed, _, _) => {
                let undone: Vec<Owner> = std::iter::once(Owner::Trigger)
                    .chain(saga.step_ids().map(Owner::Step))
                    .filter(|&o| state.runs(o) > 0)
                    .collect();
                (!undone.is_empty()).then(|| {
                    format!(
                        "the saga completed, yet compensations ran for {}",
                        names(&undone)
                    )
                })
            }
            _ => self.left_uncompensated(&live, names),
        };
        if !matches!(
            outcome,
            Outcome::Compensated
                | Outcome::Cancelled
                | Outcome::Terminated
                | Outcome::NeedsAttention
        ) && !live.is_empty()
            && let Some(p) = problem.as_mut()
        {
            p.push_str(&format!("; still applied: {}", names(&live)));
        }
        problem
    }

    /// What a terminated run left that it does not keep: an applied effect with a
    /// compensation, not in `keeps` (the trigger's effect is always kept).
    fn left_by_terminate(
        &self,
        state: &State,
        live: &[Owner],
        names: &impl Fn(&[Owner]) -> String,
    ) -> Option<String> {
        let kept = self.kept(state.cause);
        let unkept: Vec<Owner> = live
            .iter()
            .copied()
            .filter(|&o| match o {
                Owner::Trigger => false,
                Owner::Step(s) => self.saga.step(s).compensation.is_some() && !kept.contains(&s),
            })
            .collect();
        (!unkept.is_empty()).then(|| {
            format!(
                "the saga terminated with {} applied, neither kept (`keeps`) nor compensated",
                names(&unkept)
            )
        })
    }

    /// What a compensated run left in place: effects no compensation undoes, or owners
    /// whose compensation never ran.
    fn left_uncompensated(
        &self,
        live: &[Owner],
        names: impl Fn(&[Owner]) -> String,
    ) -> Option<String> {
        let saga = self.saga;
        let (kept, stuck_forward): (Vec<Owner>, Vec<Owner>) =
            live.iter().partition(|&&o| match o {
                Owner::Step(s) => saga.step(s).compensation.is_some(),
                Owner::Trigger => true,
            });
        if !stuck_forward.is_empty() {
            Some(format!(
                "the saga compensated, but {} applied {} that no compensation undoes",
                names(&stuck_forward),
                if stuck_forward.len() == 1 {
                    "an effect"
                } else {
                    "effects"
                }
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

    /// The effects in place: the trigger's (when it has a compensation) and every step's.
    fn live_effects(&self, state: &State) -> Vec<Owner> {
        let mut out = Vec::new();
        if state.trigger_ran
            && self.saga.trigger.compensation.is_some()
            && state.runs(Owner::Trigger) == 0
        {
            out.push(Owner::Trigger);
        }
        for s in self.saga.step_ids() {
            if state.steps[s.index()].live {
                out.push(Owner::Step(s));
            }
        }
        out
    }
}
