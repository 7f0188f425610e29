//! `sagac codegen`: a standalone Rust crate per saga (no dependencies outside std). Rust
//! code is built with `quote`, parsed with `syn` and laid out by `prettyplease`, never
//! pasted from string templates; names come from the spec, which the checker restricted to
//! safe identifiers (`names.rs` handles keywords and collisions). Every file is produced in
//! memory first; `writer.rs` puts them on disk. `docs/codegen.md` describes the crate.

mod data;
mod driver;
mod events;
mod format;
mod generated;
mod handlers;
mod machine;
mod manifest;
mod migration;
pub mod names;
mod participants;
mod pieces;
mod plan;
mod scenarios;
mod shape;
mod steps;
mod tokens;
mod traits;
pub mod writer;

pub use format::Error;

use rayon::prelude::*;

use crate::model::Saga;
use crate::scenario::{self, FaultKind};

/// The most steps a crate is generated for (`sagac codegen` refuses larger sagas). Its
/// scenarios' runs cost what their compensations do, about the square of the steps: 5,000
/// steps take seconds, and give a crate of tens of thousands of tests.
pub const MAX_STEPS: usize = 5_000;

/// The most compensations the scenarios' runs may make in all
/// ([`scenario::compensations_expected`]) for a crate to be generated: the expected orders
/// are held until the tests are written, and grow with the square of the compensatable
/// steps. A saga of 1,000 compensatable steps, each of which can fail or give up, makes
/// about 1,000,000 (0.5 s, under 200 MB); this allows about 1,400.
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
///
/// The big files are laid out in parallel, in parts ([`Part`], [`TestsPart`]), each with its own plan (the
/// token types of proc-macro2 cannot cross threads). The scenarios' runs are made while the
/// parts that do not need them are laid out: only the tests wait for them.
pub fn generate(saga: &Saga, source: &str) -> Result<Vec<File>, Error> {
    let names = plan::Names::new(saga, source);
    let names = &names;
    let (tests, generated) = rayon::join(
        || {
            let scenarios = scenario::expectations(saga, &FaultKind::ALL);
            let prepared = scenarios::prepare(&scenarios);
            let mut parts = vec![TestsPart::Harness];
            let mut start = 0;
            while start < scenarios.len() {
                let end = (start + scenarios::TESTS_PER_PART).min(scenarios.len());
                parts.push(TestsPart::Tests(start..end));
                start = end;
            }
            lay_out(names, parts, |plan, part| match part {
                TestsPart::Harness => scenarios::head(plan, &scenarios, &prepared),
                TestsPart::Tests(range) => scenarios::part(plan, &scenarios, range, &prepared),
            })
        },
        || {
            let parts = vec![
                Part::Preamble,
                Part::Tables,
                Part::Traits(0),
                Part::Traits(1),
                Part::Events,
                Part::Coordination,
                Part::Outbox,
                Part::Stub,
            ];
            lay_out(names, parts, |plan, part| match part {
                Part::Preamble => generated::preamble(plan),
                Part::Tables => generated::tables(plan),
                Part::Traits(half) => generated::traits(plan, half),
                Part::Events => generated::events(plan),
                Part::Coordination => generated::coordination(plan),
                Part::Outbox => generated::outbox(plan),
                Part::Stub => participants::render(plan),
            })
        },
    );
    let mut generated = generated?.into_iter();
    let stub = generated.next_back().unwrap_or_default();
    // Each part ends an item: a blank line between parts, as between the items of a part
    // (a part with nothing to say, such as the events of a saga without any, adds none).
    let generated = generated
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join("\n");
    let tests = tests?.join("\n");
    let plan = plan::Plan::new(names);
    Ok(vec![
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
            contents: generated,
            policy: Policy::Generated,
        },
        File {
            path: "src/participants.rs",
            contents: stub,
            policy: Policy::User,
        },
        File {
            path: "migrations/0001_outbox.sql",
            contents: migration::render(&plan),
            policy: Policy::Generated,
        },
        File {
            path: "tests/scenarios.rs",
            contents: tests,
            policy: Policy::Generated,
        },
    ])
}

/// A part of the crate's big files that does not need the scenarios.
enum Part {
    /// `generated.rs`: its header, the data and the errors.
    Preamble,
    /// `generated.rs`: the tables of steps and retry policies.
    Tables,
    /// `generated.rs`: the participants' traits, in two halves (0 and 1).
    Traits(usize),
    /// `generated.rs`: the events.
    Events,
    /// `generated.rs`: the state machine and driver, or the first half of the handlers.
    Coordination,
    /// `generated.rs`: the second half of the handlers, and the outbox module.
    Outbox,
    /// `participants.rs`.
    Stub,
}

/// A part of `tests/scenarios.rs`.
enum TestsPart {
    /// The fake participants and the helpers the tests call.
    Harness,
    /// These scenarios' tests.
    Tests(std::ops::Range<usize>),
}

/// Lays out the parts in parallel, each on its own plan (the shared names, its own
/// pieces); their texts in the parts' order.
/// A part that panics is an error, not a crash.
fn lay_out<P: Send>(
    names: &plan::Names,
    parts: Vec<P>,
    render: impl Fn(&plan::Plan, P) -> Result<String, Error> + Sync,
) -> Result<Vec<String>, Error> {
    parts
        .into_par_iter()
        .map(|part| {
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                render(&plan::Plan::new(names), part)
            }))
            .unwrap_or_else(|_| {
                Err(Error {
                    file: "a generated file",
                    message: "the generator panicked".to_owned(),
                })
            })
        })
        .collect()
}
