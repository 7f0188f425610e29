//! The fake participants of the generated tests: one `Fake` implements every trait, and
//! asks the shared `World` what each call does; and the data a saga starts with.

use proc_macro2::TokenStream;
use quote::quote;

use crate::model::{Owner, StepId};

use super::{Needs, has_trigger_outbox, trigger_event_variant};
use crate::codegen::compensation_context;
use crate::codegen::plan::Plan;
use crate::codegen::traits::{Work, method, works};

/// The expression of a step's idempotency key value, from `data`.
pub(in crate::codegen) fn key_expr(plan: &Plan, s: StepId) -> Option<TokenStream> {
    let key = plan.saga.step(s).idempotency_key.as_ref()?;
    let f = plan.field(&key.value)?;
    let name = &f.ident;
    if let Some(types) = &plan.types {
        // A typed key is compared as its text; the temporary lives through the call.
        let value = &types.value;
        return Some(if f.required {
            quote!(Some(#value::text(&data.#name).as_str()))
        } else {
            quote!(data.#name.as_ref().map(#value::text).as_deref())
        });
    }
    Some(if f.required {
        quote!(Some(data.#name.as_str()))
    } else {
        quote!(data.#name.as_deref())
    })
}

/// The `Fake` struct and its implementation of every participant's trait.
pub(super) fn tokens(plan: &Plan, needs: &Needs) -> TokenStream {
    let record_outbox = needs.trigger_crash && plan.orchestration && has_trigger_outbox(plan);
    let fakes = plan.actors().map(|(id, names, trait_)| {
        let pv = &names.variant;
        let methods = works(plan, id).into_iter().map(|w| {
            let (m, ret) = method(plan, w);
            match w {
                Work::Trigger => {
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
                Work::Step(s) => {
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
                Work::Compensation(s) => {
                    let owner = plan.owner_tokens(Owner::Step(s));
                    compensation_fake(plan, m, &ret, owner)
                }
                Work::TriggerCompensation => compensation_fake(plan, m, &ret, quote!(Owner::Trigger)),
                Work::Reaction(_) => quote! {
                    fn #m(&mut self, _data: &SagaData) -> #ret {
                        Ok(())
                    }
                },
                Work::Escalation => quote! {
                    fn #m(&mut self, _data: &SagaData, escalation: &Escalation) -> #ret {
                        let left = escalation.left.iter().map(|owner| owner.id()).collect();
                        self.0.borrow_mut().escalations.push(left);
                        Ok(())
                    }
                },
            }
        });
        let tell_caller = super::v2_choreography::tell_caller_fake(plan, id);
        quote! {
            impl #trait_ for Fake {
                #(#methods)*
                #tell_caller
            }
        }
    });
    let undo_with = if crate::codegen::choreography_v2::used(plan) {
        super::v2_choreography::undo_with(plan)
    } else {
        undo_with(plan)
    };
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

            #undo_with
        }

        #(#fakes)*
    }
}

/// A compensation's fake method: with version 2's context, it checks what it is told.
fn compensation_fake(
    plan: &Plan,
    m: &proc_macro2::Ident,
    ret: &TokenStream,
    owner: TokenStream,
) -> TokenStream {
    if compensation_context::used(plan) || crate::codegen::choreography_v2::used(plan) {
        quote! {
            fn #m(&mut self, _data: &SagaData, context: &CompensationContext) -> #ret {
                self.undo_with(#owner, context)
            }
        }
    } else {
        quote! {
            fn #m(&mut self, _data: &SagaData) -> #ret {
                self.undo(#owner)
            }
        }
    }
}

/// `Fake::undo_with`: the compensation's context must say what the participant knows (the
/// effect applied exactly when its step succeeded), and under `absent_effect: fail` it
/// fails for good on an effect that never happened.
fn undo_with(plan: &Plan) -> TokenStream {
    if !compensation_context::used(plan) {
        return TokenStream::new();
    }
    let absent = plan
        .saga
        .compensations()
        .any(|(o, c)| {
            matches!(o, Owner::Step(_)) && c.absent_effect.value == crate::model::AbsentEffect::Fail
        })
        .then(|| {
            quote! {
                if let Owner::Step(step) = owner {
                    let applied = world.applied.contains_key(step.id());
                    if absent_effect_fails(owner) && step.kind() != StepKind::ReadOnly && !applied {
                        return Err(StepError::Business(Failure::Other("nothing to undo".to_owned())));
                    }
                }
            }
        });
    // `compfail:` on a compensation that fails for good is a terminal failure.
    let timed_out = crate::codegen::compensation_timeout::fake(plan);
    let undo = match absent {
        Some(_) => quote! {
            self.undo(owner).map_err(|error| match error {
                StepError::Transient(why) if absent_effect_fails(owner) => {
                    StepError::Business(Failure::Other(why))
                }
                error => error,
            })
        },
        None => quote!(self.undo(owner)),
    };
    quote! {
        /// A compensation told `context`.
        fn undo_with(&self, owner: Owner, context: &CompensationContext) -> Result<(), StepError> {
            {
                let world = self.0.borrow();
                let succeeded = match owner {
                    Owner::Trigger => true,
                    Owner::Step(step) => world.done.contains(step.id()),
                };
                assert_eq!(context.effect == Effect::Applied, succeeded, "the effect {} is told of ({context:?})", owner.id());
                assert!(!context.failure.name.is_empty(), "the failure {} is told of ({context:?})", owner.id());
                #absent
            }
            #timed_out
            #undo
        }
    }
}

/// `sample_data()`: each trigger field set to `<field>-1`.
pub(in crate::codegen) fn sample_data(plan: &Plan) -> TokenStream {
    let required: Vec<TokenStream> = plan
        .fields
        .iter()
        .filter(|f| f.required)
        .map(|f| {
            let name = &f.ident;
            if let Some(types) = &plan.types {
                let value = types.sample(plan.saga, &f.ty, &f.name, &mut Vec::new());
                return quote!(#name: #value,);
            }
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
