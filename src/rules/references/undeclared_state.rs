use crate::diagnostic::Diagnostic;
use crate::source::Spanned;
use crate::suggest::did_you_mean;

declare_rule! {
    /// ## What it checks
    /// A state named in a resource's `transitions` or `locks`, or in an effect's `from` or
    /// `to`, that is not among the resource's `states` (language version 2, isolation).
    ///
    /// ## Why it matters
    /// The states are the record's whole life: the simulator checks every move against
    /// `transitions` (`legal_transitions`) and every ended run against `locks`
    /// (`locks_released`). A state that is not declared is a typo (`CANCELED` for
    /// `CANCELLED`) or a state the design forgot, and a move to it would be checked
    /// against nothing.
    ///
    /// ## Example
    /// ```yaml
    /// resources:
    ///   order:
    ///     participant: order
    ///     key: order_id
    ///     states: [PENDING, APPROVED, CANCELLED]
    ///     transitions: [PENDING -> APPROVED, APPROVED -> CANCELED]
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    ///     transitions: [PENDING -> APPROVED, APPROVED -> CANCELLED]
    /// ```
    pub static RULE = ("R108", "undeclared-state", Error, "A state not among its resource's `states`");
}

/// `name`, written under `key`, is not among `states` of `resource`.
pub fn undeclared(
    name: &Spanned<String>,
    resource: &str,
    states: &[String],
    key: &str,
) -> Diagnostic {
    let close = did_you_mean(&name.value, states.iter().map(String::as_str));
    let help = match close {
        Some(close) => {
            format!("did you mean `{close}`? Otherwise add it to `states` of `{resource}`")
        }
        None if states.is_empty() => format!(
            "`{resource}` declares no `states`: list them, e.g. `states: [{}]`",
            name.value
        ),
        None => format!(
            "add `{}` to `states` of `{resource}` (declared: {})",
            name.value,
            states.join(", ")
        ),
    };
    let d = Diagnostic::new(
        &RULE,
        name.span,
        format!(
            "`{}` under `{key}` is not a state of `{resource}`",
            name.value
        ),
    )
    .label("not under `states`")
    .help(help);
    match close {
        Some(close) => d.replacement(close),
        None => d,
    }
}
