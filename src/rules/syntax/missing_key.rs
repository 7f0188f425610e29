use crate::diagnostic::Diagnostic;
use crate::model::problem::List;
use crate::source::Span;

declare_rule! {
    /// ## What it checks
    /// A key the language requires is absent: `version`, `saga`, `coordination`,
    /// `participants`, `trigger` and `steps` at the top; `participant` and `action` in the
    /// trigger; `id`, `participant` and `action` in a step; `action` in a long-form
    /// compensation; `table` and `relay` in an outbox.
    ///
    /// ## Why it matters
    /// Without these a saga has no defined behaviour: a step without a participant runs
    /// nowhere, a saga without a trigger never starts.
    ///
    /// ## Example
    /// ```yaml
    /// - id: reserve_inventory
    ///   action: ReserveInventory
    ///   compensation: ReleaseInventory
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// - id: reserve_inventory
    ///   participant: inventory
    ///   action: ReserveInventory
    ///   compensation: ReleaseInventory
    /// ```
    pub static RULE = ("S005", "missing-key", Error, "A required key is absent");
}

/// `place` has no `key`; `parent` is the mapping it belongs in.
pub fn missing(parent: Span, key: &str, place: &str, hint: &str) -> Diagnostic {
    Diagnostic::new(&RULE, parent, format!("{place} has no `{key}`"))
        .label(format!("`{key}` missing here"))
        .help(hint.to_owned())
}

/// A list that needs entries has none.
pub fn empty(span: Span, list: List) -> Diagnostic {
    let (message, help) = match list {
        List::Steps => ("`steps` is empty", "a saga has at least one step"),
        List::Participants => (
            "`participants` is empty",
            "declare each service of the saga, e.g. `inventory: {}`",
        ),
        List::ParallelBranches => (
            "`parallel` group has no branches",
            "list at least two steps under `parallel:`",
        ),
    };
    Diagnostic::new(&RULE, span, message).help(help)
}

/// A key the YAML reader found missing from a mapping.
pub fn missing_field(span: Span, key: &str) -> Diagnostic {
    Diagnostic::new(&RULE, span, format!("missing required key `{key}`")).help(format!(
        "add `{key}:`; `sagac explain S005` lists the required keys"
    ))
}
