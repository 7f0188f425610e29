use std::time::Instant;

use sagac::check::{self, Checked};
use sagac::report;
use sagac::scenario::{self, Options};
use sagac::simulate::{self, Format, Report};

use super::{Exit, fail, print_diagnostics, refuse_unsupported, write_product};
use crate::cli::{SimulateArgs, SimulateDeny};

pub fn run(args: &SimulateArgs) -> Exit {
    let import = sagac::import::Options {
        process: args.process.clone(),
    };
    let checked = match sagac::load::read(&args.spec) {
        Ok(loaded) => check::check_loaded_importing(loaded, &check::Options::default(), &import),
        Err(e) => return fail(e),
    };
    let Some(saga) = checked.model() else {
        return unresolved(&checked, args);
    };
    if saga.resources.any() {
        return super::simulate_isolation::run(args, &checked, saga);
    }
    if args.with.is_some() || args.instances.is_some() || args.shared.is_some() {
        let option = if args.with.is_some() {
            "--with runs a second saga against the records this one declares"
        } else if args.instances.is_some() {
            "--instances runs several instances against the records this one declares"
        } else {
            "--shared says which record fields the instances share"
        };
        return fail(format!(
            "{option}, but `{}` declares no `resources` (language version 2, isolation)",
            saga.name.value
        ));
    }
    if let Some(exit) = refuse_unsupported(&checked, saga, "simulate") {
        return exit;
    }
    let started = Instant::now();
    let report = match &args.scenario {
        Some(name) => match scenario::parse_name(saga, name) {
            Some(faults) => Report::new(vec![scenario::run(saga, &faults)]),
            None => {
                return fail(format!(
                    "`{name}` names no scenario of {}; single-fault scenarios: {} (combine them with `+`)",
                    saga.name.value,
                    scenario::single_fault_names(saga).join(", ")
                ));
            }
        },
        None => {
            let options = Options {
                max_faults: args.max_faults,
                kinds: if args.faults.is_empty() {
                    scenario::FaultKind::defaults(saga).to_vec()
                } else {
                    let mut kinds: Vec<scenario::FaultKind> =
                        args.faults.iter().flat_map(|&kind| kind.kinds()).collect();
                    kinds.sort();
                    kinds.dedup();
                    kinds
                },
            };
            let work = scenario::estimated_work(saga, &options);
            if work > scenario::MAX_WORK && !args.no_limit {
                return fail(format!(
                    "simulating {} with --max-faults {} would run for tens of seconds or more ({} steps, about {} units of work); narrow it with --max-faults, --faults or --scenario, or pass --no-limit",
                    saga.name.value,
                    options.max_faults,
                    saga.steps.len(),
                    work
                ));
            }
            simulate::simulate(saga, &options)
        }
    };
    let elapsed = started.elapsed();
    let extras = simulate::Extras {
        diagrams: args.diagram,
        // One scenario asked for by name: its run is what the student wants to see.
        traces: args.trace || args.scenario.is_some(),
    };
    let mut text = Vec::new();
    if let Err(e) =
        simulate::render_with(args.format, saga, &report, Some(elapsed), extras, &mut text)
            .and_then(|()| write_product(None, &text))
    {
        return fail(format!("writing the report: {e}"));
    }
    let denied = args.deny == Some(SimulateDeny::NeedsAttention) && report.needs_attention > 0;
    if report.violations > 0 || denied {
        Exit::Findings
    } else {
        Exit::Clean
    }
}

/// A spec whose model does not resolve cannot run: its diagnostics say why (exit 1).
fn unresolved(checked: &Checked, args: &SimulateArgs) -> Exit {
    let format = match args.format {
        Format::Human => report::Format::Human,
        Format::Json => report::Format::Json,
    };
    if let Err(exit) =
        print_diagnostics(format, std::slice::from_ref(checked), args.color.enabled())
    {
        return exit;
    }
    eprintln!(
        "error: {} cannot be simulated until the errors above are fixed (syntax and reference errors block the model)",
        sagac::source::display_path(&args.spec)
    );
    Exit::Findings
}
