use crate::diagnostic::Diagnostic;
use crate::source::Spanned;
use crate::suggest::did_you_mean;

declare_rule! {
    /// ## What it checks
    /// A step, the trigger, a reaction or the orchestrator names a participant that is not
    /// declared under `participants`.
    ///
    /// ## Why it matters
    /// The participants are the services of the saga: each has its own database and, if it
    /// publishes events, its own outbox. A name that is not declared is usually a typo
    /// (`inventry`) or a service whose outbox was never thought about.
    ///
    /// ## Example
    /// ```yaml
    /// participants:
    ///   inventory: {}
    /// steps:
    ///   - id: reserve_inventory
    ///     participant: warehouse
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// participants:
    ///   inventory: {}
    /// steps:
    ///   - id: reserve_inventory
    ///     participant: inventory
    /// ```
    pub static RULE = ("R101", "undeclared-participant", Error, "A participant name not declared under `participants`");
}

/// `name` is not among the participants `declared`.
pub fn undeclared(name: &Spanned<String>, declared: &[String]) -> Diagnostic {
    let close = did_you_mean(&name.value, declared.iter().map(String::as_str));
    let help = match close {
        Some(close) => {
            format!("did you mean `{close}`? Otherwise declare it under `participants:`")
        }
        None if declared.is_empty() => {
            format!("declare it: `participants: {{ {}: {{}} }}`", name.value)
        }
        None => format!(
            "declare `{}:` under `participants:` (declared: {})",
            name.value,
            declared
                .iter()
                .map(|p| format!("`{p}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    let d = Diagnostic::new(
        &RULE,
        name.span,
        format!("participant `{}` is not declared", name.value),
    )
    .label("not under `participants`")
    .help(help);
    match close {
        Some(close) => d.replacement(close),
        None => d,
    }
}
