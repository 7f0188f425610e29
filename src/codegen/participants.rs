//! `src/participants.rs` of the generated crate: the user's side. Written only when absent,
//! with one struct per participant whose methods compile and say, in their doc comment and
//! `todo!`, what to write.

use quote::quote;

use super::format::{Error, rust_file};
use super::plan::Plan;
use super::tokens::{docs, inner_docs};
use super::traits::{Work, method, work_doc, works};

pub fn render(plan: &Plan) -> Result<String, Error> {
    let saga = plan.saga;
    let about = inner_docs(&format!(
        "Your implementation of the participants of `{}`: one struct per service, implementing\nthe service's trait from `generated.rs`. Replace each `todo!` with the call to your\nservice (a database transaction, an HTTP or gRPC request, a message).\n\n`sagac codegen` wrote this file once and never overwrites it (unless `--force`): when the\nspec changes, the compiler lists the methods to add or change here.",
        saga.name.value
    ));
    let services = plan.actors().map(|(id, names, trait_)| {
        let p = saga.participant(id);
        let service = &names.service;
        let doc = docs(&format!(
            "The `{}` service{}",
            p.name.value,
            p.description
                .as_ref()
                .map(|d| format!(": {}", d.trim()))
                .unwrap_or_else(|| ".".to_owned())
        ));
        let methods = works(plan, id).into_iter().map(|w| {
            let (m, ret) = method(plan, w);
            let full = work_doc(plan, w);
            let summary = full.lines().next().unwrap_or_default();
            let doc = docs(&format!(
                "{summary}\nWhat to do: see `{trait_}::{}` in generated.rs.",
                m.to_string().trim_start_matches("r#")
            ));
            let todo = todo_message(plan, w);
            let context = match w {
                Work::Compensation(_) | Work::TriggerCompensation => {
                    super::compensation_context::unused_param(plan)
                }
                Work::Escalation => quote!(, _escalation: &Escalation),
                _ => proc_macro2::TokenStream::new(),
            };
            if plan.restate {
                quote! {
                    #doc
                    async fn #m(&self, _data: &SagaData) -> #ret {
                        todo!(#todo)
                    }
                }
            } else {
                quote! {
                    #doc
                    fn #m(&mut self, _data: &SagaData #context) -> #ret {
                        todo!(#todo)
                    }
                }
            }
        });
        let tell_caller = tell_caller_stub(plan, id, trait_);
        quote! {
            #doc
            #[derive(Debug, Default)]
            pub struct #service;

            impl #trait_ for #service {
                #(#methods)*
                #tell_caller
            }
        }
    });
    let fields = plan.actors().map(|(_, names, _)| {
        let field = &names.field;
        let service = &names.service;
        quote!(pub #field: #service,)
    });
    let accessor = if plan.restate {
        Some(super::restate::participants_impl(plan))
    } else {
        std_accessor(plan)
    };
    let tokens = quote! {
        #about

        use crate::generated::*;

        #(#services)*

        /// Every service of the saga.
        #[derive(Debug, Default)]
        pub struct Services {
            #(#fields)*
        }

        #accessor
    };
    let header = format!(
        "// Written by `sagac codegen` from {}; yours to edit.\n",
        plan.source
    );
    rust_file("src/participants.rs", tokens, &header)
}

/// `Services::participants`, what the std runtime's `Driver::new` takes.
fn std_accessor(plan: &Plan) -> Option<proc_macro2::TokenStream> {
    plan.orchestration.then(|| {
        let fields = plan.actors().map(|(_, names, _)| {
            let field = &names.field;
            quote!(#field: &mut self.#field,)
        });
        quote! {
            impl Services {
                /// The participants for `Driver::new`.
                pub fn participants(&mut self) -> Participants<'_> {
                    Participants {
                        #(#fields)*
                    }
                }
            }
        }
    })
}

/// What the `todo!` of a method says: the action, and what goes in and out.
fn todo_message(plan: &Plan, work: Work) -> String {
    let saga = plan.saga;
    let names = |list: &[crate::source::Spanned<String>]| {
        list.iter()
            .map(|n| n.value.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    match work {
        Work::Escalation => format!(
            "{}: tell a person what the saga left in place",
            saga.escalation
                .as_ref()
                .map(|e| e.action.value.as_str())
                .unwrap_or_default()
        ),
        Work::Trigger => format!(
            "{}: the local transaction that starts the saga",
            saga.trigger.action.value
        ),
        Work::TriggerCompensation => format!(
            "{}: undo the trigger",
            saga.trigger
                .compensation
                .as_ref()
                .map(|c| c.action.value.as_str())
                .unwrap_or_default()
        ),
        Work::Step(s) => {
            let step = saga.step(s);
            let mut m = format!("{}: run step {}", step.action.value, step.id.value);
            if !step.reads.is_empty() {
                m.push_str(&format!(" with {}", names(&step.reads)));
            }
            if let Some(o) = &plan.step(s).output {
                m.push_str(&format!("; return {o} ({})", names(&step.writes)));
            }
            m
        }
        Work::Compensation(s) => {
            let step = saga.step(s);
            format!(
                "{}: undo step {}",
                step.compensation
                    .as_ref()
                    .map(|c| c.action.value.as_str())
                    .unwrap_or_default(),
                step.id.value
            )
        }
        Work::Reaction(i) => format!("{}: record the event", saga.reactions[i].action.value),
    }
}

/// Version 2, choreography: the outcome participant's method that tells the caller.
fn tell_caller_stub(
    plan: &Plan,
    p: crate::model::ParticipantId,
    trait_: &proc_macro2::Ident,
) -> Option<proc_macro2::TokenStream> {
    super::choreography_caller::tell_caller_declaration(plan, p)?;
    let m = super::choreography_caller::tell_caller_method(plan)?;
    let doc = docs(&format!(
        "Tell the caller how the saga ended (keep the first).\nWhat to do: see `{trait_}::{m}` in generated.rs."
    ));
    Some(quote! {
        #doc
        fn #m(&mut self, _data: &SagaData, _outcome: Outcome, _failure: Option<&SagaFailure>) -> Result<(), StepError> {
            todo!("tell the caller the saga's outcome")
        }
    })
}
