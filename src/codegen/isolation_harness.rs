//! The generated `tests/isolation.rs`'s harness (`isolation_tests.rs` writes the tests):
//! where each instance stands, how one call of the schedule is made (`make`: a trigger, a
//! duplicate delivery, a command with the faults the store plays on it), and `run`, which
//! makes the schedule's calls in its order, holding back a call its owner parks on another
//! saga's lock, then lets the instances finish in turn.

use proc_macro2::TokenStream;
use quote::quote;

use super::isolation_faults::Needs;
use super::plan::Plan;
use super::tokens::usize_lit;

/// `run(schedule, faults)`: the instances driven over one store.
pub(super) fn run(plan: &Plan, n: usize, needs: Needs) -> TokenStream {
    let n = usize_lit(n);
    let fields: Vec<&proc_macro2::Ident> =
        plan.actors().map(|(_, names, _)| &names.field).collect();
    let views = usize_lit(fields.len());
    let end = end(plan);
    let state = state();
    let make = make(plan, needs);
    quote! {
        /// How many instances run at once (`isolation.instances`).
        const INSTANCES: usize = #n;

        #state
        #make

        /// Runs the instances over one store: the calls of `schedule` in its order, then
        /// whatever is left, in turn, each instance's oldest command that is not parked.
        fn run(schedule: &[(usize, Call)], faults: &[(usize, &str)]) -> Run {
            let store = Rc::new(RefCell::new(RecordStore::new(faults)));
            let mut owners: Vec<Vec<Owners>> = (0..INSTANCES)
                .map(|instance| {
                    (0..#views)
                        .map(|_| Owners { store: Rc::clone(&store), instance })
                        .collect()
                })
                .collect();
            let mut drivers: Vec<Driver<'_>> = owners
                .iter_mut()
                .map(|views| {
                    let [#(#fields),*] = views.as_mut_slice() else {
                        unreachable!("one view per participant")
                    };
                    let mut driver = Driver::new(Participants { #(#fields),* });
                    driver.sleep = no_wait;
                    driver
                })
                .collect();
            let mut st = Instances::new();
            let mut schedule = schedule.iter();
            loop {
                let mut moved = false;
                for i in 0..INSTANCES {
                    let Some(&call) = st.due[i].front() else {
                        continue;
                    };
                    if !store.borrow().parks(i, call, &data(i)) {
                        st.due[i].pop_front();
                        make(&mut drivers, &store, i, call, &mut st);
                        moved = true;
                    }
                }
                if moved {
                    continue;
                }
                if let Some(&(i, call)) = schedule.next() {
                    st.due[i].push_back(call);
                    continue;
                }
                // The schedule is done: each instance's next call, in turn.
                for i in 0..INSTANCES {
                    if !st.due[i].is_empty() {
                        continue;
                    }
                    let next = if !st.triggered[i] {
                        Some(Call::Trigger)
                    } else if let Some(&step) = st.dups[i].front() {
                        Some(Call::Again(step))
                    } else {
                        st.queues[i]
                            .iter()
                            .filter_map(call_of)
                            .find(|&call| !store.borrow().parks(i, call, &data(i)))
                    };
                    if let Some(call) = next {
                        st.due[i].push_back(call);
                        moved = true;
                    }
                }
                if moved {
                    continue;
                }
                #end
            }
            for i in 0..INSTANCES {
                assert!(
                    st.due[i].is_empty() && st.queues[i].is_empty(),
                    "deadlock: [{}] waits for a lock with {:?} {:?}",
                    letter(i),
                    st.due[i],
                    st.queues[i]
                );
            }
            Run { store, outcomes: st.outcomes, refused: st.refused }
        }

    }
}

/// What `run` does once neither the schedule nor any instance has a call left: stop, or
/// (a saga with a deadline) end the waits nobody answers, which only the deadline ends.
fn end(plan: &Plan) -> TokenStream {
    let wait = super::deadline::used(plan).then(|| {
        quote! {
            // A wait nobody answers, which only the deadline ends (`Driver::drive`).
            for i in 0..INSTANCES {
                let idle = st.queues[i].is_empty() && st.outcomes[i].is_none() && !st.waited[i];
                if !idle || store.borrow().lost.contains(&i) {
                    continue;
                }
                let Some(saga) = st.sagas[i].as_mut() else {
                    continue;
                };
                st.waited[i] = true;
                let next = saga.on_deadline(&[]);
                let next = send(saga, &store, i, next);
                st.queues[i].extend(next);
                st.ended(&store, i);
                moved = true;
            }
        }
    });
    match wait {
        Some(wait) => quote! {
            let mut moved = false;
            #wait
            if !moved {
                break;
            }
        },
        None => quote!(break;),
    }
}

/// `Run` (what a run left) and `Instances` (where each instance stands).
fn state() -> TokenStream {
    quote! {
        /// What a run left: the store, each instance's end, and the triggers refused.
        struct Run {
            store: Rc<RefCell<RecordStore>>,
            outcomes: Vec<Option<Outcome>>,
            refused: Vec<Option<String>>,
        }

        /// Where each instance stands.
        #[derive(Default)]
        struct Instances {
            sagas: Vec<Option<Saga>>,
            /// The commands each saga sent that its participant has not handled yet.
            queues: Vec<VecDeque<Command>>,
            outcomes: Vec<Option<Outcome>>,
            /// Its trigger ran (or was refused).
            triggered: Vec<bool>,
            /// Duplicate deliveries of its commands on their way (`dup:`).
            dups: Vec<VecDeque<Step>>,
            /// The calls due and not made yet: one its owner parks waits there (the
            /// owner stashes the command, the instance awaits its answer) with the
            /// instance's later calls behind it, until the lock is released.
            due: Vec<VecDeque<Call>>,
            /// The deadline ended a wait nobody answers (a saga with a deadline).
            #[allow(dead_code)]
            waited: Vec<bool>,
            /// The failure its trigger's owner refused the trigger with.
            refused: Vec<Option<String>>,
        }

        impl Instances {
            fn new() -> Instances {
                Instances {
                    sagas: (0..INSTANCES).map(|_| None).collect(),
                    queues: vec![VecDeque::new(); INSTANCES],
                    outcomes: vec![None; INSTANCES],
                    triggered: vec![false; INSTANCES],
                    dups: vec![VecDeque::new(); INSTANCES],
                    due: vec![VecDeque::new(); INSTANCES],
                    waited: vec![false; INSTANCES],
                    refused: vec![None; INSTANCES],
                }
            }

            /// Notes instance `i`'s end, once its saga has one.
            fn ended(&mut self, store: &RefCell<RecordStore>, i: usize) {
                let outcome = self.sagas[i].as_ref().and_then(Saga::outcome);
                if let (None, Some(outcome)) = (self.outcomes[i], outcome) {
                    self.outcomes[i] = Some(outcome);
                    store.borrow_mut().ended(i, outcome);
                }
            }
        }
    }
}

/// `make`: instance `i` makes one call of the schedule (a trigger, a duplicate delivery, or
/// the command its saga sent), with the faults the store plays on it.
fn make(plan: &Plan, needs: Needs) -> TokenStream {
    let trigger_field = &plan.participant(plan.saga.trigger.participant).field;
    let trigger = &plan.trigger_method;
    let trigger_lost = needs.trigger_lost.then(|| {
        let saga = plan.saga;
        let fault = format!(
            "crash:{}@{}",
            saga.participant(saga.trigger.participant).name.value,
            saga.trigger
                .event
                .as_ref()
                .map(|e| e.value.as_str())
                .unwrap_or_default()
        );
        quote! {
            if store.borrow_mut().fire(i, #fault) {
                // A dual write: the event is lost and the saga never starts.
                return;
            }
        }
    });
    let abandon_applied = needs.abandon_applied.then(|| {
        quote! {
            if let Command::Run { step, attempt: 1, .. } = command {
                if store.borrow_mut().fire(i, &format!("abandon-applied:{}", step.id())) {
                    // Its participant applies it; the deadline passes before its answer.
                    let _ = drivers[i].execute(saga, &command);
                    let unsent: Vec<Command> = st.queues[i].drain(..).collect();
                    let next = saga.on_deadline(&unsent);
                    st.queues[i].extend(send(saga, &store, i, next));
                    st.ended(&store, i);
                    return;
                }
            }
        }
    });
    quote! {
        fn make(drivers: &mut [Driver<'_>], shared: &Rc<RefCell<RecordStore>>, i: usize, call: Call, st: &mut Instances) {
            let store = Rc::clone(shared);
            if call == Call::Trigger {
                st.triggered[i] = true;
                if let Err(error) = drivers[i].participants.#trigger_field.#trigger(&data(i)) {
                    // Its owner refused the trigger (a lock, a guard): the saga never
                    // starts and has nothing to undo, so it ends compensated, as the
                    // simulator's instance does (`docs/isolation.md`).
                    st.refused[i] = Some(match error {
                        StepError::Business(failure) => failure.name().to_owned(),
                        other => format!("{other:?}"),
                    });
                    st.outcomes[i] = Some(Outcome::Compensated);
                    return;
                }
                #trigger_lost
                let (mut saga, commands) = Saga::start(data(i));
                let commands = send(&mut saga, &store, i, commands);
                st.queues[i].extend(commands);
                st.sagas[i] = Some(saga);
                return;
            }
            if let Call::Again(step) = call {
                let at = st.dups[i].iter().position(|&s| s == step).unwrap_or_else(|| {
                    panic!("[{}] has no duplicate of {step:?} on its way", letter(i))
                });
                st.dups[i].remove(at);
                let saga = st.sagas[i].as_ref().expect("the saga started");
                // Its answer is one the orchestrator no longer waits for.
                let _ = store.borrow_mut().call(i, call, &saga.data);
                return;
            }
            let command = take(&mut st.queues[i], call).unwrap_or_else(|| {
                panic!("[{}] has no pending {call:?} to run (pending: {:?})", letter(i), st.queues[i])
            });
            let saga = st.sagas[i].as_mut().expect("the saga started");
            if let Command::Run { step, .. } = command {
                if store.borrow_mut().fire(i, &format!("dup:{}", step.id())) {
                    st.dups[i].push_back(step);
                }
            }
            #abandon_applied
            let reply = drivers[i].execute(saga, &command);
            let next = saga.on_reply(reply);
            st.queues[i].extend(send(saga, &store, i, next));
            // `exhaust:`: every attempt fails in one go, as the simulator counts it.
            while let Command::Run { step, .. } = command {
                if !store.borrow().exhausting.contains(&(i, step)) {
                    break;
                }
                let Some(again) = take(&mut st.queues[i], Call::Run(step)) else {
                    break;
                };
                let reply = drivers[i].execute(saga, &again);
                let next = saga.on_reply(reply);
                st.queues[i].extend(send(saga, &store, i, next));
            }
            st.ended(&store, i);
        }
    }
}

/// The commands a run takes calls from.
pub(super) fn assertions() -> TokenStream {
    quote! {
        /// The command of instance `i` that is the call, taken from its queue.
        fn take(queue: &mut VecDeque<Command>, call: Call) -> Option<Command> {
            let at = queue.iter().position(|command| match (*command, call) {
                (Command::Run { step, .. }, Call::Run(want)) => step == want,
                (Command::Compensate { owner, .. }, Call::Undo(want)) => owner == want,
                _ => false,
            })?;
            queue.remove(at)
        }

        /// The call a command asks for (`None`: not a participant's action).
        #[allow(unreachable_patterns)]
        fn call_of(command: &Command) -> Option<Call> {
            match *command {
                Command::Run { step, .. } => Some(Call::Run(step)),
                Command::Compensate { owner, .. } => Some(Call::Undo(owner)),
                _ => None,
            }
        }
    }
}

/// What a run is asserted: the anomalies the store saw, each instance's end, and (where
/// its `Run` keeps them, an orchestration's) the triggers refused. A choreography's
/// harness asserts the same (`choreography_isolation.rs`).
pub(super) fn run_assertions(refused: bool) -> TokenStream {
    let expect_refused = refused.then(|| {
        quote! {
            /// Exactly these instances' triggers were refused, each with its failure.
            #[allow(dead_code)]
            fn expect_refused(&self, refused: &[(usize, &str)]) {
                let seen: Vec<(usize, &str)> = self
                    .refused
                    .iter()
                    .enumerate()
                    .filter_map(|(i, r)| Some((i, r.as_deref()?)))
                    .collect();
                assert_eq!(seen, refused, "the triggers refused");
            }
        }
    });
    quote! {
        impl Run {
            fn anomalies(&self) -> Vec<Anomaly> {
                self.store.borrow().anomalies.clone()
            }

            /// The store saw `invariant` broken, and nothing the simulator does not predict.
            #[allow(dead_code)]
            fn expect_anomaly(&self, invariant: &str, predicted: &[&str]) {
                let seen = self.anomalies();
                assert!(seen.iter().any(|a| a.invariant == invariant), "expected {invariant}; the store saw {seen:#?}");
                for a in &seen {
                    assert!(predicted.contains(&a.invariant), "not predicted by the simulator: {a:#?}");
                }
            }

            #expect_refused

            /// The store saw no anomaly, and each instance ended as the simulator's run.
            #[allow(dead_code)]
            fn expect_clean(&self, outcomes: &[Outcome]) {
                let seen: Vec<String> = self
                    .anomalies()
                    .iter()
                    .map(|a| format!("{}: {}", a.invariant, a.text))
                    .collect();
                assert!(seen.is_empty(), "the store saw {seen:#?}");
                let ended: Vec<Outcome> = self.outcomes.iter().map(|o| o.unwrap_or(Outcome::Stuck)).collect();
                assert_eq!(ended, outcomes, "each instance's end");
            }
        }
    }
}
