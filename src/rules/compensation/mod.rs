//! Compensation by kind: every step that has an effect before the point of no return can be
//! undone, and nothing after it is.

pub mod cancel_after_pivot;
pub mod cancel_cancels_compensations;
pub mod compensatable_after_pivot;
pub mod compensation_needs_effect;
pub mod escalation_missing;
pub mod escalation_stops_compensation;
pub mod in_doubt_not_compensated;
pub mod indistinguishable_outcomes;
pub mod missing_compensation;
pub mod multiple_pivots;
pub mod partial_effect_not_compensated;
pub mod pivot_in_parallel;
pub mod read_only_after_pivot;
pub mod retriable_before_pivot;
pub mod retriable_declares_failures;
pub mod terminate_after_pivot;
pub mod terminate_leaves_effects;
pub mod unreachable_compensation;
pub mod unused_escalation;

use super::Check;
use crate::diagnostic::Rule;
use crate::model::{Applies, Saga, Setting, Step, StepId, StepKind};
use crate::source::Span;

pub static CHECKS: &[(&Rule, Check)] = &[
    (&missing_compensation::RULE, missing_compensation::check),
    (
        &compensatable_after_pivot::RULE,
        compensatable_after_pivot::check,
    ),
    (&read_only_after_pivot::RULE, read_only_after_pivot::check),
    (&multiple_pivots::RULE, multiple_pivots::check),
    (
        &unreachable_compensation::RULE,
        unreachable_compensation::check,
    ),
    (&pivot_in_parallel::RULE, pivot_in_parallel::check),
    (&retriable_before_pivot::RULE, retriable_before_pivot::check),
    (
        &retriable_declares_failures::RULE,
        retriable_declares_failures::check,
    ),
    // Language version 2: failure handling.
    (
        &escalation_stops_compensation::RULE,
        escalation_stops_compensation::check,
    ),
    (
        &terminate_leaves_effects::RULE,
        terminate_leaves_effects::check,
    ),
    (&terminate_after_pivot::RULE, terminate_after_pivot::check),
    (
        &partial_effect_not_compensated::RULE,
        partial_effect_not_compensated::check,
    ),
    (
        &compensation_needs_effect::RULE,
        compensation_needs_effect::check,
    ),
    (
        &indistinguishable_outcomes::RULE,
        indistinguishable_outcomes::check,
    ),
    (&cancel_after_pivot::RULE, cancel_after_pivot::check),
    (
        &cancel_cancels_compensations::RULE,
        cancel_cancels_compensations::check,
    ),
    (
        &in_doubt_not_compensated::RULE,
        in_doubt_not_compensated::check,
    ),
    (&escalation_missing::RULE, escalation_missing::check),
    (&unused_escalation::RULE, unused_escalation::check),
];

/// Where a step's kind is written, or its id when the kind is implied.
pub(crate) fn kind_span(step: &Step) -> Span {
    step.declared_kind.as_ref().map_or(step.id.span, |k| k.span)
}

/// A step with neither `kind` nor `compensation`: C201 reports it, and the other rules do
/// not guess what it was meant to be.
pub(crate) fn is_unclassified(step: &Step) -> bool {
    step.declared_kind.is_none() && step.compensation.is_none()
}

/// Whether the saga's deadline can pass while `step` is outstanding and abandon it in doubt:
/// a deadline that applies always, or one that applies before the point of no return to a
/// step before it (version 2, `docs/spec.md`, "The deadline").
pub(crate) fn deadline_reaches(saga: &Saga, step: &Step) -> bool {
    let Some(policy) = &saga.deadline_policy else {
        return false;
    };
    policy.applies.value == Applies::Always
        || saga
            .point_of_no_return()
            .is_none_or(|p| step.stage < saga.step(p).stage)
}

/// Whether `step` can end in doubt (its command sent, no answer): it has a `timeout`, or
/// the deadline can abandon it while it is outstanding.
pub(crate) fn can_be_in_doubt(saga: &Saga, step: &Step) -> bool {
    step.timeout.is_some() || deadline_reaches(saga, step)
}

/// Where a setting was written, else `fallback` (a default is written nowhere).
pub(crate) fn written_at<T>(setting: &Setting<T>, fallback: Span) -> Span {
    setting.span().unwrap_or(fallback)
}

/// The step after whose success the saga only moves forward, as diagnostics name it.
pub(crate) struct PointOfNoReturn<'a> {
    pub step: &'a Step,
    /// False when no pivot is declared and the first retriable step takes its place.
    pub declared_pivot: bool,
}

impl<'a> PointOfNoReturn<'a> {
    pub fn of(saga: &'a Saga) -> Option<Self> {
        let id: StepId = saga.point_of_no_return()?;
        let step = saga.step(id);
        Some(PointOfNoReturn {
            step,
            declared_pivot: step.kind == StepKind::Pivot,
        })
    }

    /// Whether `step` runs after this one. Branches of one parallel group run together, so
    /// none of them is after another.
    pub fn is_before(&self, step: &Step) -> bool {
        self.step.stage < step.stage
    }

    /// "the pivot `charge_payment`" or "`send_email`, the first retriable step".
    pub fn name(&self) -> String {
        if self.declared_pivot {
            format!("the pivot `{}`", self.step.id.value)
        } else {
            format!("`{}`, the first retriable step", self.step.id.value)
        }
    }

    /// The label of the related span that shows where the point of no return is.
    pub fn label(&self) -> &'static str {
        if self.declared_pivot {
            "the pivot: once it succeeds, the saga must complete"
        } else {
            "no pivot is declared, so the first retriable step is the point of no return"
        }
    }

    pub fn span(&self) -> Span {
        kind_span(self.step)
    }
}

/// Small specs for the unit tests of the compensation and retry rules.
#[cfg(test)]
pub(crate) mod testing {
    use crate::check::{Checked, check_rules};
    use crate::diagnostic::Diagnostic;
    use crate::source::SourceFile;

    const ORCHESTRATION: &str = "version: 1\nsaga: s\ncoordination: orchestration\n\
        participants: { a: {} }\n\
        orchestrator: { log: s_log }\n\
        trigger: { participant: a, action: Start, event: s.started, data: [k] }\n\
        steps:\n";

    const CHOREOGRAPHY: &str = "version: 1\nsaga: s\ncoordination: choreography\n\
        participants: { a: {} }\n\
        trigger: { participant: a, action: Start, event: s.started, data: [k] }\n\
        steps:\n";

    /// The kind and retry diagnostics (C2xx, T3xx) of an orchestration with these steps, as
    /// (code, line), lines counted from the first step. Other rules' findings are left out,
    /// and a spec that does not resolve fails the test. Steps may start in column 0.
    pub fn orchestration(steps: &str) -> Vec<(&'static str, usize)> {
        codes(&checked(ORCHESTRATION, steps), ORCHESTRATION)
    }

    /// As [`orchestration`], for a choreography.
    pub fn choreography(steps: &str) -> Vec<(&'static str, usize)> {
        codes(&checked(CHOREOGRAPHY, steps), CHOREOGRAPHY)
    }

    /// As [`orchestration`], for a whole spec; lines counted from its first.
    pub fn in_spec(text: &str) -> Vec<(&'static str, usize)> {
        codes(&checked("", text), "")
    }

    /// The first diagnostic with `code` of an orchestration with these steps.
    pub fn first(code: &str, steps: &str) -> Diagnostic {
        checked(ORCHESTRATION, steps)
            .diagnostics
            .into_iter()
            .find(|d| d.code() == code)
            .unwrap_or_else(|| panic!("no {code}"))
    }

    fn checked(head: &str, steps: &str) -> Checked {
        let checked = check_rules(SourceFile::new("t.yaml", format!("{head}{steps}")));
        assert!(
            checked.resolved,
            "test spec does not resolve: {:#?}",
            checked.diagnostics
        );
        checked
    }

    fn codes(checked: &Checked, head: &str) -> Vec<(&'static str, usize)> {
        let head_lines = head.lines().count();
        checked
            .diagnostics
            .iter()
            .filter(|d| d.code().starts_with("C2") || d.code().starts_with("T3"))
            .map(|d| {
                (
                    d.code(),
                    checked.source.line_col(d.span.start).line - head_lines,
                )
            })
            .collect()
    }
}
