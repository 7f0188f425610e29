//! Language version 2, isolation: the values of `resources`, `effects` and `isolation`
//! that do not read (S003, whose doc is in `wrong_type.rs`).

use super::wrong_type::RULE;
use crate::diagnostic::Diagnostic;
use crate::model::problem::IsolationProblem;

const VERBS: &str = "`read`, `write`, `increase`, `decrease`, `create` or `set`";

/// The S003 diagnostics of the isolation keys; `None` for the problems other rules word.
pub fn isolation_value(problem: &IsolationProblem) -> Option<Diagnostic> {
    Some(match problem {
        IsolationProblem::BadRecordReference { text } => Diagnostic::new(
            &RULE,
            text.span,
            format!("`{}` is not a record reference", text.value),
        )
        .label("not `resource[field]`")
        .help("name the resource and, in brackets, the data field whose value picks the record: `stock[item]`; in flow style quote it, `{ read: \"stock[item]\" }`"),
        IsolationProblem::BadTransition { text } => Diagnostic::new(
            &RULE,
            text.span,
            format!("`{}` is not a transition", text.value),
        )
        .label("not `FROM -> TO`")
        .help("write each legal move as two states joined by `->`: `PENDING -> APPROVED`"),
        IsolationProblem::NotOneVerb { span, verbs } if verbs.is_empty() => Diagnostic::new(
            &RULE,
            *span,
            "an effect names no record",
        )
        .label("no verb")
        .help(format!("an effect is one of {VERBS} with the record it touches, e.g. `decrease: stock[item]`")),
        IsolationProblem::NotOneVerb { span, verbs } => Diagnostic::new(
            &RULE,
            *span,
            format!(
                "an effect has {} verbs ({})",
                verbs.len(),
                verbs.iter().map(|v| format!("`{v}`")).collect::<Vec<_>>().join(", ")
            ),
        )
        .label("one verb per effect")
        .help("write each access as its own effect: `- read: order[order_id]` and `- write: order[order_id]`"),
        IsolationProblem::VerbNotForKind {
            span,
            verb,
            resource,
            counter,
        } => {
            let (why, help) = match (*verb, *counter) {
                ("create" | "set", true) => (
                    "a counter has no states",
                    "change a counter with `increase` or `decrease`, or declare it a record with `states`".to_owned(),
                ),
                ("create" | "set", false) => (
                    "its records declare no `states`",
                    format!("list the states under `states` of `{resource}`, or use `write` for a record without states"),
                ),
                _ => (
                    "it is not a counter",
                    format!("`increase` and `decrease` change a quantity: declare `{resource}` with `kind: counter`, or use `write` or `set`"),
                ),
            };
            Diagnostic::new(
                &RULE,
                *span,
                format!("`{verb}` does not apply to `{resource}`: {why}"),
            )
            .label(format!("`{verb}` here"))
            .help(help)
        }
        IsolationProblem::OptionNotForVerb { span, key, verb } => Diagnostic::new(
            &RULE,
            *span,
            format!("`{key}` does not apply to a `{verb}` effect"),
        )
        .label("never used")
        .help(match *key {
            "from" => "`from` guards a `set` (the states the record must be in): remove it, or make the effect a `set`",
            "to" => "`to` is the state a `create` or `set` leaves the record in: remove it",
            _ => "`if_unchanged` checks a change against the version observed: it applies to `write`, `set`, `increase` and `decrease`; remove it",
        }),
        IsolationProblem::KeyNotForKind { span, key, counter } => {
            let (kind, help) = if *counter {
                ("a counter", format!("a counter is a quantity without states: remove `{key}`, or remove `kind: counter` to declare records"))
            } else {
                ("records", format!("`{key}` applies to counters: add `kind: counter`, or remove `{key}`"))
            };
            Diagnostic::new(&RULE, *span, format!("`{key}` does not apply to {kind}"))
                .label("never used")
                .help(help)
        }
        IsolationProblem::InstancesOutOfRange { span, value } => Diagnostic::new(
            &RULE,
            *span,
            format!("`instances: {value}` is not between 1 and 4"),
        )
        .label("1 to 4")
        .help("the simulator runs 1 to 4 instances at once (2 find every anomaly between two instances; 3 and 4 cost far more states): write `instances: 2`"),
        _ => return None,
    })
}
