//! `scenario` for a saga with `resources` (language version 2, isolation): the fault hits
//! one instance (`instance`, default `a`) while every instance runs interleaved, as
//! `sagac simulate` runs them (`a/fail:charge_credit`). The rubric may ask how that
//! instance ends (`outcome`) and which invariants hold on every run, the isolation ones
//! included (`no_lost_update`, `no_dirty_read`, ...).

use crate::grade::rubric::ScenarioDef;
use crate::grade::text::{code, prose};
use crate::model::Saga;
use crate::scenario::Fault;
use crate::scenario::isolation::{self, Instances, Search};

use super::{Context, Verdict};

/// At most this many lines of a counterexample are listed in feedback.
const LISTED_ACTIONS: usize = 24;

pub fn scenario(
    def: &ScenarioDef,
    ctx: &Context,
    saga: &Saga,
    fault: Fault,
    target: &str,
) -> Verdict {
    if !def.compensated.is_empty()
        || !def.not_compensated.is_empty()
        || !def.retried.is_empty()
        || def.no_compensation
        || def.caller.is_some()
    {
        return Verdict::blocked(
            1,
            "The saga runs several instances (it declares `resources`): this sagac judges only `outcome` and `invariants` of its scenarios, so the criterion is left to a human.",
        );
    }
    let instances = Instances::of(saga);
    let letter = def.instance.as_deref().unwrap_or("a");
    let Some(index) = instances
        .labels
        .iter()
        .position(|l| l.letter.to_string() == letter)
    else {
        return Verdict::blocked(
            1,
            format!(
                "The saga runs {} instances, so there is no instance {}.",
                instances.labels.len(),
                code(letter)
            ),
        );
    };
    let work = isolation::estimated_work(&instances, &[fault.kind()], 0);
    if !ctx.budget.take(u64::try_from(work).unwrap_or(u64::MAX)) {
        return Verdict::blocked(1, super::super::work::too_large(saga.steps.len()));
    }
    let faults = [(index as u8, fault)];
    let s = match isolation::run(&instances, &faults, Search::Reduced) {
        Ok(s) => s,
        Err(what) => {
            return Verdict::blocked(
                1,
                format!(
                    "Running the instances met {what}, which this sagac does not simulate yet."
                ),
            );
        }
    };
    let me = format!("[{letter}]");
    if !s.all_fired {
        return Verdict::blocked(
            1,
            format!("{target} never runs in {me}, so it cannot fail there."),
        );
    }
    let mut findings = Vec::new();
    if let Some(expected) = def.outcome {
        let expected = super::scenario::outcome(expected);
        if s.outcomes[index] != expected {
            findings.push(format!("{me} should end {}.", expected.as_str()));
        }
    }
    let mut shown = None;
    for name in &def.invariants {
        if let Some(v) = s.violations.iter().find(|v| v.invariant.as_str() == name) {
            findings.push(format!(
                "Invariant `{name}` is broken: {}",
                prose(&v.message)
            ));
            shown.get_or_insert(v);
        }
    }
    let ends: Vec<String> = s
        .labels
        .iter()
        .zip(&s.outcomes)
        .map(|(l, o)| format!("[{}] ends {}", l.letter, o.as_str()))
        .collect();
    let mut v = Verdict::default();
    v.part(findings.is_empty());
    v.details.push(format!(
        "With {} instances of the saga running at once and {target} failing in {me}: {} (scenario {}).",
        s.labels.len(),
        ends.join(", "),
        code(&s.name)
    ));
    if !findings.is_empty() {
        v.details.extend(findings);
        if let Some(violation) = shown {
            let lines: Vec<String> = violation
                .trace
                .iter()
                .take(LISTED_ACTIONS)
                .map(|(i, a)| {
                    let i = usize::from(*i);
                    format!(
                        "[{}] {}",
                        s.labels[i].letter,
                        a.describe(instances.sagas[i])
                    )
                })
                .collect();
            v.details.push(format!(
                "A shortest run that breaks it: {}",
                prose(&lines.join("; "))
            ));
        }
        v.line = violation_line(ctx, &s, def);
    }
    v
}

/// The line of the effect that broke the first invariant the rubric names.
fn violation_line(
    ctx: &Context,
    s: &isolation::IsolationScenario,
    def: &ScenarioDef,
) -> Option<usize> {
    def.invariants
        .iter()
        .find_map(|name| s.violations.iter().find(|v| v.invariant.as_str() == name))
        .and_then(|v| v.span)
        .and_then(|span| ctx.line_of(span))
}
