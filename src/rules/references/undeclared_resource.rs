use crate::diagnostic::Diagnostic;
use crate::source::Spanned;
use crate::suggest::did_you_mean;

declare_rule! {
    /// ## What it checks
    /// An effect names a record of a resource (`stock[item]`) that is not declared under
    /// `resources` (language version 2, isolation).
    ///
    /// ## Why it matters
    /// The simulator runs several instances of the saga against the records the effects
    /// name, and finds the anomalies between them (lost updates, dirty reads) only on
    /// resources it knows: who owns them, what states they have, which states are locks.
    /// A name that is not declared is usually a typo (`stok[item]`), and its effect would
    /// be checked against nothing.
    ///
    /// ## Example
    /// ```yaml
    /// resources:
    ///   stock: { participant: inventory, key: item, kind: counter }
    /// steps:
    ///   - id: reserve_inventory
    ///     participant: inventory
    ///     effects:
    ///       - decrease: stok[item]
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// steps:
    ///   - id: reserve_inventory
    ///     participant: inventory
    ///     effects:
    ///       - decrease: stock[item]
    /// ```
    pub static RULE = ("R105", "undeclared-resource", Error, "A record reference to a resource not under `resources`");
}

/// `name` is not among the resources `declared`.
pub fn undeclared(name: &Spanned<String>, declared: &[String]) -> Diagnostic {
    let close = did_you_mean(&name.value, declared.iter().map(String::as_str));
    let help = match close {
        Some(close) => format!("did you mean `{close}`? Otherwise declare it under `resources:`"),
        None if declared.is_empty() => format!(
            "declare it: `resources: {{ {}: {{ participant: <owner>, key: <field> }} }}`",
            name.value
        ),
        None => format!(
            "declare `{}:` under `resources:` (declared: {})",
            name.value,
            declared
                .iter()
                .map(|r| format!("`{r}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    let d = Diagnostic::new(
        &RULE,
        name.span,
        format!("resource `{}` is not declared", name.value),
    )
    .label("not under `resources`")
    .help(help);
    match close {
        Some(close) => d.replacement(close),
        None => d,
    }
}
