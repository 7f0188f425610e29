//! Version 2's `outcome`: the value the caller gets for each end of the saga, and how it is
//! delivered. Nothing is generated for a spec without `outcome` (every version 1 spec), so
//! their crates stay byte-identical.

use proc_macro2::TokenStream;
use quote::quote;

use super::plan::Plan;
use super::tokens::docs;
use crate::model::{Delivery, End};

/// `CALLER_DELIVERY` and `Outcome::caller_value`, for an orchestration with `outcome`.
pub fn tokens(plan: &Plan) -> TokenStream {
    let Some(outcome) = plan.saga.outcome.as_ref() else {
        return TokenStream::new();
    };
    let delivery = outcome.delivery.value.as_str();
    let delivery_doc = docs(&format!(
        "How the caller gets the saga's outcome (`outcome.delivery: {delivery}` in the spec):\n{}",
        match outcome.delivery.value {
            Delivery::Reply =>
                "the caller waits for it (a synchronous request, a workflow's result).",
            Delivery::Event => "published as an event.",
            Delivery::Status => "written to the trigger's record, which the caller polls.",
        }
    ));
    // The ends this runtime reaches: the others (terminated, needs attention, cancelled)
    // come with the features that lead to them.
    let mut ends = vec![
        (End::Completed, quote!(Outcome::Completed)),
        (End::Compensated, quote!(Outcome::Compensated)),
    ];
    if super::terminate::used(plan) {
        ends.push((End::Terminated, quote!(Outcome::Terminated)));
    }
    if super::escalation::escalates(plan) {
        ends.push((End::NeedsAttention, quote!(Outcome::NeedsAttention)));
    }
    if super::cancel::used(plan) {
        ends.push((End::Cancelled, quote!(Outcome::Cancelled)));
    }
    let arms = ends.into_iter().map(|(end, variant)| {
        let value = &outcome.value(end).value;
        quote!(#variant => Some(#value),)
    });
    quote! {
        #delivery_doc
        pub const CALLER_DELIVERY: &str = #delivery;

        impl Outcome {
            /// The value the caller is told (`outcome.values`), once the saga has ended
            /// (`Saga::outcome`); `None` for a stuck saga, which tells the caller nothing
            /// until a person has looked at it.
            pub fn caller_value(self) -> Option<&'static str> {
                match self {
                    #(#arms)*
                    Outcome::Stuck => None,
                }
            }
        }
    }
}
