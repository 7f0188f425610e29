//! Version 2's failure classes and built-in failure names in the std runtime. A declared
//! failure with `then: retry` is transient for its step, retried under its own policy
//! (else the step's), and running out of attempts counts as version 1's exhausted retries:
//! the table `class_retry`, the state machine's use of it, and the fakes'
//! `exhaust:<step>@<Failure>`. `{ name: TimedOut | Exhausted, then: terminate }` makes that
//! failure end the saga without compensating. Nothing is generated for a saga without
//! either (every version 1 spec).

use proc_macro2::TokenStream;
use quote::quote;

use super::plan::Plan;
use crate::model::{BuiltinFailure, FailureThen};

/// The (step, failure) pairs retried as a class, with their policy (`None`: the step's).
fn classes(plan: &Plan) -> Vec<(TokenStream, TokenStream, Option<TokenStream>)> {
    let mut out = Vec::new();
    for s in plan.saga.step_ids() {
        for f in &plan.saga.step(s).failure_handling {
            if f.then.value != FailureThen::Retry || f.builtin.is_some() {
                continue;
            }
            let Some(v) = super::terminate::variant(plan, &f.name.value) else {
                continue;
            };
            let sv = &plan.step(s).variant;
            out.push((
                quote!(Step::#sv),
                quote!(Failure::#v),
                f.retry.as_ref().map(|r| super::jitter::literal(plan, r)),
            ));
        }
    }
    out
}

/// Whether the saga has a failure class retried on its own (`then: retry`), in an
/// orchestration or a version 2 choreography (whose handlers retry it:
/// `choreography_v2.rs`).
pub fn used(plan: &Plan) -> bool {
    (plan.orchestration || super::choreography_v2::used(plan)) && !classes(plan).is_empty()
}

/// `class_retry(step, failure)`.
pub fn table(plan: &Plan) -> TokenStream {
    if !used(plan) {
        return TokenStream::new();
    }
    let arms = classes(plan).into_iter().map(|(step, failure, policy)| {
        let policy = policy.unwrap_or_else(|| quote!(#step.info().retry));
        quote!((#step, #failure) => Some(#policy),)
    });
    quote! {
        /// The retry policy of a failure class (`then: retry` in the spec): the failure is
        /// transient for this step and retried under it; `None` for any other failure.
        pub fn class_retry(step: Step, failure: &Failure) -> Option<RetryPolicy> {
            match (step, failure) {
                #(#arms)*
                _ => None,
            }
        }
    }
}

/// In `on_result`, before the answer is handled: a failure class is re-sent while its
/// policy allows, then fails the step as exhausted retries do.
pub fn on_result(plan: &Plan) -> TokenStream {
    if !used(plan) {
        return TokenStream::new();
    }
    let note_failure = super::compensation_context::note_step_failure(plan);
    quote! {
        if let Err(StepError::Business(failure)) = &result {
            if let Some(retry) = class_retry(step, failure) {
                if retry.allows(attempts + 1) {
                    let state = self.step_mut(step);
                    state.attempts += 1;
                    return vec![Command::Run {
                        step,
                        attempt: attempts + 1,
                        delay: retry.delay_before(attempts + 1),
                    }];
                }
                // Out of attempts: as exhausted retries (nothing applied).
                self.step_mut(step).status = Status::Failed;
                if info.after_point_of_no_return {
                    self.state = State::Stuck(Stuck::Step(step));
                    return Vec::new();
                }
                #note_failure
                self.state = State::Running { stage, failing: true };
                return self.settle(stage, true);
            }
        }
    }
}

/// The fakes' `exhaust:<step>@<Failure>`: every attempt fails with that class.
pub fn fakes(plan: &Plan) -> TokenStream {
    if !used(plan) {
        return TokenStream::new();
    }
    quote! {
        let exhausting = declared_failures(step).into_iter().find(|f| {
            let name = format!("{id}@{}", f.name());
            self.exhausting.contains(&name) || self.fire(&format!("exhaust:{name}"))
        });
        if let Some(failure) = exhausting {
            self.exhausting.insert(format!("{id}@{}", failure.name()));
            return Err(StepError::Business(failure));
        }
    }
}

/// The steps whose built-in failure (`TimedOut`, `Exhausted`) ends the saga without
/// compensating (`{ name: TimedOut, then: terminate }`), as `(step, is TimedOut)`.
fn builtin_terminations(plan: &Plan) -> Vec<(TokenStream, bool)> {
    let mut out = Vec::new();
    for s in plan.saga.step_ids() {
        for f in &plan.saga.step(s).failure_handling {
            let timed_out = match f.builtin {
                Some(BuiltinFailure::TimedOut) => true,
                Some(BuiltinFailure::Exhausted) => false,
                _ => continue,
            };
            if f.then.value == FailureThen::Terminate {
                let sv = &plan.step(s).variant;
                out.push((quote!(Step::#sv), timed_out));
            }
        }
    }
    out
}

/// Whether some step's built-in failure terminates the saga.
pub fn builtin_terminates(plan: &Plan) -> bool {
    plan.orchestration && !builtin_terminations(plan).is_empty()
}

/// In `on_result`, before the answer is handled: an answer that makes the step fail as
/// timed out or exhausted, where the spec says that failure terminates the saga, marks it
/// terminating (the branches below then fail the step and settle the stage).
pub fn builtin_on_result(plan: &Plan) -> TokenStream {
    let pairs = builtin_terminations(plan);
    if !plan.orchestration || pairs.is_empty() {
        return TokenStream::new();
    }
    let pattern = |timed_out: bool| {
        let steps: Vec<&TokenStream> = pairs
            .iter()
            .filter(|(_, t)| *t == timed_out)
            .map(|(s, _)| s)
            .collect();
        if steps.is_empty() {
            quote!(false)
        } else {
            quote!(matches!(step, #(#steps)|*))
        }
    };
    let on_timed_out = pattern(true);
    let on_exhausted = pattern(false);
    quote! {
        // `{ name: TimedOut | Exhausted, then: terminate }`: that failure ends the saga.
        let exhausted = !info.retry.allows(attempts + 1);
        let resent = matches!(info.kind, StepKind::Pivot | StepKind::Retriable);
        let terminating = match &result {
            Err(StepError::Transient(_)) => exhausted && #on_exhausted,
            Err(StepError::Business(_)) if info.kind == StepKind::Retriable => {
                exhausted && #on_exhausted
            }
            Err(StepError::TimedOut) => (!resent || exhausted) && #on_timed_out,
            _ => false,
        };
        if terminating && !info.after_point_of_no_return {
            self.terminating.get_or_insert(step);
        }
    }
}
