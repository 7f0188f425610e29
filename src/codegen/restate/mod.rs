//! `sagac codegen --runtime restate`: the saga as a [Restate](https://restate.dev) workflow.
//! The crate keeps the std runtime's data, tables and sans-IO state machine (`Saga`), so
//! both runtimes decide alike; what changes is who runs the commands: a workflow whose
//! every participant call is a journaled effect (`ctx.run`) and every wait a durable timer.
//! The participants' traits are async. `docs/codegen.md`, "The Restate runtime", says
//! what each spec concept becomes.

mod harness;
mod manifest;
mod restart;
mod server;
mod workflow;

use proc_macro2::TokenStream;
use quote::quote;

use crate::model::{Orchestrator, Saga};
use crate::scenario::{self, FaultKind};
use crate::source::Spanned;

use super::format::{Error, rust_file};
use super::plan::Plan;
use super::tokens::inner_docs;
use super::{File, Policy, data, events, machine, participants, steps, traits};

/// Why the Restate runtime cannot generate this saga yet: the feature, named, or `None`.
pub fn unsupported(saga: &Saga) -> Option<String> {
    if saga.coordination != crate::model::Coordination::Orchestration {
        return Some(
            "choreography (each participant as a Restate virtual object) is not generated yet; generate it for the std runtime (without `--runtime restate`), or model the saga as an orchestration".to_owned(),
        );
    }
    None
}

/// The Restate crate of an orchestration that checked without errors and that
/// [`unsupported`] accepts.
pub fn generate(saga: &Saga, source: &str) -> Result<Vec<File>, Error> {
    let saga = &on_restate(saga);
    let mut plan = Plan::new(saga, source);
    plan.restate = true;
    let plan = plan;
    let scenarios = scenario::expectations(saga, &FaultKind::ALL);
    Ok(vec![
        File {
            path: "Cargo.toml",
            contents: manifest::cargo_toml(&plan),
            policy: Policy::User,
        },
        File {
            path: "rustfmt.toml",
            contents: super::manifest::rustfmt_toml(),
            policy: Policy::User,
        },
        File {
            path: ".gitignore",
            contents: super::manifest::gitignore(),
            policy: Policy::User,
        },
        File {
            path: "src/lib.rs",
            contents: manifest::lib_rs(&plan)?,
            policy: Policy::User,
        },
        File {
            path: "src/main.rs",
            contents: manifest::main_rs(&plan)?,
            policy: Policy::User,
        },
        File {
            path: "src/generated.rs",
            contents: generated(&plan)?,
            policy: Policy::Generated,
        },
        File {
            path: "src/workflow.rs",
            contents: workflow::render(&plan)?,
            policy: Policy::Generated,
        },
        File {
            path: "src/participants.rs",
            contents: participants::render(&plan)?,
            policy: Policy::User,
        },
        File {
            path: "tests/restate.rs",
            contents: harness::render(&plan, &scenarios)?,
            policy: Policy::Generated,
        },
    ])
}

/// The saga as Restate runs it: Restate is its engine, whose journal starts the saga once
/// the invocation is accepted and keeps the orchestrator's state (whatever the spec says of a
/// log), so the simulator's scenarios are those of a saga run by an engine.
fn on_restate(saga: &Saga) -> Saga {
    let mut saga = saga.clone();
    let engine = Spanned {
        value: "restate".to_owned(),
        span: saga.name.span,
    };
    match &mut saga.orchestrator {
        Some(o) => o.engine = Some(engine),
        None => {
            saga.orchestrator = Some(Orchestrator {
                participant: saga.trigger.participant,
                log: None,
                engine: Some(engine),
                span: None,
            });
        }
    }
    saga
}

/// `src/generated.rs`: the std runtime's data, errors, tables, events, state machine and
/// outbox module, with async participant traits and the `Participants` bundle the workflow
/// is generic over (no blocking driver).
fn generated(plan: &Plan) -> Result<String, Error> {
    let mut about = format!(
        "The `{}` saga (orchestration), generated from its spec, for the Restate runtime.",
        plan.saga.name.value
    );
    if let Some(d) = &plan.saga.description {
        about.push_str(&format!("\n\n{}", d.trim()));
    }
    about.push_str("\n\nThe orchestrator is the sans-IO state machine `Saga` (`Saga::start`, `Saga::on_reply`),\nthe same as the std runtime's; `workflow.rs` runs its commands on Restate.");
    let about = inner_docs(&about);
    let data = data::tokens(plan);
    let errors = traits::errors(plan);
    let tables = steps::tokens(plan);
    let traits = traits::participant_traits(plan);
    let bundle = participants_trait(plan);
    let events = events::tokens(plan);
    let machine = machine::tokens(plan);
    let outbox = events::outbox_module(plan);
    let tokens = quote! {
        #about
        #![cfg_attr(rustfmt, rustfmt::skip)]

        use std::fmt;
        use std::time::Duration;

        #data
        #errors
        #tables
        #traits
        #bundle
        #events
        #machine
        #outbox
    };
    let header = format!(
        "// @generated by `sagac codegen --runtime restate` from {}.\n// Do not edit: every run rewrites this file. Your code goes in src/participants.rs.\n// Laid out by prettyplease; rustfmt leaves it alone, so every run gives the same bytes.\n",
        plan.source
    );
    rust_file("src/generated.rs", tokens, &header)
}

/// The trait the workflow is generic over: one implementation of each participant's trait.
fn participants_trait(plan: &Plan) -> TokenStream {
    let items = plan.actors().map(|(_, names, trait_)| {
        let field = &names.field;
        quote! {
            type #trait_: #trait_;
            fn #field(&self) -> &Self::#trait_;
        }
    });
    quote! {
        /// Every participant that runs an action, as the workflow calls them
        /// (`participants::Services` in production, fakes in the tests).
        pub trait Participants: Send + Sync + 'static {
            #(#items)*
        }
    }
}

/// `impl Participants for Services`, in `src/participants.rs`.
pub fn participants_impl(plan: &Plan) -> TokenStream {
    let items = plan.actors().map(|(_, names, trait_)| {
        let field = &names.field;
        let service = &names.service;
        quote! {
            type #trait_ = #service;
            fn #field(&self) -> &#service {
                &self.#field
            }
        }
    });
    quote! {
        /// What the workflow calls (`SagaWorkflow::new(Services::default())`).
        impl Participants for Services {
            #(#items)*
        }
    }
}
