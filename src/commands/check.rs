use sagac::check;
use sagac::{load, report};

use super::{Exit, fail, print_diagnostics};
use crate::cli::{CheckArgs, Deny};

pub fn run(args: &CheckArgs) -> Exit {
    on_this_thread();
    let mut paths = Vec::new();
    for p in &args.paths {
        match load::discover_for_check(p) {
            Ok(found) => paths.extend(found),
            Err(e) => return fail(e),
        }
    }
    let options = check::Options {
        simulate: !args.no_simulate,
    };
    // Every file is read before any is checked: a diagram is compared with the specs of
    // the whole run.
    let mut loaded = Vec::with_capacity(paths.len());
    for path in &paths {
        match load::read(path) {
            Ok(file) => loaded.push(file),
            Err(e) => return fail(e),
        }
    }
    let files = match &args.process {
        None => check::check_all(loaded, &options),
        Some(process) => {
            let import = sagac::import::Options {
                process: Some(process.clone()),
            };
            loaded
                .into_iter()
                .map(|l| check::check_loaded_importing(l, &options, &import))
                .collect()
        }
    };
    if let Err(exit) = print_diagnostics(args.format, &files, args.color.enabled()) {
        return exit;
    }
    let totals = report::totals(&files);
    if totals.errors > 0 || (args.deny == Some(Deny::Warnings) && totals.warnings > 0) {
        Exit::Findings
    } else {
        Exit::Clean
    }
}

/// Makes rayon's global pool this thread alone, so that `check` starts no threads. The rules
/// are linear and the simulation `check` runs is bounded (single faults, at most 64 steps):
/// for the specs people check, starting a pool costs more than it saves (figures in
/// docs/performance.md, `sagac check`). A pool that already exists is left as it is.
fn on_this_thread() {
    let _ = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .use_current_thread()
        .build_global();
}
