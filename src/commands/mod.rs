//! One file per subcommand: read the arguments, call the library, write the output, and
//! say which exit code applies.

pub mod assignments;
pub mod check;
pub mod codegen;
pub mod diagram;
pub mod explain;
pub mod grade;
pub mod schema;
pub mod simulate;

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

/// Writes checked files' diagnostics to standard output in a format. A reader that stopped
/// early (`sagac check ... | head`) is not an error; any other write failure is exit 2.
pub fn print_diagnostics(
    format: sagac::report::Format,
    files: &[sagac::check::Checked],
    color: bool,
) -> Result<(), Exit> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match sagac::report::render(format, files, color, &mut out).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(fail(format!("writing the report: {e}"))),
    }
}

/// Writes a checked file's human diagnostics to standard error, for the commands whose
/// standard output is their product (a diagram, the list of files written). The report is
/// a courtesy there: a failed write to standard error changes no exit code.
pub fn eprint_diagnostics(checked: &sagac::check::Checked, color: crate::cli::Color) {
    use std::io::Write;
    let stderr = std::io::stderr();
    let color = color.enabled_for(&stderr);
    let mut err = stderr.lock();
    let _ = sagac::report::render(
        sagac::report::Format::Human,
        std::slice::from_ref(checked),
        color,
        &mut err,
    )
    .and_then(|()| err.flush());
}
