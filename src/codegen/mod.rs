//! `sagac codegen`: a standalone Rust crate per saga (no dependencies outside std). Each
//! Rust file is one token stream built with `quote`, parsed once with `syn` and laid out by
//! `prettyplease`, never pasted from string templates; names come from the spec, which the checker restricted to
//! safe identifiers (`names.rs` handles keywords and collisions). Every file is produced in
//! memory first; `writer.rs` puts them on disk. `docs/codegen.md` describes the crate.

mod caller;
mod cancel;
mod choreography_caller;
mod choreography_compensation;
mod choreography_deadline;
mod choreography_isolation;
mod choreography_outbox;
mod choreography_timeout;
mod choreography_v2;
mod classes;
mod compensation_context;
mod compensation_timeout;
mod data;
mod deadline;
mod decision;
mod driver;
mod escalation;
mod events;
mod format;
mod generated;
mod handlers;
mod isolation_faults;
mod isolation_harness;
mod isolation_tests;
mod jitter;
mod machine;
mod manifest;
mod migration;
pub mod names;
mod participants;
mod plan;
mod record_store;
mod resources;
pub mod restate;
mod runs_for;
mod saga_log;
mod scenarios;
mod steps;
mod terminate;
mod tokens;
mod traits;
mod types;
mod uncaught;
mod version2;
pub mod writer;

pub use format::Error;
pub use version2::{fault_kinds, unsupported as unsupported_v2};

use crate::model::Saga;
use crate::scenario;

/// The most steps a crate is generated for (`sagac codegen` refuses larger sagas): 5,000
/// retriable steps take about 5 s and give a crate of tens of thousands of tests, which
/// takes minutes to build.
pub const MAX_STEPS: usize = 5_000;

/// The most compensations the scenarios' runs may make in all
/// ([`scenario::compensations_expected`]) for a crate to be generated: the expected orders
/// are held until the tests are written, and grow with the square of the compensatable
/// steps. A saga of 1,000 compensatable steps, each of which can fail or give up, makes
/// about 1,000,000 (about 1 s and 115 MB for the whole process); this allows about 1,400.
pub const MAX_COMPENSATIONS: usize = 2_000_000;

/// Whether a run may replace a file that exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Policy {
    /// Follows from the spec: rewritten on every run.
    Generated,
    /// The user's: written only when absent (or with `--force`).
    User,
}

/// One file of the crate, relative to the output directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct File {
    pub path: &'static str,
    pub contents: String,
    pub policy: Policy,
}

/// Generates the crate for a saga that checked without errors; `source` is the spec's path
/// as the user named it (for headers). Enumerates the scenarios the simulator runs by
/// default, so that the crate's tests cover every one.
pub fn generate(saga: &Saga, source: &str) -> Result<Vec<File>, Error> {
    let plan = plan::Plan::new(saga, source);
    let scenarios = scenario::expectations(saga, &fault_kinds(saga));
    let mut files = vec![
        File {
            path: "Cargo.toml",
            contents: manifest::cargo_toml(&plan),
            policy: Policy::User,
        },
        File {
            path: "rustfmt.toml",
            contents: manifest::rustfmt_toml(),
            policy: Policy::User,
        },
        File {
            path: ".gitignore",
            contents: manifest::gitignore(),
            policy: Policy::User,
        },
        File {
            path: "src/lib.rs",
            contents: manifest::lib_rs(&plan)?,
            policy: Policy::User,
        },
        File {
            path: "src/generated.rs",
            contents: generated::render(&plan)?,
            policy: Policy::Generated,
        },
        File {
            path: "src/participants.rs",
            contents: participants::render(&plan)?,
            policy: Policy::User,
        },
        File {
            path: "migrations/0001_outbox.sql",
            contents: migration::render(&plan),
            policy: Policy::Generated,
        },
        File {
            path: "tests/scenarios.rs",
            contents: scenarios::render(&plan, &scenarios)?,
            policy: Policy::Generated,
        },
    ];
    if saga.resources.any() {
        // Several instances over one store of records (version 2, isolation).
        files.push(File {
            path: "tests/isolation.rs",
            contents: isolation_tests::render(&plan)?,
            policy: Policy::Generated,
        });
    }
    if let Some(log) = saga_log::render(&plan) {
        // Beside the outbox migration, so the listing reads in the order they apply.
        let at = files.len() - 1;
        files.insert(
            at,
            File {
                path: "migrations/0002_saga_log.sql",
                contents: log,
                policy: Policy::Generated,
            },
        );
    }
    Ok(files)
}
