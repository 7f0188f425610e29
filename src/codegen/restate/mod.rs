//! `sagac codegen --runtime restate`: the saga as a [Restate](https://restate.dev) workflow.
//! The crate keeps the std runtime's data, tables and sans-IO state machine (`Saga`), so
//! both runtimes decide alike; what changes is who runs the commands: a workflow whose
//! every participant call is a journaled effect (`ctx.run`) and every wait a durable timer.
//! The participants' traits are async. `docs/codegen.md`, "The Restate runtime", says
//! what each spec concept becomes.

mod choreography_tests;
mod harness;
mod manifest;
mod objects;
mod outcome;
mod restart;
mod server;
mod version2;
mod workflow;

use proc_macro2::TokenStream;
use quote::quote;

use crate::model::{Coordination, Orchestrator, Outbox, Relay, Saga};
use crate::scenario::{self, FaultKind};
use crate::source::Spanned;

use super::format::{Error, rust_file};
use super::plan::Plan;
use super::tokens::inner_docs;
use super::{File, Policy, caller, data, events, machine, participants, steps, traits};

pub use version2::unsupported_v2;

/// Why the Restate runtime cannot generate this saga yet: the feature, named, or `None`.
pub fn unsupported(saga: &Saga) -> Option<String> {
    if saga.coordination == Coordination::Choreography
        && let Some(step) = saga.steps.iter().find(|s| s.timeout.is_some())
    {
        // The simulator gives a choreographed step's timeout no meaning (no `timeout:`
        // scenario), so the objects would decide alone what a late answer does.
        return Some(format!(
            "a `timeout` on a step of a choreography (step `{}`): what a late answer does there is not defined by the simulation yet; remove the timeout, or model the saga as an orchestration",
            step.id.value
        ));
    }
    None
}

/// The Restate crate of a saga that checked without errors and that [`unsupported`]
/// accepts. An orchestration becomes a workflow (`src/workflow.rs`) and its scenarios are
/// those of a saga run by an engine ([`on_restate`]); a choreography becomes the
/// participants' virtual objects (`src/objects.rs`) and its scenarios are those of events
/// sent through Restate's journal ([`journaled_events`]). The other files are the same.
pub fn generate(saga: &Saga, source: &str) -> Result<Vec<File>, Error> {
    let orchestration = saga.coordination == Coordination::Orchestration;
    let saga = &if orchestration {
        on_restate(saga)
    } else {
        saga.clone()
    };
    let mut plan = Plan::new(saga, source);
    plan.restate = true;
    let plan = plan;
    let (coordinator, tests) = if orchestration {
        let scenarios = scenario::expectations(saga, &FaultKind::ALL);
        (
            File {
                path: "src/workflow.rs",
                contents: workflow::render(&plan)?,
                policy: Policy::Generated,
            },
            harness::render(&plan, &scenarios)?,
        )
    } else {
        let scenarios = scenario::expectations(&journaled_events(saga), &FaultKind::ALL);
        (
            File {
                path: "src/objects.rs",
                contents: objects::render(&plan)?,
                policy: Policy::Generated,
            },
            choreography_tests::render(&plan, &scenarios)?,
        )
    };
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
        coordinator,
        File {
            path: "src/participants.rs",
            contents: participants::render(&plan)?,
            policy: Policy::User,
        },
        File {
            path: "tests/restate.rs",
            contents: tests,
            policy: Policy::Generated,
        },
    ])
}

/// The choreography as Restate runs it: a participant's events leave through its
/// invocation's journal, recorded with the local step that decided them, so a crash between
/// the two loses nothing, as an outbox would guarantee. The simulator is asked about the saga
/// with every publisher given that outbox (whatever the spec declares), so the scenarios the
/// tests check are those of events that cannot be lost.
pub fn journaled_events(saga: &Saga) -> Saga {
    let mut saga = saga.clone();
    let journal = Outbox {
        table: Spanned {
            value: "restate_journal".to_owned(),
            span: saga.name.span,
        },
        relay: Relay::Cdc,
        connector: None,
        poll_interval: None,
        span: saga.name.span,
    };
    for p in &mut saga.participants {
        p.outbox = Some(journal.clone());
    }
    saga
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
        "The `{}` saga ({}), generated from its spec, for the Restate runtime.",
        plan.saga.name.value,
        if plan.orchestration {
            "orchestration"
        } else {
            "choreography"
        }
    );
    if let Some(d) = &plan.saga.description {
        about.push_str(&format!("\n\n{}", d.trim()));
    }
    about.push_str(if plan.orchestration {
        "\n\nThe orchestrator is the sans-IO state machine `Saga` (`Saga::start`, `Saga::on_reply`),\nthe same as the std runtime's; `workflow.rs` runs its commands on Restate."
    } else {
        "\n\nNo coordinator: `objects.rs` makes each participant a Restate virtual object that runs\nwhat consumes each event delivered to it and publishes its events."
    });
    let about = inner_docs(&about);
    let data = data::tokens(plan);
    let errors = traits::errors(plan);
    let tables = steps::tokens(plan);
    let traits = traits::participant_traits(plan);
    let bundle = participants_trait(plan);
    let events = events::tokens(plan);
    let machine = if plan.orchestration {
        let machine = machine::tokens(plan);
        let caller = caller::tokens(plan);
        quote!(#machine #caller)
    } else {
        TokenStream::new()
    };
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
