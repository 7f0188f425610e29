//! A compensation's handler in a version 2 choreography (std runtime): its context from
//! the event that started it, whether it is registered for its step's attempt
//! (`runs_for`), giving up at once on nothing to undo (`absent_effect: fail`), and what it
//! publishes when it gives up (`on_failure`: its event, the escalation event, or both),
//! and nothing at all when the message's failure terminates the saga (`terminates`).
//! The simulator's rules: `scenario/machine/choreography.rs`, `handlers.rs`, `events.rs`.

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::choreography_v2::{escalation_variant, gives_up, no_left};
use super::plan::Plan;
use crate::model::{AbsentEffect, RunsFor};

/// A compensation handler's body: run it with its context; when it gives up, by its
/// `on_failure`. Returns the tokens and whether it publishes.
pub fn body(
    plan: &Plan,
    owner_tokens: &TokenStream,
    method: &Ident,
    emits: Option<&Ident>,
) -> (TokenStream, bool) {
    let left = no_left(plan);
    let carried = super::choreography_deadline::carried(plan, &quote!(message));
    let left = quote!(#left #carried);
    let attempted = super::choreography_deadline::attempted_check(plan, owner_tokens);
    let push = emits.map(|e| {
        quote!(publish.push(Message { event: Event::#e, data: message.data.clone(), failure: message.failure.clone() #left });)
    });
    let call = quote! {
        let context = CompensationContext::of(#owner_tokens, message);
        // Not registered for this attempt (`runs_for`): nothing to undo, the event goes on.
        let done = match registered(#owner_tokens, context.effect) #attempted {
            true => run_compensation(#owner_tokens, self.sleep, || self.participant.#method(&message.data, &context)),
            false => Ok(()),
        };
    };
    if !gives_up(plan) {
        return (
            terminated(
                plan,
                quote! {
                    #call
                    done?;
                    #push
                },
            ),
            emits.is_some(),
        );
    }
    let escalate = escalation_variant(plan).map(|e| {
        quote! {
            if owner.on_failure().escalates() {
                // Told at once: the effect of `owner` is left in place.
                publish.push(Message { event: Event::#e, data: message.data.clone(), failure: message.failure.clone(), left: vec![owner] #carried });
            }
        }
    });
    let publishing = push.is_some() || escalate.is_some();
    let body = match push {
        // Gave up: by its `on_failure`, stuck, or the saga goes on (publishing its event
        // unless it stops).
        Some(push) => quote! {
            let go_on = match done {
                Ok(()) => true,
                Err(Stuck::Compensation(owner)) if owner.on_failure() != OnFailure::Stuck => {
                    #escalate
                    owner.on_failure() != OnFailure::EscalateAndStop
                }
                Err(stuck) => return Err(stuck),
            };
            if go_on {
                #push
            }
        },
        None => quote! {
            match done {
                Ok(()) => {}
                Err(Stuck::Compensation(owner)) if owner.on_failure() != OnFailure::Stuck => {
                    #escalate
                }
                Err(stuck) => return Err(stuck),
            }
        },
    };
    (terminated(plan, quote!(#call #body)), publishing)
}

/// The handler's work, skipped when the message's failure terminates the saga (a saga with
/// a terminating failure): no compensation, nothing published, the message acknowledged.
fn terminated(plan: &Plan, work: TokenStream) -> TokenStream {
    if !super::choreography_v2::terminates(plan) {
        return work;
    }
    quote! {
        // A failure that terminates the saga (`then: terminate`): nothing is compensated
        // and nothing published; the message is acknowledged.
        let terminated = message.failure.as_ref().is_some_and(terminates);
        if !terminated {
            #work
        }
    }
}

/// `registered(owner, effect)` (`runs_for`) and `absent_effect_fails(owner)`.
pub fn tables(plan: &Plan) -> TokenStream {
    let saga = plan.saga;
    let owners = |keep: &dyn Fn(&crate::model::Compensation) -> bool| -> Vec<TokenStream> {
        saga.compensations()
            .filter(|(o, c)| matches!(o, crate::model::Owner::Step(_)) && keep(c))
            .map(|(o, _)| plan.owner_tokens(o))
            .collect()
    };
    let success = owners(&|c| c.runs_for.value == RunsFor::Success);
    let registered = if success.is_empty() {
        quote!(let _ = (owner, effect); true)
    } else {
        quote!(effect == Effect::Applied || !matches!(owner, #(#success)|*))
    };
    let absent = owners(&|c| c.absent_effect.value == AbsentEffect::Fail);
    let absent = if absent.is_empty() {
        quote!(let _ = owner; false)
    } else {
        quote!(matches!(owner, #(#absent)|*))
    };
    quote! {
        /// Whether the compensation is registered for its step's effect (`runs_for`): one
        /// registered for `success` alone finds nothing registered after its own step's
        /// failure, and its handler passes the event on without undoing anything.
        pub fn registered(owner: Owner, effect: Effect) -> bool {
            #registered
        }

        /// Whether the compensation fails for good on an effect that never happened
        /// (`absent_effect: fail`): its participant answers `StepError::Business`, and the
        /// handler gives it up at once instead of retrying.
        pub fn absent_effect_fails(owner: Owner) -> bool {
            #absent
        }
    }
}

/// `run_compensation` in a version 2 choreography: under its retry policy; given up at once
/// on `StepError::Business` under `absent_effect: fail`.
pub fn run_compensation(plan: &Plan) -> TokenStream {
    // Isolation: a refusal of its owner gives it up at once (`choreography_isolation.rs`).
    let refused = super::choreography_isolation::compensation_arm(plan);
    quote! {
        /// Runs a compensation under its retry policy; it gives up (`Err`) when its attempts
        /// run out, or at once when it finds nothing to undo under `absent_effect: fail`.
        fn run_compensation(
            owner: Owner,
            sleep: fn(Duration),
            mut action: impl FnMut() -> Result<(), StepError>,
        ) -> Result<(), Stuck> {
            let retry = owner.retry();
            let mut attempt = 1;
            loop {
                match action() {
                    Ok(()) => return Ok(()),
                    #refused
                    Err(StepError::Business(_)) if absent_effect_fails(owner) => {
                        return Err(Stuck::Compensation(owner));
                    }
                    Err(_) if retry.allows(attempt + 1) => {
                        attempt += 1;
                        sleep(retry.delay_before(attempt));
                    }
                    Err(_) => return Err(Stuck::Compensation(owner)),
                }
            }
        }
    }
}
