use crate::diagnostic::Diagnostic;
use crate::source::Spanned;

declare_rule! {
    /// ## What it checks
    /// A step id or participant named with a Rust keyword (`type`, `match`, `loop`, ...), a
    /// Mermaid sequence-diagram keyword (`end`, `alt`, `par`, `note`, `box`, `title`, `over`,
    /// ...), or `trigger`, which outputs use to name the saga's trigger.
    ///
    /// ## Why it matters
    /// A participant called `end` closes a Mermaid block instead of drawing an arrow, and a
    /// step called `match` is not a valid Rust identifier, so the diagram and the generated
    /// crate would break.
    ///
    /// ## Example
    /// ```yaml
    /// participants:
    ///   box: {}
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// participants:
    ///   shipping: {}
    /// ```
    pub static RULE = ("S007", "reserved-name", Error, "A step id or participant named with a reserved word");
}

/// `name`, of a `kind` ("participant", "step id"), is one of `model::names::RESERVED`.
pub fn reserved(name: &Spanned<String>, kind: &str) -> Diagnostic {
    Diagnostic::new(
        &RULE,
        name.span,
        format!(
            "`{}` is a reserved word and cannot be a {kind}",
            name.value
        ),
    )
    .label("reserved word")
    .help(format!(
        "choose another name, e.g. `{}_service` or a more specific one: Rust, Mermaid and sagac's outputs give `{}` a meaning of their own",
        name.value, name.value
    ))
}
