//! `sagac simulate` of a saga with `resources`: its instances interleaved
//! (`scenario::isolation`), or a refusal naming what of it is not implemented yet (exit 2),
//! never a run with one instance's semantics.

use sagac::check::Checked;
use sagac::model::Saga;
use sagac::scenario::isolation::{self, Instances, Search};
use sagac::scenario::{self, FaultKind};
use sagac::simulate::{self, Format};

use super::{Exit, fail, write_product};
use crate::cli::SimulateArgs;

pub fn run(args: &SimulateArgs, checked: &Checked, saga: &Saga) -> Exit {
    if let Some(exit) = refuse(checked, saga) {
        return exit;
    }
    let other = match &args.with {
        Some(path) => match with(checked, saga, path, args.color.color) {
            Ok(other) => Some(other),
            Err(exit) => return exit,
        },
        None => None,
    };
    let other_saga = other.as_ref().and_then(Checked::model);
    if let (Some(other), Some(b)) = (&other, other_saga)
        && let Some(exit) = refuse(other, b)
    {
        return exit;
    }
    let instances = match instances(args, saga, other_saga) {
        Ok(instances) => instances,
        Err(exit) => return exit,
    };
    let result = match &args.scenario {
        Some(name) => match isolation::parse_name(&instances, name) {
            Some(faults) => isolation::run(&instances, &faults, Search::Reduced).map(|s| vec![s]),
            None => {
                return fail(format!(
                    "`{name}` names no scenario of {} with {} instances: prefix each fault with its instance (`a/fail:<step>`, `b/timeout:<step>`), joined with `+`, or `happy`",
                    saga.name.value,
                    instances.sagas.len()
                ));
            }
        },
        None => {
            let kinds: Vec<FaultKind> = if args.faults.is_empty() {
                FaultKind::defaults(saga).to_vec()
            } else {
                let mut kinds: Vec<FaultKind> =
                    args.faults.iter().flat_map(|&kind| kind.kinds()).collect();
                kinds.sort();
                kinds.dedup();
                kinds
            };
            let work = isolation::estimated_work(&instances, &kinds, args.max_faults);
            if work > scenario::MAX_WORK && !args.no_limit {
                return fail(format!(
                    "simulating {} with {} instances and --max-faults {} would run for tens of seconds or more (about {work} units of work); narrow it with --max-faults, --faults, --scenario or fewer `isolation.instances`, or pass --no-limit",
                    saga.name.value,
                    instances.sagas.len(),
                    args.max_faults,
                ));
            }
            isolation::enumerate(&instances, &kinds, args.max_faults, Search::Reduced)
        }
    };
    let scenarios = match result {
        Ok(s) => s,
        Err(what) => {
            return fail(format!(
                "simulating {} met {what}, whose semantics `sagac simulate` does not implement yet for several instances",
                saga.name.value
            ));
        }
    };
    let mut text = Vec::new();
    let json = args.format == Format::Json;
    // One scenario asked for by name: its run is what the student wants to see.
    let extras = simulate::Extras {
        diagrams: args.diagram,
        traces: !json && (args.trace || args.scenario.is_some()),
    };
    if let Err(e) =
        simulate::isolation::render(json, &instances.sagas, &scenarios, extras, &mut text)
            .and_then(|()| write_product(None, &text))
    {
        return fail(format!("writing the report: {e}"));
    }
    if scenarios.iter().any(|s| !s.violations.is_empty()) {
        Exit::Findings
    } else {
        Exit::Clean
    }
}

/// The instances the arguments ask for: the spec's `isolation.instances`, `--instances`,
/// or one of each saga (`--with`), sharing the spec's fields or `--shared`'s.
fn instances<'a>(
    args: &SimulateArgs,
    saga: &'a Saga,
    other: Option<&'a Saga>,
) -> Result<Instances<'a>, Exit> {
    let instances = match (other, args.instances) {
        (Some(_), Some(_)) => {
            return Err(fail(
                "--instances and --with cannot be combined: --with runs one instance of each saga (a and b); run one or the other",
            ));
        }
        (Some(b), None) => Instances::with(saga, b),
        (None, Some(n)) => Instances::several(saga, n),
        (None, None) => Instances::of(saga),
    };
    let Some(fields) = &args.shared else {
        return Ok(instances);
    };
    // `--shared ''`: nothing shared, every instance on records of its own.
    let fields: Vec<String> = fields.iter().filter(|f| !f.is_empty()).cloned().collect();
    let known = instances.record_fields();
    if let Some(unknown) = fields.iter().find(|f| !known.contains(f)) {
        return Err(fail(format!(
            "--shared {unknown}: no record reference of {} uses the field `{unknown}`; the fields that pick a record: {}",
            saga.name.value,
            known.join(", ")
        )));
    }
    Ok(instances.sharing(fields))
}

/// A spec using what the isolation simulation does not implement yet: refused, naming it
/// and its line (exit 2).
fn refuse(checked: &Checked, saga: &Saga) -> Option<Exit> {
    refuse_for(checked, saga, "simulate")
}

/// [`refuse`] for `command` (`simulate`, `diagram`).
pub(super) fn refuse_for(checked: &Checked, saga: &Saga, command: &str) -> Option<Exit> {
    let (what, span) = scenario::unsupported_besides_isolation(saga)
        .map(|u| (u.describe(), Some(u.span)))
        .or_else(|| isolation::unsupported(saga).map(|what| (what, saga.resources.span)))?;
    let at = checked.source.line_col(span.map_or(0, |s| s.start));
    Some(fail(format!(
        "{}:{}:{}: `{}` uses {what}, whose semantics `sagac {command}` does not implement yet for several instances; `sagac check` checks the spec in full",
        checked.source.name(),
        at.line,
        at.column,
        saga.name.value,
    )))
}

/// `--with`: the other spec must read, be version 2 with resources, and declare every
/// resource the two share alike (R106).
fn with(
    checked: &Checked,
    saga: &Saga,
    path: &std::path::Path,
    color: crate::cli::Color,
) -> Result<Checked, Exit> {
    let other = super::check_spec(path, &sagac::check::Options::default())?;
    let shown = sagac::source::display_path(path);
    let shown_path = &shown;
    let Some(b) = other.model() else {
        return Err(fail(format!(
            "--with {shown}: the spec has errors; `sagac check {shown}` shows them"
        )));
    };
    if !b.resources.any() {
        return Err(fail(format!(
            "--with {shown}: `{}` declares no `resources`, so it shares no records with `{}`; --with needs two version 2 specs with resources",
            b.name.value, saga.name.value
        )));
    }
    let first = |x: &sagac::model::resources::Resource| {
        let at = checked.source.line_col(x.span.start);
        format!("{}:{}:{}", checked.source.name(), at.line, at.column)
    };
    if let Some(d) = sagac::rules::references::conflicting_resource::conflict(saga, b, first) {
        // The diagnostic, at the second spec's line, then the usage error (exit 2).
        let message = d.message.clone();
        let mut other = other;
        other.diagnostics = vec![d];
        super::eprint_diagnostics(&other, color);
        return Err(fail(format!(
            "--with {shown_path}: {message} (R106); the two sagas must agree on the records they share"
        )));
    }
    Ok(other)
}
