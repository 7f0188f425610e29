//! `tests/scenarios.rs` of the generated crate: in-memory fake participants, and one test
//! per scenario the simulator enumerates, driving the generated code through it and
//! asserting the outcome and compensation order the simulator predicts. Faults are named
//! as the simulator names them (`fail:charge_payment`), so a test reads like its scenario.
//!
//! What a sans-IO, single-threaded, in-order run cannot show is not skipped silently: a
//! crash is played by the harness (the trigger's outbox record is relayed, the orchestrator
//! resumes from its persisted `Saga`), a duplicate is delivered twice (the fakes dedup on
//! the idempotency key), and the remaining differences (other delivery orders, the
//! not-applied side of a timeout) are listed in the file's header.

use proc_macro2::TokenStream;
use quote::quote;

use crate::model::{Owner, ParticipantId, Saga, StepId};
use std::collections::HashMap;

use crate::scenario::{Expectation, Fault, Outcome, Work};

use super::format::{Error, rust_file};
use super::names::{Namespace, ident, test_name};
use super::plan::{Plan, RESERVED_TEST_FNS};
use super::tokens::{code_list, docs, inner_docs};
use super::traits::{Work as Method, method, works};

/// Which parts of the harness the scenarios use (the others are not generated, so that the
/// test crate has no dead code).
#[derive(Default)]
struct Needs {
    trigger_crash: bool,
    orchestrator_crash: bool,
    duplicate: bool,
}

/// The tests file is laid out in parts on separate threads: the [`head`], then the tests
/// in chunks of this many ([`part`]); their texts, a blank line apart, are the file.
pub const TESTS_PER_PART: usize = 250;

/// What the parts share, worked out once: each test's function name (claimed in scenario
/// order, so that the names do not depend on the parts) and the shared compensation orders.
pub struct Prepared {
    names: Vec<String>,
    orders: Orders,
}

pub fn prepare(scenarios: &[Expectation]) -> Prepared {
    let mut fns = Namespace::with(RESERVED_TEST_FNS);
    Prepared {
        names: scenarios
            .iter()
            .map(|s| fns.claim(&test_name(&s.name), "_scenario"))
            .collect(),
        orders: Orders::of(scenarios),
    }
}

/// The tests of `scenarios[range]`.
pub fn part(
    plan: &Plan,
    scenarios: &[Expectation],
    range: std::ops::Range<usize>,
    prepared: &Prepared,
) -> Result<String, Error> {
    let tests = scenarios[range.clone()]
        .iter()
        .zip(&prepared.names[range])
        .map(|(s, name)| test(plan, s, name, &prepared.orders));
    let tests = plan.pieces.items(tests);
    rust_file("tests/scenarios.rs", tests, "", &plan.pieces)
}

/// The harness: everything before the tests, and the shared compensation orders.
pub fn head(plan: &Plan, scenarios: &[Expectation], prepared: &Prepared) -> Result<String, Error> {
    let saga = plan.saga;
    let mut needs = Needs::default();
    let trigger_event = saga
        .trigger
        .event
        .as_ref()
        .and_then(|e| saga.event_id(&e.value));
    for s in scenarios {
        for f in &s.faults {
            match f {
                Fault::Crash { event, .. } if Some(*event) == trigger_event => {
                    needs.trigger_crash = true;
                }
                Fault::OrchestratorCrash(_) => needs.orchestrator_crash = true,
                Fault::DupStep(_) | Fault::DupEvent(_) => needs.duplicate = true,
                _ => {}
            }
        }
    }
    let package = ident(&plan.package);
    let header_doc = inner_docs(&header(plan, scenarios));
    let world = world(plan, &needs);
    let fakes = fakes(plan, &needs);
    let sample = sample_data(plan);
    let harness = if plan.orchestration {
        orchestration_run(plan, &needs)
    } else {
        choreography_run(plan)
    };
    let shared_orders = prepared.orders.tokens(saga);
    let tokens = quote! {
        #header_doc
        #![cfg_attr(rustfmt, rustfmt::skip)]

        use std::cell::RefCell;
        use std::collections::{BTreeMap, BTreeSet, VecDeque};
        use std::rc::Rc;

        use #package::generated::*;

        #world
        #fakes
        #sample
        #harness

        /// What one run ended with.
        #[derive(Debug)]
        struct Run {
            outcome: Outcome,
            /// Compensations in the order they ran, the trigger's last.
            compensated: Vec<&'static str>,
            /// Effects applied a second time (`undo:<owner>` for a compensation), sorted.
            again: Vec<String>,
        }

        impl Run {
            fn of(outcome: Option<Outcome>, world: &RefCell<World>) -> Run {
                let world = world.borrow();
                let mut compensated = world.compensated.clone();
                if let Some(i) = compensated.iter().position(|owner| *owner == "trigger") {
                    let trigger = compensated.remove(i);
                    compensated.push(trigger);
                }
                let mut again = world.again.clone();
                again.sort();
                Run {
                    outcome: outcome.unwrap_or(Outcome::Stuck),
                    compensated,
                    again,
                }
            }
        }

        /// Asserts what the simulator predicts for the scenario.
        fn expect(run: Run, outcome: Outcome, compensated: &[&str], again: &[&str]) {
            assert_eq!(run.outcome, outcome, "outcome ({run:?})");
            assert_eq!(run.compensated, compensated, "compensations in the order they ran ({run:?})");
            assert_eq!(run.again, again, "effects applied twice ({run:?})");
        }

        fn no_wait(_: std::time::Duration) {}

        #shared_orders
    };
    let header = format!(
        "// @generated by `sagac codegen` from {}.\n// Do not edit: every run rewrites this file.\n// Laid out by prettyplease; rustfmt leaves it alone, so every run gives the same bytes.\n",
        plan.source
    );
    rust_file("tests/scenarios.rs", tokens, &header, &plan.pieces)
}

fn header(plan: &Plan, scenarios: &[Expectation]) -> String {
    let saga = plan.saga;
    let mut h = format!(
        "One test per scenario the simulator enumerates ({} scenarios, as\n`sagac simulate {}` lists them). Each drives the generated code with in-memory fake\nparticipants configured for the scenario's faults, and asserts the outcome, the order\nof the compensations and the effects applied twice that the simulator predicts for its\nrepresentative run.\n",
        scenarios.len(),
        plan.source
    );
    h.push_str(
        "\nThe fakes: a business failure (`fail:`) fails the first attempt (a transient one for a\nretriable step); `exhaust:` fails every attempt; `timeout:` applies the effect, then\nanswers `StepError::TimedOut`; `compfail:` fails every attempt of a compensation. A\nparticipant with an idempotency key applies an effect once per key.\n",
    );
    if plan.orchestration {
        h.push_str(
            "\nPlayed by the harness around the driver: `crash:<service>@<event>` (the trigger's\nservice crashes after its commit, before publishing: with an outbox the relay publishes\nthe record after the restart, without one the saga never starts), `crash:orchestrator@`\n(the orchestrator stops before sending the step's command and, with a saga log, resumes\nfrom the persisted `Saga` with `Driver::resume`; without one the saga is lost), and\n`dup:<step>` (the command is executed a second time; the orchestrator ignores the\nsecond answer and the participant deduplicates on its key).\n",
        );
    } else {
        h.push_str(
            "\nThe harness is the broker: it delivers each event to its consumers in the order they\nwere published. `crash:<service>@<event>`: the publisher crashes after its commit; with\nan outbox the relay publishes the event's record after the restart, without one the\nevent is lost. `dup:<event>`: every consumer receives it twice; like the simulator, a\nredelivery publishes nothing new (the `dup:` scenarios of later events cover that).\n",
        );
    }
    h.push_str("\nNot reproduced here, as a single-threaded run in order cannot show them; the simulator\nexplores them and `sagac simulate` reports their violations:\n");
    if plan.orchestration {
        h.push_str("- the other interleavings of a parallel group's answers (the tests send and answer in\n  order; compensation order does not depend on it);\n");
    } else {
        h.push_str("- every other order of delivering concurrent events (the tests deliver first-in,\n  first-out, the simulator's representative run);\n");
    }
    if saga.steps.iter().any(|s| s.timeout.is_some()) && plan.orchestration {
        h.push_str("- the side of a `timeout:` in which the effect was not applied (the fakes apply it, as\n  the representative run does);\n");
    }
    h.push_str("- a duplicate arriving later than right after the original.\n");
    let broken = scenarios.iter().filter(|s| !s.broken.is_empty()).count();
    if broken > 0 {
        h.push_str(&format!(
            "\nThe runs of {broken} scenario(s) break invariants: their tests assert the same (flawed)\nbehaviour, and their doc comments name the invariants (`sagac simulate` explains them).\n",
        ));
    }
    h
}

/// The world the fakes share: which faults are left to fire, and what happened.
fn world(plan: &Plan, needs: &Needs) -> TokenStream {
    let outbox = needs.trigger_crash && plan.orchestration && has_trigger_outbox(plan);
    let outbox_field = outbox.then(|| {
        quote! {
            /// Outbox records the trigger wrote.
            outbox: Vec<outbox::OutboxRecord>,
        }
    });
    quote! {
        /// What the fakes share: the faults left to fire (each fires once, where it first
        /// applies) and what the participants did.
        #[derive(Debug, Default)]
        struct World {
            faults: Vec<String>,
            /// The current delivery repeats one already made.
            duplicate: bool,
            calls: BTreeMap<&'static str, u32>,
            applied: BTreeMap<&'static str, u32>,
            /// Idempotency keys seen, per step.
            keys: BTreeSet<(&'static str, String)>,
            /// Steps and compensations (`undo:<owner>`) that fail on every attempt.
            exhausting: BTreeSet<String>,
            /// Steps whose action succeeded.
            done: BTreeSet<&'static str>,
            /// Compensations, the first time each ran.
            compensated: Vec<&'static str>,
            /// Effects applied a second time.
            again: Vec<String>,
            #outbox_field
        }

        impl World {
            fn new(faults: &[&str]) -> Rc<RefCell<World>> {
                Rc::new(RefCell::new(World {
                    faults: faults.iter().map(|f| (*f).to_owned()).collect(),
                    ..World::default()
                }))
            }

            /// Whether the fault is injected here (then it has fired and will not again).
            fn fire(&mut self, fault: &str) -> bool {
                match self.faults.iter().position(|f| f == fault) {
                    Some(i) => {
                        self.faults.remove(i);
                        true
                    }
                    None => false,
                }
            }

            /// A step's action, as its participant runs it.
            fn step(&mut self, step: Step, key: Option<&str>) -> Result<(), StepError> {
                let id = step.id();
                let calls = self.calls.entry(id).or_default();
                *calls += 1;
                if self.duplicate && *calls > 1 {
                    // A redelivery: business logic is deterministic, so it answers as the first
                    // time did, and applies the effect again unless the key is known.
                    if self.done.contains(id) || self.applied.contains_key(id) {
                        self.apply(step, key);
                        return Ok(());
                    }
                    return Err(StepError::Business(Failure::Other("a repeat of a failed request".to_owned())));
                }
                if self.fire(&format!("timeout:{id}")) {
                    self.apply(step, key);
                    return Err(StepError::TimedOut);
                }
                if self.exhausting.contains(id) || self.fire(&format!("exhaust:{id}")) {
                    self.exhausting.insert(id.to_owned());
                    return Err(StepError::Transient("every attempt fails".to_owned()));
                }
                if self.fire(&format!("fail:{id}")) {
                    return Err(if step.kind() == StepKind::Retriable {
                        StepError::Transient("the first attempt fails".to_owned())
                    } else {
                        StepError::Business(Failure::Other("injected".to_owned()))
                    });
                }
                self.apply(step, key);
                self.done.insert(id);
                Ok(())
            }

            fn apply(&mut self, step: Step, key: Option<&str>) {
                if step.kind() == StepKind::ReadOnly {
                    return;
                }
                if let Some(key) = key {
                    if !self.keys.insert((step.id(), key.to_owned())) {
                        return;
                    }
                }
                let applied = self.applied.entry(step.id()).or_default();
                *applied += 1;
                if *applied == 2 {
                    self.again.push(step.id().to_owned());
                }
            }

            /// A compensation, as its participant runs it.
            fn compensate(&mut self, owner: Owner) -> Result<(), StepError> {
                let id = owner.id();
                let name = format!("undo:{id}");
                if self.exhausting.contains(&name) || self.fire(&format!("compfail:{id}")) {
                    self.exhausting.insert(name);
                    return Err(StepError::Transient("every attempt fails".to_owned()));
                }
                let idempotent = match owner {
                    Owner::Trigger => true,
                    Owner::Step(step) => step.info().idempotency_key.is_some(),
                };
                if !self.compensated.contains(&id) {
                    self.compensated.push(id);
                } else if !idempotent {
                    self.again.push(name);
                }
                Ok(())
            }
        }
    }
}

fn has_trigger_outbox(plan: &Plan) -> bool {
    plan.saga.outbox_of(plan.saga.trigger.participant).is_some()
        && plan.saga.trigger.event.is_some()
}

/// The expression of a step's idempotency key value, from `data`.
fn key_expr(plan: &Plan, s: StepId) -> Option<TokenStream> {
    let key = plan.saga.step(s).idempotency_key.as_ref()?;
    let f = plan.field(&key.value)?;
    let name = &f.ident;
    Some(if f.required {
        quote!(Some(data.#name.as_str()))
    } else {
        quote!(data.#name.as_deref())
    })
}

fn fakes(plan: &Plan, needs: &Needs) -> TokenStream {
    let record_outbox = needs.trigger_crash && plan.orchestration && has_trigger_outbox(plan);
    let fakes = plan.actors().map(|(id, names, trait_)| {
        let pv = &names.variant;
        let methods = works(plan, id).into_iter().map(|w| {
            let (m, ret) = method(plan, w);
            match w {
                Method::Trigger => {
                    let record = record_outbox
                        .then(|| trigger_event_variant(plan))
                        .flatten()
                        .map(|ev| {
                            quote! {
                                // The trigger writes its event's outbox record in its transaction.
                                let message = Message { event: Event::#ev, data: data.clone() };
                                self.0.borrow_mut().outbox.push(message.outbox_record(Participant::#pv));
                            }
                        });
                    let data = if record.is_some() { quote!(data) } else { quote!(_data) };
                    quote! {
                        fn #m(&mut self, #data: &SagaData) -> #ret {
                            #record
                            Ok(())
                        }
                    }
                }
                Method::Step(s) => {
                    let v = &plan.step(s).variant;
                    let key = key_expr(plan, s);
                    let data = if key.is_some() { quote!(data) } else { quote!(_data) };
                    let key = key.unwrap_or_else(|| quote!(None));
                    quote! {
                        fn #m(&mut self, #data: &SagaData) -> #ret {
                            self.act(Step::#v, #key)
                        }
                    }
                }
                Method::Compensation(s) => {
                    let owner = plan.owner_tokens(Owner::Step(s));
                    quote! {
                        fn #m(&mut self, _data: &SagaData) -> #ret {
                            self.undo(#owner)
                        }
                    }
                }
                Method::TriggerCompensation => quote! {
                    fn #m(&mut self, _data: &SagaData) -> #ret {
                        self.undo(Owner::Trigger)
                    }
                },
                Method::Reaction(_) => quote! {
                    fn #m(&mut self, _data: &SagaData) -> #ret {
                        Ok(())
                    }
                },
            }
        });
        let methods = plan.pieces.impl_items(methods);
        quote! {
            impl #trait_ for Fake {
                #methods
            }
        }
    });
    quote! {
        /// Every participant, in memory: the shared `World` decides what happens.
        struct Fake(Rc<RefCell<World>>);

        impl Fake {
            /// A step's action; what it writes is left empty.
            fn act<O: Default>(&self, step: Step, key: Option<&str>) -> Result<O, StepError> {
                self.0.borrow_mut().step(step, key).map(|()| O::default())
            }

            fn undo(&self, owner: Owner) -> Result<(), StepError> {
                self.0.borrow_mut().compensate(owner)
            }
        }

        #(#fakes)*
    }
}

fn trigger_event_variant(plan: &Plan) -> Option<super::names::Name> {
    let saga = plan.saga;
    let e = saga
        .trigger
        .event
        .as_ref()
        .and_then(|e| saga.event_id(&e.value))?;
    Some(plan.event(e).clone())
}

fn sample_data(plan: &Plan) -> TokenStream {
    let required: Vec<TokenStream> = plan
        .fields
        .iter()
        .filter(|f| f.required)
        .map(|f| {
            let name = &f.ident;
            let value = format!("{}-1", f.name);
            quote!(#name: #value.to_owned(),)
        })
        .collect();
    let body = if required.is_empty() {
        quote!(SagaData::default())
    } else if plan.fields.iter().all(|f| f.required) {
        quote!(SagaData { #(#required)* })
    } else {
        quote!(SagaData { #(#required)* ..SagaData::default() })
    };
    quote! {
        /// The data a saga starts with: each trigger field set to `<field>-1`.
        fn sample_data() -> SagaData {
            #body
        }
    }
}

fn fake_var(plan: &Plan, p: ParticipantId) -> proc_macro2::Ident {
    let name = plan.saga.participant(p).name.value.clone();
    ident(&format!("fake_{name}"))
}

fn handler_var(plan: &Plan, p: ParticipantId) -> proc_macro2::Ident {
    let name = plan.saga.participant(p).name.value.clone();
    ident(&format!("handler_{name}"))
}

fn orchestration_run(plan: &Plan, needs: &Needs) -> TokenStream {
    let saga = plan.saga;
    let fakes = plan.actors().map(|(id, _, _)| {
        let var = fake_var(plan, id);
        quote!(let mut #var = Fake(Rc::clone(&world));)
    });
    let fields = plan.actors().map(|(id, names, _)| {
        let field = &names.field;
        let var = fake_var(plan, id);
        quote!(#field: &mut #var,)
    });
    let by_hand = needs.trigger_crash || needs.orchestrator_crash || needs.duplicate;
    let run = if by_hand {
        quote! {
            let outcome = if faults.iter().any(|f| f.starts_with("crash:") || f.starts_with("dup:")) {
                drive_by_hand(&mut driver, &world, data)
            } else {
                driver.run(data).expect("the trigger commits").outcome()
            };
        }
    } else {
        quote!(let outcome = driver.run(data).expect("the trigger commits").outcome();)
    };
    let tp = saga.trigger.participant;
    let trigger_field = &plan.participant(tp).field;
    let trigger_method = &plan.trigger_method;
    let trigger_crash = needs.trigger_crash.then(|| {
        let fault = format!(
            "crash:{}@{}",
            saga.participant(tp).name.value,
            saga.trigger
                .event
                .as_ref()
                .map(|e| e.value.as_str())
                .unwrap_or_default()
        );
        let event = saga
            .trigger
            .event
            .as_ref()
            .map(|e| e.value.clone())
            .unwrap_or_default();
        let after = if has_trigger_outbox(plan) {
            quote! {
                // The relay publishes the event from the outbox after the restart.
                let recorded = world
                    .borrow()
                    .outbox
                    .iter()
                    .any(|record| record.r#type == #event);
                assert!(recorded, "the trigger wrote its event's outbox record");
            }
        } else if saga.has_engine() {
            quote! {
                // The workflow engine started the saga durably.
            }
        } else {
            quote! {
                // A dual write: the event is lost and the saga never starts.
                return None;
            }
        };
        quote! {
            if world.borrow_mut().fire(#fault) {
                // The service crashed after its commit, before publishing.
                #after
            }
        }
    });
    let orchestrator_crash = needs.orchestrator_crash.then(|| {
        let after = if plan.durable_state() {
            quote! {
                // Restarted, it reads the saga back from its log and resumes.
                return driver.resume(saga).outcome();
            }
        } else {
            quote! {
                // No saga log: the saga is lost with the orchestrator's memory.
                return None;
            }
        };
        quote! {
            if let Command::Run { step, attempt: 1, .. } = command {
                if world.borrow_mut().fire(&format!("crash:orchestrator@{}", step.id())) {
                    #after
                }
            }
        }
    });
    let duplicate = needs.duplicate.then(|| {
        quote! {
            let duplicate = match command {
                Command::Run { step, .. } => world.borrow_mut().fire(&format!("dup:{}", step.id())),
                Command::Compensate { .. } => false,
            };
            if duplicate {
                world.borrow_mut().duplicate = true;
                let again = driver.execute(&saga, &command);
                world.borrow_mut().duplicate = false;
                // The orchestrator waits for this answer no more: it is ignored.
                assert!(saga.on_reply(again).is_empty());
            }
        }
    });
    let hand = by_hand.then(|| {
        quote! {
            /// The driver's loop written out, to inject what the driver cannot: a crash of
            /// a service or of the orchestrator, a command delivered twice.
            fn drive_by_hand(driver: &mut Driver<'_>, world: &Rc<RefCell<World>>, data: SagaData) -> Option<Outcome> {
                driver.participants.#trigger_field.#trigger_method(&data).expect("the trigger commits");
                #trigger_crash
                let (mut saga, commands) = Saga::start(data);
                let mut queue = VecDeque::from(commands);
                while let Some(command) = queue.pop_front() {
                    #orchestrator_crash
                    let reply = driver.execute(&saga, &command);
                    queue.extend(saga.on_reply(reply));
                    #duplicate
                }
                saga.outcome()
            }
        }
    });
    quote! {
        /// Runs the saga under the faults with fresh fakes.
        fn run(faults: &[&str]) -> Run {
            let world = World::new(faults);
            #(#fakes)*
            let mut driver = Driver::new(Participants { #(#fields)* });
            driver.sleep = no_wait;
            let data = sample_data();
            #run
            drop(driver);
            Run::of(outcome, &world)
        }

        #hand
    }
}

fn choreography_run(plan: &Plan) -> TokenStream {
    let saga = plan.saga;
    let fakes = plan.actors().map(|(id, _, _)| {
        let var = fake_var(plan, id);
        quote!(let mut #var = Fake(Rc::clone(&world));)
    });
    let tp = saga.trigger.participant;
    let trigger_fake = fake_var(plan, tp);
    let tpv = &plan.participant(tp).variant;
    let handlers: Vec<(ParticipantId, TokenStream)> = plan
        .participants
        .iter()
        .enumerate()
        .filter_map(|(i, names)| {
            let (h, _) = names.handler_and_trait()?;
            let id = ParticipantId::new(i);
            let var = handler_var(plan, id);
            let fake = fake_var(plan, id);
            Some((
                id,
                quote! {
                    let mut #var = #h::new(&mut #fake);
                    #var.sleep = no_wait;
                },
            ))
        })
        .collect();
    let arms = handlers.iter().map(|(id, _)| {
        let v = &plan.participant(*id).variant;
        let var = handler_var(plan, *id);
        quote!(Participant::#v => #var.handle(&message),)
    });
    let rest = (handlers.len() < saga.participants.len()).then(|| quote!(_ => Ok(Vec::new()),));
    let make_handlers = handlers.iter().map(|(_, t)| t);
    let started = if trigger_event_variant(plan).is_some() {
        quote! {
            let first = start(&mut #trigger_fake, sample_data()).expect("the trigger commits");
            let mut deliveries = VecDeque::new();
            let mut announced = false;
            publish(&world, &mut deliveries, &mut announced, Participant::#tpv, first);
        }
    } else {
        quote! {
            start(&mut #trigger_fake, sample_data()).expect("the trigger commits");
            let mut deliveries: VecDeque<Delivery> = VecDeque::new();
            let announced = false;
        }
    };
    quote! {
        /// An event on its way to one consumer; `true` for a redelivery.
        type Delivery = (Message, Participant, bool);

        /// Runs the saga under the faults with fresh fakes, the harness as the broker.
        fn run(faults: &[&str]) -> Run {
            let world = World::new(faults);
            #(#fakes)*
            #started
            #(#make_handlers)*
            let mut stuck = false;
            while let Some((message, to, duplicate)) = deliveries.pop_front() {
                world.borrow_mut().duplicate = duplicate;
                let handled = match to {
                    #(#arms)*
                    #rest
                };
                world.borrow_mut().duplicate = false;
                match handled {
                    // A redelivery publishes nothing new.
                    Ok(_) if duplicate => {}
                    Ok(published) => {
                        for next in published {
                            publish(&world, &mut deliveries, &mut announced, to, next);
                        }
                    }
                    Err(_) => stuck = true,
                }
            }
            let outcome = if stuck {
                Outcome::Stuck
            } else if announced {
                Outcome::Compensated
            } else if world.borrow().done.len() == Step::ALL.len() {
                Outcome::Completed
            } else {
                // Nothing left to deliver and the saga has not ended: it waits forever.
                Outcome::Stuck
            };
            Run::of(Some(outcome), &world)
        }

        /// Publishes an event to each of its consumers (twice under `dup:<event>`), unless
        /// its publisher crashes before publishing and has no outbox.
        fn publish(world: &RefCell<World>, deliveries: &mut VecDeque<Delivery>, announced: &mut bool, from: Participant, message: Message) {
            if message.event.is_failure() {
                *announced = true;
            }
            let mut world = world.borrow_mut();
            if world.fire(&format!("crash:{}@{}", from.name(), message.event.name())) {
                if from.outbox_table().is_none() {
                    // A dual write: the event is lost.
                    return;
                }
                // The relay publishes the record the publisher wrote with its commit.
                let record = message.outbox_record(from);
                assert_eq!(Event::from_name(&record.r#type), Some(message.event));
            }
            let duplicate = world.fire(&format!("dup:{}", message.event.name()));
            for &to in message.event.consumers() {
                deliveries.push_back((message.clone(), to, false));
                if duplicate {
                    deliveries.push_back((message.clone(), to, true));
                }
            }
        }
    }
}

fn test(plan: &Plan, s: &Expectation, name: &str, orders: &Orders) -> TokenStream {
    let saga = plan.saga;
    let name = ident(name);
    let faults: Vec<String> = s.faults.iter().map(|f| f.name(saga)).collect();
    let outcome = match s.outcome {
        Outcome::Completed => quote!(Outcome::Completed),
        Outcome::Compensated => quote!(Outcome::Compensated),
        Outcome::Stuck => quote!(Outcome::Stuck),
    };
    let mut again: Vec<String> = s
        .applied_twice
        .iter()
        .filter_map(|&work| match work {
            Work::Step(st) => Some(saga.step(st).id.value.clone()),
            Work::Compensation(o) => Some(format!("undo:{}", crate::scenario::owner_name(saga, o))),
            Work::Trigger | Work::Reaction(_) => None,
        })
        .collect();
    again.sort();
    let mut doc = format!(
        "`{}`: the simulator predicts `{}`",
        s.name,
        s.outcome.as_str()
    );
    if !s.compensated.is_empty() {
        doc.push_str(&format!(
            ", compensating {}",
            brief_list(saga, &s.compensated)
        ));
    }
    if !again.is_empty() {
        doc.push_str(&format!(
            ", applying {} twice",
            code_list(again.iter().map(String::as_str))
        ));
    }
    doc.push('.');
    if !s.broken.is_empty() {
        doc.push_str(&format!(
            "\nBroken invariants: {}.",
            code_list(s.broken.iter().map(|i| i.as_str()))
        ));
    }
    let doc = docs(&doc);
    let expected = orders.expression(saga, &s.compensated);
    quote! {
        #doc
        #[test]
        fn #name() {
            expect(run(&[#(#faults),*]), #outcome, #expected, &[#(#again),*]);
        }
    }
}

/// Lists up to [`Orders::LITERAL`] owners in full; a longer list by its ends and length.
fn brief_list(saga: &Saga, owners: &[Owner]) -> String {
    let names = |os: &[Owner]| -> Vec<String> {
        os.iter()
            .map(|&o| crate::scenario::owner_name(saga, o))
            .collect()
    };
    if owners.len() <= Orders::LITERAL {
        return code_list(names(owners).iter().map(String::as_str));
    }
    format!(
        "{}, … {} ({} in all)",
        code_list(names(&owners[..3]).iter().map(String::as_str)),
        code_list(
            names(&owners[owners.len() - 2..])
                .iter()
                .map(String::as_str)
        ),
        owners.len()
    )
}

/// The expected compensation orders longer than [`Orders::LITERAL`] names, written once
/// each as a constant that the tests take slices of: the failure of step *k* of a long saga
/// compensates the *k* steps before it, and each is the end of the next one's order, so
/// writing each in full would grow the file with the square of the steps.
struct Orders {
    /// The constants' orders, the longest first.
    bases: Vec<Vec<Owner>>,
    /// Per base, where each owner is in it (a compensation runs once, so an owner appears
    /// once).
    positions: Vec<HashMap<Owner, usize>>,
}

impl Orders {
    /// Orders up to this many names are written in the test itself.
    const LITERAL: usize = 8;

    fn of(scenarios: &[Expectation]) -> Orders {
        let mut long: Vec<&[Owner]> = scenarios
            .iter()
            .map(|s| s.compensated.as_slice())
            .filter(|c| c.len() > Self::LITERAL)
            .collect();
        // Longest first (then in owner order, for the same bytes on every run).
        long.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
        let mut orders = Orders {
            bases: Vec::new(),
            positions: Vec::new(),
        };
        for order in long {
            if orders.find(order).is_none() {
                orders
                    .positions
                    .push(order.iter().enumerate().map(|(i, &o)| (o, i)).collect());
                orders.bases.push(order.to_vec());
            }
        }
        orders
    }

    /// The base holding `order` as a contiguous run, and where.
    fn find(&self, order: &[Owner]) -> Option<(usize, usize)> {
        let first = order.first()?;
        self.bases.iter().enumerate().find_map(|(b, base)| {
            let &at = self.positions[b].get(first)?;
            (base.get(at..at + order.len()) == Some(order)).then_some((b, at))
        })
    }

    fn name(b: usize) -> proc_macro2::Ident {
        quote::format_ident!("COMPENSATIONS_{}", b)
    }

    /// The expected order as an expression: a literal, or a slice of a constant.
    fn expression(&self, saga: &Saga, order: &[Owner]) -> TokenStream {
        if order.len() > Self::LITERAL
            && let Some((b, at)) = self.find(order)
        {
            let name = Self::name(b);
            let end = at + order.len();
            let whole = at == 0 && end == self.bases[b].len();
            let (at, end) = (
                proc_macro2::Literal::usize_unsuffixed(at),
                proc_macro2::Literal::usize_unsuffixed(end),
            );
            return if whole {
                quote!(#name)
            } else {
                quote!(&#name[#at..#end])
            };
        }
        let names = order.iter().map(|&o| crate::scenario::owner_name(saga, o));
        quote!(&[#(#names),*])
    }

    fn tokens(&self, saga: &Saga) -> TokenStream {
        let consts = self.bases.iter().enumerate().map(|(b, base)| {
            let name = Self::name(b);
            let doc = docs(&format!(
                "A compensation order that the scenarios below expect all or part of ({} names).",
                base.len()
            ));
            let names = base.iter().map(|&o| crate::scenario::owner_name(saga, o));
            quote! {
                #doc
                const #name: &[&str] = &[#(#names),*];
            }
        });
        quote!(#(#consts)*)
    }
}
