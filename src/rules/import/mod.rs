//! Rules raised while a Step Functions, BPMN or Serverless Workflow file is imported: the
//! file must be a saga in a format sagac reads (I001-I003), and its failure paths are
//! compared with a saga's (I004-I009), where the spec language cannot say what the source
//! does. Each file words what `import` reports.

pub mod compensation_after_pivot;
pub mod dangling_reference;
pub mod failure_ends_in_success;
pub mod import_shape;
pub mod loop_cut;
pub mod not_importable;
pub mod phantom_compensation;
pub mod skipped_compensation;
pub mod uncaught_failure;

use crate::diagnostic::{Diagnostic, Rule};
use crate::import::{Finding, FindingKind, ImportError, ImportErrorKind};

pub static RULES: &[&Rule] = &[
    &not_importable::RULE,
    &import_shape::RULE,
    &dangling_reference::RULE,
    &uncaught_failure::RULE,
    &failure_ends_in_success::RULE,
    &phantom_compensation::RULE,
    &skipped_compensation::RULE,
    &loop_cut::RULE,
    &compensation_after_pivot::RULE,
];

/// A file the importer could not translate.
pub fn error(e: &ImportError) -> Diagnostic {
    let span = e.span;
    match &e.kind {
        ImportErrorKind::Unreadable { language, message } => {
            not_importable::unreadable(span, language, message)
        }
        ImportErrorKind::UnknownFormat => not_importable::unknown_format(span),
        ImportErrorKind::Missing { key, place } => import_shape::missing(span, key, place),
        ImportErrorKind::WrongType {
            key,
            expected,
            found,
        } => import_shape::wrong_type(span, key, expected, found),
        ImportErrorKind::UnknownType { found, allowed } => {
            import_shape::unknown_type(span, found, allowed)
        }
        ImportErrorKind::NoSteps => import_shape::no_steps(span),
        ImportErrorKind::ChooseProcess { wanted, available } => {
            import_shape::choose_process(span, wanted.as_deref(), available)
        }
        ImportErrorKind::Dangling {
            key,
            target,
            suggestion,
        } => dangling_reference::dangling(span, key, target, suggestion.as_deref()),
    }
}

/// A failure path of the source that differs from a saga's.
pub fn finding(f: &Finding) -> Diagnostic {
    let d = match &f.kind {
        FindingKind::UncaughtFailure { step, left, more } => {
            uncaught_failure::uncaught(f.span, step, left, *more)
        }
        FindingKind::FailureEndsInSuccess { step, end } => {
            failure_ends_in_success::ends(f.span, step, end)
        }
        FindingKind::PhantomCompensation {
            step,
            compensation,
            compensated,
        } => phantom_compensation::phantom(f.span, step, compensation, compensated),
        FindingKind::SkippedCompensation {
            step,
            compensation,
            skipped,
        } => skipped_compensation::skipped(f.span, step, compensation, skipped),
        FindingKind::LoopCut { at } => loop_cut::cut(f.span, at),
        FindingKind::CompensationAfterPivot {
            step,
            pivot,
            compensation,
        } => compensation_after_pivot::after_pivot(f.span, step, pivot, compensation),
    };
    f.related
        .iter()
        .fold(d, |d, (span, label)| d.related(*span, label.clone()))
}

/// Names as a list in backticks: `a`, `b`.
fn list(items: &[String]) -> String {
    items
        .iter()
        .map(|k| format!("`{k}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Steps in a message, the first few of a long list and how many more.
fn list_capped(items: &[String], more: usize) -> String {
    let mut out = list(items);
    if more > 0 {
        out.push_str(&format!(" and {more} more"));
    }
    out
}
