//! What the importer reports: errors that stop the translation (the file is not a saga in a
//! format sagac reads) and findings about the source's failure handling that the spec
//! language cannot carry over (version 1) and that the checks over the spec would not see.
//! Typed facts with spans in the original file; `rules::import` words them.

use crate::source::Span;

/// A file the importer cannot translate: nothing is written.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportError {
    pub span: Span,
    pub kind: ImportErrorKind,
}

impl ImportError {
    pub fn new(span: Span, kind: ImportErrorKind) -> Self {
        ImportError { span, kind }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum ImportErrorKind {
    /// Not well-formed JSON, YAML or XML (`language`), with the reader's message.
    Unreadable {
        language: &'static str,
        message: String,
    },
    /// Not a Step Functions, BPMN or Serverless Workflow document at all.
    UnknownFormat,
    /// A key or attribute the format requires is absent (`key`, in `place`).
    Missing { key: String, place: String },
    /// A value of the wrong kind: `expected` in words, `found` in words.
    WrongType {
        key: String,
        expected: &'static str,
        found: &'static str,
    },
    /// A state, task or element type the importer does not know (`allowed` lists those it does).
    UnknownType {
        found: String,
        allowed: &'static [&'static str],
    },
    /// A reference (`Next`, `sourceRef`, `compensatedBy`, ...) to nothing of that name.
    Dangling {
        key: String,
        target: String,
        suggestion: Option<String>,
    },
    /// Several processes or workflows in one file and no `--process` to choose one; or a
    /// `--process` naming none of them.
    ChooseProcess {
        wanted: Option<String>,
        available: Vec<String>,
    },
    /// Nothing to translate: no task or step on the saga's path.
    NoSteps,
}

/// Something the source does on a failure path that the spec cannot say (or says
/// differently), found while translating: reported by `check` at the source's element.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub span: Span,
    pub kind: FindingKind,
    /// Other places that explain it (the compensation that is skipped, the success state).
    pub related: Vec<(Span, String)>,
}

/// How many of the steps left in place an uncaught failure names: a machine of a thousand
/// steps must not make each finding (and the work of building it) a thousand names long.
const LEFT_NAMED: usize = 5;

impl FindingKind {
    /// `step`'s failure is uncaught, with `left` (the earlier compensated steps) in place.
    pub fn uncaught<'a>(step: String, left: impl ExactSizeIterator<Item = &'a str>) -> Self {
        let more = left.len().saturating_sub(LEFT_NAMED);
        FindingKind::UncaughtFailure {
            step,
            left: left.take(LEFT_NAMED).map(str::to_owned).collect(),
            more,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum FindingKind {
    /// A step's failure is not handled: the execution fails and the effects of `left`
    /// (the first few earlier steps with a compensation) and `more` others stay in place.
    UncaughtFailure {
        step: String,
        left: Vec<String>,
        more: usize,
    },
    /// A failure path ends in a success state (`end`): the caller is told it succeeded.
    FailureEndsInSuccess { step: String, end: String },
    /// A failure path runs the compensation of `compensated`, a step that has not run yet.
    PhantomCompensation {
        step: String,
        compensation: String,
        compensated: String,
    },
    /// A failure path skips the compensation `compensation` of the earlier step `skipped`.
    SkippedCompensation {
        step: String,
        compensation: String,
        skipped: String,
    },
    /// A loop on the saga's path, cut at `at` (the spec's steps are a sequence).
    LoopCut { at: String },
    /// A step after `pivot`, the inferred point of no return, whose failure path runs the
    /// compensation `compensation`: the source undoes earlier steps once a step nothing
    /// undoes has succeeded, where the spec (a retriable step there) retries it.
    CompensationAfterPivot {
        step: String,
        pivot: String,
        compensation: String,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each uncaught step of a long process keeps 5 names, not every earlier step's: a
    /// process of n uncaught steps built n findings of up to n names (quadratic).
    #[test]
    fn an_uncaught_failure_keeps_the_first_names_and_counts_the_rest() {
        let names: Vec<String> = (0..1_000).map(|i| format!("t{i}")).collect();
        let kind = FindingKind::uncaught("last".to_owned(), names.iter().map(String::as_str));
        let FindingKind::UncaughtFailure { left, more, .. } = kind else {
            panic!("{kind:?}")
        };
        assert_eq!(left, ["t0", "t1", "t2", "t3", "t4"]);
        assert_eq!(more, 995);
        let few = FindingKind::uncaught("b".to_owned(), ["a"].into_iter());
        assert!(matches!(few, FindingKind::UncaughtFailure { more: 0, .. }));
    }
}
