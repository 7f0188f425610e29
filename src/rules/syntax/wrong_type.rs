use super::{list, plain, shape};
use crate::diagnostic::Diagnostic;
use crate::model::problem::Contradiction;
use crate::source::{Span, Spanned};
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
    /// In language version 2 also: a step id that names no step (`keeps`,
    /// `cancellation.until`), an `emits.failure` map key that is no failure the step
    /// declares, and keys that contradict each other: `deadline.applies: always` without
    /// `then: terminate`, `keeps` without `then: terminate`, a failure's `retry` without
    /// `then: retry`, `outcome.event` without `delivery: event`, `runs_for` or
    /// `absent_effect` on the trigger's compensation (which runs whenever the saga
    /// compensates), `TimedOut` in a choreography's map (it has no timeouts), and
    /// `Uncaught` mapped where errors nobody declared are not compensated.
    ///
    /// In the isolation keys: a record reference not written `resource[field]`, a
    /// transition not written `FROM -> TO`, an effect without exactly one verb, a verb its
    /// resource does not take (`create`/`set` on a counter or on records without `states`,
    /// `increase`/`decrease` on records), an option its verb does not take (`from` on a
    /// `read`), a key of the other kind of resource (`states` on a counter), and
    /// `isolation.instances` outside 1 to 4.
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
pub fn not_a_value(span: Span, text: &str, boolean: bool) -> Diagnostic {
    let d = Diagnostic::new(
        &RULE,
        span,
        format!("`{text}` is not a value of the expected type"),
    )
    .label("wrong type");
    if boolean {
        d.help("this key is `true` or `false` (`transactional: false`)")
    } else {
        d.help("a number is written as digits (`version: 1`, `max_attempts: 3`)")
    }
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
    } else if expected == "one of the allowed values" && example.is_none() {
        let shape = match found {
            Shape::List => "a list",
            _ => "a mapping",
        };
        d.help(format!(
            "this key takes one word (such as `compensate` or `pivot`), not {shape}: write the \
             value alone, without brackets or braces"
        ))
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

/// A step id under `key` that names no step.
pub fn unknown_step(name: &Spanned<String>, key: &str, steps: &[String]) -> Diagnostic {
    let d = Diagnostic::new(
        &RULE,
        name.span,
        format!("`{}` under `{key}` is not a step id", name.value),
    )
    .label("no such step");
    let steps: Vec<&str> = steps.iter().map(String::as_str).collect();
    match did_you_mean(&name.value, steps.iter().copied()) {
        Some(s) => d.help(format!("did you mean `{s}`? Steps: {}", list(&steps))),
        None => d.help(format!("the steps are: {}", list(&steps))),
    }
}

/// An `emits.failure` map key of `step` that is no failure it declares.
pub fn not_a_failure(name: &Spanned<String>, step: &str, declared: &[String]) -> Diagnostic {
    let d = Diagnostic::new(
        &RULE,
        name.span,
        format!("`{}` is not a failure step `{step}` declares", name.value),
    )
    .label("not in its `failures`");
    let declared: Vec<&str> = declared.iter().map(String::as_str).collect();
    match did_you_mean(&name.value, declared.iter().copied()) {
        Some(f) => d.help(format!("did you mean `{f}`? Its failures: {}", list(&declared))),
        None if declared.is_empty() => d.help(format!(
            "add `{}` to the step's `failures`, or remove it from the map",
            name.value
        )),
        None => d.help(format!(
            "map only the failures the step declares ({}), `Exhausted` or `Uncaught`; add `{}` to its `failures` if it can fail that way",
            list(&declared),
            name.value
        )),
    }
}

/// Two version 2 keys that cannot both hold.
pub fn contradiction(span: Span, what: &Contradiction) -> Diagnostic {
    let (message, label, help): (String, &str, String) = match what {
        Contradiction::AlwaysWithoutTerminate => (
            "`applies: always` needs `then: terminate`".to_owned(),
            "also after the point of no return",
            "after the point of no return nothing can be compensated: write `then: terminate` (the execution stops, like Step Functions' `TimeoutSeconds`), or `applies: before_pivot`".to_owned(),
        ),
        Contradiction::KeepsWithoutTerminate => (
            "`keeps` applies only with `then: terminate`".to_owned(),
            "nothing terminates here",
            "`keeps` lists the effects a terminated saga leaves on purpose: write `then: terminate`, or remove `keeps` (a compensating saga undoes every effect)".to_owned(),
        ),
        Contradiction::RetryWithoutThenRetry => (
            "a failure's `retry` applies only with `then: retry`".to_owned(),
            "never used",
            "write `then: retry` to retry this failure class under this policy, or remove `retry`".to_owned(),
        ),
        Contradiction::EventWithoutEventDelivery => (
            "`outcome.event` applies only with `delivery: event`".to_owned(),
            "never published",
            "write `delivery: event` to publish the outcome as this event, or remove `event`".to_owned(),
        ),
        Contradiction::NotForTheTrigger { key } => (
            format!("`{key}` does not apply to the trigger's compensation"),
            "the trigger's effect is always applied",
            format!("the trigger's compensation runs whenever the saga compensates, since the saga exists only once the trigger committed: remove `{key}`"),
        ),
        Contradiction::TimedOutInChoreography => (
            "`TimedOut` never occurs in a choreography".to_owned(),
            "no timeouts here",
            "a choreography has no coordinator that waits for a reply: remove `TimedOut` from the map".to_owned(),
        ),
        Contradiction::UncaughtNotCompensated => (
            "`Uncaught` publishes an event only under `on_uncaught: compensate`".to_owned(),
            "never published",
            "write `on_uncaught: compensate` (on the step or at the top level) to turn errors nobody declared into this failure event, or remove `Uncaught` from the map".to_owned(),
        ),
    };
    Diagnostic::new(&RULE, span, message)
        .label(label)
        .help(help)
}
