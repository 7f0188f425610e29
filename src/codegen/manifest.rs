//! The crate's frame: `Cargo.toml` (no dependencies, a workspace of its own), `src/lib.rs`
//! and `.gitignore`. Written when absent, since the user may add to them.

use quote::quote;

use super::format::{Error, rust_file};
use super::plan::Plan;
use super::tokens::inner_docs;

/// The Rust version the generated code needs (`Option::is_none_or`).
pub const RUST_VERSION: &str = "1.82";

pub fn cargo_toml(plan: &Plan) -> String {
    // Every value is a snake-case name the checker validated, so no TOML escaping applies.
    format!(
        "# Written by `sagac codegen` from {source}; yours to edit (rerun with --force to get it back).\n\
         [package]\n\
         name = \"{package}\"\n\
         version = \"0.1.0\"\n\
         edition = \"2021\"\n\
         rust-version = \"{RUST_VERSION}\"\n\
         publish = false\n\
         \n\
         # No dependencies: the crate builds offline, and fast.\n\
         [dependencies]\n\
         \n\
         # A workspace of its own, even when generated inside another project.\n\
         [workspace]\n",
        source = plan.source,
        package = plan.package,
    )
}

pub fn lib_rs(plan: &Plan) -> Result<String, Error> {
    let about = inner_docs(&format!(
        "The `{}` saga. `generated` follows from the spec and is rewritten by every\n`sagac codegen` run; `participants` is yours.",
        plan.saga.name.value
    ));
    let tokens = quote! {
        #about

        pub mod generated;
        pub mod participants;
    };
    let header = format!(
        "// Written by `sagac codegen` from {}; yours to edit.\n",
        plan.source
    );
    rust_file("src/lib.rs", tokens, &header)
}

/// prettyplease's width, so that rustfmt agrees with the layout of the files sagac writes
/// for the user (`src/participants.rs`, `src/lib.rs`).
pub fn rustfmt_toml() -> String {
    "# The width prettyplease lays out at, so that the files sagac writes for you are\n# already formatted.\nmax_width = 89\n".to_owned()
}

pub fn gitignore() -> String {
    "/target\n".to_owned()
}
