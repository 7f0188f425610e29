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
