//! Version 2's `outcome` in a choreography (std runtime): the outcome's participant (the
//! trigger's, unless `outcome.participant` says) tells the caller when it first learns how
//! the saga ends: `Completed` from a success event at or after the point of no return that
//! it handles, `Compensated` from an event one of its compensations (or a reaction to a
//! failure) consumes, `Terminated` instead when the message's failure terminates the saga.
//! The simulator's rule (`scenario/machine/events.rs`, `learn_*`).

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::choreography_v2::{escalates, used};
use super::names::{Namespace, ident};
use super::plan::Plan;
use crate::model::{Emitter, End, EventId, Handler, ParticipantId};

/// The name of the outcome participant's method that tells the caller: `tell_caller`,
/// unless one of its actions already has it.
pub fn tell_caller_method(plan: &Plan) -> Option<Ident> {
    let outcome = plan.saga.outcome.as_ref().filter(|_| used(plan))?;
    let taken: Vec<String> = super::traits::works(plan, outcome.participant)
        .into_iter()
        .map(|w| super::traits::method(plan, w).0.to_string())
        .collect();
    let taken: Vec<&str> = taken.iter().map(String::as_str).collect();
    Some(ident(
        &Namespace::with(&taken).claim("tell_caller", "_outcome"),
    ))
}

/// `CALLER_DELIVERY`, `Outcome::caller_value` and `caller_learns`, with `outcome`.
pub fn items(plan: &Plan) -> TokenStream {
    let Some(outcome) = plan.saga.outcome.as_ref() else {
        return TokenStream::new();
    };
    let delivery = outcome.delivery.value.as_str();
    let mut ends = vec![
        (End::Completed, quote!(Outcome::Completed)),
        (End::Compensated, quote!(Outcome::Compensated)),
    ];
    if escalates(plan) {
        ends.push((End::NeedsAttention, quote!(Outcome::NeedsAttention)));
    }
    if super::choreography_v2::terminates(plan) {
        ends.push((End::Terminated, quote!(Outcome::Terminated)));
    }
    let arms = ends.into_iter().map(|(end, variant)| {
        let value = &outcome.value(end).value;
        quote!(#variant => Some(#value),)
    });
    let learns = learns_table(plan, outcome.participant);
    let pname = &plan.saga.participant(outcome.participant).name.value;
    let doc = super::tokens::docs(&format!(
        "How the caller gets the saga's outcome (`outcome.delivery: {delivery}`): `{pname}`\ndelivers it, when it first learns how the saga ends (`caller_learns`)."
    ));
    quote! {
        #doc
        pub const CALLER_DELIVERY: &str = #delivery;

        impl Outcome {
            /// The value the caller is told (`outcome.values`); `None` for a stuck saga.
            pub fn caller_value(self) -> Option<&'static str> {
                match self {
                    #(#arms)*
                    _ => None,
                }
            }
        }

        #learns
    }
}

/// `caller_learns(event)`: what the outcome's participant learns when it handles an event:
/// `Completed` from a success event at or after the point of no return, `Compensated`
/// from an event one of its compensations (or a reaction to a failure) consumes.
fn learns_table(plan: &Plan, p: ParticipantId) -> TokenStream {
    let saga = plan.saga;
    let last = saga.stages.len().saturating_sub(1);
    let from = saga
        .point_of_no_return()
        .map_or(last, |s| saga.step(s).stage);
    let mut completed = Vec::new();
    let mut compensated = Vec::new();
    for (i, e) in saga.events.iter().enumerate() {
        let here: Vec<Handler> = e
            .consumed_by
            .iter()
            .map(|&(h, _)| h)
            .filter(|&h| saga.handler_participant(h) == p)
            .collect();
        if here.is_empty() {
            continue;
        }
        let v = plan.event(EventId::new(i));
        let success = e
            .emitted_by
            .iter()
            .any(|&(em, _)| matches!(em, Emitter::StepSuccess(s) if saga.step(s).stage >= from));
        let failure = e
            .emitted_by
            .iter()
            .any(|&(em, _)| matches!(em, Emitter::StepFailure(_)));
        let compensates = here.iter().any(|h| match h {
            Handler::Compensation(_) => true,
            Handler::Reaction(_) => failure,
            Handler::Step(_) => false,
        });
        if success {
            completed.push(quote!(Event::#v));
        } else if compensates {
            compensated.push(quote!(Event::#v));
        }
    }
    let arm = |events: &[TokenStream], outcome: TokenStream| {
        (!events.is_empty()).then(|| quote!(#(#events)|* => Some(#outcome),))
    };
    let completed = arm(&completed, quote!(Outcome::Completed));
    let compensated = arm(&compensated, quote!(Outcome::Compensated));
    quote! {
        /// What the outcome's participant learns of the saga's end when it handles
        /// `event`; the first thing it learns is what it tells the caller.
        pub fn caller_learns(event: Event) -> Option<Outcome> {
            match event {
                #completed
                #compensated
                #[allow(unreachable_patterns)]
                _ => None,
            }
        }
    }
}

/// At the top of the outcome participant's `handle`: it tells the caller what it learns.
pub fn tell_caller(plan: &Plan, p: ParticipantId) -> Option<TokenStream> {
    let outcome = plan.saga.outcome.as_ref().filter(|_| used(plan))?;
    if outcome.participant != p {
        return None;
    }
    let m = tell_caller_method(plan)?;
    // A failure that terminates the saga: what it learns from a compensation's event (which
    // does not run) or a reaction to the failure event is that the saga terminated.
    let learns = match super::choreography_v2::terminates(plan) {
        false => quote!(caller_learns(message.event)),
        true => quote! {
            caller_learns(message.event).map(|outcome| {
                if outcome == Outcome::Compensated && message.failure.as_ref().is_some_and(terminates) {
                    Outcome::Terminated
                } else {
                    outcome
                }
            })
        },
    };
    Some(quote! {
        if let Some(outcome) = #learns {
            // The first thing it learns is the outcome; it keeps the first (idempotent).
            run_reaction(self.sleep, || self.participant.#m(&message.data, outcome, message.failure.as_ref()));
        }
    })
}

/// The outcome participant's trait method that tells the caller, with its doc.
pub fn tell_caller_declaration(plan: &Plan, p: ParticipantId) -> Option<TokenStream> {
    let outcome = plan.saga.outcome.as_ref().filter(|_| used(plan))?;
    if outcome.participant != p {
        return None;
    }
    let m = tell_caller_method(plan)?;
    let delivery = match outcome.delivery.value {
        crate::model::Delivery::Reply => "answer the caller's waiting request",
        crate::model::Delivery::Event => "publish the outcome event",
        crate::model::Delivery::Status => {
            "write it to the trigger's record, which the caller polls"
        }
    };
    let reads = super::tokens::code_list(outcome.reads.iter().map(|r| r.value.as_str()));
    let doc = super::tokens::docs(&format!(
        "Tells the caller how the saga ended (`outcome`): {delivery}, carrying {reads}\n(`failure` is `failure`, `None` when it completed). `outcome.caller_value()` is the\nvalue. Called each time this participant learns the end: keep the first and ignore\nthe others (idempotent on the saga's key). Retried until it succeeds."
    ));
    Some(quote! {
        #doc
        fn #m(&mut self, data: &SagaData, outcome: Outcome, failure: Option<&SagaFailure>) -> Result<(), StepError>;
    })
}
