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

use std::sync::{Mutex, OnceLock, PoisonError};

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
/// about 1,000,000 (0.21 s and 72 MB for the whole process); this allows about 1,400.
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
/// The big files are laid out in parts ([`Part`], [`TestsPart`]), each with its own plan
/// (the token types of proc-macro2 cannot cross threads), by whichever thread is free. The
/// scenarios' runs are made first, while the parts that do not need them are laid out:
/// only the tests wait for them.
pub fn generate(saga: &Saga, source: &str) -> Result<Vec<File>, Error> {
    let names = plan::Names::new(saga, source);
    let names = &names;
    // The runs live here, past the job that makes them, for the tests' jobs to borrow.
    let runs = OnceLock::new();
    let runs = &runs;
    let generated = Texts::default();
    let tests = Texts::default();
    let (generated_texts, tests_texts) = (&generated, &tests);
    rayon::scope(|s| {
        // A free thread takes the oldest job first: the runs, which the tests wait for.
        s.spawn(move |s| {
            let made = guarded(|| {
                let expected = scenario::expectations(saga, &FaultKind::ALL);
                let prepared = scenarios::prepare(&expected);
                Ok((expected, prepared))
            });
            let (expected, prepared) = match made {
                Ok(made) => runs.get_or_init(|| made),
                Err(e) => return tests_texts.put(0, Err(e)),
            };
            // The harness, the longest, spawned last, is this thread's next job.
            let parts = TestsPart::all(expected.len()).into_iter().enumerate().rev();
            for (i, part) in parts {
                s.spawn(move |_| {
                    let text = lay_out(names, |plan| match part {
                        TestsPart::Harness => scenarios::head(plan, expected, prepared),
                        TestsPart::Tests(range) => scenarios::part(plan, expected, range, prepared),
                    });
                    tests_texts.put(i, text)
                });
            }
        });
        for (i, part) in Part::SPAWNED {
            s.spawn(move |_| {
                let text = lay_out(names, |plan| match part {
                    Part::Preamble => generated::preamble(plan),
                    Part::Tables => generated::tables(plan),
                    Part::Traits(half) => generated::traits(plan, half),
                    Part::Events => generated::events(plan),
                    Part::Coordination => generated::coordination(plan),
                    Part::Outbox => generated::outbox(plan),
                    Part::Stub => participants::render(plan),
                });
                generated_texts.put(i, text)
            });
        }
    });
    let generated = generated.into_texts()?;
    let tests = tests.into_texts()?;
    let mut generated = generated.into_iter();
    let stub = generated.next_back().unwrap_or_default();
    // Each part ends an item: a blank line between parts, as between the items of a part
    // (a part with nothing to say, such as the events of a saga without any, adds none).
    let generated = generated
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join("\n");
    let tests = tests.join("\n");
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
#[derive(Debug, Clone, Copy)]
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
    /// `participants.rs`, last.
    Stub,
}

impl Part {
    /// Each part with its place in the files, in the order they are handed to the threads:
    /// a thread takes the newest job of its own first and the oldest of another's, so the
    /// longest parts (measured at 1,000 steps) come last, and what is left to share at the
    /// end is short.
    const SPAWNED: [(usize, Part); 8] = [
        (1, Part::Tables),
        (2, Part::Traits(0)),
        (3, Part::Traits(1)),
        (6, Part::Outbox),
        (5, Part::Coordination),
        (7, Part::Stub),
        (0, Part::Preamble),
        (4, Part::Events),
    ];
}

/// A part of `tests/scenarios.rs`.
enum TestsPart {
    /// The fake participants and the helpers the tests call.
    Harness,
    /// These scenarios' tests.
    Tests(std::ops::Range<usize>),
}

impl TestsPart {
    /// The harness, then the tests of `scenarios` scenarios in chunks.
    fn all(scenarios: usize) -> Vec<TestsPart> {
        let mut parts = vec![TestsPart::Harness];
        let mut start = 0;
        while start < scenarios {
            let end = (start + scenarios::TESTS_PER_PART).min(scenarios);
            parts.push(TestsPart::Tests(start..end));
            start = end;
        }
        parts
    }
}

/// The texts of a file's parts as they are laid out, in any order.
#[derive(Default)]
struct Texts(Mutex<Vec<(usize, Result<String, Error>)>>);

impl Texts {
    fn put(&self, place: usize, text: Result<String, Error>) {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push((place, text));
    }

    /// The texts in their places' order, or the first error.
    fn into_texts(self) -> Result<Vec<String>, Error> {
        let mut texts = self.0.into_inner().unwrap_or_else(PoisonError::into_inner);
        texts.sort_by_key(|(place, _)| *place);
        texts.into_iter().map(|(_, text)| text).collect()
    }
}

/// Lays out one part on its own plan (the shared names, its own pieces).
fn lay_out(
    names: &plan::Names,
    render: impl FnOnce(&plan::Plan) -> Result<String, Error>,
) -> Result<String, Error> {
    guarded(|| render(&plan::Plan::new(names)))
}

/// A job that panics is an error, not a crash.
fn guarded<T>(job: impl FnOnce() -> Result<T, Error>) -> Result<T, Error> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(job)).unwrap_or_else(|_| {
        Err(Error {
            file: "a generated file",
            message: "the generator panicked".to_owned(),
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_come_in_their_places_order_or_the_first_error() {
        let texts = Texts::default();
        texts.put(2, Ok("c".to_owned()));
        texts.put(0, Ok("a".to_owned()));
        texts.put(1, Ok("b".to_owned()));
        assert_eq!(texts.into_texts().unwrap(), ["a", "b", "c"]);

        let texts = Texts::default();
        let error = |file| Error {
            file,
            message: "broken".to_owned(),
        };
        texts.put(2, Err(error("second")));
        texts.put(0, Ok("a".to_owned()));
        texts.put(1, Err(error("first")));
        assert_eq!(texts.into_texts().unwrap_err().file, "first");
    }

    #[test]
    fn a_panicking_job_is_an_error() {
        let error = guarded::<String>(|| panic!("a bug")).unwrap_err();
        assert_eq!(error.message, "the generator panicked");
        assert_eq!(guarded(|| Ok(1)).unwrap(), 1);
    }

    #[test]
    fn tests_are_laid_out_in_chunks_after_the_harness() {
        let ranges = |n| {
            TestsPart::all(n)
                .into_iter()
                .map(|p| match p {
                    TestsPart::Harness => None,
                    TestsPart::Tests(r) => Some(r),
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(ranges(0), [None]);
        let per = scenarios::TESTS_PER_PART;
        assert_eq!(ranges(per), [None, Some(0..per)]);
        assert_eq!(ranges(per + 1), [None, Some(0..per), Some(per..per + 1)]);
    }

    #[test]
    fn every_part_is_spawned_once_in_its_place() {
        let mut places: Vec<usize> = Part::SPAWNED.iter().map(|(place, _)| *place).collect();
        places.sort();
        assert_eq!(places, (0..Part::SPAWNED.len()).collect::<Vec<_>>());
        // The stub is the last place: `generate` takes it off the end.
        assert!(matches!(
            Part::SPAWNED.iter().find(|(place, _)| *place == 7),
            Some((_, Part::Stub))
        ));
    }
}
