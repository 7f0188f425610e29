//! Version 2's `then: terminate` on a step's failure: the saga stops at once, compensating
//! nothing (the failing stage's other branches are awaited first), and ends `Terminated`.
//! Nothing is generated for a spec without a terminating failure (every version 1 spec).

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::plan::Plan;
use crate::model::{FailureThen, StepId};

/// The (step, failure variant) pairs whose failure terminates the saga, in spec order.
pub fn pairs(plan: &Plan) -> Vec<(StepId, Ident)> {
    let mut out = Vec::new();
    for step in plan.saga.step_ids() {
        for f in &plan.saga.step(step).failure_handling {
            if f.then.value == FailureThen::Terminate
                && let Some(v) = variant(plan, &f.name.value)
            {
                out.push((step, v));
            }
        }
    }
    out
}

/// Whether the saga has a failure that terminates it (or a deadline, `deadline.rs`).
pub fn used(plan: &Plan) -> bool {
    plan.orchestration
        && (!pairs(plan).is_empty()
            || super::deadline::terminates(plan)
            || super::uncaught::terminates(plan)
            || super::classes::builtin_terminates(plan))
}

/// The `Failure` variant of a declared failure.
pub fn variant(plan: &Plan, name: &str) -> Option<Ident> {
    plan.failures
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.clone())
}

/// `terminates(step, failure)`, for the state machine.
pub fn table(plan: &Plan) -> TokenStream {
    if !used(plan) {
        return TokenStream::new();
    }
    let arms: Vec<TokenStream> = pairs(plan)
        .into_iter()
        .map(|(s, v)| {
            let sv = &plan.step(s).variant;
            quote!((Step::#sv, Failure::#v))
        })
        .collect();
    if arms.is_empty() {
        // Only the deadline terminates.
        return quote! {
            /// Whether this failure of this step ends the saga without compensating: none
            /// does (only the deadline, `then: terminate`).
            pub fn terminates(_step: Step, _failure: &Failure) -> bool {
                false
            }
        };
    }
    quote! {
        /// Whether this failure of this step ends the saga without compensating
        /// (`then: terminate` in the spec): no further step, no compensation; the effects
        /// applied so far are left in place (the spec's `keeps` lists those left on purpose).
        pub fn terminates(step: Step, failure: &Failure) -> bool {
            matches!((step, failure), #(#arms)|*)
        }
    }
}
