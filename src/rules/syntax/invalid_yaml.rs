use crate::diagnostic::Diagnostic;
use crate::source::Span;

declare_rule! {
    /// ## What it checks
    /// The file is not well-formed YAML: an unclosed bracket or quote, a tab used for
    /// indentation, a key and value on lines indented inconsistently.
    ///
    /// ## Why it matters
    /// Nothing about the saga can be known until its text parses; sagac reports where the
    /// parser gave up, which is usually at or just after the mistake.
    ///
    /// ## Example
    /// ```yaml
    /// steps: [ { id: reserve_inventory, participant: inventory
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// steps: [ { id: reserve_inventory, participant: inventory } ]
    /// ```
    pub static RULE = ("S001", "invalid-yaml", Error, "The file is not well-formed YAML");
}

/// The reader's own message, where it stopped.
pub fn invalid_yaml(span: Span, message: &str) -> Diagnostic {
    Diagnostic::new(&RULE, span, message).label("the YAML reader stopped here")
}
