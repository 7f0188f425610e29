use crate::diagnostic::Diagnostic;
use crate::model::Coordination;
use crate::source::Span;

declare_rule! {
    /// ## What it checks
    /// A key that belongs to the other coordination style: `consumes`, `emits`,
    /// `reactions` or `terminal_events` in an orchestration (the orchestrator sends
    /// commands, nobody reacts to events); `parallel` or `orchestrator` in a choreography
    /// (there is no orchestrator to fork and join).
    ///
    /// ## Why it matters
    /// Such a key would be ignored by the style's semantics, so the saga would not do what
    /// it says. It usually means the spec was converted from one style to the other and
    /// half of it was left behind, or the wrong `coordination` was chosen.
    ///
    /// ## Example
    /// ```yaml
    /// coordination: orchestration
    /// steps:
    ///   - id: charge_payment
    ///     consumes: inventory.reserved
    /// ```
    ///
    /// ## Fix
    /// Remove the key (the orchestrator calls the step after the one before it), or switch
    /// `coordination` to `choreography` and give every step `consumes` and `emits`.
    pub static RULE = ("R103", "wrong-coordination-key", Error, "A key of the other coordination style");
}

/// `key` has no meaning in the saga's `style`; `hint` says what to do instead.
pub fn wrong_key(span: Span, key: &str, style: Coordination, hint: &str) -> Diagnostic {
    let style = match style {
        Coordination::Orchestration => "an orchestration",
        Coordination::Choreography => "a choreography",
    };
    Diagnostic::new(&RULE, span, format!("`{key}` has no meaning in {style}"))
        .label(format!("not used in {style}"))
        .help(hint.to_owned())
}
