use sagac::check::{self, Checked};
use sagac::{load, report};

use super::{Exit, check_spec, fail, print_diagnostics};
use crate::cli::{CheckArgs, Deny};

pub fn run(args: &CheckArgs) -> Exit {
    let mut paths = Vec::new();
    for p in &args.paths {
        match load::discover(p) {
            Ok(found) => paths.extend(found),
            Err(e) => return fail(e),
        }
    }
    let options = check::Options {
        simulate: !args.no_simulate,
    };
    let mut files: Vec<Checked> = Vec::with_capacity(paths.len());
    for path in &paths {
        match check_spec(path, &options) {
            Ok(checked) => files.push(checked),
            Err(exit) => return exit,
        }
    }
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
