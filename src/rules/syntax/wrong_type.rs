use super::{list, plain, shape};
use crate::diagnostic::Diagnostic;
use crate::source::Span;
use crate::suggest::did_you_mean;
use crate::syntax::{ExpectedShape, Shape};

declare_rule! {
    /// ## What it checks
    /// A value of the wrong YAML type (a list where a name is expected, a word where a
    /// number is), or a word that is not one of the values the key allows
    /// (`coordination: orchestrated` instead of `orchestration`). Where a mapping or a list
    /// belongs (or is written where it does not), the help shows how the key is written, an
    /// example made from the spec's schema. Every such error of a file is reported in one
    /// run, not only the first.
    ///
    /// ## Why it matters
    /// sagac cannot guess what was meant: `kind: retry` could be `retriable` or a typo for
    /// something else, and the saga's behaviour depends on it.
    ///
    /// ## Example
    /// ```yaml
    /// coordination: orchestrated
    /// steps:
    ///   - id: charge_payment
    ///     retry: { max_attempts: many }
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// coordination: orchestration
    /// steps:
    ///   - id: charge_payment
    ///     retry: { max_attempts: 3 }
    /// ```
    pub static RULE = ("S003", "wrong-type", Error, "A value of the wrong type or not one of the allowed values");
}

/// `value` is not one of the values `allowed` there.
pub fn unknown_value(span: Span, value: &str, allowed: &[&str]) -> Diagnostic {
    let d = Diagnostic::new(
        &RULE,
        span,
        format!("`{value}` is not one of the allowed values"),
    )
    .label("unknown value");
    match did_you_mean(value, allowed.iter().copied()) {
        Some(v) => d.replacement(v).help(format!(
            "did you mean `{v}`? Allowed values: {}",
            list(allowed)
        )),
        None => d.help(format!("allowed values: {}", list(allowed))),
    }
}

/// A value of another type (both in serde's words), with the shape its key expects when
/// that is a mapping or a list.
pub fn wrong_type(
    span: Span,
    expected: &str,
    found: &str,
    shape: Option<&ExpectedShape>,
) -> Diagnostic {
    let d = Diagnostic::new(
        &RULE,
        span,
        format!("expected {}, found {}", plain(expected), plain(found)),
    )
    .label(format!("expected {}", plain(expected)));
    with_example(d, shape)
}

/// The help that shows the expected shape: `` `trigger` is written like this: `` and the
/// schema's two-line example, indented.
fn with_example(d: Diagnostic, shape: Option<&ExpectedShape>) -> Diagnostic {
    match shape {
        Some(shape) => {
            let example: Vec<String> = shape.example.lines().map(|l| format!("  {l}")).collect();
            d.help(format!(
                "`{}` is written like this:\n{}",
                shape.key,
                example.join("\n")
            ))
        }
        None => d,
    }
}

/// A scalar, written as `text`, that does not read as the type expected.
pub fn not_a_value(span: Span, text: &str) -> Diagnostic {
    Diagnostic::new(
        &RULE,
        span,
        format!("`{text}` is not a value of the expected type"),
    )
    .label("wrong type")
    .help("a number is written as digits (`version: 1`, `max_attempts: 3`)")
}

pub fn empty_value(span: Span) -> Diagnostic {
    Diagnostic::new(&RULE, span, "expected a value here, found nothing").label("empty value")
}

/// Another kind of value (`found`, written as `text`) than the one `expected`, with the
/// shape its key expects when that is a mapping or a list.
pub fn unexpected(
    span: Span,
    expected: &str,
    found: Shape,
    text: &str,
    example: Option<&ExpectedShape>,
) -> Diagnostic {
    let d = Diagnostic::new(
        &RULE,
        span,
        format!("expected {}, found {}", plain(expected), shape(found)),
    )
    .label(format!("expected {}", plain(expected)));
    if plain(expected) == "a list" && found == Shape::Single {
        d.help(format!("write it as a list: `[{text}]`"))
    } else {
        with_example(d, example)
    }
}

/// A `parallel` group that also has a step's keys.
pub fn parallel_with_step_keys(span: Span) -> Diagnostic {
    Diagnostic::new(
        &RULE,
        span,
        "a `parallel` group holds only its list of branches",
    )
    .help("move the other keys into the branches, or make this a plain step without `parallel`")
}

pub fn nested_parallel(span: Span) -> Diagnostic {
    Diagnostic::new(&RULE, span, "`parallel` groups do not nest")
        .help("list the steps of the inner group as branches of the outer one")
}
