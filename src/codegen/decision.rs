//! Version 2's `outcome.at: decision` in the std runtime: the caller is answered when the
//! end is decided, before the compensations finish (a Temporal Update): at the point of no
//! return's success, or when a failure, the deadline or a cancel ends the forward phase;
//! without either, at the end. The state machine keeps what it told in `Saga::told`.
//! Nothing is generated for `at: end` (the default) or a saga without `outcome`.

use proc_macro2::TokenStream;
use quote::quote;

use super::plan::Plan;
use crate::model::At;

/// Whether the caller is answered at the decision.
pub fn used(plan: &Plan) -> bool {
    plan.orchestration
        && plan
            .saga
            .outcome
            .as_ref()
            .is_some_and(|o| o.at.value == At::Decision)
}

/// The state machine's parts, all empty unless `at: decision`.
#[derive(Default)]
pub struct Parts {
    pub field: TokenStream,
    pub init: TokenStream,
    /// In `on_result`, once the step succeeded.
    pub on_success: TokenStream,
    /// In `settle`, once the stage has settled with a failure.
    pub on_failing: TokenStream,
}

impl Parts {
    pub fn of(plan: &Plan) -> Parts {
        if !used(plan) {
            return Parts::default();
        }
        let mut decided = quote!(Outcome::Compensated);
        if super::cancel::used(plan) {
            decided = quote! {
                if self.cancel == CancelState::Honoured { Outcome::Cancelled } else { #decided }
            };
        }
        if super::terminate::used(plan) {
            decided = quote! {
                if self.terminating.is_some() { Outcome::Terminated } else { #decided }
            };
        }
        Parts {
            field: quote! {
                /// What the caller was told at the decision (`outcome.at: decision`), before
                /// the end: `Completed` once the point of no return succeeded, else how the
                /// failure (the deadline, a cancel) that ended the forward phase makes the saga
                /// end. `None` until then (and for a saga told at its end).
                pub told: Option<Outcome>,
            },
            init: quote!(told: None,),
            on_success: quote! {
                if POINT_OF_NO_RETURN == Some(step) && self.told.is_none() {
                    // The decision: the saga completes.
                    self.told = Some(Outcome::Completed);
                }
            },
            on_failing: quote! {
                if self.told.is_none() {
                    // The decision: the saga does not complete.
                    self.told = Some(#decided);
                }
            },
        }
    }
}

/// `Saga::caller_outcome`: the end the caller is told, at the decision or else at the end.
pub fn tokens(plan: &Plan) -> TokenStream {
    if !used(plan) {
        return TokenStream::new();
    }
    quote! {
        impl Saga {
            /// The end the caller is told (`outcome.at: decision`): the one decided, or
            /// without a decision (no point of no return) the end itself, once reached.
            /// Its value is `Outcome::caller_value`.
            pub fn caller_outcome(&self) -> Option<Outcome> {
                self.told.or_else(|| self.outcome())
            }
        }
    }
}
