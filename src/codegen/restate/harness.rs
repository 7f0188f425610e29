//! `tests/restate.rs` of the Restate crate: every scenario the simulator lists, run on a
//! real `restate-server` through its ingress, with fake participants that inject the
//! scenario's faults (named as the simulator names them). The fakes and their `World`
//! behave as the std runtime's (`scenarios/`); what differs is that the saga runs on the
//! engine: a crash is an invocation that fails and is retried from the journal.

use proc_macro2::TokenStream;
use quote::quote;

use crate::model::Owner;
use crate::model::types::{Scalar, Type};
use crate::scenario::{Expectation, Outcome, Work as Done};

use super::super::format::{Error, rust_file};
use super::super::plan::Plan;
use super::super::scenarios::fakes::{key_expr, sample_data};
use super::super::tokens::inner_docs;
use super::super::traits::{Work, method, works};
use super::server;

pub fn render(plan: &Plan, scenarios: &[Expectation]) -> Result<String, Error> {
    let package = super::super::names::ident(&plan.package);
    let about = inner_docs(&format!(
        "Every scenario `sagac simulate {source}` lists ({n}), run on a real\n`restate-server`: the test starts one on loopback ports of its own, serves the workflow\nwith fake participants, registers it, starts one saga per scenario through the ingress\n(each under its own key, with the faults of its scenario) and asserts the outcome, the\ncompensations in the order they ran and the effects applied twice that the simulator\npredicts. The server is stopped at the end.\n\nThe fakes: `fail:` fails the first attempt (a transient one for a retriable step),\n`exhaust:` every attempt, `timeout:` applies the effect then answers `TimedOut`,\n`compfail:` fails every attempt of a compensation, `dup:` runs the call twice (the\nparticipant deduplicates on its key). A crash (`crash:`) fails the invocation where it\nhappens, and Restate retries it from its journal. Backoffs are divided by 1000.\n\nWithout `restate-server` (`RESTATE_SERVER`, or on `PATH`) the tests print how to install\nit and pass, unless `SAGAC_REQUIRE_TOOLS=1`.",
        source = plan.source,
        n = scenarios.len()
    ));
    let fakes = fakes(plan);
    let sample = sample_data(plan);
    let data_for = data_for(plan);
    let table = table(plan, scenarios);
    let server = server::tokens();
    let restart = super::restart::tokens(plan);
    let world = world();
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
        use #package::workflow::{SagaResult, SagaWorkflow, Settings};

        #world
        #fakes
        #sample
        #data_for
        #table

        /// Runs one scenario's saga and says how it differs from the prediction, if it does.
        fn check(server: &Server, scenario: &Scenario, index: usize, nonce: u128) -> Option<String> {
            let data = data_for(index, nonce);
            with_world(&data, |world| *world = World::new(scenario.faults));
            let body = serde_json::to_string(&data).expect("the data as JSON");
            let key = if KEYED { data.key().to_string() } else { format!("s{index}-{nonce}") };
            let answer = server.call(&format!("/{SAGA}/{key}/run"), &body);
            let result: SagaResult = match serde_json::from_str(&answer) {
                Ok(result) => result,
                Err(e) => return Some(format!("{}: the answer {answer:?} is no SagaResult: {e}", scenario.name)),
            };
            let (mut compensated, mut again) = with_world(&data, |world| (world.compensated.clone(), world.again.clone()));
            if let Some(i) = compensated.iter().position(|owner| *owner == "trigger") {
                let trigger = compensated.remove(i);
                compensated.push(trigger);
            }
            again.sort();
            let mut wrong = Vec::new();
            if result.outcome != scenario.outcome {
                wrong.push(format!("outcome `{}` (stuck: {:?}), predicted `{}`", result.outcome, result.stuck, scenario.outcome));
            }
            if compensated != scenario.compensated {
                wrong.push(format!("compensations {compensated:?}, predicted {:?}", scenario.compensated));
            }
            if again != scenario.again {
                wrong.push(format!("effects applied twice {again:?}, predicted {:?}", scenario.again));
            }
            (!wrong.is_empty()).then(|| format!("{}: {}", scenario.name, wrong.join("; ")))
        }

        /// Serves the workflow over the fakes, in this process, on a free port.
        fn serve(runtime: &tokio::runtime::Runtime) -> u16 {
            let port = free_port();
            let settings = Settings { backoff_divisor: 1000, interrupt: Some(interrupt) };
            let endpoint = Endpoint::builder()
                .bind(SagaWorkflow::with_settings(Fakes, settings))
                .build();
            let address = SocketAddr::from(([127, 0, 0, 1], port));
            runtime.spawn(HttpServer::new(endpoint).listen_and_serve(address));
            port
        }

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

        #restart
        #server
    };
    let header = format!(
        "// @generated by `sagac codegen --runtime restate` from {}.\n// Do not edit: every run rewrites this file.\n// Laid out by prettyplease; rustfmt leaves it alone, so every run gives the same bytes.\n",
        plan.source
    );
    rust_file("tests/restate.rs", tokens, &header)
}

/// The `World` the fakes share, one per saga key, and the crash hook the workflow asks.
fn world() -> TokenStream {
    quote! {
        /// What one saga's fakes share: the faults left to fire (each fires once, where it
        /// first applies) and what the participants did.
        #[derive(Debug, Default)]
        struct World {
            faults: Vec<String>,
            /// The current call repeats one already made.
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
        }

        /// Every saga's world, by the saga's key: the sagas of a test run side by side.
        static WORLDS: Mutex<BTreeMap<String, World>> = Mutex::new(BTreeMap::new());

        fn with_world<R>(data: &SagaData, f: impl FnOnce(&mut World) -> R) -> R {
            let mut worlds = WORLDS.lock().unwrap_or_else(PoisonError::into_inner);
            f(worlds.entry(data.key().to_string()).or_default())
        }

        /// The workflow's crash hook: a `crash:` fault fires where it applies.
        fn interrupt(data: &SagaData, at: &str) -> bool {
            with_world(data, |world| {
                if at == "trigger" {
                    // The trigger's service crashes after its commit, before publishing:
                    // Restate has the invocation, so the saga starts anyway.
                    let crash = world.faults.iter().position(|f| f.starts_with("crash:") && !f.starts_with("crash:orchestrator@"));
                    crash.map(|i| world.faults.remove(i)).is_some()
                } else {
                    world.fire(&format!("crash:orchestrator@{at}"))
                }
            })
        }

        impl World {
            fn new(faults: &[&str]) -> World {
                World { faults: faults.iter().map(|f| (*f).to_owned()).collect(), ..World::default() }
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

/// `Fakes` (the `Participants` of the tests) and `Fake`, which implements every trait by
/// asking the saga's `World`.
fn fakes(plan: &Plan) -> TokenStream {
    let impls = plan.actors().map(|(id, _, trait_)| {
        let methods = works(plan, id).into_iter().map(|w| {
            let (m, ret) = method(plan, w);
            let body = match w {
                Work::Trigger => quote! {
                    record("applied trigger");
                    Ok(())
                },
                Work::Reaction(_) => quote!(Ok(())),
                Work::Step(s) => {
                    let v = &plan.step(s).variant;
                    let key = key_expr(plan, s).unwrap_or_else(|| quote!(None));
                    quote!(act(data, Step::#v, #key))
                }
                Work::Compensation(s) => {
                    let owner = plan.owner_tokens(Owner::Step(s));
                    quote!(with_world(data, |world| world.compensate(#owner)))
                }
                Work::TriggerCompensation => {
                    quote!(with_world(data, |world| world.compensate(Owner::Trigger)))
                }
            };
            let data = if matches!(w, Work::Trigger | Work::Reaction(_)) {
                quote!(_data)
            } else {
                quote!(data)
            };
            quote! {
                async fn #m(&self, #data: &SagaData) -> #ret {
                    #body
                }
            }
        });
        quote! {
            impl #trait_ for Fake {
                #(#methods)*
            }
        }
    });
    let bundle = plan.actors().map(|(_, names, trait_)| {
        let field = &names.field;
        quote! {
            type #trait_ = Fake;
            fn #field(&self) -> &Fake {
                &Fake
            }
        }
    });
    quote! {
        /// Every participant, in memory: the saga's `World` decides what happens.
        struct Fake;

        /// What the workflow calls in these tests.
        struct Fakes;

        impl Participants for Fakes {
            #(#bundle)*
        }

        /// A step's action (run twice under `dup:`); what it writes is left empty.
        fn act<O: Default>(data: &SagaData, step: Step, key: Option<&str>) -> Result<O, StepError> {
            entering(step);
            let answer = with_world(data, |world| {
                let answer = world.step(step, key);
                if world.fire(&format!("dup:{}", step.id())) {
                    world.duplicate = true;
                    let _ = world.step(step, key);
                    world.duplicate = false;
                }
                answer
            });
            if answer.is_ok() {
                record(&format!("applied {}", step.id()));
            }
            answer.map(|()| O::default())
        }

        #(#impls)*
    }
}

/// `KEYED` and `data_for(index, nonce)`: the sample data under a key of the scenario's own,
/// when the saga is keyed on a field that can hold one.
fn data_for(plan: &Plan) -> TokenStream {
    let field = plan.key.and_then(|i| plan.fields.get(i));
    let set = field.and_then(|f| {
        let name = &f.ident;
        match (&plan.types, &f.ty) {
            (Some(_), Type::Scalar(Scalar::Integer)) => Some(quote! {
                data.#name = i64::try_from((nonce % 1_000_000_000) * 1_000 + index as u128).unwrap_or_default();
            }),
            (
                Some(_),
                Type::Scalar(Scalar::String | Scalar::Uuid | Scalar::Decimal) | Type::Unknown { .. },
            )
            | (None, _) => Some(quote! {
                data.#name = format!("s{index}-{nonce}");
            }),
            _ => None,
        }
    });
    let keyed = set.is_some();
    let body = match set {
        Some(set) => quote! {
            let mut data = sample_data();
            #set
            data
        },
        None => quote! {
            let _ = (index, nonce);
            sample_data()
        },
    };
    quote! {
        /// Whether each scenario's saga gets a key of its own (its data's key field).
        const KEYED: bool = #keyed;

        /// The data of the `index`-th scenario's saga.
        fn data_for(index: usize, nonce: u128) -> SagaData {
            #body
        }
    }
}

/// `Scenario` and `SCENARIOS`: what the simulator predicts for each scenario.
fn table(plan: &Plan, scenarios: &[Expectation]) -> TokenStream {
    let saga = plan.saga;
    let rows = scenarios.iter().map(|s| {
        let name = &s.name;
        let faults: Vec<String> = s.faults.iter().map(|f| f.name(saga)).collect();
        let outcome = match s.outcome {
            Outcome::Completed => "completed",
            Outcome::Compensated => "compensated",
            // Version 2's ends: `codegen` refuses a spec that can reach them.
            _ => "stuck",
        };
        let compensated: Vec<String> = s
            .compensated
            .iter()
            .map(|&o| crate::scenario::owner_name(saga, o))
            .collect();
        let mut again: Vec<String> = s
            .applied_twice
            .iter()
            .filter_map(|&work| match work {
                Done::Step(st) => Some(saga.step(st).id.value.clone()),
                Done::Compensation(o) => {
                    Some(format!("undo:{}", crate::scenario::owner_name(saga, o)))
                }
                Done::Trigger | Done::Reaction(_) => None,
            })
            .collect();
        again.sort();
        quote! {
            Scenario {
                name: #name,
                faults: &[#(#faults),*],
                outcome: #outcome,
                compensated: &[#(#compensated),*],
                again: &[#(#again),*],
            },
        }
    });
    quote! {
        /// A scenario and what the simulator predicts for its representative run.
        struct Scenario {
            name: &'static str,
            faults: &'static [&'static str],
            /// `completed`, `compensated` or `stuck`.
            outcome: &'static str,
            /// The compensations in the order they ran, the trigger's last.
            compensated: &'static [&'static str],
            /// Effects applied a second time (`undo:<owner>` for a compensation), sorted.
            again: &'static [&'static str],
        }

        /// Every scenario `sagac simulate` lists, in its order.
        const SCENARIOS: &[Scenario] = &[
            #(#rows)*
        ];
    }
}
