//! Choreography: no coordinator. `start` runs the trigger and returns its event; each
//! participant gets a handler that, given a delivered event, runs the steps, compensations
//! and reactions that consume it (retrying under their policies) and returns the events to
//! publish. Semantics: `docs/simulation.md`, "Choreography".

use std::collections::HashMap;

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use crate::model::{EventId, Handler, Owner, ParticipantId};

use super::choreography_v2 as v2;
use super::plan::Plan;
use super::tokens::docs;
use super::traits::{Work, method};

/// Which helper functions the handlers call (the others are not generated).
#[derive(Default)]
struct Used {
    step: bool,
    compensation: bool,
    reaction: bool,
}

impl Used {
    /// What the handlers of the whole saga call, read from who consumes what.
    fn by(plan: &Plan) -> Used {
        let saga = plan.saga;
        let mut used = Used::default();
        for event in &saga.events {
            for &(h, _) in &event.consumed_by {
                let names = plan.participant(saga.handler_participant(h));
                if names.handler_and_trait().is_none() {
                    continue;
                }
                match h {
                    Handler::Step(_) => used.step = true,
                    Handler::Compensation(_) => used.compensation = true,
                    Handler::Reaction(_) => used.reaction = true,
                }
            }
        }
        // Version 2: the escalation's action and telling the caller are retried like a
        // reaction.
        let outcome = plan.saga.outcome.as_ref().map(|o| o.participant);
        used.reaction |= (0..saga.participants.len()).any(|i| {
            let p = ParticipantId::new(i);
            v2::escalation_arm(plan, p).is_some()
                || (v2::used(plan) && outcome == Some(p) && plan.participant(p).handler.is_some())
        });
        used
    }
}

/// `start`, the participants' handlers, and the helpers they call.
pub fn tokens(plan: &Plan) -> TokenStream {
    let saga = plan.saga;
    let used = Used::by(plan);
    let handlers =
        (0..saga.participants.len()).filter_map(|i| handler(plan, ParticipantId::new(i)));

    let tp = saga.trigger.participant;
    // Version 2: no failure yet.
    let first_fields = if v2::used(plan) {
        let left = v2::no_left(plan);
        let deadline = super::choreography_deadline::first(plan);
        quote!(, failure: None #left #deadline)
    } else {
        TokenStream::new()
    };
    let start = plan.participant(tp).trait_.as_ref().map(|trait_| {
        let m = &plan.trigger_method;
        match saga.trigger.event.as_ref().and_then(|e| saga.event_id(&e.value)) {
            Some(e) => {
                let v = plan.event(e);
                let doc = docs(&format!(
                    "Runs the trigger's local transaction (`{}`) and returns the event that starts\nthe saga (`{}`), to publish.",
                    saga.trigger.action.value,
                    saga.event(e).name
                ));
                quote! {
                    #doc
                    pub fn start(participant: &mut dyn #trait_, data: SagaData) -> Result<Message, StepError> {
                        participant.#m(&data)?;
                        Ok(Message { event: Event::#v, data #first_fields })
                    }
                }
            }
            None => quote! {
                /// Runs the trigger's local transaction. It publishes no event, so nothing follows.
                pub fn start(participant: &mut dyn #trait_, data: SagaData) -> Result<(), StepError> {
                    participant.#m(&data)
                }
            },
        }
    });

    let run_step = used.step.then(|| {
        if v2::used(plan) {
            return v2::run_step(plan);
        }
        quote! {
            /// Runs a step's action under its retry policy: `Some(output)`, or `None` for a
            /// business failure or attempts run out before the point of no return; stuck after it.
            fn run_step<O>(
                step: Step,
                sleep: fn(Duration),
                mut action: impl FnMut() -> Result<O, StepError>,
            ) -> Result<Option<O>, Stuck> {
                let info = step.info();
                let mut attempt = 1;
                loop {
                    match action() {
                        Ok(output) => return Ok(Some(output)),
                        Err(StepError::Business(_)) if info.kind != StepKind::Retriable => return Ok(None),
                        Err(_) if info.retry.allows(attempt + 1) => {
                            attempt += 1;
                            sleep(info.retry.delay_before(attempt));
                        }
                        Err(_) if info.after_point_of_no_return => return Err(Stuck::Step(step)),
                        Err(_) => return Ok(None),
                    }
                }
            }
        }
    });
    let run_compensation = used.compensation.then(|| {
        if v2::used(plan) {
            return super::choreography_compensation::run_compensation(plan);
        }
        quote! {
            /// Runs a compensation under its retry policy; stuck when its attempts run out.
            fn run_compensation(
                owner: Owner,
                sleep: fn(Duration),
                mut action: impl FnMut() -> Result<(), StepError>,
            ) -> Result<(), Stuck> {
                let retry = owner.retry();
                let mut attempt = 1;
                while action().is_err() {
                    if !retry.allows(attempt + 1) {
                        return Err(Stuck::Compensation(owner));
                    }
                    attempt += 1;
                    sleep(retry.delay_before(attempt));
                }
                Ok(())
            }
        }
    });
    let run_reaction = used.reaction.then(|| {
        quote! {
            /// Runs a reaction until it succeeds (it sets a state and is idempotent).
            fn run_reaction(sleep: fn(Duration), mut action: impl FnMut() -> Result<(), StepError>) {
                let mut attempt = 1;
                while action().is_err() {
                    attempt += 1;
                    sleep(RetryPolicy::FOREVER.delay_before(attempt));
                }
            }
        }
    });

    let items = v2::items(plan);
    quote! {
        #items
        #start
        #(#handlers)*
        #run_step
        #run_compensation
        #run_reaction
    }
}

/// The handler of one participant, if it consumes anything.
fn handler(plan: &Plan, p: ParticipantId) -> Option<TokenStream> {
    let saga = plan.saga;
    let (name, trait_) = plan.participant(p).handler_and_trait()?;
    let mut publishes = false;
    // Events that get the same handling share an arm (`Event::PaymentFailed |
    // Event::ShippingFailed => …`): one arm per list of handlers, where its first event is.
    let mut arms: Vec<(Vec<EventId>, TokenStream)> = Vec::new();
    let mut arm_of: HashMap<Vec<Handler>, usize> = HashMap::new();
    let mut covered = 0;
    for (i, event) in saga.events.iter().enumerate() {
        let mut seen = Vec::new();
        for &(h, _) in &event.consumed_by {
            if saga.handler_participant(h) == p && !seen.contains(&h) {
                seen.push(h);
            }
        }
        if seen.is_empty() {
            continue;
        }
        covered += 1;
        match arm_of.get(&seen) {
            Some(&arm) => arms[arm].0.push(EventId::new(i)),
            None => {
                let body = seen.iter().map(|&h| consume(plan, h, &mut publishes));
                arms.push((vec![EventId::new(i)], quote!(#(#body)*)));
                arm_of.insert(seen, arms.len() - 1);
            }
        }
    }
    // Version 2: the escalation event, which is not one of the saga's events.
    let mut events = saga.events.len();
    let escalation = v2::escalation_arm(plan, p);
    if let Some((v, body)) = &escalation {
        events += 1;
        covered += 1;
        arms.push((Vec::new(), quote!(Event::#v => { #body })));
    }
    let dispatch = match arms.as_slice() {
        [(only, _)] if only.is_empty() => {
            // The escalation event alone.
            let (v, body) = escalation.unwrap_or_else(|| (plan.events[0].clone(), quote!()));
            quote! {
                if message.event != Event::#v {
                    return Ok(Vec::new());
                }
                #body
            }
        }
        [(events, body)] if events.len() == 1 => {
            let v = plan.event(events[0]);
            quote! {
                if message.event != Event::#v {
                    return Ok(Vec::new());
                }
                #body
            }
        }
        _ => {
            let arms = arms.iter().map(|(events, body)| {
                if events.is_empty() {
                    // A whole arm already (the escalation event's).
                    return body.clone();
                }
                let vs = events.iter().map(|&e| plan.event(e));
                quote!(#(Event::#vs)|* => { #body })
            });
            let rest = (covered < events).then(|| quote!(_ => {}));
            quote! {
                match message.event {
                    #(#arms)*
                    #rest
                }
            }
        }
    };
    // Version 2: the outcome's participant tells the caller what it learns.
    let tell_caller = super::choreography_caller::tell_caller(plan, p);
    let declare = if publishes {
        quote!(let mut publish = Vec::new();)
    } else {
        quote!(let publish = Vec::new();)
    };
    let pname = &saga.participant(p).name.value;
    let doc = docs(&format!(
        "`{pname}`'s part of the saga: what it does when an event reaches it."
    ));
    let handle_doc = docs(&match saga.outbox_of(p) {
        Some(o) => format!(
            "Handles one delivered event and returns the events to publish, through the outbox\n`{}` (`Message::outbox_record`). An error means an action gave up for good.",
            o.table.value
        ),
        None => "Handles one delivered event and returns the events to publish (no outbox: a\ncrash before publishing loses them). An error means an action gave up for good.".to_owned(),
    });
    Some(quote! {
        #doc
        pub struct #name<'a> {
            pub participant: &'a mut dyn #trait_,
            /// How to wait before a retry: `std::thread::sleep` (tests pass a no-op).
            pub sleep: fn(Duration),
        }

        impl<'a> #name<'a> {
            pub fn new(participant: &'a mut dyn #trait_) -> Self {
                #name {
                    participant,
                    sleep: std::thread::sleep,
                }
            }

            #handle_doc
            pub fn handle(&mut self, message: &Message) -> Result<Vec<Message>, Stuck> {
                #declare
                #tell_caller
                #dispatch
                Ok(publish)
            }
        }
    })
}

/// What one handler does with the event.
fn consume(plan: &Plan, h: Handler, publishes: &mut bool) -> TokenStream {
    let saga = plan.saga;
    let event_of = |name: Option<&crate::source::Spanned<String>>| {
        name.and_then(|e| saga.event_id(&e.value))
            .map(|e| plan.event(e).clone())
    };
    match h {
        Handler::Step(s) => {
            let step = saga.step(s);
            let v = &plan.step(s).variant;
            let (m, _) = method(plan, Work::Step(s));
            let call = quote! {
                run_step(Step::#v, self.sleep, || self.participant.#m(&message.data))?
            };
            if v2::used(plan) {
                let (body, publishing) = v2::step_body(plan, s, &call);
                *publishes |= publishing;
                return body;
            }
            let success = event_of(step.emits_success.as_ref());
            let failure = event_of(step.emits_failure.as_ref());
            let writes = plan.step(s).output.is_some();
            *publishes |= success.is_some() || failure.is_some();
            match (success, failure) {
                (Some(done), Some(failed)) => quote! {
                    let output = #call;
                    let next = message.outcome(output, Event::#done, Event::#failed);
                    publish.push(next);
                },
                (Some(done), None) if writes => quote! {
                    // No failure event: a failure here is silent.
                    if let Some(output) = #call {
                        let mut data = message.data.clone();
                        output.store(&mut data);
                        publish.push(Message { event: Event::#done, data });
                    }
                },
                (Some(done), None) => {
                    let ok = publish_as_received(&done);
                    quote! {
                        // No failure event: a failure here is silent.
                        if #call.is_some() { #ok }
                    }
                }
                (None, Some(failed)) => {
                    let fail = publish_as_received(&failed);
                    quote!(if #call.is_none() { #fail })
                }
                (None, None) => quote! {
                    #call;
                },
            }
        }
        Handler::Compensation(owner) => {
            let o = plan.owner_tokens(owner);
            let work = match owner {
                Owner::Trigger => Work::TriggerCompensation,
                Owner::Step(s) => Work::Compensation(s),
            };
            let (m, _) = method(plan, work);
            let emits = event_of(saga.compensation(owner).and_then(|c| c.emits.as_ref()));
            if v2::used(plan) {
                let (body, publishing) =
                    super::choreography_compensation::body(plan, &o, m, emits.as_ref());
                *publishes |= publishing;
                return body;
            }
            *publishes |= emits.is_some();
            let push = emits.as_ref().map(publish_as_received);
            quote! {
                run_compensation(#o, self.sleep, || self.participant.#m(&message.data))?;
                #push
            }
        }
        Handler::Reaction(i) => {
            let (m, _) = method(plan, Work::Reaction(i.index()));
            quote! {
                run_reaction(self.sleep, || self.participant.#m(&message.data));
            }
        }
    }
}

/// Publishes `event` with the data as the handler received it.
fn publish_as_received(event: &Ident) -> TokenStream {
    quote!(publish.push(Message { event: Event::#event, data: message.data.clone() });)
}
