use std::io::Write;

use sagac::check::{self, Checked};
use sagac::{load, report};

use super::{Exit, fail};
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
        match load::read(path) {
            Ok(loaded) => files.push(check::check_loaded_with(loaded, &options)),
            Err(e) => return fail(e),
        }
    }
    let mut out = std::io::stdout().lock();
    match report::render(args.format, &files, args.color.enabled(), &mut out)
        .and_then(|()| out.flush())
    {
        Ok(()) => {}
        // A reader that stopped early (`sagac check ... | head`) is not an error.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        Err(e) => return fail(format!("writing the report: {e}")),
    }
    let totals = report::totals(&files);
    if totals.errors > 0 || (args.deny == Some(Deny::Warnings) && totals.warnings > 0) {
        Exit::Findings
    } else {
        Exit::Clean
    }
}
