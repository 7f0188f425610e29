//! `tests/restate.rs` of a choreography's Restate crate: every scenario the simulator lists
//! for the saga with its events sent through Restate's journal (`journaled_events`), run on
//! a real `restate-server` with the orchestration's fakes. Each saga starts with `start` on
//! the trigger's object through the ingress; the test sees it end when every delivery sent
//! has been handled (the objects tell `Settings::observe`), then judges it as the std
//! runtime's harness does: stuck if an action gave up, compensated if a failure event went
//! out, completed if every step's action succeeded.

use proc_macro2::TokenStream;
use quote::quote;

use crate::scenario::Expectation;

use super::super::format::{Error, rust_file};
use super::super::plan::Plan;
use super::super::scenarios::fakes::sample_data;
use super::super::tokens::inner_docs;
use super::harness::{data_for, fakes, table, world_impl};
use super::server;

pub fn render(plan: &Plan, scenarios: &[Expectation]) -> Result<String, Error> {
    let package = super::super::names::ident(&plan.package);
    let saga = plan.saga;
    let about = inner_docs(&format!(
        "Every scenario `sagac simulate` lists for {source} with its events sent through\nRestate's journal ({n}), run on a real `restate-server`: the test starts one on loopback\nports of its own, serves the participants' objects with fake participants, registers them,\nstarts one saga per scenario through the ingress (`start` on `{saga}.{trigger}`, each under\nits own key, with the faults of its scenario), waits until every delivery sent has been\nhandled and asserts the outcome, the compensations in the order they ran and the effects\napplied twice that the simulator predicts. The server is stopped at the end.\n\nThe fakes: `fail:` fails the first attempt (a transient one for a retriable step),\n`exhaust:` every attempt, `compfail:` fails every attempt of a compensation. `dup:<event>`\nsends the event twice to each consumer (the second a redelivery, which publishes nothing\nnew). `crash:<participant>@<event>` fails the invocation after the participant's local step\nand before it publishes the event; Restate retries it from its journal, so the event is\nnot lost. Backoffs are divided by 1000.\n\n`killed_mid_saga_and_restarted` serves the objects from a child process, kills it while the\nlast step's call is in flight and starts another: the saga finishes from Restate's journals,\neach effect applied once.\n\nWithout `restate-server` (`RESTATE_SERVER`, or on `PATH`) the tests print how to install\nit and pass, unless `SAGAC_REQUIRE_TOOLS=1`.",
        source = plan.source,
        n = scenarios.len(),
        saga = saga.name.value,
        trigger = saga.participant(saga.trigger.participant).name.value,
    ));
    let trigger = format!(
        "{}.{}",
        saga.name.value,
        saga.participant(saga.trigger.participant).name.value
    );
    let fakes = fakes(plan);
    let sample = sample_data(plan);
    let data_for = data_for(plan);
    let table = table(plan, scenarios);
    let server = server::tokens(false);
    let world = world(plan);
    let runner = runner();
    let restart = restart(plan);
    let tokens = quote! {
        #about
        #![cfg_attr(rustfmt, rustfmt::skip)]

        use std::collections::{BTreeMap, BTreeSet};
        use std::io::{Read, Write};
        use std::net::{SocketAddr, TcpListener, TcpStream};
        use std::path::{Path, PathBuf};
        use std::process::{Child, Command, Stdio};
        use std::sync::{Mutex, PoisonError};
        use std::time::{Duration, Instant};

        use restate_sdk::prelude::*;

        use #package::generated::*;
        use #package::objects::{Observed, Settings, endpoint};

        /// The trigger's object, whose `start` begins a saga.
        const TRIGGER: &str = #trigger;

        #world
        #fakes
        #sample
        #data_for
        #table

        #runner

        #restart

        #[test]
        fn every_scenario_on_restate() {
            let Some(binary) = server_binary() else {
                return;
            };
            let server = Server::start(&binary);
            let runtime = tokio::runtime::Runtime::new().expect("a tokio runtime");
            let port = serve(&runtime);
            server.register(port);
            let nonce = nonce();
            // Several sagas at a time, each under its own key (one at a time when the saga
            // has no key of its own: its fakes would share a world).
            let width = if KEYED { 8 } else { 1 };
            let mut failures = Vec::new();
            let numbered: Vec<(usize, &Scenario)> = SCENARIOS.iter().enumerate().collect();
            for batch in numbered.chunks(width) {
                std::thread::scope(|scope| {
                    let runs: Vec<_> = batch
                        .iter()
                        .map(|&(index, scenario)| {
                            let server = &server;
                            scope.spawn(move || check(server, scenario, index, nonce))
                        })
                        .collect();
                    for run in runs {
                        failures.extend(run.join().expect("a scenario's thread"));
                    }
                });
            }
            assert!(
                failures.is_empty(),
                "{} of {} scenarios differ from the simulator's prediction:\n{}",
                failures.len(),
                SCENARIOS.len(),
                failures.join("\n")
            );
        }

        #server
    };
    let header = format!(
        "// @generated by `sagac codegen --runtime restate` from {}.\n// Do not edit: every run rewrites this file.\n// Laid out by prettyplease; rustfmt leaves it alone, so every run gives the same bytes.\n",
        plan.source
    );
    rust_file("tests/restate.rs", tokens, &header)
}

/// The `World` the fakes share, one per saga key, and the hooks the objects call.
fn world(plan: &Plan) -> TokenStream {
    let world_impl = world_impl(plan);
    quote! {
        /// What one saga's fakes share: the faults left to fire (each fires once, where it
        /// first applies), what the participants did, and the deliveries sent and handled.
        #[derive(Debug, Default)]
        struct World {
            faults: Vec<String>,
            /// The current call repeats one already made (unused: a redelivery is a
            /// delivery of its own here).
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
            /// Deliveries sent and handled: (participant, event, redelivery).
            sent: BTreeSet<(String, String, bool)>,
            handled: BTreeSet<(String, String, bool)>,
            /// A failure event went out: the saga compensates.
            announced: bool,
            /// An action gave up for good.
            stuck: bool,
        }

        /// Every saga's world, by the saga's key: the sagas of a test run side by side.
        static WORLDS: Mutex<BTreeMap<String, World>> = Mutex::new(BTreeMap::new());

        fn with_world<R>(data: &SagaData, f: impl FnOnce(&mut World) -> R) -> R {
            let mut worlds = WORLDS.lock().unwrap_or_else(PoisonError::into_inner);
            f(worlds.entry(data.key().to_string()).or_default())
        }

        /// `crash:<participant>@<event>` fires where it applies.
        fn interrupt(data: &SagaData, participant: &str, event: &str) -> bool {
            with_world(data, |world| world.fire(&format!("crash:{participant}@{event}")))
        }

        /// `dup:<event>` fires where it applies.
        fn redeliver(data: &SagaData, event: &str) -> bool {
            with_world(data, |world| world.fire(&format!("dup:{event}")))
        }

        /// Records the deliveries sent and handled.
        fn observe(data: &SagaData, observed: Observed<'_>) {
            with_world(data, |world| match observed {
                Observed::Sent { to, event, redelivery } => {
                    if Event::from_name(event).is_some_and(Event::is_failure) {
                        world.announced = true;
                    }
                    world.sent.insert((to.to_owned(), event.to_owned(), redelivery));
                }
                Observed::Handled { by, event, redelivery, stuck } => {
                    world.stuck |= stuck;
                    world.handled.insert((by.to_owned(), event.to_owned(), redelivery));
                }
            });
        }

        #world_impl
    }
}

/// The kill-and-restart test: the objects are served by a child process (the test binary
/// itself, running `restart_child`), killed while the last step's call is in flight and
/// started again on the same port. Restate retries that invocation against the new process,
/// which replays its journal; the participants of both processes record their calls in one
/// file, so the test sees each effect applied exactly once.
fn restart(plan: &Plan) -> TokenStream {
    // The last step: on the happy path every step runs, so the steps before it (and the
    // trigger) are done when the child is killed.
    let hang = plan
        .saga
        .steps
        .last()
        .map(|s| s.id.value.clone())
        .unwrap_or_default();
    let child_process = super::restart::child_process();
    quote! {
        /// The step whose call the first child process never finishes.
        const HANG_AT: &str = #hang;

        #child_process

        /// Not a test of its own: the process `killed_mid_saga_and_restarted` starts (it
        /// returns at once when run otherwise).
        #[test]
        #[ignore = "run by killed_mid_saga_and_restarted in a child process"]
        fn restart_child() {
            let Some(port) = std::env::var("SAGA_RESTART_PORT").ok().and_then(|p| p.parse().ok()) else {
                return;
            };
            let runtime = tokio::runtime::Runtime::new().expect("a tokio runtime");
            let settings = Settings { backoff_divisor: 1000, ..Settings::default() };
            let address = SocketAddr::from(([127, 0, 0, 1], port));
            runtime.block_on(HttpServer::new(endpoint(Fakes, settings)).listen_and_serve(address));
        }

        /// The service is killed while `HANG_AT` is in flight and started again: Restate
        /// finishes the saga from the journals of the participants' invocations, each call
        /// made once (`HANG_AT`'s twice, as its first call never answered).
        #[test]
        fn killed_mid_saga_and_restarted() {
            let Some(binary) = server_binary() else {
                return;
            };
            let server = Server::start(&binary);
            let log = server.dir.join("calls.log");
            let port = free_port();
            let first = Killed(child(port, &log, true));
            server.register(port);
            let data = data_for(SCENARIOS.len(), nonce());
            let key = data.key().to_string();
            let body = serde_json::to_string(&data).expect("the data as JSON");
            server.call(&format!("/{TRIGGER}/{key}/start"), &body);
            let entered = format!("entered {HANG_AT}");
            wait_for(&log, &entered, 1);
            drop(first);
            let second = Killed(child(port, &log, false));
            let calls = wait_for(&log, &format!("applied {HANG_AT}"), 1);
            drop(second);
            let mut seen = BTreeMap::new();
            for line in calls.lines() {
                *seen.entry(line).or_insert(0) += 1;
            }
            for (line, count) in &seen {
                let expected = if *line == entered { 2 } else { 1 };
                assert_eq!(*count, expected, "`{line}` {count} times in the call log:\n{calls}");
            }
            assert!(seen.contains_key("applied trigger"), "{calls}");
        }
    }
}

/// `check` (one scenario's saga against its prediction) and `serve` (the objects over the
/// fakes).
fn runner() -> TokenStream {
    quote! {
        /// Runs one scenario's saga and says how it differs from the prediction, if it does.
        fn check(server: &Server, scenario: &Scenario, index: usize, nonce: u128) -> Option<String> {
            let data = data_for(index, nonce);
            with_world(&data, |world| *world = World::new(scenario.faults));
            let body = serde_json::to_string(&data).expect("the data as JSON");
            let key = data.key().to_string();
            server.call(&format!("/{TRIGGER}/{key}/start"), &body);
            // The saga has ended when every delivery sent has been handled: a handler
            // records what it sends before it is recorded as handled.
            let started = Instant::now();
            loop {
                let quiet = with_world(&data, |world| world.sent.is_subset(&world.handled));
                if quiet {
                    break;
                }
                if started.elapsed() > BOUND {
                    let left = with_world(&data, |world| format!("{:?}", world.sent.difference(&world.handled).collect::<Vec<_>>()));
                    return Some(format!("{}: deliveries not handled after {BOUND:?}: {left}", scenario.name));
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            let (mut compensated, mut again, outcome, unfired) = with_world(&data, |world| {
                let outcome = if world.stuck {
                    "stuck"
                } else if world.announced {
                    "compensated"
                } else if world.done.len() == Step::ALL.len() {
                    "completed"
                } else {
                    // Nothing left to deliver and the saga has not ended: it waits forever.
                    "stuck"
                };
                (world.compensated.clone(), world.again.clone(), outcome, world.faults.clone())
            });
            if let Some(i) = compensated.iter().position(|owner| *owner == "trigger") {
                let trigger = compensated.remove(i);
                compensated.push(trigger);
            }
            again.sort();
            let mut wrong = Vec::new();
            if outcome != scenario.outcome {
                wrong.push(format!("outcome `{outcome}`, predicted `{}`", scenario.outcome));
            }
            if compensated != scenario.compensated {
                wrong.push(format!("compensations {compensated:?}, predicted {:?}", scenario.compensated));
            }
            if again != scenario.again {
                wrong.push(format!("effects applied twice {again:?}, predicted {:?}", scenario.again));
            }
            if !unfired.is_empty() {
                wrong.push(format!("faults never injected: {unfired:?}"));
            }
            (!wrong.is_empty()).then(|| format!("{}: {}", scenario.name, wrong.join("; ")))
        }

        /// Serves the participants' objects over the fakes, in this process, on a free port.
        fn serve(runtime: &tokio::runtime::Runtime) -> u16 {
            let port = free_port();
            let settings = Settings {
                backoff_divisor: 1000,
                interrupt: Some(interrupt),
                redeliver: Some(redeliver),
                observe: Some(observe),
            };
            let address = SocketAddr::from(([127, 0, 0, 1], port));
            runtime.spawn(HttpServer::new(endpoint(Fakes, settings)).listen_and_serve(address));
            port
        }
    }
}
