//! The end of a run: whether it ended, its outcome, and the invariants a run with nothing
//! left to deliver breaks (`atomicity`, `termination`).

use crate::model::Owner;

use super::super::Outcome;
use super::super::fault::owner_name;
use super::super::invariant::Invariant;
use super::Machine;
use super::state::{End, Phase, State, Status, Stuck};

impl Machine<'_> {
    /// Whether the saga reached an end (completed, compensated, or given up for good), as
    /// opposed to waiting for a message nobody sends.
    pub fn ended(&self, state: &State) -> bool {
        if self.orchestration {
            matches!(state.phase, Phase::Ended(_))
        } else {
            state.stuck.is_some() || state.announced || self.all_done(state)
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
                _ => Outcome::Stuck,
            }
        } else if state.stuck.is_some() {
            Outcome::Stuck
        } else if state.announced {
            Outcome::Compensated
        } else if self.all_done(state) {
            Outcome::Completed
        } else {
            Outcome::Stuck
        }
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
        self.atomicity_problem(state)
            .map(|p| vec![(Invariant::Atomicity, p)])
            .unwrap_or_default()
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
        if outcome != Outcome::Compensated
            && !live.is_empty()
            && let Some(p) = problem.as_mut()
        {
            p.push_str(&format!("; still applied: {}", names(&live)));
        }
        problem
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
