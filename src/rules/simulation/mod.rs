//! What the simulator finds: `sagac check` explores every single fault (the `sagac
//! simulate` default) and reports each broken invariant at the step or event at fault, with
//! the shortest run that breaks it. One rule per invariant.

pub mod at_most_once;
pub mod atomicity;
pub mod exactly_one_outcome;
pub mod instances;
pub mod legal_transitions;
pub mod locks_released;
pub mod no_compensation_after_pivot;
pub mod no_dirty_read;
pub mod no_fuzzy_read;
pub mod no_lost_event;
pub mod no_lost_update;
pub mod no_phantom_compensation;
pub mod reverse_order;
pub mod termination;

use std::collections::BTreeMap;

use crate::diagnostic::{Diagnostic, Rule};
use crate::model::{Owner, Saga};
use crate::scenario::{self, Budget, Fault, Invariant, Options};
use crate::source::Span;

pub static RULES: &[&Rule] = &[
    &atomicity::RULE,
    &no_compensation_after_pivot::RULE,
    &reverse_order::RULE,
    &termination::RULE,
    &at_most_once::RULE,
    &no_lost_event::RULE,
    &no_phantom_compensation::RULE,
    &exactly_one_outcome::RULE,
    &no_lost_update::RULE,
    &no_dirty_read::RULE,
    &no_fuzzy_read::RULE,
    &locks_released::RULE,
    &legal_transitions::RULE,
];

/// The largest saga `check` simulates: exploring every fault grows faster than linearly, and
/// `check` must stay fast on generated specs. `sagac simulate` has no such limit.
pub const MAX_STEPS: usize = 64;

/// How many actions of a counterexample the help shows.
const MAX_TRACE: usize = 24;

fn rule(invariant: Invariant) -> &'static Rule {
    match invariant {
        Invariant::Atomicity => &atomicity::RULE,
        Invariant::NoCompensationAfterPivot => &no_compensation_after_pivot::RULE,
        Invariant::ReverseOrder => &reverse_order::RULE,
        Invariant::Termination => &termination::RULE,
        Invariant::AtMostOnce => &at_most_once::RULE,
        Invariant::NoLostEvent => &no_lost_event::RULE,
        Invariant::NoPhantomCompensation => &no_phantom_compensation::RULE,
        Invariant::ExactlyOneOutcome => &exactly_one_outcome::RULE,
    }
}

/// Simulates the saga with one fault at a time and reports each broken invariant once per
/// place at fault (the first scenario that breaks it there, and how many others do).
/// `spec` is the file's name, for the command the help suggests.
///
/// A spec that uses a language version 2 feature whose semantics `scenario` does not
/// implement yet is not simulated (a documented silence, see `docs/spec.md`): running it
/// with version 1's semantics would report what the saga does not do.
pub fn check(saga: &Saga, spec: &str) -> Vec<Diagnostic> {
    check_within(saga, spec, &Budget::unlimited()).unwrap_or_default()
}

/// [`check`] within a budget of simulation work: `None` when the budget does not cover
/// every scenario (the grader's bound on any submission).
pub fn check_within(saga: &Saga, spec: &str, budget: &Budget) -> Option<Vec<Diagnostic>> {
    if saga.resources.any() {
        return instances::check_within(saga, spec, budget);
    }
    if saga.steps.len() > MAX_STEPS || scenario::unsupported(saga).is_some() {
        return Some(Vec::new());
    }
    let scenarios = scenario::enumerate_within(saga, &Options::for_saga(saga), budget)?;
    let mut found: BTreeMap<(Span, Invariant), (Diagnostic, usize)> = BTreeMap::new();
    for s in &scenarios {
        let span = s
            .faults
            .first()
            .map_or(saga.trigger.action.span, |f| span_of(saga, *f));
        for v in &s.violations {
            match found.get_mut(&(span, v.invariant)) {
                Some((_, others)) => *others += 1,
                None => {
                    let d = diagnostic(saga, spec, &s.name, span, v);
                    found.insert((span, v.invariant), (d, 0));
                }
            }
        }
    }
    let diagnostics = found
        .into_values()
        .map(|(mut d, others)| {
            if others > 0 {
                let s = if others == 1 { "" } else { "s" };
                d.message
                    .push_str(&format!(" (and in {others} other scenario{s})"));
            }
            d
        })
        .collect();
    Some(diagnostics)
}

fn diagnostic(
    saga: &Saga,
    spec: &str,
    scenario: &str,
    span: Span,
    v: &scenario::Violation,
) -> Diagnostic {
    let mut help = format!("shortest run that breaks `{}`:", v.invariant.as_str());
    for (i, action) in v.trace.iter().take(MAX_TRACE).enumerate() {
        help.push_str(&format!("\n  {}. {}", i + 1, action.describe(saga)));
    }
    if v.trace.len() > MAX_TRACE {
        help.push_str(&format!("\n  ... {} more", v.trace.len() - MAX_TRACE));
    }
    help.push_str(&format!(
        "\n`sagac simulate {} --scenario {scenario}` shows every run of this scenario",
        shell_word(spec)
    ));
    Diagnostic::new(
        rule(v.invariant),
        span,
        format!("in scenario `{scenario}`: {}", v.message),
    )
    .label(format!("{} breaks here", v.invariant.as_str()))
    .help(help)
}

/// A file name as a shell word: quoted when it holds anything but plain path characters.
fn shell_word(name: &str) -> String {
    let plain = name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "/._-+@".contains(c));
    if plain && !name.is_empty() {
        name.to_owned()
    } else {
        format!("'{}'", name.replace('\'', r"'\''"))
    }
}

/// Where a fault happens in the spec: the step, the compensation or the event.
fn span_of(saga: &Saga, fault: Fault) -> Span {
    match fault {
        Fault::Fail(s) | Fault::Exhaust(s) | Fault::OrchestratorCrash(s) | Fault::DupStep(s) => {
            saga.step(s).id.span
        }
        Fault::Timeout(s) => saga
            .step(s)
            .timeout
            .as_ref()
            .map_or(saga.step(s).id.span, |t| t.span),
        Fault::CompFail(owner) => saga.compensation(owner).map_or(
            match owner {
                Owner::Trigger => saga.trigger.action.span,
                Owner::Step(s) => saga.step(s).id.span,
            },
            |c| c.span,
        ),
        Fault::Crash { event, .. } | Fault::DupEvent(event) => {
            let e = saga.event(event);
            e.emitted_by
                .first()
                .map_or_else(|| e.span(), |(_, span)| *span)
        }
        Fault::FailAs(s, i) | Fault::ExhaustAs(s, i) => saga
            .step(s)
            .failure_handling
            .get(usize::from(i))
            .map_or(saga.step(s).id.span, |f| f.span),
        Fault::Uncaught(s) | Fault::Deadline(s) | Fault::Cancel(s) => saga.step(s).id.span,
        Fault::Outage(p) => saga
            .steps
            .iter()
            .find(|s| s.participant == p)
            .map_or(saga.participant(p).name.span, |s| s.participant_span),
        Fault::CompTimeout(owner) => saga
            .compensation(owner)
            .map_or(saga.trigger.action.span, |c| {
                c.timeout.and_then(|t| t.span()).unwrap_or(c.span)
            }),
    }
}

#[cfg(test)]
mod tests {
    use super::shell_word;

    #[test]
    fn file_names_are_quoted_only_when_needed() {
        assert_eq!(shell_word("specs/order-saga.yaml"), "specs/order-saga.yaml");
        assert_eq!(shell_word("my spec.yaml"), "'my spec.yaml'");
        assert_eq!(shell_word("it's.yaml"), r"'it'\''s.yaml'");
    }
}
