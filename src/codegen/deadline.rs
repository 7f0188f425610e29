//! Version 2's deadline in the std runtime: `Saga::on_deadline`, which the driver calls
//! when the deadline passes, and the driver's loop that calls it. The state machine learns
//! which commands never went out, so a step the deadline stops before its command fails
//! having applied nothing (its attempt is not counted, which `runs_for: any_attempt` reads),
//! and a step still awaited is abandoned in doubt, as `docs/simulation.md` says. A version 1
//! crate keeps version 1's deadline (the driver fails the step with `DeadlinePassed`), so it
//! stays byte-identical.

use proc_macro2::TokenStream;
use quote::quote;

use super::plan::Plan;
use crate::model::{Applies, DeadlineThen};

/// Whether the saga has a deadline run by version 2's rules.
pub fn used(plan: &Plan) -> bool {
    plan.orchestration && plan.saga.is_v2() && plan.saga.deadline.is_some()
}

/// Whether the deadline ends the saga without compensating (`then: terminate`).
pub fn terminates(plan: &Plan) -> bool {
    used(plan)
        && plan
            .saga
            .deadline_policy
            .as_ref()
            .is_some_and(|d| d.then.value == DeadlineThen::Terminate)
}

/// How many stages, from the first, the deadline reaches: through the point of no return's
/// (`applies: before_pivot`), or all (`applies: always`).
fn stages_reached(plan: &Plan) -> usize {
    let saga = plan.saga;
    let always = saga
        .deadline_policy
        .as_ref()
        .is_some_and(|d| d.applies.value == Applies::Always);
    match saga.point_of_no_return() {
        Some(p) if !always => saga.step(p).stage + 1,
        _ => saga.stages.len(),
    }
}

/// `DEADLINE_REACHES` and `Saga::on_deadline`.
pub fn tokens(plan: &Plan) -> TokenStream {
    if !used(plan) {
        return TokenStream::new();
    }
    let reached = super::tokens::usize_lit(stages_reached(plan));
    let terminates = terminates(plan);
    let (then_doc, terminate) = if terminates {
        (
            "Then the saga ends without compensating (`then: terminate`).",
            quote! {
                if let Some(&first) = stopped.first() {
                    self.terminating.get_or_insert(first);
                }
            },
        )
    } else {
        (
            "Then the saga compensates, by each compensation's `runs_for`.",
            TokenStream::new(),
        )
    };
    let note_deadline = super::compensation_context::note_cause(
        plan,
        "deadline",
        "DeadlinePassed",
        "the saga's deadline passed",
    );
    let doc = super::tokens::docs(&format!(
        "The deadline has passed (`DEADLINE`, counted from the trigger's commit: the driver\nkeeps the clock). `unsent` are the commands the saga returned that were not sent: their\nsteps fail having applied nothing (`DeadlinePassed`; the attempt is not counted), or are\nabandoned in doubt if an earlier attempt is. The stage's steps still awaited are\nabandoned in doubt: their participant may apply them yet. {then_doc}\n\nReturns the commands to send now: `unsent` itself when the deadline changes nothing\n(a stage it does not reach, a compensation, an end, or a pivot awaited: an in-doubt\npivot is re-sent until it answers)."
    ));
    let pivot_waits = if terminates {
        quote!(false)
    } else {
        quote! {
            steps.iter().any(|&step| {
                step.kind() == StepKind::Pivot
                    && self.step(step).status == Status::Awaiting
                    && (self.step(step).in_doubt || !held.contains(&step))
            })
        }
    };
    quote! {
        /// The stages the deadline reaches, from the first: through the point of no return's
        /// (`applies: before_pivot`), or every one (`applies: always`).
        pub const DEADLINE_REACHES: usize = #reached;

        impl Saga {
            #doc
            pub fn on_deadline(&mut self, unsent: &[Command]) -> Vec<Command> {
                let State::Running { stage, .. } = self.state else {
                    return unsent.to_vec();
                };
                let steps = STAGES.get(stage).copied().unwrap_or_default();
                let held: Vec<Step> = unsent
                    .iter()
                    .filter_map(|command| match *command {
                        Command::Run { step, .. } => Some(step),
                        // A compensation, or the escalation: not the deadline's to stop.
                        _ => None,
                    })
                    .collect();
                let pivot_waits = #pivot_waits;
                if stage >= DEADLINE_REACHES || pivot_waits {
                    return unsent.to_vec();
                }
                let mut stopped = Vec::new();
                for &step in steps {
                    let state = self.step_mut(step);
                    if state.status != Status::Awaiting {
                        continue;
                    }
                    if held.contains(&step) {
                        // Its command never went out.
                        state.attempts = state.attempts.saturating_sub(1);
                        state.status = if state.in_doubt { Status::InDoubt } else { Status::Failed };
                    } else {
                        state.status = Status::InDoubt;
                        state.in_doubt = true;
                    }
                    stopped.push(step);
                }
                #note_deadline
                #terminate
                self.state = State::Running { stage, failing: true };
                self.settle(stage, true)
            }
        }
    }
}

/// The driver's loop body for one command: the deadline, once it has passed, goes to the
/// state machine with the commands not sent yet (this one and those queued after it).
pub fn driver_next() -> TokenStream {
    quote! {
        let next = if self.deadline.is_some_and(|deadline| Instant::now() > deadline) {
            // Acted on once, when it first passes.
            self.deadline = None;
            let mut unsent = vec![command];
            unsent.extend(queue.drain(..));
            saga.on_deadline(&unsent)
        } else {
            let reply = self.execute(&saga, &command);
            saga.on_reply(reply)
        };
        queue.extend(next);
    }
}

/// The test harness's `deadline:<step>`: the deadline passes as the step's first command is
/// about to go out, which then is not sent, nor are those queued after it. And
/// `abandon:<step>`, the run of a `deadline:` scenario where the step is outstanding
/// instead (`scenario::Played::DeadlineOutstanding`): its command went out, its
/// participant never processed it, and the deadline passes before an answer (only in a
/// crate that has such a test: `abandon`).
pub fn harness(abandon: bool) -> TokenStream {
    let abandon = abandon.then(|| {
        quote! {
            if world.borrow_mut().fire(&format!("abandon:{}", step.id())) {
                let unsent: Vec<Command> = queue.drain(..).collect();
                queue.extend(saga.on_deadline(&unsent));
                continue;
            }
        }
    });
    quote! {
        if let Command::Run { step, attempt: 1, .. } = command {
            if world.borrow_mut().fire(&format!("deadline:{}", step.id())) {
                let mut unsent = vec![command];
                unsent.extend(queue.drain(..));
                queue.extend(saga.on_deadline(&unsent));
                continue;
            }
            #abandon
        }
    }
}
