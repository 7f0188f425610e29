use std::io::Write;
use std::time::Instant;

use sagac::check::{self, Checked};
use sagac::scenario::{self, Options};
use sagac::simulate::{self, Format, Report};
use sagac::{load, report};

use super::{Exit, fail, print_diagnostics};
use crate::cli::SimulateArgs;

pub fn run(args: &SimulateArgs) -> Exit {
    let loaded = match load::read(&args.spec) {
        Ok(loaded) => loaded,
        Err(e) => return fail(e),
    };
    let checked = check::check_loaded(loaded);
    let Some(saga) = checked.saga.as_ref().filter(|_| checked.resolved) else {
        return unresolved(&checked, args);
    };
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
                    scenario::FaultKind::ALL.to_vec()
                } else {
                    args.faults.iter().map(|&kind| kind.into()).collect()
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
    let mut out = std::io::stdout().lock();
    let extras = simulate::Extras {
        diagrams: args.diagram,
    };
    match simulate::render_with(args.format, saga, &report, Some(elapsed), extras, &mut out)
        .and_then(|()| out.flush())
    {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        Err(e) => return fail(format!("writing the report: {e}")),
    }
    if report.violations > 0 {
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
