//! Language version 2 in a choreography, on the std runtime. There is no coordinator to
//! keep what ended the forward phase, so the events carry it: every `Message` of a version
//! 2 choreography holds the saga's `failure` (set by the step whose failure event starts
//! the compensations, passed on by each compensation's event), and a compensation's
//! effect status follows from it (its own step failed, or it succeeded). Implemented: the
//! failure-event map (`emits.failure` by failure, `Message::outcome` picks the event), a
//! `failures` entry in the long form that compensates or is retried on its own policy
//! (`then: retry`), what a compensation receives (`CompensationContext`; `runs_for`,
//! `absent_effect`, `reads_if_present`), `on_failure` with the escalation event (a compensation that
//! gives up publishes it, `left` its owner; the escalation's participant consumes it),
//! `compensation_defaults` (resolved by the model), `on_uncaught` (`retry`, `compensate`,
//! `no_reply`), the caller's `outcome` at the end (`choreography_caller.rs`), the deadline
//! the events carry, short form or long form with `then: compensate`
//! (`choreography_deadline.rs`), a compensation's `timeout` (`choreography_timeout.rs`),
//! the outbox payload carrying what the events carry (`choreography_outbox.rs`), and a
//! failure that terminates the saga (`then: terminate`, a declared failure or `Exhausted`):
//! there is no coordinator to stop, so the failing handler publishes its failure event
//! carrying the failure, every compensation handler that receives a message whose failure
//! `terminates` acknowledges it without compensating or publishing, and the outcome's
//! participant learns `Outcome::Terminated` from it (the deadline's `then: terminate`
//! too: the refused step's `DeadlinePassed` terminates). Refused by name: a built-in
//! failure name (`TimedOut`, `Exhausted`) with `then: retry`, which the simulator's choreography does not run (it plays the entry as
//! `then: compensate`). The semantics are the simulator's
//! (`scenario/machine/choreography.rs`, `events.rs`, `handlers.rs`).

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::names::{Namespace, camel, ident};
use super::plan::Plan;
use crate::model::{
    BuiltinFailure, Coordination, FailureThen, Key, OnFailure, OnUncaught, ParticipantId, Saga,
    StepId,
};

/// Whether the crate is a version 2 choreography on the std runtime.
pub fn used(plan: &Plan) -> bool {
    !plan.orchestration && !plan.restate && plan.saga.is_v2()
}

/// Whether a version 2 choreography's key is carried out by the std runtime.
pub fn implemented(saga: &Saga, key: Key) -> bool {
    debug_assert_eq!(saga.coordination, Coordination::Choreography);
    match key {
        // The outcome participant tells the caller when it first learns the end, which in
        // a choreography is also the decision (`at: decision` runs as `at: end` does).
        Key::Outcome => true,
        // A step that may apply its effect and still fail: `transactional(step)`; its
        // events are dual writes even with an outbox.
        Key::Transactional => true,
        // `Message::outcome` and `failure_event`.
        Key::FailureEventMap => true,
        // A long-form entry that compensates, as the short form does, or a class retried
        // on its own policy (`then: retry`, `classes.rs`'s table). A built-in name
        // (`TimedOut`, `Exhausted`) with `then: retry` is refused: the simulator's
        // choreography never consults it (a step's handler runs out of attempts under the
        // step's own policy and fails `Exhausted`, compensated; no handler times out), so
        // generating it would either ignore what the spec says or disagree with the
        // simulator.
        Key::FailureLongForm => saga.steps.iter().all(|s| {
            s.failure_handling.iter().all(|f| match f.then.value {
                FailureThen::Compensate => f.retry.is_none(),
                FailureThen::Retry => f.builtin.is_none(),
                // A compensation handler skips a message whose failure `terminates`; the
                // failure's name is what `SagaFailure::of` makes: a declared one, or
                // `Exhausted` (the long-form deadline is another key).
                FailureThen::Terminate => {
                    f.retry.is_none() && f.builtin.is_none_or(|b| b == BuiltinFailure::Exhausted)
                }
            })
        }),
        // `run_compensation` gives up; the handler applies the policy.
        Key::OnFailure => true,
        // The model caps `max_attempts` by the attempts that start within the budget; the
        // broker's redeliveries wait `delay_before` (`RetryPolicy { within, jitter }`).
        Key::RetryWithin | Key::RetryJitter => true,
        // `retry`, `compensate` and `no_reply` in `run_step` and `failure_event`
        // (`terminate` is R103 in a choreography).
        Key::OnUncaught => true,
        // `CompensationContext::of` and `registered`; `reads_if_present` fields are the
        // step's writes, `None` in the data of its own failure event.
        Key::RunsFor | Key::AbsentEffect | Key::ReadsIfPresent => true,
        // The escalation event, a variant of `Event` of its own.
        Key::Escalation => escalation_event_free(saga),
        // The handler retries an attempt that timed out (`choreography_timeout.rs`).
        Key::CompensationTimeout => true,
        // Resolved into each compensation by the model: its `retry` (`within` is the
        // policy's `max_attempts`, `jitter` the waits: `RetryPolicy`), `timeout`,
        // `runs_for` and `absent_effect`, each implemented.
        Key::CompensationDefaults => true,
        // It travels with the events; a step's handler refuses the work after it
        // (`choreography_deadline.rs`); under `then: terminate` its refusal terminates.
        Key::DeadlineLongForm => super::choreography_deadline::implemented(saga),
        _ => false,
    }
}

/// The (step, failure name) pairs whose failure terminates the saga (`then: terminate`),
/// in spec order, with the steps each keeps; then those of the deadline's refusals
/// (`DeadlinePassed`, under its `then: terminate`).
fn terminating(saga: &Saga) -> Vec<(StepId, &str, Vec<StepId>)> {
    let declared = saga.step_ids().flat_map(|s| {
        saga.step(s)
            .failure_handling
            .iter()
            .filter(|f| f.then.value == FailureThen::Terminate)
            .map(move |f| {
                let keeps = f.keeps.iter().map(|k| k.value).collect();
                (s, f.name.value.as_str(), keeps)
            })
    });
    let deadline = super::choreography_deadline::terminating(saga)
        .into_iter()
        .map(|(s, keeps)| (s, BuiltinFailure::DeadlinePassed.as_str(), keeps));
    declared.chain(deadline).collect()
}

/// Whether a version 2 choreography has a failure that terminates the saga.
pub fn terminates(plan: &Plan) -> bool {
    used(plan) && !terminating(plan.saga).is_empty()
}

/// `terminates(&SagaFailure)`: whether the saga's failure terminates it, which every
/// compensation handler and the outcome's participant ask of the message they receive.
fn terminates_table(plan: &Plan) -> TokenStream {
    if !terminates(plan) {
        return TokenStream::new();
    }
    let saga = plan.saga;
    let pairs = terminating(saga);
    let arms = pairs.iter().map(|(s, name, _)| {
        let id = &saga.step(*s).id.value;
        quote!((#id, #name))
    });
    let mut doc = String::from(
        "Whether the saga's failure terminates it (`then: terminate`): the saga stops where it\nfailed, nothing is compensated. A compensation handler that receives a message\ncarrying such a failure does not compensate and publishes nothing (it acknowledges\nthe message); the outcome's participant learns `Outcome::Terminated` from it. Steps\nalready under way in other branches are not stopped. The effects left on purpose\n(`keeps`; the trigger's is always kept):",
    );
    for (s, name, keeps) in &pairs {
        let kept = match keeps.is_empty() {
            true => "nothing".to_owned(),
            false => {
                super::tokens::code_list(keeps.iter().map(|k| saga.step(*k).id.value.as_str()))
            }
        };
        doc.push_str(&format!(
            "\n- `{}` failing with `{name}` keeps {kept}.",
            saga.step(*s).id.value
        ));
    }
    let doc = super::tokens::docs(&doc);
    quote! {
        #doc
        pub fn terminates(failure: &SagaFailure) -> bool {
            matches!((failure.step, failure.name.as_str()), #(#arms)|*)
        }
    }
}

/// The escalation event is not one of the saga's events (it becomes its own variant).
fn escalation_event_free(saga: &Saga) -> bool {
    saga.escalation
        .as_ref()
        .and_then(|e| e.event.as_ref())
        .is_none_or(|e| saga.event_id(&e.value).is_none())
}

/// The escalation event's name and participant, in a version 2 choreography that
/// escalates.
pub fn escalation_event<'p>(plan: &Plan<'p>) -> Option<(&'p str, ParticipantId)> {
    if !escalates(plan) {
        return None;
    }
    let e = plan.saga.escalation.as_ref()?;
    Some((e.event.as_ref()?.value.as_str(), e.participant))
}

/// The `Event` variant of the escalation event: its name in camel case, unless one of the
/// saga's events has it.
pub fn escalation_variant(plan: &Plan) -> Option<Ident> {
    let (name, _) = escalation_event(plan)?;
    let taken: Vec<String> = plan.events.iter().map(ToString::to_string).collect();
    let taken: Vec<&str> = taken.iter().map(String::as_str).collect();
    Some(ident(&Namespace::with(&taken).claim(&camel(name), "Event")))
}

/// Whether some compensation gives up other than by getting the saga stuck.
pub fn gives_up(plan: &Plan) -> bool {
    used(plan)
        && plan
            .saga
            .compensations()
            .any(|(_, c)| c.on_failure.value != OnFailure::Stuck)
}

/// Whether the saga can end `NeedsAttention`.
pub fn escalates(plan: &Plan) -> bool {
    gives_up(plan)
        && plan
            .saga
            .compensations()
            .any(|(_, c)| c.on_failure.value.escalates())
}

/// `, left: Vec::new()` in a `Message` literal when messages carry `left`, or nothing.
pub fn no_left(plan: &Plan) -> TokenStream {
    if escalation_event(plan).is_some() {
        quote!(, left: Vec::new())
    } else {
        TokenStream::new()
    }
}

/// The fields version 2 adds to `Message`.
pub fn message_fields(plan: &Plan) -> TokenStream {
    if !used(plan) {
        return TokenStream::new();
    }
    let deadline = super::choreography_deadline::message_field(plan);
    let left = escalation_event(plan).is_some().then(|| {
        quote! {
            /// The escalation event: the effects still in place (the owner whose
            /// compensation gave up).
            pub left: Vec<Owner>,
        }
    });
    quote! {
        /// What ended the forward phase, once something did: set by the step whose failure
        /// event this is, passed on by every compensation's event.
        pub failure: Option<SagaFailure>,
        #left
        #deadline
    }
}

/// `Message::outcome` in a version 2 choreography: the event by the step's result.
pub fn message_outcome(plan: &Plan) -> TokenStream {
    let left = no_left(plan);
    let carried = super::choreography_deadline::carried(plan, &quote!(self));
    let left = quote!(#left #carried);
    quote! {
        /// What a step publishes once its action ran (`result` is `run_step`'s answer):
        /// `done` with the step's output stored in the data, or the event its failure
        /// publishes (`failure_event`), carrying the failure. `None` when there is nothing
        /// to publish (no success event, or a failure without an event: it is silent).
        pub fn outcome<O: Output>(&self, step: Step, result: Result<O, SagaFailure>, done: Option<Event>) -> Option<Message> {
            match result {
                Ok(output) => {
                    let event = done?;
                    let mut data = self.data.clone();
                    output.store(&mut data);
                    Some(Message { event, data, failure: self.failure.clone() #left })
                }
                Err(failure) => {
                    let event = failure_event(step, &failure)?;
                    Some(Message { event, data: self.data.clone(), failure: Some(failure) #left })
                }
            }
        }
    }
}

/// The types and tables a version 2 choreography's handlers use: `Effect`, `SagaFailure`,
/// `CompensationContext`, `failure_event`, `OnFailure`, `Escalation`, and the caller's
/// outcome.
pub fn items(plan: &Plan) -> TokenStream {
    if !used(plan) {
        return TokenStream::new();
    }
    let failure_event = failure_event_table(plan);
    let uncaught = uncaught_table(plan);
    let classes = super::classes::table(plan);
    let transactional = transactional_table(plan);
    let compensations = super::choreography_compensation::tables(plan);
    let on_failure = on_failure_items(plan);
    let caller = super::choreography_caller::items(plan);
    let terminates = terminates_table(plan);
    let deadline = super::choreography_deadline::items(plan);
    let timeout = super::choreography_timeout::items(plan);
    let outbox = super::choreography_outbox::items(plan);
    quote! {
        /// What became of the step a compensation undoes.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
        pub enum Effect {
            /// The step succeeded (the trigger's effect is always applied).
            #[default]
            Applied,
            /// It answered a failure: the failure event that reached the compensation is
            /// its own (its effect may be partly applied).
            Failed,
        }

        /// What ended the saga's forward phase: the spec's `failure` field, carried by the
        /// events from the failed step on. Later failures (a compensation that gives up) do
        /// not replace it.
        #[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
        pub struct SagaFailure {
            /// The step that failed.
            pub step: &'static str,
            /// A declared failure's name, or `Exhausted` (transient failures, no attempt
            /// left).
            pub name: String,
            /// What the participant said.
            pub message: String,
        }

        impl SagaFailure {
            /// The failure a step's error makes.
            pub fn of(step: Step, error: &StepError) -> SagaFailure {
                let name = match error {
                    StepError::Business(failure) if step.kind() != StepKind::Retriable => {
                        failure.name().to_owned()
                    }
                    StepError::Business(_) | StepError::Transient(_) | StepError::TimedOut => {
                        "Exhausted".to_owned()
                    }
                    StepError::Unexpected(_) => "Uncaught".to_owned(),
                };
                SagaFailure { step: step.id(), name, message: error.to_string() }
            }
        }

        /// What a compensation receives beside the saga's data.
        #[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
        pub struct CompensationContext {
            /// What became of its step.
            pub effect: Effect,
            /// What ended the forward phase.
            pub failure: SagaFailure,
        }

        impl CompensationContext {
            /// What the compensation of `owner` receives from the event that started it.
            pub fn of(owner: Owner, message: &Message) -> CompensationContext {
                let failure = message.failure.clone().unwrap_or_default();
                let effect = match owner {
                    Owner::Step(step) if failure.step == step.id() => Effect::Failed,
                    _ => Effect::Applied,
                };
                CompensationContext { effect, failure }
            }
        }

        #failure_event
        #uncaught
        #classes
        #transactional
        #compensations
        #on_failure
        #caller
        #terminates
        #deadline
        #timeout
        #outbox
    }
}

/// `uncaught_retried(step)`: whether an error nobody declared is transient at the step.
fn uncaught_table(plan: &Plan) -> TokenStream {
    let saga = plan.saga;
    let retried: Vec<TokenStream> = saga
        .step_ids()
        .filter(|&s| saga.step(s).on_uncaught.value == OnUncaught::Retry)
        .map(|s| {
            let v = &plan.step(s).variant;
            quote!(Step::#v)
        })
        .collect();
    let body = if retried.is_empty() {
        quote!(let _ = step; false)
    } else if retried.len() == saga.steps.len() {
        quote!(let _ = step; true)
    } else {
        quote!(matches!(step, #(#retried)|*))
    };
    quote! {
        /// Whether an error nobody declared is transient at this step (`on_uncaught:
        /// retry`, a choreography's default: the handler throws and the broker redelivers
        /// the event); otherwise it is the failure `Uncaught`.
        pub fn uncaught_retried(step: Step) -> bool {
            #body
        }
    }
}

/// `StepError::Unexpected` and its `Display` arm.
pub fn error_variants() -> (TokenStream, TokenStream) {
    (
        quote! {
            /// An error the spec does not declare (an exception, an unmapped error class):
            /// the step's `on_uncaught` says what it becomes.
            Unexpected(String),
        },
        quote! {
            StepError::Unexpected(why) => write!(f, "unexpected error: {why}"),
        },
    )
}

/// `failure_event(step, failure)`: the event a step's failure publishes.
fn failure_event_table(plan: &Plan) -> TokenStream {
    let saga = plan.saga;
    let event = |name: &str| saga.event_id(name).map(|e| plan.event(e).clone());
    let mut arms = Vec::new();
    for s in saga.step_ids() {
        let step = saga.step(s);
        let sv = &plan.step(s).variant;
        // `Uncaught`: swallowed under `no_reply`; under `compensate`, the map's event for
        // it (none: silent) or the single event.
        let unmapped = !step.emits_failure_by.is_empty()
            && step
                .failure_event(BuiltinFailure::Uncaught.as_str())
                .is_none();
        if step.on_uncaught.value == OnUncaught::NoReply || unmapped {
            arms.push(quote!((Step::#sv, "Uncaught") => None,));
        }
        if step.emits_failure_by.is_empty() {
            if let Some(e) = step.emits_failure.as_ref().and_then(|e| event(&e.value)) {
                arms.push(quote!((Step::#sv, _) => Some(Event::#e),));
            }
            continue;
        }
        for f in &step.emits_failure_by {
            let name = &f.failure.value;
            if let Some(e) = event(&f.event.value) {
                arms.push(quote!((Step::#sv, #name) => Some(Event::#e),));
            }
        }
        // Any other failure (`Exhausted` unmapped, one nobody declared) publishes the
        // event of the step's first declared failure.
        let first = step
            .failure_handling
            .iter()
            .find(|f| f.builtin.is_none())
            .and_then(|f| step.failure_event(&f.name.value))
            .and_then(|e| event(&e.value));
        if let Some(e) = first {
            arms.push(quote!((Step::#sv, _) => Some(Event::#e),));
        }
    }
    quote! {
        /// The event a step's failure publishes: the one its `emits.failure` map names for
        /// it (or the single failure event); a failure the map does not name (`Exhausted`)
        /// publishes the step's first declared failure's. `None`: the failure is silent.
        pub fn failure_event(step: Step, failure: &SagaFailure) -> Option<Event> {
            match (step, failure.name.as_str()) {
                #(#arms)*
                #[allow(unreachable_patterns)]
                _ => None,
            }
        }
    }
}

/// `OnFailure`, `Owner::on_failure` and `Escalation`, when some compensation gives up
/// other than by getting the saga stuck.
fn on_failure_items(plan: &Plan) -> TokenStream {
    if !gives_up(plan) {
        return TokenStream::new();
    }
    let arms = plan.saga.compensations().filter_map(|(o, c)| {
        let policy = match c.on_failure.value {
            OnFailure::Stuck => return None,
            OnFailure::Continue => quote!(OnFailure::Continue),
            OnFailure::Escalate => quote!(OnFailure::Escalate),
            OnFailure::EscalateAndStop => quote!(OnFailure::EscalateAndStop),
        };
        let owner = plan.owner_tokens(o);
        Some(quote!(#owner => #policy,))
    });
    let escalation = escalation_event(plan).map(|_| {
        quote! {
            /// What the escalation's action is told: the saga's key is in its data.
            #[derive(Debug, Clone, PartialEq, Eq, Hash)]
            pub struct Escalation {
                /// What ended the forward phase.
                pub failure: SagaFailure,
                /// The effects still in place: the owner whose compensation gave up.
                pub left: Vec<Owner>,
            }
        }
    });
    quote! {
        /// What a compensation's handler does when it gives up (`on_failure`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum OnFailure {
            /// It publishes nothing: the saga is stuck.
            Stuck,
            /// It publishes its event anyway, so the compensations before it still run;
            /// nobody is told of the effect left.
            Continue,
            /// It publishes the escalation event (`left`: its owner), then its event.
            Escalate,
            /// It publishes the escalation event only: no other compensation runs.
            EscalateAndStop,
        }

        impl OnFailure {
            /// Whether the escalation is told.
            pub fn escalates(self) -> bool {
                matches!(self, OnFailure::Escalate | OnFailure::EscalateAndStop)
            }
        }

        impl Owner {
            /// What the handler does when this compensation gives up.
            pub fn on_failure(self) -> OnFailure {
                match self {
                    #(#arms)*
                    #[allow(unreachable_patterns)]
                    _ => OnFailure::Stuck,
                }
            }
        }

        #escalation
    }
}

/// `run_step` in a version 2 choreography: a step's action under its retry policy, its
/// output or the failure it publishes.
pub fn run_step(plan: &Plan) -> TokenStream {
    // A failure class (`then: retry`): retried on its own policy, then out of attempts as
    // transient failures are.
    let class = super::classes::used(plan).then(|| {
        quote! {
            Err(StepError::Business(failure)) if class_retry(step, &failure).is_some() => {
                let retry = class_retry(step, &failure).unwrap_or(info.retry);
                if retry.allows(attempt + 1) {
                    attempt += 1;
                    sleep(retry.delay_before(attempt));
                } else if info.after_point_of_no_return {
                    return Err(Stuck::Step(step));
                } else {
                    let error = StepError::Transient(failure.name().to_owned());
                    return Ok(Err(SagaFailure::of(step, &error)));
                }
            }
        }
    });
    // Isolation: a built-in failure the records answered (`choreography_isolation.rs`).
    let refused = super::choreography_isolation::run_step_arm(plan);
    quote! {
        /// Runs a step's action under its retry policy: its output, or the failure it
        /// publishes (a business failure, or attempts run out before the point of no
        /// return); stuck when attempts run out after it.
        fn run_step<O>(
            step: Step,
            sleep: fn(Duration),
            mut action: impl FnMut() -> Result<O, StepError>,
        ) -> Result<Result<O, SagaFailure>, Stuck> {
            let info = step.info();
            let mut attempt = 1;
            loop {
                match action() {
                    Ok(output) => return Ok(Ok(output)),
                    #refused
                    #class
                    Err(error @ StepError::Business(_)) if info.kind != StepKind::Retriable => {
                        return Ok(Err(SagaFailure::of(step, &error)));
                    }
                    // An error nobody declared, by the step's `on_uncaught`:
                    // `Uncaught` (published, or swallowed: `failure_event`), or
                    // transient (the broker redelivers).
                    Err(error @ StepError::Unexpected(_)) if !uncaught_retried(step) => {
                        return Ok(Err(SagaFailure::of(step, &error)));
                    }
                    Err(_) if info.retry.allows(attempt + 1) => {
                        attempt += 1;
                        sleep(info.retry.delay_before(attempt));
                    }
                    Err(_) if info.after_point_of_no_return => return Err(Stuck::Step(step)),
                    Err(error) => return Ok(Err(SagaFailure::of(step, &error))),
                }
            }
        }
    }
}

/// The step handler's body in a version 2 choreography: run it, publish its outcome.
pub fn step_body(plan: &Plan, s: StepId, call: &TokenStream) -> (TokenStream, bool) {
    let saga = plan.saga;
    let step = saga.step(s);
    let v = &plan.step(s).variant;
    let done = step
        .emits_success
        .as_ref()
        .and_then(|e| saga.event_id(&e.value))
        .map(|e| plan.event(e).clone());
    let publishes = done.is_some() || !step.failure_events().is_empty();
    if !publishes {
        return (
            super::choreography_deadline::silent_step(plan, s, call),
            false,
        );
    }
    let call = super::choreography_deadline::step_result(plan, s, call);
    let done = match done {
        Some(e) => quote!(Some(Event::#e)),
        None => quote!(None),
    };
    (
        quote! {
            let result = #call;
            if let Some(next) = message.outcome(Step::#v, result, #done) {
                publish.push(next);
            }
        },
        true,
    )
}

/// The escalation participant's handling of the escalation event: its action, retried
/// until it succeeds (idempotent on the saga's key).
pub fn escalation_arm(plan: &Plan, p: ParticipantId) -> Option<(Ident, TokenStream)> {
    let (_, participant) = escalation_event(plan)?;
    if participant != p {
        return None;
    }
    let v = escalation_variant(plan)?;
    let m = plan.escalation.as_ref()?;
    Some((
        v,
        quote! {
            let escalation = Escalation {
                failure: message.failure.clone().unwrap_or_default(),
                left: message.left.clone(),
            };
            run_reaction(self.sleep, || self.participant.#m(&message.data, &escalation));
        },
    ))
}

/// Whether the participant handles the escalation event (so it gets a handler).
pub fn handles_escalation(saga: &Saga, p: ParticipantId) -> bool {
    saga.is_v2()
        && saga.coordination == Coordination::Choreography
        && saga
            .escalation
            .as_ref()
            .is_some_and(|e| e.participant == p && e.event.is_some())
        && saga
            .compensations()
            .any(|(_, c)| c.on_failure.value.escalates())
}

/// Whether some step is not one local transaction (`transactional: false`).
pub fn non_transactional(plan: &Plan) -> bool {
    used(plan) && plan.saga.steps.iter().any(|s| !s.transactional.value)
}

/// `transactional(step)`, when some step is not one local transaction.
fn transactional_table(plan: &Plan) -> TokenStream {
    if !non_transactional(plan) {
        return TokenStream::new();
    }
    let steps = plan
        .saga
        .step_ids()
        .filter(|&s| !plan.saga.step(s).transactional.value)
        .map(|s| {
            let v = &plan.step(s).variant;
            quote!(Step::#v)
        });
    quote! {
        /// Whether the step's effect, its answer and its outbox row are one local
        /// transaction. One that is not (`transactional: false`) may fail with its effect
        /// applied (its compensation runs for `any_attempt`), and a crash between its write
        /// and its publish loses its event even with an outbox.
        pub fn transactional(step: Step) -> bool {
            !matches!(step, #(#steps)|*)
        }
    }
}
