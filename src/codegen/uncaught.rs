//! Version 2's errors nobody declared (`on_uncaught`) and waits that no answer ends (a
//! participant that is down, an error swallowed) in the std runtime: `StepError::Unexpected`
//! and `StepError::Unanswered`, the per-step `on_uncaught` table the state machine reads,
//! the driver's wait for the deadline, and the fakes' `uncaught:` and `outage:`. The rules
//! are `docs/simulation.md`'s. A version 1 crate has none of it.

use proc_macro2::TokenStream;
use quote::quote;

use super::plan::Plan;
use crate::model::OnUncaught;

/// Whether the crate has version 2's unexpected errors and waits (every version 2
/// orchestration).
pub fn used(plan: &Plan) -> bool {
    plan.orchestration && plan.saga.is_v2()
}

/// Whether some step's uncaught error terminates the saga (`on_uncaught: terminate`).
pub fn terminates(plan: &Plan) -> bool {
    used(plan)
        && plan
            .saga
            .steps
            .iter()
            .any(|s| s.on_uncaught.value == OnUncaught::Terminate)
}

/// `StepError`'s version 2 variants, and their `Display` arms.
pub fn error_variants(plan: &Plan) -> (TokenStream, TokenStream) {
    if !used(plan) {
        return (TokenStream::new(), TokenStream::new());
    }
    (
        quote! {
            /// An error the spec does not declare (an exception, an unmapped error class):
            /// the step's `on_uncaught` says what it becomes (`on_uncaught(step)`).
            Unexpected(String),
            /// No answer, and nothing bounds the wait: a participant that is down or
            /// swallowed an error, for a step without a `timeout`. The orchestrator keeps
            /// waiting; only the deadline ends the wait.
            Unanswered,
        },
        quote! {
            StepError::Unexpected(why) => write!(f, "unexpected error: {why}"),
            StepError::Unanswered => f.write_str("no answer"),
        },
    )
}

/// `OnUncaught` and `on_uncaught(step)`.
pub fn table(plan: &Plan) -> TokenStream {
    if !used(plan) {
        return TokenStream::new();
    }
    let arms = plan.saga.step_ids().map(|s| {
        let v = &plan.step(s).variant;
        let then = match plan.saga.step(s).on_uncaught.value {
            OnUncaught::Compensate => quote!(OnUncaught::Compensate),
            OnUncaught::Retry => quote!(OnUncaught::Retry),
            OnUncaught::NoReply => quote!(OnUncaught::NoReply),
            OnUncaught::Terminate => quote!(OnUncaught::Terminate),
        };
        quote!(Step::#v => #then,)
    });
    quote! {
        /// What an error nobody declared becomes (`on_uncaught`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum OnUncaught {
            /// A failure like a declared one: the saga compensates (a retriable step
            /// retries).
            Compensate,
            /// A transient failure, retried under the step's policy.
            Retry,
            /// Swallowed: nothing is answered; the step's `timeout`, else the deadline,
            /// ends the wait.
            NoReply,
            /// The execution fails: nothing is compensated.
            Terminate,
        }

        /// What an error nobody declared becomes at this step.
        pub fn on_uncaught(step: Step) -> OnUncaught {
            match step {
                #(#arms)*
            }
        }
    }
}

/// In `on_result`, before the answer is handled: an unexpected error translated by
/// `on_uncaught`, and an answer that never comes.
pub fn on_result(plan: &Plan) -> TokenStream {
    if !used(plan) {
        return TokenStream::new();
    }
    let terminate = if terminates(plan) {
        quote! {
            OnUncaught::Terminate => {
                // The execution fails: the stage's other branches are awaited, then
                // nothing is compensated.
                self.step_mut(step).status = Status::Failed;
                self.terminating.get_or_insert(step);
                self.state = State::Running { stage, failing: true };
                return self.settle(stage, true);
            }
        }
    } else {
        TokenStream::new()
    };
    quote! {
        let result = match result {
            Err(StepError::Unexpected(error)) => match on_uncaught(step) {
                OnUncaught::Retry => Err(StepError::Transient(error)),
                OnUncaught::Compensate if info.kind == StepKind::Retriable => {
                    Err(StepError::Transient(error))
                }
                OnUncaught::Compensate => Err(StepError::Business(Failure::Other(error))),
                #terminate
                // Swallowed: the orchestrator's timer ends the wait, in doubt.
                OnUncaught::NoReply if info.timeout.is_some() => Err(StepError::TimedOut),
                OnUncaught::NoReply => return Vec::new(),
                #[allow(unreachable_patterns)]
                _ => Err(StepError::Business(Failure::Other(error))),
            },
            // The step stays awaited: only the deadline ends the wait.
            Err(StepError::Unanswered) => return Vec::new(),
            other => other,
        };
    }
}

/// After the driver's loop: nothing left to send while the saga still waits for an answer
/// that will not come; with a deadline, it ends the wait.
pub fn driver_wait(plan: &Plan) -> TokenStream {
    if !used(plan) || plan.saga.deadline.is_none() {
        return TokenStream::new();
    }
    quote! {
        if saga.outcome().is_none() {
            if let Some(deadline) = self.deadline.take() {
                // Nothing else will answer: wait for the deadline, which ends the wait.
                (self.sleep)(deadline.saturating_duration_since(Instant::now()));
                let next = saga.on_deadline(&[]);
                return self.drive(saga, next);
            }
        }
    }
}

/// The fakes' `outage:<participant>` (every forward command to it is lost) and
/// `uncaught:<step>` (the first attempt meets an error nobody declared), in `World::step`.
pub fn fakes(plan: &Plan) -> (TokenStream, TokenStream) {
    if !used(plan) {
        return (TokenStream::new(), TokenStream::new());
    }
    (
        quote! {
            if self.faults.contains(&format!("outage:{}", step.info().participant.name())) {
                // Lost: with a timeout the attempt times out, unless it is re-sent without
                // limit (then no attempt ever answers).
                let resent_forever = matches!(step.kind(), StepKind::Pivot | StepKind::Retriable)
                    && step.info().retry.max_attempts.is_none();
                return Err(if step.info().timeout.is_some() && !resent_forever {
                    StepError::TimedOut
                } else {
                    StepError::Unanswered
                });
            }
        },
        quote! {
            if self.fire(&format!("uncaught:{id}")) {
                return Err(StepError::Unexpected("an error nobody declared".to_owned()));
            }
        },
    )
}

/// The last arm of `on_result`'s match: the answers `on_result` already translated.
pub fn handled(plan: &Plan) -> TokenStream {
    if !used(plan) {
        return TokenStream::new();
    }
    quote! {
        // Translated above.
        Err(StepError::Unexpected(_) | StepError::Unanswered) => return Vec::new(),
    }
}
