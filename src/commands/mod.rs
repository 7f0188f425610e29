//! One file per subcommand: read the arguments, call the library, write the output, and
//! say which exit code applies. What they share is here: reading and checking a spec
//! ([`check_spec`]), writing a product ([`write_product`]) or diagnostics, and failing.

pub mod assignments;
pub mod check;
pub mod codegen;
pub mod completions;
pub mod diagram;
mod diagram_isolation;
pub mod explain;
pub mod grade;
pub mod import;
pub mod lsp;
pub mod man;
pub mod schema;
pub mod simulate;
mod simulate_isolation;

use std::io::{self, Write};
use std::path::Path;

use sagac::check::{Checked, Options};
use sagac::{load, report};

/// The exit codes every subcommand shares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Nothing to report (or only warnings, unless they are denied).
    Clean = 0,
    /// Findings: errors, denied warnings, violated invariants, a grade below full marks.
    Findings = 1,
    /// Usage or I/O error: a missing file, a directory with no spec, a write that failed.
    Usage = 2,
}

/// Prints a usage or I/O error the way every subcommand does.
pub fn fail(message: impl std::fmt::Display) -> Exit {
    eprintln!("error: {message}");
    Exit::Usage
}

/// Reads and checks the spec at `path`. A path that cannot be read is a usage error
/// (printed, exit 2); a file that is not a spec is checked like any other (its diagnostic
/// says why).
pub fn check_spec(path: &Path, options: &Options) -> Result<Checked, Exit> {
    match load::read(path) {
        Ok(loaded) => Ok(sagac::check::check_loaded_with(loaded, options)),
        Err(e) => Err(fail(e)),
    }
}

/// Writes a command's product (a report, a diagram, the list of files written): atomically
/// to `path` when one is given, else to standard output, where a reader that stopped early
/// (`sagac ... | head`) is not an error.
pub fn write_product(path: Option<&Path>, bytes: &[u8]) -> io::Result<()> {
    match path {
        Some(path) => sagac::atomic_write::write(path, bytes),
        None => {
            let mut out = io::stdout().lock();
            match out.write_all(bytes).and_then(|()| out.flush()) {
                Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
                written => written,
            }
        }
    }
}

/// Writes checked files' diagnostics to standard output in a format; a failed write is
/// exit 2.
pub fn print_diagnostics(
    format: report::Format,
    files: &[Checked],
    color: bool,
) -> Result<(), Exit> {
    let mut text = Vec::new();
    report::render(format, files, color, &mut text)
        .and_then(|()| write_product(None, &text))
        .map_err(|e| fail(format!("writing the report: {e}")))
}

/// Writes a checked file's human diagnostics to standard error, for the commands whose
/// standard output is their product (a diagram, the list of files written). The report is
/// a courtesy there: a failed write to standard error changes no exit code.
pub fn eprint_diagnostics(checked: &Checked, color: crate::cli::Color) {
    let stderr = io::stderr();
    let color = color.enabled_for(&stderr);
    let mut err = stderr.lock();
    let _ = report::render(
        report::Format::Human,
        std::slice::from_ref(checked),
        color,
        &mut err,
    )
    .and_then(|()| err.flush());
}

/// A spec that uses a language version 2 feature whose semantics `scenario` does not
/// implement yet (`codegen`: what its runtime does not implement, `codegen::unsupported_v2`;
/// the Restate runtime: `codegen::restate::unsupported_v2`): `command` (`simulate`, `diagram`,
/// `codegen`) refuses it rather than run it with version 1's semantics, naming the feature
/// and where it is written (exit 2).
pub fn refuse_unsupported(
    checked: &Checked,
    saga: &sagac::model::Saga,
    command: &str,
) -> Option<Exit> {
    let unsupported = match command {
        "codegen" => sagac::codegen::unsupported_v2(saga)?,
        "codegen --runtime restate" => sagac::codegen::restate::unsupported_v2(saga)?,
        _ => sagac::scenario::unsupported(saga)?,
    };
    let at = checked.source.line_col(unsupported.span.start);
    Some(fail(format!(
        "{}:{}:{}: `{}` uses {}, whose semantics `sagac {command}` does not implement yet; `sagac check` checks the spec in full",
        checked.source.name(),
        at.line,
        at.column,
        saga.name.value,
        unsupported.describe()
    )))
}
