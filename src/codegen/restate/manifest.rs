//! The Restate crate's frame: `Cargo.toml` (the pinned SDK), `src/lib.rs` and `src/main.rs`
//! (serves the workflow). Written when absent, since the user may add to them.

use quote::quote;

use super::super::format::{Error, rust_file};
use super::super::plan::Plan;
use super::super::tokens::inner_docs;

/// The Rust SDK, pinned: 0.13.0 speaks the service protocol of restate-server 1.6 to 1.8.
pub const RESTATE_SDK: &str = "0.13.0";

/// The server the generated tests are known to run against (`npm install
/// @restatedev/restate-server@1.7.12`).
pub const RESTATE_SERVER: &str = "1.7.12";

/// The Rust version restate-sdk 0.13 needs.
pub const RUST_VERSION: &str = "1.90";

pub fn cargo_toml(plan: &Plan) -> String {
    format!(
        "# Written by `sagac codegen --runtime restate` from {source}; yours to edit (rerun with --force to get it back).\n\
         [package]\n\
         name = \"{package}\"\n\
         version = \"0.1.0\"\n\
         edition = \"2021\"\n\
         rust-version = \"{RUST_VERSION}\"\n\
         publish = false\n\
         \n\
         [dependencies]\n\
         # Pinned: the SDK speaks the protocol of restate-server 1.6 to 1.8 (tested with {RESTATE_SERVER}).\n\
         # Only its HTTP server: no random numbers, UUIDs or tracing filter, for a faster build.\n\
         restate-sdk = {{ version = \"={RESTATE_SDK}\", default-features = false, features = [\"http_server\"] }}\n\
         serde = {{ version = \"1\", features = [\"derive\"] }}\n\
         tokio = {{ version = \"1\", features = [\"macros\", \"rt-multi-thread\", \"time\"] }}\n\
         \n\
         [dev-dependencies]\n\
         serde_json = \"1\"\n\
         \n\
         # A workspace of its own, even when generated inside another project.\n\
         [workspace]\n",
        source = plan.source,
        package = plan.package,
    )
}

pub fn lib_rs(plan: &Plan) -> Result<String, Error> {
    let runner = if plan.orchestration {
        "workflow"
    } else {
        "objects"
    };
    let about = inner_docs(&format!(
        "The `{}` saga on Restate. `generated` and `{runner}` follow from the spec and are\nrewritten by every `sagac codegen --runtime restate` run; `participants` is yours.",
        plan.saga.name.value
    ));
    let modules = if plan.orchestration {
        quote! {
            pub mod generated;
            pub mod participants;
            pub mod workflow;
        }
    } else {
        quote! {
            pub mod generated;
            pub mod objects;
            pub mod participants;
        }
    };
    let tokens = quote! {
        #about

        #modules
    };
    let header = format!(
        "// Written by `sagac codegen --runtime restate` from {}; yours to edit.\n",
        plan.source
    );
    rust_file("src/lib.rs", tokens, &header)
}

pub fn main_rs(plan: &Plan) -> Result<String, Error> {
    let package = super::super::names::ident(&plan.package);
    let saga = plan.saga;
    let about = inner_docs(&if plan.orchestration {
        format!(
            "Serves the `{name}` workflow on `SAGA_ADDRESS` (default `127.0.0.1:9080`). Register it\nwith the Restate server (`restate deployments register http://127.0.0.1:9080`, or\n`POST /deployments` on its admin port), then start a saga through the ingress:\n`POST /{name}/<key>/run` with the saga's data as JSON.",
            name = saga.name.value
        )
    } else {
        format!(
            "Serves the `{name}` saga's participants (one virtual object each, `{name}.<participant>`)\non `SAGA_ADDRESS` (default `127.0.0.1:9080`). Register them with the Restate server\n(`restate deployments register http://127.0.0.1:9080`, or `POST /deployments` on its admin\nport), then start a saga through the ingress: `POST /{name}.{trigger}/<key>/start` with the\nsaga's data as JSON; `POST /{name}/<key>/outcome` answers how it ended (`running` until then).",
            name = saga.name.value,
            trigger = saga.participant(saga.trigger.participant).name.value
        )
    });
    // In the order rustfmt sorts them (the file is the user's and not skipped by rustfmt).
    let own = if plan.orchestration {
        quote! {
            use #package::participants::Services;
            use #package::workflow::SagaWorkflow;
        }
    } else {
        quote! {
            use #package::objects::{endpoint, Settings};
            use #package::participants::Services;
        }
    };
    let endpoint = if plan.orchestration {
        quote! {
            let endpoint = Endpoint::builder()
                .bind(SagaWorkflow::new(Services::default()))
                .build();
        }
    } else {
        quote! {
            let endpoint = endpoint(Services::default(), Settings::default());
        }
    };
    let sdk = quote!(
        use restate_sdk::prelude::*;
    );
    let imports = if plan.package.as_str() < "restate_sdk" {
        quote!(#own #sdk)
    } else {
        quote!(#sdk #own)
    };
    let tokens = quote! {
        #about

        #imports

        #[tokio::main]
        async fn main() {
            let address = std::env::var("SAGA_ADDRESS");
            let address = address.as_deref().unwrap_or("127.0.0.1:9080");
            let address = match address.parse() {
                Ok(address) => address,
                Err(e) => {
                    eprintln!("error: SAGA_ADDRESS={address} is not an address (host:port): {e}");
                    std::process::exit(2);
                }
            };
            #endpoint
            HttpServer::new(endpoint).listen_and_serve(address).await;
        }
    };
    let header = format!(
        "// Written by `sagac codegen --runtime restate` from {}; yours to edit.\n",
        plan.source
    );
    rust_file("src/main.rs", tokens, &header)
}
