//! `sagac check` of a saga with `resources`: its instances interleaved at one fault (the
//! isolation search `sagac simulate` runs, contract `isolation.md` §6), each broken
//! invariant reported once per place: an isolation invariant (V709-V713) at the effect
//! that broke it, one of part 1's at the fault, as for one instance.

use std::collections::BTreeMap;

use crate::diagnostic::{Diagnostic, Rule};
use crate::model::Saga;
use crate::scenario::isolation::{
    self, Broke, Instances, IsolationInvariant, IsolationScenario, IsolationViolation, Search,
};
use crate::scenario::{Budget, FaultKind};
use crate::source::Span;

use super::{
    MAX_TRACE, legal_transitions, locks_released, no_dirty_read, no_fuzzy_read, no_lost_update,
    rule, shell_word, span_of,
};

/// The largest saga with resources `check` simulates (the contract's bound): the search
/// runs every interleaving of the instances.
pub const MAX_STEPS: usize = 16;

/// The most work (`isolation::estimated_work`'s units) `check` spends on the search: two
/// instances of a 16-step saga (about 170,000 units); three instances of the four-step
/// order saga are 121,000 units and about 0.4 s. A saga past it (more instances of a
/// longer saga) is left to `sagac simulate`, which shows the same invariants.
pub const MAX_WORK: u128 = 200_000;

fn isolation_rule(invariant: IsolationInvariant) -> (&'static Rule, &'static str) {
    match invariant {
        IsolationInvariant::NoLostUpdate => (&no_lost_update::RULE, no_lost_update::COUNTERMEASURE),
        IsolationInvariant::NoDirtyRead => (&no_dirty_read::RULE, no_dirty_read::COUNTERMEASURE),
        IsolationInvariant::NoFuzzyRead => (&no_fuzzy_read::RULE, no_fuzzy_read::COUNTERMEASURE),
        IsolationInvariant::LocksReleased => {
            (&locks_released::RULE, locks_released::COUNTERMEASURE)
        }
        IsolationInvariant::LegalTransitions => {
            (&legal_transitions::RULE, legal_transitions::COUNTERMEASURE)
        }
    }
}

/// The instances' diagnostics; `None` when the budget does not cover the search. A saga
/// past [`MAX_STEPS`] or [`MAX_WORK`], or whose semantics the search does not implement
/// yet, gets none (a documented silence, as for one instance past its bound).
pub fn check_within(saga: &Saga, spec: &str, budget: &Budget) -> Option<Vec<Diagnostic>> {
    if saga.steps.len() > MAX_STEPS
        || crate::scenario::unsupported_besides_isolation(saga).is_some()
        || isolation::unsupported(saga).is_some()
    {
        return Some(Vec::new());
    }
    let instances = Instances::of(saga);
    let kinds = FaultKind::defaults(saga);
    let work = isolation::estimated_work(&instances, kinds, 1);
    if work > MAX_WORK {
        return Some(Vec::new());
    }
    // The search has no budget of its own yet: its estimate is taken from the caller's
    // (the grader's bound, the language server's stop) before it runs.
    if !budget.take(u64::try_from(work).unwrap_or(u64::MAX)) {
        return None;
    }
    // A run that meets what the search does not implement yet (a guard refusing a
    // compensation) is not reported on at all, as `simulate` refuses the spec.
    match isolation::enumerate(&instances, kinds, 1, Search::Reduced) {
        Ok(scenarios) => Some(diagnostics(saga, spec, &scenarios)),
        Err(_) => Some(Vec::new()),
    }
}

fn diagnostics(saga: &Saga, spec: &str, scenarios: &[IsolationScenario]) -> Vec<Diagnostic> {
    let mut found: BTreeMap<(Span, Broke), (Diagnostic, usize)> = BTreeMap::new();
    for s in scenarios {
        let at_fault = s
            .faults
            .first()
            .map_or(saga.trigger.action.span, |f| span_of(saga, f.1));
        for v in &s.violations {
            let span = v.span.unwrap_or(at_fault);
            match found.get_mut(&(span, v.invariant)) {
                Some((_, others)) => *others += 1,
                None => {
                    let d = diagnostic(saga, spec, s, span, v);
                    found.insert((span, v.invariant), (d, 0));
                }
            }
        }
    }
    found
        .into_values()
        .map(|(mut d, others)| {
            if others > 0 {
                let s = if others == 1 { "" } else { "s" };
                d.message
                    .push_str(&format!(" (and in {others} other scenario{s})"));
            }
            d
        })
        .collect()
}

fn diagnostic(
    saga: &Saga,
    spec: &str,
    scenario: &IsolationScenario,
    span: Span,
    v: &IsolationViolation,
) -> Diagnostic {
    let letters: Vec<String> = scenario
        .labels
        .iter()
        .map(|l| format!("[{}]", l.letter))
        .collect();
    let (rule, countermeasure) = match v.invariant {
        Broke::Isolation(i) => {
            let (rule, c) = isolation_rule(i);
            (rule, Some(c))
        }
        Broke::Instance(i) => (rule(i), None),
    };
    let mut help = String::new();
    if let Some(c) = countermeasure {
        help.push_str(c);
        help.push('\n');
    }
    help.push_str(&format!(
        "shortest run that breaks `{}`:",
        v.invariant.as_str()
    ));
    for (k, (i, action)) in v.trace.iter().take(MAX_TRACE).enumerate() {
        help.push_str(&format!(
            "\n  {}. [{}] {}",
            k + 1,
            scenario.labels[usize::from(*i)].letter,
            action.describe(saga)
        ));
    }
    if v.trace.len() > MAX_TRACE {
        help.push_str(&format!("\n  ... {} more", v.trace.len() - MAX_TRACE));
    }
    help.push_str(&format!(
        "\n`sagac simulate {} --scenario {}` shows every run of this scenario",
        shell_word(spec),
        scenario.name
    ));
    Diagnostic::new(
        rule,
        span,
        format!(
            "in scenario `{}`, instances {} of {} running at once: {}",
            scenario.name,
            joined(&letters),
            saga.name.value,
            v.message
        ),
    )
    .label(format!("{} breaks here", v.invariant.as_str()))
    .help(help)
}

/// `[a]`, `[a] and [b]`, `[a], [b] and [c]`.
fn joined(words: &[String]) -> String {
    match words {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}
