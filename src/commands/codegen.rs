use sagac::check::{self, Checked};
use sagac::codegen::{self, writer::Written};
use sagac::report;
use sagac::source::display_path;

use super::{Exit, check_spec, eprint_diagnostics, fail, print_diagnostics, write_product};
use crate::cli::{CodegenArgs, Runtime};

pub fn run(args: &CodegenArgs) -> Exit {
    let checked = match check_spec(&args.spec, &check::Options::default()) {
        Ok(checked) => checked,
        Err(exit) => return exit,
    };
    let saga = match checked.model() {
        Some(saga) if checked.counts().errors == 0 => saga,
        _ => return refused(&checked, args),
    };
    let command = match args.runtime {
        Runtime::Restate => "codegen --runtime restate",
        Runtime::Std => "codegen",
    };
    if let Some(exit) = super::refuse_unsupported(&checked, saga, command) {
        return exit;
    }
    if checked.counts().warnings > 0 {
        // Warnings do not block generation, but the user should see them: on stderr, so
        // that stdout stays the list of files.
        eprint_diagnostics(&checked, args.color.color);
    }
    let source = display_path(&args.spec);
    // The crate gets a test per scenario, and its runs cost what their compensations do
    // (the square of the steps at worst): bounded, and a crate past this size would not
    // compile in a reasonable time anyway.
    if saga.steps.len() > codegen::MAX_STEPS {
        return fail(format!(
            "{} has {} steps: a crate is generated for at most {}, as its tests (several per step) would take a long time to build and run; split the saga into smaller ones",
            saga.name.value,
            saga.steps.len(),
            codegen::MAX_STEPS
        ));
    }
    let compensations =
        sagac::scenario::compensations_expected(saga, &sagac::scenario::FaultKind::ALL);
    if compensations > codegen::MAX_COMPENSATIONS {
        return fail(format!(
            "{} has {} steps whose failure scenarios run about {compensations} compensations in all, past the {} a crate's tests are generated for (their expected orders grow with the square of the compensatable steps); split the saga into smaller ones",
            saga.name.value,
            saga.steps.len(),
            codegen::MAX_COMPENSATIONS
        ));
    }
    let restate = args.runtime == Runtime::Restate;
    if restate && let Some(feature) = codegen::restate::unsupported(saga) {
        return fail(format!(
            "{}: the Restate runtime cannot express this saga yet: {feature}; nothing was written",
            display_path(&args.spec)
        ));
    }
    let generated = if restate {
        codegen::restate::generate(saga, &source)
    } else {
        codegen::generate(saga, &source)
    };
    let files = match generated {
        Ok(files) => files,
        Err(e) => return fail(e),
    };
    let written = match codegen::writer::write(&args.output, &files, args.force) {
        Ok(written) => written,
        Err(e) => {
            return fail(format!(
                "writing the crate to {}: {e}",
                display_path(&args.output)
            ));
        }
    };
    let mut lines = String::new();
    for (path, what) in &written {
        let path = display_path(path);
        lines.push_str(&match what {
            Written::Wrote => format!("wrote      {path}\n"),
            Written::Unchanged => format!("unchanged  {path}\n"),
            Written::Kept => format!("kept       {path} (yours; --force overwrites it)\n"),
        });
    }
    lines.push_str(&format!(
        "\n{} crate for `{}`: run its tests with `cd {} && cargo test`\n",
        if written.iter().any(|(_, w)| *w == Written::Wrote) {
            "generated the"
        } else {
            "the"
        },
        saga.name.value,
        display_path(&args.output)
    ));
    match write_product(None, lines.as_bytes()) {
        Ok(()) => Exit::Clean,
        Err(e) => fail(format!("writing the report: {e}")),
    }
}

/// A spec with errors gets the checker's diagnostics, exit 1, and nothing is written.
fn refused(checked: &Checked, args: &CodegenArgs) -> Exit {
    if let Err(exit) = print_diagnostics(
        report::Format::Human,
        std::slice::from_ref(checked),
        args.color.enabled(),
    ) {
        return exit;
    }
    eprintln!(
        "error: no code generated for {}: fix the errors above first (nothing was written)",
        display_path(&args.spec)
    );
    Exit::Findings
}
