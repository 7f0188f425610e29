//! The deadline in a version 2 choreography (std runtime), short form or long form with
//! `then: compensate`: there is no coordinator to keep the clock, so the deadline travels
//! with the saga's events. `start` sets `Message::deadline` (the trigger's commit plus
//! `DEADLINE`), every event passes it on, and the handler of a step the deadline reaches
//! (`scenario::deadline_reaches`: through the point of no return's stage) refuses the work
//! when the event arrives after it: it does not call the action and publishes the step's
//! failure event for `DeadlinePassed` (`failure_event`: the map's entry, else the first
//! declared failure's), so the saga compensates. The simulator's rules:
//! `scenario/machine/choreography.rs` (`handle_step`) and `handlers.rs`
//! (`refused_after_deadline`). Under `then: terminate` the refusal terminates the saga
//! (`terminating`, which `choreography_v2.rs`'s `terminates` table includes).

use proc_macro2::TokenStream;
use quote::quote;

use super::plan::Plan;
use crate::model::{DeadlineThen, Owner, RunsFor, Saga, StepId};

/// Whether the crate is a version 2 choreography with a deadline.
pub fn used(plan: &Plan) -> bool {
    super::choreography_v2::used(plan) && plan.saga.deadline.is_some()
}

/// Whether a choreography's deadline is carried out: always. Under `then: terminate` the
/// refusal's failure (`DeadlinePassed` of the refused step) is one of those `terminates`
/// names (`choreography_v2.rs`), so the compensation handlers skip it.
pub fn implemented(_saga: &Saga) -> bool {
    true
}

/// The steps whose refusal after the deadline terminates the saga, with the steps the
/// deadline `keeps`: every step the deadline reaches, under `then: terminate`.
pub fn terminating(saga: &Saga) -> Vec<(StepId, Vec<StepId>)> {
    let Some(policy) = &saga.deadline_policy else {
        return Vec::new();
    };
    if policy.then.value != DeadlineThen::Terminate || saga.deadline.is_none() {
        return Vec::new();
    }
    let keeps: Vec<StepId> = policy.keeps.iter().map(|k| k.value).collect();
    saga.step_ids()
        .filter(|&s| crate::scenario::deadline_reaches(saga, s))
        .map(|s| (s, keeps.clone()))
        .collect()
}

/// Whether the step's handler checks the deadline (it reaches the step's stage).
pub fn checks(plan: &Plan, s: StepId) -> bool {
    used(plan) && crate::scenario::deadline_reaches(plan.saga, s)
}

/// The `Message` field that carries the deadline.
pub fn message_field(plan: &Plan) -> TokenStream {
    if !used(plan) {
        return TokenStream::new();
    }
    quote! {
        /// When the saga's deadline passes (the trigger's commit plus `DEADLINE`): every
        /// event carries it, and a step's handler that receives its event after it
        /// refuses the work (`past_deadline`).
        pub deadline: Option<SystemTime>,
    }
}

/// `, deadline: <from>.deadline` in a `Message` literal built from `from` (`message` or
/// `self`), or nothing.
pub fn carried(plan: &Plan, from: &TokenStream) -> TokenStream {
    if !used(plan) {
        return TokenStream::new();
    }
    quote!(, deadline: #from.deadline)
}

/// `, deadline: ...` in the first event's literal: counted from the trigger's commit.
pub fn first(plan: &Plan) -> TokenStream {
    if !used(plan) {
        return TokenStream::new();
    }
    quote!(, deadline: SystemTime::now().checked_add(DEADLINE))
}

/// A step handler's `let result = ...`: refused (`DeadlinePassed`) when its event
/// arrived after the deadline, else the action's result (`call`).
pub fn step_result(plan: &Plan, s: StepId, call: &TokenStream) -> TokenStream {
    if !checks(plan, s) {
        return call.clone();
    }
    let v = &plan.step(s).variant;
    quote! {
        // The deadline passed before the event arrived: refused, nothing applied.
        if message.past_deadline() {
            Err(SagaFailure::deadline_passed(Step::#v))
        } else {
            #call
        }
    }
}

/// A step handler with nothing to publish: the action runs unless the deadline passed.
pub fn silent_step(plan: &Plan, s: StepId, call: &TokenStream) -> TokenStream {
    if !checks(plan, s) {
        return quote!(let _ = #call;);
    }
    quote! {
        // The deadline passed before the event arrived: refused, silently.
        if !message.past_deadline() {
            let _ = #call;
        }
    }
}

/// The owners of `runs_for: any_attempt` compensations whose step the deadline reaches:
/// a step it refused was never attempted, so they find nothing registered.
fn any_attempt_owners(plan: &Plan) -> Vec<TokenStream> {
    plan.saga
        .compensations()
        .filter(|(o, c)| {
            matches!(o, Owner::Step(s) if checks(plan, *s))
                && c.runs_for.value == RunsFor::AnyAttempt
        })
        .map(|(o, _)| plan.owner_tokens(o))
        .collect()
}

/// `&& attempted(owner, &context)` after `registered(...)` in a compensation's handler,
/// when some `any_attempt` compensation's step can be refused at the deadline.
pub fn attempted_check(plan: &Plan, owner: &TokenStream) -> TokenStream {
    if any_attempt_owners(plan).is_empty() {
        return TokenStream::new();
    }
    quote!(&& attempted(#owner, &context))
}

/// `DEADLINE`, `Message::past_deadline`, `SagaFailure::deadline_passed` and `attempted`.
pub fn items(plan: &Plan) -> TokenStream {
    if !used(plan) {
        return TokenStream::new();
    }
    let millis = plan.saga.deadline.as_ref().map_or(0, |d| {
        u64::try_from(d.value.as_millis()).unwrap_or(u64::MAX)
    });
    let owners = any_attempt_owners(plan);
    let attempted = (!owners.is_empty()).then(|| {
        quote! {
            /// Whether the compensation's step was attempted: not when the deadline refused
            /// it (`DeadlinePassed` is its own failure), so a compensation registered for
            /// `any_attempt` finds nothing registered.
            pub fn attempted(owner: Owner, context: &CompensationContext) -> bool {
                !(context.effect == Effect::Failed
                    && context.failure.name == "DeadlinePassed"
                    && matches!(owner, #(#owners)|*))
            }
        }
    });
    quote! {
        /// The saga's deadline, counted from the trigger's commit.
        pub const DEADLINE: Duration = Duration::from_millis(#millis);

        impl Message {
            /// Whether the saga's deadline had passed when this event arrived.
            pub fn past_deadline(&self) -> bool {
                self.deadline.is_some_and(|deadline| SystemTime::now() > deadline)
            }
        }

        impl SagaFailure {
            /// The failure of a step whose event arrived after the deadline: it refused
            /// the work and applied nothing.
            pub fn deadline_passed(step: Step) -> SagaFailure {
                SagaFailure {
                    step: step.id(),
                    name: "DeadlinePassed".to_owned(),
                    message: "the saga's deadline passed before the event arrived".to_owned(),
                }
            }
        }

        #attempted
    }
}

/// The harness's `deadline:<step>`: the event that starts the step reaches its handler
/// after the deadline (the broker delivers it with a deadline already past), as the
/// simulator's run has it.
pub fn harness(plan: &Plan) -> TokenStream {
    if !used(plan) {
        return TokenStream::new();
    }
    let saga = plan.saga;
    let arms = saga
        .step_ids()
        .filter(|&s| checks(plan, s))
        .filter_map(|s| {
            let step = saga.step(s);
            let e = saga.event_id(&step.consumes.as_ref()?.value)?;
            let ev = plan.event(e);
            let pv = &plan.participant(step.participant).variant;
            let sv = &plan.step(s).variant;
            Some(quote!((Event::#ev, Participant::#pv) => Some(Step::#sv),))
        });
    quote! {
        /// The step whose handler an event starts at a participant, among those the
        /// deadline reaches.
        fn deadline_step(event: Event, to: Participant) -> Option<Step> {
            match (event, to) {
                #(#arms)*
                #[allow(unreachable_patterns)]
                _ => None,
            }
        }
    }
}

/// In the broker's loop: `deadline:<step>` delivers the step's event after the deadline.
pub fn harness_delivery(plan: &Plan) -> TokenStream {
    if !used(plan) {
        return TokenStream::new();
    }
    quote! {
        let mut message = message;
        let late = deadline_step(message.event, to)
            .is_some_and(|step| world.borrow_mut().fire(&format!("deadline:{}", step.id())));
        if late {
            message.deadline = Some(std::time::SystemTime::UNIX_EPOCH);
        }
    }
}
