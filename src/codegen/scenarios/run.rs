//! `run(faults)`, which every generated test calls: fresh fakes, the saga run under the
//! faults, and what it ended with. An orchestration runs through the `Driver` (by hand when
//! the harness must inject a crash or a duplicate); a choreography through its handlers,
//! the harness playing the broker.

use proc_macro2::TokenStream;
use quote::quote;

use crate::model::ParticipantId;

use super::{Needs, fake_var, handler_var, has_trigger_outbox, trigger_event_variant};
use crate::codegen::plan::Plan;

/// Orchestration: the fakes behind a `Driver`, and `drive_by_hand` when a crash or a
/// duplicate must be injected between its steps.
pub(super) fn orchestration(plan: &Plan, needs: &Needs) -> TokenStream {
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
    let by_hand = needs.trigger_crash
        || needs.orchestrator_crash
        || needs.duplicate
        || needs.deadline
        || needs.cancel;
    // Version 2's faults the harness plays, beside crashes and duplicates.
    let deadline_test = needs
        .deadline
        .then(|| quote!(|| f.starts_with("deadline:")));
    let abandon_test = needs.abandon.then(|| quote!(|| f.starts_with("abandon:")));
    let cancel_test = needs.cancel.then(|| quote!(|| f.starts_with("cancel:")));
    let by_hand_test = quote!(f.starts_with("crash:") || f.starts_with("dup:") #deadline_test #abandon_test #cancel_test);
    let escalation = crate::codegen::escalation::used(plan);
    let driven = if escalation {
        quote! {
            {
                let saga = driver.run(data).expect("the trigger commits");
                note_gave_up(&world, &saga);
                saga.outcome()
            }
        }
    } else {
        quote!(driver.run(data).expect("the trigger commits").outcome())
    };
    let run = if by_hand {
        quote! {
            let outcome = if faults.iter().any(|f| #by_hand_test) {
                drive_by_hand(&mut driver, &world, data)
            } else {
                #driven
            };
        }
    } else {
        quote!(let outcome = #driven;)
    };
    let note = escalation.then(|| quote!(note_gave_up(world, &saga);));
    let other_commands = crate::codegen::escalation::escalates(plan)
        .then(|| quote!(Command::Escalate { .. } => false,));
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
                #other_commands
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
    let deadline = needs
        .deadline
        .then(|| crate::codegen::deadline::harness(needs.abandon));
    let cancel = needs.cancel.then(crate::codegen::cancel::harness);
    let record_cancel = crate::codegen::cancel::used(plan)
        .then(|| quote!(world.borrow_mut().cancel_answer = saga.cancel_answer;));
    let decision = crate::codegen::decision::used(plan);
    let record_told = decision.then(|| quote!(world.borrow_mut().told = saga.told;));
    // The driver persists the saga after every transition: what it told is read there.
    let persist_told = decision.then(|| {
        quote! {
            let recorder = Rc::clone(&world);
            driver.persist = Some(Box::new(move |saga: &Saga| recorder.borrow_mut().told = saga.told));
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
                    #deadline
                    #orchestrator_crash
                    let reply = driver.execute(&saga, &command);
                    #cancel
                    queue.extend(saga.on_reply(reply));
                    #duplicate
                }
                #note
                #record_cancel
                #record_told
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
            #persist_told
            let data = sample_data();
            #run
            drop(driver);
            Run::of(outcome, &world)
        }

        #hand
    }
}

/// Choreography: each participant with a handler, and the statements that make it over
/// its fake.
fn choreography_handlers(plan: &Plan) -> Vec<(ParticipantId, TokenStream)> {
    plan.participants
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
        .collect()
}

/// Choreography: the fakes behind each participant's handler, and `publish`, the broker
/// that delivers each event to its consumers.
pub(super) fn choreography(plan: &Plan) -> TokenStream {
    let saga = plan.saga;
    let fakes = plan.actors().map(|(id, _, _)| {
        let var = fake_var(plan, id);
        quote!(let mut #var = Fake(Rc::clone(&world));)
    });
    let tp = saga.trigger.participant;
    let trigger_fake = fake_var(plan, tp);
    let tpv = &plan.participant(tp).variant;
    let handlers = choreography_handlers(plan);
    let arms = handlers.iter().map(|(id, _)| {
        let v = &plan.participant(*id).variant;
        let var = handler_var(plan, *id);
        quote!(Participant::#v => #var.handle(&message),)
    });
    let rest = (handlers.len() < saga.participants.len()).then(|| quote!(_ => Ok(Vec::new()),));
    let make_handlers = handlers.iter().map(|(_, t)| t);
    let needs_attention = super::v2_choreography::needs_attention(plan);
    let terminated = super::v2_choreography::terminated_end(plan);
    let publish = publish(plan);
    let deadline_step = crate::codegen::choreography_deadline::harness(plan);
    let late = crate::codegen::choreography_deadline::harness_delivery(plan);
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
                #late
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
            }
            #terminated
            #needs_attention
            else if announced {
                Outcome::Compensated
            } else if world.borrow().done.len() == Step::ALL.len() {
                Outcome::Completed
            } else {
                // Nothing left to deliver and the saga has not ended: it waits forever.
                Outcome::Stuck
            };
            Run::of(Some(outcome), &world)
        }

        #deadline_step

        #publish
    }
}

/// Choreography: `publish`, the broker that delivers an event to each of its consumers.
fn publish(plan: &Plan) -> TokenStream {
    let dual_write = super::v2_choreography::dual_write(plan);
    let terminating = super::v2_choreography::terminated_publish(plan);
    let carried = crate::codegen::choreography_outbox::harness_check(plan);
    quote! {
        /// Publishes an event to each of its consumers (twice under `dup:<event>`), unless
        /// its publisher crashes before publishing and has no outbox.
        fn publish(world: &RefCell<World>, deliveries: &mut VecDeque<Delivery>, announced: &mut bool, from: Participant, message: Message) {
            if message.event.is_failure() {
                *announced = true;
            }
            #terminating
            let mut world = world.borrow_mut();
            if world.fire(&format!("crash:{}@{}", from.name(), message.event.name())) {
                if from.outbox_table().is_none() #dual_write {
                    // A dual write: the event is lost.
                    return;
                }
                // The relay publishes the record the publisher wrote with its commit.
                let record = message.outbox_record(from);
                assert_eq!(Event::from_name(&record.r#type), Some(message.event));
                #carried
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
