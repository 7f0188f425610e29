//! `sagac import`: translate a Step Functions, BPMN or Serverless Workflow file into a spec.
//! The spec goes to `-o` (atomically) or standard output, the summary of what was mapped,
//! approximated and left out to standard error. A file that cannot be translated gets its
//! diagnostics on standard error, exit 1, and nothing is written.

use sagac::check::Checked;
use sagac::import::{self, Options};

use super::{Exit, eprint_diagnostics, fail, write_product};
use crate::cli::ImportArgs;

pub fn run(args: &ImportArgs) -> Exit {
    let loaded = match sagac::load::read(&args.file) {
        Ok(loaded) => loaded,
        Err(e) => return fail(e),
    };
    let source = match loaded {
        sagac::load::Loaded::Text(source) => source,
        unreadable => {
            eprint_diagnostics(&sagac::check::check_loaded(unreadable), args.color.color);
            return Exit::Findings;
        }
    };
    let options = Options {
        process: args.process.clone(),
    };
    if import::detect(&source).is_none() {
        let error =
            import::ImportError::new(Default::default(), import::ImportErrorKind::UnknownFormat);
        return refuse(source, &[error], args);
    }
    let imported = match import::import(&source, &options) {
        Ok(imported) => imported,
        Err(errors) => return refuse(source, &errors, args),
    };
    let yaml = imported.yaml(&source);
    if let Err(e) = write_product(args.output.as_deref(), yaml.as_bytes()) {
        return fail(format!("writing the spec: {e}"));
    }
    eprint!("{}", imported.summary().text(&imported.draft, &source));
    Exit::Clean
}

/// Prints why the file cannot be imported; nothing is written.
fn refuse(
    source: sagac::source::SourceFile,
    errors: &[import::ImportError],
    args: &ImportArgs,
) -> Exit {
    let checked = Checked {
        source,
        diagnostics: errors.iter().map(sagac::rules::import::error).collect(),
        saga: None,
        resolved: false,
    };
    eprint_diagnostics(&checked, args.color.color);
    Exit::Findings
}
