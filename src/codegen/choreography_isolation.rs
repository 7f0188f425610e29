//! Version 2, isolation, in a choreography on the std runtime: what the handlers do when
//! the records refuse a local transaction, and the harness of `tests/isolation.rs` that
//! runs several instances over one `RecordStore` (`record_store.rs`, the orchestration's)
//! through the choreography's broker. The semantics are the simulator's
//! (`scenario/machine/choreography.rs`, `scenario/isolation/`):
//!
//! - a step's handler answered `Locked`, `Changed` or `WrongState` applies nothing and
//!   announces it at once as its failure (the step's failure event; none: silent), even on
//!   a retriable step: the refusal is not retried into the same answer (`then: retry` of a
//!   built-in failure, the broker's redelivery, is refused by name);
//! - a compensation answered `WrongState` or `Changed` gives up at once (its `on_failure`
//!   then applies);
//! - an event whose handler meets another instance's lock under `wait` stays with the
//!   broker until the lock is released (the tests' broker holds it back).
//!
//! The test file's scenarios, tests and assertions are `isolation_tests.rs`'s; this file
//! gives its choreography harness: the participants as views of the store, `calls_of` (the
//! participant calls a delivery makes) and `run`, the broker that delivers each instance's
//! events in the simulator's order of participant calls.

use proc_macro2::TokenStream;
use quote::quote;

use crate::model::resources::Actor;
use crate::model::{BuiltinFailure, EventId, Handler, Owner, ParticipantId, Saga};

use super::choreography_v2 as v2;
use super::plan::Plan;
use super::traits::{self, Work, works};

/// Why a scenario's test is not generated when a fault other than `fail:` or `exhaust:`
/// strikes (the store's owner fails a step's first attempt, or every attempt): the
/// choreography's broker delivers each event once, in order, and plays no crash, timeout,
/// outage, duplicate or deadline (the file's header names each such scenario).
pub const UNPLAYED_FAULT: &str =
    "a fault other than `fail:` and `exhaust:`, which the choreography's broker does not play";

/// Whether the std runtime generates a choreography's isolation (beside what
/// `resources::implemented` asks of every saga): no reaction has effects (the tests'
/// store plays the trigger, steps and compensations), every step is one local
/// transaction (the store applies nothing for a call that fails), and the records never
/// refuse the trigger (the harness's instance starts with the trigger's publish).
pub fn implemented(saga: &Saga) -> bool {
    let reaction_effects = saga.reactions.iter().enumerate().any(|(i, _)| {
        !saga
            .resources
            .of(Actor::Reaction(crate::model::ReactionId::new(i)))
            .is_empty()
    });
    !reaction_effects
        && saga.steps.iter().all(|s| s.transactional.value)
        && !crate::scenario::isolation::calls::trigger_may_be_refused(saga)
}

/// The built-in isolation failures the owner may answer, as `Failure` variants: for a
/// step (`steps`) or a compensation.
fn refused(plan: &Plan, compensation: bool) -> Vec<proc_macro2::Ident> {
    if !plan.saga.resources.any() {
        return Vec::new();
    }
    let found = crate::scenario::isolation::calls::refusals(plan.saga);
    super::resources::builtins(plan.saga)
        .into_iter()
        .filter(|b| {
            found
                .iter()
                .any(|(a, f)| f == b && *a != Actor::Trigger && a.is_compensation() == compensation)
        })
        .filter(|b| !compensation || *b != BuiltinFailure::Locked)
        .map(|b| super::names::ident(b.as_str()))
        .collect()
}

/// In a version 2 choreography's `run_step`, first: a built-in isolation failure is the
/// step's failure at once, announced under its own name, whatever the step's kind.
pub fn run_step_arm(plan: &Plan) -> TokenStream {
    let refused = refused(plan, false);
    if refused.is_empty() {
        return TokenStream::new();
    }
    let pattern = match refused.as_slice() {
        [one] => quote!(Failure::#one),
        _ => quote!((#(Failure::#refused)|*)),
    };
    quote! {
        // Isolation: the records refused the handler's local transaction. Nothing was
        // applied; the refusal is announced as the step's failure, never retried into the
        // same answer.
        Err(StepError::Business(failure @ #pattern)) => {
            let name = failure.name().to_owned();
            let message = StepError::Business(failure).to_string();
            return Ok(Err(SagaFailure { step: step.id(), name, message }));
        }
    }
}

/// In a version 2 choreography's `run_compensation`, first: a compensation its owner
/// refuses (`WrongState`: the record neither in `from` nor already in `to`; `Changed`)
/// gives up at once, as the simulator's does.
pub fn compensation_arm(plan: &Plan) -> TokenStream {
    let refused = refused(plan, true);
    if refused.is_empty() {
        return TokenStream::new();
    }
    quote! {
        // Isolation: the owner refused; retrying meets the same records.
        Err(StepError::Business(#(Failure::#refused)|*)) => {
            return Err(Stuck::Compensation(owner));
        }
    }
}

/// The choreography's harness of `tests/isolation.rs`: the views, the data, the broker's
/// run, and what a run is asserted.
pub fn harness(plan: &Plan, n: usize) -> TokenStream {
    let package = super::names::ident(&plan.package);
    let views = views(plan, &package);
    let data = super::isolation_tests::data(plan);
    let calls_of = calls_of(plan);
    let instance = instance(plan);
    let run = run(n);
    let assertions = super::isolation_harness::run_assertions(false);
    quote! {
        #views
        #data
        #calls_of
        #instance
        #run
        #assertions
    }
}

/// `Owners`: one instance's participants, every one a view of the store, logging the
/// calls they make.
fn views(plan: &Plan, package: &proc_macro2::Ident) -> TokenStream {
    let impls = plan.actors().map(|(id, _, trait_)| {
        let methods = works(plan, id).into_iter().map(|w| {
            let (m, ret) = traits::method(plan, w);
            match w {
                Work::Trigger => quote! {
                    fn #m(&mut self, data: &SagaData) -> #ret {
                        self.call(Call::Trigger, data)
                    }
                },
                Work::Step(s) => {
                    let v = &plan.step(s).variant;
                    quote! {
                        fn #m(&mut self, data: &SagaData) -> #ret {
                            self.call(Call::Run(Step::#v), data)
                        }
                    }
                }
                Work::Compensation(_) | Work::TriggerCompensation => {
                    let owner = match w {
                        Work::Compensation(s) => plan.owner_tokens(Owner::Step(s)),
                        _ => plan.owner_tokens(Owner::Trigger),
                    };
                    quote! {
                        fn #m(&mut self, data: &SagaData, context: &CompensationContext) -> #ret {
                            self.undo(#owner, data, context)
                        }
                    }
                }
                // No effects (`implemented`): nothing of the store.
                Work::Reaction(_) => quote! {
                    fn #m(&mut self, _data: &SagaData) -> #ret {
                        Ok(())
                    }
                },
                Work::Escalation => quote! {
                    fn #m(&mut self, _data: &SagaData, _escalation: &Escalation) -> #ret {
                        Ok(())
                    }
                },
            }
        });
        let tell = super::choreography_caller::tell_caller_declaration(plan, id)
            .and_then(|_| super::choreography_caller::tell_caller_method(plan))
            .map(|m| {
                quote! {
                    fn #m(&mut self, _data: &SagaData, _outcome: Outcome, _failure: Option<&SagaFailure>) -> Result<(), StepError> {
                        Ok(())
                    }
                }
            });
        // The trait by its path: a type of this file may have a participant's name.
        quote! {
            impl #package::generated::#trait_ for Owners {
                #(#methods)*
                #tell
            }
        }
    });
    quote! {
        /// Instance `instance`'s participants: each is a view of the shared store.
        struct Owners {
            store: Rc<RefCell<RecordStore>>,
            instance: usize,
            /// The calls made since the broker last looked, each with whether it succeeded.
            made: Vec<(Call, bool)>,
        }

        impl Owners {
            /// A call of this instance; what a step writes is left empty.
            fn call<O: Default>(&mut self, call: Call, data: &SagaData) -> Result<O, StepError> {
                let result = self.store.borrow_mut().call(self.instance, call, data);
                self.made.push((call, result.is_ok()));
                result.map(|()| O::default())
            }

            /// A compensation. Told that its step failed (the event is the step's own
            /// failure event), it finds nothing applied, since the store applies nothing
            /// for a call that fails: nothing to undo, a failure under `absent_effect: fail`.
            fn undo(&mut self, owner: Owner, data: &SagaData, context: &CompensationContext) -> Result<(), StepError> {
                if context.effect == Effect::Failed {
                    self.made.push((Call::Undo(owner), true));
                    if absent_effect_fails(owner) {
                        return Err(StepError::Business(Failure::Other("nothing to undo".to_owned())));
                    }
                    return Ok(());
                }
                self.call(Call::Undo(owner), data)
            }
        }

        #(#impls)*
    }
}

/// `calls_of(event, participant)`: the participant calls a delivery makes, its handlers
/// there for the event (a step's, a compensation's), in the spec's order.
fn calls_of(plan: &Plan) -> TokenStream {
    let saga = plan.saga;
    let mut arms = Vec::new();
    for (e, event) in saga.events.iter().enumerate() {
        // Per participant, its handlers' actions, each once, in the spec's order.
        let mut by: Vec<(ParticipantId, Vec<Actor>)> = Vec::new();
        for &(h, _) in &event.consumed_by {
            let p = saga.handler_participant(h);
            let actor = match h {
                Handler::Step(s) => Actor::Step(s),
                Handler::Compensation(o) => Actor::Compensation(o),
                Handler::Reaction(_) => continue,
            };
            match by.iter_mut().find(|(q, _)| *q == p) {
                Some((_, actors)) if actors.contains(&actor) => {}
                Some((_, actors)) => actors.push(actor),
                None => by.push((p, vec![actor])),
            }
        }
        let ev = plan.event(EventId::new(e));
        for (p, actors) in by {
            let pv = &plan.participant(p).variant;
            let calls = actors
                .into_iter()
                .filter_map(|a| super::record_store::call(plan, a));
            arms.push(quote!((Event::#ev, Participant::#pv) => &[#(#calls),*],));
        }
    }
    quote! {
        /// The participant calls a delivery of `event` to `to` makes: its handlers there.
        #[allow(unreachable_patterns)]
        fn calls_of(event: Event, to: Participant) -> &'static [Call] {
            match (event, to) {
                #(#arms)*
                _ => &[],
            }
        }
    }
}

/// `Instance`: one saga run through the broker, its participants views of the store.
fn instance(plan: &Plan) -> TokenStream {
    let saga = plan.saga;
    let started = match saga
        .trigger
        .event
        .as_ref()
        .and_then(|e| saga.event_id(&e.value))
    {
        Some(_) => quote! {
            let first = start(&mut self.owners, data(i)).expect("the trigger commits");
            self.publish(first);
        },
        None => quote! {
            start(&mut self.owners, data(i)).expect("the trigger commits");
        },
    };
    let escalation = v2::escalation_variant(plan);
    let (field, init, escalated, needs_attention) = match &escalation {
        Some(e) => (
            quote! {
                /// The escalation was told.
                escalated: bool,
            },
            quote!(escalated: false,),
            quote!(self.escalated |= message.event == Event::#e;),
            quote! {
                else if self.announced && self.escalated {
                    Outcome::NeedsAttention
                }
            },
        ),
        None => Default::default(),
    };
    let state = quote! {
        /// One instance: its participants (views of the store), its events in flight to
        /// each consumer (the broker), and what its run has done.
        struct Instance {
            owners: Owners,
            started: bool,
            deliveries: VecDeque<(Message, Participant)>,
            /// Calls made and not yet met in the schedule: a delivery runs every handler
            /// of its participant for its event, and a step's retries.
            ahead: Vec<Call>,
            done: Vec<Step>,
            /// A failure event was published: the saga compensates.
            announced: bool,
            #field
            stuck: bool,
            outcome: Option<Outcome>,
        }

        impl Instance {
            fn new(store: &Rc<RefCell<RecordStore>>, instance: usize) -> Instance {
                Instance {
                    owners: Owners { store: Rc::clone(store), instance, made: Vec::new() },
                    started: false,
                    deliveries: VecDeque::new(),
                    ahead: Vec::new(),
                    done: Vec::new(),
                    announced: false,
                    #init
                    stuck: false,
                    outcome: None,
                }
            }

            /// The broker takes an event: one delivery per consumer.
            fn publish(&mut self, message: Message) {
                self.announced |= message.event.is_failure();
                #escalated
                for &to in message.event.consumers() {
                    self.deliveries.push_back((message.clone(), to));
                }
            }

            /// Whether the owner would stash delivery `at`: a call it makes meets a lock
            /// another instance holds, under `wait` (the event stays with the broker).
            fn parked(&self, i: usize, at: usize) -> bool {
                let (message, to) = &self.deliveries[at];
                let store = self.owners.store.borrow();
                calls_of(message.event, *to).iter().any(|&call| store.parks(i, call, &message.data))
            }
        }
    };
    let delivery = delivery(plan, &started, &needs_attention);
    let progress = progress();
    quote! {
        #state
        #delivery
        #progress
    }
}

/// `Instance`'s runs: the trigger, a delivery to a handler, and the end read from them.
fn delivery(plan: &Plan, started: &TokenStream, needs_attention: &TokenStream) -> TokenStream {
    let handlers = plan.participants.iter().filter_map(|names| {
        let (h, _) = names.handler_and_trait()?;
        let v = &names.variant;
        Some(quote! {
            Participant::#v => #h { participant: &mut self.owners, sleep: no_wait }.handle(&message),
        })
    });
    quote! {
        impl Instance {
            /// Runs the trigger, unless its owner parks it.
            fn start(&mut self, i: usize) -> bool {
                if self.owners.store.borrow().parks(i, Call::Trigger, &data(i)) {
                    return false;
                }
                self.started = true;
                #started
                self.after(i);
                true
            }

            /// Delivers event `at` to its consumer, whose handler runs.
            fn deliver(&mut self, i: usize, at: usize) {
                let Some((message, to)) = self.deliveries.remove(at) else {
                    return;
                };
                #[allow(unreachable_patterns)]
                let handled = match to {
                    #(#handlers)*
                    _ => Ok(Vec::new()),
                };
                match handled {
                    Ok(published) => {
                        for next in published {
                            self.publish(next);
                        }
                    }
                    Err(_) => self.stuck = true,
                }
                self.after(i);
            }

            /// What the calls made did; with nothing left in flight, the instance's end.
            fn after(&mut self, i: usize) {
                for (call, ok) in std::mem::take(&mut self.owners.made) {
                    if let (Call::Run(step), true) = (call, ok) {
                        self.done.push(step);
                    }
                    self.ahead.push(call);
                }
                if self.deliveries.is_empty() && self.outcome.is_none() {
                    let outcome = self.end();
                    self.outcome = Some(outcome);
                    self.owners.store.borrow_mut().ended(i, outcome);
                }
            }

            /// How the run ended, as the simulator reads a choreography's.
            fn end(&self) -> Outcome {
                if self.stuck {
                    Outcome::Stuck
                }
                #needs_attention
                else if self.announced {
                    Outcome::Compensated
                } else if Step::ALL.iter().all(|s| self.done.contains(s)) {
                    Outcome::Completed
                } else {
                    // A silent failure: nothing left to deliver, and the saga waits forever.
                    Outcome::Stuck
                }
            }
        }
    }
}

/// `Instance`'s progress: towards a call of the schedule, or, once it is done, the next
/// event in flight.
fn progress() -> TokenStream {
    quote! {
        impl Instance {
            /// Makes progress towards `call`: `false` when what it needs is parked.
            fn towards(&mut self, i: usize, call: Call) -> bool {
                if !self.started {
                    return self.start(i);
                }
                // The oldest event whose handlers make the call; else the oldest whose
                // handlers make none (it may publish the event the call needs).
                let wanted = self.deliveries.iter().position(|(m, to)| calls_of(m.event, *to).contains(&call));
                let other = || self.deliveries.iter().position(|(m, to)| calls_of(m.event, *to).is_empty());
                let Some(at) = wanted.or_else(other) else {
                    panic!("[{}] has no event in flight that makes {call:?} (in flight: {:?})", letter(i), self.deliveries)
                };
                if self.parked(i, at) {
                    return false;
                }
                self.deliver(i, at);
                true
            }

            /// Once the schedule is done: the oldest event its owner does not park.
            fn next(&mut self, i: usize) -> bool {
                if !self.started {
                    return self.start(i);
                }
                match (0..self.deliveries.len()).find(|&at| !self.parked(i, at)) {
                    Some(at) => {
                        self.deliver(i, at);
                        true
                    }
                    None => false,
                }
            }
        }
    }
}

/// `run(schedule, faults)`: the broker, in the order of the schedule's calls.
fn run(n: usize) -> TokenStream {
    let n = super::tokens::usize_lit(n);
    quote! {
        /// How many instances run at once (`isolation.instances`).
        const INSTANCES: usize = #n;

        /// What a run left: the store, and each instance's end.
        struct Run {
            store: Rc<RefCell<RecordStore>>,
            outcomes: Vec<Option<Outcome>>,
        }

        /// Runs the instances over one store. For each call of `schedule` in its order,
        /// its instance's event whose handler makes it is delivered; one its owner parks
        /// waits, with the instance's later calls behind it, until the lock is released.
        /// Then whatever is in flight, in turn: each instance's oldest event not parked.
        fn run(schedule: &[(usize, Call)], faults: &[(usize, &str)]) -> Run {
            let store = Rc::new(RefCell::new(RecordStore::new(faults)));
            let mut instances: Vec<Instance> = (0..INSTANCES).map(|i| Instance::new(&store, i)).collect();
            let mut due: Vec<VecDeque<Call>> = (0..INSTANCES).map(|_| VecDeque::new()).collect();
            let mut schedule = schedule.iter();
            loop {
                let mut moved = false;
                for (i, instance) in instances.iter_mut().enumerate() {
                    let Some(&call) = due[i].front() else {
                        continue;
                    };
                    if let Some(at) = instance.ahead.iter().position(|&made| made == call) {
                        instance.ahead.remove(at);
                        due[i].pop_front();
                        moved = true;
                    } else {
                        moved |= instance.towards(i, call);
                    }
                }
                if moved {
                    continue;
                }
                if let Some(&(i, call)) = schedule.next() {
                    due[i].push_back(call);
                    continue;
                }
                // The schedule is done: each instance's next event, in turn.
                for (i, instance) in instances.iter_mut().enumerate() {
                    if due[i].is_empty() {
                        moved |= instance.next(i);
                    }
                }
                if !moved {
                    break;
                }
            }
            for (i, (due, instance)) in due.iter().zip(&instances).enumerate() {
                assert!(
                    due.is_empty() && instance.deliveries.is_empty(),
                    "deadlock: [{}] waits for a lock with {due:?} {:?}",
                    letter(i),
                    instance.deliveries
                );
            }
            Run { store, outcomes: instances.iter().map(|x| x.outcome).collect() }
        }
    }
}
