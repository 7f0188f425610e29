//! Version 2's `runs_for` on a compensation: which steps the saga compensates, by what
//! became of them (succeeded, in doubt, failed after being sent). Nothing is generated for
//! a saga that does not write it (every version 1 spec): its machine compensates a step
//! done or in doubt, as before.

use proc_macro2::TokenStream;
use quote::quote;

use super::plan::Plan;
use crate::model::{Key, RunsFor, StepId};

/// Whether the saga writes `runs_for` on some compensation, or gives its compensations
/// another than the default through `compensation_defaults`.
pub fn used(plan: &Plan) -> bool {
    plan.orchestration
        && (plan.saga.features.iter().any(|f| f.key == Key::RunsFor)
            || plan
                .saga
                .compensations()
                .any(|(_, c)| c.runs_for.value != RunsFor::PossibleEffect))
}

/// `Step::A | Step::B`, or `None` for no step.
fn pattern(plan: &Plan, steps: impl Iterator<Item = StepId>) -> Option<TokenStream> {
    let variants: Vec<_> = steps
        .map(|s| {
            let v = &plan.step(s).variant;
            quote!(Step::#v)
        })
        .collect();
    (!variants.is_empty()).then(|| quote!(#(#variants)|*))
}

/// `compensated_for(step, state)`, for the state machine's compensation queue.
pub fn table(plan: &Plan) -> TokenStream {
    if !used(plan) {
        return TokenStream::new();
    }
    let saga = plan.saga;
    let with = |covers: fn(RunsFor) -> bool| {
        let steps = saga.step_ids().filter(move |&s| {
            saga.step(s)
                .compensation
                .as_ref()
                .is_some_and(|c| covers(c.runs_for.value))
        });
        match pattern(plan, steps) {
            Some(p) => quote!(matches!(step, #p)),
            None => quote!(false),
        }
    };
    let in_doubt = with(RunsFor::covers_in_doubt);
    let failed = with(|r| r == RunsFor::AnyAttempt);
    quote! {
        /// Whether the saga compensates a step in this state, by its compensation's
        /// `runs_for`: `success` only a step that succeeded, `possible_effect` (the
        /// default) one in doubt too, `any_attempt` also one that failed once sent (its
        /// effect may be partly applied).
        pub fn compensated_for(step: Step, state: StepState) -> bool {
            match state.status {
                Status::Done => step.info().compensation.is_some(),
                Status::InDoubt => #in_doubt,
                Status::Failed => state.attempts > 0 && #failed,
                Status::Idle | Status::Awaiting => false,
            }
        }
    }
}

/// `settle`'s test of whether to queue a step's compensation, up to the block that queues
/// it (version 1's tokens exactly, for a saga without `runs_for`).
pub fn queue_if(plan: &Plan) -> TokenStream {
    if used(plan) {
        quote!(if compensated_for(step, self.step(step)))
    } else {
        quote! {
            let status = self.step(step).status;
            if matches!(status, Status::Done | Status::InDoubt)
                && step.info().compensation.is_some()
        }
    }
}
