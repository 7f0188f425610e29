//! `sagac simulate` of a saga with `resources`: its instances interleaved
//! (`scenario::isolation`), or a refusal naming what of it is not implemented yet (exit 2),
//! never a run with one instance's semantics.

use sagac::check::Checked;
use sagac::model::Saga;
use sagac::scenario::isolation::{self, Search};
use sagac::scenario::{self, FaultKind};
use sagac::simulate::{self, Format};

use super::{Exit, fail, write_product};
use crate::cli::SimulateArgs;

pub fn run(args: &SimulateArgs, checked: &Checked, saga: &Saga) -> Exit {
    let refused = scenario::unsupported_besides_isolation(saga)
        .map(|u| (u.describe(), Some(u.span)))
        .or_else(|| isolation::unsupported(saga).map(|what| (what, saga.resources.span)));
    if let Some((what, span)) = refused {
        let at = checked.source.line_col(span.map_or(0, |s| s.start));
        return fail(format!(
            "{}:{}:{}: `{}` uses {what}, whose semantics `sagac simulate` does not implement yet for several instances; `sagac check` checks the spec in full",
            checked.source.name(),
            at.line,
            at.column,
            saga.name.value,
        ));
    }
    if let Some(other) = &args.with {
        return with(checked, saga, other);
    }
    if args.diagram {
        return fail(
            "--diagram of an isolation counterexample is not implemented yet; the traces are printed with each line's instance".to_owned(),
        );
    }
    let result = match &args.scenario {
        Some(name) => match isolation::parse_name(saga, name) {
            Some(faults) => isolation::run(saga, &faults, Search::Reduced).map(|s| vec![s]),
            None => {
                return fail(format!(
                    "`{name}` names no scenario of {} with {} instances: prefix each fault with its instance (`a/fail:<step>`, `b/timeout:<step>`), joined with `+`, or `happy`",
                    saga.name.value,
                    isolation::instances(saga)
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
            isolation::enumerate(saga, &kinds, args.max_faults, Search::Reduced)
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
    if let Err(e) = simulate::isolation::render(json, saga, &scenarios, &mut text)
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

/// `--with`: the other spec must read, be version 2 with resources, and declare every
/// resource the two share alike (R106); running the pair needs the built-in failure
/// `WrongState` (its cancel meets orders that are not `APPROVED`), not implemented yet.
fn with(checked: &Checked, saga: &Saga, path: &std::path::Path) -> Exit {
    let other = match super::check_spec(path, &sagac::check::Options::default()) {
        Ok(other) => other,
        Err(exit) => return exit,
    };
    let shown = sagac::source::display_path(path);
    let Some(b) = other.model() else {
        return fail(format!(
            "--with {shown}: the spec has errors; `sagac check {shown}` shows them"
        ));
    };
    if !b.resources.any() {
        return fail(format!(
            "--with {shown}: `{}` declares no `resources`, so it shares no records with `{}`; --with needs two version 2 specs with resources",
            b.name.value, saga.name.value
        ));
    }
    for r in &b.resources.declared {
        let Some(id) = saga.resources.resource_by_name(&r.name.value) else {
            continue;
        };
        let mine = saga.resources.resource(id);
        if let Some(what) = differs(saga, mine, b, r) {
            let here = checked.source.line_col(mine.span.start);
            let there = other.source.line_col(r.span.start);
            return fail(format!(
                "--with {shown}: the resource `{}` is declared differently ({what}) at {}:{}:{} and {}:{}:{}; the two sagas must agree on the records they share (R106)",
                r.name.value,
                checked.source.name(),
                here.line,
                here.column,
                other.source.name(),
                there.line,
                there.column
            ));
        }
    }
    fail(format!(
        "--with {shown}: running `{}` with `{}` is not implemented yet (its guards need the built-in failure WrongState)",
        saga.name.value, b.name.value
    ))
}

/// The first way two declarations of one resource differ, if they do.
fn differs(
    a: &Saga,
    x: &sagac::model::resources::Resource,
    b: &Saga,
    y: &sagac::model::resources::Resource,
) -> Option<&'static str> {
    let names = |v: &[sagac::source::Spanned<String>]| -> Vec<String> {
        v.iter().map(|s| s.value.clone()).collect()
    };
    let moves = |r: &sagac::model::resources::Resource| -> Vec<(String, String)> {
        r.transitions
            .iter()
            .map(|t| (t.from.value.clone(), t.to.value.clone()))
            .collect()
    };
    if a.participant(x.participant).name.value != b.participant(y.participant).name.value {
        Some("owner")
    } else if x.kind != y.kind {
        Some("kind")
    } else if x.key.value != y.key.value {
        Some("key")
    } else if names(&x.states) != names(&y.states) {
        Some("states")
    } else if moves(x) != moves(y) {
        Some("transitions")
    } else if names(&x.locks) != names(&y.locks) {
        Some("locks")
    } else if x.on_locked.value != y.on_locked.value {
        Some("on_locked")
    } else if x.commutative.value != y.commutative.value {
        Some("commutative")
    } else if x.pessimistic_view.as_ref().map(|p| p.value)
        != y.pessimistic_view.as_ref().map(|p| p.value)
    {
        Some("pessimistic_view")
    } else if x.version_file.value != y.version_file.value {
        Some("version_file")
    } else {
        None
    }
}
