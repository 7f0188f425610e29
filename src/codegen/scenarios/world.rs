//! The `World` the fake participants of the generated tests share: the faults left to
//! fire, and what each participant did (calls, effects applied, idempotency keys seen,
//! compensations), which the assertions read back.

use proc_macro2::TokenStream;
use quote::quote;

use super::{Needs, has_trigger_outbox, v2_choreography};
use crate::codegen::plan::Plan;

/// The `World` struct and its methods, which play each fault where it first applies.
pub(super) fn tokens(plan: &Plan, needs: &Needs) -> TokenStream {
    let outbox = needs.trigger_crash && plan.orchestration && has_trigger_outbox(plan);
    let (methods, declared) = fault_methods(plan);
    let cancel_field = crate::codegen::cancel::used(plan).then(|| {
        quote! {
            /// The answer the caller got to its cancel.
            cancel_answer: Option<CancelAnswer>,
        }
    });
    let told_field = (crate::codegen::decision::used(plan) || v2_choreography::tells_caller(plan))
        .then(|| {
            quote! {
                /// What the caller was told at the decision.
                told: Option<Outcome>,
            }
        });
    let outbox_field = outbox.then(|| {
        quote! {
            /// Outbox records the trigger wrote.
            outbox: Vec<outbox::OutboxRecord>,
        }
    });
    let escalation_fields = crate::codegen::escalation::used(plan).then(|| {
        quote! {
            /// What the escalation was told each time: the effects left.
            escalations: Vec<Vec<&'static str>>,
            /// The compensations the machine gave up.
            gave_up: Vec<&'static str>,
        }
    });
    let choreography_fields = v2_choreography::world_fields(plan);
    let terminated_field = v2_choreography::terminated_field(plan);
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
            #escalation_fields
            #choreography_fields
            #terminated_field
            #cancel_field
            #told_field
        }

        impl World {
            fn new(faults: &[&str]) -> Rc<RefCell<World>> {
                Rc::new(RefCell::new(World {
                    faults: faults.iter().map(|f| (*f).to_owned()).collect(),
                    ..World::default()
                }))
            }

            #methods
        }
        #declared
    }
}

/// `fire`, `step`, `apply` and `compensate`: how the fakes play each fault and count each
/// effect, the same in the std runtime's tests and the Restate runtime's (whose `World` is
/// built differently); and the table of declared failures `fail:` reads (empty unless the
/// saga uses version 2's `then: terminate`).
pub(in crate::codegen) fn fault_methods(plan: &Plan) -> (TokenStream, TokenStream) {
    let (fail, declared) = failing(plan);
    let (outage, mut uncaught) = crate::codegen::uncaught::fakes(plan);
    if crate::codegen::choreography_v2::used(plan) {
        uncaught = super::v2_choreography::uncaught_fake();
    }
    let classes = crate::codegen::classes::fakes(plan);
    let methods = quote! {
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
                #outage
                if self.fire(&format!("timeout:{id}")) {
                    self.apply(step, key);
                    return Err(StepError::TimedOut);
                }
                #uncaught
                if self.exhausting.contains(id) || self.fire(&format!("exhaust:{id}")) {
                    self.exhausting.insert(id.to_owned());
                    return Err(StepError::Transient("every attempt fails".to_owned()));
                }
                #classes
                #fail
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
    };
    (methods, declared)
}

/// How the fakes play `fail:`: a transient failure for a retriable step, else a business
/// one. Version 2's `then: terminate` decides by the failure, so a saga with one fails with
/// the declared failure the scenario names (`fail:<step>` the first, `fail:<step>@<Failure>`
/// another); otherwise with `Failure::Other`, as before. Also the table of declared failures.
fn failing(plan: &Plan) -> (TokenStream, TokenStream) {
    // `transactional: false`: the failure applied the effect first (the simulator's
    // representative run).
    let partial = (crate::codegen::compensation_context::non_transactional(plan)
        || crate::codegen::choreography_v2::non_transactional(plan))
    .then(|| {
        quote! {
            if step.kind() != StepKind::Retriable && !transactional(step) {
                self.apply(step, key);
            }
        }
    });
    if !crate::codegen::terminate::used(plan)
        && !crate::codegen::classes::used(plan)
        && !crate::codegen::choreography_v2::used(plan)
    {
        let fail = quote! {
            if self.fire(&format!("fail:{id}")) {
                #partial
                return Err(if step.kind() == StepKind::Retriable {
                    StepError::Transient("the first attempt fails".to_owned())
                } else {
                    StepError::Business(Failure::Other("injected".to_owned()))
                });
            }
        };
        return (fail, TokenStream::new());
    }
    let arms = plan.saga.step_ids().filter_map(|s| {
        let variants: Vec<_> = plan
            .saga
            .step(s)
            .failures
            .iter()
            .filter_map(|f| crate::codegen::terminate::variant(plan, &f.value))
            .collect();
        if variants.is_empty() {
            return None;
        }
        let sv = &plan.step(s).variant;
        Some(quote!(Step::#sv => vec![#(Failure::#variants),*],))
    });
    let fail = quote! {
        if let Some(failure) = self.failing(step) {
            #partial
            return Err(if step.kind() == StepKind::Retriable {
                StepError::Transient("the first attempt fails".to_owned())
            } else {
                StepError::Business(failure)
            });
        }
    };
    let declared = quote! {
        impl World {
        /// The failure a `fail:` scenario injects into this step, if it names it.
        fn failing(&mut self, step: Step) -> Option<Failure> {
            let id = step.id();
            let declared = declared_failures(step);
            if self.fire(&format!("fail:{id}")) {
                let first = declared.first().cloned();
                return Some(first.unwrap_or_else(|| Failure::Other("injected".to_owned())));
            }
            declared
                .into_iter()
                .skip(1)
                .find(|f| self.fire(&format!("fail:{id}@{}", f.name())))
        }
        }
    };
    let table = quote! {
        /// The failures each step declares, in the spec's order.
        fn declared_failures(step: Step) -> Vec<Failure> {
            match step {
                #(#arms)*
                #[allow(unreachable_patterns)]
                _ => Vec::new(),
            }
        }
    };
    (fail, quote!(#declared #table))
}
